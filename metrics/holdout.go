package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Holdout is a calibration/holdout split, ready to check a model against:
// the customer summaries (calibration statistics, and the purchase days
// of the holdout period in HoldoutFrequency), their unit, and the length
// of the holdout period in that unit. [Summarizer.Holdout] makes one.
type Holdout struct {
	Customers []CustomerSummary
	Unit      Unit
	// Length is the holdout period's length in Unit; it must be positive.
	Length float64
}

// Holdout is the summarizer's split: its customers (see
// [Summarizer.Customers]), its unit and [Summarizer.HoldoutLength].
func (s *Summarizer) Holdout() Holdout {
	return Holdout{Customers: s.Customers(), Unit: s.cfg.Unit, Length: s.HoldoutLength()}
}

// DefaultFrequencyBuckets is the k of the "k or more" row of
// [EvaluateHoldout]'s table when none is given: 7, as in Fader, Hardie &
// Lee's (2005) CDNOW figure of conditional expectations.
const DefaultFrequencyBuckets = 7

// FrequencyRow is one row of the holdout table: the customers with a
// given number of repeat purchases in calibration, what they bought in the
// holdout period and what the model expected of them. Means are float64;
// Predicted is an estimate.
type FrequencyRow struct {
	// Frequency is the calibration frequency; in the last row, with
	// OrMore set, it is the lower bound of "Frequency or more".
	Frequency int
	OrMore    bool
	Customers int
	// Actual is the mean number of holdout purchase days, Predicted the
	// mean of the model's E[Y(Length) | x, t_x, T]; both 0 when the row
	// has no customers.
	Actual, Predicted float64
}

// HoldoutErrors measures a model's holdout predictions against the
// actual holdout purchases, customer by customer. All are float64
// estimates except the counts.
type HoldoutErrors struct {
	Customers int
	// Actual is the number of holdout purchase days of all customers;
	// Predicted the sum of their conditional expectations.
	Actual    int
	Predicted float64
	// MAE is the mean absolute error |predicted − actual|, RMSE the root
	// of the mean squared error.
	MAE, RMSE float64
	// Correlation is Pearson's r of actual and predicted, in [−1, 1]; NaN
	// when either is the same for every customer (r is then undefined).
	Correlation float64
	// TotalError is Predicted − Actual; TotalErrorPercent is it as a
	// percentage of Actual (NaN when Actual is 0).
	TotalError, TotalErrorPercent float64
}

// HoldoutReport is [EvaluateHoldout]'s result.
type HoldoutReport struct {
	// ByFrequency has a row per calibration frequency 0 … k−1 and a
	// "k or more" row, empty rows included: the rows partition the
	// customers.
	ByFrequency []FrequencyRow
	Errors      HoldoutErrors
}

// EvaluateHoldout checks a fitted model against the holdout period: for
// each customer, the model's expected purchases over h.Length given their
// calibration history (ConditionalExpectedPurchases) against the purchase
// days they actually made (HoldoutFrequency). It returns the table by
// calibration frequency (the conditional-expectations figure of Fader,
// Hardie & Lee 2005, lifetimes' plot_calibration_purchases_vs_holdout_purchases)
// with a "k or more" row (k ≤ 0 means [DefaultFrequencyBuckets]), and the
// customer-level errors. Identical histories are predicted once, and the
// sums run in a fixed order, so the result does not depend on the order
// of h.Customers.
//
// The model must be in h.Unit: a model fitted in weeks does not read
// summaries in days. An empty split, a split without a holdout period, an
// impossible summary (NaN, recency beyond T, negative counts) or a model
// that predicts NaN is an [*InputError].
func EvaluateHoldout(pm PurchaseModel, h Holdout, k int) (HoldoutReport, error) {
	const fn = "EvaluateHoldout"
	if k <= 0 {
		k = DefaultFrequencyBuckets
	}
	rows, err := predictHoldout(fn, pm, h)
	if err != nil {
		return HoldoutReport{}, err
	}
	table := make([]FrequencyRow, k+1)
	for i := range table {
		table[i].Frequency = i
	}
	table[k].OrMore = true
	sums := make([][2]float64, k+1)
	for _, r := range rows {
		b := min(r.x, k)
		table[b].Customers += r.n
		sums[b][0] += float64(r.n * r.actual)
		sums[b][1] += float64(r.n) * r.predicted
	}
	for i := range table {
		if n := float64(table[i].Customers); n > 0 {
			table[i].Actual, table[i].Predicted = sums[i][0]/n, sums[i][1]/n
		}
	}
	return HoldoutReport{ByFrequency: table, Errors: holdoutErrors(rows)}, nil
}

// holdoutRow is a group of customers with the same calibration history
// and the same holdout count, and the model's prediction for them.
type holdoutRow struct {
	x, actual, n int
	tx, T        float64
	predicted    float64
}

