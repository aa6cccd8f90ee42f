package metrics_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/metrics"
)

// TestFitParetoNBDExtendedCDNOW is issue 16's runaway fit: CDNOW with
// every customer's T extended by 39 weeks (no purchases in the extra
// weeks). Before the fix the ₂F₁ series gave up as β/α grew, the
// likelihood dropped terms, and the line search accepted steps that left
// the parameters unchanged, 53 evaluations an iteration, to the
// iteration limit: about 25,000 evaluations and minutes. The likelihood's
// supremum here is in the limit s, β → ∞ with s/β fixed (every customer
// dies at the same rate); the fit either converges there, within the
// documented budget, to a likelihood at least as high as at a finite point
// of that ridge, or returns an ErrFit error — within the budget either way.
func TestFitParetoNBDExtendedCDNOW(t *testing.T) {
	cs := cdnowPublished(t)
	for i := range cs {
		cs[i].T += 39
	}
	start := time.Now()
	m, rep, err := metrics.FitParetoNBD(cs)
	took := time.Since(start)
	t.Logf("%v ll=%.6f; %d iterations, %d evaluations, %v; err %v", m, rep.LogLikelihood, rep.Iterations, rep.Evaluations, took, err)
	if rep.Evaluations > 2000 {
		t.Errorf("%d evaluations, more than the documented 2,000", rep.Evaluations)
	}
	if err != nil {
		if !errors.Is(err, metrics.ErrFit) {
			t.Errorf("error %v does not wrap ErrFit", err)
		}
		return
	}
	// A point on the ridge (found by an earlier run of the fit, s = 8e4):
	// the estimate's likelihood is at least as high.
	ridge := metrics.ParetoNBD{R: 0.7012, Alpha: 11.9210, S: 79981.7891, Beta: 1449944.8610, Unit: metrics.Weeks}
	if pr := ridge.LogLikelihood(cs); !(rep.LogLikelihood >= pr-1e-6) {
		t.Errorf("LL %.6f at the estimate, %.6f on the ridge", rep.LogLikelihood, pr)
	}
	if ll := m.LogLikelihood(cs); math.Abs(ll-rep.LogLikelihood) > 1e-6 {
		t.Errorf("LogLikelihood(estimate) = %.6f, report %.6f", ll, rep.LogLikelihood)
	}
	if p := m.PAlive(0, 0, cs[0].T); !(p >= 0 && p <= 1) {
		t.Errorf("PAlive = %v", p)
	}
}
