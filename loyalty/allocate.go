package loyalty

import (
	"math/bits"
	"slices"

	"github.com/loyalkit/loyalkit/internal/fixed"
	"github.com/shopspring/decimal"
)

// allocateUnits is allocate on units: the same split, in exact integer
// arithmetic (128-bit products) when the weights fit an int64 at a common
// scale, else by allocate itself.
func allocateUnits(total units, weights []decimal.Decimal, places int32) []units {
	parts := make([]units, len(weights))
	if len(weights) == 1 {
		parts[0] = total
		return parts
	}
	var wBuf [16]uint64
	w, ok := scaleWeights(weights, wBuf[:0])
	if !ok || total < 0 {
		for i, d := range allocate(toDecimal(total, places), weights, places) {
			parts[i], _ = fixed.Int64(d, places) // exact: parts have places decimals and sum to total
		}
		return parts
	}
	var sum uint64
	for _, x := range w {
		sum += x // scaleWeights checked that this does not overflow
	}
	if sum == 0 {
		return parts
	}
	var remBuf [16]uint64 // on the stack for the usual few rules
	var orderBuf [16]int
	rems, order := remBuf[:0], orderBuf[:0]
	given := units(0)
	for i, x := range w {
		hi, lo := bits.Mul64(uint64(total), x)
		q, r := bits.Div64(hi, lo, sum) // hi < sum: x ≤ sum, so the quotient ≤ total
		parts[i] = units(q)
		rems, order = append(rems, r), append(order, i)
		given += units(q)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rems[a] > rems[b]:
			return -1
		case rems[a] < rems[b]:
			return 1
		}
		return 0
	})
	for k := 0; given < total; k++ {
		parts[order[k%len(order)]]++
		given++
	}
	return parts
}

// scaleWeights writes non-negative weights as integers at their common
// scale (the most decimal places among them), appended to out, if each
// fits an int64 and their sum a uint64.
func scaleWeights(weights []decimal.Decimal, out []uint64) ([]uint64, bool) {
	places := int32(0)
	for _, d := range weights {
		if d.IsNegative() {
			return nil, false
		}
		places = max(places, fixed.Places(d))
	}
	var sum uint64
	for _, d := range weights {
		x, ok := fixed.Int64(d, places)
		var carry uint64
		if sum, carry = bits.Add64(sum, uint64(x), 0); !ok || carry != 0 {
			return nil, false
		}
		out = append(out, uint64(x))
	}
	return out, true
}

// allocate splits total over weights in proportion, in units of
// 10^-places, so that the parts add up to total exactly: each part is
// rounded down and the units left over go to the largest remainders
// (ties: the earlier weight).
func allocate(total decimal.Decimal, weights []decimal.Decimal, places int32) []decimal.Decimal {
	parts := make([]decimal.Decimal, len(weights))
	if len(weights) == 1 {
		parts[0] = total
		return parts
	}
	sum := decimal.Zero
	for _, w := range weights {
		sum = sum.Add(w)
	}
	if !sum.IsPositive() {
		return parts
	}
	unit := decimal.New(1, -places)
	given := decimal.Zero
	rems := make([]decimal.Decimal, len(weights))
	for i, w := range weights {
		// total·w = q·sum + r exactly, q truncated to places: the remainders
		// share the denominator sum, so they compare directly.
		parts[i], rems[i] = total.Mul(w).QuoRem(sum, places)
		given = given.Add(parts[i])
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rems[b].Cmp(rems[a]) })
	for k := 0; given.LessThan(total); k++ {
		i := order[k%len(order)]
		parts[i] = parts[i].Add(unit)
		given = given.Add(unit)
	}
	return parts
}
