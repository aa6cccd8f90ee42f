package metrics_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
)

// TestRobustPredictions: no NaN or Inf for frequencies up to 10,000 and T
// up to 20 years in days, for every purchase model (CDNOW's estimates
// converted to days), whatever the recency; P(alive) stays in [0, 1] and
// the expectation is finite and at most a plausible bound (the rate of the
// busiest history times the span, with room).
func TestRobustPredictions(t *testing.T) {
	models := map[string]interface {
		Predict(t float64, x int, tx, T float64) (float64, float64, error)
	}{
		"BG/NBD":     metrics.BGNBD{R: 0.243, Alpha: 4.414 * 7, A: 0.793, B: 2.426, Unit: metrics.Days},
		"MBG/NBD":    metrics.MBGNBD{R: 0.525, Alpha: 6.183 * 7, A: 0.891, B: 1.614, Unit: metrics.Days},
		"Pareto/NBD": metrics.ParetoNBD{R: 0.553, Alpha: 10.58 * 7, S: 0.606, Beta: 11.67 * 7, Unit: metrics.Days},
	}
	const T = 20 * 365
	for name, m := range models {
		for _, x := range []int{0, 1, 10, 100, 1000, 5000, 10000} {
			for _, tx := range []float64{0, 1, 100, T / 2, T - 1, T} {
				if (x == 0) != (tx == 0) {
					continue
				}
				p, e, err := m.Predict(365, x, tx, T)
				if err != nil || !(p >= 0 && p <= 1) || math.IsNaN(e) || math.IsInf(e, 0) || e < 0 || e > 2*365*float64(x+1)/T+1 {
					t.Errorf("%s.Predict(365, %d, %v, %v) = %v, %v, %v", name, x, tx, T, p, e, err)
				}
			}
		}
	}
}

// TestFitsRefuseDegenerateData: data with no repeat purchase, or with no
// difference between customers, have no maximum-likelihood estimate (the
// likelihood's supremum is at the edge of the parameter space); the fits
// say so with ErrFit instead of returning the point where the optimiser
// stopped (before: BG/NBD "converged" to r = 2.4e49 on the second).
func TestFitsRefuseDegenerateData(t *testing.T) {
	var none, same []metrics.CustomerSummary
	for i := range 100 {
		none = append(none, metrics.CustomerSummary{T: float64(10 + i), Unit: metrics.Weeks})
		same = append(same, metrics.CustomerSummary{Frequency: 10000 - i, Recency: 7000, T: 7300, Unit: metrics.Days})
	}
	fits := map[string]func([]metrics.CustomerSummary) error{
		"FitBGNBD":     func(cs []metrics.CustomerSummary) error { _, _, err := metrics.FitBGNBD(cs); return err },
		"FitMBGNBD":    func(cs []metrics.CustomerSummary) error { _, _, err := metrics.FitMBGNBD(cs); return err },
		"FitParetoNBD": func(cs []metrics.CustomerSummary) error { _, _, err := metrics.FitParetoNBD(cs); return err },
	}
	for name, fit := range fits {
		if err := fit(none); !errors.Is(err, metrics.ErrFit) || !strings.Contains(err.Error(), "bought again") {
			t.Errorf("%s of customers without repeat purchases: %v", name, err)
		}
		if err := fit(same); !errors.Is(err, metrics.ErrFit) {
			t.Errorf("%s of identical heavy buyers: %v", name, err)
		}
	}
}
