package metrics_test

import (
	"errors"
	"math"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
	"pgregory.net/rapid"
)

// TestCompareModelsCDNOW compares MBG/NBD, BG/NBD and Pareto/NBD on the
// published CDNOW summary with the holdout counts of the raw transactions.
// The log-likelihoods are the fits' (-9582.13, -9582.43 and -9594.97,
// pinned by the fit tests; the last two the papers' values); with 4
// parameters each, the order by AIC is the order by likelihood.
func TestCompareModelsCDNOW(t *testing.T) {
	h, bg, pn := cdnowHoldout(t)
	pub := cdnowPublished(t)
	for i := range pub { // the published summary, with the holdout counts
		pub[i].HoldoutFrequency = h.Customers[i].HoldoutFrequency
	}
	h.Customers = pub
	mbg, _, err := metrics.FitMBGNBD(pub)
	if err != nil {
		t.Fatal(err)
	}
	table, err := metrics.CompareModels(h, metrics.Candidate{Name: "Pareto/NBD", Model: pn}, metrics.Candidate{Name: "BG/NBD", Model: bg},
		metrics.Candidate{Name: "MBG/NBD", Model: mbg})
	if err != nil {
		t.Fatal(err)
	}
	// MBG/NBD's log-likelihood (−9582.13, pinned by its fit test) is the
	// highest of the three, by 0.30 over BG/NBD's.
	if len(table) != 3 || table[0].Name != "MBG/NBD" || table[1].Name != "BG/NBD" || table[2].Name != "Pareto/NBD" {
		t.Fatalf("table %+v: want MBG/NBD, BG/NBD, Pareto/NBD", table)
	}
	all := table
	table = table[1:]
	// The published log-likelihoods have 2 places: ±0.005 each, ±0.01 in
	// AIC and BIC, ±0.02 in their difference.
	for _, c := range []struct {
		got, want, tol float64
	}{
		{table[0].LogLikelihood, -9582.43, 0.005}, {table[1].LogLikelihood, -9594.97, 0.005},
		{table[0].AIC, 2*4 + 2*9582.43, 0.01}, {table[0].BIC, 4*math.Log(2357) + 2*9582.43, 0.01},
		{all[0].LogLikelihood, -9582.13, 0.005}, {all[0].DeltaAIC, 0, 0},
		{table[0].DeltaAIC, 2 * (9582.43 - 9582.13), 0.02}, {table[1].DeltaAIC, 2 * (9594.97 - 9582.13), 0.02},
	} {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("got %.3f, want %.3f", c.got, c.want)
		}
	}
	for _, row := range table {
		if row.Holdout.Actual != 1882 || row.Params != 4 {
			t.Errorf("%s: %+v", row.Name, row)
		}
		t.Logf("%-10s ll=%.2f AIC=%.2f BIC=%.2f MAE=%.4f RMSE=%.4f r=%.4f total %+.1f (%+.1f%%)", row.Name, row.LogLikelihood, row.AIC, row.BIC,
			row.Holdout.MAE, row.Holdout.RMSE, row.Holdout.Correlation, row.Holdout.TotalError, row.Holdout.TotalErrorPercent)
	}
}

// TestCompareModelsProperties: AIC and BIC follow their formulas from the
// log-likelihood, the table is sorted by AIC, and a model's holdout
// errors are EvaluateHoldout's.
func TestCompareModelsProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := drawHoldout(t)
		var cands []metrics.Candidate
		for _, name := range []string{"a", "b", "c"} {
			cands = append(cands, metrics.Candidate{Name: name, Model: metrics.BGNBD{
				R:     rapid.Float64Range(0.1, 3).Draw(t, "r"),
				Alpha: rapid.Float64Range(0.5, 50).Draw(t, "alpha"),
				A:     rapid.Float64Range(0.1, 3).Draw(t, "a"),
				B:     rapid.Float64Range(0.1, 5).Draw(t, "b"),
				Unit:  metrics.Days,
			}})
		}
		table, err := metrics.CompareModels(h, cands...)
		if err != nil {
			t.Fatal(err)
		}
		n := float64(len(h.Customers))
		for i, row := range table {
			var m metrics.ComparableModel
			for _, c := range cands {
				if c.Name == row.Name {
					m = c.Model
				}
			}
			ll := m.LogLikelihood(h.Customers)
			if row.LogLikelihood != ll || row.AIC != 8-2*ll || row.BIC != 4*math.Log(n)-2*ll || row.DeltaAIC != row.AIC-table[0].AIC {
				t.Errorf("%s: %+v, log-likelihood %v", row.Name, row, ll)
			}
			if i > 0 && row.AIC < table[i-1].AIC {
				t.Errorf("not sorted by AIC: %v after %v", row.AIC, table[i-1].AIC)
			}
			r, err := metrics.EvaluateHoldout(m, h, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !sameReport(metrics.HoldoutReport{Errors: r.Errors}, metrics.HoldoutReport{Errors: row.Holdout}) {
				t.Errorf("%s: holdout %+v, EvaluateHoldout %+v", row.Name, row.Holdout, r.Errors)
			}
		}
	})
}

func TestCompareModelsBadInput(t *testing.T) {
	bg := metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks}
	h := metrics.Holdout{Customers: []metrics.CustomerSummary{{ID: "a", Frequency: 1, Recency: 2, T: 5, HoldoutFrequency: 1, Unit: metrics.Weeks}}, Unit: metrics.Weeks, Length: 39}
	for _, c := range []struct {
		name  string
		h     metrics.Holdout
		cands []metrics.Candidate
		field string
	}{
		{"no models", h, nil, "models"},
		{"no name", h, []metrics.Candidate{{Model: bg}}, "models"},
		{"twice", h, []metrics.Candidate{{Name: "x", Model: bg}, {Name: "x", Model: bg}}, "models"},
		{"nil model", h, []metrics.Candidate{{Name: "x"}}, "models"},
		{"no holdout", metrics.Holdout{Customers: h.Customers, Unit: metrics.Weeks}, []metrics.Candidate{{Name: "x", Model: bg}}, "Holdout.Length"},
		{"days", metrics.Holdout{Customers: h.Customers, Unit: metrics.Days, Length: 273}, []metrics.Candidate{{Name: "x", Model: bg}}, "model"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := metrics.CompareModels(c.h, c.cands...)
			var ie *metrics.InputError
			if !errors.As(err, &ie) || ie.Field != c.field || ie.Func != "CompareModels" {
				t.Fatalf("error %v, want an InputError of CompareModels on %s", err, c.field)
			}
		})
	}
}
