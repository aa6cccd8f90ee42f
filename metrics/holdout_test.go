package metrics_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
	"pgregory.net/rapid"
)

// cdnowHoldout is the CDNOW split (39 + 39 weeks) from the raw
// transactions, and the two models fitted on the published summary.
func cdnowHoldout(t testing.TB) (metrics.Holdout, metrics.BGNBD, metrics.ParetoNBD) {
	t.Helper()
	_, s := cdnowSample(t)
	bg, _, err := metrics.FitBGNBD(cdnowPublished(t))
	if err != nil {
		t.Fatal(err)
	}
	pn, _, err := metrics.FitParetoNBD(cdnowPublished(t))
	if err != nil {
		t.Fatal(err)
	}
	return s.Holdout(), bg, pn
}

// TestHoldoutTableCDNOW reproduces the conditional-expectations table of
// the BTYD walkthrough (McCarthy & Wadsworth, "Buy 'Til You Die — A
// Walkthrough", the BTYD R package's vignette, Pareto/NBD section: the
// printed output of pnbd.PlotFreqVsConditionalExpectedFrequency(params,
// T.star = 39, cal.cbs, x.star, censor = 7), rounded to 3 places, as
// shown in a public copy of the walkthrough script with its output). The
// bin sizes and actual means come from the data and must match exactly;
// the expected means depend on the Pareto/NBD estimate, BTYD's own fit of
// the event log against ours of the published summary (r=0.5533
// α=10.5778 s=0.6062 β=11.6687), so they are allowed 1.5e-3.
func TestHoldoutTableCDNOW(t *testing.T) {
	h, _, pn := cdnowHoldout(t)
	r, err := metrics.EvaluateHoldout(pn, h, 0)
	if err != nil {
		t.Fatal(err)
	}
	bins := []int{1411, 439, 214, 100, 62, 38, 29, 64}
	act := []float64{0.237, 0.697, 1.393, 1.560, 2.532, 2.947, 3.862, 6.359}
	exp := []float64{0.138, 0.600, 1.196, 1.714, 2.399, 2.907, 3.819, 6.403}
	if len(r.ByFrequency) != len(bins) {
		t.Fatalf("%d rows, want %d", len(r.ByFrequency), len(bins))
	}
	for i, row := range r.ByFrequency {
		if row.Frequency != i || row.OrMore != (i == 7) {
			t.Errorf("row %d is frequency %d (or more: %v)", i, row.Frequency, row.OrMore)
		}
		if row.Customers != bins[i] || math.Abs(row.Actual-act[i]) > 5e-4 || math.Abs(row.Predicted-exp[i]) > 1.5e-3 {
			t.Errorf("frequency %d: %d customers, actual %.4f, predicted %.4f; BTYD %d, %.3f, %.3f",
				i, row.Customers, row.Actual, row.Predicted, bins[i], act[i], exp[i])
		}
	}
}

// TestHoldoutErrorsCDNOW checks the error measures on CDNOW for internal
// consistency (no published source gives them): the table's rows add up
// to the customer-level totals, the actual total is the 1,882 holdout
// purchase days of the published summary, and the total error is the
// forecast gap that TestForecastCDNOW pins (about −12 % for BG/NBD).
func TestHoldoutErrorsCDNOW(t *testing.T) {
	h, bg, pn := cdnowHoldout(t)
	for _, c := range []struct {
		name   string
		pm     metrics.PurchaseModel
		lo, hi float64 // bounds of the total error in %
	}{{"BG/NBD", bg, -13, -11}, {"Pareto/NBD", pn, -13, -10}} {
		t.Run(c.name, func(t *testing.T) {
			r, err := metrics.EvaluateHoldout(c.pm, h, 0)
			if err != nil {
				t.Fatal(err)
			}
			e := r.Errors
			var n int
			var act, pred float64
			for _, row := range r.ByFrequency {
				n += row.Customers
				act += float64(row.Customers) * row.Actual
				pred += float64(row.Customers) * row.Predicted
			}
			if n != e.Customers || n != len(h.Customers) || math.Abs(act-float64(e.Actual)) > 1e-9 || math.Abs(pred-e.Predicted) > 1e-9 {
				t.Errorf("table totals %d customers, %.6f actual, %.6f predicted; errors %d, %d, %.6f", n, act, pred, e.Customers, e.Actual, e.Predicted)
			}
			if e.Actual != 1882 {
				t.Errorf("actual %d, want 1882", e.Actual)
			}
			forecast, err := metrics.ForecastBase(c.pm, nil, h.Customers, h.Length, h.Unit)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(forecast.Purchases-e.Predicted) > 1e-6 {
				t.Errorf("predicted %.4f, ForecastBase %.4f", e.Predicted, forecast.Purchases)
			}
			if e.TotalErrorPercent < c.lo || e.TotalErrorPercent > c.hi || !(e.RMSE >= e.MAE) || !(e.Correlation > 0.5 && e.Correlation <= 1) {
				t.Errorf("%+v", e)
			}
			t.Logf("%+v", e)
		})
	}
}

