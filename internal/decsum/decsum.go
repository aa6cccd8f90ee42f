// Package decsum adds decimals exactly without allocating for the usual
// money and points amounts.
//
// Two of its paths reach into shopspring/decimal's unexported fields (a
// Decimal is a *big.Int coefficient and an int32 exponent): [Units] reads
// a coefficient's words instead of counting its digits, and
// [Values.Of] writes the decimals it builds around coefficients it
// allocates in arrays. Both depend on a check, made once at start-up with
// reflect, that decimal.Decimal has exactly those fields at those offsets;
// where it does not (another version of the module), they use the public
// API instead, and TestDecimalLayout fails so the change is noticed.
package decsum

import (
	"math/big"
	"math/bits"
	"reflect"
	"unsafe"

	"github.com/loyalkit/loyalkit/internal/checked"
	"github.com/loyalkit/loyalkit/internal/fixed"
	"github.com/shopspring/decimal"
)

// sumPlaces is the scale of Sum's fast path: units of 10⁻⁴.
const sumPlaces = 4

// Sum adds decimals exactly without allocating for the usual money
// amounts: while the amounts and their running sum are whole numbers of
// 10⁻⁴ units that fit an int64 they are kept as that count; anything else
// (more places, a larger number, an overflow) goes to a decimal.Decimal.
// The zero value is 0.
type Sum struct {
	small int64
	big   *decimal.Decimal // nil until an amount misses the fast path
}

// Of is the sum of d alone: an amount converted once, to be added to
// several sums with Plus. Money amounts (at most four places, at most 14
// digits) take a short path: their count of 10⁻⁴ units is the
// coefficient times a power of ten that cannot overflow.
func Of(d decimal.Decimal) Sum {
	if v, ok := Units(d); ok {
		return Sum{small: v}
	}
	var s Sum
	s.add(d, false)
	return s
}

// maxShort bounds the coefficients on Of's short path: at most 14 digits,
// whose count of 10⁻⁴ units fits an int64.
const maxShort = 1e14

// Units is d as a count of 10⁻⁴ units and true when d is on Of's short
// path (at most four places and 14 digits), else 0 and false. Where
// layoutOK holds it reads the coefficient's words from d's fields, as
// Values.build writes them, in few enough steps to inline into a loop.
func Units(d decimal.Decimal) (int64, bool) {
	if !layoutOK { // the fields are read as decimalLayout only where they are that
		return unitsByDigits(d)
	}
	e := d.Exponent()
	if v := (*decimalLayout)(unsafe.Pointer(&d)).value; v != nil && uint32(-e) <= sumPlaces {
		if w := v.Bits(); len(w) == 1 && w[0] < maxShort { // zero has no words: the other path
			c := int64(w[0]) * unitsPer[uint32(sumPlaces+e)%(sumPlaces+1)]
			if v.Sign() < 0 {
				c = -c
			}
			return c, true
		}
	}
	return unitsByDigits(d)
}

// unitsByDigits is Units by the coefficient's digits (decimal's public
// API).
func unitsByDigits(d decimal.Decimal) (int64, bool) {
	if e := d.Exponent(); e <= 0 && e >= -sumPlaces && d.NumDigits() <= 18-sumPlaces {
		return d.CoefficientInt64() * unitsPer[sumPlaces+e], true
	}
	return 0, false
}

// unitsPer[k] is 10^k: the 10⁻⁴ units in one 10^(k−4).
var unitsPer = [sumPlaces + 1]int64{1, 10, 100, 1000, 10000}

// FromUnits is the sum of v units of 10⁻⁴ (what Units returns).
func FromUnits(v int64) Sum { return Sum{small: v} }

// Units is s as a count of 10⁻⁴ units and true, when s is on the fast
// path; 0 and false otherwise.
func (s Sum) Units() (int64, bool) {
	if s.big != nil {
		return 0, false
	}
	return s.small, true
}

// Add adds d.
func (s *Sum) Add(d decimal.Decimal) { s.add(d, false) }

// Sub subtracts d.
func (s *Sum) Sub(d decimal.Decimal) { s.add(d, true) }

