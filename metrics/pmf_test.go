package metrics_test

import (
	"errors"
	"math"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
	"pgregory.net/rapid"
)

// bgnbdPaper is Fader, Hardie & Lee's (2005) CDNOW estimate.
var bgnbdPaper = metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks}

// TestBGNBDPMFBTYD: reference values of R's BTYD package (bgnbd.pmf at
// r = 0.243, α = 4.414, a = 0.793, b = 2.426, from its manual), as quoted
// by lifetimes' test_probability_of_n_purchases_up_to_time_same_as_R_BTYD.
// They are printed to 6 significant digits (the first), 7 decimals (the
// second) and 10 decimals (the list), and are checked to that precision.
func TestBGNBDPMFBTYD(t *testing.T) {
	m := bgnbdPaper
	check := func(tt float64, x int, want, tol float64) {
		t.Helper()
		got, err := m.ProbabilityOfPurchases(tt, x)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > tol {
			t.Errorf("P(X(%v) = %d) = %.12g, BTYD %.10g", tt, x, got, want)
		}
	}
	check(2, 10, 1.07869e-07, 5e-13)
	check(39, 0, 0.5737864, 5e-8)
	for i, want := range []float64{0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
		0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260} {
		check(30, 11+i, want, 5e-11)
	}
}

// nbTailDirect is P(N ≥ x) for the negative binomial count of a Poisson
// process at a rate λ ~ Gamma(r, α) over t, by summing its pmf from x
// until the terms are negligible: independent of the library's
// incomplete beta function.
func nbTailDirect(r, alpha, t float64, x int) float64 {
	lnq := math.Log(t / (alpha + t))
	sum := 0.0
	for j := x; j < x+100000; j++ {
		fj := float64(j)
		l := lnGamma(r+fj) - lnGamma(r) - lnGamma(fj+1) + r*math.Log(alpha/(alpha+t)) + fj*lnq
		term := math.Exp(l)
		sum += term
		if term < 1e-18*sum && fj > (r-1)*t/alpha {
			break
		}
	}
	return sum
}

// TestBGNBDPMFTail compares the pmf far in the tail (values down to
// 1e-40, where 1 − a sum would be 0) with the defining formula evaluated
// here with a directly summed negative binomial tail, to 1e-12 relative.
func TestBGNBDPMFTail(t *testing.T) {
	m := bgnbdPaper
	r, alpha, a, b := m.R, m.Alpha, m.A, m.B
	for _, c := range []struct {
		t float64
		x int
	}{{2, 10}, {2, 40}, {39, 3}, {39, 60}, {200, 5}, {200, 500}} {
		fx := float64(c.x)
		want := math.Exp(lnBeta(a, b+fx)-lnBeta(a, b)+lnGamma(r+fx)-lnGamma(r)-lnGamma(fx+1)+
			r*math.Log(alpha/(alpha+c.t))+fx*math.Log(c.t/(alpha+c.t))) +
			math.Exp(lnBeta(a+1, b+fx-1)-lnBeta(a, b))*nbTailDirect(r, alpha, c.t, c.x)
		got, err := m.ProbabilityOfPurchases(c.t, c.x)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-12*want {
			t.Errorf("P(X(%v) = %d) = %.15g, direct %.15g", c.t, c.x, got, want)
		}
	}
}

// simpson integrates f over [0, t] by the composite Simpson rule with n
// (even) intervals.
func simpson(f func(float64) float64, t float64, n int) float64 {
	h := t / float64(n)
	s := f(0) + f(t)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(float64(i)*h)
	}
	return s * h / 3
}

// TestParetoNBDPMFSimpson compares the Pareto/NBD pmf at the CDNOW
// estimates (r = 0.553, α = 10.578, s = 0.606, β = 11.669; Fader, Hardie
// & Lee 2005) with its defining integral evaluated here by the composite
// Simpson rule on 20,000 intervals in τ (the library uses tanh-sinh in
// logarithms on a substituted variable), to 1e-9 relative.
func TestParetoNBDPMFSimpson(t *testing.T) {
	m := metrics.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669, Unit: metrics.Weeks}
	r, alpha, s, beta := m.R, m.Alpha, m.S, m.Beta
	for _, c := range []struct {
		t float64
		x int
	}{{1, 0}, {39, 0}, {39, 1}, {39, 5}, {78, 12}, {5, 3}} {
		fx := float64(c.x)
		coef := math.Exp(lnGamma(r+fx) - lnGamma(r) - lnGamma(fx+1))
		nb := func(tau float64) float64 {
			return coef * math.Pow(alpha/(alpha+tau), r) * math.Pow(tau/(alpha+tau), fx)
		}
		dead := simpson(func(tau float64) float64 { return nb(tau) * s / beta * math.Pow(beta/(beta+tau), s+1) }, c.t, 20000)
		want := nb(c.t)*math.Pow(beta/(beta+c.t), s) + dead
		got, err := m.ProbabilityOfPurchases(c.t, c.x)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-9*want {
			t.Errorf("P(X(%v) = %d) = %.15g, Simpson %.15g", c.t, c.x, got, want)
		}
	}
}

