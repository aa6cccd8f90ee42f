package metrics_test

import (
	"fmt"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
)

// TestFitGammaGammaPublished fits the 946 repeat customers of the summary
// built from the raw CDNOW transactions (unrounded spend), as Fader &
// Hardie (2013) do: p = 6.25, q = 3.74, γ = 15.44, LL = −4,055.92.
func TestFitGammaGammaPublished(t *testing.T) {
	cs, _ := cdnowSample(t)
	m, rep, err := metrics.FitGammaGamma(cs)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%s ll=%.2f", m, rep.LogLikelihood)
	want := "gammagamma p=6.2496 q=3.7442 gamma=15.4435 ll=-4055.92"
	if got != want {
		t.Errorf("FitGammaGamma(CDNOW) = %s\nwant                  %s", got, want)
	}
	if rep.Groups > 946 {
		t.Errorf("%d groups from 946 repeat customers", rep.Groups)
	}
}
