package segment_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// genRFMProfiles draws profiles with few distinct values (many ties) and
// spends at several scales, some of many digits.
func genRFMProfiles(t *rapid.T) []segment.Profile {
	n := rapid.IntRange(1, 80).Draw(t, "n")
	ps := make([]segment.Profile, n)
	for i := range ps {
		spend := decimal.New(rapid.Int64Range(0, 5000).Draw(t, "spend"), -rapid.Int32Range(0, 3).Draw(t, "places"))
		if rapid.IntRange(0, 15).Draw(t, "huge") == 0 {
			spend = decimal.RequireFromString("98765432109876543210.5")
		}
		ps[i] = segment.Profile{ID: string(rune('a' + i)), Orders: rapid.IntRange(0, 12).Draw(t, "orders"),
			DaysSinceLast: rapid.IntRange(0, 30).Draw(t, "days"), Spend: spend}
	}
	return ps
}

// countsTree counts ps in random shards merged in a random order.
func countsTree(t *rapid.T, ps []segment.Profile, limit int) *segment.RFMCounts {
	parts := []*segment.RFMCounts{segment.NewRFMCounts(limit)}
	for _, p := range rapid.Permutation(ps).Draw(t, "order") {
		if rapid.Bool().Draw(t, "split") {
			parts = append(parts, segment.NewRFMCounts(limit))
		}
		parts[len(parts)-1].Add(p)
	}
	for len(parts) > 1 {
		i := rapid.IntRange(0, len(parts)-2).Draw(t, "merge")
		if err := parts[i].Merge(parts[i+1]); err != nil {
			t.Fatal(err)
		}
		parts = slices.Delete(parts, i+1, i+2)
	}
	return parts[0]
}

// TestRFMCountsMatchScoredRFM: counts gathered in any order and merge
// shape score every profile exactly as ScoredRFM does, and encode alike.
func TestRFMCountsMatchScoredRFM(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := genRFMProfiles(t)
		c := countsTree(t, ps, 0)
		one := segment.NewRFMCounts(0)
		for _, p := range ps {
			one.Add(p)
		}
		b1, _ := one.MarshalBinary()
		b2, _ := c.MarshalBinary()
		if !bytes.Equal(b1, b2) {
			t.Fatal("a merge tree encodes differently from one accumulator")
		}
		var back segment.RFMCounts
		if err := back.UnmarshalBinary(b2); err != nil {
			t.Fatal(err)
		}
		s, err := back.Scorer()
		if err != nil {
			t.Fatal(err)
		}
		if approx, _ := s.Approximate(); approx {
			t.Fatal("exact counts say they are approximate")
		}
		want := segment.ScoredRFM(ps)
		for i, p := range ps {
			if got := s.Score(p); got.R != want[i].R || got.F != want[i].F || got.M != want[i].M {
				t.Fatalf("profile %d: RFM %d%d%d, ScoredRFM %d%d%d", i, got.R, got.F, got.M, want[i].R, want[i].F, want[i].M)
			}
		}
	})
}

