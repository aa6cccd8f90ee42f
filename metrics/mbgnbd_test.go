package metrics_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
)

// MBGNBD is a PurchaseModel.
var _ metrics.PurchaseModel = metrics.MBGNBD{}

// TestFitMBGNBDPublished: lifetimes' ModifiedBetaGeoFitter on the CDNOW
// summary gives r = 0.525, α = 6.183, a = 0.891, b = 1.614, which its
// test_params_out_is_close_to_BTYDplus checks (to ±1.5e-3) against
// Platzer's BTYDplus (R). The log-likelihood, −9,582.13, is this fit's own
// (no published figure was found); it is pinned so that a change shows,
// and the published rounded estimates must not beat it.
func TestFitMBGNBDPublished(t *testing.T) {
	cs := cdnowPublished(t)
	m, rep, err := metrics.FitMBGNBD(cs)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("r=%.3f alpha=%.3f a=%.3f b=%.3f ll=%.2f", m.R, m.Alpha, m.A, m.B, rep.LogLikelihood)
	want := "r=0.525 alpha=6.183 a=0.891 b=1.614 ll=-9582.13"
	if got != want {
		t.Errorf("FitMBGNBD(CDNOW) = %s\nwant                %s", got, want)
	}
	pub := metrics.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614, Unit: metrics.Weeks}
	if ll := pub.LogLikelihood(cs); ll > rep.LogLikelihood {
		t.Errorf("published estimates' LL %.6f above the fit's %.6f", ll, rep.LogLikelihood)
	}
	if m.Unit != metrics.Weeks || m.ModelUnit() != metrics.Weeks {
		t.Errorf("unit %v", m.Unit)
	}
	t.Logf("%v ll=%.6f; %d groups, %d iterations, %d evaluations", m, rep.LogLikelihood, rep.Groups, rep.Iterations, rep.Evaluations)
}

// hyp2f1Series is the plain power series of ₂F₁(a, b; c; z), for z ≤ 1/2
// here: an independent check of the library's ₂F₁ (which may integrate).
func hyp2f1Series(a, b, c, z float64) float64 {
	sum, term := 1.0, 1.0
	for n := 0.0; n < 10000; n++ {
		term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
		sum += term
		if math.Abs(term) < 1e-17*sum {
			break
		}
	}
	return sum
}

// TestMBGNBDFormulas checks the predictions at the CDNOW estimates
// against the formulas of lifetimes' ModifiedBetaGeoFitter
// (Batislam et al. 2007 with Wagner & Hoppe's 2008 erratum), evaluated
// here literally with a power-series ₂F₁:
//   - E[X(t)] = b/(a−1) · [1 − ₂F₁(r, b+1; a+b; t/(α+t)) (α/(α+t))^r];
//   - E[Y(t) | x, t_x, T] = (a+b+x)/(a−1) · [1 − ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t)) ((α+T)/(α+T+t))^(r+x)]
//     / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x));
//   - P(alive) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)).
func TestMBGNBDFormulas(t *testing.T) {
	m := metrics.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614, Unit: metrics.Weeks}
	r, alpha, a, b := m.R, m.Alpha, m.A, m.B
	for _, tt := range []float64{0.1429, 1, 3, 6} { // t/(α+t) ≤ 1/2
		want := b / (a - 1) * (1 - hyp2f1Series(r, b+1, a+b, tt/(alpha+tt))*math.Pow(alpha/(alpha+tt), r))
		if got := m.ExpectedPurchases(tt); math.Abs(got-want) > 1e-10*want {
			t.Errorf("ExpectedPurchases(%v) = %.15g, formula %.15g", tt, got, want)
		}
	}
	for _, c := range []struct {
		t, tx, T float64
		x        int
	}{
		{10, 30.43, 38.86, 2}, {39, 30.43, 38.86, 2}, {20, 0, 30, 0}, {30, 5, 38, 10}, {5, 38, 38.5, 1},
	} {
		x := float64(c.x)
		den := 1 + a/(b+x)*math.Pow((alpha+c.T)/(alpha+c.tx), r+x)
		num := (a + b + x) / (a - 1) * (1 - hyp2f1Series(r+x, b+x+1, a+b+x, c.t/(alpha+c.T+c.t))*math.Pow((alpha+c.T)/(alpha+c.T+c.t), r+x))
		p, e, err := m.Predict(c.t, c.x, c.tx, c.T)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(p-1/den) > 1e-13 || math.Abs(e-num/den) > 1e-10*num/den {
			t.Errorf("Predict(%v, %d, %v, %v) = %.15g, %.15g; formulas %.15g, %.15g", c.t, c.x, c.tx, c.T, p, e, 1/den, num/den)
		}
		if pa := m.PAlive(c.x, c.tx, c.T); pa != p {
			t.Errorf("PAlive %v, Predict's %v", pa, p)
		}
		if ce := m.ConditionalExpectedPurchases(c.t, c.x, c.tx, c.T); ce != e {
			t.Errorf("ConditionalExpectedPurchases %v, Predict's %v", ce, e)
		}
	}
	// Unlike the BG/NBD, a customer without repeat purchases may have
	// dropped out: P(alive | x = 0, T = 38.86) = 1/(1 + a/b · ((α+T)/α)^r) < 1.
	if p := m.PAlive(0, 0, 38.86); !(p < 1) {
		t.Errorf("PAlive(0, 0, 38.86) = %v, want < 1", p)
	}
}

func TestMBGNBDInputErrors(t *testing.T) {
	cs := cdnowPublished(t)[:3]
	noUnit := append([]metrics.CustomerSummary(nil), cs...)
	noUnit[2].Unit = 0
	if _, _, err := metrics.FitMBGNBD(noUnit); !errors.Is(err, metrics.ErrInput) {
		t.Errorf("FitMBGNBD without a unit: %v", err)
	}
	bad := append([]metrics.CustomerSummary(nil), cs...)
	bad[1].Recency = bad[1].T + 1
	var ie *metrics.InputError
	if _, _, err := metrics.FitMBGNBD(bad); !errors.As(err, &ie) || ie.Field != "customers" {
		t.Errorf("FitMBGNBD with recency > T: %v", err)
	}
	m := metrics.MBGNBD{R: 0.5, Alpha: -1, A: 1, B: 1, Unit: metrics.Weeks}
	if _, _, err := m.Predict(1, 0, 0, 1); !errors.As(err, &ie) || ie.Field != "Alpha" {
		t.Errorf("Predict with α < 0: %v", err)
	}
	if v := m.ExpectedPurchases(1); !math.IsNaN(v) {
		t.Errorf("ExpectedPurchases with α < 0 = %v, want NaN", v)
	}
}
