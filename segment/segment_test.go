package segment_test

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func prof(id string, orders int, spend int64, days int) segment.Profile {
	return segment.Profile{ID: id, Orders: orders, Spend: decimal.NewFromInt(spend), DaysSinceLast: days}
}

func scores(ps []segment.Profile) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s:%d%d%d", p.ID, p.R, p.F, p.M))
	}
	return out
}

func TestScoredRFM(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		in     []segment.Profile
		want   []string
	}{
		{"one customer", "alone, every value is the lowest: 1 1 1", []segment.Profile{prof("a", 3, 100, 5)}, []string{"a:111"}},
		{"all equal", "equal values share a score", []segment.Profile{prof("a", 2, 10, 5), prof("b", 2, 10, 5), prof("c", 2, 10, 5)},
			[]string{"a:111", "b:111", "c:111"}},
		{"five distinct", "one per quintile; recency reversed",
			[]segment.Profile{prof("a", 1, 10, 50), prof("b", 2, 20, 40), prof("c", 3, 30, 30), prof("d", 4, 40, 20), prof("e", 5, 50, 10)},
			[]string{"a:111", "b:222", "c:333", "d:444", "e:555"}},
		{"ties at a border", "the two 2s are scored together from the first of them",
			[]segment.Profile{prof("a", 1, 10, 9), prof("b", 2, 10, 9), prof("c", 2, 10, 9), prof("d", 3, 10, 9), prof("e", 4, 10, 9)},
			[]string{"a:111", "b:121", "c:121", "d:141", "e:151"}},
		{"two distinct values", "fewer than five values use fewer scores",
			[]segment.Profile{prof("a", 1, 10, 3), prof("b", 1, 10, 3), prof("c", 9, 99, 1), prof("d", 9, 99, 1)},
			[]string{"a:111", "b:111", "c:333", "d:333"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, scores(segment.ScoredRFM(tc.in))); diff != "" {
				t.Errorf("ScoredRFM mismatch (-want +got) [%s]:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestNamedSegments(t *testing.T) {
	for _, c := range []struct {
		r, f int
		want segment.RFMSegment
	}{
		{5, 5, segment.Champions}, {5, 4, segment.Champions}, {4, 4, segment.Loyal}, {3, 5, segment.Loyal},
		{5, 2, segment.PotentialLoyalist}, {4, 3, segment.PotentialLoyalist}, {5, 1, segment.NewCustomers},
		{4, 1, segment.Promising}, {3, 3, segment.NeedAttention}, {3, 1, segment.AboutToSleep}, {3, 2, segment.AboutToSleep},
		{2, 3, segment.AtRisk}, {1, 4, segment.AtRisk}, {1, 5, segment.CantLose}, {2, 5, segment.CantLose},
		{2, 2, segment.Hibernating}, {1, 2, segment.Hibernating}, {1, 1, segment.Lost}, {0, 3, segment.Unscored},
	} {
		t.Run(fmt.Sprintf("R=%d F=%d", c.r, c.f), func(t *testing.T) {
			if got := (segment.Profile{R: c.r, F: c.f}).NamedSegment(); got != c.want {
				t.Errorf("NamedSegment() = %v, want %v", got, c.want)
			}
		})
	}
	// Every scored cell has a name.
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			if (segment.Profile{R: r, F: f}).NamedSegment() == segment.Unscored {
				t.Errorf("R=%d F=%d has no segment", r, f)
			}
		}
	}
}

func genProfiles(t *rapid.T) []segment.Profile {
	n := rapid.IntRange(1, 60).Draw(t, "n")
	ps := make([]segment.Profile, n)
	for i := range ps {
		ps[i] = segment.Profile{
			ID: fmt.Sprintf("c%03d", i), Orders: rapid.IntRange(0, 30).Draw(t, "orders"),
			Spend: decimal.NewFromInt(rapid.Int64Range(0, 100000).Draw(t, "spend")), DaysSinceLast: rapid.IntRange(0, 400).Draw(t, "days"),
			OrdersInPeriod: rapid.IntRange(0, 20).Draw(t, "periodOrders"),
			SpendInPeriod:  decimal.NewFromInt(rapid.Int64Range(0, 60000).Draw(t, "periodSpend")),
			Returns:        rapid.IntRange(0, 5).Draw(t, "returns"), Complaints: rapid.IntRange(0, 5).Draw(t, "complaints"),
		}
	}
	return ps
}

func TestRFMProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := segment.ScoredRFM(genProfiles(t))
		for _, p := range ps {
			if p.R < 1 || p.R > 5 || p.F < 1 || p.F > 5 || p.M < 1 || p.M > 5 {
				t.Fatalf("%s scored %d %d %d", p.ID, p.R, p.F, p.M)
			}
		}
		// Adding spend to one customer never lowers their M score.
		i := rapid.IntRange(0, len(ps)-1).Draw(t, "who")
		more := append([]segment.Profile(nil), ps...)
		more[i].Spend = more[i].Spend.Add(decimal.NewFromInt(rapid.Int64Range(1, 50000).Draw(t, "extra")))
		more = segment.ScoredRFM(more)
		if more[i].M < ps[i].M {
			t.Fatalf("more spend lowered M from %d to %d", ps[i].M, more[i].M)
		}
		// The order of the profiles does not matter.
		rev := append([]segment.Profile(nil), ps...)
		for a, b := 0, len(rev)-1; a < b; a, b = a+1, b-1 {
			rev[a], rev[b] = rev[b], rev[a]
		}
		rev = segment.ScoredRFM(rev)
		for a := range rev {
			if got, want := rev[len(rev)-1-a], ps[a]; got.R != want.R || got.F != want.F || got.M != want.M {
				t.Fatalf("scores depend on order: %v vs %v", got, want)
			}
		}
	})
}

