package metrics_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func cdnowTracker(t testing.TB) *metrics.Tracker {
	t.Helper()
	ps, err := refdata.CDNOWTransactions("", "CDNOW_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := metrics.NewTracker(cdnowConfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.AddAll(refdata.Seq(ps)); err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestTrackingCDNOW checks the weekly CDNOW curve for internal
// consistency (the published tracking figure gives no numbers to compare
// with): 78 weeks from 1997-01-01, week 39 ending on CalibrationEnd; the
// actual curve reaches the summaries' calibration repeat purchases at
// week 39 and adds the holdout ones by week 78; the model curve at those
// weeks is the sum over customers of E[X(T)] and E[X(T + 39)].
func TestTrackingCDNOW(t *testing.T) {
	tr := cdnowTracker(t)
	bg, _, err := metrics.FitBGNBD(cdnowPublished(t))
	if err != nil {
		t.Fatal(err)
	}
	pts, err := tr.Curve(bg, metrics.Weeks)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 78 {
		t.Fatalf("%d points, want 78", len(pts))
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	if !pts[0].End.Equal(day("1997-01-07")) || !pts[38].End.Equal(day("1997-09-30")) || !pts[77].End.Equal(day("1998-06-30")) {
		t.Errorf("weeks end %s, %s, %s", pts[0].End, pts[38].End, pts[77].End)
	}
	if pts[38].Holdout || !pts[39].Holdout {
		t.Errorf("week 39 holdout %v, week 40 holdout %v", pts[38].Holdout, pts[39].Holdout)
	}
	var cal, hold int
	var atT, atEnd float64
	for _, c := range tr.Summarizer().Customers() {
		cal += c.Frequency
		hold += c.HoldoutFrequency
		atT += bg.ExpectedPurchases(c.T)
		atEnd += bg.ExpectedPurchases(c.T + 39)
	}
	if pts[38].Actual != cal || pts[77].Actual != cal+hold || cal != 2457 || hold != 1882 {
		t.Errorf("actual %d at week 39 and %d at week 78; summaries %d and %d + %d", pts[38].Actual, pts[77].Actual, cal, cal, hold)
	}
	if math.Abs(pts[38].Predicted-atT) > 1e-9*atT || math.Abs(pts[77].Predicted-atEnd) > 1e-9*atEnd {
		t.Errorf("predicted %.6f and %.6f, summaries give %.6f and %.6f", pts[38].Predicted, pts[77].Predicted, atT, atEnd)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].Actual < pts[i-1].Actual || pts[i].Predicted < pts[i-1].Predicted {
			t.Errorf("week %d: the curve goes down", i+1)
		}
	}
	t.Logf("week 39: %d actual, %.1f predicted; week 78: %d, %.1f", pts[38].Actual, pts[38].Predicted, pts[77].Actual, pts[77].Predicted)
}

// drawLog draws a small log: customers buy on days of 1997 in order,
// some twice a day, some first in the holdout period.
func drawLog(t *rapid.T) []metrics.Purchase {
	var ps []metrics.Purchase
	n := rapid.IntRange(1, 15).Draw(t, "customers")
	start := time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC)
	for c := range n {
		day := rapid.IntRange(0, 300).Draw(t, "first")
		for range rapid.IntRange(1, 8).Draw(t, "purchases") {
			ps = append(ps, metrics.Purchase{Customer: fmt.Sprint("c", c), At: start.AddDate(0, 0, day), Amount: decimal.NewFromInt(10)})
			day += rapid.IntRange(0, 60).Draw(t, "gap")
		}
	}
	return ps
}

// TestTrackerProperties: a tracker's summaries are a summarizer's; the
// actual curve ends at all the summaries' repeat purchases; one period
// longer than the log is one point; a model expecting t purchases in t
// gives the customers' total age.
func TestTrackerProperties(t *testing.T) {
	cfg := metrics.SummaryConfig{
		CalibrationEnd: time.Date(1997, 6, 30, 0, 0, 0, 0, time.UTC),
		ObservationEnd: time.Date(1997, 12, 31, 0, 0, 0, 0, time.UTC),
		Unit:           metrics.Days,
	}
	rapid.Check(t, func(t *rapid.T) {
		ps := drawLog(t)
		tr, err := metrics.NewTracker(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := metrics.NewSummarizer(cfg)
		if err := tr.AddAll(refdata.Seq(ps)); err != nil {
			t.Fatal(err)
		}
		if err := s.AddAll(refdata.Seq(ps)); err != nil {
			t.Fatal(err)
		}
		cs := s.Customers()
		if diff := cmp.Diff(cs, tr.Summarizer().Customers()); diff != "" {
			t.Fatalf("summaries differ: %s", diff)
		}
		period := metrics.Unit(rapid.IntRange(1, 400).Draw(t, "period"))
		pts, err := tr.Curve(fixedModel{unit: metrics.Days, byFreq: []float64{1}}, period)
		if len(cs) == 0 {
			if !errors.Is(err, metrics.ErrInput) {
				t.Fatalf("no customer in calibration: error %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		repeats, age := 0, 0.0
		for _, c := range cs {
			repeats += c.Frequency + c.HoldoutFrequency
			age += c.T + 184 // the holdout is 184 days
		}
		last := pts[len(pts)-1]
		if last.Actual != repeats || math.Abs(last.Predicted-age) > 1e-9*age || !last.End.Equal(cfg.ObservationEnd) {
			t.Errorf("last point %+v; want %d repeat purchases, %v days of age", last, repeats, age)
		}
		first := cfg.CalibrationEnd.AddDate(0, 0, -int(maxT(cs)))
		if want := (int(cfg.ObservationEnd.Sub(first).Hours()/24) + int(period)) / int(period); len(pts) != want {
			t.Errorf("%d points of %d days from %s, want %d", len(pts), period, first.Format(time.DateOnly), want)
		}
	})
}

// trackerConfig is the config of the tracker properties: calibration to
// the end of June 1997, holdout to the end of the year, in days.
var trackerConfig = metrics.SummaryConfig{
	CalibrationEnd: time.Date(1997, 6, 30, 0, 0, 0, 0, time.UTC),
	ObservationEnd: time.Date(1997, 12, 31, 0, 0, 0, 0, time.UTC),
	Unit:           metrics.Days,
}

// checkTrackerMergedShards: trackers of shards of customers, merged in
// any order, equal the tracker of the whole log: the same summaries, the
// same purchases skipped, the same tracking curve.
func checkTrackerMergedShards(t *rapid.T) {
	ps := drawLog(t)
	whole, _ := metrics.NewTracker(trackerConfig)
	if err := whole.AddAll(refdata.Seq(ps)); err != nil {
		t.Fatal(err)
	}
	shards := make([]*metrics.Tracker, rapid.IntRange(1, 4).Draw(t, "shards"))
	for i := range shards {
		shards[i], _ = metrics.NewTracker(trackerConfig)
	}
	shardOf := map[string]int{}
	for _, p := range ps {
		k, ok := shardOf[p.Customer]
		if !ok {
			k = rapid.IntRange(0, len(shards)-1).Draw(t, "shard of "+p.Customer)
			shardOf[p.Customer] = k
		}
		if err := shards[k].Add(p); err != nil {
			t.Fatal(err)
		}
	}
	order := rapid.Permutation(shards).Draw(t, "merge order")
	merged := order[0]
	for _, o := range order[1:] {
		if err := merged.Merge(o); err != nil {
			t.Fatal(err)
		}
	}
	byID := cmpopts.SortSlices(func(x, y metrics.CustomerSummary) bool { return x.ID < y.ID })
	if diff := cmp.Diff(whole.Summarizer().Customers(), merged.Summarizer().Customers(), byID); diff != "" {
		t.Fatalf("merged summaries differ (-whole +merged):\n%s", diff)
	}
	if w, m := whole.Summarizer().Skipped(), merged.Summarizer().Skipped(); w != m {
		t.Fatalf("skipped: whole %d, merged %d", w, m)
	}
	period := metrics.Unit(rapid.IntRange(1, 60).Draw(t, "period"))
	model := fixedModel{unit: metrics.Days, byFreq: []float64{0.01}}
	wantPts, wantErr := whole.Curve(model, period)
	gotPts, gotErr := merged.Curve(model, period)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("Curve: whole error %v, merged error %v", wantErr, gotErr)
	}
	if diff := cmp.Diff(wantPts, gotPts, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Fatalf("merged curve differs (-whole +merged):\n%s", diff)
	}
}

func TestTrackerMergedShards(t *testing.T) { rapid.Check(t, checkTrackerMergedShards) }

func FuzzTrackerMergedShards(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkTrackerMergedShards)) }

// TestTrackerMergeRefused: trackers that share a customer, or differ in
// config, do not merge, and the receiver is unchanged.
func TestTrackerMergeRefused(t *testing.T) {
	day := time.Date(1997, 3, 1, 0, 0, 0, 0, time.UTC)
	buy := func(tr *metrics.Tracker, c string, days ...int) {
		for _, d := range days {
			if err := tr.Add(metrics.Purchase{Customer: c, At: day.AddDate(0, 0, d), Amount: decimal.NewFromInt(10)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	other := trackerConfig
	other.Unit = metrics.Weeks
	for _, c := range []struct {
		name string
		o    func() *metrics.Tracker
	}{
		{"shared customer", func() *metrics.Tracker {
			o, _ := metrics.NewTracker(trackerConfig)
			buy(o, "b", 1)
			buy(o, "a", 40, 50) // a's later purchases: a shard by time, not by customer
			return o
		}},
		{"other config", func() *metrics.Tracker {
			o, _ := metrics.NewTracker(other)
			buy(o, "b", 1)
			return o
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, _ := metrics.NewTracker(trackerConfig)
			buy(tr, "a", 0, 10)
			model := fixedModel{unit: metrics.Days, byFreq: []float64{0.01}}
			before, _ := tr.Curve(model, metrics.Weeks)
			err := tr.Merge(c.o())
			var ie *metrics.InputError
			if !errors.As(err, &ie) || ie.Func != "Tracker.Merge" || ie.Field != "o" {
				t.Errorf("Merge = %v, want an InputError of Tracker.Merge on o", err)
			}
			after, _ := tr.Curve(model, metrics.Weeks)
			if diff := cmp.Diff(before, after); diff != "" || len(tr.Summarizer().Customers()) != 1 {
				t.Errorf("the refused merge changed the tracker (-before +after):\n%s", diff)
			}
		})
	}
}

func maxT(cs []metrics.CustomerSummary) float64 {
	m := 0.0
	for _, c := range cs {
		m = max(m, c.T)
	}
	return m
}

func TestTrackerBadInput(t *testing.T) {
	tr := cdnowTracker(t)
	bg := metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks}
	empty, _ := metrics.NewTracker(cdnowConfig)
	for _, c := range []struct {
		name   string
		tr     *metrics.Tracker
		pm     metrics.PurchaseModel
		period metrics.Unit
		field  string
	}{
		{"no model", tr, nil, metrics.Weeks, "model"},
		{"no period", tr, bg, 0, "period"},
		{"model in days", tr, metrics.BGNBD{R: 0.243, Alpha: 30.9, A: 0.793, B: 2.426, Unit: metrics.Days}, metrics.Weeks, "model"},
		{"empty log", empty, bg, metrics.Weeks, "log"},
		{"model of NaN", tr, metrics.BGNBD{R: math.NaN(), Alpha: 1, A: 1, B: 1, Unit: metrics.Weeks}, metrics.Weeks, "model"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.tr.Curve(c.pm, c.period)
			var ie *metrics.InputError
			if !errors.As(err, &ie) || ie.Field != c.field || ie.Func != "Tracker.Curve" {
				t.Fatalf("error %v, want an InputError of Tracker.Curve on %s", err, c.field)
			}
		})
	}
	if _, err := metrics.NewTracker(metrics.SummaryConfig{Unit: metrics.Weeks}); !errors.Is(err, metrics.ErrInput) {
		t.Errorf("NewTracker without CalibrationEnd: %v", err)
	}
	if err := tr.Add(metrics.Purchase{Customer: "", At: cdnowConfig.CalibrationEnd}); !errors.Is(err, metrics.ErrInput) {
		t.Errorf("Add of a purchase without customer: %v", err)
	}
}
