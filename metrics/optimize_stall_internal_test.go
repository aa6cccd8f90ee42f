package metrics

import (
	"math"
	"strings"
	"testing"
)

// TestBFGSStops: bfgs ends every search within its budget and says why
// it did not converge.
func TestBFGSStops(t *testing.T) {
	tests := []struct {
		name     string
		f        objective
		x0       []float64
		maxIter  int
		maxEvals int
		stop     string // a part of res.stop; "" for converged
		evals    int    // the most evaluations allowed
		bound    float64
	}{
		{
			// f is flat but its gradient says 1: the Armijo test passes only
			// once the step is below x's resolution (about 40 halvings), so
			// x never changes. Before the fix this repeated to maxIter.
			name:    "stall on steepest descent",
			f:       func(x, g []float64) float64 { g[0] = 1; return 1 },
			x0:      []float64{1e6},
			maxIter: 500, maxEvals: 100000,
			stop: "stalled", evals: 100,
		},
		{
			// Two coordinates: the first BFGS step changes the estimate of
			// the inverse Hessian, then a flat f with a constant gradient
			// stalls; bfgs restarts from steepest descent once, then stops.
			name: "stall after a BFGS update",
			f: func(x, g []float64) float64 {
				if x[0] == 0 && x[1] == 0 {
					g[0], g[1] = 1, 2
					return 10
				}
				g[0], g[1] = 1, 1
				return 1
			},
			x0:      []float64{0, 0},
			maxIter: 500, maxEvals: 100000,
			stop: "stalled", evals: 300,
		},
		{
			// Unbounded below: every step is accepted, so only the limits
			// stop it.
			name:    "evaluation budget",
			f:       func(x, g []float64) float64 { g[0] = -1; return -x[0] },
			x0:      []float64{0},
			maxIter: 1000, maxEvals: 50,
			stop: "limit of 50 evaluations", evals: 50,
		},
		{
			// The same with a bound on x: it stops when x passes it.
			name:    "runs past the bound",
			f:       func(x, g []float64) float64 { g[0] = -1; return -x[0] },
			x0:      []float64{0},
			maxIter: 1000, maxEvals: 1000, bound: 30,
			stop: "coordinate 0 ran to", evals: 32,
		},
		{
			name:    "iteration limit",
			f:       func(x, g []float64) float64 { g[0] = -1; return -x[0] },
			x0:      []float64{0},
			maxIter: 20, maxEvals: 1000,
			stop: "after 20 iterations", evals: 21,
		},
		{
			name:    "NaN at the start",
			f:       func(x, g []float64) float64 { return math.NaN() },
			x0:      []float64{0},
			maxIter: 20, maxEvals: 1000,
			stop: "at the start is NaN", evals: 1,
		},
		{
			name: "no acceptable step (f is NaN everywhere else)",
			f: func(x, g []float64) float64 {
				g[0] = 1
				if x[0] == 0 {
					return 0
				}
				return math.NaN()
			},
			x0:      []float64{0},
			maxIter: 20, maxEvals: 1000,
			stop: "no acceptable step", evals: 62,
		},
		{
			name: "quadratic converges",
			f: func(x, g []float64) float64 {
				g[0], g[1] = 2*(x[0]-3), 20*(x[1]+1)
				return (x[0]-3)*(x[0]-3) + 10*(x[1]+1)*(x[1]+1)
			},
			x0:      []float64{0, 0},
			maxIter: 100, maxEvals: 1000,
			stop: "", evals: 60,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := bfgs(tc.f, tc.x0, 1e-9, tc.maxIter, tc.maxEvals, tc.bound)
			if tc.stop == "" {
				if !res.converged || res.stop != "" {
					t.Errorf("did not converge: %q", res.stop)
				}
			} else if res.converged || !strings.Contains(res.stop, tc.stop) {
				t.Errorf("converged %v, stop %q; want a stop containing %q", res.converged, res.stop, tc.stop)
			}
			if (res.edge >= 0) != strings.Contains(tc.stop, "ran to") {
				t.Errorf("edge %d, stop %q", res.edge, res.stop)
			}
			if res.evaluations > tc.evals || res.evaluations > tc.maxEvals {
				t.Errorf("%d evaluations, want at most %d", res.evaluations, tc.evals)
			}
			t.Logf("%d iterations, %d evaluations: %s", res.iterations, res.evaluations, res.stop)
		})
	}
}
