package metrics

import "math"

// digamma is ψ(x) for x > 0: the recurrence ψ(x) = ψ(x+1) − 1/x up to
// x ≥ 6, then the asymptotic series (error below 1e-13).
func digamma(x float64) float64 {
	r := 0.0
	for x < 6 {
		r -= 1 / x
		x++
	}
	f := 1 / (x * x)
	return r + math.Log(x) - 0.5/x - f*(1.0/12-f*(1.0/120-f*(1.0/252-f*(1.0/240-f*(1.0/132)))))
}

// lgamma is ln Γ(x) for x > 0.
func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// hyp2f1 is the Gauss hypergeometric function ₂F₁(a, b; c; z) for
// 0 ≤ z < 1 by its power series, which converges there; it stops when a
// term no longer changes the sum (or after 100 000 terms).
func hyp2f1(a, b, c, z float64) float64 {
	sum, term := 1.0, 1.0
	for n := 0.0; n < 100000; n++ {
		term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
		sum += term
		if math.Abs(term) <= 1e-15*math.Abs(sum) {
			break
		}
	}
	return sum
}