// TestHoldoutErrorsByHand checks the measures on three customers computed
// by hand: predictions 1, 2, 0.5 (a model that ignores the history and
// predicts a fixed number per customer), actuals 0, 2, 2.
func TestHoldoutErrorsByHand(t *testing.T) {
	cs := []metrics.CustomerSummary{
		{ID: "a", Frequency: 0, T: 10, HoldoutFrequency: 0, Unit: metrics.Weeks},
		{ID: "b", Frequency: 1, Recency: 5, T: 10, HoldoutFrequency: 2, Unit: metrics.Weeks},
		{ID: "c", Frequency: 2, Recency: 6, T: 10, HoldoutFrequency: 2, Unit: metrics.Weeks},
	}
	pm := fixedModel{unit: metrics.Weeks, byFreq: []float64{1, 2, 0.5}}
	r, err := metrics.EvaluateHoldout(pm, metrics.Holdout{Customers: cs, Unit: metrics.Weeks, Length: 4}, 1)
	if err != nil {
		t.Fatal(err)
	}
	e := r.Errors
	// errors 1, 0, −1.5: MAE 2.5/3, RMSE √(3.25/3), total 3.5 − 4 = −0.5 (−12.5 %).
	// Pearson: a = (0, 2, 2), p = (1, 2, 0.5); centred a (−4/3, 2/3, 2/3),
	// p (−1/6, 5/6, −2/3): Σap = 2/9 + 5/9 − 4/9 = 1/3, Σa² = 8/3,
	// Σp² = 1/36 + 25/36 + 16/36 = 7/6; r = (1/3)/√(28/9) = 1/√28.
	want := []struct {
		name      string
		got, want float64
	}{
		{"MAE", e.MAE, 2.5 / 3}, {"RMSE", e.RMSE, math.Sqrt(3.25 / 3)},
		{"Predicted", e.Predicted, 3.5}, {"TotalError", e.TotalError, -0.5},
		{"TotalErrorPercent", e.TotalErrorPercent, -12.5}, {"Correlation", e.Correlation, 1 / math.Sqrt(28)},
	}
	for _, w := range want {
		if math.Abs(w.got-w.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", w.name, w.got, w.want)
		}
	}
	if e.Actual != 4 || e.Customers != 3 {
		t.Errorf("actual %d of %d customers", e.Actual, e.Customers)
	}
	// k = 1: rows "0" and "1 or more".
	wantRows := []metrics.FrequencyRow{
		{Frequency: 0, Customers: 1, Actual: 0, Predicted: 1},
		{Frequency: 1, OrMore: true, Customers: 2, Actual: 2, Predicted: 1.25},
	}
	if !slices.Equal(r.ByFrequency, wantRows) {
		t.Errorf("rows %+v\nwant %+v", r.ByFrequency, wantRows)
	}
}

// fixedModel predicts byFreq[frequency] purchases over the holdout
// (whatever its length) and byFreq[0]·t unconditionally: a stand-in whose
// predictions a test chooses.
type fixedModel struct {
	unit   metrics.Unit
	byFreq []float64
}

