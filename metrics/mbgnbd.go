package metrics

import (
	"fmt"
	"math"
)

// MBGNBD is a fitted MBG/NBD model (Batislam, Denizel & Filiztekin 2007,
// "Empirical validation and comparison of models for customer base
// analysis", International Journal of Research in Marketing 24(3); with
// Wagner & Hoppe's 2008 erratum): the BG/NBD's story (purchases at a
// Poisson rate λ ~ Gamma(R, Alpha), dropout with probability
// p ~ Beta(A, B) after each purchase), except that a customer may also
// drop out right after the first purchase, so a customer without repeat
// purchases is not certainly alive. Time is in the unit of the summaries
// it was fitted on. All outputs are float64 estimates.
type MBGNBD struct {
	R, Alpha, A, B float64
	Unit           Unit
}

var mbgnbdNames = [4]string{"R", "Alpha", "A", "B"}

func (m MBGNBD) params() [4]float64 { return [4]float64{m.R, m.Alpha, m.A, m.B} }

func (m MBGNBD) String() string {
	return fmt.Sprintf("mbgnbd r=%.4f alpha=%.4f a=%.4f b=%.4f", m.R, m.Alpha, m.A, m.B)
}

// FitMBGNBD estimates an MBG/NBD model by maximum likelihood from
// customer summaries (all in one Unit, which the model takes), like [FitBGNBD]: BFGS with
// the analytic gradient over the summaries grouped by identical values.
// The likelihood of a customer with history (x, t_x, T) is
//
//	B(a, b+x+1)/B(a, b) · Γ(r+x) α^r/Γ(r) · [(α+T)^−(r+x) + a/(b+x) · (α+t_x)^−(r+x)].
func FitMBGNBD(cs []CustomerSummary) (MBGNBD, FitReport, error) {
	est, unit, rep, err := fitBGFamily("FitMBGNBD", "MBG/NBD", 1, cs)
	if est == nil {
		return MBGNBD{}, rep, err
	}
	return MBGNBD{R: est[0], Alpha: est[1], A: est[2], B: est[3], Unit: unit}, rep, err
}

// LogLikelihood is the model's log-likelihood of the summaries.
func (m MBGNBD) LogLikelihood(cs []CustomerSummary) float64 {
	ws := newBGNBDWork(groupCounts(cs))
	ws.shift = 1
	return ws.logLik(m.params(), nil)
}

// PAlive is [MBGNBD.PAliveErr]'s probability, or NaN where that returns
// an error: a convenience for code that checks for NaN itself.
func (m MBGNBD) PAlive(frequency int, recency, T float64) float64 {
	return orNaN(m.PAliveErr(frequency, recency, T))
}

// PAliveErr is the probability that a customer with this history is
// still active at T: 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)) (Batislam
// et al. 2007, appendix eq. 5), below 1 even without repeat purchases. The
// error is an [*InputError] for a parameter that is not positive and
// finite or an impossible history, and wraps [ErrNumerical] if the value
// cannot be computed.
func (m MBGNBD) PAliveErr(frequency int, recency, T float64) (float64, error) {
	p, _, err := m.predict("MBGNBD.PAliveErr", 0, frequency, recency, T)
	return p, err
}

// pAlive is PAliveErr's formula, for a checked model and history.
func (m MBGNBD) pAlive(frequency int, recency, T float64) float64 {
	x := float64(frequency)
	lnD := math.Log(m.A) - math.Log(m.B+x) + (m.R+x)*(math.Log(m.Alpha+T)-math.Log(m.Alpha+recency))
	return 1 / (1 + math.Exp(lnD))
}

// Predict is the probability that a customer with this history is still
// active at T, and their expected number of purchases in the next t time
// units (Wagner & Hoppe 2008):
//
//	E[Y(t) | x, t_x, T] = P(alive) · (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))],
//
// the BG/NBD's expectation for an alive customer with b+x+1 in place of
// b+x. The error is an [*InputError] for a non-positive parameter or an
// impossible history, and wraps [ErrNumerical] if a value cannot be
// computed.
func (m MBGNBD) Predict(t float64, frequency int, recency, T float64) (pAlive, purchases float64, err error) {
	return m.predict("MBGNBD.Predict", t, frequency, recency, T)
}

func (m MBGNBD) predict(fn string, t float64, frequency int, recency, T float64) (pAlive, purchases float64, err error) {
	if err := checkModel(fn, m.params(), mbgnbdNames, t, frequency, recency, T); err != nil {
		return 0, 0, err
	}
	pAlive = m.pAlive(frequency, recency, T)
	if t > 0 {
		x := float64(frequency)
		g, err := bgnbdGrowth(m.R+x, m.Alpha+T, m.A, m.B+x+1, t)
		if err != nil {
			return 0, 0, fmt.Errorf("%s(%v, %d, %v, %v) with %s: %w", fn, t, frequency, recency, T, paramString(mbgnbdNames, m.params()), err)
		}
		purchases = pAlive * g
	}
	return checkPrediction(fn, mbgnbdNames, m.params(), t, frequency, recency, T, pAlive, purchases)
}

// ConditionalExpectedPurchases is [MBGNBD.ConditionalExpectedPurchasesErr]'s
// expectation, 0 for t ≤ 0, or NaN where that returns an error: a
// convenience for code that checks for NaN itself.
func (m MBGNBD) ConditionalExpectedPurchases(t float64, frequency int, recency, T float64) float64 {
	if t <= 0 {
		return 0
	}
	return orNaN(m.ConditionalExpectedPurchasesErr(t, frequency, recency, T))
}

// ConditionalExpectedPurchasesErr is E[Y(t) | x, t_x, T], the expected
// number of purchases in the next t time units (t ≥ 0) of a customer with
// this history: [MBGNBD.Predict]'s, with its errors.
func (m MBGNBD) ConditionalExpectedPurchasesErr(t float64, frequency int, recency, T float64) (float64, error) {
	_, e, err := m.predict("MBGNBD.ConditionalExpectedPurchasesErr", t, frequency, recency, T)
	return e, err
}

// ExpectedPurchases is E[X(t)], the expected number of purchases in a
// period of length t of a customer who has just made their first
// purchase: b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))]
// (Batislam et al. 2007), that is the probability b/(a+b) of surviving
// the first purchase times the BG/NBD's expectation with b+1 in place of
// b; NaN if it cannot be computed (a parameter not positive and finite).
func (m MBGNBD) ExpectedPurchases(t float64) float64 {
	if t <= 0 {
		return 0
	}
	if err := checkModel("MBGNBD.ExpectedPurchases", m.params(), mbgnbdNames, t, 0, 0, 0); err != nil {
		return math.NaN()
	}
	g, err := bgnbdGrowth(m.R, m.Alpha, m.A, m.B+1, t)
	if err != nil {
		return math.NaN()
	}
	return m.B / (m.A + m.B) * g
}
