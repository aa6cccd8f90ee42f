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

// Trackers of shards of customers — here the CDNOW sample split by
// customer id, as two workers would read it — merge into the tracker of
// the whole log: the same summaries and tracking curve. Trackers that
// share a customer do not merge.
func ExampleTracker_Merge() {
	purchases, err := refdata.CDNOWTransactions("", "CDNOW_sample.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := metrics.SummaryConfig{
		CalibrationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
		ObservationEnd: time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC),
		Unit:           metrics.Weeks,
	}
	whole, _ := metrics.NewTracker(cfg)
	if err := whole.AddAll(refdata.Seq(purchases)); err != nil {
		fmt.Println(err)
		return
	}
	even, _ := metrics.NewTracker(cfg)
	odd, _ := metrics.NewTracker(cfg)
	for _, p := range purchases {
		shard := even
		if n := p.Customer[len(p.Customer)-1]; n%2 == 1 {
			shard = odd
		}
		if err := shard.Add(p); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := even.Merge(odd); err != nil {
		fmt.Println(err)
		return
	}
	m := metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks}
	curve, err := even.Curve(m, metrics.Weeks)
	if err != nil {
		fmt.Println(err)
		return
	}
	wholeCurve, _ := whole.Curve(m, metrics.Weeks)
	last, w := curve[len(curve)-1], wholeCurve[len(wholeCurve)-1]
	fmt.Printf("merged: %d customers; by %s %d repeat purchases, the model %.1f\n",
		len(even.Summarizer().Customers()), last.End.Format(time.DateOnly), last.Actual, last.Predicted)
	fmt.Printf("whole:  %d customers; by %s %d repeat purchases, the model %.1f\n",
		len(whole.Summarizer().Customers()), w.End.Format(time.DateOnly), w.Actual, w.Predicted)
	fmt.Println(odd.Merge(even) != nil) // odd's customers are in even now
	// Output:
	// merged: 2357 customers; by 1998-06-30 4339 repeat purchases, the model 4166.4
	// whole:  2357 customers; by 1998-06-30 4339 repeat purchases, the model 4166.4
	// true
}
