package rules

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// The size of every decimal a rule can create — a literal, the result of
// an operator or a helper, a float64 fact read as a decimal: at most
// maxWholeDigits digits before the decimal point and maxFracDigits after
// it. Amounts of money and points need a few of each; the bound keeps
// every operation cheap (a 200-node expression cannot build a number of
// thousands of digits) and every printed value short. A literal beyond it
// is a compile error; a result beyond it fails the rule with [ErrEval].
const (
	maxWholeDigits = 40
	maxFracDigits  = 40
)

// decRangeError is a decimal beyond the bound.
type decRangeError struct{ value decimal.Decimal }

func (e *decRangeError) Error() string {
	return fmt.Sprintf("the number %s is out of range (at most %d digits before the decimal point and %d after it)",
		clip(e.value.String()), maxWholeDigits, maxFracDigits)
}

// bounded returns d, or an error when d is beyond the bound. A value
// written with more places than the bound whose extra places are zeros
// (what a division's 16 places give when multiplied) is within it, and is
// returned with maxFracDigits places.
func bounded(d decimal.Decimal) (decimal.Decimal, error) {
	if d.Exponent() < -maxFracDigits {
		t := d.Truncate(maxFracDigits)
		if !t.Equal(d) {
			return decimal.Decimal{}, &decRangeError{d}
		}
		d = t
	}
	if d.NumDigits()+int(d.Exponent()) > maxWholeDigits {
		return decimal.Decimal{}, &decRangeError{d}
	}
	return d, nil
}

// inBounds says whether d is within the bound.
func inBounds(d decimal.Decimal) bool {
	_, err := bounded(d)
	return err == nil
}

// maxPrinted is the longest value or name an error message prints whole.
const maxPrinted = 64

// maxMessage is the longest message an error keeps whole.
const maxMessage = 256

// clip shortens a value or name for an error message: the first runes
// of a longer string and how long it was.
func clip(s string) string { return clipTo(s, maxPrinted) }

func clipTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:cut], len(s))
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
