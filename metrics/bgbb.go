package metrics

import (
	"fmt"
	"math"
)

// BGBB is a fitted BG/BB model (Fader, Hardie & Shang 2010,
// "Customer-Base Analysis in a Discrete-Time Noncontractual Setting",
// Marketing Science 29(6)) of repeat transactions at discrete
// opportunities: while alive a customer transacts at each opportunity
// with probability p ~ Beta(Alpha, Beta), and before each opportunity
// becomes inactive for good with probability θ ~ Beta(Gamma, Delta).
// Histories are [DiscreteSummary] values; time is counted in
// opportunities. All outputs are float64 estimates.
type BGBB struct {
	Alpha, Beta, Gamma, Delta float64
}

func (m BGBB) String() string {
	return fmt.Sprintf("bgbb alpha=%.4f beta=%.4f gamma=%.4f delta=%.4f", m.Alpha, m.Beta, m.Gamma, m.Delta)
}

var bgbbNames = [4]string{"Alpha", "Beta", "Gamma", "Delta"}

func (m BGBB) params() [4]float64 { return [4]float64{m.Alpha, m.Beta, m.Gamma, m.Delta} }

// FitBGBB estimates a BG/BB model by maximum likelihood (BFGS on the
// log-parameters with the analytic gradient) from discrete histories,
// each standing for Count customers. Identical histories are grouped, so
// compressed data (one row per recency/frequency pattern) and one row per
// customer give the same fit. The error is an [*InputError] for an
// impossible history, or wraps [ErrFit] if the data cannot identify the
// model (no repeat transaction at all, or one at every opportunity) or the
// fit does not converge.
func FitBGBB(ds []DiscreteSummary) (BGBB, FitReport, error) {
	const fn = "FitBGBB"
	total, err := checkDiscreteSummaries(fn, ds)
	if err != nil {
		return BGBB{}, FitReport{}, err
	}
	rows := groupDiscrete(ds)
	some, notAll := false, false // a repeat transaction; an opportunity without one
	for _, r := range rows {
		some = some || r.x > 0
		notAll = notAll || r.x < r.n
	}
	if !some || !notAll {
		return BGBB{}, FitReport{Groups: len(rows)}, fmt.Errorf("%w: BG/BB needs histories with repeat transactions and opportunities without one (got some: %v, missed some: %v); the maximum is at the edge of the parameter space", ErrFit, some, notAll)
	}
	est, rep, err := fitLogParams("BG/BB", []string{"alpha", "beta", "gamma", "delta"}, nil, total, len(rows), func(p, g []float64) float64 {
		var grad [4]float64
		v := bgbbLogLik([4]float64(p), rows, &grad)
		copy(g, grad[:])
		return v
	})
	return BGBB{Alpha: est[0], Beta: est[1], Gamma: est[2], Delta: est[3]}, rep, err
}

// LogLikelihood is the model's log-likelihood of the histories, each
// counted Count times (Fader, Hardie & Shang 2010, eq. 5). The error is
// an [*InputError] for a parameter that is not positive and finite or an
// impossible history.
func (m BGBB) LogLikelihood(ds []DiscreteSummary) (float64, error) {
	const fn = "BGBB.LogLikelihood"
	if err := checkParams(fn, m.params(), bgbbNames); err != nil {
		return 0, err
	}
	if _, err := checkDiscreteSummaries(fn, ds); err != nil {
		return 0, err
	}
	return bgbbLogLik(m.params(), groupDiscrete(ds), nil), nil
}

// bgbbConsts are the terms of the likelihood that depend only on the
// parameters.
type bgbbConsts struct {
	a, b, g, d               float64
	lnBab, lnGammaDelta, lnG float64 // ln B(α, β); ln Γ(γ+δ) − ln Γ(δ); ln γ
	psiA, psiB, psiAB, psiGD float64
	psiD                     float64
}

func newBGBBConsts(p [4]float64, grad bool) bgbbConsts {
	a, b, g, d := p[0], p[1], p[2], p[3]
	c := bgbbConsts{a: a, b: b, g: g, d: d,
		lnBab:        lgamma(a) + lgamma(b) - lgamma(a+b),
		lnGammaDelta: lgamma(g+d) - lgamma(d),
		lnG:          math.Log(g)}
	if grad {
		c.psiA, c.psiB, c.psiAB, c.psiGD, c.psiD = digamma(a), digamma(b), digamma(a+b), digamma(g+d), digamma(d)
	}
	return c
}

