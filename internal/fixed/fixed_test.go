package fixed

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Int64 agrees with exact decimal arithmetic: d × 10^places when that is
// a whole number that fits an int64, else false; for short and long
// coefficients, whole numbers and fractions, either sign.
func TestInt64IsExact(t *testing.T) {
	coef := rapid.OneOf(rapid.Int64Range(-1000, 1000), rapid.Int64(), rapid.SampledFrom([]int64{0, math.MinInt64, math.MaxInt64}))
	rapid.Check(t, func(t *rapid.T) {
		d := decimal.New(coef.Draw(t, "coef"), int32(rapid.IntRange(-25, 25).Draw(t, "exp")))
		if rapid.Bool().Draw(t, "long") { // a coefficient past int64, with or without trailing zeros
			d = d.Mul(decimal.New(1, int32(rapid.IntRange(-20, 20).Draw(t, "extra")))).Mul(decimal.RequireFromString("10000000000000000000"))
		}
		places := int32(rapid.IntRange(-5, 30).Draw(t, "places"))
		got, ok := Int64(d, places)
		scaled := d.Shift(places)
		fits := scaled.IsInteger() && scaled.BigInt().IsInt64()
		if ok != fits || (ok && got != scaled.IntPart()) || (!ok && got != 0) {
			t.Fatalf("Int64(%s, %d) = %d, %v; exact %s", d, places, got, ok, scaled)
		}
		if p := Places(d); !d.Shift(p).IsInteger() || p < 0 {
			t.Fatalf("Places(%s) = %d", d, p)
		}
	})
}

func TestInt64Cases(t *testing.T) {
	tests := []struct {
		name   string
		d      string
		places int32
		want   int64
		ok     bool
	}{
		{"cents", "12.34", 2, 1234, true},
		{"trailing zeros dropped", "1.50000", 1, 15, true},
		{"too many places", "0.005", 2, 0, false},
		{"whole number at scale 4", "-7", 4, -70000, true},
		{"largest", "9223372036854775807", 0, math.MaxInt64, true},
		{"smallest", "-9223372036854775808", 0, math.MinInt64, true},
		{"one past the largest", "922337203685477580.8", 1, 0, false},
		{"a long coefficient that fits", "1.000000000000000000000", 4, 10000, true},
		{"exponent past 10^18", "1e19", 0, 0, false},
		{"17 digits times 10 (no overflow possible)", "-12345678901234567", 1, -123456789012345670, true},
		{"18 digits times 10 that fit", "92233720368547758.0", 2, 9223372036854775800, true},
		{"18 digits times 10 that do not fit", "99999999999999999.9", 2, 0, false},
		{"18 digits times 10, negative, that do not fit", "-99999999999999999.9", 2, 0, false},
		{"zero at any scale", "0e-40", 60, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Int64(decimal.RequireFromString(tc.d), tc.places)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Int64(%s, %d) = %d, %v; want %d, %v", tc.d, tc.places, got, ok, tc.want, tc.ok)
			}
		})
	}
}