// ScoredRFM returns new profiles and leaves its input as it was: the
// caller's slice holds the same values afterwards (old scores, Counters
// maps and all), and the result is the input but for R, F and M.
func TestScoredRFMLeavesInputAlone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := genProfiles(t)
		for i := range ps {
			ps[i].R, ps[i].F, ps[i].M = rapid.IntRange(0, 5).Draw(t, "r"), rapid.IntRange(0, 5).Draw(t, "f"), rapid.IntRange(0, 5).Draw(t, "m")
			if rapid.Bool().Draw(t, "counters") {
				ps[i].Counters = map[string]int{"reviews": rapid.IntRange(0, 9).Draw(t, "reviews")}
			}
		}
		before := make([]segment.Profile, len(ps))
		for i, p := range ps {
			before[i] = p
			before[i].Counters = maps.Clone(p.Counters)
		}
		got := segment.ScoredRFM(ps)
		if diff := cmp.Diff(before, ps); diff != "" {
			t.Fatalf("ScoredRFM changed its input (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(before, got, cmpopts.IgnoreFields(segment.Profile{}, "R", "F", "M")); diff != "" {
			t.Fatalf("ScoredRFM's result differs from its input beyond R, F and M (-input +result):\n%s", diff)
		}
	})
}

// M is 1 + ⌊5 · (spends strictly below) / n⌋ whatever the spends' scales:
// amounts with up to 30 places or coefficients past int64 (scored by
// comparing decimals) as well as the usual ones (scored as int64 keys at
// their common scale).
func TestRFMSpendAtAnyScale(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := genProfiles(t)
		for i := range ps {
			ps[i].Spend = decimal.New(rapid.Int64Range(-1000, 1000).Draw(t, "coef"), int32(rapid.IntRange(-3, 2).Draw(t, "exp")))
			if rapid.IntRange(0, 9).Draw(t, "odd") == 0 {
				ps[i].Spend = ps[i].Spend.Mul(decimal.New(rapid.Int64().Draw(t, "big"), int32(rapid.IntRange(-30, 5).Draw(t, "bigExp"))))
			}
		}
		ps = segment.ScoredRFM(ps)
		for _, p := range ps {
			below := 0
			for _, q := range ps {
				if q.Spend.LessThan(p.Spend) {
					below++
				}
			}
			if want := 1 + 5*below/len(ps); p.M != want {
				t.Fatalf("%s spends %s, %d of %d spend less: M = %d, want %d", p.ID, p.Spend, below, len(ps), p.M, want)
			}
		}
	})
}

