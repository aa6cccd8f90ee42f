package metrics_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
)

// checkedModel is a purchase model with its error-returning forms.
type checkedModel interface {
	metrics.PurchaseModel
	Predict(t float64, frequency int, recency, T float64) (float64, float64, error)
	PAliveErr(frequency int, recency, T float64) (float64, error)
	ConditionalExpectedPurchasesErr(t float64, frequency int, recency, T float64) (float64, error)
}

// TestErrorForms: PAliveErr and ConditionalExpectedPurchasesErr agree
// with Predict and with the convenience forms where a value exists; where
// it does not, they return the error — an InputError naming the method
// and the field for a parameter or history out of range, ErrNumerical for
// a value that cannot be computed — and the convenience forms NaN (0 for
// a horizon t ≤ 0, as documented).
func TestErrorForms(t *testing.T) {
	type model struct {
		name string
		ok   checkedModel
		// bad has R = −1; huge cannot compute ConditionalExpectedPurchases
		// (its ₂F₁ does not converge) for the history (3, 10, 20) and t = 39;
		// hugeAlive cannot compute P(alive) either.
		bad, huge checkedModel
		hugeAlive bool
	}
	models := []model{
		{"BGNBD", metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks},
			metrics.BGNBD{R: -1, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks},
			metrics.BGNBD{R: 1e308, Alpha: 1, A: 1, B: 1, Unit: metrics.Weeks}, false},
		{"MBGNBD", metrics.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614, Unit: metrics.Weeks},
			metrics.MBGNBD{R: -1, Alpha: 6.183, A: 0.891, B: 1.614, Unit: metrics.Weeks},
			metrics.MBGNBD{R: 1e308, Alpha: 1e-300, A: 1, B: 1, Unit: metrics.Weeks}, false},
		{"ParetoNBD", metrics.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669, Unit: metrics.Weeks},
			metrics.ParetoNBD{R: -1, Alpha: 10.578, S: 0.606, Beta: 11.669, Unit: metrics.Weeks},
			metrics.ParetoNBD{R: 1e200, Alpha: 1, S: 1e-200, Beta: 1e300, Unit: metrics.Weeks}, true},
	}
	inputErr := func(t *testing.T, err error, fn, field string) {
		t.Helper()
		var ie *metrics.InputError
		if !errors.As(err, &ie) || ie.Func != fn || ie.Field != field {
			t.Errorf("error %v, want an InputError of %s on %s", err, fn, field)
		}
	}
	for _, m := range models {
		t.Run(m.name+"/value", func(t *testing.T) {
			p, e, err := m.ok.Predict(39, 3, 10, 20)
			if err != nil {
				t.Fatal(err)
			}
			pa, err1 := m.ok.PAliveErr(3, 10, 20)
			ce, err2 := m.ok.ConditionalExpectedPurchasesErr(39, 3, 10, 20)
			if err1 != nil || err2 != nil || pa != p || ce != e || m.ok.PAlive(3, 10, 20) != p || m.ok.ConditionalExpectedPurchases(39, 3, 10, 20) != e {
				t.Errorf("PAliveErr %v, %v; ConditionalExpectedPurchasesErr %v, %v; PAlive %v; ConditionalExpectedPurchases %v; Predict %v, %v",
					pa, err1, ce, err2, m.ok.PAlive(3, 10, 20), m.ok.ConditionalExpectedPurchases(39, 3, 10, 20), p, e)
			}
			if ce, err := m.ok.ConditionalExpectedPurchasesErr(0, 3, 10, 20); ce != 0 || err != nil {
				t.Errorf("ConditionalExpectedPurchasesErr(0, …) = %v, %v; want 0", ce, err)
			}
		})
		t.Run(m.name+"/parameter", func(t *testing.T) {
			_, err := m.bad.PAliveErr(3, 10, 20)
			inputErr(t, err, m.name+".PAliveErr", "R")
			_, err = m.bad.ConditionalExpectedPurchasesErr(39, 3, 10, 20)
			inputErr(t, err, m.name+".ConditionalExpectedPurchasesErr", "R")
			if p, e := m.bad.PAlive(3, 10, 20), m.bad.ConditionalExpectedPurchases(39, 3, 10, 20); !math.IsNaN(p) || !math.IsNaN(e) {
				t.Errorf("PAlive %v, ConditionalExpectedPurchases %v; want NaN", p, e)
			}
		})
		t.Run(m.name+"/history", func(t *testing.T) {
			_, err := m.ok.PAliveErr(3, 21, 20) // recency beyond T
			inputErr(t, err, m.name+".PAliveErr", "recency")
			_, err = m.ok.ConditionalExpectedPurchasesErr(39, -1, 0, 20)
			inputErr(t, err, m.name+".ConditionalExpectedPurchasesErr", "frequency")
			_, err = m.ok.ConditionalExpectedPurchasesErr(-1, 3, 10, 20)
			inputErr(t, err, m.name+".ConditionalExpectedPurchasesErr", "t")
			if p := m.ok.PAlive(3, 21, 20); !math.IsNaN(p) {
				t.Errorf("PAlive(3, 21, 20) = %v, want NaN", p)
			}
			if e := m.ok.ConditionalExpectedPurchases(-1, 3, 10, 20); e != 0 {
				t.Errorf("ConditionalExpectedPurchases(−1, …) = %v, want the documented 0", e)
			}
		})
		t.Run(m.name+"/cannot be computed", func(t *testing.T) {
			e, err := m.huge.ConditionalExpectedPurchasesErr(39, 3, 10, 20)
			if !errors.Is(err, metrics.ErrNumerical) || !strings.Contains(err.Error(), m.name+".ConditionalExpectedPurchasesErr") {
				t.Errorf("ConditionalExpectedPurchasesErr = %v, %v; want ErrNumerical naming the method", e, err)
			}
			if e := m.huge.ConditionalExpectedPurchases(39, 3, 10, 20); !math.IsNaN(e) {
				t.Errorf("ConditionalExpectedPurchases = %v, want NaN", e)
			}
			p, err := m.huge.PAliveErr(3, 10, 20)
			if m.hugeAlive != (err != nil) || (err != nil && !errors.Is(err, metrics.ErrNumerical)) {
				t.Errorf("PAliveErr = %v, %v; want an ErrNumerical: %v", p, err, m.hugeAlive)
			}
			if err == nil && !(p >= 0 && p <= 1) {
				t.Errorf("PAliveErr = %v without an error", p)
			}
		})
	}
}

