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
// 0 ≤ z < 1. Up to z = 0.75 it sums the power series; above, where the
// series converges slowly, it uses the connection formula in 1 − z (DLMF
// 15.8.4), whose two series converge fast there; when c − a − b is
// (nearly) an integer, where that formula's terms have poles that cancel,
// it averages c ± 2e-7 (exact to about 1e-8). NaN if a series does not
// converge.
func hyp2f1(a, b, c, z float64) float64 {
	if z <= 0.75 {
		return hyp2f1Series(a, b, c, z, 100000)
	}
	d := c - a - b
	if math.Abs(d-math.Round(d)) < 1e-7 {
		const eps = 2e-7
		return (hyp2f1(a, b, c-eps, z) + hyp2f1(a, b, c+eps, z)) / 2
	}
	w := 1 - z
	lgA, sA := lgammaSign(c)
	lgD, sD := lgammaSign(d)
	lgCA, sCA := lgammaSign(c - a)
	lgCB, sCB := lgammaSign(c - b)
	lgND, sND := lgammaSign(-d)
	lgAa, sAa := lgammaSign(a)
	lgBb, sBb := lgammaSign(b)
	t1 := float64(sA*sD*sCA*sCB) * math.Exp(lgA+lgD-lgCA-lgCB) * hyp2f1Series(a, b, 1-d, w, 100000)
	t2 := float64(sA*sND*sAa*sBb) * math.Exp(lgA+lgND-lgAa-lgBb+d*math.Log(w)) * hyp2f1Series(c-a, c-b, d+1, w, 100000)
	return t1 + t2
}

// hyp2f1Series sums the power series of ₂F₁ until a term no longer
// changes the sum, or returns NaN after maxTerms terms.
func hyp2f1Series(a, b, c, z float64, maxTerms int) float64 {
	sum, term := 1.0, 1.0
	for n := 0.0; n < float64(maxTerms); n++ {
		term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
		sum += term
		if math.Abs(term) <= 1e-16*math.Abs(sum) {
			return sum
		}
	}
	return math.NaN()
}

// lgammaSign is ln|Γ(x)| and the sign of Γ(x).
func lgammaSign(x float64) (float64, int) {
	return math.Lgamma(x)
}

// maxHypTerms bounds the series inside the Pareto/NBD fit: close to z = 1
// the series needs very many terms; after maxHypTerms it gives up with
// NaN, which the fit treats as "not here" (its estimates lie where z is
// small).
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