func (m fixedModel) PAlive(int, float64, float64) float64 { return 1 }
func (m fixedModel) ConditionalExpectedPurchases(t float64, x int, _, _ float64) float64 {
	if x >= len(m.byFreq) {
		return m.byFreq[len(m.byFreq)-1]
	}
	return m.byFreq[x]
}
func (m fixedModel) ExpectedPurchases(t float64) float64 { return m.byFreq[0] * t }
func (m fixedModel) ModelUnit() metrics.Unit             { return m.unit }

// echoModel predicts exactly each customer's holdout purchases, which it
// reads from T (the property test sets T = 1000 + holdout purchases).
type echoModel struct{}

func (echoModel) PAlive(int, float64, float64) float64 { return 1 }
func (echoModel) ConditionalExpectedPurchases(_ float64, _ int, _, T float64) float64 {
	return T - 1000
}
func (echoModel) ExpectedPurchases(t float64) float64 { return t }
func (echoModel) ModelUnit() metrics.Unit             { return metrics.Days }

func drawHoldout(t *rapid.T) metrics.Holdout {
	n := rapid.IntRange(1, 60).Draw(t, "n")
	cs := make([]metrics.CustomerSummary, n)
	for i := range cs {
		x := rapid.IntRange(0, 12).Draw(t, "x")
		T := float64(rapid.IntRange(30, 300).Draw(t, "T"))
		c := metrics.CustomerSummary{ID: fmt.Sprint(i), Frequency: x, T: T, Unit: metrics.Days, HoldoutFrequency: rapid.IntRange(0, 20).Draw(t, "holdout")}
		if x > 0 {
			c.Recency = float64(rapid.IntRange(1, int(T)).Draw(t, "recency"))
		}
		cs[i] = c
	}
	return metrics.Holdout{Customers: cs, Unit: metrics.Days, Length: float64(rapid.IntRange(1, 200).Draw(t, "length"))}
}

// TestHoldoutProperties: the table partitions the customers and adds up
// to the totals; the correlation is in [−1, 1]; the result does not
// depend on the customers' order; a model that predicts the actuals has
// no error.
func TestHoldoutProperties(t *testing.T) {
	bg := metrics.BGNBD{R: 0.243, Alpha: 4.414 * 7, A: 0.793, B: 2.426, Unit: metrics.Days}
	rapid.Check(t, func(t *rapid.T) {
		h := drawHoldout(t)
		k := rapid.IntRange(1, 10).Draw(t, "k")
		r, err := metrics.EvaluateHoldout(bg, h, k)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.ByFrequency) != k+1 {
			t.Fatalf("%d rows for k = %d", len(r.ByFrequency), k)
		}
		n, act := 0, 0.0
		for i, row := range r.ByFrequency {
			want := 0
			for _, c := range h.Customers {
				if min(c.Frequency, k) == i {
					want++
				}
			}
			if row.Customers != want {
				t.Errorf("row %d: %d customers, want %d", i, row.Customers, want)
			}
			n += row.Customers
			act += float64(row.Customers) * row.Actual
		}
		if n != len(h.Customers) || math.Abs(act-float64(r.Errors.Actual)) > 1e-9*float64(r.Errors.Actual+1) {
			t.Errorf("rows hold %d customers and %.3f purchases, want %d and %d", n, act, len(h.Customers), r.Errors.Actual)
		}
		if c := r.Errors.Correlation; !math.IsNaN(c) && (c < -1 || c > 1) {
			t.Errorf("correlation %v", c)
		}
		shuffled := slices.Clone(h.Customers)
		perm := rapid.Permutation(shuffled).Draw(t, "order")
		h2 := h
		h2.Customers = perm
		r2, err := metrics.EvaluateHoldout(bg, h2, k)
		if err != nil {
			t.Fatal(err)
		}
		if !sameReport(r, r2) {
			t.Errorf("order changed the result:\n%+v\n%+v", r, r2)
		}
		// A perfect model: T carries the answer.
		for i := range h.Customers {
			c := &h.Customers[i]
			c.T = 1000 + float64(c.HoldoutFrequency)
		}
		p, err := metrics.EvaluateHoldout(echoModel{}, h, k)
		if err != nil {
			t.Fatal(err)
		}
		if e := p.Errors; e.MAE != 0 || e.RMSE != 0 || e.TotalError != 0 || (e.Actual > 0 && e.TotalErrorPercent != 0) {
			t.Errorf("perfect predictions have errors %+v", e)
		}
	})
}

