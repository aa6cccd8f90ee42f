package metrics

import (
	"fmt"
	"math"
)

// ParetoNBD is a fitted Pareto/NBD model (Schmittlein, Morrison &
// Colombo 1987; likelihood as in Fader & Hardie 2005, "A Note on Deriving
// the Pareto/NBD Model"): while alive a customer buys at a Poisson rate
// λ ~ Gamma(R, Alpha) and stays alive for an exponential time with rate
// μ ~ Gamma(S, Beta). Time is in the unit of the summaries it was fitted
// on. Outputs are float64 estimates.
type ParetoNBD struct {
	R, Alpha, S, Beta float64
	Unit              Unit
}

func (m ParetoNBD) String() string {
	return fmt.Sprintf("pnbd r=%.4f alpha=%.4f s=%.4f beta=%.4f", m.R, m.Alpha, m.S, m.Beta)
}

// FitParetoNBD estimates a Pareto/NBD model by maximum likelihood. The
// likelihood needs the Gauss hypergeometric function; its gradient comes
// from the function's derivatives, computed alongside it. Identical
// summaries are grouped, and each ₂F₁ term is computed once per distinct
// (frequency, time) pair of the data (see [pnbdWork]).
func FitParetoNBD(cs []CustomerSummary) (ParetoNBD, FitReport, error) {
	const fn = "FitParetoNBD"
	unit, err := checkFitInput(fn, cs)
	if err != nil {
		return ParetoNBD{}, FitReport{}, err
	}
	rows := groupCounts(cs)
	ws := newPNBDWork(rows)
	var evalErr error // the first likelihood that could not be computed
	scale := timeScale(cs)
	est, rep, err := fitLogParams("Pareto/NBD", []string{"r", "alpha", "s", "beta"}, []float64{1, scale, 1, scale}, customers(cs), len(rows), func(p, g []float64) float64 {
		var grad [4]float64
		v, err := ws.logLik([4]float64(p), &grad)
		if err != nil {
			if evalErr == nil {
				evalErr = err
			}
			return math.NaN() // the line search steps back from it
		}
		copy(g, grad[:])
		return v
	})
	if err != nil && evalErr != nil {
		err = fmt.Errorf("%w (a likelihood on the way could not be computed: %w)", err, evalErr)
	}
	return ParetoNBD{R: est[0], Alpha: est[1], S: est[2], Beta: est[3], Unit: unit}, rep, err
}

// pnbdWork holds grouped rows and what the Pareto/NBD likelihood on them
// shares between rows. A row (x, t_x, T) needs three terms: one in T
// alone and two hypergeometric terms lnG(x, t_x) and lnG(x, T) (see
// [pnbdBracketGrad]). On CDNOW's 1,016 distinct rows (1,003 of them with
// t_x < T, which need both) there are 940 distinct (x, t) pairs that need
// a ₂F₁, against 2,006 terms row by row, and 269 distinct times, whose
// logarithms are computed once each.
type pnbdWork struct {
	rows  []row
	times []float64 // the distinct t_x and T values
	// per row: the index of T in times, and of its (x, t_x) and (x, T)
	// terms in terms (-1 for t_x when t_x ≥ T: no dropout term).
	rowT, rowG1, rowG2 []int
	terms              []pnbdTermKey
	// scratch, per evaluation
	tv []pnbdTime
	tg []pnbdG
}

type pnbdTermKey struct {
	x  int
	it int // index in times
}

// pnbdG is lnG at one (x, t) and its gradient in (r, α, s, β).
type pnbdG struct {
	l float64
	d [4]float64
}

func newPNBDWork(rows []row) *pnbdWork {
	w := &pnbdWork{rows: rows, rowT: make([]int, len(rows)), rowG1: make([]int, len(rows)), rowG2: make([]int, len(rows))}
	timeIdx := map[float64]int{}
	timeOf := func(t float64) int {
		i, ok := timeIdx[t]
		if !ok {
			i = len(w.times)
			timeIdx[t] = i
			w.times = append(w.times, t)
		}
		return i
	}
	termIdx := map[pnbdTermKey]int{}
	termOf := func(x int, t float64) int {
		k := pnbdTermKey{x, timeOf(t)}
		i, ok := termIdx[k]
		if !ok {
			i = len(w.terms)
			termIdx[k] = i
			w.terms = append(w.terms, k)
		}
		return i
	}
	for i, rw := range rows {
		w.rowT[i] = timeOf(rw.T)
		w.rowG1[i], w.rowG2[i] = -1, -1
		if rw.tx < rw.T {
			w.rowG1[i] = termOf(rw.x, rw.tx)
			w.rowG2[i] = termOf(rw.x, rw.T)
		}
	}
	w.tv = make([]pnbdTime, len(w.times))
	w.tg = make([]pnbdG, len(w.terms))
	return w
}

