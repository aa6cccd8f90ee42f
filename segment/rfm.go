package segment

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/loyalkit/loyalkit/internal/fixed"
	"github.com/shopspring/decimal"
)

// ScoredRFM (named for what it returns: the input is left as it was) returns a copy of the profiles, in the same order, with R, F and
// M (1–5) set by quintile:
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
//
// It never changes ps or its profiles; a copy shares its original's
// Counters map, which ScoredRFM does not touch. It sorts an index by each
// value: O(n log n) time, O(n) memory for the copies and the index.
func ScoredRFM(ps []Profile) []Profile {
	out := slices.Clone(ps)
	n := len(ps)
	if n == 0 {
		return out
	}
	keys := make([]int64, n)
	order := make([]int32, n)
	// score sorts the profiles by key (ascending) and gives each the score
	// of the number of keys strictly below its own; better=lower reverses.
	score := func(set func(p *Profile, s int), lowerIsBetter bool) {
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(keys[a], keys[b]) })
		for start := 0; start < n; {
			end := start + 1 // the run of equal keys is order[start:end]
			for end < n && keys[order[end]] == keys[order[start]] {
				end++
			}
			s := start // keys strictly below
			if lowerIsBetter {
				s = n - end // keys strictly above
			}
			for _, i := range order[start:end] {
				set(&out[i], 1+5*s/n)
			}
			start = end
		}
	}
	for i, p := range ps {
		keys[i] = int64(p.Orders)
	}
	score(func(p *Profile, s int) { p.F = s }, false)
	for i, p := range ps {
		keys[i] = int64(p.DaysSinceLast)
	}
	score(func(p *Profile, s int) { p.R = s }, true)
	if spendKeys(ps, keys) {
		score(func(p *Profile, s int) { p.M = s }, false)
		return out
	}
	// Spends that do not fit an int64 at a common scale: compare decimals.
	dec := make([]decimal.Decimal, n)
	for i, p := range ps {
		dec[i] = p.Spend
	}
	slices.SortFunc(dec, func(a, b decimal.Decimal) int { return a.Cmp(b) })
	for i := range ps {
		below, _ := slices.BinarySearchFunc(dec, ps[i].Spend, func(a, b decimal.Decimal) int { return a.Cmp(b) })
		out[i].M = 1 + 5*below/n
	}
	return out
}

// spendKeys writes every Spend as an int64 at the finest scale among them
// (exact, so equal spends get equal keys); false if one does not fit.
func spendKeys(ps []Profile, keys []int64) bool {
	scale := int32(0)
	for _, p := range ps {
		scale = max(scale, fixed.Places(p.Spend))
	}
	for i, p := range ps {
		k, ok := fixed.Int64(p.Spend, scale)
		if !ok {
			return false
		}
		keys[i] = k
	}
	return true
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

// rfmMap is the segment of each (R, F) pair: the table in the package
// documentation.
var rfmMap = [6][6]RFMSegment{
	1: {1: Lost, 2: Hibernating, 3: AtRisk, 4: AtRisk, 5: CantLose},
	2: {1: Hibernating, 2: Hibernating, 3: AtRisk, 4: AtRisk, 5: CantLose},
	3: {1: AboutToSleep, 2: AboutToSleep, 3: NeedAttention, 4: Loyal, 5: Loyal},
	4: {1: Promising, 2: PotentialLoyalist, 3: PotentialLoyalist, 4: Loyal, 5: Loyal},
	5: {1: NewCustomers, 2: PotentialLoyalist, 3: PotentialLoyalist, 4: Champions, 5: Champions},
}

// NamedSegment is the profile's named RFM segment from its R and F scores
// (the map is in the package documentation); [Unscored] for a profile
// ScoredRFM has not scored.
func (p Profile) NamedSegment() RFMSegment {
	if p.R < 1 || p.R > 5 || p.F < 1 || p.F > 5 {
		return Unscored
	}
	return rfmMap[p.R][p.F]
}
