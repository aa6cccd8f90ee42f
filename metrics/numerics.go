package metrics

import (
	"errors"
	"fmt"
	"math"
)

// ErrNumerical is the sentinel of errors for a value that cannot be
// computed to working precision (an integral or a series that does not
// converge, a result beyond float64's range). Such a value is reported as
// an error, never returned as NaN or as a number that may be wrong.
var ErrNumerical = errors.New("metrics: value cannot be computed")

func numErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNumerical}, args...)...)
}

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

// The Gauss hypergeometric function ₂F₁(a, b; c; z) is needed for
// 0 ≤ z < 1 with a, b, c > 0 (BG/NBD's expectations, Pareto/NBD's
// likelihood). Every term of its power series is then positive, so the
// series never cancels; but near z = 1 it converges too slowly (and its
// terms can overflow when a and b are large). There ₂F₁ is computed from
// Euler's integral
//
//	₂F₁(a, b; c; z) = Γ(c)/(Γ(b)Γ(c−b)) ∫₀¹ t^(b−1) (1−t)^(c−b−1) (1−zt)^(−a) dt   (c > b > 0)
//
// (with a and b swapped if only c > a), by tanh-sinh quadrature in
// logarithms, so that values far beyond float64's range still have a
// logarithm. When c is below both a and b, Gauss' contiguous relation
// moves it up by k (all coefficients positive):
//
//	₂F₁(a, b; c; z) = Σ_{j=0}^{k} C(k, j) (a)_j (b)_j z^j / ((c)_j (c+k)_j) · ₂F₁(a+j, b+j; c+k+j; z).
//
// The connection formula in 1 − z (DLMF 15.8.4) is not used: its two terms
// cancel catastrophically when c − a − b is large.

// seriesMaxZ is the largest z at which ₂F₁ is first tried as a power
// series: up to there a few hundred terms reach full precision unless a
// or b is large.
const seriesMaxZ = 0.75

// maxSeriesTerms bounds the power series of lnHyp2f1; past it the
// integral is used.
const maxSeriesTerms = 20000

// maxShift bounds k in the contiguous relation above.
const maxShift = 2048

// hyp2f1 is ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1, or an error
// when it cannot be computed (outside that domain, or beyond float64's
// range).
func hyp2f1(a, b, c, z float64) (float64, error) {
	l, err := lnHyp2f1(a, b, c, z)
	if err != nil {
		return 0, err
	}
	if l > 709.78 {
		return 0, numErr("2F1(%v, %v; %v; %v) = e^%.6g overflows float64", a, b, c, z, l)
	}
	return math.Exp(l), nil
}

// lnHyp2f1 is ln ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1 (where
// ₂F₁ ≥ 1), accurate to about 1e-13 relative in ₂F₁ (1e-14·|ln ₂F₁|
// when that is larger), or an error.
func lnHyp2f1(a, b, c, z float64) (float64, error) {
	if !(a > 0 && b > 0 && c > 0 && z >= 0 && z < 1) || math.IsInf(a, 0) || math.IsInf(b, 0) || math.IsInf(c, 0) {
		return 0, numErr("2F1(%v, %v; %v; %v) is outside a, b, c > 0, 0 ≤ z < 1", a, b, c, z)
	}
	if z == 0 {
		return 0, nil
	}
	if z <= seriesMaxZ {
		if l, ok := lnHypSeries(a, b, c, z); ok {
			return l, nil
		}
	}
	if c > b || c > a {
		return lnHypEuler(a, b, c, z)
	}
	k := math.Floor(min(a, b)-c) + 1
	if k > maxShift {
		return 0, numErr("2F1(%v, %v; %v; %v): c is too far below a and b", a, b, c, z)
	}
	// Σ_j coef_j · ₂F₁(a+j, b+j; c+k+j; z), in logarithms.
	terms := make([]float64, 0, int(k)+1)
	lnCoef := 0.0
	for j := 0.0; j <= k; j++ {
		if j > 0 {
			lnCoef += math.Log((k-j+1)/j) + math.Log(a+j-1) + math.Log(b+j-1) + math.Log(z) - math.Log(c+j-1) - math.Log(c+k+j-1)
		}
		l, err := lnHyp2f1(a+j, b+j, c+k+j, z) // c+k+j > min(a, b)+j: no further shift
		if err != nil {
			return 0, err
		}
		terms = append(terms, lnCoef+l)
	}
	return logSumExp(terms), nil
}

