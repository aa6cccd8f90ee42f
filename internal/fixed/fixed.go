// Package fixed writes decimals as int64 counts of 10^-places units, the
// fixed-point form loyalkit adds and compares without allocating: the one
// home of "a decimal as an int64 at a scale".
package fixed

import (
	"github.com/loyalkit/loyalkit/internal/checked"
	"github.com/shopspring/decimal"
)

// pow10[i] is 10^i, up to the largest power that fits an int64.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// Places is the number of decimal places d is written with (0 for a whole
// number written without them): the scale at which it is a whole number
// of units. The finest scale of several decimals, their common scale, is
// the largest of their Places.
func Places(d decimal.Decimal) int32 {
	return max(0, -d.Exponent())
}

// Int64 is d as a whole number of 10^-places units (d × 10^places) and
// true, or 0 and false when that is not a whole number or does not fit an
// int64. It does not allocate when d's coefficient has at most 18 digits.
func Int64(d decimal.Decimal, places int32) (int64, bool) {
	digits := d.NumDigits()
	if digits > 18 { // the coefficient may not fit an int64: exact, and rare
		scaled := d.Shift(places)
		if !scaled.IsInteger() {
			return 0, false
		}
		n := scaled.BigInt()
		if !n.IsInt64() {
			return 0, false
		}
		return n.Int64(), true
	}
	c, shift := d.CoefficientInt64(), int64(d.Exponent())+int64(places)
	switch {
	case c == 0:
		return 0, true
	case shift >= 0 && int64(digits)+shift <= 18: // |c| < 10^digits: the product is below 10^18
		return c * pow10[shift], true
	case shift >= 0 && shift < int64(len(pow10)):
		return checked.Mul(c, pow10[shift])
	case shift < 0 && -shift < int64(len(pow10)) && c%pow10[-shift] == 0:
		return c / pow10[-shift], true
	}
	// 10^19 and beyond: the units overflow, or (|c| < 10^18) are a fraction.
	return 0, false
}
