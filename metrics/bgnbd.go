package metrics

import (
	"fmt"
	"math"
)

// BGNBD is a fitted BG/NBD model (Fader, Hardie & Lee 2005, "Counting
// Your Customers the Easy Way"): while alive a customer buys at a Poisson
// rate λ ~ Gamma(R, Alpha); after each purchase they drop out with
// probability p ~ Beta(A, B). Time is in the unit of the summaries it was
// fitted on. All outputs are float64 estimates.
type BGNBD struct {
	R, Alpha, A, B float64
	Unit           Unit
}

// FitReport says how a fit went.
type FitReport struct {
	// LogLikelihood is the sum over customers at the estimate.
	LogLikelihood float64
	Iterations    int
	Evaluations   int
	// Groups is the number of distinct summaries the likelihood ran over.
	Groups int
	// Uncertainty holds the standard errors and covariance of the
	// estimates, for intervals on them and on anything computed from them.
	Uncertainty Uncertainty
}

func (m BGNBD) String() string {
	return fmt.Sprintf("bgnbd r=%.4f alpha=%.4f a=%.4f b=%.4f", m.R, m.Alpha, m.A, m.B)
}

// FitBGNBD estimates a BG/NBD model by maximum likelihood from customer
// summaries (all in one Unit, which the model takes). Identical summaries are grouped, so a
// million customers cost about as much as the distinct summaries among them.
func FitBGNBD(cs []CustomerSummary) (BGNBD, FitReport, error) {
	est, unit, rep, err := fitBGFamily("FitBGNBD", "BG/NBD", 0, cs)
	if est == nil {
		return BGNBD{}, rep, err
	}
	return BGNBD{R: est[0], Alpha: est[1], A: est[2], B: est[3], Unit: unit}, rep, err
}

// fitBGFamily fits BG/NBD (shift 0) or MBG/NBD (shift 1, the dropout
// chance at time 0 too) to summaries checked for fn: the estimates of
// (r, α, a, b), nil if the input was refused, and the summaries' unit.
func fitBGFamily(fn, model string, shift float64, cs []CustomerSummary) ([]float64, Unit, FitReport, error) {
	unit, err := checkFitInput(fn, cs)
	if err != nil {
		return nil, 0, FitReport{}, err
	}
	rows := groupCounts(cs)
	ws := newBGNBDWork(rows)
	ws.shift = shift
	est, rep, err := fitLogParams(model, []string{"r", "alpha", "a", "b"}, []float64{1, timeScale(cs), 1, 1}, customers(cs), len(rows), func(p, g []float64) float64 {
		var grad [4]float64
		v := ws.logLik([4]float64(p), &grad)
		copy(g, grad[:])
		return v
	})
	return est, unit, rep, err
}

// LogLikelihood is the model's log-likelihood of the summaries.
func (m BGNBD) LogLikelihood(cs []CustomerSummary) float64 {
	return newBGNBDWork(groupCounts(cs)).logLik([4]float64{m.R, m.Alpha, m.A, m.B}, nil)
}

// bgnbdWork holds grouped rows and the scratch space for evaluating the
// likelihood on them.
type bgnbdWork struct {
	// shift is 1 for the MBG/NBD, whose customers may also drop out right
	// after their first purchase: its likelihood is the BG/NBD's with
	// b+x in place of b+x−1 and a+b+x+1 in place of a+b+x, and the
	// dropout term present for x = 0 too (see [FitMBGNBD]).
	shift                float64
	rows                 []row
	ts                   times
	lnT, invT, lnX, invX []float64 // ln(α+T), 1/(α+T) per distinct T; the same per distinct t_x
}

func newBGNBDWork(rows []row) *bgnbdWork {
	ts := indexTimes(rows)
	return &bgnbdWork{rows: rows, ts: ts,
		lnT: make([]float64, len(ts.T)), invT: make([]float64, len(ts.T)),
		lnX: make([]float64, len(ts.tx)), invX: make([]float64, len(ts.tx))}
}

