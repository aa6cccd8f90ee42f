package metrics

import (
	"errors"
	"fmt"
	"math"
)

// PurchaseModel is a fitted model of repeat purchases: [BGNBD], [MBGNBD]
// or [ParetoNBD]. Times are in the model's unit (ModelUnit).
//
// PAlive and ConditionalExpectedPurchases are convenience forms that
// return NaN for a value that cannot be computed. The package's models
// also have error-returning forms, PAliveErr and
// ConditionalExpectedPurchasesErr, and [CLV], [ForecastBase] and
// [EvaluateHoldout] use those when a model has them, to report why; for
// another PurchaseModel they take a NaN, infinite or out-of-range value
// as an error wrapping [ErrNumerical].
type PurchaseModel interface {
	PAlive(frequency int, recency, T float64) float64
	ConditionalExpectedPurchases(t float64, frequency int, recency, T float64) float64
	ExpectedPurchases(t float64) float64
	ModelUnit() Unit
}

// checkedModel is a PurchaseModel's error-returning forms.
type checkedModel interface {
	PAliveErr(frequency int, recency, T float64) (float64, error)
	ConditionalExpectedPurchasesErr(t float64, frequency int, recency, T float64) (float64, error)
}

// pAliveOf is pm's P(alive) for a history, or why it cannot be computed.
func pAliveOf(pm PurchaseModel, frequency int, recency, T float64) (float64, error) {
	if cm, ok := pm.(checkedModel); ok {
		return cm.PAliveErr(frequency, recency, T)
	}
	p := pm.PAlive(frequency, recency, T)
	if !(p >= 0 && p <= 1) {
		return 0, numErr("%v: P(alive) for x=%d t_x=%v T=%v is %v", pm, frequency, recency, T, p)
	}
	return p, nil
}

// conditionalOf is pm's E[Y(t) | x, t_x, T] (t ≥ 0), or why it cannot be
// computed.
func conditionalOf(pm PurchaseModel, t float64, frequency int, recency, T float64) (float64, error) {
	if cm, ok := pm.(checkedModel); ok {
		return cm.ConditionalExpectedPurchasesErr(t, frequency, recency, T)
	}
	e := pm.ConditionalExpectedPurchases(t, frequency, recency, T)
	if !(e >= 0) || math.IsInf(e, 0) {
		return 0, numErr("%v: expected purchases in %v for x=%d t_x=%v T=%v are %v", pm, t, frequency, recency, T, e)
	}
	return e, nil
}

// modelErr is fn's error for a purchase model's error on one customer
// (who names them): a refused input — the histories are checked before,
// so a parameter that is not positive and finite — is an [*InputError] on
// the model; a value that cannot be computed keeps wrapping [ErrNumerical].
func modelErr(fn string, pm PurchaseModel, who string, err error) error {
	if errors.Is(err, ErrInput) {
		return inputErr(fn, "model", "%v cannot predict for %s: %v", pm, who, err)
	}
	return fmt.Errorf("metrics: %s: %s: %w", fn, who, err)
}

// checkPrediction is a model's P(alive) and expected purchases, or an
// error wrapping [ErrNumerical] if either is not a number in its range.
func checkPrediction(fn string, names [4]string, params [4]float64, t float64, frequency int, recency, T, pAlive, purchases float64) (float64, float64, error) {
	if !(pAlive >= 0 && pAlive <= 1) || !(purchases >= 0) || math.IsInf(purchases, 0) {
		return 0, 0, numErr("%s(%v, %d, %v, %v) with %s: P(alive) %v, purchases %v", fn, t, frequency, recency, T, paramString(names, params), pAlive, purchases)
	}
	return pAlive, purchases, nil
}

// paramString writes a model's parameters for an error message, each to
// the precision it needs (a String method rounds to four decimals).
func paramString(names [4]string, params [4]float64) string {
	return fmt.Sprintf("%s=%g %s=%g %s=%g %s=%g", names[0], params[0], names[1], params[1], names[2], params[2], names[3], params[3])
}

// orNaN is v, or NaN when err is not nil: the convenience forms.
func orNaN(v float64, err error) float64 {
	if err != nil {
		return math.NaN()
	}
	return v
}

// ModelUnit is the time unit the model was fitted in.
func (m BGNBD) ModelUnit() Unit { return m.Unit }

// ModelUnit is the time unit the model was fitted in.
func (m ParetoNBD) ModelUnit() Unit { return m.Unit }

// ModelUnit is the time unit the model was fitted in.
func (m MBGNBD) ModelUnit() Unit { return m.Unit }

// Horizon is a future span cut into equal steps, each given with its
// unit: 12 steps of 30.4375 days is a year in months. It never assumes the
// model's unit.
type Horizon struct {
	Steps      int
	StepLength float64
	StepUnit   Unit
}