// sameReport compares reports, NaN equal to NaN.
func sameReport(a, b metrics.HoldoutReport) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	ea, eb := a.Errors, b.Errors
	return slices.Equal(a.ByFrequency, b.ByFrequency) && ea.Customers == eb.Customers && ea.Actual == eb.Actual &&
		eq(ea.Predicted, eb.Predicted) && eq(ea.MAE, eb.MAE) && eq(ea.RMSE, eb.RMSE) && eq(ea.Correlation, eb.Correlation) &&
		eq(ea.TotalError, eb.TotalError) && eq(ea.TotalErrorPercent, eb.TotalErrorPercent)
}

func TestHoldoutBadInput(t *testing.T) {
	bg := metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks}
	ok := []metrics.CustomerSummary{{ID: "a", Frequency: 1, Recency: 2, T: 5, HoldoutFrequency: 1, Unit: metrics.Weeks}}
	for _, c := range []struct {
		name  string
		pm    metrics.PurchaseModel
		h     metrics.Holdout
		field string
	}{
		{"no model", nil, metrics.Holdout{Customers: ok, Unit: metrics.Weeks, Length: 39}, "model"},
		{"empty", bg, metrics.Holdout{Unit: metrics.Weeks, Length: 39}, "Holdout.Customers"},
		{"no holdout period", bg, metrics.Holdout{Customers: ok, Unit: metrics.Weeks}, "Holdout.Length"},
		{"NaN length", bg, metrics.Holdout{Customers: ok, Unit: metrics.Weeks, Length: math.NaN()}, "Holdout.Length"},
		{"no unit", bg, metrics.Holdout{Customers: ok, Length: 39}, "Holdout.Unit"},
		{"model in weeks, summaries in days", bg, metrics.Holdout{Customers: ok, Unit: metrics.Days, Length: 273}, "model"},
		{"NaN recency", bg, metrics.Holdout{Customers: []metrics.CustomerSummary{{ID: "a", Frequency: 1, Recency: math.NaN(), T: 5, Unit: metrics.Weeks}}, Unit: metrics.Weeks, Length: 39}, "Holdout.Customers"},
		{"NaN T", bg, metrics.Holdout{Customers: []metrics.CustomerSummary{{ID: "a", T: math.NaN(), Unit: metrics.Weeks}}, Unit: metrics.Weeks, Length: 39}, "Holdout.Customers"},
		{"negative holdout", bg, metrics.Holdout{Customers: []metrics.CustomerSummary{{ID: "a", T: 5, HoldoutFrequency: -1, Unit: metrics.Weeks}}, Unit: metrics.Weeks, Length: 39}, "Holdout.Customers"},
		{"a summary without a unit", bg, metrics.Holdout{Customers: []metrics.CustomerSummary{{ID: "a", T: 5}}, Unit: metrics.Weeks, Length: 39}, "Holdout.Customers"},
		{"summaries in days, holdout in weeks", bg, metrics.Holdout{Customers: []metrics.CustomerSummary{{ID: "a", T: 5, Unit: metrics.Days}}, Unit: metrics.Weeks, Length: 39}, "Holdout.Customers"},
		{"model of NaN", metrics.BGNBD{R: math.NaN(), Alpha: 1, A: 1, B: 1, Unit: metrics.Weeks}, metrics.Holdout{Customers: ok, Unit: metrics.Weeks, Length: 39}, "model"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := metrics.EvaluateHoldout(c.pm, c.h, 0)
			var ie *metrics.InputError
			if !errors.As(err, &ie) || !errors.Is(err, metrics.ErrInput) || ie.Field != c.field {
				t.Fatalf("error %v, want an InputError on %s", err, c.field)
			}
			if !strings.Contains(err.Error(), "EvaluateHoldout") {
				t.Errorf("error %q does not name the function", err)
			}
		})
	}
}
