package metrics_test

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
	"pgregory.net/rapid"
)

// donations reads testdata/donations.csv (see testdata/README.md): the
// 11,104 donors of Fader, Hardie & Shang (2010) in 22 recency/frequency
// patterns, 6 opportunities each.
func donations(t testing.TB) []metrics.DiscreteSummary {
	t.Helper()
	ds, err := readDonations()
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func readDonations() ([]metrics.DiscreteSummary, error) {
	f, err := os.Open("testdata/donations.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	var ds []metrics.DiscreteSummary
	for _, r := range recs[1:] { // frequency,recency,periods,weights
		var v [4]int
		for i := range v {
			if v[i], err = strconv.Atoi(r[i]); err != nil {
				return nil, err
			}
		}
		ds = append(ds, metrics.DiscreteSummary{Frequency: v[0], Recency: v[1], N: v[2], Count: v[3]})
	}
	return ds, nil
}

// bgbbPaper is the paper's estimate (Fader, Hardie & Shang 2010, Table 2).
var bgbbPaper = metrics.BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}

// TestFitBGBBPublished: the paper reports α = 1.204, β = 0.750,
// γ = 0.657, δ = 2.783 and LL = −33,225.6 on the donations data.
func TestFitBGBBPublished(t *testing.T) {
	ds := donations(t)
	m, rep, err := metrics.FitBGBB(ds)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("alpha=%.3f beta=%.3f gamma=%.3f delta=%.3f ll=%.1f", m.Alpha, m.Beta, m.Gamma, m.Delta, rep.LogLikelihood)
	want := "alpha=1.204 beta=0.750 gamma=0.657 delta=2.783 ll=-33225.6"
	if got != want {
		t.Errorf("FitBGBB(donations) = %s\nwant                  %s", got, want)
	}
	if rep.Groups != 22 {
		t.Errorf("Groups = %d, want the file's 22 patterns", rep.Groups)
	}
	// The fit is a maximum: the paper's rounded estimates are no better.
	pub, err := bgbbPaper.LogLikelihood(ds)
	if err != nil {
		t.Fatal(err)
	}
	if pub > rep.LogLikelihood {
		t.Errorf("published estimates' LL %.6f above the fit's %.6f", pub, rep.LogLikelihood)
	}
	t.Logf("%v ll=%.6f; %d iterations, %d evaluations", m, rep.LogLikelihood, rep.Iterations, rep.Evaluations)
}

// One row per donor and the compressed file are the same data: the same
// log-likelihood and the same fit.
func TestFitBGBBCountsEqualRows(t *testing.T) {
	ds := donations(t)
	var rows []metrics.DiscreteSummary
	for _, d := range ds {
		for range d.Count {
			rows = append(rows, metrics.DiscreteSummary{Frequency: d.Frequency, Recency: d.Recency, N: d.N, Count: 1})
		}
	}
	if len(rows) != 11104 {
		t.Fatalf("%d donors, want 11,104", len(rows))
	}
	a, ra, err := metrics.FitBGBB(ds)
	if err != nil {
		t.Fatal(err)
	}
	b, rb, err := metrics.FitBGBB(rows)
	if err != nil {
		t.Fatal(err)
	}
	if a != b || ra.LogLikelihood != rb.LogLikelihood {
		t.Errorf("compressed %v (LL %v), per donor %v (LL %v)", a, ra.LogLikelihood, b, rb.LogLikelihood)
	}
}

// TestBGBBPublishedFigures checks the model's outputs at the fitted
// parameters against the figures published with it.
func TestBGBBPublishedFigures(t *testing.T) {
	ds := donations(t)
	m, _, err := metrics.FitBGBB(ds)
	if err != nil {
		t.Fatal(err)
	}
	// P(alive in 2002), the paper's Table 6 (two decimals; lifetimes'
	// test_prob_alive_is_close_to_Hardie_paper_table_6 checks the same
	// three cells): no repeat donation, 0.11; x = 2 last in 1999 (t_x = 4),
	// 0.59; a donation every year, 0.93.
	for _, c := range []struct {
		x, tx int
		want  float64
	}{{0, 0, 0.11}, {2, 4, 0.59}, {6, 6, 0.93}} {
		p, err := m.PAlive(1, c.x, c.tx, 6)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(p-c.want) > 0.005 {
			t.Errorf("PAlive(1, %d, %d, 6) = %.4f, paper %.2f", c.x, c.tx, p, c.want)
		}
	}
	// Expected donations in 2002–2006 summed over the donors: 12,884.2 in
	// Hardie's BG/BB spreadsheet ("Conditional Expectations (II)", total
	// of column F; brucehardie.com/notes/010/, quoted by lifetimes'
	// test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet,
	// which checks it to ±1.5). The spreadsheet's estimates are Solver's,
	// not this fit's, so the tolerance is 1.
	total := 0.0
	for _, d := range ds {
		e, err := m.ConditionalExpectedPurchases(5, d.Frequency, d.Recency, d.N)
		if err != nil {
			t.Fatal(err)
		}
		total += e * float64(d.Count)
	}
	if math.Abs(total-12884.2) > 1 {
		t.Errorf("expected donations 2002–2006 = %.1f, spreadsheet 12,884.2", total)
	}
	// In-sample fit: the expected number of donors with 0 and with 6
	// repeat donations in 1996–2001, 3,454.9 and 1,253.1 (the same
	// spreadsheet's "In-Sample Fit" cells C18 and C24, quoted by lifetimes'
	// test_expected_purchases_in_n_periods_returns_same_value_as_Hardie_excel_sheet).
	for _, c := range []struct {
		x    int
		want float64
	}{{0, 3454.9}, {6, 1253.1}} {
		p, err := m.ProbabilityOfPurchases(6, c.x)
		if err != nil {
			t.Fatal(err)
		}
		if got := p * 11104; math.Abs(got-c.want) > 0.5 {
			t.Errorf("11,104 × P(X(6) = %d) = %.1f, spreadsheet %.1f", c.x, got, c.want)
		}
	}
}

// lnBeta is ln B(a, b) from math.Lgamma, for the independent computations.
func lnBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

func lnGamma(x float64) float64 {
	l, _ := math.Lgamma(x)
	return l
}

// TestBGBBClosedForms compares the library's sums with the paper's closed
// forms, computed here directly from math.Lgamma (a different algorithm:
// the library sums products of ratios):
//   - E[X(n)] = α/(α+β) · δ/(γ−1) · [1 − Γ(γ+δ)Γ(1+δ+n)/(Γ(γ+δ+n)Γ(1+δ))] (eq. 8);
//   - E[X(n, n+n*) | x, t_x, n] = B(α+x+1, β+n−x)/B(α, β) · δ/(γ−1) ·
//     Γ(γ+δ)/Γ(1+δ) · [Γ(1+δ+n)/Γ(γ+δ+n) − Γ(1+δ+n+n*)/Γ(γ+δ+n+n*)] / L
//     (eq. 13, as lifetimes writes it), with L the likelihood (eq. 5)
//     summed term by term with math.Lgamma;
//   - P(alive at n+1) = B(α+x, β+n−x)/B(α, β) · B(γ, δ+n+1)/B(γ, δ) / L (eq. 11).
func TestBGBBClosedForms(t *testing.T) {
	m := bgbbPaper
	a, b, g, d := m.Alpha, m.Beta, m.Gamma, m.Delta
	lik := func(x, tx, n int) float64 {
		fx, ftx, fn := float64(x), float64(tx), float64(n)
		l := math.Exp(lnBeta(a+fx, b+fn-fx) - lnBeta(a, b) + lnBeta(g, d+fn) - lnBeta(g, d))
		for i := 0; i <= n-tx-1; i++ {
			fi := float64(i)
			l += math.Exp(lnBeta(a+fx, b+ftx-fx+fi) - lnBeta(a, b) + lnBeta(g+1, d+ftx+fi) - lnBeta(g, d))
		}
		return l
	}
	for _, n := range []int{1, 6, 30} {
		fn := float64(n)
		want := a / (a + b) * d / (g - 1) * (1 - math.Exp(lnGamma(g+d)+lnGamma(1+d+fn)-lnGamma(g+d+fn)-lnGamma(1+d)))
		got, err := m.ExpectedPurchases(n)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-12*want {
			t.Errorf("ExpectedPurchases(%d) = %.15g, eq. 8 %.15g", n, got, want)
		}
	}
	for _, h := range []struct{ x, tx, n, nStar int }{{0, 0, 6, 5}, {2, 4, 6, 5}, {6, 6, 6, 1}, {3, 9, 10, 20}, {1, 1, 12, 3}} {
		fx, fn, fs := float64(h.x), float64(h.n), float64(h.nStar)
		l := lik(h.x, h.tx, h.n)
		want := math.Exp(lnBeta(a+fx+1, b+fn-fx)-lnBeta(a, b)) * d / (g - 1) * math.Exp(lnGamma(g+d)-lnGamma(1+d)) *
			(math.Exp(lnGamma(1+d+fn)-lnGamma(g+d+fn)) - math.Exp(lnGamma(1+d+fn+fs)-lnGamma(g+d+fn+fs))) / l
		got, err := m.ConditionalExpectedPurchases(h.nStar, h.x, h.tx, h.n)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-12*want {
			t.Errorf("ConditionalExpectedPurchases(%d, %d, %d, %d) = %.15g, eq. 13 %.15g", h.nStar, h.x, h.tx, h.n, got, want)
		}
		wantP := math.Exp(lnBeta(a+fx, b+fn-fx)-lnBeta(a, b)+lnBeta(g, d+fn+1)-lnBeta(g, d)) / l
		gotP, err := m.PAlive(1, h.x, h.tx, h.n)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(gotP-wantP) > 1e-12 {
			t.Errorf("PAlive(1, %d, %d, %d) = %.15g, eq. 11 %.15g", h.x, h.tx, h.n, gotP, wantP)
		}
		ll, err := m.LogLikelihood([]metrics.DiscreteSummary{{Frequency: h.x, Recency: h.tx, N: h.n, Count: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(ll-math.Log(l)) > 1e-12 {
			t.Errorf("LogLikelihood(%d, %d, %d) = %.15g, eq. 5 %.15g", h.x, h.tx, h.n, ll, math.Log(l))
		}
	}
}

// TestBGBBPMFFromLikelihood: the number of transaction patterns with x
// transactions, the last at t_x, is C(t_x−1, x−1), each with likelihood
// L(x, t_x, n) (eq. 5), so P(X(n) = x) = Σ_{t_x} C(t_x−1, x−1) L(x, t_x, n):
// a second route to eq. 7 (which sums over the opportunity at which the
// customer dropped out instead).
func TestBGBBPMFFromLikelihood(t *testing.T) {
	m := bgbbPaper
	for _, n := range []int{0, 1, 6, 15} {
		for x := 0; x <= n; x++ {
			want := 0.0
			for tx := x; tx <= n; tx++ {
				if x == 0 && tx > 0 {
					break
				}
				if x > 0 && tx == 0 {
					continue
				}
				ll, err := m.LogLikelihood([]metrics.DiscreteSummary{{Frequency: x, Recency: tx, N: n, Count: 1}})
				if err != nil {
					t.Fatal(err)
				}
				lnC := 0.0
				if x > 0 {
					lnC = lnGamma(float64(tx)) - lnGamma(float64(x)) - lnGamma(float64(tx-x+1))
				}
				want += math.Exp(lnC + ll)
			}
			got, err := m.ProbabilityOfPurchases(n, x)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("P(X(%d) = %d) = %.15g, from the likelihood %.15g", n, x, got, want)
			}
		}
	}
}

func genBGBB(t *rapid.T) metrics.BGBB {
	return metrics.BGBB{
		Alpha: rapid.Float64Range(0.05, 20).Draw(t, "alpha"), Beta: rapid.Float64Range(0.05, 20).Draw(t, "beta"),
		Gamma: rapid.Float64Range(0.05, 20).Draw(t, "gamma"), Delta: rapid.Float64Range(0.05, 20).Draw(t, "delta"),
	}
}

// The pmf sums to 1 over x = 0 … n and its mean is E[X(n)]; P(alive) is
// in (0, 1] and falls with the opportunities ahead; expected transactions
// grow with the horizon and are at most the horizon.
func TestBGBBProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genBGBB(t)
		n := rapid.IntRange(0, 60).Draw(t, "n")
		sum, mean := 0.0, 0.0
		for x := 0; x <= n; x++ {
			p, err := m.ProbabilityOfPurchases(n, x)
			if err != nil || !(p >= 0 && p <= 1) {
				t.Fatalf("P(X(%d) = %d) = %v, %v", n, x, p, err)
			}
			sum += p
			mean += float64(x) * p
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("Σ P(X(%d) = x) = %.15g", n, sum)
		}
		e, err := m.ExpectedPurchases(n)
		if err != nil || math.Abs(mean-e) > 1e-9*(1+e) {
			t.Fatalf("mean of the pmf %.15g, ExpectedPurchases(%d) = %.15g, %v", mean, n, e, err)
		}
		x := rapid.IntRange(0, n).Draw(t, "x")
		tx := 0
		if x > 0 {
			tx = rapid.IntRange(x, n).Draw(t, "tx")
		}
		prev := 1.0
		for _, ahead := range []int{0, 1, 2, 10} {
			p, err := m.PAlive(ahead, x, tx, n)
			if err != nil || !(p > 0 && p <= 1) || p > prev {
				t.Fatalf("PAlive(%d, %d, %d, %d) = %v (before %v), %v", ahead, x, tx, n, p, prev, err)
			}
			prev = p
		}
		before := 0.0
		for _, nStar := range []int{1, 2, 5, 20} {
			c, err := m.ConditionalExpectedPurchases(nStar, x, tx, n)
			if err != nil || !(c > before) || c > float64(nStar) {
				t.Fatalf("ConditionalExpectedPurchases(%d, %d, %d, %d) = %v (before %v), %v", nStar, x, tx, n, c, before, err)
			}
			before = c
		}
	})
}