// logLik is the weighted log-likelihood over the grouped rows (sorted by
// x) and, when grad is not nil, its gradient with respect to (r, α, s, β),
// or an error if a term cannot be computed. It gives the same sums as
// adding [pnbdBracketGrad] row by row: the same terms, computed once.
func (w *pnbdWork) logLik(p [4]float64, grad *[4]float64) (float64, error) {
	r, alpha, s, beta := p[0], p[1], p[2], p[3]
	if !(r > 0 && alpha > 0 && s > 0 && beta > 0) {
		return math.Inf(-1), nil
	}
	for i, t := range w.times {
		w.tv[i] = pnbdTimeAt(alpha, beta, t)
	}
	for i, k := range w.terms {
		l, d, err := pnbdLnG(r, alpha, s, beta, float64(k.x), w.times[k.it], &w.tv[k.it])
		if err != nil {
			return math.NaN(), err
		}
		w.tg[i] = pnbdG{l, d}
	}
	lgR, psiR := lgamma(r), digamma(r)
	var ll float64
	var g [4]float64
	lastX := -1
	var lgRX, psiRX float64
	var coef pnbdCoef
	for i, rw := range w.rows {
		x := float64(rw.x)
		if rw.x != lastX {
			lastX, lgRX, psiRX = rw.x, lgamma(r+x), digamma(r+x)
			coef = pnbdCoefAt(r, s, x)
		}
		t1, dt1 := pnbdT1(r, alpha, s, beta, x, rw.T, &w.tv[w.rowT[i]])
		lb, d := t1, dt1
		if j := w.rowG1[i]; j >= 0 {
			var ok bool
			if lb, d, ok = pnbdCombine(&coef, t1, dt1, &w.tg[j], &w.tg[w.rowG2[i]]); !ok {
				return math.NaN(), pnbdTermErr(r, alpha, s, beta, x, rw.tx, rw.T, lb)
			}
		}
		ll += rw.weight * (lgRX - lgR + lb)
		g[0] += rw.weight * (psiRX - psiR + d[0])
		g[1] += rw.weight * d[1]
		g[2] += rw.weight * d[2]
		g[3] += rw.weight * d[3]
	}
	if grad != nil {
		*grad = g
	}
	return ll, nil
}

// pnbdTime holds what the Pareto/NBD likelihood needs of one time t at
// given α and β: ln(1+t/α), ln(1+t/β), ln(α+t), ln(β+t), and, with κ the
// larger of α and β and λ the smaller, ln((κ+t)/λ) and the argument of ₂F₁,
// z = |α−β|/(κ+t) with 1 − z = (λ+t)/(κ+t).
type pnbdTime struct {
	l1a, l1b, lnAT, lnBT, lnRatio, z, zc float64
	iat, ibt                             float64 // 1/(α+t), 1/(β+t)
}

func pnbdTimeAt(alpha, beta, t float64) pnbdTime {
	tv := pnbdTime{l1a: math.Log1p(t / alpha), l1b: math.Log1p(t / beta), lnAT: math.Log(alpha + t), lnBT: math.Log(beta + t),
		iat: 1 / (alpha + t), ibt: 1 / (beta + t)}
	if alpha >= beta {
		tv.z, tv.zc = (alpha-beta)/(alpha+t), (beta+t)/(alpha+t)
		tv.lnRatio = math.Log1p((alpha - beta + t) / beta) // ln((α+t)/β)
	} else {
		tv.z, tv.zc = (beta-alpha)/(beta+t), (alpha+t)/(beta+t)
		tv.lnRatio = math.Log1p((beta - alpha + t) / alpha) // ln((β+t)/α)
	}
	return tv
}

// pnbdT1 is the first term of the bracket of [pnbdBracketGrad],
// −r·ln(1+T/α) − x·ln(α+T) − s·ln(1+T/β) (the log-likelihood of staying
// alive through T, less its x-only part), and its gradient; tv is T's.
func pnbdT1(r, alpha, s, beta, x, T float64, tv *pnbdTime) (float64, [4]float64) {
	return -r*tv.l1a - xLogY(x, tv.lnAT) - s*tv.l1b,
		[4]float64{-tv.l1a, (r*T/alpha - x) * tv.iat, -tv.l1b, s * T / beta * tv.ibt}
}

