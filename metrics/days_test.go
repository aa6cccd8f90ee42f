package metrics_test

import (
	"bytes"
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// daysByCustomer gathers a log into CustomerDays, one per customer.
func daysByCustomer(t interface {
	Helper()
	Fatal(...any)
}, ps []metrics.Purchase, loc *time.Location) map[string]*metrics.CustomerDays {
	t.Helper()
	out := map[string]*metrics.CustomerDays{}
	for _, p := range ps {
		d := out[p.Customer]
		if d == nil {
			d = metrics.NewCustomerDays(loc)
			out[p.Customer] = d
		}
		if err := d.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestSummarizeDaysCDNOW: the CDNOW master log, shuffled, gathered into
// CustomerDays and summarised customer by customer, gives the Summarizer's
// summaries of the log in file order exactly (money included).
func TestSummarizeDaysCDNOW(t *testing.T) {
	ps, err := refdata.CDNOWTransactions("", "CDNOW_master.txt")
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
	want := map[string]metrics.CustomerSummary{}
	for _, c := range s.Customers() {
		want[c.ID] = c
	}
	shuffled := slices.Clone(ps)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	got := map[string]metrics.CustomerSummary{}
	for id, d := range daysByCustomer(t, shuffled, nil) {
		c, ok, err := metrics.SummarizeDays(cdnowConfig, id, d)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			got[id] = c
		}
	}
	if len(want) != 23570 {
		t.Fatalf("%d customers in the master log, want 23570", len(want))
	}
	if diff := cmp.Diff(want, got, decimalEqual); diff != "" {
		t.Fatalf("SummarizeDays differs from the Summarizer (-want +got):\n%s", diff)
	}
}

var decimalEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

// genDaysLog draws a small log of a few customers over a few weeks around the
// calibration end, with repeated days and amounts that leave decsum's fast
// path now and then.
func genDaysLog(t *rapid.T) []metrics.Purchase {
	n := rapid.IntRange(0, 60).Draw(t, "n")
	ps := make([]metrics.Purchase, n)
	base := cdnowConfig.CalibrationEnd.AddDate(0, 0, -20)
	for i := range ps {
		amount := decimal.New(rapid.Int64Range(0, 100_000).Draw(t, "cents"), -2)
		if rapid.IntRange(0, 9).Draw(t, "big") == 0 {
			amount = decimal.RequireFromString("123456789012345678901.123456789")
		}
		ps[i] = metrics.Purchase{
			Customer: rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "customer"),
			At:       base.Add(time.Duration(rapid.IntRange(0, 40*24).Draw(t, "hour")) * time.Hour),
			Amount:   amount,
		}
	}
	return ps
}

// mergeTree gathers ps split at random points, merged in a random tree
// shape (each step merges two random neighbours).
func mergeTree(t *rapid.T, ps []metrics.Purchase) *metrics.CustomerDays {
	parts := []*metrics.CustomerDays{metrics.NewCustomerDays(nil)}
	for _, p := range ps {
		if rapid.Bool().Draw(t, "split") {
			parts = append(parts, metrics.NewCustomerDays(nil))
		}
		if err := parts[len(parts)-1].Add(p); err != nil {
			t.Fatal(err)
		}
	}
	for len(parts) > 1 {
		i := rapid.IntRange(0, len(parts)-2).Draw(t, "merge")
		a, b := parts[i], parts[i+1]
		if rapid.Bool().Draw(t, "swap") {
			a, b = b, a
		}
		if err := a.Merge(b); err != nil {
			t.Fatal(err)
		}
		parts[i] = a
		parts = slices.Delete(parts, i+1, i+2)
	}
	return parts[0]
}

// TestCustomerDaysMergeTreeProperty: however a customer's purchases are
// ordered, split and merged, the CustomerDays encodes alike and
// summarises to what the Summarizer gives on the log in time order.
func TestCustomerDaysMergeTreeProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := genDaysLog(t)
		for i := range ps {
			ps[i].Customer = "a"
		}
		one := metrics.NewCustomerDays(nil)
		for _, p := range ps {
			if err := one.Add(p); err != nil {
				t.Fatal(err)
			}
		}
		perm := rapid.Permutation(ps).Draw(t, "order")
		tree := mergeTree(t, perm)
		b1, _ := one.MarshalBinary()
		b2, _ := tree.MarshalBinary()
		if !bytes.Equal(b1, b2) {
			t.Fatalf("merge tree encodes differently from one accumulator")
		}
		sorted := slices.Clone(ps)
		slices.SortStableFunc(sorted, func(a, b metrics.Purchase) int { return a.At.Compare(b.At) })
		s, _ := metrics.NewSummarizer(cdnowConfig)
		if err := s.AddAll(refdata.Seq(sorted)); err != nil {
			t.Fatal(err)
		}
		want := s.Customers()
		got, ok, err := metrics.SummarizeDays(cdnowConfig, "a", tree)
		if err != nil {
			t.Fatal(err)
		}
		if ok != (len(want) == 1) {
			t.Fatalf("SummarizeDays ok = %v, Summarizer has %d customers", ok, len(want))
		}
		if ok {
			if diff := cmp.Diff(want[0], got, decimalEqual); diff != "" {
				t.Fatalf("(-Summarizer +SummarizeDays):\n%s", diff)
			}
		}
		var back metrics.CustomerDays
		if err := back.UnmarshalBinary(b2); err != nil {
			t.Fatal(err)
		}
		if b3, _ := back.MarshalBinary(); !bytes.Equal(b2, b3) {
			t.Fatalf("UnmarshalBinary(MarshalBinary) does not round-trip")
		}
	})
}

