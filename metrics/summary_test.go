package metrics_test

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
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
	far := time.Date(6_000_000, 1, 1, 0, 0, 0, 0, time.UTC) // beyond the days a summary holds
	for _, tc := range []struct {
		field string
		cfg   metrics.SummaryConfig
	}{
		{"CalibrationEnd", metrics.SummaryConfig{CalibrationEnd: far, Unit: metrics.Days}},
		{"ObservationEnd", metrics.SummaryConfig{CalibrationEnd: cdnowConfig.CalibrationEnd, ObservationEnd: far, Unit: metrics.Days}},
	} {
		var ie *metrics.InputError
		if _, err := metrics.NewSummarizer(tc.cfg); !errors.As(err, &ie) || ie.Field != tc.field {
			t.Errorf("NewSummarizer(%s in year 6,000,000) = %v, want an InputError about %s", tc.field, err, tc.field)
		}
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
		{"6 million years ago", metrics.Purchase{Customer: "b", At: time.Date(-6_000_000, 1, 1, 0, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(1)}, "At"},
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
// days around the calibration end, several a day at times, amounts mostly
// in cents, some with six decimal places or near 10¹⁶ (off the summaries'
// int64 fast path, alone or once summed).
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
			Amount:   genAmount(t),
		})
	}
	return out
}

func genAmount(t *rapid.T) decimal.Decimal {
	switch rapid.IntRange(0, 9).Draw(t, "amount kind") {
	case 0:
		return decimal.New(rapid.Int64Range(0, 1e9).Draw(t, "micros"), -6)
	case 1:
		return decimal.New(rapid.Int64Range(1e17, 1e18).Draw(t, "large cents"), -2)
	}
	return decimal.New(rapid.Int64Range(0, 10000).Draw(t, "cents"), -2)
}

// genConfig is cdnowConfig with its holdout period, or without one
// (ObservationEnd zero or CalibrationEnd: a summarizer then keeps no
// holdout records).
func genConfig(t *rapid.T) metrics.SummaryConfig {
	cfg := cdnowConfig
	switch rapid.IntRange(0, 2).Draw(t, "holdout") {
	case 1:
		cfg.ObservationEnd = time.Time{}
	case 2:
		cfg.ObservationEnd = cfg.CalibrationEnd
	}
	return cfg
}

// checkSummaryMatchesModel: Customers equals a direct computation from
// the log — per customer first seen by CalibrationEnd, the distinct
// purchase days and the exact decimal spend in each period — for amounts
// on and off the int64 fast path, with and without a holdout period.
func checkSummaryMatchesModel(t *rapid.T) {
	cfg := genConfig(t)
	log := genLog(t)
	s, _ := metrics.NewSummarizer(cfg)
	if err := s.AddAll(refdata.Seq(log)); err != nil {
		t.Fatal(err)
	}
	dayOf := func(at time.Time) int { return int(at.Unix() / 86400) }
	calEnd, obsEnd := dayOf(cfg.CalibrationEnd), dayOf(cfg.ObservationEnd)
	if cfg.ObservationEnd.IsZero() {
		obsEnd = calEnd
	}
	type model struct {
		first, lastCal int
		calDays        map[int]bool
		holdDays       map[int]bool
		cal, hold, f   decimal.Decimal
	}
	ms := map[string]*model{}
	var order []string
	for _, p := range log {
		d := dayOf(p.At)
		if d > obsEnd {
			continue
		}
		m := ms[p.Customer]
		if m == nil {
			m = &model{first: d, calDays: map[int]bool{}, holdDays: map[int]bool{}}
			ms[p.Customer] = m
			order = append(order, p.Customer)
		}
		if d == m.first {
			m.f = m.f.Add(p.Amount)
		}
		if d <= calEnd {
			m.calDays[d], m.lastCal = true, d
			m.cal = m.cal.Add(p.Amount)
		} else {
			m.holdDays[d] = true
			m.hold = m.hold.Add(p.Amount)
		}
	}
	var want []metrics.CustomerSummary
	for _, id := range order {
		m := ms[id]
		if m.first > calEnd {
			continue
		}
		c := metrics.CustomerSummary{ID: id, Frequency: len(m.calDays) - 1, T: float64(calEnd-m.first) / 7,
			Revenue: m.cal, HoldoutFrequency: len(m.holdDays), HoldoutRevenue: m.hold, Unit: metrics.Weeks}
		if c.Frequency > 0 {
			c.Recency = float64(m.lastCal-m.first) / 7
			c.Monetary = m.cal.Sub(m.f).InexactFloat64() / float64(c.Frequency)
		}
		want = append(want, c)
	}
	if diff := cmp.Diff(want, s.Customers(), cmpopts.EquateApprox(1e-15, 0), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("Customers() mismatch (-model +got):\n%s", diff)
	}
}

func TestSummaryMatchesModel(t *testing.T) { rapid.Check(t, checkSummaryMatchesModel) }

