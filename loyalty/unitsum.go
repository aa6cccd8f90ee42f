package loyalty

import (
	"math/big"
	"math/bits"

	"github.com/loyalkit/loyalkit/internal/fixed"

	"github.com/shopspring/decimal"
)

// unitSum adds points in units over many accounts, exactly: a 128-bit
// two's-complement integer (hi·2⁶⁴ + lo), so that no realistic sum
// overflows (one account holds at most 2⁵³ units per amount, and 2⁶⁴ of
// those would be needed) and adding does not allocate. The zero value
// is 0.
type unitSum struct {
	hi int64
	lo uint64
}

// add adds v.
func (s *unitSum) add(v units) {
	lo, carry := bits.Add64(s.lo, uint64(v), 0)
	s.lo = lo
	s.hi += int64(carry)
	if v < 0 {
		s.hi-- // v's sign extension: its high word is all ones
	}
}

// plus is s + o.
func (s unitSum) plus(o unitSum) unitSum {
	lo, carry := bits.Add64(s.lo, o.lo, 0)
	return unitSum{hi: s.hi + o.hi + int64(carry), lo: lo}
}

// isZero reports whether the sum is 0.
func (s unitSum) isZero() bool { return s.hi == 0 && s.lo == 0 }

// decimal is the sum as points of the given places.
func (s unitSum) decimal(places int32) decimal.Decimal {
	if s.isZero() {
		return decimal.Zero
	}
	if (s.hi == 0 && s.lo < 1<<63) || (s.hi == -1 && s.lo >= 1<<63) {
		return decimal.New(int64(s.lo), -places) // fits an int64
	}
	x := new(big.Int).SetInt64(s.hi)
	x.Lsh(x, 64)
	x.Add(x, new(big.Int).SetUint64(s.lo))
	return decimal.NewFromBigInt(x, -places)
}

// neg is −s.
func (s unitSum) neg() unitSum {
	lo, borrow := bits.Sub64(0, s.lo, 0)
	return unitSum{hi: -s.hi - int64(borrow), lo: lo}
}

// fromDecimal is d in units of 10^-places, and false when it has more
// places or does not fit an int64.
func fromDecimal(d decimal.Decimal, places int32) (units, bool) { return fixed.Int64(d, places) }