func seeds(t testing.TB) *segment.Segmentation {
	defs, def, err := segment.SeedSegments(segment.SeedParams{VIPSpend: decimal.NewFromInt(30000), VIPOrders: 12,
		DifficultShare: 0.3, DifficultMinOrders: 3})
	if err != nil {
		t.Fatal(err)
	}
	s, err := segment.Compile(defs, def)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// First match wins: Assign equals evaluating each condition in order.
func TestFirstMatch(t *testing.T) {
	s := seeds(t)
	defs, _, _ := segment.SeedSegments(segment.SeedParams{VIPSpend: decimal.NewFromInt(30000), VIPOrders: 12, DifficultShare: 0.3, DifficultMinOrders: 3})
	conds := make([]*rules.Condition[segment.Profile], len(defs))
	for i, d := range defs {
		conds[i], _ = rules.CompileCondition[segment.Profile](d.Name, d.When)
	}
	rapid.Check(t, func(t *rapid.T) {
		for _, p := range genProfiles(t) {
			want := "lapsed"
			for i, c := range conds {
				if ok, _ := c.Match(rules.Prepare(p)); ok {
					want = defs[i].Name
					break
				}
			}
			if got, err := s.Assign(p); err != nil || got != want {
				t.Fatalf("Assign(%+v) = %q, %v; want %q", p, got, err, want)
			}
		}
	})
}

// A customer's distance to a segment is 0 exactly when they belong to it.
func TestDistanceZeroIffQualifies(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		fields := []string{"Orders", "SpendInPeriod", "OrdersInPeriod", "DaysSinceLast", "Returns"}
		ops := []string{">=", ">", "<=", "<", "=="}
		var parts []string
		for range rapid.IntRange(1, 3).Draw(t, "or") {
			var and []string
			for range rapid.IntRange(1, 3).Draw(t, "and") {
				and = append(and, fmt.Sprintf("%s %s %d", rapid.SampledFrom(fields).Draw(t, "field"),
					rapid.SampledFrom(ops).Draw(t, "op"), rapid.IntRange(0, 40).Draw(t, "value")))
			}
			parts = append(parts, "("+strings.Join(and, " && ")+")")
		}
		s, err := segment.Compile([]segment.Definition{{Name: "target", When: strings.Join(parts, " || ")}}, "rest")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range genProfiles(t) {
			got, _ := s.Assign(p)
			d, _, ok := s.Distance(p, "target")
			if !ok {
				t.Fatalf("condition %q not analysed", strings.Join(parts, " || "))
			}
			if (d == 0) != (got == "target") {
				t.Fatalf("%q on %+v: distance %v, assigned %q", strings.Join(parts, " || "), p, d, got)
			}
		}
	})
}

