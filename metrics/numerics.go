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
// term no longer changes the sum. Close to z = 1 the series needs very many
// terms: after maxHypTerms it gives up and returns NaN, which the fits
// treat as "not here" (the models' estimates lie where z is small).
func hyp2f1(a, b, c, z float64) float64 {
	sum, term := 1.0, 1.0
	for n := 0.0; n < maxHypTerms; n++ {
		term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
		sum += term
		if math.Abs(term) <= 1e-16*math.Abs(sum) {
			return sum
		}
	}
	return math.NaN()
}

const maxHypTerms = 3000

// hyp2f1Grad is ₂F₁(a, b; a+1; z) — the form the Pareto/NBD likelihood
// needs, with c = a + 1 — and its partial derivatives in a, b, c and z,
// summed term by term alongside the series: the n-th term t_n changes by
// t_n·Σ_{k<n} 1/(a+k) in a, t_n·Σ 1/(b+k) in b, −t_n·Σ 1/(c+k) in c and
// t_n·n/z in z. With c = a + 1, 1/(c+k) is the next 1/(a+k).
func hyp2f1Grad(a, b, z float64) (f, da, db, dc, dz float64) {
	f, term := 1.0, 1.0
	var ha, hb, hc float64
	invA := 1 / a
	for n := 0.0; n < maxHypTerms; n++ {
		invNext := 1 / (a + n + 1) // = 1/(c+n)
		ha += invA
		hb += 1 / (b + n)
		hc += invNext
		term *= (a + n) * (b + n) * invNext / (n + 1) * z
		invA = invNext
		f += term
		da += term * ha
		db += term * hb
		dc -= term * hc
		if z != 0 {
			dz += term * (n + 1) / z
		}
		if math.Abs(term) <= 1e-16*math.Abs(f) && math.Abs(term*(ha+hb+hc+(n+1))) <= 1e-16*(math.Abs(da)+math.Abs(db)+math.Abs(dc)+math.Abs(dz)+math.Abs(f)) {
			return f, da, db, dc, dz
		}
	}
	nan := math.NaN()
	return nan, nan, nan, nan, nan
}
