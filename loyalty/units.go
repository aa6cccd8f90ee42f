package loyalty

import (
	"fmt"

	"github.com/loyalkit/loyalkit/internal/fixed"
	"github.com/shopspring/decimal"
)

// units are points counted in the programme's smallest unit,
// 10^-PointsPlaces: the account adds them as int64, exactly and without
// allocating, and converts to decimal.Decimal only at its edges (entries,
// balances, lots, totals).
type units = int64

// maxUnits bounds one amount of points (2^53 units: 9·10^15 whole points
// with 0 places, 90 million with 8), so that sums of many stay far from
// int64 overflow; the account's earned total is checked as well.
const maxUnits = 1 << 53

// units converts points to units: an error if they have more places than
// the programme keeps or exceed maxUnits.
func (p *Program) units(d decimal.Decimal) (units, error) {
	c, ok := fixed.Int64(d, p.cfg.PointsPlaces)
	if !ok || c > maxUnits || c < -maxUnits {
		return 0, p.unitsError(d)
	}
	return c, nil
}

func (p *Program) unitsError(d decimal.Decimal) error {
	return fmt.Errorf("%w: %s points are not a whole number of %d-place units of at most %d", ErrInvalidInput, d,
		p.cfg.PointsPlaces, maxUnits)
}

// smallUnits is how many amounts each side of zero Program.dec keeps
// ready-made.
const smallUnits = 1024

// dec is u units as points. The amounts an operation usually writes are
// ready-made (decimals are immutable values, so one can serve every
// entry): converting them does not allocate.
func (p *Program) dec(u units) decimal.Decimal {
	if u > -smallUnits && u < smallUnits {
		return p.small[u+smallUnits]
	}
	return toDecimal(u, p.cfg.PointsPlaces)
}

// smallDecimals are the ready-made amounts of dec.
func smallDecimals(places int32) []decimal.Decimal {
	out := make([]decimal.Decimal, 2*smallUnits)
	for i := range out {
		out[i] = toDecimal(units(i-smallUnits), places)
	}
	return out
}

// toDecimal is u units as points.
func toDecimal(u units, places int32) decimal.Decimal {
	if u == 0 {
		return decimal.Zero
	}
	return decimal.New(u, -places)
}
