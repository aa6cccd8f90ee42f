package checked

import (
	"math"
	"math/big"
	"testing"

	"pgregory.net/rapid"
)

// Every pair of int8s: each operation agrees with the same arithmetic in
// int, and reports overflow exactly when the int result leaves int8.
func TestExhaustiveInt8(t *testing.T) {
	ops := []struct {
		name  string
		op    func(a, b int8) (int8, bool)
		exact func(a, b int) int
	}{
		{"Add", Add[int8], func(a, b int) int { return a + b }},
		{"Sub", Sub[int8], func(a, b int) int { return a - b }},
		{"Mul", Mul[int8], func(a, b int) int { return a * b }},
	}
	for _, tc := range ops {
		t.Run(tc.name, func(t *testing.T) {
			for a := math.MinInt8; a <= math.MaxInt8; a++ {
				for b := math.MinInt8; b <= math.MaxInt8; b++ {
					want := tc.exact(a, b)
					fits := want >= math.MinInt8 && want <= math.MaxInt8
					got, ok := tc.op(int8(a), int8(b))
					if ok != fits || (ok && int(got) != want) || (!ok && got != 0) {
						t.Fatalf("%s(%d, %d) = %d, %v; exact %d", tc.name, a, b, got, ok, want)
					}
				}
			}
		})
	}
}

// On int64, near the limits and anywhere: each operation agrees with
// math/big, and reports overflow exactly when the exact result leaves int64.
func TestInt64(t *testing.T) {
	edge := rapid.OneOf(rapid.Int64(), rapid.SampledFrom([]int64{math.MinInt64, math.MinInt64 + 1, -1, 0, 1,
		math.MaxInt64 - 1, math.MaxInt64, 1 << 32, -1 << 32, 3037000499, 3037000500, -3037000500}))
	ops := []struct {
		name  string
		op    func(a, b int64) (int64, bool)
		exact func(z, a, b *big.Int) *big.Int
	}{
		{"Add", Add[int64], (*big.Int).Add},
		{"Sub", Sub[int64], (*big.Int).Sub},
		{"Mul", Mul[int64], (*big.Int).Mul},
	}
	for _, tc := range ops {
		t.Run(tc.name, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				a, b := edge.Draw(t, "a"), edge.Draw(t, "b")
				want := tc.exact(new(big.Int), big.NewInt(a), big.NewInt(b))
				got, ok := tc.op(a, b)
				if ok != want.IsInt64() || (ok && got != want.Int64()) || (!ok && got != 0) {
					t.Fatalf("%s(%d, %d) = %d, %v; exact %s", tc.name, a, b, got, ok, want)
				}
			})
		})
	}
}
