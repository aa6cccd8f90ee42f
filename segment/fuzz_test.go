package segment_test

import (
	"testing"

	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

// FuzzCompile: any condition text either compiles or is refused with an
// error; what compiles assigns and measures distances without panicking,
// and a distance is 0 exactly for a profile that belongs to the segment.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"SpendInPeriod >= 50000 || OrdersInPeriod >= 12",
		"Orders > 3 && (Returns < 2 || Complaints == 0)",
		`Counters["reviews"] >= 3`,
		"-5 < DaysSinceLast", "R >= 4 and F >= 4", "SpendInPeriod > 0.5",
		"((((Orders >= 1))))", "Orders >= 1 || ", "Spend.Shift(100000)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cond string) {
		seg, err := segment.Compile([]segment.Definition{{Name: "s", When: cond}}, "rest")
		if err != nil {
			return
		}
		for _, p := range []segment.Profile{
			{}, {ID: "x", Orders: 5, Spend: decimal.NewFromInt(700), OrdersInPeriod: 2, SpendInPeriod: decimal.RequireFromString("0.5"),
				DaysSinceLast: 9, Returns: 1, Counters: map[string]int{"reviews": 3}},
		} {
			got, err := seg.Assign(p)
			if err != nil {
				continue
			}
			if d, _, ok := seg.Distance(p, "s"); ok && (d == 0) != (got == "s") {
				t.Fatalf("%q on %+v: distance %v, assigned %q", cond, p, d, got)
			}
		}
	})
}
