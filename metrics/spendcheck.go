package metrics

import (
	"fmt"
	"math"
)

// SpendCorrelationThreshold is the |r| above which [CheckSpendIndependence]
// warns. The Gamma-Gamma model assumes a customer's spend per purchase is
// independent of how often they buy. CDNOW, the data set the model was
// presented on (Fader & Hardie 2013), has r = 0.11 (lifetimes' CDNOW
// example prints 0.113884 for the published summary, which
// TestSpendIndependenceCDNOW reproduces), and the model is used there.
// 0.3 is Cohen's (1988) boundary between a small and a medium
// correlation: above it frequency explains more than 9 % (r²) of the
// spread in mean spend, a dependence the model would attribute to chance;
// the guide of the btyd Python package (lifetimes' successor) uses the
// same threshold.
const SpendCorrelationThreshold = 0.3

// SpendIndependence is the check of the Gamma-Gamma model's assumption on
// a set of summaries.
type SpendIndependence struct {
	// Customers is the number of repeat customers (Frequency > 0) the
	// correlation is measured on.
	Customers int
	// Correlation is Pearson's r of Frequency and Monetary among them, a
	// float64 estimate in [−1, 1].
	Correlation float64
	// Warning is |Correlation| > SpendCorrelationThreshold: the spend model
	// should not be trusted on these customers.
	Warning bool
}

// CheckSpendIndependence measures the correlation of purchase frequency
// and mean repeat spend among the customers with repeat purchases, the
// check Fader & Hardie (2013) make before fitting [FitGammaGamma]. Fewer
// than 3 repeat customers, a Monetary that is not a finite non-negative
// number, or frequencies or spends that are all the same (r undefined) is
// an [*InputError].
func CheckSpendIndependence(cs []CustomerSummary) (SpendIndependence, error) {
	const fn = "CheckSpendIndependence"
	var n int
	var sx, sm float64
	for i, c := range cs {
		if c.Frequency <= 0 {
			continue
		}
		if math.IsNaN(c.Monetary) || math.IsInf(c.Monetary, 0) || c.Monetary < 0 {
			return SpendIndependence{}, inputErr(fn, "customers", "[%d] (%s) has Monetary %v", i, c.ID, c.Monetary)
		}
		n++
		sx += float64(c.Frequency)
		sm += c.Monetary
	}
	if n < 3 {
		return SpendIndependence{}, inputErr(fn, "customers", "has %d repeat customers: a correlation needs at least 3", n)
	}
	mx, mm := sx/float64(n), sm/float64(n)
	// The spends' deviations are divided by the largest, so that their
	// squares neither underflow (spends of 1e-162 have a correlation too)
	// nor overflow; a correlation does not change with the scale.
	scale := 0.0
	for _, c := range cs {
		if c.Frequency > 0 {
			scale = max(scale, math.Abs(c.Monetary-mm))
		}
	}
	if scale == 0 {
		scale = 1
	}
	var sxx, smm, sxm float64
	constX, constM := true, true
	var x0, m0 float64
	first := true
	for _, c := range cs {
		if c.Frequency <= 0 {
			continue
		}
		x := float64(c.Frequency)
		if first {
			x0, m0, first = x, c.Monetary, false
		}
		constX, constM = constX && x == x0, constM && c.Monetary == m0
		dx, dm := x-mx, (c.Monetary-mm)/scale
		sxx += dx * dx
		smm += dm * dm
		sxm += dx * dm
	}
	if constX || constM {
		return SpendIndependence{}, inputErr(fn, "customers", "have the same Frequency or the same Monetary for every repeat customer: the correlation is undefined")
	}
	r := correlation(sxx, smm, sxm)
	if math.IsNaN(r) { // spends whose sum overflows a float64: never a silent NaN
		return SpendIndependence{}, fmt.Errorf("%w: %s: the spends' correlation (their sum is %v)", ErrNumerical, fn, sm)
	}
	return SpendIndependence{Customers: n, Correlation: r, Warning: math.Abs(r) > SpendCorrelationThreshold}, nil
}
