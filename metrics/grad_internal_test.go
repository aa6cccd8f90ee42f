package metrics

import (
	"fmt"
	"math"
	"testing"
)

// TestPNBDGradient compares the analytic gradient with central differences.
func TestPNBDGradient(t *testing.T) {
	rows := []row{{x: 0, tx: 0, T: 30, weight: 3}, {x: 2, tx: 10, T: 38, weight: 1}, {x: 7, tx: 30.5, T: 31, weight: 2}}
	for _, p := range [][4]float64{{0.55, 10.6, 0.6, 11.7}, {0.55, 12.6, 0.6, 11.7}, {1.2, 3, 2, 5}} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			var g [4]float64
			if _, err := pnbdLLGrad(p, rows, &g); err != nil {
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
