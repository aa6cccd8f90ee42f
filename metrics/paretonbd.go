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
// from the function's derivatives, computed alongside it.
func FitParetoNBD(cs []CustomerSummary) (ParetoNBD, FitReport, error) {
	const fn = "FitParetoNBD"
	unit, err := checkFitInput(fn, cs)
	if err != nil {
		return ParetoNBD{}, FitReport{}, err
	}
	rows := groupCounts(cs)
	var evalErr error // the first likelihood that could not be computed
	est, rep, err := fitLogParams("Pareto/NBD", []string{"r", "alpha", "s", "beta"}, float64(len(cs)), len(rows), func(p, g []float64) float64 {
		var grad [4]float64
		v, err := pnbdLLGrad([4]float64(p), rows, &grad)
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

// pnbdLLGrad is the weighted log-likelihood and its gradient with respect
// to (r, α, s, β), or an error if a term cannot be computed.
func pnbdLLGrad(p [4]float64, rows []row, grad *[4]float64) (float64, error) {
	r, alpha, s, beta := p[0], p[1], p[2], p[3]
	if !(r > 0 && alpha > 0 && s > 0 && beta > 0) {
		return math.Inf(-1), nil
	}
	lgR, psiR := lgamma(r), digamma(r)
	var ll float64
	var g [4]float64
	lastX := -1
	var lgRX, psiRX float64
	var memo hypMemo // rows are sorted by (x, t_x): the t_x term repeats
	for _, rw := range rows {
		x := float64(rw.x)
		if rw.x != lastX {
			lastX, lgRX, psiRX = rw.x, lgamma(r+x), digamma(r+x)
		}
		lb, d, err := pnbdBracketGrad(r, alpha, s, beta, x, rw.tx, rw.T, &memo)
		if err != nil {
			return math.NaN(), err
		}
		ll += rw.weight * (lgRX - lgR + lb)
		g[0] += rw.weight * (psiRX - psiR + d[0])
		g[1] += rw.weight * d[1]
		g[2] += rw.weight * d[2]
		g[3] += rw.weight * d[3]
	}
	*grad = g
	return ll, nil
}

// hypMemo remembers the last lnG(t_x) computed, for the next row with the
// same x and t_x.
type hypMemo struct {
	ok    bool
	x, tx float64
	l     float64
	d     [4]float64
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
// point, A₀ is below rounding and is left out. memo, if not nil, caches
// the t_x term between calls with the same parameters.
func pnbdBracketGrad(r, alpha, s, beta, x, tx, T float64, memo *hypMemo) (float64, [4]float64, error) {
	rsx := r + s + x
	t1 := -r*math.Log1p(T/alpha) - xLogY(x, math.Log(alpha+T)) - s*math.Log1p(T/beta)
	dt1 := [4]float64{-math.Log1p(T / alpha), r*T/(alpha*(alpha+T)) - x/(alpha+T), -math.Log1p(T / beta), s * T / (beta * (beta + T))}
	if tx >= T {
		return t1, dt1, nil
	}
	// lnG(t) = ln ₂F₁(…; z(t)) − (r+s+x)·ln(κ+t) + r·ln α + s·ln β, κ the
	// larger of α and β.
	lnG := func(t float64) (float64, [4]float64, error) {
		var d [4]float64
		if alpha >= beta {
			z := (alpha - beta) / (alpha + t)
			lf, fa, fb, fz, err := lnHyp2f1Grad(rsx, s+1, z, (beta+t)/(alpha+t))
			if err != nil {
				return 0, d, err
			}
			lnRatio := math.Log1p((alpha - beta + t) / beta) // ln((α+t)/β)
			d[0] = fa - math.Log1p(t/alpha)
			d[2] = fa + fb - lnRatio
			d[1] = fz*(beta+t)/((alpha+t)*(alpha+t)) - (s+x)/(alpha+t) + r*t/(alpha*(alpha+t))
			d[3] = -fz/(alpha+t) + s/beta
			return lf - r*math.Log1p(t/alpha) - s*lnRatio - xLogY(x, math.Log(alpha+t)), d, nil
		}
		z := (beta - alpha) / (beta + t)
		lf, fa, fb, fz, err := lnHyp2f1Grad(rsx, r+x, z, (alpha+t)/(beta+t))
		if err != nil {
			return 0, d, err
		}
		lnRatio := math.Log1p((beta - alpha + t) / alpha) // ln((β+t)/α)
		d[0] = fa + fb - lnRatio
		d[2] = fa - math.Log1p(t/beta)
		d[3] = fz*(alpha+t)/((beta+t)*(beta+t)) - (r+x)/(beta+t) + s*t/(beta*(beta+t))
		d[1] = -fz/(beta+t) + r/alpha
		return lf - s*math.Log1p(t/beta) - r*lnRatio - xLogY(x, math.Log(beta+t)), d, nil
	}
	var l1 float64
	var d1 [4]float64
	if memo != nil && memo.ok && memo.x == x && memo.tx == tx {
		l1, d1 = memo.l, memo.d
	} else {
		var err error
		if l1, d1, err = lnG(tx); err != nil {
			return 0, d1, err
		}
		if memo != nil {
			*memo = hypMemo{ok: true, x: x, tx: tx, l: l1, d: d1}
		}
	}
	l2, d2, err := lnG(T)
	if err != nil {
		return 0, d2, err
	}
	if l2 >= l1 {
		return t1, dt1, nil
	}
	lnCoef := math.Log(s / rsx)
	dCoef := [4]float64{-1 / rsx, 0, 1/s - 1/rsx, 0}
	t2 := lnCoef + l1 + math.Log1p(-math.Exp(l2-l1))
	lb := logAddExp(t1, t2)
	w1 := math.Exp(t1 - lb)          // share of the first term
	e1 := math.Exp(lnCoef + l1 - lb) // (s/rsx)·G(tx)/B
	e2 := math.Exp(lnCoef + l2 - lb) // (s/rsx)·G(T)/B
	var d [4]float64
	for i := range d {
		d[i] = w1*dt1[i] + (e1-e2)*dCoef[i] + e1*d1[i] - e2*d2[i]
	}
	if math.IsNaN(lb) || math.IsInf(lb, 0) {
		return 0, d, numErr("Pareto/NBD likelihood term (r=%v α=%v s=%v β=%v, x=%v t_x=%v T=%v) is %v", r, alpha, s, beta, x, tx, T, lb)
	}
	return lb, d, nil
}

// LogLikelihood is the model's log-likelihood of the summaries; NaN when
// it cannot be computed (see [ErrNumerical]), which for positive finite
// parameters does not happen.
func (m ParetoNBD) LogLikelihood(cs []CustomerSummary) float64 {
	return pnbdLL([4]float64{m.R, m.Alpha, m.S, m.Beta}, groupCounts(cs))
}

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

// Predict is the probability that a customer with this history is still
// alive at T, and their expected number of purchases in the next t time
// units, E[Y(t) | x, t_x, T] = P(alive) · (r+x)(β+T) / ((α+T)(s−1)) ·
// [1 − ((β+T)/(β+T+t))^(s−1)]. The error is an [*InputError] for a
// non-positive parameter or an impossible history, and wraps
// [ErrNumerical] if a value cannot be computed.
func (m ParetoNBD) Predict(t float64, frequency int, recency, T float64) (pAlive, purchases float64, err error) {
	if err := checkModel("ParetoNBD.Predict", [4]float64{m.R, m.Alpha, m.S, m.Beta}, [4]string{"R", "Alpha", "S", "Beta"}, t, frequency, recency, T); err != nil {
		return 0, 0, err
	}
	x := float64(frequency)
	lb, _, err := pnbdBracketGrad(m.R, m.Alpha, m.S, m.Beta, x, recency, T, nil)
	if err != nil {
		return 0, 0, err
	}
	lAlive := -m.R*math.Log1p(T/m.Alpha) - xLogY(x, math.Log(m.Alpha+T)) - m.S*math.Log1p(T/m.Beta)
	pAlive = math.Exp(lAlive - lb)
	if t == 0 {
		return pAlive, 0, nil
	}
	// (β+T)/(s−1) · [1 − ((β+T)/(β+T+t))^(s−1)], by expm1 so that s near 1
	// loses nothing; (β+T)·ln(1 + t/(β+T)) at s = 1.
	lnRatio := -math.Log1p(t / (m.Beta + T))
	var grow float64
	if m.S == 1 {
		grow = -(m.Beta + T) * lnRatio
	} else {
		grow = -(m.Beta + T) * math.Expm1((m.S-1)*lnRatio) / (m.S - 1)
	}
	purchases = pAlive * (m.R + x) / (m.Alpha + T) * grow
	if math.IsNaN(purchases) || math.IsInf(purchases, 0) || math.IsNaN(pAlive) {
		return 0, 0, numErr("ParetoNBD.Predict(%v, %d, %v, %v) with %v: P(alive) %v, purchases %v", t, frequency, recency, T, m, pAlive, purchases)
	}
	return pAlive, purchases, nil
}

// PAlive is the probability that a customer with this history is still
// alive at T: [ParetoNBD.Predict]'s, or NaN where that returns an error.
func (m ParetoNBD) PAlive(frequency int, recency, T float64) float64 {
	p, _, err := m.Predict(0, frequency, recency, T)
	if err != nil {
		return math.NaN()
	}
	return p
}

// ConditionalExpectedPurchases is E[Y(t) | x, t_x, T] for the next t time
// units: [ParetoNBD.Predict]'s, 0 for t ≤ 0, or NaN where Predict returns
// an error.
func (m ParetoNBD) ConditionalExpectedPurchases(t float64, frequency int, recency, T float64) float64 {
	return conditionalPurchases(m, t, frequency, recency, T)
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
