package metrics

import (
	"fmt"
	"math"
)

// Uncertainty is the sampling uncertainty of a maximum-likelihood fit,
// from the observed information: the matrix of second derivatives of the
// log-likelihood at the estimate, whose inverse estimates the covariance of
// the estimates. All of it is a float64 estimate, and an asymptotic one
// (it assumes the model is right and the sample large).
//
// The fits work on the logarithms of the parameters (they are all
// positive), and so does the covariance here: intervals are computed on
// the log scale and mapped back, so they stay positive and are not
// symmetric. lifetimes' summary and CLVTools give symmetric intervals
// (estimate ± z·se) on the natural scale; the standard errors are the same
// quantity (se = p·se(ln p) at the optimum), the bounds differ.
type Uncertainty struct {
	// Names are the parameters, in the order of the model's fields.
	Names []string
	// Estimates are the fitted values, in that order.
	Estimates []float64
	// StdErr are the standard errors of the estimates on their natural
	// scale (nil when Unavailable says why not).
	StdErr []float64
	// LogCov is the covariance of the logarithms of the estimates: the
	// inverse of the observed information in the log-parameters.
	LogCov [][]float64
	// Unavailable says why there are no standard errors: the observed
	// information is not positive definite (the data do not pin down every
	// parameter), or the likelihood could not be differentiated there.
	Unavailable string
}

// Interval is an estimate with a confidence interval at Level (0.95 for
// 95 %), all float64 estimates.
type Interval struct {
	Estimate, Lower, Upper float64
	// StdErr is the estimate's standard error on its natural scale.
	StdErr float64
	Level  float64
}

func (i Interval) String() string {
	return fmt.Sprintf("%.6g [%.6g, %.6g] (%g%%, se %.3g)", i.Estimate, i.Lower, i.Upper, i.Level*100, i.StdErr)
}

// Param is the interval of parameter i (in the order of Names):
// exp(ln p ± z·se(ln p)), with z the normal quantile for level.
func (u Uncertainty) Param(i int, level float64) (Interval, error) {
	const fn = "Uncertainty.Param"
	z, err := u.z(fn, level)
	if err != nil {
		return Interval{}, err
	}
	if i < 0 || i >= len(u.Estimates) {
		return Interval{}, inputErr(fn, "i", "is %d, want 0..%d", i, len(u.Estimates)-1)
	}
	p, s := u.Estimates[i], math.Sqrt(u.LogCov[i][i])
	return Interval{Estimate: p, Lower: p * math.Exp(-z*s), Upper: p * math.Exp(z*s), StdErr: u.StdErr[i], Level: level}, nil
}

// Delta is the interval of a quantity computed from the parameters — a
// customer's expected purchases, a CLV, a forecast total — by the delta
// method: f's gradient in the log-parameters (central differences) and the
// covariance give its variance. f receives the parameters in the order of
// Names. A positive quantity's interval is computed on the log scale (so
// it stays positive); any other is estimate ± z·se.
//
// The delta method is a first-order approximation: it is good when f is
// close to linear over the interval, as the coverage test on simulated
// BG/NBD data shows for a population forecast; for a quantity that bends
// sharply (a P(alive) near 0 or 1) it can be off.
func (u Uncertainty) Delta(level float64, f func(params []float64) (float64, error)) (Interval, error) {
	const fn = "Uncertainty.Delta"
	z, err := u.z(fn, level)
	if err != nil {
		return Interval{}, err
	}
	v, err := f(append([]float64(nil), u.Estimates...))
	if err != nil {
		return Interval{}, err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Interval{}, fmt.Errorf("%w: %s: the quantity is %v at the estimate", ErrNumerical, fn, v)
	}
	const h = 1e-5 // a relative step: the parameters move by about ±0.001 %
	k := len(u.Estimates)
	grad := make([]float64, k)
	p := make([]float64, k)
	for i := range k {
		var fs [2]float64
		for j, sign := range [2]float64{1, -1} {
			copy(p, u.Estimates)
			p[i] *= math.Exp(sign * h)
			if fs[j], err = f(p); err != nil {
				return Interval{}, err
			}
		}
		grad[i] = (fs[0] - fs[1]) / (2 * h)
	}
	var variance float64
	for i := range k {
		for j := range k {
			variance += grad[i] * u.LogCov[i][j] * grad[j]
		}
	}
	se := math.Sqrt(max(variance, 0))
	if math.IsNaN(se) || math.IsInf(se, 0) {
		return Interval{}, fmt.Errorf("%w: %s: the quantity's gradient could not be computed", ErrNumerical, fn)
	}
	out := Interval{Estimate: v, Lower: v - z*se, Upper: v + z*se, StdErr: se, Level: level}
	if v > 0 {
		out.Lower, out.Upper = v*math.Exp(-z*se/v), v*math.Exp(z*se/v)
	}
	return out, nil
}