// lnHypSeries sums the power series of ln ₂F₁ (a, b, c > 0, so every
// term is positive), rescaling as it goes so that it cannot overflow; ok
// is false when it needs more than maxSeriesTerms terms.
func lnHypSeries(a, b, c, z float64) (float64, bool) {
	const rescale = 1e200
	sum, term, lnScale := 1.0, 1.0, 0.0
	for n := 0.0; n < maxSeriesTerms; n++ {
		ratio := (a + n) * (b + n) / ((c + n) * (n + 1)) * z
		term *= ratio
		sum += term
		if sum > rescale {
			sum /= rescale
			term /= rescale
			lnScale += math.Log(rescale)
		}
		if term <= 1e-17*sum && ratio < 0.9 {
			return lnScale + math.Log(sum), true
		}
	}
	return 0, false
}

// lnHypEuler is ln ₂F₁(a, b; c; z) from Euler's integral; it needs c > b
// or c > a (a, b > 0). When both hold, the larger of a and b takes the
// place of b in the integral, so that the exponent of (1−zt) is the
// smaller: a large exponent there against a large one of (1−t) would
// cancel in floating point.
func lnHypEuler(a, b, c, z float64) (float64, error) {
	if !(c > b) || (c > a && a > b) {
		a, b = b, a
	}
	l, err := eulerIntegral(b, c-b, a, z, 1-z, nil)
	if err != nil {
		return 0, fmt.Errorf("2F1(%v, %v; %v; %v): %w", a, b, c, z, err)
	}
	return l + lnGammaDiff(b, c-b) - lgamma(c-b), nil
}

// lnGammaDiff is ln Γ(x+d) − ln Γ(x) for x, x+d > 0. For x ≥ 10 it takes
// the difference inside Stirling's series, (x−½)·ln1p(d/x) + d·ln(x+d) − d
// + the difference of the corrections, so that two large nearly equal
// logarithms (Γ(37446.6)/Γ(37445.6), say) do not cancel.
func lnGammaDiff(x, d float64) float64 {
	if x < 10 || x+d < 10 {
		return lgamma(x+d) - lgamma(x)
	}
	corr := func(x float64) float64 { // ln Γ(x) − [(x−½)ln x − x + ½ln 2π]
		f := 1 / (x * x)
		return (1.0/12 - f*(1.0/360-f*(1.0/1260-f*(1.0/1680-f*(1.0/1188-f*691.0/360360))))) / x
	}
	return (x-0.5)*math.Log1p(d/x) + d*math.Log(x+d) - d + (corr(x+d) - corr(x))
}

// eulerMoments are the means of ln t, ln(1−zt) and t/(1−zt) under the
// integrand of eulerIntegral, for derivatives of ₂F₁ in its parameters.
type eulerMoments struct {
	lnT, lnOneMinusZT, tOverOneMinusZT float64
}

// eulerIntegral is ln ∫₀¹ t^(p−1) (1−t)^(q−1) (1−zt)^(−a) dt for p, q > 0,
// a ≥ 0 and 0 ≤ z < 1, given z and zc = 1 − z (which the caller may know
// more precisely than 1 − z rounds to, as when z = (β−α)/(β+t)), and, if
// mom is not nil, the integrand's means of ln t, ln(1−zt) and t/(1−zt).
//
// The interval is cut at the integrand's interior extrema (roots of a
// quadratic), so that every piece is monotone with any peak at an end,
// where tanh-sinh quadrature puts its nodes densest. A power singularity
// at 0 (p < 1) or 1 (q < 1) is removed by substituting t = h·y^(1/p) (or
// 1−t = h·y^(1/q)) on the end piece; the integrand is then bounded.
func eulerIntegral(p, q, a, z, zc float64, mom *eulerMoments) (float64, error) {
	cuts := make([]float64, 0, 5)
	cuts = append(cuts, 0)
	// φ'(t)·t(1−t)(1−zt) = A t² + B t + C for φ the log of the integrand.
	qa, qb, qc := z*(p+q-2-a), a*z-(q-1)-(p-1)*(1+z), p-1
	for _, r := range quadRoots(qa, qb, qc) {
		if r > 1e-9 && r < 1-1e-9 {
			cuts = append(cuts, r)
		}
	}
	if p < 1 && q < 1 && len(cuts) == 1 {
		cuts = append(cuts, 0.5)
	}
	cuts = append(cuts, 1)
	var acc logAcc
	for i := 0; i+1 < len(cuts); i++ {
		lo, hi := cuts[i], cuts[i+1]
		if hi <= lo {
			continue
		}
		pc := eulerPiece{p: p, q: q, a: a, z: z, zc: zc, lo: lo, hi: hi,
			subLo: lo == 0 && p < 1, subHi: hi == 1 && q < 1 && !(lo == 0 && p < 1)}
		if err := tanhSinh(&pc, &acc); err != nil {
			return 0, err
		}
	}
	if !(acc.s > 0) || math.IsInf(acc.m, 0) || math.IsNaN(acc.m) {
		return 0, numErr("Euler integral (p=%v, q=%v, a=%v, z=%v) is not finite", p, q, a, z)
	}
	if mom != nil {
		mom.lnT = acc.g[0] / acc.s
		mom.lnOneMinusZT = acc.g[1] / acc.s
		mom.tOverOneMinusZT = acc.g[2] / acc.s
	}
	return acc.m + math.Log(acc.s), nil
}

