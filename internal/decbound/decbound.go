// Package decbound bounds the numbers the library takes from its callers:
// at most MaxDigits digits either side of the point. A decimal's exponent
// is a whole int32, so 1e2147483647 takes a few bytes, but exact
// arithmetic on it, or writing it out, builds a number of two billion
// digits: an operation given it would not end.
package decbound

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// MaxDigits is the most digits a number may have before and after its
// point: far past any amount of money or points.
const MaxDigits = 60

// OK reports whether d is within MaxDigits either side of the point.
func OK(d decimal.Decimal) bool {
	e := d.Exponent()
	return e >= -MaxDigits && e <= MaxDigits && d.NumDigits() <= 2*MaxDigits
}

// Err is the error for what (a field's name) holding d past MaxDigits: it
// gives d's size, not d, as writing d out might not end either.
func Err(what string, d decimal.Decimal) error {
	return fmt.Errorf("%s has %d digits with exponent %d: at most %d digits either side of the point", what, d.NumDigits(), d.Exponent(), MaxDigits)
}

// Show is d written out for a message, or, past MaxDigits, its size.
func Show(d decimal.Decimal) string {
	if OK(d) {
		return d.String()
	}
	return fmt.Sprintf("a number of %d digits with exponent %d", d.NumDigits(), d.Exponent())
}