// logLik is the weighted log-likelihood over the grouped rows (sorted by
// x) and, when grad is not nil, its gradient with respect to (r, α, a, b).
// Terms that depend only on x are computed once per distinct x, logs of
// α+T and α+t_x once per distinct value.
func (w *bgnbdWork) logLik(p [4]float64, grad *[4]float64) float64 {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	if !(r > 0 && alpha > 0 && a > 0 && b > 0) {
		return math.Inf(-1)
	}
	for i, t := range w.ts.T {
		w.lnT[i], w.invT[i] = math.Log(alpha+t), 1/(alpha+t)
	}
	for i, t := range w.ts.tx {
		w.lnX[i], w.invX[i] = math.Log(alpha+t), 1/(alpha+t)
	}
	rows := w.rows
	lnA, lnB := math.Log(a), 0.0
	lgR, lgAB, lgB := lgamma(r), lgamma(a+b), lgamma(b)
	psiR, psiAB, psiB := digamma(r), digamma(a+b), digamma(b)
	lnAlpha := math.Log(alpha)
	var ll float64
	var g [4]float64
	lastX := -1
	var cx, dR, dAB, dB float64 // per-x terms
	for _, rw := range rows {
		x := float64(rw.x)
		if rw.x != lastX {
			lastX = rw.x
			cx = lgamma(r+x) - lgR + lgAB + lgamma(b+x+w.shift) - lgB - lgamma(a+b+x+w.shift)
			if rw.x > 0 || w.shift > 0 {
				lnB = math.Log(b + x - 1 + w.shift)
			}
			if grad != nil {
				dR = digamma(r+x) - psiR
				dAB = psiAB - digamma(a+b+x+w.shift)
				dB = digamma(b+x+w.shift) - psiB
			}
		}
		lnAT := w.lnT[rw.iT]
		li := cx + r*lnAlpha - (r+x)*lnAT
		var sh, lnATx float64 // sh: the share of the "dropped out at t_x" term
		if rw.x > 0 || w.shift > 0 {
			lnATx = w.lnX[rw.itx]
			lnD := lnA - lnB + (r+x)*(lnAT-lnATx)
			li += log1pExp(lnD)
			sh = 1 / (1 + math.Exp(-lnD))
		}
		ll += rw.weight * li
		if grad != nil {
			wt := rw.weight
			g[0] += wt * (dR + lnAlpha - lnAT + sh*(lnAT-lnATx))
			g[1] += wt * (r/alpha - (r+x)*w.invT[rw.iT] + sh*(r+x)*(w.invT[rw.iT]-w.invX[rw.itx]))
			g[2] += wt * (dAB + sh/a)
			if rw.x > 0 || w.shift > 0 {
				g[3] += wt * (dAB + dB - sh/(b+x-1+w.shift))
			}
		}
	}
	if grad != nil {
		*grad = g
	}
	return ll
}

