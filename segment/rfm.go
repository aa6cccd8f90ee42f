package segment

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
)

// ScoreRFM sets R, F and M (1–5) on every profile, by quintile:
//
//   - F from Orders and M from Spend: score = 1 + ⌊5 · s / n⌋, where s is
//     the number of profiles with a strictly smaller value and n the number
//     of profiles;
//   - R from DaysSinceLast, where fewer days is better: s counts the
//     profiles with strictly more days.
//
// Equal values always get the same score (ties never split across a
// border), so the result does not depend on the order of the profiles;
// with fewer than five distinct values some scores are simply unused.
// It sorts copies of the values: O(n log n) time, O(n) extra memory.
func ScoreRFM(ps []Profile) {
	n := len(ps)
	if n == 0 {
		return
	}
	score := func(below int) int { return 1 + 5*below/n }
	ints := make([]int, n)
	for i, p := range ps {
		ints[i] = p.Orders
	}
	slices.Sort(ints)
	for i := range ps {
		below, _ := slices.BinarySearch(ints, ps[i].Orders) // first index of the value = count strictly smaller
		ps[i].F = score(below)
	}
	for i, p := range ps {
		ints[i] = p.DaysSinceLast
	}
	slices.Sort(ints)
	for i := range ps {
		after, _ := slices.BinarySearch(ints, ps[i].DaysSinceLast+1) // count ≤ value
		ps[i].R = score(n - after)                                    // count strictly larger
	}
	decs := make([]decimal.Decimal, n)
	for i, p := range ps {
		decs[i] = p.Spend
	}
	slices.SortFunc(decs, func(a, b decimal.Decimal) int { return a.Cmp(b) })
	for i := range ps {
		below, _ := slices.BinarySearchFunc(decs, ps[i].Spend, func(a, b decimal.Decimal) int { return cmp.Compare(a.Cmp(b), 0) })
		ps[i].M = score(below)
	}
}

// RFMSegment is one of the widely used named RFM segments.
type RFMSegment uint8

// The named RFM segments. The zero value means "not scored".
const (
	Unscored RFMSegment = iota
	Champions
	Loyal
	PotentialLoyalist
	NewCustomers
	Promising
	NeedAttention
	AboutToSleep
	AtRisk
	CantLose
	Hibernating
	Lost
)

var rfmNames = [...]string{"unscored", "champions", "loyal", "potential loyalist", "new customers",
	"promising", "need attention", "about to sleep", "at risk", "can't lose", "hibernating", "lost"}

func (s RFMSegment) String() string {
	if int(s) < len(rfmNames) {
		return rfmNames[s]
	}
	return fmt.Sprintf("RFMSegment(%d)", uint8(s))
}

// rfmMap is the segment of each (R, F) pair, the usual map (as in the
// popular pandas RFM recipe) with "lost" split off hibernating:
//
//	      F=1           F=2           F=3             F=4        F=5
//	R=5   new           potential     potential       champions  champions
//	R=4   promising     potential     potential       loyal      loyal
//	R=3   about to sleep about to sleep need attention loyal     loyal
//	R=2   hibernating   hibernating   at risk         at risk    can't lose
//	R=1   lost          hibernating   at risk         at risk    can't lose
var rfmMap = [6][6]RFMSegment{
	1: {1: Lost, 2: Hibernating, 3: AtRisk, 4: AtRisk, 5: CantLose},
	2: {1: Hibernating, 2: Hibernating, 3: AtRisk, 4: AtRisk, 5: CantLose},
	3: {1: AboutToSleep, 2: AboutToSleep, 3: NeedAttention, 4: Loyal, 5: Loyal},
	4: {1: Promising, 2: PotentialLoyalist, 3: PotentialLoyalist, 4: Loyal, 5: Loyal},
	5: {1: NewCustomers, 2: PotentialLoyalist, 3: PotentialLoyalist, 4: Champions, 5: Champions},
}

// NamedSegment is the profile's named RFM segment from its R and F scores
// (the map is in the package documentation); [Unscored] before ScoreRFM.
func (p Profile) NamedSegment() RFMSegment {
	if p.R < 1 || p.R > 5 || p.F < 1 || p.F > 5 {
		return Unscored
	}
	return rfmMap[p.R][p.F]
}