func (s *Sum) add(d decimal.Decimal, neg bool) {
	v, ok := Units(d) // the usual money amounts, without counting digits
	if !ok {
		v, ok = fixed.Int64(d, sumPlaces)
	}
	if ok {
		var sum int64
		if neg {
			sum, ok = checked.Sub(s.small, v)
		} else {
			sum, ok = checked.Add(s.small, v)
		}
		if ok {
			s.small = sum
			return
		}
	}
	if neg {
		d = d.Neg()
	}
	s.big = ptr(s.bigValue().Add(d))
}

// AddMul adds d × n, without allocating on the fast path.
func (s *Sum) AddMul(d decimal.Decimal, n int64) {
	if v, ok := fixed.Int64(d, sumPlaces); ok {
		if v, ok = checked.Mul(v, n); ok {
			if sum, ok := checked.Add(s.small, v); ok {
				s.small = sum
				return
			}
		}
	}
	s.add(d.Mul(decimal.NewFromInt(n)), false)
}

func ptr(d decimal.Decimal) *decimal.Decimal { return &d }

func (s Sum) bigValue() decimal.Decimal {
	if s.big == nil {
		return decimal.Zero
	}
	return *s.big
}

func (s Sum) Plus(o Sum) Sum {
	r := s
	if sum, ok := checked.Add(s.small, o.small); ok {
		r.small = sum
	} else {
		r.big = ptr(r.bigValue().Add(decimal.New(o.small, -sumPlaces)))
	}
	if o.big != nil {
		r.big = ptr(r.bigValue().Add(*o.big))
	}
	return r
}

// AddSum adds o to s in place: Plus without the copies, for loops.
func (s *Sum) AddSum(o Sum) {
	if sum, ok := checked.Add(s.small, o.small); ok && o.big == nil {
		s.small = sum
		return
	}
	*s = s.Plus(o)
}

// SubSum subtracts o from s in place: Minus without the copies.
func (s *Sum) SubSum(o Sum) {
	if diff, ok := checked.Sub(s.small, o.small); ok && o.big == nil {
		s.small = diff
		return
	}
	*s = s.Minus(o)
}

// Minus is s − o.
func (s Sum) Minus(o Sum) Sum {
	r := s
	if diff, ok := checked.Sub(s.small, o.small); ok {
		r.small = diff
	} else {
		r.big = ptr(r.bigValue().Sub(decimal.New(o.small, -sumPlaces)))
	}
	if o.big != nil {
		r.big = ptr(r.bigValue().Sub(*o.big))
	}
	return r
}

// Cmp compares s and o: -1, 0 or +1.
func (s Sum) Cmp(o Sum) int {
	if s.big == nil && o.big == nil {
		switch {
		case s.small < o.small:
			return -1
		case s.small > o.small:
			return 1
		}
		return 0
	}
	return s.Value().Cmp(o.Value())
}

// Value is the exact sum.
func (s Sum) Value() decimal.Decimal {
	if s.big == nil {
		if s.small == 0 {
			return decimal.Zero
		}
		return decimal.New(s.small, -sumPlaces)
	}
	return decimal.New(s.small, -sumPlaces).Add(*s.big)
}

// MinusFloat is s − o as a float64 estimate.
func (s Sum) MinusFloat(o Sum) float64 {
	if s.big == nil && o.big == nil {
		if diff, ok := checked.Sub(s.small, o.small); ok {
			return float64(diff) / 1e4
		}
	}
	return s.Value().Sub(o.Value()).InexactFloat64()
}

// SmallExp is the exponent of the units Small counts: 10⁻⁴.
const SmallExp = -sumPlaces

// Small is the sum as a count of 10⁻⁴ units and true while it is kept as
// one (then it is written without making a decimal), else 0 and false.
func (s Sum) Small() (int64, bool) {
	if s.big != nil {
		return 0, false
	}
	return s.small, true
}

// FromSmall is the sum of n units of 10⁻⁴: Small's inverse.
func FromSmall(n int64) Sum { return Sum{small: n} }

// valueSlots is the size of a Values cache: on the 23,570 CDNOW
// customers' calibration revenue (8,162 distinct amounts) it builds
// 10,528 decimals instead of 23,570.
const valueSlots = 1 << 12

