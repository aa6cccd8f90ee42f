// cdnow fits the retention models to the CDNOW data used by the papers,
// forecasts the next 39 weeks of the base, checks the models on that
// holdout period and draws three SVG charts of the fit (the tracking
// curve, calibration against holdout by frequency, and P(alive)) into a
// new folder under the system's temporary directory, which it prints.
//
//	go run ./examples/cdnow [-data DIR]
//
// DIR holds CDNOW_sample.txt and cdnow_customers_summary_with_transactions.csv
// (default: $LOYALKIT_DATA/cdnow when set, else the copy in the repository).
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/metrics"
)

func main() {
	dir := flag.String("data", "", "folder with the CDNOW files")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "cdnow:", err)
		os.Exit(1)
	}
}

// analysis is everything the example prints and draws.
type analysis struct {
	// The fits on the published calibration summary (the papers' input).
	bg    metrics.BGNBD
	bgRep metrics.FitReport
	pn    metrics.ParetoNBD
	pnRep metrics.FitReport
	// T is the longest calibration period of the published summary, in
	// weeks (38.86: the customers who joined on 1 January 1997).
	T float64

	// The summaries of the raw transactions, with the holdout period; the
	// Gamma-Gamma fit on them (it needs unrounded spend).
	raw     []metrics.CustomerSummary
	holdout metrics.Holdout
	gg      metrics.GammaGamma
	ggRep   metrics.FitReport

	// The holdout check: models fitted on the raw calibration summaries
	// (the summaries CompareModels' likelihoods are of), the weekly
	// tracking curve and the table by calibration frequency of hbg.
	hbg     metrics.BGNBD
	hmbg    metrics.MBGNBD
	hpn     metrics.ParetoNBD
	curve   []metrics.TrackingPoint
	byFreq  []metrics.FrequencyRow
	compare []metrics.ModelComparison
}

// analyse loads CDNOW from dir and fits and checks the models.
func analyse(dir string) (*analysis, error) {
	var a analysis
	// The published calibration summary (weeks, 2 decimals): the input of
	// the count models in the papers.
	rows, err := refdata.CDNOWSummary(dir, "cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		return nil, err
	}
	published := make([]metrics.CustomerSummary, len(rows))
	for i, r := range rows {
		published[i] = metrics.CustomerSummary{ID: fmt.Sprint(r.ID), Frequency: r.X, Recency: r.Tx, T: r.T, Unit: metrics.Weeks}
		a.T = max(a.T, r.T)
	}
	// The same customers summarised from the raw transactions, with the
	// 39-week holdout and unrounded spend for the Gamma-Gamma model; the
	// tracker reads the log once for the summaries and the tracking curve.
	purchases, err := refdata.CDNOWTransactions(dir, "CDNOW_sample.txt")
	if err != nil {
		return nil, err
	}
	tr, err := metrics.NewTracker(metrics.SummaryConfig{
		CalibrationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
		ObservationEnd: time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC),
		Unit:           metrics.Weeks,
	})
	if err != nil {
		return nil, err
	}
	if err := tr.AddAll(refdata.Seq(purchases)); err != nil {
		return nil, err
	}
	a.holdout = tr.Summarizer().Holdout()
	a.raw = a.holdout.Customers

	if a.bg, a.bgRep, err = metrics.FitBGNBD(published); err != nil {
		return nil, err
	}
	if a.pn, a.pnRep, err = metrics.FitParetoNBD(published); err != nil {
		return nil, err
	}
	if a.gg, a.ggRep, err = metrics.FitGammaGamma(a.raw); err != nil {
		return nil, err
	}

	if a.hbg, _, err = metrics.FitBGNBD(a.raw); err != nil {
		return nil, err
	}
	if a.hmbg, _, err = metrics.FitMBGNBD(a.raw); err != nil {
		return nil, err
	}
	if a.hpn, _, err = metrics.FitParetoNBD(a.raw); err != nil {
		return nil, err
	}
	if a.curve, err = tr.Curve(a.hbg, metrics.Weeks); err != nil {
		return nil, err
	}
	rep, err := metrics.EvaluateHoldout(a.hbg, a.holdout, 7)
	if err != nil {
		return nil, err
	}
	a.byFreq = rep.ByFrequency
	a.compare, err = metrics.CompareModels(a.holdout,
		metrics.Candidate{Name: "BG/NBD", Model: a.hbg},
		metrics.Candidate{Name: "MBG/NBD", Model: a.hmbg},
		metrics.Candidate{Name: "Pareto/NBD", Model: a.hpn})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

