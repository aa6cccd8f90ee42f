package loyalty

import (
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Splitting points over lots loses nothing: the parts add up to the total
// exactly, and each is within one unit of its exact share.
func TestAllocate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		places := int32(rapid.IntRange(0, 3).Draw(t, "places"))
		total := decimal.New(rapid.Int64Range(0, 1_000_000).Draw(t, "total"), -places)
		weights := make([]decimal.Decimal, rapid.IntRange(1, 6).Draw(t, "n"))
		sum := decimal.Zero
		for i := range weights {
			weights[i] = decimal.New(rapid.Int64Range(1, 100_000).Draw(t, "w"), -2)
			sum = sum.Add(weights[i])
		}
		parts := allocate(total, weights, places)
		got := decimal.Zero
		unit := decimal.New(1, -places)
		for i, p := range parts {
			got = got.Add(p)
			exact := total.Mul(weights[i]).DivRound(sum, 20)
			if p.Sub(exact).Abs().GreaterThanOrEqual(unit) || !p.Equal(p.RoundDown(places)) {
				t.Fatalf("part %d = %s, exact share %s (unit %s)", i, p, exact, unit)
			}
		}
		if !got.Equal(total) {
			t.Fatalf("parts add up to %s, total %s", got, total)
		}
	})
}

// allocateUnits splits exactly as allocate, on its integer path (weights
// of mixed scales) and on its fallback (weights too wide for an int64).
func TestAllocateUnitsAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		places := int32(rapid.IntRange(0, 4).Draw(t, "places"))
		total := rapid.Int64Range(0, 1<<53).Draw(t, "total")
		weights := make([]decimal.Decimal, rapid.IntRange(1, 7).Draw(t, "n"))
		for i := range weights {
			digits := rapid.IntRange(0, 18).Draw(t, "digits") // small and wide weights
			weights[i] = decimal.New(rapid.Int64Range(0, pow10[digits]).Draw(t, "w"), int32(rapid.IntRange(-12, 6).Draw(t, "exp")))
		}
		want := allocate(toDecimal(total, places), weights, places)
		got := allocateUnits(total, weights, places)
		for i := range want {
			if !toDecimal(got[i], places).Equal(want[i]) {
				t.Fatalf("part %d: %d units, allocate gives %s", i, got[i], want[i])
			}
		}
	})
}

// A purchase's points are scaled by the share paid after the discount
// exactly, and rounded once.
func TestPaidPoints(t *testing.T) {
	d := decimal.RequireFromString
	for _, tc := range []struct {
		points, total, discount string
		places                  int32
		rounding                Rounding
		want                    string
	}{
		{"100", "3", "1", 0, Down, "66"},
		{"100", "3", "1", 0, HalfUp, "67"},
		{"100", "3", "1", 2, Down, "66.66"},
		{"100", "3", "1", 2, HalfUp, "66.67"},
		{"50", "100", "0", 0, Down, "50"},
		{"50", "0", "0", 0, Down, "50"}, // a free order: nothing to scale by
		// 3·10^17 × 2/3 is 2·10^17 exactly; a share rounded to 16 places
		// first (0.6666666666666667) would give 200000000000000010.
		{"300000000000000000", "3", "1", 0, Down, "200000000000000000"},
	} {
		p := &Program{cfg: Config{PointsPlaces: tc.places, Rounding: tc.rounding}}
		if got := p.paidPoints(d(tc.points), d(tc.total).Sub(d(tc.discount)), d(tc.total)); !got.Equal(d(tc.want)) {
			t.Errorf("%s points, %s off %s, %d places %v: %s, want %s", tc.points, tc.discount, tc.total, tc.places, tc.rounding, got, tc.want)
		}
	}
}