// bgbbLogLik is the weighted log-likelihood over the grouped rows and,
// when grad is not nil, its gradient with respect to (α, β, γ, δ).
func bgbbLogLik(p [4]float64, rows []discreteRow, grad *[4]float64) float64 {
	if !(p[0] > 0 && p[1] > 0 && p[2] > 0 && p[3] > 0) {
		return math.Inf(-1)
	}
	c := newBGBBConsts(p, grad != nil)
	var ll float64
	var g [4]float64
	for _, rw := range rows {
		var d *[4]float64
		var dr [4]float64
		if grad != nil {
			d = &dr
		}
		ll += rw.weight * c.rowLL(rw.x, rw.tx, rw.n, d)
		for i := range g {
			g[i] += rw.weight * dr[i]
		}
	}
	if grad != nil {
		*grad = g
	}
	return ll
}

// rowLL is the log-likelihood of one history (x, t_x, n) and, when grad
// is not nil, its gradient. The likelihood (Fader, Hardie & Shang 2010,
// eq. 5) is the probability that the customer was alive through n and
// transacted at x of the n opportunities,
//
//	B(α+x, β+n−x)/B(α, β) · B(γ, δ+n)/B(γ, δ),
//
// plus, for each i = 0 … n−t_x−1, the probability that they transacted at
// x of the first t_x + i opportunities, were alive through t_x + i and
// inactive at the next,
//
//	B(α+x, β+t_x−x+i)/B(α, β) · B(γ+1, δ+t_x+i)/B(γ, δ).
//
// The terms of the sum decrease with i (each is the previous times
// (β+t_x−x+i)/(α+β+t_x+i) · (δ+t_x+i)/(γ+1+δ+t_x+i) < 1), so they are
// computed by that recurrence relative to the first, in logarithms only
// once, and summed until the rest cannot reach 1e-17 of the sum; their
// derivatives follow by ψ(z+1) = ψ(z) + 1/z.
func (c *bgbbConsts) rowLL(x, tx, n int, grad *[4]float64) float64 {
	a, b, g, d := c.a, c.b, c.g, c.d
	fx, ftx, fn := float64(x), float64(tx), float64(n)
	lgAX := lgamma(a + fx)
	lnAlive := lgAX + lgamma(b+fn-fx) - lgamma(a+b+fn) - c.lnBab + lgamma(d+fn) - lgamma(g+d+fn) + c.lnGammaDelta
	terms := n - tx // i = 0 … n−t_x−1
	if terms == 0 {
		if grad != nil {
			psiABN := digamma(a + b + fn)
			psiGDN := digamma(g + d + fn)
			*grad = [4]float64{
				digamma(a+fx) - psiABN - c.psiA + c.psiAB,
				digamma(b+fn-fx) - psiABN - c.psiB + c.psiAB,
				c.psiGD - psiGDN,
				digamma(d+fn) - psiGDN - c.psiD + c.psiGD,
			}
		}
		return lnAlive
	}
	k, m := b+ftx-fx, ftx // β + no-purchase count, and t_x + i, at i = 0
	ln0 := lgAX + lgamma(k) - lgamma(a+b+m) - c.lnBab + c.lnG + lgamma(d+m) - lgamma(g+1+d+m) + c.lnGammaDelta
	// Σ ρ_i (ρ_0 = 1) and, for the gradient, Σ ρ_i ∂ ln term_i.
	var s float64
	var sd [4]float64
	var psiK, psiABM, psiDM, psiGDM, psiAX float64
	if grad != nil {
		psiK, psiABM, psiDM, psiGDM, psiAX = digamma(k), digamma(a+b+m), digamma(d+m), digamma(g+1+d+m), digamma(a+fx)
	}
	rho := 1.0
	for i := 0; i < terms; i++ {
		s += rho
		if grad != nil {
			sd[0] += rho * (psiAX - psiABM)
			sd[1] += rho * (psiK - psiABM)
			sd[2] -= rho * psiGDM
			sd[3] += rho * (psiDM - psiGDM)
			psiK += 1 / k
			psiABM += 1 / (a + b + m)
			psiDM += 1 / (d + m)
			psiGDM += 1 / (g + 1 + d + m)
		}
		rho *= k / (a + b + m) * (d + m) / (g + 1 + d + m)
		k++
		m++
		if rho*float64(terms-i-1) < 1e-17*s {
			break
		}
	}
	lnSum := ln0 + math.Log(s)
	l := logAddExp(lnAlive, lnSum)
	if grad != nil {
		wA := math.Exp(lnAlive - l)
		wS := math.Exp(lnSum-l) / s
		psiABN := digamma(a + b + fn)
		psiGDN := digamma(g + d + fn)
		dAlive := [4]float64{
			digamma(a+fx) - psiABN,
			digamma(b+fn-fx) - psiABN,
			-psiGDN,
			digamma(d+fn) - psiGDN,
		}
		// The constant parts of the derivatives, common to every term.
		common := [4]float64{c.psiAB - c.psiA, c.psiAB - c.psiB, c.psiGD, c.psiGD - c.psiD}
		sd[2] += s / g // ∂/∂γ of ln γ in each term of the sum
		for i := range grad {
			grad[i] = common[i] + wA*dAlive[i] + wS*sd[i]
		}
	}
	return l
}