// checkMergedShards: summarising shards (split by customer or by time) and
// merging them gives the summary of the whole log, with and without a
// holdout period.
func checkMergedShards(t *rapid.T) {
	cfg := genConfig(t)
	log := genLog(t)
	whole, _ := metrics.NewSummarizer(cfg)
	if err := whole.AddAll(refdata.Seq(log)); err != nil {
		t.Fatal(err)
	}
	a, _ := metrics.NewSummarizer(cfg)
	b, _ := metrics.NewSummarizer(cfg)
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

// TestMergeSplitFirstDay: a log cut in time inside a customer's first
// purchase day (two purchases that day, one in each shard) merges into
// the whole log's summary: the day counts once, and both purchases are
// first-day spend, which the mean repeat spend leaves out. Amounts on and
// off the int64 fast path.
func TestMergeSplitFirstDay(t *testing.T) {
	day := time.Date(1997, 9, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, a, b, repeat string
	}{
		{"cents", "10.00", "5.50", "30.00"},
		{"micros", "10.000001", "5.5", "30.000002"},
		{"huge", "90000000000000000", "5.50", "30.00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := []metrics.Purchase{
				{Customer: "c", At: day, Amount: decimal.RequireFromString(tc.a)},
				{Customer: "c", At: day.Add(time.Hour), Amount: decimal.RequireFromString(tc.b)},
				{Customer: "c", At: day.AddDate(0, 0, 3), Amount: decimal.RequireFromString(tc.repeat)},
			}
			whole, _ := metrics.NewSummarizer(cdnowConfig)
			first, _ := metrics.NewSummarizer(cdnowConfig)
			second, _ := metrics.NewSummarizer(cdnowConfig)
			for i, p := range log {
				_ = whole.Add(p)
				if i == 0 {
					_ = first.Add(p)
				} else {
					_ = second.Add(p)
				}
			}
			if err := second.Merge(first); err != nil {
				t.Fatal(err)
			}
			got := second.Customers()
			if diff := cmp.Diff(whole.Customers(), got); diff != "" {
				t.Errorf("merged mismatch (-whole +merged):\n%s", diff)
			}
			if want := decimal.RequireFromString(tc.repeat).InexactFloat64(); len(got) != 1 || got[0].Frequency != 1 || got[0].Monetary != want {
				t.Errorf("Customers() = %+v, want frequency 1 and mean repeat spend %v", got, want)
			}
		})
	}
}
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

// TestSummaryLocation: purchase days are calendar days in the config's
// Location: two purchases ten hours apart are one day in UTC and two in
// UTC+5, where the second is already the next day.
func TestSummaryLocation(t *testing.T) {
	log := []metrics.Purchase{
		{Customer: "a", At: time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(5)},
		{Customer: "a", At: time.Date(2026, 3, 14, 20, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(7)},
	}
	for _, tc := range []struct {
		loc       *time.Location
		frequency int
	}{{time.UTC, 0}, {time.FixedZone("UTC+5", 5*3600), 1}} {
		s, err := metrics.NewSummarizer(metrics.SummaryConfig{CalibrationEnd: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), Unit: metrics.Days, Location: tc.loc})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddAll(refdata.Seq(log)); err != nil {
			t.Fatal(err)
		}
		if cs := s.Customers(); len(cs) != 1 || cs[0].Frequency != tc.frequency {
			t.Errorf("in %v: %+v, want frequency %d", tc.loc, cs, tc.frequency)
		}
	}
}

// TestSummarizerAmountTooLong: an amount with an exponent past 60 either
// way (1e2147483647 is a few bytes; its exact sum would be two billion
// digits) is refused, naming the field, and the summarizer is unchanged.
func TestSummarizerAmountTooLong(t *testing.T) {
	s, err := metrics.NewSummarizer(metrics.SummaryConfig{CalibrationEnd: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), Unit: metrics.Days})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	if err := s.Add(metrics.Purchase{Customer: "a", At: at, Amount: decimal.NewFromInt(10)}); err != nil {
		t.Fatal(err)
	}
	for _, huge := range []decimal.Decimal{decimal.New(1, 2147483647), decimal.New(1, -2147483648), decimal.New(3, 61)} {
		err := s.Add(metrics.Purchase{Customer: "a", At: at.Add(time.Hour), Amount: huge})
		if err == nil || !strings.Contains(err.Error(), "Amount") || !strings.Contains(err.Error(), "at most 60 places") {
			t.Errorf("amount 1e%d: %v", huge.Exponent(), err)
		}
	}
	if err := s.Add(metrics.Purchase{Customer: "a", At: at.Add(time.Hour), Amount: decimal.New(1, -60)}); err != nil {
		t.Errorf("amount 1e-60: %v", err)
	}
	got := s.Customers()
	if len(got) != 1 || !got[0].Revenue.Equal(decimal.NewFromInt(10).Add(decimal.New(1, -60))) {
		t.Errorf("customers %+v", got)
	}
}