// z is the two-sided normal quantile for level, or an error if level is
// not in (0, 1) or there are no standard errors.
func (u Uncertainty) z(fn string, level float64) (float64, error) {
	if !(level > 0 && level < 1) {
		return 0, inputErr(fn, "level", "is %v, want a probability in (0, 1) such as 0.95", level)
	}
	if u.StdErr == nil {
		why := u.Unavailable
		if why == "" {
			why = "the fit did not compute them"
		}
		return 0, fmt.Errorf("%w: no standard errors: %s", ErrFit, why)
	}
	return math.Sqrt2 * math.Erfinv(level), nil
}

// uncertainty computes the observed information of the mean negative
// log-likelihood f (per customer, of n) at the log-parameters theta, by
// central differences of its analytic gradient (2k gradient evaluations,
// a small part of a fit's 20–70), and inverts it.
func uncertainty(names []string, f objective, theta []float64, n float64) Uncertainty {
	k := len(theta)
	u := Uncertainty{Names: names, Estimates: make([]float64, k)}
	for i, t := range theta {
		u.Estimates[i] = math.Exp(t)
	}
	const h = 1e-4 // in ln p: a relative step of 0.01 %
	info := make([][]float64, k)
	x, gp, gm := make([]float64, k), make([]float64, k), make([]float64, k)
	for j := range k {
		copy(x, theta)
		x[j] += h
		fp := f(x, gp)
		x[j] -= 2 * h
		fm := f(x, gm)
		if math.IsNaN(fp) || math.IsNaN(fm) || math.IsInf(fp, 0) || math.IsInf(fm, 0) {
			u.Unavailable = "the likelihood could not be computed next to the estimate"
			return u
		}
		info[j] = make([]float64, k)
		for i := range k {
			info[j][i] = n * (gp[i] - gm[i]) / (2 * h)
		}
	}
	for i := range k { // symmetrise: the differences are not exactly so
		for j := range i {
			m := (info[i][j] + info[j][i]) / 2
			info[i][j], info[j][i] = m, m
		}
	}
	cov, ok := invertSPD(info)
	if !ok {
		u.Unavailable = "the observed information is not positive definite: the data do not determine every parameter"
		return u
	}
	u.LogCov = cov
	u.StdErr = make([]float64, k)
	for i := range k {
		u.StdErr[i] = u.Estimates[i] * math.Sqrt(cov[i][i])
	}
	return u
}

// invertSPD inverts a symmetric positive definite matrix by Cholesky
// factorisation, or reports that it is not positive definite.
func invertSPD(a [][]float64) ([][]float64, bool) {
	k := len(a)
	l := make([][]float64, k)
	for i := range k {
		l[i] = make([]float64, k)
		for j := 0; j <= i; j++ {
			s := a[i][j]
			for m := range j {
				s -= l[i][m] * l[j][m]
			}
			if i == j {
				if !(s > 0) || math.IsInf(s, 0) {
					return nil, false
				}
				l[i][i] = math.Sqrt(s)
			} else {
				l[i][j] = s / l[j][j]
			}
		}
	}
	inv := make([][]float64, k)
	for c := range k { // solve L Lᵀ x = e_c
		y := make([]float64, k)
		for i := range k {
			s := 0.0
			if i == c {
				s = 1
			}
			for m := range i {
				s -= l[i][m] * y[m]
			}
			y[i] = s / l[i][i]
		}
		x := make([]float64, k)
		for i := k - 1; i >= 0; i-- {
			s := y[i]
			for m := i + 1; m < k; m++ {
				s -= l[m][i] * x[m]
			}
			x[i] = s / l[i][i]
		}
		inv[c] = x
	}
	return inv, true
}
