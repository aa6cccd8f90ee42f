// Package purchaselog holds what every reader of a purchase log
// (metrics.Summarizer and metrics.Activity, segment.ProfileBuilder)
// refuses in one purchase, so that they all refuse the same.
package purchaselog

import (
	"time"

	"github.com/loyalkit/loyalkit/internal/decbound"
	"github.com/loyalkit/loyalkit/internal/inputerr"
	"github.com/shopspring/decimal"
)

// OK reports whether a log may hold the purchase: Check's test without
// the error, small enough to inline into a log reader's loop.
func OK(customer string, at time.Time, amount decimal.Decimal) bool {
	return customer != "" && amount.Sign() >= 0 && !at.IsZero() && decbound.ExponentOK(amount)
}

// Check is nil for a purchase a log may hold ([OK]), else P's input error
// from fn about the first field at fault: an empty Customer, an Amount
// with an exponent past decbound.MaxDigits either way (only the exponent:
// this runs on every purchase of a log) or negative (zero is allowed: a
// free order), a zero At.
func Check[P inputerr.Package](fn, customer string, at time.Time, amount decimal.Decimal) error {
	switch {
	case OK(customer, at, amount):
		return nil
	case customer == "":
		return inputerr.New[P](fn, "Customer", "is empty")
	case !decbound.ExponentOK(amount): // first: writing it out might not end
		return inputerr.New[P](fn, "Amount", "has exponent %d for customer %q: at most %d places either side of the point", amount.Exponent(), customer, decbound.MaxDigits)
	case amount.IsNegative():
		return inputerr.New[P](fn, "Amount", "is negative (%s) for customer %q", amount, customer)
	default:
		return inputerr.New[P](fn, "At", "is zero for customer %q", customer)
	}
}