// TestRFMCountsSketch: past the limit of distinct spends the counts say
// they are approximate, give a bound that holds, leave R and F exact, and
// still do not depend on order or merge shape.
func TestRFMCountsSketch(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := genRFMProfiles(t)
		for i := range ps { // five significant digits: the sketch cuts one
			ps[i].Spend = decimal.New(rapid.Int64Range(10000, 99999).Draw(t, "spend5"), -2)
		}
		limit := rapid.IntRange(1, 5).Draw(t, "limit")
		c := countsTree(t, ps, limit)
		one := segment.NewRFMCounts(limit)
		for _, p := range ps {
			one.Add(p)
		}
		b1, _ := one.MarshalBinary()
		b2, _ := c.MarshalBinary()
		if !bytes.Equal(b1, b2) {
			t.Fatal("a merge tree encodes differently from one accumulator")
		}
		distinct := map[string]bool{}
		for _, p := range ps {
			distinct[p.Spend.String()] = true
		}
		s, err := c.Scorer()
		if err != nil {
			t.Fatal(err)
		}
		approx, bound := s.Approximate()
		if approx != (len(distinct) > limit) {
			t.Fatalf("approximate = %v with %d distinct spends and a limit of %d", approx, len(distinct), limit)
		}
		want := segment.ScoredRFM(ps)
		for i, p := range ps {
			got := s.Score(p)
			if got.R != want[i].R || got.F != want[i].F {
				t.Fatalf("profile %d: R, F = %d, %d, ScoredRFM %d, %d", i, got.R, got.F, want[i].R, want[i].F)
			}
			// The sketch's count of smaller spends is short by at most
			// bound·n: M is low by at most ⌊5·bound⌋ + 1, exact at bound 0.
			d := want[i].M - got.M
			if limit := int(5*bound) + 1; d < 0 || d > limit || (bound == 0 && d != 0) {
				t.Fatalf("profile %d: M %d, exact %d, bound %v", i, got.M, want[i].M, bound)
			}
		}
	})
}

// TestRFMCountsErrors covers the refusals: an empty scorer, a merge of
// different limits, malformed encodings.
func TestRFMCountsErrors(t *testing.T) {
	if _, err := segment.NewRFMCounts(0).Scorer(); !errors.Is(err, segment.ErrInput) {
		t.Fatalf("empty Scorer: %v", err)
	}
	if err := segment.NewRFMCounts(1).Merge(segment.NewRFMCounts(2)); !errors.Is(err, segment.ErrInput) {
		t.Fatalf("Merge of different limits: %v", err)
	}
	c := segment.NewRFMCounts(0)
	c.Add(segment.Profile{Orders: 2, DaysSinceLast: 3, Spend: decimal.RequireFromString("1.5")})
	good, _ := c.MarshalBinary()
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"version", append([]byte{7}, good[1:]...)},
		{"truncated", good[:len(good)-1]},
		{"extra", append(slices.Clone(good), 0)},
		{"non-canonical spend", bytes.Replace(good, []byte("\x031.5"), []byte("\x031.0"), 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var back segment.RFMCounts
			if err := back.UnmarshalBinary(tc.data); err == nil {
				t.Fatalf("accepted %q", tc.data)
			}
		})
	}
}

// TestProfileBuilderAddDays: a customer's purchases read by day give the
// profile Add gives on each purchase.
func TestProfileBuilderAddDays(t *testing.T) {
	asOf := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(t, "n")
		days := metrics.NewCustomerDays(nil)
		byAdd, _ := segment.NewProfileBuilder(asOf, 30, nil)
		for range n {
			p := metrics.Purchase{Customer: "c", At: asOf.AddDate(0, 0, rapid.IntRange(-60, 5).Draw(t, "day")),
				Amount: decimal.New(rapid.Int64Range(0, 9999).Draw(t, "cents"), -2)}
			if err := byAdd.Add(p); err != nil {
				t.Fatal(err)
			}
			if err := days.Add(p); err != nil {
				t.Fatal(err)
			}
		}
		byDays, _ := segment.NewProfileBuilder(asOf, 30, nil)
		if err := byDays.AddDays("c", days); err != nil {
			t.Fatal(err)
		}
		eq := cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })
		if diff := cmp.Diff(byAdd.Profiles(), byDays.Profiles(), eq); diff != "" {
			t.Fatalf("(-Add +AddDays):\n%s", diff)
		}
	})
	b, _ := segment.NewProfileBuilder(asOf, 30, nil)
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, tc := range []struct {
		name, customer, field string
		d                     *metrics.CustomerDays
	}{
		{"empty customer", "", "customer", metrics.NewCustomerDays(nil)},
		{"other zone", "c", "d", metrics.NewCustomerDays(paris)},
	} {
		var ie *segment.InputError
		if err := b.AddDays(tc.customer, tc.d); !errors.As(err, &ie) || ie.Field != tc.field {
			t.Errorf("%s: %v, want an InputError on %s", tc.name, err, tc.field)
		}
	}
}