// pnbdLnG is lnG(t) = ln ₂F₁(…; z(t)) − (r+s+x)·ln(κ+t) + r·ln α + s·ln β
// (κ the larger of α and β) and its gradient in (r, α, s, β); tv is t's.
func pnbdLnG(r, alpha, s, beta, x, t float64, tv *pnbdTime) (float64, [4]float64, error) {
	var d [4]float64
	rsx := r + s + x
	if alpha >= beta {
		lf, fa, fb, fz, err := lnHyp2f1Grad(rsx, s+1, tv.z, tv.zc)
		if err != nil {
			return 0, d, err
		}
		d[0] = fa - tv.l1a
		d[2] = fa + fb - tv.lnRatio
		d[1] = (fz*(beta+t)*tv.iat - (s + x) + r*t/alpha) * tv.iat
		d[3] = -fz*tv.iat + s/beta
		return lf - r*tv.l1a - s*tv.lnRatio - xLogY(x, tv.lnAT), d, nil
	}
	lf, fa, fb, fz, err := lnHyp2f1Grad(rsx, r+x, tv.z, tv.zc)
	if err != nil {
		return 0, d, err
	}
	d[0] = fa + fb - tv.lnRatio
	d[2] = fa - tv.l1b
	d[3] = (fz*(alpha+t)*tv.ibt - (r + x) + s*t/beta) * tv.ibt
	d[1] = -fz*tv.ibt + r/alpha
	return lf - s*tv.l1b - r*tv.lnRatio - xLogY(x, tv.lnBT), d, nil
}

// pnbdCoef is the coefficient s/(r+s+x) of the bracket's second term,
// as its logarithm and the gradient of that in (r, α, s, β): it depends on
// x alone, so the grouped likelihood computes it once per frequency.
type pnbdCoef struct {
	ln float64
	d  [4]float64
}

func pnbdCoefAt(r, s, x float64) pnbdCoef {
	rsx := r + s + x
	return pnbdCoef{math.Log(s / rsx), [4]float64{-1 / rsx, 0, 1/s - 1/rsx, 0}}
}

// pnbdCombine is ln(e^t1 + s/(r+s+x)·(G(t_x) − G(T))), the bracket of
// [pnbdBracketGrad] from its terms (g1 = lnG(t_x), g2 = lnG(T)), and its
// gradient from theirs; t1 alone when G(T) ≥ G(t_x) in floating point
// (the difference is below rounding). The sum is taken relative to the
// larger of e^t1 and s/(r+s+x)·G(t_x), so that it neither overflows nor
// underflows: two exponentials and a logarithm. ok is false when the
// result is not finite.
func pnbdCombine(c *pnbdCoef, t1 float64, dt1 [4]float64, g1, g2 *pnbdG) (lb float64, d [4]float64, ok bool) {
	if g2.l >= g1.l {
		return t1, dt1, true
	}
	c1 := c.ln + g1.l // ln of (s/rsx)·G(t_x)
	var a, e1 float64 // e^t1 and (s/rsx)·G(t_x), over the larger
	m := t1
	if c1 > t1 {
		m, a, e1 = c1, math.Exp(t1-c1), 1
	} else {
		a, e1 = 1, math.Exp(c1-t1)
	}
	q := math.Exp(g2.l - g1.l) // G(T)/G(t_x), below 1
	sum := a + e1*(1-q)
	lb = m + math.Log(sum)
	inv := 1 / sum
	w1, e1, e2 := a*inv, e1*inv, e1*q*inv // the shares of e^t1, (s/rsx)·G(t_x) and (s/rsx)·G(T)
	for i := range d {
		d[i] = w1*dt1[i] + (e1-e2)*c.d[i] + e1*g1.d[i] - e2*g2.d[i]
	}
	return lb, d, !math.IsNaN(lb) && !math.IsInf(lb, 0)
}

// pnbdTermErr is the error for a likelihood term that is not finite.
func pnbdTermErr(r, alpha, s, beta, x, tx, T, lb float64) error {
	return numErr("Pareto/NBD likelihood term (r=%v α=%v s=%v β=%v, x=%v t_x=%v T=%v) is %v", r, alpha, s, beta, x, tx, T, lb)
}

