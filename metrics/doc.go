// Package metrics is loyalkit's retention math: the formulas the source
// articles measure loyalty with, summaries of a purchase log, and the
// probabilistic models behind forecasts and customer lifetime value.
//
// Money is decimal.Decimal where it is accounting (revenue, average order
// value, the simple CLTV formulas); statistical estimates (rates, model
// parameters, forecasts) are float64 and documented as estimates. Every
// function that takes a time span takes its unit too.
//
// # Formulas
//
//   - [CRR]: (E − N) / S, the customer retention rate.
//   - [ChurnRate], and [CompoundChurn]: 1 − (1 − rate)^n across periods.
//   - [RepeatPurchaseRate], [PurchaseFrequency], [AverageOrderValue].
//   - [NPS] and [NPSFromCounts]: %promoters (9–10) − %detractors (0–6).
//   - [CSAT] on a [Scale] (top-2 box of 1–5 by default).
//   - [SimpleCLTV]: AOV × frequency × lifespan (× margin).
//   - [RetentionCLTV]: m·r / (1 + d − r) (Gupta & Lehmann).
//   - [LTVToCAC].
//
// Impossible input (no customers at the start, a score of 11, a rate of
// 80 meant as 80 %) is an [*InputError] naming the function and field.
//
// # Purchase logs
//
// A log is an iter.Seq of [Purchase] (customer, time, amount), read once.
//
//   - [Summarizer] builds the per-customer [CustomerSummary] the models
//     need (frequency = repeat purchase days, recency, age T, mean repeat
//     spend; lifetimes' conventions) with a calibration/holdout split, in
//     an explicit [Unit]. It reproduces the published CDNOW summary.
//   - [Activity] counts which [Period] each customer bought in: the
//     [Cohort] table (unobservable cells left out, not 0), period-to-period
//     [PeriodRetention], and [Activity.NewVersusReturning].
//   - [CustomerDays] gathers one customer's purchases by day in any order
//     and merges ([SummarizeDays] summarises it with a Summarizer), and
//     [CohortCounts] is the cohort table as mergeable counts: the forms a
//     distributed engine combines (the nested module beam/ runs them on
//     Apache Beam).
//
// Both keep memory per customer, not per purchase, and merge: summarise
// shards separately, then Merge.
//
// # Models
//
//   - [FitBGNBD]: BG/NBD (Fader, Hardie & Lee 2005, Marketing Science
//     24(2)); [FitMBGNBD]: MBG/NBD (Batislam, Denizel & Filiztekin 2007),
//     whose customers may also drop out right after their first purchase;
//     [FitParetoNBD]: Pareto/NBD (Schmittlein, Morrison & Colombo 1987);
//     [FitGammaGamma]: spend (Fader & Hardie 2013).
//   - [FitBGBB]: BG/BB (Fader, Hardie & Shang 2010, Marketing Science
//     29(6)) for discrete transaction opportunities (a yearly donation
//     drive), from [DiscreteSummary] rows that each stand for Count
//     customers, so published recency/frequency tables fit as they are.
//     On the paper's donations data it prints the published estimates.
//   - Fits are maximum likelihood with BFGS and analytic gradients on the
//     summaries grouped by identical values, so a million customers fit in
//     milliseconds. On CDNOW they print the published estimates; see
//     `go run ./examples/cdnow`.
//   - [BGNBD], [MBGNBD] and [ParetoNBD] are [PurchaseModel]s: P(alive),
//     expected purchases (unconditional and for a given history); their
//     ProbabilityOfPurchases is the distribution P(X(t) = x). A value that
//     cannot be computed is an error, never a number: [BGNBD.Predict],
//     [BGNBD.PAliveErr] and [BGNBD.ConditionalExpectedPurchasesErr] (and
//     the same on the other two) return an [*InputError] for a parameter
//     or history out of range and an error wrapping [ErrNumerical] for a
//     value beyond float64's reach; PAlive and ConditionalExpectedPurchases
//     are their convenience forms, NaN where those return an error. [BGBB]
//     has the same in opportunities, its PAlive and
//     ConditionalExpectedPurchases returning the errors themselves.
//   - Every fit reports its [Uncertainty]: standard errors from the
//     observed information (they match lifetimes' and CLVTools' on CDNOW),
//     intervals for a parameter ([Uncertainty.Param]) and, by the delta
//     method, for anything computed from the parameters — a customer's
//     expected purchases, a CLV, a forecast total ([Uncertainty.Delta]).
//     On simulated BG/NBD data the nominal 95 % intervals cover the truth
//     in 187–191 of 200 data sets (TestIntervalCoverage).
//   - [CLV] over a [Horizon] with a discount rate and margin;
//     [ForecastBase] for the purchases and revenue of the existing base in
//     the next period.
//
// # Checking a model
//
// Fit on the calibration period, check on the holdout the [Summarizer]
// split off ([Summarizer.Holdout]); see [ExampleEvaluateHoldout].
//
//   - [EvaluateHoldout]: mean actual against mean predicted holdout
//     purchases by calibration frequency (0 … 6 and "7 or more", the
//     papers' figure), and customer-level MAE, RMSE, Pearson r and total
//     error. On CDNOW it reproduces the BTYD walkthrough's Pareto/NBD
//     table.
//   - [Tracker] reads the log once for the summaries and the tracking
//     curve ([Tracker.Curve]): cumulative repeat purchases per period,
//     actual against the model, over calibration and holdout. Trackers of
//     shards of customers merge ([Tracker.Merge]).
//   - [CompareModels]: log-likelihood, AIC, BIC and holdout errors of
//     several models fitted on the same summaries, best AIC first.
//   - [CheckSpendIndependence]: the Gamma-Gamma model's assumption that
//     spend does not depend on frequency, with a warning above |r| = 0.3
//     (CDNOW: 0.11).
//
// All of these are float64 estimates; a model in another unit than the
// summaries, an empty split or one without a holdout period is an
// [*InputError].
package metrics
