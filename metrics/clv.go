package metrics

import (
	"fmt"
	"math"
)

// PurchaseModel is a fitted model of repeat purchases: [BGNBD], [MBGNBD]
// or [ParetoNBD]. Times are in the model's unit (ModelUnit).
type PurchaseModel interface {
	PAlive(frequency int, recency, T float64) float64
	ConditionalExpectedPurchases(t float64, frequency int, recency, T float64) float64
	ExpectedPurchases(t float64) float64
	ModelUnit() Unit
}

// predictor is a model with an error-returning Predict.
type predictor interface {
	Predict(t float64, frequency int, recency, T float64) (pAlive, purchases float64, err error)
}

// conditionalPurchases is the models' ConditionalExpectedPurchases:
// Predict's expectation, 0 for t ≤ 0, NaN where Predict fails.
func conditionalPurchases(m predictor, t float64, frequency int, recency, T float64) float64 {
	if t <= 0 {
		return 0
	}
	_, e, err := m.Predict(t, frequency, recency, T)
	if err != nil {
		return math.NaN()
	}
	return e
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
		upTo := pm.ConditionalExpectedPurchases(float64(i)*step, c.Frequency, c.Recency, c.T)
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
	for _, c := range cs {
		n := pm.ConditionalExpectedPurchases(t, c.Frequency, c.Recency, c.T)
		f.Purchases += n
		f.ExpectedAlive += pm.PAlive(c.Frequency, c.Recency, c.T)
		if gg != nil {
			f.Revenue += n * gg.ExpectedSpend(c.Frequency, c.Monetary)
		}
	}
	if math.IsNaN(f.Purchases) {
		return f, fmt.Errorf("%w: the forecast is not a number (a model parameter out of range?)", ErrFit)
	}
	return f, nil
}
