package metrics_test

import (
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/metrics"
)

// Checking models on CDNOW's 39-week holdout: one pass over the log gives
// the summaries and the weekly tracking curve; both models are fitted on
// the calibration summaries and compared there and on the holdout.
func ExampleEvaluateHoldout() {
	purchases, err := refdata.CDNOWTransactions("", "CDNOW_sample.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	tr, err := metrics.NewTracker(metrics.SummaryConfig{
		CalibrationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
		ObservationEnd: time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC),
		Unit:           metrics.Weeks,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := tr.AddAll(refdata.Seq(purchases)); err != nil {
		fmt.Println(err)
		return
	}
	h := tr.Summarizer().Holdout()
	bg, _, err := metrics.FitBGNBD(h.Customers)
	if err != nil {
		fmt.Println(err)
		return
	}
	pn, _, err := metrics.FitParetoNBD(h.Customers)
	if err != nil {
		fmt.Println(err)
		return
	}

	// Mean holdout purchases by calibration frequency, 7 or more pooled.
	r, err := metrics.EvaluateHoldout(bg, h, 7)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range r.ByFrequency {
		more := " "
		if row.OrMore {
			more = "+"
		}
		fmt.Printf("x=%d%s %4d customers: actual %.2f, BG/NBD %.2f\n", row.Frequency, more, row.Customers, row.Actual, row.Predicted)
	}

	// Cumulative repeat purchases, weekly: the end of calibration and of the holdout.
	pts, err := tr.Curve(bg, metrics.Weeks)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, i := range []int{38, len(pts) - 1} {
		fmt.Printf("week %d (%s): %d actual, %.0f BG/NBD\n", i+1, pts[i].End.Format(time.DateOnly), pts[i].Actual, pts[i].Predicted)
	}

	table, err := metrics.CompareModels(h, metrics.Candidate{Name: "BG/NBD", Model: bg}, metrics.Candidate{Name: "Pareto/NBD", Model: pn})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range table {
		e := m.Holdout
		fmt.Printf("%-10s AIC %.1f BIC %.1f | MAE %.3f RMSE %.3f r %.3f | %.0f predicted, %d actual (%+.1f%%)\n",
			m.Name, m.AIC, m.BIC, e.MAE, e.RMSE, e.Correlation, e.Predicted, e.Actual, e.TotalErrorPercent)
	}

	spend, err := metrics.CheckSpendIndependence(h.Customers)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("frequency and spend: r = %.2f over %d repeat customers, warning %v\n", spend.Correlation, spend.Customers, spend.Warning)
	// Output:
	// x=0  1411 customers: actual 0.24, BG/NBD 0.23
	// x=1   439 customers: actual 0.70, BG/NBD 0.52
	// x=2   214 customers: actual 1.39, BG/NBD 1.04
	// x=3   100 customers: actual 1.56, BG/NBD 1.52
	// x=4    62 customers: actual 2.53, BG/NBD 2.16
	// x=5    38 customers: actual 2.95, BG/NBD 2.65
	// x=6    29 customers: actual 3.86, BG/NBD 3.50
	// x=7+   64 customers: actual 6.36, BG/NBD 6.16
	// week 39 (1997-09-30): 2457 actual, 2494 BG/NBD
	// week 78 (1998-06-30): 4339 actual, 4161 BG/NBD
	// BG/NBD     AIC 19172.9 BIC 19195.9 | MAE 0.785 RMSE 1.608 r 0.626 | 1653 predicted, 1882 actual (-12.1%)
	// Pareto/NBD AIC 19198.0 BIC 19221.0 | MAE 0.755 RMSE 1.603 r 0.630 | 1666 predicted, 1882 actual (-11.5%)
	// frequency and spend: r = 0.11 over 946 repeat customers, warning false
}