// log1pExp is ln(1 + eˣ) without overflow.
func log1pExp(x float64) float64 {
	if x > 30 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

var bgnbdNames = [4]string{"R", "Alpha", "A", "B"}

func (m BGNBD) params() [4]float64 { return [4]float64{m.R, m.Alpha, m.A, m.B} }

// PAlive is [BGNBD.PAliveErr]'s probability, or NaN where that returns an
// error: a convenience for code that checks for NaN itself.
func (m BGNBD) PAlive(frequency int, recency, T float64) float64 {
	return orNaN(m.PAliveErr(frequency, recency, T))
}

// PAliveErr is the probability that a customer with this history is still
// active at the end of it: 1 for customers with no repeat purchase, else
// 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)). The error is an
// [*InputError] for a parameter that is not positive and finite or an
// impossible history, and wraps [ErrNumerical] if the value cannot be
// computed.
func (m BGNBD) PAliveErr(frequency int, recency, T float64) (float64, error) {
	p, _, err := m.predict("BGNBD.PAliveErr", 0, frequency, recency, T)
	return p, err
}

// pAlive is PAliveErr's formula, for a checked model and history.
func (m BGNBD) pAlive(frequency int, recency, T float64) float64 {
	if frequency == 0 {
		return 1
	}
	x := float64(frequency)
	lnD := math.Log(m.A) - math.Log(m.B+x-1) + (m.R+x)*(math.Log(m.Alpha+T)-math.Log(m.Alpha+recency))
	return 1 / (1 + math.Exp(lnD))
}

// Predict is the probability that a customer with this history is still
// active at T, and their expected number of purchases in the next t time
// units, E[Y(t) | x, t_x, T]: P(alive) · (a+b+x−1)/(a−1) · [1 −
// ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] (Fader, Hardie
// & Lee 2005, eq. 10). The error is an [*InputError] for a non-positive
// parameter or an impossible history, and wraps [ErrNumerical] if a value
// cannot be computed.
func (m BGNBD) Predict(t float64, frequency int, recency, T float64) (pAlive, purchases float64, err error) {
	return m.predict("BGNBD.Predict", t, frequency, recency, T)
}

func (m BGNBD) predict(fn string, t float64, frequency int, recency, T float64) (pAlive, purchases float64, err error) {
	if err := checkModel(fn, m.params(), bgnbdNames, t, frequency, recency, T); err != nil {
		return 0, 0, err
	}
	pAlive = m.pAlive(frequency, recency, T)
	if t > 0 {
		x := float64(frequency)
		g, err := bgnbdGrowth(m.R+x, m.Alpha+T, m.A, m.B+x, t)
		if err != nil {
			return 0, 0, fmt.Errorf("%s(%v, %d, %v, %v) with %s: %w", fn, t, frequency, recency, T, paramString(bgnbdNames, m.params()), err)
		}
		purchases = pAlive * g
	}
	return checkPrediction(fn, bgnbdNames, m.params(), t, frequency, recency, T, pAlive, purchases)
}

// ExpectedPurchases is E[X(t)], the expected number of purchases in a
// period of length t of a customer who has just made their first purchase;
// NaN if it cannot be computed (a parameter not positive and finite).
func (m BGNBD) ExpectedPurchases(t float64) float64 {
	if t <= 0 {
		return 0
	}
	if err := checkModel("BGNBD.ExpectedPurchases", m.params(), bgnbdNames, t, 0, 0, 0); err != nil {
		return math.NaN()
	}
	g, err := bgnbdGrowth(m.R, m.Alpha, m.A, m.B, t)
	if err != nil {
		return math.NaN()
	}
	return g
}

// ConditionalExpectedPurchases is [BGNBD.ConditionalExpectedPurchasesErr]'s
// expectation, 0 for t ≤ 0, or NaN where that returns an error: a
// convenience for code that checks for NaN itself.
func (m BGNBD) ConditionalExpectedPurchases(t float64, frequency int, recency, T float64) float64 {
	if t <= 0 {
		return 0
	}
	return orNaN(m.ConditionalExpectedPurchasesErr(t, frequency, recency, T))
}

// ConditionalExpectedPurchasesErr is E[Y(t) | x, t_x, T], the expected
// number of purchases in the next t time units (t ≥ 0) of a customer with
// this history: [BGNBD.Predict]'s, with its errors.
func (m BGNBD) ConditionalExpectedPurchasesErr(t float64, frequency int, recency, T float64) (float64, error) {
	_, e, err := m.predict("BGNBD.ConditionalExpectedPurchasesErr", t, frequency, recency, T)
	return e, err
}

// bgnbdGrowth is the BG/NBD's expected number of purchases in the next t
// time units of a customer who is alive, with λ ~ Gamma(r, α) and
// p ~ Beta(a, b) (the posterior ones for a history):
//
//	(a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
//
// At a = 1 the factor 1/(a−1) meets a bracket that is 0 too (a removable
// singularity). Within 0.01 of a = 1 the value is a series in which a − 1
// cancels exactly (bgnbdGrowthSeries). Elsewhere, or where that series
// would be long, the bracket is computed as −expm1(ln q^r + ln ₂F₁), whose
// error is that of ln ₂F₁ (about 1e-14), divided by |a − 1|; within 1e-6
// of a = 1 the value is interpolated linearly between a = 1 ± 1e-6. When
// c = a+b−1 ≤ 0 (possible only without repeat purchases), ₂F₁'s
// contiguous relation
// ₂F₁(r, b; c; z) = ₂F₁(r, b; c+1; z) + rbz/(c(c+1)) ₂F₁(r+1, b+1; c+2; z)
// cancels the factor c and its pole at c = 0.
func bgnbdGrowth(r, alpha, a, b, t float64) (float64, error) {
	const eps = 1e-6
	if math.Abs(a-1) < 1e-2 {
		if g, ok := bgnbdGrowthSeries(r, alpha, a, b, t); ok {
			return g, nil
		}
	}
	if math.Abs(a-1) >= eps {
		return bgnbdGrowthAt(r, alpha, a, b, t)
	}
	lo, err := bgnbdGrowthAt(r, alpha, 1-eps, b, t)
	if err != nil {
		return 0, err
	}
	hi, err := bgnbdGrowthAt(r, alpha, 1+eps, b, t)
	if err != nil {
		return 0, err
	}
	return lo + (hi-lo)*(a-(1-eps))/(2*eps), nil
}

// bgnbdGrowthSeries is bgnbdGrowth near a = 1, where the closed form
// divides a cancelling bracket by a − 1 (the error of ₂F₁, about 1e-14 on
// its logarithm, becomes 1e-8 of the result at a − 1 = 1e-6). With
// c = a+b−1, q = α/(α+t), z = t/(α+t) and w_n = q^r (r)_n zⁿ/n! (a
// negative binomial pmf, Σ w_n = 1), the bracket is
// Σ w_n [1 − (b)_n/(c)_n], and 1 − (b)_n/(c)_n = (a−1) e_n with
// e_n = Σ_{k<n} ρ_k/(c+k), ρ_k = (b)_k/(c)_k: the a − 1 cancels exactly and
//
//	E = c · Σ_{n≥1} w_n e_n,
//
// a sum of positive terms (c, b > 0). ok is false where the sum would be
// long (the pmf's mass far out: r z/(1−z) above 2,000) or q^r underflows;
// the caller then uses the closed form.
func bgnbdGrowthSeries(r, alpha, a, b, t float64) (float64, bool) {
	c := a + b - 1
	z := t / (alpha + t)
	lnQ := -r * math.Log1p(t/alpha)
	if !(c > 0 && b > 0) || r*z/(1-z) > 2000 || lnQ < -700 {
		return 0, false
	}
	w, rho, e, sum := math.Exp(lnQ), 1.0, 0.0, 0.0
	for n := 1; n <= 100_000; n++ {
		w *= (r + float64(n-1)) / float64(n) * z
		e += rho / (c + float64(n-1))
		rho *= (b + float64(n-1)) / (c + float64(n-1))
		term := w * e
		sum += term
		// past the pmf's mode the terms fall at least like z^n·(1 + 1/n):
		// stop when what is left is below 1e-17 of the sum
		if float64(n) > r*z/(1-z)+1 && term < 1e-17*(1-z)*sum {
			return c * sum, true
		}
	}
	return 0, false
}

// bgnbdGrowthAt is bgnbdGrowth for a ≠ 1.
func bgnbdGrowthAt(r, alpha, a, b, t float64) (float64, error) {
	z := t / (alpha + t)
	lnQ := -r * math.Log1p(t/alpha) // ln (α/(α+t))^r
	c := a + b - 1
	var g float64
	if c > 0 {
		l, err := lnHyp2f1(r, b, c, z)
		if err != nil {
			return 0, err
		}
		g = c / (a - 1) * -math.Expm1(lnQ+l) // 1 − q^r·₂F₁ without cancellation near a = 1
	} else {
		l1, err := lnHyp2f1(r, b, c+1, z)
		if err != nil {
			return 0, err
		}
		l2, err := lnHyp2f1(r+1, b+1, c+2, z)
		if err != nil {
			return 0, err
		}
		g = c/(a-1)*-math.Expm1(lnQ+l1) - r*b*z/((a-1)*(c+1))*math.Exp(lnQ+l2)
	}
	if math.IsNaN(g) || math.IsInf(g, 0) {
		return 0, numErr("BG/NBD expected purchases (r=%v α=%v a=%v b=%v, t=%v) = %v", r, alpha, a, b, t, g)
	}
	return g, nil
}