func TestBoundaries(t *testing.T) {
	s := seeds(t)
	ps := []segment.Profile{
		{ID: "near-orders", OrdersInPeriod: 10, Orders: 10, SpendInPeriod: decimal.NewFromInt(5000)},
		{ID: "near-spend", OrdersInPeriod: 3, Orders: 3, SpendInPeriod: decimal.NewFromInt(26600)},
		{ID: "far", OrdersInPeriod: 1, Orders: 1, SpendInPeriod: decimal.NewFromInt(100)},
		{ID: "vip", OrdersInPeriod: 12, Orders: 12, SpendInPeriod: decimal.NewFromInt(100)},
	}
	assigned, err := s.AssignAll(ps)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Boundaries(ps, assigned, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	var brief []string
	for _, b := range got {
		var miss []string
		for _, g := range b.Missing {
			miss = append(miss, g.String())
		}
		brief = append(brief, fmt.Sprintf("%s %s→%s %.4f %s", b.ID, b.From, b.To, b.Distance, strings.Join(miss, "; ")))
	}
	// "difficult" sits between "current" and "vip" but is not a threshold
	// condition, so the boundary is with "vip".
	want := []string{
		"near-spend current→vip 0.1133 3400 more SpendInPeriod (has 26600, needs 30000)",
		"near-orders current→vip 0.1667 2 more OrdersInPeriod (has 10, needs 12)",
	}
	if diff := cmp.Diff(want, brief); diff != "" {
		t.Errorf("Boundaries mismatch (-want +got):\n%s", diff)
	}
	// Against VIP directly:
	d, gaps, ok := s.Distance(ps[1], "vip")
	if !ok || fmt.Sprintf("%.4f %v", d, gaps) != "0.1133 [3400 more SpendInPeriod (has 26600, needs 30000)]" {
		t.Errorf("Distance(near-spend, vip) = %.4f %v %v", d, gaps, ok)
	}
	d, gaps, _ = s.Distance(ps[0], "vip")
	if fmt.Sprintf("%.4f %v", d, gaps) != "0.1667 [2 more OrdersInPeriod (has 10, needs 12)]" {
		t.Errorf("Distance(near-orders, vip) = %.4f %v", d, gaps)
	}
}

func TestTransitions(t *testing.T) {
	s := seeds(t)
	rapid.Check(t, func(t *rapid.T) {
		names := s.Names()
		gen := func(label string) segment.Snapshot {
			var snap segment.Snapshot
			for i := range rapid.IntRange(0, 30).Draw(t, label+"n") {
				if rapid.Bool().Draw(t, label+"present") {
					snap.IDs = append(snap.IDs, fmt.Sprint(i))
					snap.Segments = append(snap.Segments, rapid.SampledFrom(names).Draw(t, label+"seg"))
				}
			}
			return snap
		}
		before, after := gen("b"), gen("a")
		tr, err := s.Transition(before, after)
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range names {
			size := 0
			for _, seg := range before.Segments {
				if seg == name {
					size++
				}
			}
			sum := tr.Gone[i]
			for _, c := range tr.Counts[i] {
				sum += c
			}
			if sum != size {
				t.Fatalf("row %s sums to %d, segment size %d", name, sum, size)
			}
		}
	})
}

func TestCompileErrors(t *testing.T) {
	_, err := segment.Compile([]segment.Definition{
		{Name: "vip", When: "SpendInPeriod >= 1000 && OrdersInPerod > 2"},
		{Name: "vip", When: "true"},
	}, "rest")
	var re *rules.RuleError
	if !errors.As(err, &re) || re.RuleID != "vip" || re.Line != 1 || re.Column != 26 {
		t.Errorf("Compile error = %v, want the segment name and 1:26", err)
	}
	if !errors.Is(err, segment.ErrInput) || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("Compile error = %v, want a duplicate-name error too", err)
	}
}

// TestDistanceReadsTheCompiledCondition: thresholds come from the
// compiled condition (rules.Condition.Thresholds): literals exact (a
// float64 would lose the cents), counters by key, whole-number fields
// stepping by one.
func TestDistanceReadsTheCompiledCondition(t *testing.T) {
	s, err := segment.Compile([]segment.Definition{
		{Name: "exact", When: "Spend >= 100000000000000000.01"},
		{Name: "reviewer", When: `Counters["reviews"] > 2`},
	}, "rest")
	if err != nil {
		t.Fatal(err)
	}
	p := segment.Profile{ID: "c", Spend: decimal.RequireFromString("100000000000000000"), Counters: map[string]int{"reviews": 1}}
	_, gaps, ok := s.Distance(p, "exact")
	if !ok || len(gaps) != 1 || gaps[0].Threshold.String() != "100000000000000000.01" || gaps[0].Need.String() != "0.01" {
		t.Fatalf("exact: %+v %v", gaps, ok)
	}
	_, gaps, ok = s.Distance(p, "reviewer")
	if !ok || len(gaps) != 1 || gaps[0].Field != "Counters.reviews" || gaps[0].Need.String() != "2" {
		t.Fatalf("reviewer: %+v %v", gaps, ok)
	}
}