// quadRoots returns the real roots of A x² + B x + C.
func quadRoots(A, B, C float64) []float64 {
	if A == 0 {
		if B == 0 {
			return nil
		}
		return []float64{-C / B}
	}
	disc := B*B - 4*A*C
	if disc < 0 {
		return nil
	}
	qq := -0.5 * (B + math.Copysign(math.Sqrt(disc), B))
	if qq == 0 {
		return []float64{0}
	}
	r1, r2 := qq/A, C/qq
	if r1 > r2 {
		r1, r2 = r2, r1
	}
	return []float64{r1, r2}
}

// eulerPiece is the Euler integrand on [lo, hi], as a function of
// y ∈ (0, 1) for tanh-sinh.
type eulerPiece struct {
	p, q, a, z   float64
	zc           float64 // 1 − z
	lo, hi       float64
	subLo, subHi bool // substitute away t^(p−1) at 0, or (1−t)^(q−1) at 1
}

// at returns the log of the integrand (times the substitution's
// Jacobian) at y, given y and 1−y (the smaller of which is exact), with t,
// ln t, ln(1−zt) and t/(1−zt) there.
func (e *eulerPiece) at(y, y1 float64) (phi, t, lnT, lnZT, tOverZT float64) {
	var omt, lnOmt float64 // 1 − t, ln(1 − t)
	switch {
	case e.subLo: // t = hi·y^(1/p): t^(p−1) dt = hi^p/p dy
		ly := lnY(y, y1) / e.p
		t = e.hi * math.Exp(ly)
		lnT = math.Log(e.hi) + ly
		omt = (1 - e.hi) - e.hi*math.Expm1(ly)
		if e.q != 1 {
			_, lnOmt = logPair(t, omt)
		}
		phi = e.p*math.Log(e.hi) - math.Log(e.p) + xLogY(e.q-1, lnOmt)
	case e.subHi: // 1−t = (1−lo)·y^(1/q): (1−t)^(q−1) dt = (1−lo)^q/q dy
		ly := lnY(y, y1) / e.q
		w := 1 - e.lo
		omt = w * math.Exp(ly)
		t = e.lo - w*math.Expm1(ly)
		lnT, _ = logPair(t, omt)
		phi = e.q*math.Log(w) - math.Log(e.q) + xLogY(e.p-1, lnT)
	default:
		w := e.hi - e.lo
		t = e.lo + w*y
		omt = (1 - e.hi) + w*y1
		lnT, lnOmt = logPair(t, omt)
		phi = math.Log(w) + xLogY(e.p-1, lnT) + xLogY(e.q-1, lnOmt)
	}
	// 1 − zt = (1 − z) + z(1 − t), exact to rounding near z = t = 1.
	zt := e.zc + e.z*omt
	lnZT = math.Log(zt)
	phi -= xLogY(e.a, lnZT)
	return phi, t, lnT, lnZT, t / zt
}

// lnY is ln y from whichever of y and 1−y is exact.
func lnY(y, y1 float64) float64 {
	if y1 < 0.5 {
		return math.Log1p(-y1)
	}
	return math.Log(y)
}

// logPair is ln t and ln(1−t) given t and 1−t, each taken from the one
// of the pair that is below 1/2 (and so exact to rounding).
func logPair(t, omt float64) (float64, float64) {
	if t < 0.5 {
		return math.Log(t), math.Log1p(-t)
	}
	return math.Log1p(-omt), math.Log(omt)
}

