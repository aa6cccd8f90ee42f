package loyalty

import (
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// units converts exactly the points a programme can hold and refuses the
// rest; dec and toDecimal convert back to the same amount.
func TestUnits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		places := int32(rapid.IntRange(0, 8).Draw(t, "places"))
		p := &Program{cfg: Config{PointsPlaces: places}, small: smallDecimals(places)}
		digits := rapid.IntRange(0, 18).Draw(t, "digits")
		d := decimal.New(rapid.Int64Range(-pow10[digits], pow10[digits]).Draw(t, "coef"), int32(rapid.IntRange(-12, 8).Draw(t, "exp")))
		scaled := d.Shift(places)
		fits := scaled.IsInteger() && scaled.Abs().LessThanOrEqual(decimal.NewFromInt(maxUnits))
		u, err := p.units(d)
		if fits != (err == nil) {
			t.Fatalf("units(%s) with %d places: %d, %v; fits %v", d, places, u, err, fits)
		}
		if err == nil && (!toDecimal(u, places).Equal(d) || !p.dec(u).Equal(d)) {
			t.Fatalf("units(%s) = %d, back %s / %s", d, u, toDecimal(u, places), p.dec(u))
		}
	})
}