func run(dir string) error {
	a, err := analyse(dir)
	if err != nil {
		return err
	}
	fmt.Printf("%s ll=%.2f\n", a.bg, a.bgRep.LogLikelihood)
	fmt.Printf("%s ll=%.2f\n", a.pn, a.pnRep.LogLikelihood)
	fmt.Printf("%s ll=%.2f\n", a.gg, a.ggRep.LogLikelihood)

	raw := a.raw
	actual := 0
	for _, c := range raw {
		actual += c.HoldoutFrequency
	}
	fmt.Printf("\nnext %.0f weeks of the %d-customer base (observed: %d repeat purchases)\n", a.holdout.Length, len(raw), actual)
	fmt.Printf("%-10s %12s %12s %14s\n", "model", "purchases", "revenue $", "expected alive")
	for _, m := range []struct {
		name string
		pm   metrics.PurchaseModel
	}{{"BG/NBD", a.bg}, {"Pareto/NBD", a.pn}} {
		f, err := metrics.ForecastBase(m.pm, &a.gg, raw, a.holdout.Length, metrics.Weeks)
		if err != nil {
			return err
		}
		fmt.Printf("%-10s %12.1f %12.0f %14.1f\n", m.name, f.Purchases, f.Revenue, f.ExpectedAlive)
	}

	// One customer, as the paper's worked example.
	c := raw[0]
	clv, err := metrics.CLV(a.bg, a.gg, c, metrics.Horizon{Steps: 12, StepLength: 30.4375, StepUnit: metrics.Days}, 0.01, 1)
	if err != nil {
		return err
	}
	fmt.Printf("\ncustomer %s: x=%d t_x=%.2f T=%.2f  P(alive)=%.3f  E[purchases, 39 weeks]=%.3f  12-month CLV at 1%%/month=$%.2f\n",
		c.ID, c.Frequency, c.Recency, c.T, a.bg.PAlive(c.Frequency, c.Recency, c.T),
		a.bg.ConditionalExpectedPurchases(39, c.Frequency, c.Recency, c.T), clv)

	// The sampling uncertainty of the BG/NBD fit above.
	u := a.bgRep.Uncertainty
	if u.StdErr == nil {
		fmt.Printf("\nBG/NBD standard errors: unavailable (%s)\n", u.Unavailable)
	} else {
		fmt.Printf("\nBG/NBD standard errors (95%% intervals on the log scale)\n")
		for i, name := range u.Names {
			iv, err := u.Param(i, 0.95)
			if err != nil {
				return err
			}
			fmt.Printf("  %-6s %8.4f  se %.4f  [%.4f, %.4f]\n", name, iv.Estimate, iv.StdErr, iv.Lower, iv.Upper)
		}
	}

	// Out of sample: the models fitted on the raw calibration summaries,
	// against the purchases of the 39-week holdout.
	fmt.Printf("\nholdout check (models fitted on the calibration summaries of the raw log, sorted by AIC)\n")
	fmt.Printf("%-10s %9s %7s | %6s %6s %6s | %9s %6s %7s\n", "model", "AIC", "ΔAIC", "MAE", "RMSE", "r", "predicted", "actual", "error")
	for _, m := range a.compare {
		e := m.Holdout
		fmt.Printf("%-10s %9.1f %7.1f | %6.3f %6.3f %6.3f | %9.0f %6d %+6.1f%%\n",
			m.Name, m.AIC, m.DeltaAIC, e.MAE, e.RMSE, e.Correlation, e.Predicted, e.Actual, e.TotalErrorPercent)
	}

	out, err := os.MkdirTemp("", "cdnow-charts-")
	if err != nil {
		return err
	}
	files, err := writeCharts(out, a)
	if err != nil {
		return err
	}
	fmt.Printf("\ncharts in %s\n", out)
	for _, f := range files {
		fmt.Printf("  %s\n", f)
	}
	return nil
}
