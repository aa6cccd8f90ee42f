// Package checked is integer arithmetic that reports overflow instead of
// wrapping around: the one home of loyalkit's overflow checks.
package checked

// Signed is the signed integer types.
type Signed interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64
}

// Add is a + b and true, or 0 and false when the sum does not fit T.
func Add[T Signed](a, b T) (T, bool) {
	if s := a + b; (b >= 0) == (s >= a) {
		return s, true
	}
	return 0, false
}

// Sub is a − b and true, or 0 and false when the difference does not fit T.
func Sub[T Signed](a, b T) (T, bool) {
	if d := a - b; (b >= 0) == (d <= a) {
		return d, true
	}
	return 0, false
}

// Mul is a × b and true, or 0 and false when the product does not fit T.
func Mul[T Signed](a, b T) (T, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	// A wrapped product fails p/b == a, except the most negative value
	// times −1, which wraps to itself (and so does its quotient by −1):
	// two negatives never make a negative product.
	if p := a * b; p/b == a && !(a < 0 && b < 0 && p < 0) {
		return p, true
	}
	return 0, false
}
