package metrics

import (
	"fmt"
	"math"
)

// meanGradTol is the fits' convergence test: the largest component of the
// gradient of the mean log-likelihood (per customer) with respect to the
// log-parameters. 3e-11 per customer is 7e-8 on CDNOW's 2,357-customer sum.
const meanGradTol = 3e-11

// objective is a function to minimise with its gradient; it returns +Inf
// where it is not defined.
type objective func(x, grad []float64) float64

type optResult struct {
	x           []float64
	f           float64
	iterations  int
	evaluations int
	converged   bool
	// stop says why the search stopped without converging.
	stop string
	// edge is the coordinate that ran past the bound, or -1.
	edge int
}

// bfgs minimises f from x0 with the BFGS quasi-Newton method and a
// backtracking (Armijo) line search. It stops when the largest gradient
// component is below gtol (converged), or, without converging:
//   - after maxIter iterations;
//   - after maxEvals evaluations of f in all — the bound on its work, as
//     each line search may evaluate f up to 61 times;
//   - when the search stalls: a line search whose accepted step leaves x
//     unchanged in float64, or decreases neither f nor the gradient (the
//     decrease the Armijo test asks for rounded away before f decreased).
//     The first stall restarts from steepest descent (forgetting the
//     inverse Hessian estimate); a stall on a steepest descent step stops,
//     since the next iteration would repeat it.
//   - when a line search finds no acceptable step in 61 halvings;
//   - when a coordinate of x passes ±bound (if bound > 0): the search is
//     running to the edge of the region where f has a minimum (res.edge
//     says which coordinate).
//
// Why this optimiser: the models' log-likelihoods are smooth with analytic
// gradients, and BFGS reaches the published estimates in 20–40 iterations
// (each one likelihood and gradient pass over the grouped data), where
// Nelder–Mead needs hundreds of passes for the same precision.
func bfgs(f objective, x0 []float64, gtol float64, maxIter, maxEvals int, bound float64) optResult {
	n := len(x0)
	x := append([]float64(nil), x0...)
	g := make([]float64, n)
	fx := f(x, g)
	res := optResult{evaluations: 1, edge: -1}
	h := identity(n) // inverse Hessian estimate
	steepest := true // h is the identity
	xNew, gNew, dir, s, y := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	finish := func(stop string) optResult {
		res.x, res.f = x, fx
		if maxAbs(g) < gtol && !math.IsNaN(fx) {
			res.converged, res.stop = true, ""
		} else {
			res.stop = stop
		}
		return res
	}
	if math.IsNaN(fx) || math.IsInf(fx, 0) {
		return finish(fmt.Sprintf("the objective at the start is %v", fx))
	}
	for iter := 0; iter < maxIter; iter++ {
		res.iterations = iter
		if maxAbs(g) < gtol {
			return finish("")
		}
		for i := range dir {
			dir[i] = 0
			for j := range g {
				dir[i] -= h[i][j] * g[j]
			}
		}
		slope := dot(dir, g)
		if slope >= 0 { // not a descent direction: restart from steepest descent
			h, steepest = identity(n), true
			for i := range dir {
				dir[i] = -g[i]
			}
			slope = dot(dir, g)
		}
		step := 1.0
		var fNew float64
		for k := 0; ; k++ {
			if res.evaluations >= maxEvals {
				return finish(fmt.Sprintf("stopped at the limit of %d evaluations", maxEvals))
			}
			for i := range x {
				xNew[i] = x[i] + step*dir[i]
			}
			fNew = f(xNew, gNew)
			res.evaluations++
			if !math.IsNaN(fNew) && fNew <= fx+1e-4*step*slope {
				break
			}
			// Near the optimum the decrease falls below float64 resolution;
			// then a step that does not raise f beyond rounding and shrinks
			// the gradient is progress.
			if !math.IsNaN(fNew) && fNew-fx <= 1e-14*math.Abs(fx) && maxAbs(gNew) < maxAbs(g) {
				break
			}
			if k == 60 {
				return finish("the line search found no acceptable step")
			}
			step *= 0.5
		}
		moved := false
		for i := range x {
			s[i] = xNew[i] - x[i]
			y[i] = gNew[i] - g[i]
			moved = moved || s[i] != 0
		}
		if !moved || (fNew >= fx && maxAbs(gNew) >= maxAbs(g)) {
			// The Armijo test passed only because the decrease it asks for
			// rounded away: the step left x (or f and the gradient)
			// unchanged, and the next iteration would repeat this one.
			if steepest {
				return finish(fmt.Sprintf("the line search stalled: no step along the steepest descent direction decreases f or its gradient (largest gradient component %.3g, tolerance %.3g)", maxAbs(g), gtol))
			}
			h, steepest = identity(n), true
			continue
		}
		if sy := dot(s, y); sy > 1e-12 {
			if iter == 0 { // scale the first estimate to the curvature seen
				scale := sy / dot(y, y)
				for i := range h {
					h[i][i] = scale
				}
			}
			updateInverse(h, s, y, sy)
			steepest = false
		}
		copy(x, xNew)
		copy(g, gNew)
		fx = fNew
		if bound > 0 {
			for i, v := range x {
				if math.Abs(v) > bound {
					res.edge = i
					return finish(fmt.Sprintf("coordinate %d ran to %g, past ±%g", i, v, bound))
				}
			}
		}
	}
	return finish(fmt.Sprintf("stopped after %d iterations", maxIter))
}

