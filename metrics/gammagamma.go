package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// GammaGamma is a fitted Gamma-Gamma model of spend (Fader & Hardie 2013,
// "The Gamma-Gamma Model of Monetary Value"): a customer's purchase
// amounts are Gamma(P, ν) around their own mean, with ν ~ Gamma(Q, Gamma)
// across customers. It is fitted on customers with repeat purchases, on
// the mean of those purchases. Outputs are float64 estimates.
type GammaGamma struct {
	P, Q, Gamma float64
}

func (m GammaGamma) String() string {
	return fmt.Sprintf("gammagamma p=%.4f q=%.4f gamma=%.4f", m.P, m.Q, m.Gamma)
}

type spendRow struct {
	x      int
	m      float64
	weight float64
}

// FitGammaGamma estimates the model by maximum likelihood from the
// customers with Frequency > 0 (their Monetary must be positive); others
// are ignored. Identical (frequency, monetary) pairs are grouped.
func FitGammaGamma(cs []CustomerSummary) (GammaGamma, FitReport, error) {
	const fn = "FitGammaGamma"
	type key struct {
		x int
		m float64
	}
	idx := map[key]int{}
	var rows []spendRow
	for i, c := range cs {
		if c.Frequency <= 0 {
			continue
		}
		if !(c.Monetary > 0) || math.IsInf(c.Monetary, 0) {
			return GammaGamma{}, FitReport{}, inputErr(fn, "customers", "[%d] (%s) has monetary %v; a repeat customer's mean spend must be positive", i, c.ID, c.Monetary)
		}
		if c.Count < 0 {
			return GammaGamma{}, FitReport{}, inputErr(fn, "customers", "[%d] (%s) has count %d; a row stands for at least one customer (0 means 1)", i, c.ID, c.Count)
		}
		k := key{c.Frequency, c.Monetary}
		if j, ok := idx[k]; ok {
			rows[j].weight += weight(&c)
			continue
		}
		idx[k] = len(rows)
		rows = append(rows, spendRow{x: c.Frequency, m: c.Monetary, weight: weight(&c)})
	}
	if len(rows) == 0 {
		return GammaGamma{}, FitReport{}, inputErr(fn, "customers", "has no customer with repeat purchases")
	}
	slices.SortFunc(rows, func(a, b spendRow) int { return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.m, b.m)) })
	n := 0.0
	for _, r := range rows {
		n += r.weight
	}
	est, rep, err := fitLogParams("Gamma-Gamma", []string{"p", "q", "gamma"}, nil, n, len(rows), func(p, g []float64) float64 {
		var grad [3]float64
		v := gammaGammaLL([3]float64(p), rows, &grad)
		copy(g, grad[:])
		return v
	})
	return GammaGamma{P: est[0], Q: est[1], Gamma: est[2]}, rep, err
}

// gammaGammaLL is the weighted log-likelihood of mean repeat spends and
// its gradient with respect to (p, q, γ):
//
//	ln f = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ + x m)
func gammaGammaLL(par [3]float64, rows []spendRow, grad *[3]float64) float64 {
	p, q, gam := par[0], par[1], par[2]
	if !(p > 0 && q > 0 && gam > 0) {
		return math.Inf(-1)
	}
	lgQ, psiQ, lnG := lgamma(q), digamma(q), math.Log(gam)
	var ll float64
	var g [3]float64
	lastX := -1
	var lgPXQ, lgPX, psiPXQ, psiPX, lnX float64
	for _, rw := range rows {
		x := float64(rw.x)
		if rw.x != lastX {
			lastX = rw.x
			lgPXQ, lgPX, lnX = lgamma(p*x+q), lgamma(p*x), math.Log(x)
			psiPXQ, psiPX = digamma(p*x+q), digamma(p*x)
		}
		lnM, lnGXM := math.Log(rw.m), math.Log(gam+x*rw.m)
		ll += rw.weight * (lgPXQ - lgPX - lgQ + q*lnG + (p*x-1)*lnM + p*x*lnX - (p*x+q)*lnGXM)
		g[0] += rw.weight * x * (psiPXQ - psiPX + lnM + lnX - lnGXM)
		g[1] += rw.weight * (psiPXQ - psiQ + lnG - lnGXM)
		g[2] += rw.weight * (q/gam - (p*x+q)/(gam+x*rw.m))
	}
	if grad != nil {
		*grad = g
	}
	return ll
}

// LogLikelihood is the model's log-likelihood of the repeat customers'
// mean spends.
func (m GammaGamma) LogLikelihood(cs []CustomerSummary) float64 {
	var rows []spendRow
	for _, c := range cs {
		if c.Frequency > 0 {
			rows = append(rows, spendRow{x: c.Frequency, m: c.Monetary, weight: weight(&c)})
		}
	}
	slices.SortFunc(rows, func(a, b spendRow) int { return cmp.Compare(a.x, b.x) })
	return gammaGammaLL([3]float64{m.P, m.Q, m.Gamma}, rows, nil)
}

// ExpectedSpend is the expected mean purchase amount of a customer with
// this many repeat purchases averaging monetary: a weighted average of the
// population mean p·γ/(q−1) and the customer's own mean. For a customer
// without repeat purchases it is the population mean.
func (m GammaGamma) ExpectedSpend(frequency int, monetary float64) float64 {
	x := float64(frequency)
	return m.P * (m.Gamma + x*monetary) / (m.P*x + m.Q - 1)
}