// in returns the step length in unit u.
func (h Horizon) in(u Unit) float64 { return h.StepLength * float64(h.StepUnit) / float64(u) }

func (h Horizon) check(fn string) error {
	switch {
	case h.Steps <= 0:
		return inputErr(fn, "Horizon.Steps", "must be positive, got %d", h.Steps)
	case !(h.StepLength > 0):
		return inputErr(fn, "Horizon.StepLength", "must be positive, got %v", h.StepLength)
	case h.StepUnit <= 0:
		return inputErr(fn, "Horizon.StepUnit", "is required")
	}
	return nil
}

// CLV is a customer's expected lifetime value over the horizon: for each
// step i, the expected purchases in it (from the purchase model) × the
// expected spend per purchase (from the spend model) × margin, discounted
// by (1 + discountRate)^i. discountRate is per step, margin a fraction in
// (0, 1] (1 for revenue). An estimate (float64).
func CLV(pm PurchaseModel, gg GammaGamma, c CustomerSummary, h Horizon, discountRate, margin float64) (float64, error) {
	const fn = "CLV"
	if err := h.check(fn); err != nil {
		return 0, err
	}
	switch {
	case math.IsNaN(discountRate) || discountRate <= -1 || discountRate > 1:
		return 0, inputErr(fn, "discountRate", "%v is outside (−1, 1]%s", discountRate, percentHint(discountRate))
	case !(margin > 0 && margin <= 1):
		return 0, inputErr(fn, "margin", "%v is outside (0, 1]%s", margin, percentHint(margin))
	}
	unit, err := checkSummaries(fn, "customer", []CustomerSummary{c})
	if err != nil {
		return 0, err
	}
	if err := checkUnit(fn, pm, unit); err != nil {
		return 0, err
	}
	step := h.in(pm.ModelUnit())
	spend := gg.ExpectedSpend(c.Frequency, c.Monetary) * margin
	var value, before float64
	for i := 1; i <= h.Steps; i++ {
		upTo, err := conditionalOf(pm, float64(i)*step, c.Frequency, c.Recency, c.T)
		if err != nil {
			return 0, modelErr(fn, pm, fmt.Sprintf("customer %q", c.ID), err)
		}
		value += (upTo - before) * spend / math.Pow(1+discountRate, float64(i))
		before = upTo
	}
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return 0, fmt.Errorf("%w: CLV: the value is %v (a model parameter out of range, or a spend that is not a number?)", ErrNumerical, value)
	}
	return value, nil
}

// Forecast is what a customer base is expected to bring over a future
// span: estimates (float64).
type Forecast struct {
	Customers int
	// Purchases is the expected number of (repeat) purchases.
	Purchases float64
	// Revenue is Purchases weighted by each customer's expected spend; 0
	// when no spend model is given.
	Revenue float64
	// ExpectedAlive is the sum of P(alive): the expected number of
	// customers still active at the end of the data.
	ExpectedAlive float64
}

// ForecastBase sums the purchase model's conditional expectations over
// the customers for the next span (length in unit), and their revenue with
// the spend model if gg is not nil: the minimum revenue the existing base
// can be expected to bring next period (new customers come on top). The
// summaries must be in the model's unit; the span may be in any.
func ForecastBase(pm PurchaseModel, gg *GammaGamma, cs []CustomerSummary, length float64, unit Unit) (Forecast, error) {
	const fn = "ForecastBase"
	cu, err := checkSummaries(fn, "customers", cs)
	if err != nil {
		return Forecast{}, err
	}
	if err := checkUnit(fn, pm, cu); err != nil {
		return Forecast{}, err
	}
	if !(length > 0) || unit <= 0 {
		return Forecast{}, inputErr(fn, "length", "must be positive with a unit, got %v %v", length, unit)
	}
	t := length * float64(unit) / float64(pm.ModelUnit())
	f := Forecast{Customers: len(cs)}
	for i, c := range cs {
		n, err := conditionalOf(pm, t, c.Frequency, c.Recency, c.T)
		if err != nil {
			return Forecast{}, modelErr(fn, pm, fmt.Sprintf("customers[%d] (%s)", i, c.ID), err)
		}
		p, err := pAliveOf(pm, c.Frequency, c.Recency, c.T)
		if err != nil {
			return Forecast{}, modelErr(fn, pm, fmt.Sprintf("customers[%d] (%s)", i, c.ID), err)
		}
		f.Purchases += n
		f.ExpectedAlive += p
		if gg != nil {
			f.Revenue += n * gg.ExpectedSpend(c.Frequency, c.Monetary)
		}
	}
	if math.IsNaN(f.Revenue) || math.IsInf(f.Revenue, 0) {
		return Forecast{}, fmt.Errorf("%w: ForecastBase: the revenue is %v (a spend model parameter out of range?)", ErrNumerical, f.Revenue)
	}
	return f, nil
}
