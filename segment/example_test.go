package segment_test

import (
	"fmt"

	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

func Example() {
	seg, err := segment.Compile([]segment.Definition{
		{Name: "vip", When: "SpendInPeriod >= 50000 || OrdersInPeriod >= 12"},
		{Name: "regular", When: "OrdersInPeriod >= 2"},
	}, "occasional")
	if err != nil {
		fmt.Println(err)
		return
	}
	ps := []segment.Profile{
		{ID: "anna", OrdersInPeriod: 14, SpendInPeriod: decimal.NewFromInt(21000)},
		{ID: "boris", OrdersInPeriod: 5, SpendInPeriod: decimal.NewFromInt(46600)},
		{ID: "chen", OrdersInPeriod: 1, SpendInPeriod: decimal.NewFromInt(900)},
	}
	assigned, err := seg.AssignAll(ps)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(assigned)
	near, err := seg.Boundaries(ps, assigned, 0.1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range near {
		fmt.Printf("%s: %s → %s, missing %v\n", b.ID, b.From, b.To, b.Missing)
	}
	// Output:
	// [vip regular occasional]
	// boris: regular → vip, missing [3400 more SpendInPeriod (has 46600, needs 50000)]
}

// A typo in a segment is reported with the segment's name and position.
func ExampleCompile_error() {
	_, err := segment.Compile([]segment.Definition{{Name: "vip", When: "SpendInPeriod >= 50000 || Oders >= 12"}}, "rest")
	fmt.Println(err)
	// Output:
	// rules: segment "vip" when 1:27: unknown name Oders
	//  | SpendInPeriod >= 50000 || Oders >= 12
	//  | ..........................^
}

func ExampleScoredRFM() {
	ps := []segment.Profile{
		{ID: "a", Orders: 1, Spend: decimal.NewFromInt(20), DaysSinceLast: 300},
		{ID: "b", Orders: 8, Spend: decimal.NewFromInt(900), DaysSinceLast: 3},
		{ID: "c", Orders: 3, Spend: decimal.NewFromInt(150), DaysSinceLast: 40},
		{ID: "d", Orders: 12, Spend: decimal.NewFromInt(2400), DaysSinceLast: 200},
		{ID: "e", Orders: 1, Spend: decimal.NewFromInt(35), DaysSinceLast: 10},
	}
	for _, p := range segment.ScoredRFM(ps) {
		fmt.Printf("%s R%d F%d M%d %s\n", p.ID, p.R, p.F, p.M, p.NamedSegment())
	}
	// Output:
	// a R1 F1 M1 lost
	// b R5 F4 M4 champions
	// c R3 F3 M3 need attention
	// d R2 F5 M5 can't lose
	// e R4 F1 M2 promising
}
