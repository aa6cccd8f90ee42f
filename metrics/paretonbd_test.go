package metrics_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
)

// TestFitParetoNBDPublished: the paper reports r = 0.553, α = 10.578,
// s = 0.606, β = 11.669, LL = −9,595.0 (Fader, Hardie & Lee 2005), and
// CLVTools r=0.5533 α=10.5778 s=0.6062 β=11.6687 LL=−9594.97. The
// likelihood is flat along a ridge in (α, β): LL changes by less than
// 1e-5 between β = 11.665 and 11.670. Our fit reaches a likelihood at least
// as high as the published estimates (so it is at least as good a
// maximum), r and s agree to four decimals, α and β to 1e-4 relative.
func TestFitParetoNBDPublished(t *testing.T) {
	cs := cdnowPublished(t)
	m, rep, err := metrics.FitParetoNBD(cs)
	if err != nil {
		t.Fatal(err)
	}
	published := metrics.ParetoNBD{R: 0.5533, Alpha: 10.5778, S: 0.6062, Beta: 11.6687, Unit: metrics.Weeks}
	if pub := published.LogLikelihood(cs); rep.LogLikelihood < pub-1e-9 {
		t.Errorf("fit LL %.7f is below the published estimates' LL %.7f", rep.LogLikelihood, pub)
	}
	if got := fmt.Sprintf("r=%.4f s=%.4f ll=%.2f", m.R, m.S, rep.LogLikelihood); got != "r=0.5533 s=0.6062 ll=-9594.97" {
		t.Errorf("FitParetoNBD(CDNOW) = %s, want r=0.5533 s=0.6062 ll=-9594.97", got)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"alpha", m.Alpha, published.Alpha}, {"beta", m.Beta, published.Beta}} {
		t.Run(c.name, func(t *testing.T) {
			if math.Abs(c.got-c.want)/c.want > 1e-4 {
				t.Errorf("%s = %.5f, published %.4f", c.name, c.got, c.want)
			}
		})
	}
	t.Logf("%v ll=%.6f; %d iterations, %d likelihood evaluations", m, rep.LogLikelihood, rep.Iterations, rep.Evaluations)
}