// check validates the parameters and a history for a prediction.
func (m BGBB) check(fn string, x, tx, n int) error {
	if err := checkParams(fn, m.params(), bgbbNames); err != nil {
		return err
	}
	return checkDiscrete(fn, "history", x, tx, n)
}

// PAlive is the probability that a customer with history (frequency x,
// recency t_x, n opportunities) is still alive at opportunity n + m
// (m ≥ 0): B(α+x, β+n−x)/B(α, β) · B(γ, δ+n+m)/B(γ, δ) / L(x, t_x, n)
// (Fader, Hardie & Shang 2010, eq. 11 and its appendix). m = 1 is the
// paper's "alive in the next period" (its Table 6); m = 0 is alive at
// the last opportunity observed, 1 for a customer who transacted then.
// The error is an [*InputError] for a parameter that is not positive and
// finite, an impossible history or m outside [0, MaxOpportunities − n],
// and wraps [ErrNumerical] if the value cannot be computed (parameters
// near float64's limits).
func (m BGBB) PAlive(ahead, frequency, recency, n int) (float64, error) {
	const fn = "BGBB.PAlive"
	if err := m.check(fn, frequency, recency, n); err != nil {
		return 0, err
	}
	if ahead < 0 || ahead > MaxOpportunities-n {
		return 0, inputErr(fn, "m", "must be in [0, %d], got %d", MaxOpportunities-n, ahead)
	}
	p := math.Exp(m.lnPAlive(frequency, recency, n) + lnSurvive(m.Gamma, m.Delta+float64(n), ahead))
	if !(p >= 0 && p <= 1) {
		return 0, numErr("%s(%d, %d, %d, %d) with %s is %v", fn, ahead, frequency, recency, n, paramString(bgbbNames, m.params()), p)
	}
	return p, nil
}

// lnPAlive is ln P(alive at n | x, t_x, n).
func (m BGBB) lnPAlive(x, tx, n int) float64 {
	c := newBGBBConsts(m.params(), false)
	fx, fn := float64(x), float64(n)
	lnAlive := lgamma(m.Alpha+fx) + lgamma(m.Beta+fn-fx) - lgamma(m.Alpha+m.Beta+fn) - c.lnBab +
		lgamma(m.Delta+fn) - lgamma(m.Gamma+m.Delta+fn) + c.lnGammaDelta
	return math.Min(0, lnAlive-c.rowLL(x, tx, n, nil))
}

// lnSurvive is ln B(γ, δ+k)/B(γ, δ): the log-probability that a customer
// alive with death probability θ ~ Beta(γ, δ) survives k more
// opportunities.
func lnSurvive(g, d float64, k int) float64 {
	if k == 0 {
		return 0
	}
	return lnGammaDiff(d, float64(k)) - lnGammaDiff(g+d, float64(k))
}

// aliveSum is Σ_{t=1..k} B(γ, δ+t)/B(γ, δ), the expected number of the
// next k opportunities at which a customer alive now (with θ ~ Beta(γ, δ))
// is still alive: the terms are products of (δ+j)/(γ+δ+j), all positive,
// so the sum loses nothing to cancellation (the closed form
// δ/(γ−1)·[1 − Γ(γ+δ)Γ(1+δ+k)/(Γ(1+δ)Γ(γ+δ+k))] does, near γ = 1).
func aliveSum(g, d float64, k int) float64 {
	s, p := 0.0, 1.0
	for j := 0; j < k; j++ {
		p *= (d + float64(j)) / (g + d + float64(j))
		s += p
	}
	return s
}

// ConditionalExpectedPurchases is E[X(n, n+n*) | x, t_x, n], the expected
// number of opportunities with a transaction among the next nStar of a
// customer with this history: P(alive at n) · (α+x)/(α+β+n) · Σ_{t=1..n*}
// B(γ, δ+n+t)/B(γ, δ+n) (Fader, Hardie & Shang 2010, eq. 13, summed
// rather than in its closed form). The error is an [*InputError] for a
// parameter that is not positive and finite, an impossible history, or
// nStar outside [0, MaxOpportunities − n], and wraps [ErrNumerical] if the
// value cannot be computed.
func (m BGBB) ConditionalExpectedPurchases(nStar, frequency, recency, n int) (float64, error) {
	const fn = "BGBB.ConditionalExpectedPurchases"
	if err := m.check(fn, frequency, recency, n); err != nil {
		return 0, err
	}
	if nStar < 0 || nStar > MaxOpportunities-n {
		return 0, inputErr(fn, "nStar", "must be in [0, %d], got %d", MaxOpportunities-n, nStar)
	}
	if nStar == 0 {
		return 0, nil
	}
	fx, nf := float64(frequency), float64(n)
	pAlive := math.Exp(m.lnPAlive(frequency, recency, n))
	e := pAlive * (m.Alpha + fx) / (m.Alpha + m.Beta + nf) * aliveSum(m.Gamma, m.Delta+nf, nStar)
	if !(e >= 0) || math.IsInf(e, 0) {
		return 0, numErr("%s(%d, %d, %d, %d) with %s is %v", fn, nStar, frequency, recency, n, paramString(bgbbNames, m.params()), e)
	}
	return e, nil
}