// pmfModel is a model with a pmf and a closed-form mean.
type pmfModel interface {
	ProbabilityOfPurchases(t float64, x int) (float64, error)
	ExpectedPurchases(t float64) float64
}

// The pmfs sum to 1 within 1e-9 and their means are ExpectedPurchases'
// closed forms within 1e-9 (relative), for parameters drawn over a wide
// range and t ≤ α, where P(X(t) ≥ x) falls at least like 2^−x, so that
// the sum up to where the terms fall below 1e-17 misses nothing.
func TestPMFProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := rapid.Float64Range(0.05, 5).Draw(t, "r")
		alpha := rapid.Float64Range(0.1, 50).Draw(t, "alpha")
		tt := alpha * rapid.Float64Range(0.01, 1).Draw(t, "t/alpha")
		a := rapid.Float64Range(0.05, 5).Draw(t, "a")
		b := rapid.Float64Range(0.05, 10).Draw(t, "b")
		s := rapid.Float64Range(0.05, 5).Draw(t, "s")
		beta := rapid.Float64Range(0.1, 50).Draw(t, "beta")
		models := map[string]pmfModel{
			"BG/NBD":     metrics.BGNBD{R: r, Alpha: alpha, A: a, B: b, Unit: metrics.Weeks},
			"MBG/NBD":    metrics.MBGNBD{R: r, Alpha: alpha, A: a, B: b, Unit: metrics.Weeks},
			"Pareto/NBD": metrics.ParetoNBD{R: r, Alpha: alpha, S: s, Beta: beta, Unit: metrics.Weeks},
		}
		for name, m := range models {
			sum, mean := 0.0, 0.0
			for x := 0; ; x++ {
				p, err := m.ProbabilityOfPurchases(tt, x)
				if err != nil || !(p >= 0 && p <= 1) {
					t.Fatalf("%s: P(X(%v) = %d) = %v, %v", name, tt, x, p, err)
				}
				sum += p
				mean += float64(x) * p
				if x > 10 && p < 1e-17 {
					break
				}
				if x > 5000 {
					t.Fatalf("%s: the pmf at t = %v has not fallen below 1e-17 by x = 5000", name, tt)
				}
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Fatalf("%s: Σ P(X(%v) = x) = %.15g", name, tt, sum)
			}
			if e := m.ExpectedPurchases(tt); math.Abs(mean-e) > 1e-9*(1+e) {
				t.Fatalf("%s: mean of the pmf %.15g, ExpectedPurchases(%v) = %.15g", name, mean, tt, e)
			}
		}
	})
}

func TestPMFInputErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		f     func() (float64, error)
		field string
	}{
		{"bgnbd t", func() (float64, error) { return bgnbdPaper.ProbabilityOfPurchases(-1, 0) }, "t"},
		{"bgnbd x", func() (float64, error) { return bgnbdPaper.ProbabilityOfPurchases(1, -1) }, "x"},
		{"bgnbd r", func() (float64, error) { return metrics.BGNBD{Alpha: 1, A: 1, B: 1}.ProbabilityOfPurchases(1, 0) }, "R"},
		{"mbgnbd t", func() (float64, error) { return metrics.MBGNBD(bgnbdPaper).ProbabilityOfPurchases(math.Inf(1), 0) }, "t"},
		{"pnbd beta", func() (float64, error) {
			return metrics.ParetoNBD{R: 1, Alpha: 1, S: 1, Beta: math.NaN()}.ProbabilityOfPurchases(1, 0)
		}, "Beta"},
		{"pnbd x", func() (float64, error) {
			return metrics.ParetoNBD{R: 1, Alpha: 1, S: 1, Beta: 1}.ProbabilityOfPurchases(1, -2)
		}, "x"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.f()
			var ie *metrics.InputError
			if !errors.As(err, &ie) || ie.Field != c.field {
				t.Errorf("%v, want an InputError on %s", err, c.field)
			}
		})
	}
	// At t = 0 there has been no time to buy.
	for _, m := range []pmfModel{bgnbdPaper, metrics.MBGNBD(bgnbdPaper), metrics.ParetoNBD{R: 1, Alpha: 1, S: 1, Beta: 1}} {
		p0, err0 := m.ProbabilityOfPurchases(0, 0)
		p1, err1 := m.ProbabilityOfPurchases(0, 1)
		if p0 != 1 || p1 != 0 || err0 != nil || err1 != nil {
			t.Errorf("%T at t = 0: P(0) = %v, %v; P(1) = %v, %v", m, p0, err0, p1, err1)
		}
	}
}