// TestBGBBErrorForms: the BG/BB's predictions are error-returning forms
// already; with parameters near float64's limits they return ErrNumerical
// instead of NaN.
func TestBGBBErrorForms(t *testing.T) {
	huge := metrics.BGBB{Alpha: 1e307, Beta: 1e307, Gamma: 1, Delta: 1}
	if p, err := huge.PAlive(1, 2, 3, 6); !errors.Is(err, metrics.ErrNumerical) {
		t.Errorf("PAlive = %v, %v; want ErrNumerical", p, err)
	}
	if e, err := huge.ConditionalExpectedPurchases(5, 2, 3, 6); !errors.Is(err, metrics.ErrNumerical) {
		t.Errorf("ConditionalExpectedPurchases = %v, %v; want ErrNumerical", e, err)
	}
	if p, err := bgbbPaper.PAlive(1, 2, 3, 6); err != nil || !(p > 0 && p < 1) {
		t.Errorf("PAlive at the paper's estimate = %v, %v", p, err)
	}
}

// nanModel is a PurchaseModel of another package, without error forms,
// whose predictions are NaN.
type nanModel struct{}

func (nanModel) PAlive(int, float64, float64) float64 { return math.NaN() }
func (nanModel) ConditionalExpectedPurchases(float64, int, float64, float64) float64 {
	return math.NaN()
}
func (nanModel) ExpectedPurchases(float64) float64 { return math.NaN() }
func (nanModel) ModelUnit() metrics.Unit           { return metrics.Weeks }

// TestModelErrorsReported: CLV, ForecastBase and EvaluateHoldout pass a
// model's error on with the customer (ErrNumerical), or as an InputError
// on the model for a parameter out of range; a model without error forms
// that predicts NaN is an ErrNumerical.
func TestModelErrorsReported(t *testing.T) {
	cs := []metrics.CustomerSummary{{ID: "a", Frequency: 3, Recency: 10, T: 20, Monetary: 20, HoldoutFrequency: 1, Unit: metrics.Weeks}}
	gg := metrics.GammaGamma{P: 6, Q: 4, Gamma: 15}
	h := metrics.Horizon{Steps: 3, StepLength: 13, StepUnit: metrics.Weeks}
	calls := map[string]func(metrics.PurchaseModel) error{
		"CLV": func(pm metrics.PurchaseModel) error { _, err := metrics.CLV(pm, gg, cs[0], h, 0.01, 1); return err },
		"ForecastBase": func(pm metrics.PurchaseModel) error {
			_, err := metrics.ForecastBase(pm, &gg, cs, 39, metrics.Weeks)
			return err
		},
		"EvaluateHoldout": func(pm metrics.PurchaseModel) error {
			_, err := metrics.EvaluateHoldout(pm, metrics.Holdout{Customers: cs, Unit: metrics.Weeks, Length: 39}, 0)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(metrics.BGNBD{R: 1e308, Alpha: 1, A: 1, B: 1, Unit: metrics.Weeks}); !errors.Is(err, metrics.ErrNumerical) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "2F1") {
				t.Errorf("a model that cannot compute: %v; want ErrNumerical naming %s and the cause", err, name)
			}
			var ie *metrics.InputError
			if err := call(metrics.BGNBD{R: math.NaN(), Alpha: 1, A: 1, B: 1, Unit: metrics.Weeks}); !errors.As(err, &ie) || ie.Field != "model" || ie.Func != name {
				t.Errorf("a model of NaN: %v; want an InputError of %s on model", err, name)
			}
			if err := call(nanModel{}); !errors.Is(err, metrics.ErrNumerical) {
				t.Errorf("a NaN model without error forms: %v; want ErrNumerical", err)
			}
		})
	}
}
