package loyalty

import (
	"testing"

	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestCardsByUnits: the cards a stamp card's raw progress fills, counted
// in int64 units, are what decimal division rounded down gives, for
// progress above and below 0 and targets with places.
func TestCardsByUnits(t *testing.T) {
	for _, tc := range []struct {
		raw, target string
		want        int
	}{
		{"0", "6", 0}, {"5", "6", 0}, {"6", "6", 1}, {"13", "6", 2}, {"-1", "6", -1}, {"-6", "6", -1}, {"-7", "6", -2},
		{"10", "2.5", 4}, {"9.9999", "2.5", 3}, {"0.0001", "0.0001", 1},
		{"1e18", "3", 333333333333333333},                                                          // past int64 units: by decimals
		{"299999999999.9999", "99999999999.9999", 3}, {"299999999999.9996", "99999999999.9999", 2}, // a target just below 10¹⁵ units
		{"300000000000", "100000000000", 3}, {"299999999999.9999", "100000000000", 2}, // at 10¹⁵ units: by decimals
		{"13", "6.00001", 2}, {"12.00002", "6.00001", 2}, {"12.00001", "6.00001", 1}, // a target past four places: by decimals
	} {
		raw := decsum.Of(decimal.RequireFromString(tc.raw))
		if got := cards(raw, decimal.RequireFromString(tc.target)); got != tc.want {
			t.Errorf("cards(%s, %s) = %d, want %d", tc.raw, tc.target, got, tc.want)
		}
	}
	rapid.Check(t, func(rt *rapid.T) {
		raw := decimal.New(rapid.Int64Range(-1e12, 1e12).Draw(rt, "raw"), -int32(rapid.IntRange(0, 4).Draw(rt, "rawPlaces")))
		target := decimal.New(rapid.Int64Range(1, 1e9).Draw(rt, "target"), -int32(rapid.IntRange(0, 4).Draw(rt, "places")))
		want := int(raw.Div(target).Floor().IntPart())
		if got := cards(decsum.Of(raw), target); got != want {
			rt.Fatalf("cards(%s, %s) = %d, decimals say %d", raw, target, got, want)
		}
	})
}