// Values turns sums into decimals ([Sum.Value]), giving equal sums on the
// fast path one shared decimal.Decimal — a Decimal is immutable, so
// sharing its coefficient is safe, as sharing decimal.Zero is — from a
// direct-mapped cache of recent amounts, as many customers spend the
// same. The decimals it builds take their coefficients (a big.Int and its
// one word) from arrays of up to arenaMax at a time instead of
// allocating two objects each (see Values.build); a decimal it returned
// keeps its array alive. The zero value is ready; a Values is not safe
// for concurrent use.
type Values struct {
	slots *[valueSlots]valueSlot
	ints  []big.Int  // coefficients not handed out yet
	words []big.Word // their words, one each
	built int
}

type valueSlot struct {
	units int64 // 0 marks an empty slot (a zero sum is decimal.Zero)
	d     decimal.Decimal
}

// Of is s.Value(), shared with earlier equal sums where the cache still
// holds one.
func (c *Values) Of(s Sum) decimal.Decimal {
	if s.big != nil {
		return s.Value()
	}
	return c.OfUnits(s.small)
}

// OfUnits is c.Of(FromUnits(v)): the decimal of v units of 10⁻⁴.
func (c *Values) OfUnits(v int64) decimal.Decimal {
	if v == 0 {
		return decimal.Zero
	}
	if c.slots == nil {
		c.slots = new([valueSlots]valueSlot)
	}
	sl := &c.slots[uint64(v)*0x9E3779B97F4A7C15>>(64-12)] // Fibonacci hashing: the top 12 bits
	if sl.units != v {
		*sl = valueSlot{v, c.build(v)}
	}
	return sl.d
}

// arenaMin and arenaMax bound the arrays Values.build takes coefficients
// from: the first holds arenaMin, each next one twice as many as were
// built before, up to arenaMax (40 KB), so that what is left unused is
// less than half of what was built, or than one arenaMax array.
const (
	arenaMin = 64
	arenaMax = 1024
)

// build is decimal.New(units, -4) — the same coefficient (a big.Int of
// one word, as big.NewInt makes it) and exponent, so reflect.DeepEqual
// cannot tell them apart — with the coefficient taken from c's arrays.
// shopspring/decimal has no constructor that keeps a *big.Int it is
// given (NewFromBigInt copies it), so build writes the Decimal's two
// fields through decimalLayout, which the package checks at start-up
// against decimal.Decimal's fields (names, types, offsets); where they
// differ (another version of the module, or a 32-bit word) it calls
// decimal.New.
func (c *Values) build(units int64) decimal.Decimal {
	if !layoutOK {
		return decimal.New(units, -sumPlaces)
	}
	if len(c.ints) == 0 {
		n := min(max(c.built, arenaMin), arenaMax)
		c.ints, c.words = make([]big.Int, n), make([]big.Word, n)
	}
	z, w := &c.ints[0], c.words[:1:1]
	c.ints, c.words = c.ints[1:], c.words[1:]
	c.built++
	u := uint64(units) // big.NewInt's magnitude, right for math.MinInt64 too
	if units < 0 {
		u = -u
	}
	w[0] = big.Word(u)
	z.SetBits(w)
	if units < 0 {
		z.Neg(z)
	}
	return *(*decimal.Decimal)(unsafe.Pointer(&decimalLayout{value: z, exp: -sumPlaces}))
}

// decimalLayout is decimal.Decimal's fields, as layoutOK finds them.
type decimalLayout struct {
	value *big.Int
	exp   int32
}

// layoutOK reports whether decimal.Decimal has decimalLayout's fields
// (names, types and offsets) and a big.Word holds a uint64: then
// Values.build may write a Decimal as a decimalLayout.
var layoutOK = sameFields(reflect.TypeFor[decimal.Decimal](), reflect.TypeFor[decimalLayout]()) && bits.UintSize == 64

// sameFields reports whether structs a and b have the same size and the
// same fields at the same offsets.
func sameFields(a, b reflect.Type) bool {
	if a.Size() != b.Size() || a.NumField() != b.NumField() {
		return false
	}
	for i := range a.NumField() {
		if f, g := a.Field(i), b.Field(i); f.Name != g.Name || f.Type != g.Type || f.Offset != g.Offset {
			return false
		}
	}
	return true
}
