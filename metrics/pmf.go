package metrics

import (
	"math"
)

// The probability of exactly x purchases in (0, t], P(X(t) = x), for a
// customer who has just made their first purchase, under the
// continuous-time models. Each is a sum of positive terms — "alive at t
// with x purchases" plus "dropped out after the x-th" — computed in
// logarithms, so that small probabilities in the tail keep their relative
// precision instead of being differences of numbers close to 1.

// checkPMF validates the arguments of a ProbabilityOfPurchases method.
func checkPMF(fn string, params [4]float64, names [4]string, t float64, x int) error {
	if err := checkParams(fn, params, names); err != nil {
		return err
	}
	switch {
	case !(t >= 0) || math.IsInf(t, 0):
		return inputErr(fn, "t", "must be ≥ 0 and finite, got %v", t)
	case x < 0:
		return inputErr(fn, "x", "must be ≥ 0, got %d", x)
	}
	return nil
}

// lnNBPMF is the log of the negative binomial probability of x events in
// a span t, for Poisson events at a rate λ ~ Gamma(r, α):
// Γ(r+x)/(Γ(r) x!) · (α/(α+t))^r · (t/(α+t))^x, for t > 0.
func lnNBPMF(r, alpha, t float64, x int) float64 {
	fx := float64(x)
	return lnGammaDiff(r, fx) - lgamma(fx+1) - r*math.Log1p(t/alpha) - xLogY(fx, math.Log1p(alpha/t))
}

// nbTail is P(N ≥ x) for N negative binomial as in lnNBPMF: the
// regularized incomplete beta function I_q(x, r), q = t/(α+t) (the
// probability that the x-th event of the Poisson process comes by t).
func nbTail(r, alpha, t float64, x int) (float64, error) {
	if x == 0 {
		return 1, nil
	}
	q, p := t/(alpha+t), alpha/(alpha+t) // computed apart so that neither is 1 − the other rounded
	lnQ, lnP := -math.Log1p(alpha/t), -math.Log1p(t/alpha)
	return betaIncReg(float64(x), r, q, p, lnQ, lnP)
}

// betaIncReg is the regularized incomplete beta function I_x(a, b) for
// a, b > 0, given x, its complement xc = 1 − x and their logarithms, by
// the continued fraction of Numerical Recipes (§6.4, modified Lentz):
// directly where x < (a+1)/(a+b+2), where the fraction converges fast and
// the result may be small; else as 1 − I_{1−x}(b, a), where the result is
// not small, so the subtraction loses nothing relative to it.
func betaIncReg(a, b, x, xc, lnX, lnXc float64) (float64, error) {
	if x <= 0 {
		return 0, nil
	}
	if xc <= 0 {
		return 1, nil
	}
	lnFront := a*lnX + b*lnXc - (lgamma(a) + lgamma(b) - lgamma(a+b))
	if x < (a+1)/(a+b+2) {
		cf, err := betaCF(a, b, x)
		if err != nil {
			return 0, err
		}
		return math.Exp(lnFront) * cf / a, nil
	}
	cf, err := betaCF(b, a, xc)
	if err != nil {
		return 0, err
	}
	return 1 - math.Exp(lnFront)*cf/b, nil
}

// maxBetaCFTerms bounds the continued fraction; it needs O(√max(a, b))
// terms.
const maxBetaCFTerms = 100000

// betaCF evaluates the continued fraction of I_x(a, b).
func betaCF(a, b, x float64) (float64, error) {
	const tiny = 1e-300
	fix := func(v float64) float64 {
		if math.Abs(v) < tiny {
			return tiny
		}
		return v
	}
	qab, qap, qam := a+b, a+1, a-1
	c := 1.0
	d := 1 / fix(1-qab*x/qap)
	h := d
	for m := 1.0; m <= maxBetaCFTerms; m++ {
		m2 := 2 * m
		aa := m * (b - m) * x / ((qam + m2) * (a + m2))
		d = 1 / fix(1+aa*d)
		c = fix(1 + aa/c)
		h *= d * c
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
		d = 1 / fix(1+aa*d)
		c = fix(1 + aa/c)
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			return h, nil
		}
	}
	return 0, numErr("incomplete beta continued fraction (a=%v, b=%v, x=%v) did not converge", a, b, x)
}

