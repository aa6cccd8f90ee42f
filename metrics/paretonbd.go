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
// from the series' derivatives, summed alongside it.
func FitParetoNBD(cs []CustomerSummary, unit Unit) (ParetoNBD, FitReport, error) {
	const fn = "FitParetoNBD"
	if err := checkSummaries(fn, cs); err != nil {
		return ParetoNBD{}, FitReport{}, err
	}
	if unit <= 0 {
		return ParetoNBD{}, FitReport{}, inputErr(fn, "unit", "is required")
	}
	rows := groupCounts(cs)
	est, rep, err := fitLogParams("Pareto/NBD", 4, float64(len(cs)), len(rows), func(p, g []float64) float64 {
		var grad [4]float64
		v := pnbdLLGrad([4]float64(p), rows, &grad)
		copy(g, grad[:])
		return v
	})
	return ParetoNBD{R: est[0], Alpha: est[1], S: est[2], Beta: est[3], Unit: unit}, rep, err
}

// pnbdLLGrad is the weighted log-likelihood and its gradient with respect
// to (r, α, s, β).
func pnbdLLGrad(p [4]float64, rows []row, grad *[4]float64) float64 {
	r, alpha, s, beta := p[0], p[1], p[2], p[3]
	if !(r > 0 && alpha > 0 && s > 0 && beta > 0) {
		return math.Inf(-1)
	}
	lgR, psiR := lgamma(r), digamma(r)
	lnA, lnB := math.Log(alpha), math.Log(beta)
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
		lb, d := pnbdBracketGrad(r, alpha, s, beta, x, rw.tx, rw.T, &memo)
		ll += rw.weight * (lgRX - lgR + r*lnA + s*lnB + lb)
		g[0] += rw.weight * (psiRX - psiR + lnA + d[0])
		g[1] += rw.weight * (r/alpha + d[1])
		g[2] += rw.weight * (lnB + d[2])
		g[3] += rw.weight * (s/beta + d[3])
	}
	*grad = g
	return ll
}

// hypMemo remembers the last lnG(t_x) computed, for the next row with the
// same x and t_x.
type hypMemo struct {
	ok    bool
	x, tx float64
	l     float64
	d     [4]float64
}

// pnbdBracketGrad is ln{ 1/((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A₀ } of
// the Pareto/NBD likelihood and its gradient in (r, α, s, β). A₀ is a
// difference of two hypergeometric terms, lnG(t_x) and lnG(T); the series
// argument stays in [0, 1) by expanding around the larger of α and β.
// memo, if not nil, caches the t_x term between calls with the same
// parameters.
func pnbdBracketGrad(r, alpha, s, beta, x, tx, T float64, memo *hypMemo) (float64, [4]float64) {
	rsx := r + s + x
	t1 := -(r+x)*math.Log(alpha+T) - s*math.Log(beta+T)
	dt1 := [4]float64{-math.Log(alpha + T), -(r + x) / (alpha + T), -math.Log(beta + T), -s / (beta + T)}
	if tx >= T {
		return t1, dt1
	}
	// lnG(t) = ln ₂F₁(…; z(t)) − (r+s+x)·ln(κ+t), κ the larger of α and β.
	lnG := func(t float64) (float64, [4]float64) {
		var d [4]float64
		if alpha >= beta {
			z := (alpha - beta) / (alpha + t)
			f, fa, fb, fc, fz := hyp2f1Grad(rsx, s+1, z)
			l := math.Log(alpha + t)
			d[0] = (fa+fc)/f - l
			d[2] = (fa+fb+fc)/f - l
			d[1] = fz*(beta+t)/((alpha+t)*(alpha+t))/f - rsx/(alpha+t)
			d[3] = -fz / (alpha + t) / f
			return math.Log(f) - rsx*l, d
		}
		z := (beta - alpha) / (beta + t)
		f, fa, fb, fc, fz := hyp2f1Grad(rsx, r+x, z)
		l := math.Log(beta + t)
		d[0] = (fa+fb+fc)/f - l
		d[2] = (fa+fc)/f - l
		d[3] = fz*(alpha+t)/((beta+t)*(beta+t))/f - rsx/(beta+t)
		d[1] = -fz / (beta + t) / f
		return math.Log(f) - rsx*l, d
	}
	var l1 float64
	var d1 [4]float64
	if memo != nil && memo.ok && memo.x == x && memo.tx == tx {
		l1, d1 = memo.l, memo.d
	} else {
		l1, d1 = lnG(tx)
		if memo != nil {
			*memo = hypMemo{ok: true, x: x, tx: tx, l: l1, d: d1}
		}
	}
	l2, d2 := lnG(T)
	if !(l2 < l1) {
		return t1, dt1
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
	return lb, d
}

// LogLikelihood is the model's log-likelihood of the summaries.
func (m ParetoNBD) LogLikelihood(cs []CustomerSummary) float64 {
	return pnbdLL([4]float64{m.R, m.Alpha, m.S, m.Beta}, groupCounts(cs))
}

func pnbdLL(p [4]float64, rows []row) float64 {
	var g [4]float64
	return pnbdLLGrad(p, rows, &g)
}

func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// PAlive is the probability that a customer with this history is still
// alive at T.
func (m ParetoNBD) PAlive(frequency int, recency, T float64) float64 {
	x := float64(frequency)
	lb, _ := pnbdBracketGrad(m.R, m.Alpha, m.S, m.Beta, x, recency, T, nil)
	lAlive := -(m.R+x)*math.Log(m.Alpha+T) - m.S*math.Log(m.Beta+T)
	return math.Exp(lAlive - lb)
}

// ConditionalExpectedPurchases is E[Y(t) | x, t_x, T] for the next t time
// units: P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)].
func (m ParetoNBD) ConditionalExpectedPurchases(t float64, frequency int, recency, T float64) float64 {
	if t <= 0 {
		return 0
	}
	x := float64(frequency)
	var grow float64
	if math.Abs(m.S-1) < 1e-9 {
		grow = (m.Beta + T) * math.Log((m.Beta+T+t)/(m.Beta+T))
	} else {
		grow = (m.Beta + T) / (m.S - 1) * (1 - math.Pow((m.Beta+T)/(m.Beta+T+t), m.S-1))
	}
	return m.PAlive(frequency, recency, T) * (m.R + x) / (m.Alpha + T) * grow
}

// ExpectedPurchases is E[X(t)] for a customer who has just made their
// first purchase: r β / (α (s−1)) · [1 − (β/(β+t))^(s−1)].
func (m ParetoNBD) ExpectedPurchases(t float64) float64 {
	if t <= 0 {
		return 0
	}
	if math.Abs(m.S-1) < 1e-9 {
		return m.R * m.Beta / m.Alpha * math.Log((m.Beta+t)/m.Beta)
	}
	return m.R * m.Beta / (m.Alpha * (m.S - 1)) * (1 - math.Pow(m.Beta/(m.Beta+t), m.S-1))
}
