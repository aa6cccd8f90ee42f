package metrics

import (
	"fmt"
	"math"
	"testing"

	"pgregory.net/rapid"
)

// TestPNBDGradient compares the analytic gradient of the grouped
// likelihood (pnbdWork) with central differences of the row-by-row one.
func TestPNBDGradient(t *testing.T) {
	rows := []row{{x: 0, tx: 0, T: 30, weight: 3}, {x: 2, tx: 10, T: 38, weight: 1}, {x: 7, tx: 30.5, T: 31, weight: 2}}
	ws := newPNBDWork(rows)
	for _, p := range [][4]float64{{0.55, 10.6, 0.6, 11.7}, {0.55, 12.6, 0.6, 11.7}, {1.2, 3, 2, 5}} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			var g [4]float64
			if _, err := ws.logLik(p, &g); err != nil {
				t.Fatal(err)
			}
			for i := range 4 {
				h := 1e-6 * p[i]
				up, down := p, p
				up[i] += h
				down[i] -= h
				num := (pnbdLL(up, rows) - pnbdLL(down, rows)) / (2 * h)
				if math.Abs(num-g[i]) > 1e-5*(1+math.Abs(num)) {
					t.Errorf("d/dp%d analytic %v, numeric %v", i, g[i], num)
				}
			}
		})
	}
}

// TestBGBBGradient compares the BG/BB's analytic gradient with central
// differences, on histories with and without the dropout sum.
func TestBGBBGradient(t *testing.T) {
	rows := []discreteRow{{x: 0, tx: 0, n: 6, weight: 3}, {x: 2, tx: 4, n: 6, weight: 1}, {x: 6, tx: 6, n: 6, weight: 2}, {x: 1, tx: 1, n: 40, weight: 5}}
	for _, p := range [][4]float64{{1.204, 0.750, 0.657, 2.783}, {0.1, 3, 5, 0.2}, {7, 2, 1, 1}} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			var g [4]float64
			bgbbLogLik(p, rows, &g)
			for i := range 4 {
				h := 1e-6 * p[i]
				up, down := p, p
				up[i] += h
				down[i] -= h
				num := (bgbbLogLik(up, rows, nil) - bgbbLogLik(down, rows, nil)) / (2 * h)
				if math.Abs(num-g[i]) > 1e-6*(1+math.Abs(num)) {
					t.Errorf("d/dp%d analytic %v, numeric %v", i, g[i], num)
				}
			}
		})
	}
}

// TestMBGNBDGradient compares the MBG/NBD's analytic gradient (the BG/NBD
// work with shift 1) with central differences.
func TestMBGNBDGradient(t *testing.T) {
	rows := []row{{x: 0, tx: 0, T: 30, weight: 3}, {x: 2, tx: 10, T: 38, weight: 1}, {x: 7, tx: 30.5, T: 31, weight: 2}}
	ws := newBGNBDWork(rows)
	ws.shift = 1
	for _, p := range [][4]float64{{0.525, 6.183, 0.891, 1.614}, {2, 0.5, 3, 0.2}} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			var g [4]float64
			ws.logLik(p, &g)
			for i := range 4 {
				h := 1e-6 * p[i]
				up, down := p, p
				up[i] += h
				down[i] -= h
				num := (ws.logLik(up, nil) - ws.logLik(down, nil)) / (2 * h)
				if math.Abs(num-g[i]) > 1e-6*(1+math.Abs(num)) {
					t.Errorf("d/dp%d analytic %v, numeric %v", i, g[i], num)
				}
			}
		})
	}
}

// checkPNBDWorkMatchesRows: the grouped Pareto/NBD likelihood, which
// computes each ₂F₁ term once per distinct (x, t) and each time's
// logarithms once per distinct t, gives the row-by-row sum of
// pnbdBracketGrad and its gradient to rounding (1e-12 relative), on
// histories that share frequencies, recencies and ages (a recency of one
// row may be another's age, t_x may equal T).
func checkPNBDWorkMatchesRows(t *rapid.T) {
	ages := []float64{10, 20.5, 38.86, 39}
	n := rapid.IntRange(1, 12).Draw(t, "rows")
	var rows []row
	for range n {
		x := rapid.IntRange(0, 6).Draw(t, "x")
		T := rapid.SampledFrom(ages).Draw(t, "T")
		tx := 0.0
		if x > 0 {
			tx = rapid.OneOf(rapid.SampledFrom(ages), rapid.Float64Range(0, T)).Draw(t, "tx")
			tx = min(tx, T)
		}
		rows = append(rows, row{x: x, tx: tx, T: T, weight: float64(rapid.IntRange(1, 5).Draw(t, "weight"))})
	}
	logU := func(name string) float64 {
		return math.Exp(rapid.Float64Range(math.Log(0.05), math.Log(50)).Draw(t, name))
	}
	p := [4]float64{logU("r"), logU("alpha"), logU("s"), logU("beta")}
	var gw, gr [4]float64
	vw, errW := newPNBDWork(rows).logLik(p, &gw)
	vr, errR := pnbdLLGrad(p, rows, &gr)
	if (errW != nil) != (errR != nil) {
		t.Fatalf("grouped error %v, row by row %v", errW, errR)
	}
	if errW != nil {
		return
	}
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*(1+math.Abs(b)) }
	if !close(vw, vr) {
		t.Fatalf("grouped LL %.17g, row by row %.17g", vw, vr)
	}
	for i := range gw {
		if !close(gw[i], gr[i]) {
			t.Fatalf("grouped dLL/dp%d %.17g, row by row %.17g", i, gw[i], gr[i])
		}
	}
}

func TestPNBDWorkMatchesRows(t *testing.T) { rapid.Check(t, checkPNBDWorkMatchesRows) }
