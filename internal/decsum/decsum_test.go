package decsum

import (
	"math"
	"math/big"
	"math/bits"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// A Sum equals the plain decimal sum, for amounts on and off the fast
// path and across int64 overflow, and Plus and AddSum merge two sums
// exactly.
func TestSumIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var a, b Sum
		want := decimal.Zero
		for i := range rapid.IntRange(0, 50).Draw(t, "n") {
			d := decimal.New(rapid.Int64().Draw(t, "coef"), int32(rapid.IntRange(-8, 3).Draw(t, "exp")))
			want = want.Add(d)
			if i%2 == 0 {
				a.Add(d)
			} else {
				b.Add(d)
			}
		}
		if got := a.Plus(b).Value(); !got.Equal(want) {
			t.Fatalf("sum %s, want %s", got, want)
		}
		a.AddSum(b)
		if got := a.Value(); !got.Equal(want) {
			t.Fatalf("AddSum: %s, want %s", got, want)
		}
		a.SubSum(b)
		a.SubSum(b)
		if got, want := a.Value(), want.Sub(b.Value()).Sub(b.Value()); !got.Equal(want) {
			t.Fatalf("SubSum: %s, want %s", got, want)
		}
	})
}

// Sub and Minus are exact too: a running sum with subtractions, less a
// second sum, equals the plain decimal arithmetic.
func TestSubAndMinusAreExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var a, b Sum
		wantA, wantB := decimal.Zero, decimal.Zero
		for range rapid.IntRange(0, 50).Draw(t, "n") {
			d := decimal.New(rapid.Int64().Draw(t, "coef"), int32(rapid.IntRange(-8, 3).Draw(t, "exp")))
			switch rapid.IntRange(0, 2).Draw(t, "op") {
			case 0:
				a.Add(d)
				wantA = wantA.Add(d)
			case 1:
				a.Sub(d)
				wantA = wantA.Sub(d)
			default:
				b.Sub(d)
				wantB = wantB.Sub(d)
			}
		}
		if got, want := a.Minus(b).Value(), wantA.Sub(wantB); !got.Equal(want) {
			t.Fatalf("difference %s, want %s", got, want)
		}
		if got, want := a.Cmp(b), wantA.Cmp(wantB); got != want {
			t.Fatalf("Cmp(%s, %s) = %d, want %d", wantA, wantB, got, want)
		}
	})
}

// AddMul adds exactly what adding d×n as a decimal adds.
func TestAddMul(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var fast, slow Sum
		for range rapid.IntRange(0, 6).Draw(t, "terms") {
			d := decimal.New(rapid.Int64().Draw(t, "coef"), int32(rapid.IntRange(-8, 3).Draw(t, "exp")))
			n := rapid.Int64Range(0, 1<<21).Draw(t, "n")
			fast.AddMul(d, n)
			slow.Add(d.Mul(decimal.NewFromInt(n)))
		}
		if !fast.Value().Equal(slow.Value()) {
			t.Fatalf("AddMul: %s, Add of the products: %s", fast.Value(), slow.Value())
		}
	})
}

// MinusFloat is s − o to float64 precision, also when the difference of
// the two fast-path counts does not fit an int64 (it used to wrap around).
func TestMinusFloat(t *testing.T) {
	near := func(got float64, a, b Sum) bool {
		want := a.Value().Sub(b.Value()).InexactFloat64()
		return math.Abs(got-want) <= 1e-12*math.Abs(want)
	}
	var a, b Sum
	for range 9 { // about ±9·10^18 units each: both on the fast path
		a.Add(decimal.RequireFromString("99999999999999"))
		b.Sub(decimal.RequireFromString("99999999999999"))
	}
	if got := a.MinusFloat(b); !near(got, a, b) {
		t.Errorf("MinusFloat = %g, want %s", got, a.Value().Sub(b.Value()))
	}
	rapid.Check(t, func(t *rapid.T) {
		var a, b Sum
		for range rapid.IntRange(0, 10).Draw(t, "n") {
			d := decimal.New(rapid.Int64().Draw(t, "coef"), int32(rapid.IntRange(-6, 0).Draw(t, "exp")))
			if rapid.Bool().Draw(t, "toA") {
				a.Add(d)
			} else {
				b.Add(d)
			}
		}
		if got := a.MinusFloat(b); !near(got, a, b) {
			t.Fatalf("MinusFloat = %g, want %s", got, a.Value().Sub(b.Value()))
		}
	})
}