// predictHoldout checks the split and the model, groups the customers and
// predicts each group; the groups come sorted, so that sums over them do
// not depend on the order of the customers.
func predictHoldout(fn string, pm PurchaseModel, h Holdout) ([]holdoutRow, error) {
	if err := checkHoldout(fn, pm, h); err != nil {
		return nil, err
	}
	type key struct {
		x, actual int
		tx, T     float64
	}
	idx := make(map[key]int, len(h.Customers)/4)
	var rows []holdoutRow
	for _, c := range h.Customers {
		k := key{c.Frequency, c.HoldoutFrequency, c.Recency, c.T}
		if i, ok := idx[k]; ok {
			rows[i].n++
			continue
		}
		idx[k] = len(rows)
		rows = append(rows, holdoutRow{x: c.Frequency, actual: c.HoldoutFrequency, tx: c.Recency, T: c.T, n: 1})
	}
	slices.SortFunc(rows, func(a, b holdoutRow) int {
		return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.tx, b.tx), cmp.Compare(a.T, b.T), cmp.Compare(a.actual, b.actual))
	})
	// Rows that differ only in the holdout count are neighbours: predict
	// once for them.
	for i := range rows {
		r := &rows[i]
		if i > 0 && r.x == rows[i-1].x && r.tx == rows[i-1].tx && r.T == rows[i-1].T {
			r.predicted = rows[i-1].predicted
			continue
		}
		var err error
		if r.predicted, err = conditionalOf(pm, h.Length, r.x, r.tx, r.T); err != nil {
			return nil, modelErr(fn, pm, fmt.Sprintf("x=%d t_x=%v T=%v", r.x, r.tx, r.T), err)
		}
	}
	return rows, nil
}

// checkHoldout validates a split and a model for it.
func checkHoldout(fn string, pm PurchaseModel, h Holdout) error {
	switch {
	case pm == nil:
		return inputErr(fn, "model", "is nil")
	case len(h.Customers) == 0:
		return inputErr(fn, "Holdout.Customers", "is empty")
	case h.Unit <= 0:
		return inputErr(fn, "Holdout.Unit", "is required (Days or Weeks), got %d", int(h.Unit))
	case math.IsNaN(h.Length) || math.IsInf(h.Length, 0) || h.Length < 0:
		return inputErr(fn, "Holdout.Length", "must be positive and finite, got %v", h.Length)
	case h.Length == 0:
		return inputErr(fn, "Holdout.Length", "is 0: the summaries have no holdout period (set SummaryConfig.ObservationEnd after CalibrationEnd)")
	case pm.ModelUnit() != h.Unit:
		return inputErr(fn, "model", "is in %v, the summaries in %v: fit the model on summaries in %v", pm.ModelUnit(), h.Unit, h.Unit)
	}
	unit, err := checkSummaries(fn, "Holdout.Customers", h.Customers)
	if err != nil {
		return err
	}
	if unit != h.Unit {
		return inputErr(fn, "Holdout.Customers", "are in %v, the holdout in %v", unit, h.Unit)
	}
	for i, c := range h.Customers {
		switch {
		case math.IsNaN(c.Recency) || math.IsInf(c.T, 0):
			return inputErr(fn, "Holdout.Customers", "[%d] (%s) has recency %v and T %v; both must be finite", i, c.ID, c.Recency, c.T)
		case c.HoldoutFrequency < 0:
			return inputErr(fn, "Holdout.Customers", "[%d] (%s) has a negative HoldoutFrequency %d", i, c.ID, c.HoldoutFrequency)
		}
	}
	return nil
}

// holdoutErrors computes the error measures over grouped rows, in their
// (sorted) order; the correlation by two passes (means, then centred sums).
func holdoutErrors(rows []holdoutRow) HoldoutErrors {
	var e HoldoutErrors
	var absSum, sqSum float64
	for _, r := range rows {
		n := float64(r.n)
		d := r.predicted - float64(r.actual)
		e.Customers += r.n
		e.Actual += r.n * r.actual
		e.Predicted += n * r.predicted
		absSum += n * math.Abs(d)
		sqSum += n * d * d
	}
	n := float64(e.Customers)
	e.MAE = absSum / n
	e.RMSE = math.Sqrt(sqSum / n)
	e.TotalError = e.Predicted - float64(e.Actual)
	e.TotalErrorPercent = math.NaN()
	if e.Actual > 0 {
		e.TotalErrorPercent = 100 * e.TotalError / float64(e.Actual)
	}
	ma, mp := float64(e.Actual)/n, e.Predicted/n
	var saa, spp, sap float64
	constA, constP := true, true // exactly: a mean that rounds would make a tiny false variance
	for _, r := range rows {
		constA = constA && r.actual == rows[0].actual
		constP = constP && r.predicted == rows[0].predicted
		w := float64(r.n)
		da, dp := float64(r.actual)-ma, r.predicted-mp
		saa += w * da * da
		spp += w * dp * dp
		sap += w * da * dp
	}
	if constA || constP {
		saa = 0
	}
	e.Correlation = correlation(saa, spp, sap)
	return e
}

// correlation is Pearson's r from centred sums of squares and products,
// clamped to [−1, 1] against rounding; NaN when a variance is 0.
func correlation(sxx, syy, sxy float64) float64 {
	if !(sxx > 0 && syy > 0) {
		return math.NaN()
	}
	return max(-1, min(1, sxy/math.Sqrt(sxx*syy)))
}
