package metrics_test

import (
	"errors"
	"math"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
)

// grouped is cs with identical histories (frequency, recency, T,
// monetary) merged into one row with their Count, as a distributed
// engine sends them to the fitting worker.
func grouped(cs []metrics.CustomerSummary) []metrics.CustomerSummary {
	type key struct {
		x        int
		tx, T, m float64
	}
	at := map[key]int{}
	var out []metrics.CustomerSummary
	for _, c := range cs {
		k := key{c.Frequency, c.Recency, c.T, c.Monetary}
		if i, ok := at[k]; ok {
			out[i].Count++
			continue
		}
		at[k] = len(out)
		c.Count = 1
		out = append(out, c)
	}
	return out
}

// TestWeightedRows: each fit on grouped rows (Count) gives the fit on the
// customers one by one, to 1e-9.
func TestWeightedRows(t *testing.T) {
	cs := cdnowPublished(t)
	rows := grouped(cs)
	if len(rows) >= len(cs) {
		t.Fatalf("%d rows from %d customers: nothing grouped", len(rows), len(cs))
	}
	near := func(name string, a, b []float64) {
		t.Helper()
		for i := range a {
			if math.Abs(a[i]-b[i]) > 1e-9*math.Max(1, math.Abs(a[i])) {
				t.Errorf("%s: %v on rows, %v one by one", name, b, a)
				return
			}
		}
	}
	bg, _, err1 := metrics.FitBGNBD(cs)
	bgR, _, err2 := metrics.FitBGNBD(rows)
	near("BG/NBD", []float64{bg.R, bg.Alpha, bg.A, bg.B, bg.LogLikelihood(cs)}, []float64{bgR.R, bgR.Alpha, bgR.A, bgR.B, bgR.LogLikelihood(rows)})
	mb, _, err3 := metrics.FitMBGNBD(cs)
	mbR, _, err4 := metrics.FitMBGNBD(rows)
	near("MBG/NBD", []float64{mb.R, mb.Alpha, mb.A, mb.B}, []float64{mbR.R, mbR.Alpha, mbR.A, mbR.B})
	pn, _, err5 := metrics.FitParetoNBD(cs)
	pnR, _, err6 := metrics.FitParetoNBD(rows)
	near("Pareto/NBD", []float64{pn.R, pn.Alpha, pn.S, pn.Beta}, []float64{pnR.R, pnR.Alpha, pnR.S, pnR.Beta})
	gg, _, err7 := metrics.FitGammaGamma(cs)
	ggR, _, err8 := metrics.FitGammaGamma(rows)
	near("Gamma-Gamma", []float64{gg.P, gg.Q, gg.Gamma, gg.LogLikelihood(cs)}, []float64{ggR.P, ggR.Q, ggR.Gamma, ggR.LogLikelihood(rows)})
	if err := errors.Join(err1, err2, err3, err4, err5, err6, err7, err8); err != nil {
		t.Fatal(err)
	}
	// Rows are for the fits: predictions are per customer.
	if _, err := metrics.ForecastBase(bgR, nil, rows, 39, metrics.Weeks); !errors.Is(err, metrics.ErrInput) {
		t.Errorf("a forecast over grouped rows: %v, want ErrInvalidInput", err)
	}
	bad := append([]metrics.CustomerSummary(nil), rows...)
	bad[0].Count = -1
	if _, _, err := metrics.FitBGNBD(bad); !errors.Is(err, metrics.ErrInput) {
		t.Errorf("a negative count: %v", err)
	}
}