// pnbdBracketGrad is ln{ α^r β^s · [1/((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A₀] }
// of the Pareto/NBD likelihood and its gradient in (r, α, s, β). A₀ is a
// difference of two hypergeometric terms, G(t_x) − G(T); the argument of
// ₂F₁ stays in [0, 1) by expanding around the larger of α and β, and
// lnHyp2f1Grad evaluates it over all of [0, 1) (by the series or by
// Euler's integral) or returns an error — never NaN. The factor α^r β^s
// is taken inside so that r·ln α − r·ln(α+T) becomes −r·ln1p(T/α): with
// large s and β (a narrow death-rate distribution) the two logarithms are
// large and nearly equal, and their difference would lose the precision a
// fit needs. When t_x is so close to T that G(T) ≥ G(t_x) in floating
// point, A₀ is below rounding and is left out.
func pnbdBracketGrad(r, alpha, s, beta, x, tx, T float64) (float64, [4]float64, error) {
	tvT := pnbdTimeAt(alpha, beta, T)
	t1, dt1 := pnbdT1(r, alpha, s, beta, x, T, &tvT)
	if tx >= T {
		return t1, dt1, nil
	}
	tvX := pnbdTimeAt(alpha, beta, tx)
	l1, d1, err := pnbdLnG(r, alpha, s, beta, x, tx, &tvX)
	if err != nil {
		return 0, d1, err
	}
	l2, d2, err := pnbdLnG(r, alpha, s, beta, x, T, &tvT)
	if err != nil {
		return 0, d2, err
	}
	c := pnbdCoefAt(r, s, x)
	lb, d, ok := pnbdCombine(&c, t1, dt1, &pnbdG{l1, d1}, &pnbdG{l2, d2})
	if !ok {
		return 0, d, pnbdTermErr(r, alpha, s, beta, x, tx, T, lb)
	}
	return lb, d, nil
}

// pnbdLLGrad is the weighted log-likelihood of rows and its gradient
// with respect to (r, α, s, β), row by row with [pnbdBracketGrad] — the
// reference [pnbdWork.logLik] is checked against — or an error if a term
// cannot be computed.
func pnbdLLGrad(p [4]float64, rows []row, grad *[4]float64) (float64, error) {
	r, alpha, s, beta := p[0], p[1], p[2], p[3]
	if !(r > 0 && alpha > 0 && s > 0 && beta > 0) {
		return math.Inf(-1), nil
	}
	lgR, psiR := lgamma(r), digamma(r)
	var ll float64
	var g [4]float64
	for _, rw := range rows {
		x := float64(rw.x)
		lb, d, err := pnbdBracketGrad(r, alpha, s, beta, x, rw.tx, rw.T)
		if err != nil {
			return math.NaN(), err
		}
		ll += rw.weight * (lgamma(r+x) - lgR + lb)
		g[0] += rw.weight * (digamma(r+x) - psiR + d[0])
		g[1] += rw.weight * d[1]
		g[2] += rw.weight * d[2]
		g[3] += rw.weight * d[3]
	}
	*grad = g
	return ll, nil
}

// LogLikelihood is the model's log-likelihood of the summaries; NaN when
// it cannot be computed (see [ErrNumerical]), which for positive finite
// parameters does not happen.
func (m ParetoNBD) LogLikelihood(cs []CustomerSummary) float64 {
	v, err := newPNBDWork(groupCounts(cs)).logLik([4]float64{m.R, m.Alpha, m.S, m.Beta}, nil)
	if err != nil {
		return math.NaN()
	}
	return v
}

// pnbdLL is the row-by-row log-likelihood (see pnbdLLGrad), NaN where it
// cannot be computed.
func pnbdLL(p [4]float64, rows []row) float64 {
	var g [4]float64
	v, err := pnbdLLGrad(p, rows, &g)
	if err != nil {
		return math.NaN()
	}
	return v
}

func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// checkParams checks that a model's parameters are positive and finite.
func checkParams(fn string, params [4]float64, names [4]string) error {
	for i, p := range params {
		if !(p > 0) || math.IsInf(p, 0) {
			return inputErr(fn, names[i], "must be positive and finite, got %v", p)
		}
	}
	return nil
}

// checkModel checks a model's parameters and a customer history for the
// prediction methods.
func checkModel(fn string, params [4]float64, names [4]string, t float64, frequency int, recency, T float64) error {
	if err := checkParams(fn, params, names); err != nil {
		return err
	}
	switch {
	case !(t >= 0) || math.IsInf(t, 0):
		return inputErr(fn, "t", "must be ≥ 0 and finite, got %v", t)
	case frequency < 0:
		return inputErr(fn, "frequency", "must be ≥ 0, got %d", frequency)
	case !(T >= 0) || math.IsInf(T, 0):
		return inputErr(fn, "T", "must be ≥ 0 and finite, got %v", T)
	case !(recency >= 0 && recency <= T):
		return inputErr(fn, "recency", "must be in [0, T = %v], got %v", T, recency)
	}
	return nil
}

var pnbdNames = [4]string{"R", "Alpha", "S", "Beta"}