// Values.Of equals Value for sums on and off the fast path, repeated
// amounts included (the cache hands out a shared decimal for those), and
// Of(d) added with Plus equals Add(d).
func TestValuesAndOf(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var c Values
		pool := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) decimal.Decimal {
			return decimal.New(rapid.Int64().Draw(t, "coef"), int32(rapid.IntRange(-8, 3).Draw(t, "exp")))
		}), 1, 5).Draw(t, "amounts")
		for range rapid.IntRange(1, 40).Draw(t, "sums") {
			var s, p Sum
			want := decimal.Zero
			for range rapid.IntRange(0, 3).Draw(t, "terms") {
				d := rapid.SampledFrom(pool).Draw(t, "amount")
				s.Add(d)
				p = p.Plus(Of(d))
				want = want.Add(d)
			}
			if got := c.Of(s); !got.Equal(want) || !got.Equal(s.Value()) {
				t.Fatalf("Values.Of = %s, Value %s, want %s", got, s.Value(), want)
			}
			if !p.Value().Equal(want) {
				t.Fatalf("Plus of Of = %s, want %s", p.Value(), want)
			}
		}
	})
}

// Two amounts in one cache slot: each Of returns its own sum's value, not
// the other one's left in the slot.
func TestValuesSlotCollision(t *testing.T) {
	slot := func(v int64) uint64 { return uint64(v) * 0x9E3779B97F4A7C15 >> (64 - 12) }
	v1, v2 := int64(117700), int64(117701) // 11.77 and 11.7701
	for slot(v2) != slot(v1) {
		v2++
	}
	var c Values
	for _, v := range []int64{v1, v2, v1, v1, v2} {
		var s Sum
		s.Add(decimal.New(v, -sumPlaces))
		if got := c.Of(s); !got.Equal(decimal.New(v, -sumPlaces)) {
			t.Errorf("Of(%d units) = %s", v, got)
		}
	}
}

// Of is exact on both sides of its short path's bounds: up to four
// places and 14 digits, and just past them, and Units takes that path
// exactly where counting digits does, reading the coefficient from
// decimal.Decimal's fields or, where they are not decimalLayout's, by its
// digits.
func TestOfBounds(t *testing.T) {
	ds := []decimal.Decimal{decimal.Zero, {}} // decimal.Decimal{} has no coefficient
	for _, s := range []string{
		"0", "11.77", "-0.0001", "99999999999999", "-9999999999.9999", // short path
		"999999999999999", "-99999999999999.9999", "922337203685477.5807", // 15 digits and more
		"1844674407370955.1621", "-1844674407370955.1621", // coefficients of 2⁶⁴ + 5: one word past an int64
		"0.00001", "1e5", "123456789012345678901234567890", // more places, a positive exponent, a long coefficient
	} {
		ds = append(ds, decimal.RequireFromString(s))
	}
	check := func(t *testing.T) {
		for _, d := range ds {
			if got := Of(d).Value(); !got.Equal(d) {
				t.Errorf("Of(%s) = %s", d, got)
			}
			v, ok := Units(d)
			if wantV, wantOK := unitsByDigits(d); v != wantV || ok != wantOK {
				t.Errorf("Units(%s) = %d, %t; by its digits %d, %t", d, v, ok, wantV, wantOK)
			}
		}
	}
	t.Run("fields", check)
	t.Run("NumDigits", func(t *testing.T) { // where decimal.Decimal's fields are not decimalLayout's
		defer func(ok bool) { layoutOK = ok }(layoutOK)
		layoutOK = false
		check(t)
	})
}

// The decimals Values builds are decimal.New's, field for field (what
// reflect.DeepEqual sees), over several arrays of coefficients: negative
// sums and math.MinInt64 included, each still its own value after later
// ones are built (no two share a coefficient by mistake), on the arrays
// and on decimal.New's path, which runs where decimal.Decimal's fields are
// not the ones Values.build writes.
func TestValuesBuildsNewsDecimals(t *testing.T) {
	units := []int64{1, -1, 117700, -117700, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	for i := range int64(3 * arenaMax) {
		units = append(units, 1e6+i*7919)
	}
	check := func(t *testing.T) {
		var c Values
		got := make([]decimal.Decimal, len(units))
		for i, v := range units {
			got[i] = c.Of(FromUnits(v))
		}
		for i, v := range units {
			if want := decimal.New(v, -sumPlaces); !reflect.DeepEqual(got[i], want) {
				t.Fatalf("Values.Of(%d units) = %#v (%s), want %#v (%s)", v, got[i], got[i], want, want)
			}
		}
	}
	t.Run("arrays", check)
	t.Run("decimal.New", func(t *testing.T) {
		defer func(ok bool) { layoutOK = ok }(layoutOK)
		layoutOK = false
		check(t)
	})
}

// decimal.Decimal has the fields Values.build writes on every 64-bit
// platform, with the shopspring/decimal version go.mod names: a version
// that changes them fails here (Values would still be right, by
// decimal.New, only slower). sameFields tells a different layout.
func TestDecimalLayout(t *testing.T) {
	if bits.UintSize == 64 && !layoutOK {
		t.Errorf("decimal.Decimal's fields are not %v: Values builds every decimal with decimal.New", reflect.TypeFor[decimalLayout]())
	}
	type swapped struct {
		exp   int32
		value *big.Int
	}
	if sameFields(reflect.TypeFor[decimal.Decimal](), reflect.TypeFor[swapped]()) {
		t.Error("sameFields: a struct with the fields in another order has decimal.Decimal's fields")
	}
}