// ProbabilityOfPurchases is P(X(t) = x), the probability that a customer
// who has just made their first purchase makes exactly x repeat purchases
// in the next t time units (Fader, Hardie & Lee 2005, eq. 8):
//
//	B(a, b+x)/B(a, b) · NB(x; t) + [x > 0] · B(a+1, b+x−1)/B(a, b) · P(NB(t) ≥ x),
//
// with NB(t) the negative binomial count of a Poisson process at a rate
// λ ~ Gamma(r, α): alive with x purchases, or dropped out after the x-th.
// The tail P(NB(t) ≥ x) is the regularized incomplete beta function
// I_{t/(α+t)}(x, r), not 1 minus a sum, so small probabilities keep their
// precision. The error is an [*InputError] for a parameter that is not
// positive and finite, t < 0 or x < 0, and wraps [ErrNumerical] if a
// value cannot be computed.
func (m BGNBD) ProbabilityOfPurchases(t float64, x int) (float64, error) {
	if err := checkPMF("BGNBD.ProbabilityOfPurchases", [4]float64{m.R, m.Alpha, m.A, m.B}, [4]string{"R", "Alpha", "A", "B"}, t, x); err != nil {
		return 0, err
	}
	return bgPMF(m.R, m.Alpha, m.A, m.B, 0, t, x)
}

// ProbabilityOfPurchases is P(X(t) = x), the probability that a customer
// who has just made their first purchase makes exactly x repeat purchases
// in the next t time units:
//
//	B(a, b+x+1)/B(a, b) · NB(x; t) + B(a+1, b+x)/B(a, b) · P(NB(t) ≥ x),
//
// the [BGNBD.ProbabilityOfPurchases] with a dropout possible after the
// first purchase too (x = 0), as in lifetimes'
// ModifiedBetaGeoFitter.probability_of_n_purchases_up_to_time. Errors as
// the BG/NBD's.
func (m MBGNBD) ProbabilityOfPurchases(t float64, x int) (float64, error) {
	if err := checkPMF("MBGNBD.ProbabilityOfPurchases", m.params(), mbgnbdNames, t, x); err != nil {
		return 0, err
	}
	return bgPMF(m.R, m.Alpha, m.A, m.B, 1, t, x)
}

// bgPMF is the BG/NBD's pmf (shift 0) or the MBG/NBD's (shift 1).
func bgPMF(r, alpha, a, b, shift, t float64, x int) (float64, error) {
	if t == 0 {
		if x == 0 {
			return 1, nil
		}
		return 0, nil
	}
	fx := float64(x)
	// B(a, b+x+shift)/B(a, b): no dropout at the x(+1) chances so far.
	lnAlive := lnGammaDiff(b, fx+shift) - lnGammaDiff(a+b, fx+shift) + lnNBPMF(r, alpha, t, x)
	p := math.Exp(lnAlive)
	if x > 0 || shift > 0 {
		// B(a+1, b+x−1+shift)/B(a, b): survived x−1+shift chances, then dropped out.
		tail, err := nbTail(r, alpha, t, x)
		if err != nil {
			return 0, err
		}
		p += math.Exp(math.Log(a)+lnGammaDiff(b, fx-1+shift)-lnGammaDiff(a+b, fx+shift)) * tail
	}
	if math.IsNaN(p) || p < 0 {
		return 0, numErr("P(X(%v) = %d) (r=%v α=%v a=%v b=%v) is %v", t, x, r, alpha, a, b, p)
	}
	return math.Min(p, 1), nil
}