// TestCohortCountsMatchActivity: the cohort table of per-customer days,
// added in random shards and merged, is Activity's table of the log.
func TestCohortCountsMatchActivity(t *testing.T) {
	asOf := cdnowConfig.CalibrationEnd.AddDate(0, 3, 0)
	rapid.Check(t, func(t *rapid.T) {
		ps := genDaysLog(t)
		period := rapid.SampledFrom([]metrics.Period{metrics.Month, metrics.ISOWeek}).Draw(t, "period")
		a, _ := metrics.NewActivity(period, nil)
		if err := a.AddAll(refdata.Seq(ps)); err != nil {
			t.Fatal(err)
		}
		shards := []*metrics.CohortCounts{}
		byID := daysByCustomer(t, ps, nil)
		for _, id := range slices.Sorted(maps.Keys(byID)) {
			d := byID[id]
			if len(shards) == 0 || rapid.Bool().Draw(t, "shard") {
				c, _ := metrics.NewCohortCounts(period, nil)
				shards = append(shards, c)
			}
			shards[len(shards)-1].AddDays(d)
		}
		total, _ := metrics.NewCohortCounts(period, nil)
		for _, sh := range rapid.Permutation(shards).Draw(t, "order") {
			if err := total.Merge(sh); err != nil {
				t.Fatal(err)
			}
		}
		enc, _ := total.MarshalBinary()
		var back metrics.CohortCounts
		if err := back.UnmarshalBinary(enc); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a.Cohorts(asOf), back.Cohorts(asOf)); diff != "" {
			t.Fatalf("(-Activity +CohortCounts):\n%s", diff)
		}
	})
}

// TestUnmarshalRefusesMalformed: truncated, corrupt or foreign bytes are
// an error, never a panic, and leave the receiver as it was.
func TestUnmarshalRefusesMalformed(t *testing.T) {
	d := metrics.NewCustomerDays(nil)
	for i, a := range []string{"1.50", "2", "99999999999999999999.5"} {
		if err := d.Add(metrics.Purchase{Customer: "x", At: time.Date(2024, 1, 1+i, 9, 0, 0, 0, time.UTC), Amount: decimal.RequireFromString(a)}); err != nil {
			t.Fatal(err)
		}
	}
	good, _ := d.MarshalBinary()
	cc, _ := metrics.NewCohortCounts(metrics.Month, nil)
	cc.AddDays(d)
	goodCC, _ := cc.MarshalBinary()
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"wrong version", append([]byte{9}, good[1:]...)},
		{"truncated", good[:len(good)-1]},
		{"extra byte", append(slices.Clone(good), 0)},
		{"huge length", []byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f}},
		{"unknown zone", append([]byte{1, 3}, "Nowhere/Else\x00"...)},
		{"cohort bytes", goodCC},
	}
	for _, tc := range tests {
		t.Run("CustomerDays/"+tc.name, func(t *testing.T) {
			back := metrics.NewCustomerDays(nil)
			if err := back.UnmarshalBinary(tc.data); err == nil {
				t.Fatalf("accepted %q", tc.data)
			}
			if back.Len() != 0 {
				t.Fatalf("changed the receiver")
			}
		})
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"truncated", goodCC[:len(goodCC)-1]},
		{"bad period", append([]byte{1, 7}, goodCC[2:]...)},
		{"days bytes", good},
		// one cell whose active period is before its first
		{"cell before first", []byte{1, 1, 3, 'U', 'T', 'C', 1, 4, 2, 2}},
	} {
		t.Run("CohortCounts/"+tc.name, func(t *testing.T) {
			var back metrics.CohortCounts
			if err := back.UnmarshalBinary(tc.data); err == nil {
				t.Fatalf("accepted %q", tc.data)
			}
		})
	}
	var back metrics.CustomerDays
	if err := back.UnmarshalBinary(good); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(slices.Collect(d.Days()), slices.Collect(back.Days()), decimalEqual); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
}

// TestCustomerDaysErrors: refused purchases and mismatched zones name the
// field, and change nothing.
func TestCustomerDaysErrors(t *testing.T) {
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"empty customer", func() error {
			return metrics.NewCustomerDays(nil).Add(metrics.Purchase{At: at, Amount: decimal.New(1, 0)})
		}, "Customer"},
		{"negative amount", func() error {
			return metrics.NewCustomerDays(nil).Add(metrics.Purchase{Customer: "a", At: at, Amount: decimal.New(-1, 0)})
		}, "Amount"},
		{"zero time", func() error {
			return metrics.NewCustomerDays(nil).Add(metrics.Purchase{Customer: "a", Amount: decimal.New(1, 0)})
		}, "At"},
		{"merge zones", func() error { return metrics.NewCustomerDays(nil).Merge(metrics.NewCustomerDays(paris)) }, "o"},
		{"summary zone", func() error {
			_, _, err := metrics.SummarizeDays(cdnowConfig, "a", metrics.NewCustomerDays(paris))
			return err
		}, "d"},
		{"summary customer", func() error {
			_, _, err := metrics.SummarizeDays(cdnowConfig, "", metrics.NewCustomerDays(nil))
			return err
		}, "customer"},
		{"summary config", func() error {
			_, _, err := metrics.SummarizeDays(metrics.SummaryConfig{Unit: metrics.Days}, "a", metrics.NewCustomerDays(nil))
			return err
		}, "CalibrationEnd"},
		{"cohort period", func() error { _, err := metrics.NewCohortCounts(metrics.PeriodUnset, nil); return err }, "period"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var ie *metrics.InputError
			if !errors.As(err, &ie) || ie.Field != tc.field {
				t.Fatalf("error %v, want an InputError on %s", err, tc.field)
			}
		})
	}
}