func TestBGBBInputErrors(t *testing.T) {
	ok := metrics.DiscreteSummary{Frequency: 2, Recency: 4, N: 6, Count: 1}
	for _, c := range []struct {
		name  string
		d     metrics.DiscreteSummary
		field string
	}{
		{"count 0", metrics.DiscreteSummary{Frequency: 2, Recency: 4, N: 6}, "summaries[1].Count"},
		{"recency beyond n", metrics.DiscreteSummary{Frequency: 2, Recency: 7, N: 6, Count: 1}, "summaries[1]"},
		{"recency before x", metrics.DiscreteSummary{Frequency: 3, Recency: 2, N: 6, Count: 1}, "summaries[1]"},
		{"recency without x", metrics.DiscreteSummary{Frequency: 0, Recency: 2, N: 6, Count: 1}, "summaries[1]"},
		{"x beyond n", metrics.DiscreteSummary{Frequency: 7, Recency: 7, N: 6, Count: 1}, "summaries[1]"},
		{"negative n", metrics.DiscreteSummary{N: -1, Count: 1}, "summaries[1]"},
		{"n too large", metrics.DiscreteSummary{N: metrics.MaxOpportunities + 1, Count: 1}, "summaries[1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := metrics.FitBGBB([]metrics.DiscreteSummary{ok, c.d})
			var ie *metrics.InputError
			if !errors.As(err, &ie) || ie.Field != c.field || ie.Func != "FitBGBB" {
				t.Errorf("FitBGBB: %v, want an InputError on %s", err, c.field)
			}
		})
	}
	for _, d := range []metrics.DiscreteSummary{{N: 6, Count: 10}, {Frequency: 6, Recency: 6, N: 6, Count: 3}} {
		if _, _, err := metrics.FitBGBB([]metrics.DiscreteSummary{d, d}); !errors.Is(err, metrics.ErrFit) {
			t.Errorf("FitBGBB(only %+v): %v, want ErrFit", d, err)
		}
	}
	if _, _, err := metrics.FitBGBB(nil); !errors.Is(err, metrics.ErrInput) {
		t.Errorf("FitBGBB(nil): %v", err)
	}
	m := bgbbPaper
	bad := metrics.BGBB{Alpha: 1, Beta: 1, Gamma: math.NaN(), Delta: 1}
	for _, c := range []struct {
		name  string
		f     func() (float64, error)
		field string
	}{
		{"PAlive m", func() (float64, error) { return m.PAlive(-1, 0, 0, 6) }, "m"},
		{"PAlive history", func() (float64, error) { return m.PAlive(1, 2, 1, 6) }, "history"},
		{"PAlive gamma", func() (float64, error) { return bad.PAlive(1, 0, 0, 6) }, "Gamma"},
		{"conditional nStar", func() (float64, error) { return m.ConditionalExpectedPurchases(-1, 0, 0, 6) }, "nStar"},
		{"conditional horizon", func() (float64, error) {
			return m.ConditionalExpectedPurchases(metrics.MaxOpportunities, 0, 0, 6)
		}, "nStar"},
		{"expected n", func() (float64, error) { return m.ExpectedPurchases(-1) }, "n"},
		{"pmf x", func() (float64, error) { return m.ProbabilityOfPurchases(6, -1) }, "x"},
		{"pmf n", func() (float64, error) { return m.ProbabilityOfPurchases(-6, 0) }, "n"},
		{"loglik alpha", func() (float64, error) {
			return metrics.BGBB{Beta: 1, Gamma: 1, Delta: 1}.LogLikelihood([]metrics.DiscreteSummary{ok})
		}, "Alpha"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.f()
			var ie *metrics.InputError
			if !errors.As(err, &ie) || ie.Field != c.field {
				t.Errorf("%v, want an InputError on %s", err, c.field)
			}
		})
	}
	if p, err := m.ProbabilityOfPurchases(6, 7); p != 0 || err != nil {
		t.Errorf("P(X(6) = 7) = %v, %v; want 0", p, err)
	}
}