func (m ParetoNBD) params() [4]float64 { return [4]float64{m.R, m.Alpha, m.S, m.Beta} }

// Predict is the probability that a customer with this history is still
// alive at T, and their expected number of purchases in the next t time
// units, E[Y(t) | x, t_x, T] = P(alive) · (r+x)(β+T) / ((α+T)(s−1)) ·
// [1 − ((β+T)/(β+T+t))^(s−1)]. The error is an [*InputError] for a
// non-positive parameter or an impossible history, and wraps
// [ErrNumerical] if a value cannot be computed.
func (m ParetoNBD) Predict(t float64, frequency int, recency, T float64) (pAlive, purchases float64, err error) {
	return m.predict("ParetoNBD.Predict", t, frequency, recency, T)
}

func (m ParetoNBD) predict(fn string, t float64, frequency int, recency, T float64) (pAlive, purchases float64, err error) {
	if err := checkModel(fn, m.params(), pnbdNames, t, frequency, recency, T); err != nil {
		return 0, 0, err
	}
	x := float64(frequency)
	lb, _, err := pnbdBracketGrad(m.R, m.Alpha, m.S, m.Beta, x, recency, T)
	if err != nil {
		return 0, 0, fmt.Errorf("%s(%v, %d, %v, %v) with %s: %w", fn, t, frequency, recency, T, paramString(pnbdNames, m.params()), err)
	}
	lAlive := -m.R*math.Log1p(T/m.Alpha) - xLogY(x, math.Log(m.Alpha+T)) - m.S*math.Log1p(T/m.Beta)
	pAlive = math.Exp(lAlive - lb)
	if t > 0 {
		// (β+T)/(s−1) · [1 − ((β+T)/(β+T+t))^(s−1)], by expm1 so that s
		// near 1 loses nothing; (β+T)·ln(1 + t/(β+T)) at s = 1.
		lnRatio := -math.Log1p(t / (m.Beta + T))
		var grow float64
		if m.S == 1 {
			grow = -(m.Beta + T) * lnRatio
		} else {
			grow = -(m.Beta + T) * math.Expm1((m.S-1)*lnRatio) / (m.S - 1)
		}
		purchases = pAlive * (m.R + x) / (m.Alpha + T) * grow
	}
	return checkPrediction(fn, pnbdNames, m.params(), t, frequency, recency, T, pAlive, purchases)
}

// PAlive is [ParetoNBD.PAliveErr]'s probability, or NaN where that
// returns an error: a convenience for code that checks for NaN itself.
func (m ParetoNBD) PAlive(frequency int, recency, T float64) float64 {
	return orNaN(m.PAliveErr(frequency, recency, T))
}

// PAliveErr is the probability that a customer with this history is
// still alive at T: [ParetoNBD.Predict]'s, with its errors.
func (m ParetoNBD) PAliveErr(frequency int, recency, T float64) (float64, error) {
	p, _, err := m.predict("ParetoNBD.PAliveErr", 0, frequency, recency, T)
	return p, err
}

// ConditionalExpectedPurchases is [ParetoNBD.ConditionalExpectedPurchasesErr]'s
// expectation, 0 for t ≤ 0, or NaN where that returns an error: a
// convenience for code that checks for NaN itself.
func (m ParetoNBD) ConditionalExpectedPurchases(t float64, frequency int, recency, T float64) float64 {
	if t <= 0 {
		return 0
	}
	return orNaN(m.ConditionalExpectedPurchasesErr(t, frequency, recency, T))
}

// ConditionalExpectedPurchasesErr is E[Y(t) | x, t_x, T], the expected
// number of purchases in the next t time units (t ≥ 0) of a customer with
// this history: [ParetoNBD.Predict]'s, with its errors.
func (m ParetoNBD) ConditionalExpectedPurchasesErr(t float64, frequency int, recency, T float64) (float64, error) {
	_, e, err := m.predict("ParetoNBD.ConditionalExpectedPurchasesErr", t, frequency, recency, T)
	return e, err
}

// ExpectedPurchases is E[X(t)] for a customer who has just made their
// first purchase: r β / (α (s−1)) · [1 − (β/(β+t))^(s−1)].
func (m ParetoNBD) ExpectedPurchases(t float64) float64 {
	if t <= 0 {
		return 0
	}
	lnRatio := -math.Log1p(t / m.Beta)
	if m.S == 1 {
		return -m.R * m.Beta / m.Alpha * lnRatio
	}
	return -m.R * m.Beta / (m.Alpha * (m.S - 1)) * math.Expm1((m.S-1)*lnRatio)
}
