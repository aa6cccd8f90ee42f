package metrics_test

import (
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/metrics"
)

// Fitting BG/NBD to the published CDNOW calibration summary (2,357
// customers, in weeks) gives the paper's estimates (Fader, Hardie & Lee
// 2005: r = 0.243, α = 4.414, a = 0.793, b = 2.426). Customer 1, the
// paper's worked example, bought again twice (x = 2), last at week 30.43
// of 38.86.
func ExampleFitBGNBD() {
	rows, err := refdata.CDNOWSummary("", "cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	cs := make([]metrics.CustomerSummary, len(rows))
	for i, r := range rows {
		cs[i] = metrics.CustomerSummary{ID: fmt.Sprint(r.ID), Frequency: r.X, Recency: r.Tx, T: r.T, Unit: metrics.Weeks}
	}
	m, rep, err := metrics.FitBGNBD(cs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r=%.4f alpha=%.4f a=%.4f b=%.4f log-likelihood %.2f\n", m.R, m.Alpha, m.A, m.B, rep.LogLikelihood)
	c := cs[0]
	fmt.Printf("customer %s: P(alive) %.3f, next 39 weeks %.3f purchases\n",
		c.ID, m.PAlive(c.Frequency, c.Recency, c.T), m.ConditionalExpectedPurchases(39, c.Frequency, c.Recency, c.T))
	// Output:
	// r=0.2426 alpha=4.4135 a=0.7929 b=2.4258 log-likelihood -9582.43
	// customer 1: P(alive) 0.727, next 39 weeks 1.226 purchases
}

// Fitting the Gamma-Gamma spend model to the 946 CDNOW customers with
// repeat purchases, summarised from the raw transactions (unrounded
// spend), gives Fader & Hardie's (2013) p = 6.25, q = 3.74, γ = 15.44.
// ExpectedSpend is a customer's expected spend a purchase: their own
// mean shrunk toward the population's.
func ExampleFitGammaGamma() {
	purchases, err := refdata.CDNOWTransactions("", "CDNOW_sample.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := metrics.NewSummarizer(metrics.SummaryConfig{
		CalibrationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
		Unit:           metrics.Weeks,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := s.AddAll(refdata.Seq(purchases)); err != nil {
		fmt.Println(err)
		return
	}
	cs := s.Customers()
	m, rep, err := metrics.FitGammaGamma(cs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("p=%.4f q=%.4f gamma=%.4f log-likelihood %.2f\n", m.P, m.Q, m.Gamma, rep.LogLikelihood)
	c := cs[0]
	fmt.Printf("customer %s: %d repeat purchases averaging $%.3f, expected $%.2f a purchase\n",
		c.ID, c.Frequency, c.Monetary, m.ExpectedSpend(c.Frequency, c.Monetary))
	// Output:
	// p=6.2496 q=3.7442 gamma=15.4435 log-likelihood -4055.92
	// customer 0001: 2 repeat purchases averaging $22.345, expected $24.65 a purchase
}

// A fit's Uncertainty gives the standard errors of its estimates (they
// match lifetimes' summary on CDNOW) and 95 % intervals, for a parameter
// and, by the delta method, for anything computed from the parameters:
// here a new customer's expected purchases in their first year and
// customer 1's in the next 39 weeks.
func ExampleUncertainty() {
	rows, err := refdata.CDNOWSummary("", "cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	cs := make([]metrics.CustomerSummary, len(rows))
	for i, r := range rows {
		cs[i] = metrics.CustomerSummary{ID: fmt.Sprint(r.ID), Frequency: r.X, Recency: r.Tx, T: r.T, Unit: metrics.Weeks}
	}
	m, rep, err := metrics.FitBGNBD(cs)
	if err != nil {
		fmt.Println(err)
		return
	}
	u := rep.Uncertainty
	for i, name := range u.Names {
		fmt.Printf("%-5s %.4f se %.4f\n", name, u.Estimates[i], u.StdErr[i])
	}
	r, err := u.Param(0, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r: %.4f, 95%% [%.4f, %.4f]\n", r.Estimate, r.Lower, r.Upper)
	model := func(p []float64) metrics.BGNBD {
		return metrics.BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3], Unit: m.Unit}
	}
	year, err := u.Delta(0.95, func(p []float64) (float64, error) { return model(p).ExpectedPurchases(52), nil })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("a new customer's first 52 weeks: %.3f purchases, 95%% [%.3f, %.3f]\n", year.Estimate, year.Lower, year.Upper)
	c := cs[0]
	next, err := u.Delta(0.95, func(p []float64) (float64, error) {
		_, purchases, err := model(p).Predict(39, c.Frequency, c.Recency, c.T)
		return purchases, err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("customer %s, next 39 weeks: %.3f purchases, 95%% [%.3f, %.3f]\n", c.ID, next.Estimate, next.Lower, next.Upper)
	// Output:
	// r     0.2426 se 0.0126
	// alpha 4.4135 se 0.3782
	// a     0.7929 se 0.1857
	// b     2.4258 se 0.7053
	// r: 0.2426, 95% [0.2192, 0.2685]
	// a new customer's first 52 weeks: 1.444 purchases, 95% [1.313, 1.588]
	// customer 1, next 39 weeks: 1.226 purchases, 95% [1.140, 1.318]
}

// Fitting the BG/BB to the donations data of Fader, Hardie & Shang
// (2010): 11,104 first-time donors of 1995 in 22 recency/frequency
// patterns (Count donors each) over the 6 yearly opportunities 1996–2001.
// The estimates and log-likelihood are the paper's (α = 1.204,
// β = 0.750, γ = 0.657, δ = 2.783, LL = −33,225.6). A donor who gave in
// 1997 and 1999 (x = 2, t_x = 4) is alive in 2002 with probability 0.59
// (the paper's Table 6).
func ExampleFitBGBB() {
	ds, err := readDonations() // testdata/donations.csv
	if err != nil {
		fmt.Println(err)
		return
	}
	m, rep, err := metrics.FitBGBB(ds)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("alpha=%.3f beta=%.3f gamma=%.3f delta=%.3f log-likelihood %.1f\n", m.Alpha, m.Beta, m.Gamma, m.Delta, rep.LogLikelihood)
	alive, _ := m.PAlive(1, 2, 4, 6)
	next, _ := m.ConditionalExpectedPurchases(5, 2, 4, 6)
	fmt.Printf("x=2, t_x=4, n=6: P(alive in 2002) %.2f, %.3f donations expected in 2002–2006\n", alive, next)
	none, _ := m.ProbabilityOfPurchases(6, 0)
	fmt.Printf("donors expected to give no repeat donation in 1996–2001: %.1f\n", 11104*none)
	// Output:
	// alpha=1.204 beta=0.750 gamma=0.657 delta=2.783 log-likelihood -33225.6
	// x=2, t_x=4, n=6: P(alive in 2002) 0.59, 1.058 donations expected in 2002–2006
	// donors expected to give no repeat donation in 1996–2001: 3454.9
}

// Fitting the MBG/NBD to the CDNOW calibration summary gives the
// estimates lifetimes and BTYDplus report (r = 0.525, α = 6.183,
// a = 0.891, b = 1.614). Unlike the BG/NBD's, its P(alive) of a customer
// who never bought again is below 1.
func ExampleFitMBGNBD() {
	rows, err := refdata.CDNOWSummary("", "cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	cs := make([]metrics.CustomerSummary, len(rows))
	for i, r := range rows {
		cs[i] = metrics.CustomerSummary{ID: fmt.Sprint(r.ID), Frequency: r.X, Recency: r.Tx, T: r.T, Unit: metrics.Weeks}
	}
	m, _, err := metrics.FitMBGNBD(cs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r=%.3f alpha=%.3f a=%.3f b=%.3f\n", m.R, m.Alpha, m.A, m.B)
	fmt.Printf("no repeat purchase in 38.86 weeks: P(alive) %.3f\n", m.PAlive(0, 0, 38.86))
	// Output:
	// r=0.525 alpha=6.183 a=0.891 b=1.614
	// no repeat purchase in 38.86 weeks: P(alive) 0.390
}