// updateInverse applies the BFGS update to the inverse Hessian h:
// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/(yᵀs).
func updateInverse(h [][]float64, s, y []float64, sy float64) {
	n := len(s)
	rho := 1 / sy
	hy := make([]float64, n)
	for i := range n {
		for j := range n {
			hy[i] += h[i][j] * y[j]
		}
	}
	yhy := dot(y, hy)
	for i := range n {
		for j := range n {
			h[i][j] += -rho*(hy[i]*s[j]+s[i]*hy[j]) + (rho*rho*yhy+rho)*s[i]*s[j]
		}
	}
}

func identity(n int) [][]float64 {
	h := make([][]float64, n)
	for i := range h {
		h[i] = make([]float64, n)
		h[i][i] = 1
	}
	return h
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// maxFitIterations and maxFitEvaluations bound a fit's work: BFGS
// iterations, and evaluations of the log-likelihood and its gradient (one
// pass over the grouped summaries each) in all. A fit that converges
// takes 20–70 evaluations on CDNOW; one that reaches either limit returns
// an error wrapping ErrFit.
const (
	maxFitIterations  = 500
	maxFitEvaluations = 2000
)

// maxLogParam bounds |ln p| of an estimate that is a fit: beyond it
// (p above 1e10 or below 1e-10) the optimiser was running toward the edge
// of the parameter space, where the likelihood has its supremum but no
// maximum. Published fits are within 1e-2..1e3.
const maxLogParam = 23

// edgeLogParam is where a fit stops searching: an estimate whose |ln p|
// passed it (p beyond 1e±10.9) is past maxLogParam already, and going on
// along the ridge toward the edge costs time without changing the
// outcome (CDNOW with every T extended by 39 weeks: the Pareto/NBD's s
// and β double each iteration from 1e9 on, at 25–170 ms an evaluation, as
// its ₂F₁ terms then need quadrature). The margin over maxLogParam lets a
// search pass the bound on its way and come back.
const edgeLogParam = maxLogParam + 2

// fitLogParams estimates positive parameters (named by names) by maximum likelihood:
// BFGS on their logarithms, from start (all ones if nil), on the mean
// log-likelihood per customer (n customers, in groups distinct
// summaries). ll returns the log-likelihood at p and writes its gradient
// in p to g. A fit that converges also reports its standard errors (see
// [Uncertainty]).
func fitLogParams(model string, names []string, start []float64, n float64, groups int, ll func(p, g []float64) float64) ([]float64, FitReport, error) {
	k := len(names)
	f := logObjective(k, n, ll)
	theta0 := make([]float64, k)
	for i, s := range start {
		theta0[i] = math.Log(s)
	}
	res := bfgs(f, theta0, meanGradTol, maxFitIterations, maxFitEvaluations, edgeLogParam)
	est := make([]float64, k)
	for i, x := range res.x {
		est[i] = math.Exp(x)
	}
	rep := FitReport{LogLikelihood: -res.f * n, Iterations: res.iterations, Evaluations: res.evaluations, Groups: groups}
	edge := res.edge
	if edge < 0 && res.converged && !math.IsNaN(res.f) {
		for i, x := range res.x {
			if math.Abs(x) > maxLogParam {
				edge = i
				break
			}
		}
	}
	if edge >= 0 {
		return est, rep, fmt.Errorf("%w: %s: %s ran to %g: the likelihood has no maximum inside the parameter space (no repeat purchases, or no difference between customers for the model to describe); the model does not fit these data", ErrFit, model, names[edge], est[edge])
	}
	if !res.converged || math.IsNaN(res.f) {
		return est, rep, fmt.Errorf("%w: %s did not converge: %s (%d iterations, %d evaluations, log-likelihood %v)", ErrFit, model, res.stop, res.iterations, res.evaluations, rep.LogLikelihood)
	}
	rep.Uncertainty = uncertainty(names, f, res.x, n)
	return est, rep, nil
}

// logObjective is what a fit minimises: the mean negative log-likelihood
// per customer (of n) of k positive parameters, as a function of their
// logarithms, with its gradient; ll returns the log-likelihood at p and
// writes its gradient in p to g.
func logObjective(k int, n float64, ll func(p, g []float64) float64) objective {
	p, g := make([]float64, k), make([]float64, k)
	return func(theta, grad []float64) float64 {
		for i := range p {
			p[i] = math.Exp(theta[i])
		}
		v := ll(p, g)
		for i := range grad {
			grad[i] = -g[i] * p[i] / n // d(−mean LL)/d ln p
		}
		return -v / n
	}
}

// timeScale is where the purchase models' time-scale parameters (the
// BG/NBD's and Pareto/NBD's α, the Pareto/NBD's β) start: half the
// customers' mean age T. BFGS on the logarithms then takes the same path
// whatever the unit — in days the estimates are 7 times those in weeks,
// and so is the start. From a start at 1, the Pareto/NBD fit of CDNOW
// took 31 likelihood evaluations in weeks and 57 in days; from here it
// takes 28 in either.
func timeScale(cs []CustomerSummary) float64 {
	var sum float64
	for i := range cs {
		sum += cs[i].T * weight(&cs[i])
	}
	return sum / customers(cs) / 2
}
