package metrics_test

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

var cdnowConfig = metrics.SummaryConfig{
	CalibrationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
	ObservationEnd: time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC),
	Unit:           metrics.Weeks,
}

// cdnowSample summarises CDNOW_sample.txt keyed by the sample id (1..2357).
func cdnowSample(t testing.TB) ([]metrics.CustomerSummary, *metrics.Summarizer) {
	t.Helper()
	ps, err := refdata.CDNOWTransactions("", "CDNOW_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	s, err := metrics.NewSummarizer(cdnowConfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAll(refdata.Seq(ps)); err != nil {
		t.Fatal(err)
	}
	return s.Customers(), s
}

// TestSummaryMatchesCDNOW builds the per-customer summary from the raw
// transactions and compares it with the published summary file: the same
// frequencies exactly, recency and T within the file's 2-decimal rounding,
// mean repeat spend within its rounding, and the 1,882 holdout purchases.
func TestSummaryMatchesCDNOW(t *testing.T) {
	got, _ := cdnowSample(t)
	want, err := refdata.CDNOWSummary("", "cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	// Customers() keeps first-appearance order; the sample file is sorted by id like the summary.
	if len(got) != len(want) {
		t.Fatalf("%d customers, want %d", len(got), len(want))
	}
	holdout := 0
	for i, w := range want {
		g := got[i]
		holdout += g.HoldoutFrequency
		if g.Frequency != w.X || math.Abs(g.Recency-w.Tx) > 0.0043 || math.Abs(g.T-w.T) > 0.0043 || math.Abs(g.Monetary-w.Monetary) > 0.0051 {
			t.Errorf("customer %d (%s): got x=%d t_x=%.4f T=%.4f m=%.4f, want %d %.2f %.2f %.2f",
				w.ID, g.ID, g.Frequency, g.Recency, g.T, g.Monetary, w.X, w.Tx, w.T, w.Monetary)
		}
	}
	if holdout != 1882 {
		t.Errorf("holdout purchases = %d, want 1882", holdout)
	}
}

func TestSummaryErrors(t *testing.T) {
	if _, err := metrics.NewSummarizer(metrics.SummaryConfig{CalibrationEnd: time.Now()}); err == nil {
		t.Error("NewSummarizer without a unit: no error")
	}
	s, _ := metrics.NewSummarizer(cdnowConfig)
	day := func(d int) time.Time { return time.Date(1997, 1, d, 12, 0, 0, 0, time.UTC) }
	if err := s.Add(metrics.Purchase{Customer: "a", At: day(5), Amount: decimal.NewFromInt(1)}); err != nil {
		t.Fatal(err)
	}
	before := s.Customers()
	for _, tc := range []struct {
		name  string
		p     metrics.Purchase
		field string
	}{
		{"before the previous purchase", metrics.Purchase{Customer: "a", At: day(4), Amount: decimal.NewFromInt(1)}, "At"},
		{"negative amount", metrics.Purchase{Customer: "a", At: day(6), Amount: decimal.NewFromInt(-1)}, "Amount"},
		{"empty customer", metrics.Purchase{Customer: "", At: day(6), Amount: decimal.NewFromInt(1)}, "Customer"},
		{"zero time", metrics.Purchase{Customer: "a", Amount: decimal.NewFromInt(1)}, "At"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ie *metrics.InputError
			if err := s.Add(tc.p); !errors.As(err, &ie) || ie.Field != tc.field {
				t.Errorf("Add(%+v) = %v, want an InputError about %s", tc.p, err, tc.field)
			}
			if diff := cmp.Diff(before, s.Customers()); diff != "" {
				t.Errorf("a refused purchase changed the summary (-before +after):\n%s", diff)
			}
		})
	}
}

// genLog draws a purchase log in time order: a few customers, purchases on
// days around the calibration end, several a day at times.
func genLog(t *rapid.T) []metrics.Purchase {
	n := rapid.IntRange(0, 60).Draw(t, "purchases")
	start := time.Date(1997, 9, 1, 0, 0, 0, 0, time.UTC)
	var out []metrics.Purchase
	day := 0
	for range n {
		day += rapid.IntRange(0, 3).Draw(t, "gap")
		out = append(out, metrics.Purchase{
			Customer: strconv.Itoa(rapid.IntRange(0, 5).Draw(t, "customer")),
			At:       start.AddDate(0, 0, day).Add(time.Duration(rapid.IntRange(0, 23).Draw(t, "hour")) * time.Hour),
			Amount:   decimal.New(rapid.Int64Range(0, 10000).Draw(t, "cents"), -2),
		})
	}
	return out
}

// checkMergedShards: summarising shards (split by customer or by time) and
// merging them gives the summary of the whole log.
func checkMergedShards(t *rapid.T) {
	log := genLog(t)
	whole, _ := metrics.NewSummarizer(cdnowConfig)
	if err := whole.AddAll(refdata.Seq(log)); err != nil {
		t.Fatal(err)
	}
	a, _ := metrics.NewSummarizer(cdnowConfig)
	b, _ := metrics.NewSummarizer(cdnowConfig)
	byTime := rapid.Bool().Draw(t, "byTime")
	cut := rapid.IntRange(0, len(log)).Draw(t, "cut")
	for i, p := range log {
		toA := i < cut
		if !byTime {
			toA = len(p.Customer)%2 == 0 && p.Customer < "3"
		}
		s := b
		if toA {
			s = a
		}
		if err := s.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if rapid.Bool().Draw(t, "reverse") {
		a, b = b, a
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	byID := cmpopts.SortSlices(func(x, y metrics.CustomerSummary) bool { return x.ID < y.ID })
	if diff := cmp.Diff(whole.Customers(), a.Customers(), byID); diff != "" {
		t.Fatalf("merged shards differ from the whole (-whole +merged):\n%s", diff)
	}
}

func TestMergedShards(t *testing.T) { rapid.Check(t, checkMergedShards) }
func FuzzMergedShards(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkMergedShards)) }

func ExampleSummarizer() {
	s, err := metrics.NewSummarizer(metrics.SummaryConfig{
		CalibrationEnd: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
		Unit:           metrics.Days,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range []metrics.Purchase{
		{Customer: "anna", At: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(30)},
		{Customer: "anna", At: time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(20)},
		{Customer: "anna", At: time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(40)},
		{Customer: "boris", At: time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(15)},
	} {
		if err := s.Add(p); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, c := range s.Customers() {
		fmt.Printf("%s frequency=%d recency=%g T=%g monetary=%g revenue=%s\n", c.ID, c.Frequency, c.Recency, c.T, c.Monetary, c.Revenue)
	}
	// Output:
	// anna frequency=1 recency=10 T=30 monetary=40 revenue=90
	// boris frequency=0 recency=0 T=10 monetary=0 revenue=15
}
