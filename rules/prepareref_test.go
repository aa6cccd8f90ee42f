package rules_test

import (
	"testing"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

type refFacts struct {
	Orders   int
	Spend    decimal.Decimal
	Segment  string
	Counters map[string]int
	Tags     []string
}

// TestPrepareRef: a condition gives the same answer on facts prepared by
// reference as on a copy, and sees the facts as they are when it runs.
func TestPrepareRef(t *testing.T) {
	var conds []*rules.Condition[refFacts]
	for _, src := range []string{
		"Orders >= 3 && Spend > 100.5", `Segment == "vip" || Counters["stamps"] == 9`, `"lapsed" in Tags`,
		"Spend / Orders > 20", "len(Tags) == Orders",
	} {
		c, err := rules.CompileCondition[refFacts](src, src)
		if err != nil {
			t.Fatal(err)
		}
		conds = append(conds, c)
	}
	var shared refFacts
	ref := rules.PrepareRef(&shared)
	rapid.Check(t, func(t *rapid.T) {
		f := refFacts{
			Orders:   rapid.IntRange(0, 5).Draw(t, "orders"),
			Spend:    decimal.New(rapid.Int64Range(0, 50000).Draw(t, "cents"), -2),
			Segment:  rapid.SampledFrom([]string{"", "vip", "current"}).Draw(t, "segment"),
			Counters: map[string]int{"stamps": rapid.IntRange(8, 10).Draw(t, "stamps")},
			Tags:     rapid.SliceOfN(rapid.SampledFrom([]string{"lapsed", "birthday"}), 0, 3).Draw(t, "tags"),
		}
		shared = f
		for _, c := range conds {
			want, werr := c.Match(rules.Prepare(f))
			got, gerr := c.Match(ref)
			if want != got || (werr == nil) != (gerr == nil) {
				t.Fatalf("%s on %+v: by reference %v %v, on a copy %v %v", c.ID(), f, got, gerr, want, werr)
			}
		}
	})
	if _, err := conds[0].Match(rules.PrepareRef[refFacts](nil)); err == nil {
		t.Error("nil facts matched")
	}
}