// ProbabilityOfPurchases is P(X(t) = x), the probability that a customer
// who has just made their first purchase makes exactly x repeat purchases
// in the next t time units (the quantity of Fader, Hardie & Lee 2005, "A
// Note on Deriving the Pareto/NBD Model and Related Expressions", eq. 20):
// alive at t with x purchases, NB(x; t) · (β/(β+t))^s, plus dropped out at
// some τ ≤ t after x purchases,
//
//	Γ(r+x)/(Γ(r) x!) · s/β · ∫₀ᵗ (α/(α+τ))^r (τ/(α+τ))^x (β/(β+τ))^(s+1) dτ,
//
// the death time's density s/β·(β/(β+τ))^(s+1) times the negative
// binomial probability of x purchases by τ. The integral's integrand is
// positive and has one interior maximum; it is computed by tanh-sinh
// quadrature in logarithms on each side of it, where the closed form with
// ₂F₁ subtracts nearly equal terms. The error is an [*InputError] for a
// parameter that is not positive and finite, t < 0 or x < 0, and wraps
// [ErrNumerical] if a value cannot be computed.
func (m ParetoNBD) ProbabilityOfPurchases(t float64, x int) (float64, error) {
	r, alpha, s, beta := m.R, m.Alpha, m.S, m.Beta
	if err := checkPMF("ParetoNBD.ProbabilityOfPurchases", [4]float64{r, alpha, s, beta}, [4]string{"R", "Alpha", "S", "Beta"}, t, x); err != nil {
		return 0, err
	}
	if t == 0 {
		if x == 0 {
			return 1, nil
		}
		return 0, nil
	}
	fx := float64(x)
	alive := math.Exp(lnNBPMF(r, alpha, t, x) - s*math.Log1p(t/beta))
	// τ = t·u, u ∈ [0, 1].
	phi := func(u float64) float64 {
		tu := t * u
		if tu == 0 {
			if x > 0 {
				return math.Inf(-1)
			}
			return 0
		}
		return -r*math.Log1p(tu/alpha) - xLogY(fx, math.Log1p(alpha/tu)) - (s+1)*math.Log1p(tu/beta)
	}
	// φ'(u)·u(α+tu)(β+tu) = A u² + B u + C: its positive root is the maximum.
	A, B, C := -t*t*(r+s+1), t*(alpha*(fx-s-1)-r*beta), fx*alpha*beta
	cuts := []float64{0}
	for _, u := range quadRoots(A, B, C) {
		if u > 1e-9 && u < 1-1e-9 {
			cuts = append(cuts, u)
		}
	}
	cuts = append(cuts, 1)
	var parts []float64
	for i := 0; i+1 < len(cuts); i++ {
		l, err := lnIntegrate(phi, cuts[i], cuts[i+1])
		if err != nil {
			return 0, numErr("Pareto/NBD P(X(%v) = %d) (r=%v α=%v s=%v β=%v): %v", t, x, r, alpha, s, beta, err)
		}
		parts = append(parts, l)
	}
	lnDead := lnGammaDiff(r, fx) - lgamma(fx+1) + math.Log(s/beta) + math.Log(t) + logSumExp(parts)
	p := alive + math.Exp(lnDead)
	if math.IsNaN(p) {
		return 0, numErr("Pareto/NBD P(X(%v) = %d) (r=%v α=%v s=%v β=%v) is NaN", t, x, r, alpha, s, beta)
	}
	return math.Min(p, 1), nil
}

// lnIntegrate is ln ∫ e^φ(u) du over [lo, hi], for φ finite or −∞ and
// monotone on the interval, by tanh-sinh quadrature in logarithms (the
// nodes and convergence test of eulerIntegral's), or an error when it
// does not converge.
func lnIntegrate(phi func(u float64) float64, lo, hi float64) (float64, error) {
	w := hi - lo
	var sum logAcc
	var none [3]float64
	add := func(u, wt float64) {
		if p := phi(u); !math.IsInf(p, -1) {
			sum.add(wt, p, none)
		}
	}
	add(lo+w/2, math.Pi/4)
	var prev logAcc
	for L := 0; L <= tsMaxLevel; L++ {
		for _, nd := range tsLevels[L] {
			if L > 0 && sum.init && nd.w < 1e-20*sum.s {
				break
			}
			add(lo+w*nd.small, nd.w)
			add(hi-w*nd.small, nd.w)
		}
		cur := sum
		cur.s *= math.Ldexp(1, -L)
		if math.IsNaN(cur.s) || math.IsNaN(cur.m) || math.IsInf(cur.m, 1) {
			return 0, numErr("quadrature on [%v, %v] is not finite", lo, hi)
		}
		if L >= tsMinLevel && converged(&prev, &cur) {
			return cur.m + math.Log(cur.s) + math.Log(w), nil
		}
		prev = cur
	}
	if !sum.init { // e^φ is 0 on every node
		return math.Inf(-1), nil
	}
	return 0, numErr("quadrature on [%v, %v] did not converge", lo, hi)
}