// xLogY is k·l with 0·(±∞) = 0: a factor x⁰ is 1 even where x is 0.
func xLogY(k, l float64) float64 {
	if k == 0 {
		return 0
	}
	return k * l
}

// logAcc accumulates Σ wᵢ e^(φᵢ) as e^m · s, and the moments Σ wᵢ e^(φᵢ) gᵢ
// as e^m · g, rescaling when a larger φ arrives.
type logAcc struct {
	m    float64
	s    float64
	g    [3]float64
	init bool
}

func (acc *logAcc) add(w, phi float64, g [3]float64) {
	if !acc.init {
		acc.m, acc.init = phi, true
	}
	if phi > acc.m {
		f := math.Exp(acc.m - phi)
		acc.s *= f
		for i := range acc.g {
			acc.g[i] *= f
		}
		acc.m = phi
	}
	e := w * math.Exp(phi-acc.m)
	acc.s += e
	for i := range acc.g {
		acc.g[i] += e * g[i]
	}
}

// merge adds o (another accumulation) into acc.
func (acc *logAcc) merge(o *logAcc) {
	if !o.init {
		return
	}
	if !acc.init {
		*acc = *o
		return
	}
	f := math.Exp(o.m - acc.m)
	if o.m > acc.m {
		g := math.Exp(acc.m - o.m)
		acc.s *= g
		for i := range acc.g {
			acc.g[i] *= g
		}
		acc.m, f = o.m, 1
	}
	acc.s += f * o.s
	for i := range acc.g {
		acc.g[i] += f * o.g[i]
	}
}

// The tanh-sinh rule on (0, 1): y = (1 + tanh(π/2·sinh τ))/2 with weight
// π/2·cosh τ / (2cosh²(π/2·sinh τ)) = π·cosh τ·y(1−y) per unit of τ, on a
// grid τ = kh, |τ| ≤ tsTauMax. Each level halves h and adds the odd
// multiples. Node pairs ±τ are stored once as the small distance to the
// nearer end.
const (
	tsTauMax   = 6.0 // at τ = 6 the nodes are 1e-275 from the ends
	tsMinLevel = 3   // h = 1/8: levels compared before the first accepted
	tsMaxLevel = 8   // h = 1/256, 3,073 nodes
	tsTol      = 1e-11
)

type tsNode struct{ small, large, w float64 } // y or 1−y (the smaller, exact), its complement, π·cosh τ·y(1−y)

// tsLevels[L] are the nodes tanh-sinh adds at level L (τ > 0 only; τ = 0
// is the centre, weight π/4). Computed once; never changed.
var tsLevels = func() [tsMaxLevel + 1][]tsNode {
	var lv [tsMaxLevel + 1][]tsNode
	for L := 0; L <= tsMaxLevel; L++ {
		h := math.Ldexp(1, -L)
		for k := 1; float64(k)*h <= tsTauMax; k++ {
			if L > 0 && k%2 == 0 {
				continue
			}
			tau := float64(k) * h
			e := math.Exp(math.Pi * math.Sinh(tau))
			small := 1 / (1 + e)
			large := e / (1 + e)
			lv[L] = append(lv[L], tsNode{small, large, math.Pi * math.Cosh(tau) * small * large})
		}
	}
	return lv
}()

// tanhSinh adds ∫₀¹ of the piece's integrand (in y) to acc, refining
// until two successive levels agree to tsTol (the rule's error then is
// about the square of that), or returns an error after tsMaxLevel.
func tanhSinh(pc *eulerPiece, acc *logAcc) error {
	var sum logAcc // Σ over nodes of weight·f; the estimate at level L is h·sum
	eval := func(y, y1, w float64) {
		phi, _, lnT, lnZT, tz := pc.at(y, y1)
		if math.IsInf(phi, -1) {
			return
		}
		sum.add(w, phi, [3]float64{lnT, lnZT, tz})
	}
	eval(0.5, 0.5, math.Pi/4)
	var prev logAcc
	for L := 0; L <= tsMaxLevel; L++ {
		for _, nd := range tsLevels[L] {
			// Level 0 reaches the ends (τ = ±6), so the largest value of a
			// piece that is monotone is known from then on; past it,
			// nodes whose weight is below 1e-20 of the sum add nothing.
			if L > 0 && nd.w < 1e-20*sum.s {
				break
			}
			eval(nd.small, nd.large, nd.w)
			eval(nd.large, nd.small, nd.w)
		}
		h := math.Ldexp(1, -L)
		cur := sum
		cur.s *= h
		for i := range cur.g {
			cur.g[i] *= h
		}
		if math.IsNaN(cur.s) || math.IsNaN(cur.m) || math.IsInf(cur.m, 1) {
			return numErr("quadrature of the Euler integral (p=%v, q=%v, a=%v, z=%v) is not finite", pc.p, pc.q, pc.a, pc.z)
		}
		if L >= tsMinLevel && converged(&prev, &cur) {
			acc.merge(&cur)
			return nil
		}
		prev = cur
	}
	return numErr("quadrature of the Euler integral (p=%v, q=%v, a=%v, z=%v) did not converge", pc.p, pc.q, pc.a, pc.z)
}

