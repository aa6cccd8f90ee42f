package metrics

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"
)

func TestInvertSPD(t *testing.T) {
	a := [][]float64{{4, 2, 0.6}, {2, 5, 1}, {0.6, 1, 3}}
	inv, ok := invertSPD(a)
	if !ok {
		t.Fatal("a positive definite matrix refused")
	}
	for i := range a {
		for j := range a {
			var s float64
			for k := range a {
				s += a[i][k] * inv[k][j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(s-want) > 1e-12 {
				t.Errorf("(A·A⁻¹)[%d][%d] = %v", i, j, s)
			}
		}
	}
	for _, bad := range [][][]float64{
		{{1, 2}, {2, 1}},          // indefinite
		{{1, 1}, {1, 1}},          // singular
		{{math.NaN(), 0}, {0, 1}}, // not a number
		{{math.Inf(1), 0}, {0, 1}},
	} {
		if _, ok := invertSPD(bad); ok {
			t.Errorf("invertSPD(%v) accepted", bad)
		}
	}
}

// TestUncertaintyUnavailable: a likelihood that cannot be computed next
// to the estimate, or a flat one (information not positive definite),
// gives no standard errors and says why.
func TestUncertaintyUnavailable(t *testing.T) {
	nan := func(x, g []float64) float64 { return math.NaN() }
	if u := uncertainty([]string{"a"}, nan, []float64{0}, 10); u.StdErr != nil || u.Unavailable == "" {
		t.Errorf("NaN likelihood: %+v", u)
	}
	flat := func(x, g []float64) float64 {
		for i := range g {
			g[i] = 0
		}
		return 1
	}
	if u := uncertainty([]string{"a", "b"}, flat, []float64{0, 0}, 10); u.StdErr != nil || u.Unavailable == "" {
		t.Errorf("flat likelihood: %+v", u)
	}
	// a quadratic with known curvature: −mean LL = (x−1)²/2 per customer
	// in ln p, n = 100: var(ln p) = 1/100.
	quad := func(x, g []float64) float64 {
		g[0] = x[0] - 1
		return (x[0] - 1) * (x[0] - 1) / 2
	}
	u := uncertainty([]string{"a"}, quad, []float64{1}, 100)
	if u.StdErr == nil || math.Abs(u.LogCov[0][0]-0.01) > 1e-12 || math.Abs(u.StdErr[0]-math.E*0.1) > 1e-12 {
		t.Errorf("quadratic: %+v", u)
	}
}

// BenchmarkUncertainty times the standard errors alone (the observed
// information and its inverse) against the fit they follow, on CDNOW:
// the target is at most 2× the fit's own time.
func BenchmarkUncertainty(b *testing.B) {
	// The CDNOW summary, read here (refdata imports metrics).
	f0, err := os.Open("../internal/refdata/data/cdnow/cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		b.Fatal(err)
	}
	recs, err := csv.NewReader(f0).ReadAll()
	f0.Close()
	if err != nil {
		b.Fatal(err)
	}
	var cs []CustomerSummary
	for _, r := range recs[1:] {
		x, _ := strconv.Atoi(r[1])
		tx, _ := strconv.ParseFloat(r[2], 64)
		T, _ := strconv.ParseFloat(r[3], 64)
		cs = append(cs, CustomerSummary{Frequency: x, Recency: tx, T: T, Unit: Weeks})
	}
	m, _, err := FitBGNBD(cs)
	if err != nil {
		b.Fatal(err)
	}
	ws := newBGNBDWork(groupCounts(cs))
	n := float64(len(cs))
	f := func(theta, grad []float64) float64 {
		var p [4]float64
		for i := range p {
			p[i] = math.Exp(theta[i])
		}
		var g [4]float64
		v := ws.logLik(p, &g)
		for i := range grad {
			grad[i] = -g[i] * p[i] / n
		}
		return -v / n
	}
	theta := []float64{math.Log(m.R), math.Log(m.Alpha), math.Log(m.A), math.Log(m.B)}
	names := []string{"r", "alpha", "a", "b"}
	b.Run("BGNBD/cdnow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if u := uncertainty(names, f, theta, n); u.StdErr == nil {
				b.Fatal(u.Unavailable)
			}
		}
	})
}