// ExpectedPurchases is E[X(n)], the expected number of the first n
// opportunities at which a new customer transacts: α/(α+β) · Σ_{t=1..n}
// B(γ, δ+t)/B(γ, δ) (Fader, Hardie & Shang 2010, eq. 8). The error is an
// [*InputError] for a parameter that is not positive and finite or n
// outside [0, MaxOpportunities], and wraps [ErrNumerical] if the value
// cannot be computed.
func (m BGBB) ExpectedPurchases(n int) (float64, error) {
	const fn = "BGBB.ExpectedPurchases"
	if err := checkParams(fn, m.params(), bgbbNames); err != nil {
		return 0, err
	}
	if n < 0 || n > MaxOpportunities {
		return 0, inputErr(fn, "n", "must be in [0, %d], got %d", MaxOpportunities, n)
	}
	e := m.Alpha / (m.Alpha + m.Beta) * aliveSum(m.Gamma, m.Delta, n)
	if !(e >= 0) || math.IsInf(e, 0) {
		return 0, numErr("%s(%d) with %s is %v", fn, n, paramString(bgbbNames, m.params()), e)
	}
	return e, nil
}

// ProbabilityOfPurchases is P(X(n) = x), the probability that a new
// customer transacts at exactly x of the first n opportunities (Fader,
// Hardie & Shang 2010, eq. 7):
//
//	C(n, x) B(α+x, β+n−x)/B(α, β) · B(γ, δ+n)/B(γ, δ)
//	+ Σ_{i=x..n−1} C(i, x) B(α+x, β+i−x)/B(α, β) · B(γ+1, δ+i)/B(γ, δ),
//
// summed in logarithms. It is 0 for x > n. The error is an [*InputError]
// for a parameter that is not positive and finite, x < 0, or n outside
// [0, MaxOpportunities], and wraps [ErrNumerical] if the value cannot be
// computed.
func (m BGBB) ProbabilityOfPurchases(n, x int) (float64, error) {
	const fn = "BGBB.ProbabilityOfPurchases"
	if err := checkParams(fn, m.params(), bgbbNames); err != nil {
		return 0, err
	}
	switch {
	case n < 0 || n > MaxOpportunities:
		return 0, inputErr(fn, "n", "must be in [0, %d], got %d", MaxOpportunities, n)
	case x < 0:
		return 0, inputErr(fn, "x", "must be ≥ 0, got %d", x)
	case x > n:
		return 0, nil
	}
	a, b, g, d := m.Alpha, m.Beta, m.Gamma, m.Delta
	fx, nf := float64(x), float64(n)
	lnBab := lgamma(a) + lgamma(b) - lgamma(a+b)
	lgAX := lgamma(a + fx)
	lnChoose := func(i, x float64) float64 { return lgamma(i+1) - lgamma(x+1) - lgamma(i-x+1) }
	lp := lnChoose(nf, fx) + lgAX + lgamma(b+nf-fx) - lgamma(a+b+nf) - lnBab + lnSurvive(g, d, n)
	if x < n {
		// i = x: C(x, x) B(α+x, β)/B(α, β) · B(γ+1, δ+x)/B(γ, δ); then each
		// term is the previous times (i+1)/(i+1−x) · (β+i−x)/(α+β+i) ·
		// (δ+i)/(γ+1+δ+i).
		lt := lgAX + lgamma(b) - lgamma(a+b+fx) - lnBab + math.Log(g/(g+d+fx)) + lnSurvive(g, d, x)
		terms := make([]float64, 0, n-x+1)
		terms = append(terms, lp)
		for i := fx; ; i++ {
			terms = append(terms, lt)
			if i+1 >= nf {
				break
			}
			lt += math.Log((i + 1) / (i + 1 - fx) * (b + i - fx) / (a + b + i) * (d + i) / (g + 1 + d + i))
		}
		lp = logSumExp(terms)
	}
	p := math.Min(1, math.Exp(lp))
	if !(p >= 0) {
		return 0, numErr("%s(%d, %d) with %s is %v", fn, n, x, paramString(bgbbNames, m.params()), p)
	}
	return p, nil
}