// converged reports whether two tanh-sinh estimates agree to tsTol in
// the integral and in each moment (relative to the integral times the
// moment's size, so that a moment near zero does not hold it back).
func converged(prev, cur *logAcc) bool {
	if !prev.init || !cur.init || !(cur.s > 0) {
		return false
	}
	ps := prev.s * math.Exp(prev.m-cur.m)
	if !(math.Abs(cur.s-ps) <= tsTol*cur.s) {
		return false
	}
	for i := range cur.g {
		pg := prev.g[i] * math.Exp(prev.m-cur.m)
		scale := math.Max(math.Abs(cur.g[i]), cur.s)
		if !(math.Abs(cur.g[i]-pg) <= 1e3*tsTol*scale) {
			return false
		}
	}
	return true
}

func logSumExp(ls []float64) float64 {
	m := math.Inf(-1)
	for _, l := range ls {
		m = math.Max(m, l)
	}
	if math.IsInf(m, 0) {
		return m
	}
	s := 0.0
	for _, l := range ls {
		s += math.Exp(l - m)
	}
	return m + math.Log(s)
}

// maxHypTerms bounds the series inside the Pareto/NBD likelihood; past
// it (close to z = 1) the integral takes over.
const maxHypTerms = 3000

// lnHyp2f1Grad is ln ₂F₁(a, b; a+1; z) — the form the Pareto/NBD
// likelihood needs, with c = a + 1 — and its partial derivatives in a
// (with c = a+1 moving along), b and z, for a, b > 0 and 0 ≤ z < 1, given
// z and zc = 1 − z computed by the caller without rounding z first (z
// itself may round to 1 when zc is 1e-17).
//
// Up to z = seriesMaxZ, or further while the series needs fewer than
// maxHypTerms/2 terms, it sums a power series term by term alongside its
// derivatives (see hyp2f1GradSeries). Beyond, or when the series needs
// more than maxHypTerms terms, it integrates
// ₂F₁(a, b; a+1; z) = a ∫₀¹ t^(a−1) (1−zt)^(−b) dt, whose derivatives are
// the integrand's means: ∂/∂a ln ₂F₁ = 1/a + E[ln t], ∂/∂b = −E[ln(1−zt)],
// ∂/∂z = b·E[t/(1−zt)].
func lnHyp2f1Grad(a, b, z, zc float64) (l, da, db, dz float64, err error) {
	if !(a > 0 && b > 0 && z >= 0 && zc > 0) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return 0, 0, 0, 0, numErr("2F1(%v, %v; %v+1; %v) is outside a, b > 0, 0 ≤ z < 1", a, b, a, z)
	}
	// The series' terms fall by about z each, after growing until
	// n ≈ (bz−1)/(1−z) in the untransformed form.
	terms := -40 / math.Log(z)
	if !eulerTransformed(a, b) {
		terms += max(0, (b*z-1)/zc)
	}
	if z <= seriesMaxZ || terms < maxHypTerms/2 {
		if l, da, db, dz, ok := hyp2f1GradSeries(a, b, z, zc); ok {
			return l, da, db, dz, nil
		}
	}
	var m eulerMoments
	li, err := eulerIntegral(a, 1, b, z, zc, &m)
	if err != nil {
		return 0, 0, 0, 0, fmt.Errorf("2F1(%v, %v; %v+1; %v): %w", a, b, a, z, err)
	}
	return math.Log(a) + li, 1/a + m.lnT, -m.lnOneMinusZT, b * m.tOverOneMinusZT, nil
}

// eulerTransformed reports whether hyp2f1GradSeries sums ₂F₁(a, b; a+1; z)
// after Euler's transformation: when b > 1 (and a+1 > b), whose series'
// n-th term is smaller than the untransformed one's by about n^(2−2b).
func eulerTransformed(a, b float64) bool { return b > 1 && a+1 > b }

