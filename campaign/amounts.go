package campaign

import (
	"github.com/loyalkit/loyalkit/internal/decbound"
	"github.com/loyalkit/loyalkit/internal/fixed"
	"github.com/loyalkit/loyalkit/internal/name"
	"github.com/shopspring/decimal"
)

// maxUnits bounds one amount and every total, in units of 10^-places
// (2^53: 9·10^15 whole points or gifts with 0 places), so that sums of
// many stay far from int64 overflow.
const maxUnits = 1 << 53

// toUnits is d as a whole number of 10^-places units, if it is one and
// within ±maxUnits.
func toUnits(d decimal.Decimal, places int32) (int64, bool) {
	if !decbound.OK(d) { // 1e2147483647: its units would never be counted
		return 0, false
	}
	u, ok := fixed.Int64(d, places)
	if !ok || u > maxUnits || u < -maxUnits {
		return 0, false
	}
	return u, true
}

// fromUnits is u units of 10^-places as a decimal.
func fromUnits(u int64, places int32) decimal.Decimal {
	if u == 0 {
		return decimal.Zero
	}
	return decimal.New(u, -places)
}

// checkID refuses an id that cannot name an operation or a customer:
// empty, only white space, invalid UTF-8, control or invisible formatting
// characters, over 200 bytes.
func checkID(field, s string) error {
	if err := name.Check(s); err != nil {
		return fieldErr(field, "%q %v", clip(s), err)
	}
	return nil
}

// checkOptionalID is checkID for an id that may be empty.
func checkOptionalID(field, s string) error {
	if s == "" {
		return nil
	}
	return checkID(field, s)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