// hyp2f1GradSeries is the series part of lnHyp2f1Grad: ln ₂F₁(a, b; a+1; z)
// and its derivatives in a (c = a+1 moving along), b and z; ok is false
// when it needs more than maxHypTerms terms or leaves float64's range.
// Every term of either series below is positive, so neither cancels; one
// division per term gives the reciprocals the step needs.
//
// For b ≤ 1 it sums ₂F₁'s own series: the n-th term is
// t_n = (a)_n (b)_n z^n / ((a+1)_n n!) = a/(a+n) · (b)_n z^n/n!, which
// changes by t_n·(1/a − 1/(a+n)) in a (the sum Σ_{k<n} [1/(a+k) −
// 1/(a+1+k)] of the a and c parts telescopes), by t_n·Σ_{k<n} 1/(b+k) in
// b and by t_n·n/z in z.
//
// For b > 1 (see eulerTransformed) it sums Euler's transformation
// ₂F₁(a, b; a+1; z) = (1−z)^(1−b) ₂F₁(1, a+1−b; a+1; z), whose terms
// u_n = (a+1−b)_n z^n / (a+1)_n fall by at least z each from the first
// (no growing phase for large b): ln ₂F₁ = (1−b)·ln(1−z) + ln Σ u_n, and
// u_n changes by u_n·b·Σ_{k<n} 1/((a+1−b+k)(a+1+k)) in a, by
// −u_n·Σ_{k<n} 1/(a+1−b+k) in b and by u_n·n/z in z.
func hyp2f1GradSeries(a, b, z, zc float64) (l, da, db, dz float64, ok bool) {
	if z == 0 {
		return 0, 0, 0, a * b / (a + 1), true
	}
	if eulerTransformed(a, b) {
		return hypGradEuler(a, b, z, zc)
	}
	return hypGradDirect(a, b, z)
}

// hypGradEuler sums the Euler-transformed series of hyp2f1GradSeries
// (a+1 > b).
func hypGradEuler(a, b, z, zc float64) (l, da, db, dz float64, ok bool) {
	A, C := a+1-b, a+1
	sum, term := 1.0, 1.0
	var h, hA, sA, sB, nSum float64 // h = Σ 1/((A+k)(C+k)), hA = Σ 1/(A+k); sums of terms times them and n
	for n := 0.0; n < maxHypTerms; n++ {
		an, cn, n1 := A+n, C+n, n+1
		inv := 1 / (an * cn)
		h += inv
		hA += inv * cn
		term *= an * z * inv * an
		sum += term
		sA += term * h
		sB += term * hA
		nSum += term * n1
		if term <= 1e-16*sum && term*(b*h+hA+n1) <= 1e-16*(sum+b*sA+sB+nSum) {
			if math.IsInf(sum, 0) || math.IsNaN(sum+sA+sB+nSum) {
				return 0, 0, 0, 0, false
			}
			lnZc := math.Log(zc)
			return (1-b)*lnZc + math.Log(sum), b * sA / sum, -lnZc - sB/sum, (b-1)/zc + nSum/(z*sum), true
		}
	}
	return 0, 0, 0, 0, false
}

// hypGradDirect sums ₂F₁'s own series for hyp2f1GradSeries.
func hypGradDirect(a, b, z float64) (l, da, db, dz float64, ok bool) {
	f, term := 1.0, 1.0
	var hb, nSum float64 // Σ_{k<n} 1/(b+k); Σ t_n·n
	invA := 1 / a
	for n := 0.0; n < maxHypTerms; n++ {
		an1, bn, n1 := a+n+1, b+n, n+1
		inv := 1 / (an1 * bn * n1)
		invAN1 := inv * bn * n1 // 1/(a+n+1)
		hb += inv * an1 * n1    // 1/(b+n)
		term *= (an1 - 1) * bn * z * inv * bn
		f += term
		da += term * (invA - invAN1)
		db += term * hb
		nSum += term * n1
		if term <= 1e-16*f && term*(invA+hb+n1) <= 1e-16*(da+db+nSum+f) {
			if math.IsInf(f, 0) || math.IsInf(nSum, 0) || math.IsNaN(f+da+db+nSum) {
				return 0, 0, 0, 0, false
			}
			return math.Log(f), da / f, db / f, nSum / (z * f), true
		}
	}
	return 0, 0, 0, 0, false
}
