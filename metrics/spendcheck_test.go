package metrics_test

import (
	"errors"
	"math"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
	"pgregory.net/rapid"
)

// TestSpendIndependenceCDNOW: on the published CDNOW summary (mean repeat
// spend to the cent, 946 repeat customers) the correlation is the
// 0.113884 that lifetimes' quickstart prints for
// returning_customers_summary[['monetary_value', 'frequency']].corr()
// (CamDavidsonPilon/lifetimes, docs/Quickstart.md): low, no warning.
func TestSpendIndependenceCDNOW(t *testing.T) {
	got, err := metrics.CheckSpendIndependence(cdnowPublished(t))
	if err != nil {
		t.Fatal(err)
	}
	if got.Customers != 946 || math.Abs(got.Correlation-0.113884) > 5e-7 || got.Warning {
		t.Errorf("%+v, want 946 customers, r = 0.113884, no warning", got)
	}
	raw, _ := cdnowSample(t)
	r, err := metrics.CheckSpendIndependence(raw)
	if err != nil || math.Abs(r.Correlation-got.Correlation) > 1e-3 {
		t.Errorf("from the raw transactions: %+v, %v", r, err)
	}
}

func TestSpendIndependence(t *testing.T) {
	// Spend rising with frequency: r = 1, a warning.
	cs := []metrics.CustomerSummary{
		{ID: "a", Frequency: 1, Monetary: 10}, {ID: "b", Frequency: 2, Monetary: 20},
		{ID: "c", Frequency: 3, Monetary: 30}, {ID: "d", Frequency: 0, Monetary: 0},
	}
	got, err := metrics.CheckSpendIndependence(cs)
	if err != nil || got.Customers != 3 || math.Abs(got.Correlation-1) > 1e-15 || !got.Warning {
		t.Errorf("%+v %v, want r = 1 on 3 customers with a warning", got, err)
	}
	for _, c := range []struct {
		name string
		cs   []metrics.CustomerSummary
	}{
		{"too few", cs[:2]},
		{"NaN", append(cs[:3:3], metrics.CustomerSummary{ID: "e", Frequency: 1, Monetary: math.NaN()})},
		{"same spend", []metrics.CustomerSummary{{ID: "a", Frequency: 1, Monetary: 5}, {ID: "b", Frequency: 2, Monetary: 5}, {ID: "c", Frequency: 3, Monetary: 5}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := metrics.CheckSpendIndependence(c.cs)
			var ie *metrics.InputError
			if !errors.As(err, &ie) || ie.Field != "customers" {
				t.Errorf("error %v, want an InputError on customers", err)
			}
		})
	}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(3, 50).Draw(t, "n")
		cs := make([]metrics.CustomerSummary, n)
		for i := range cs {
			cs[i] = metrics.CustomerSummary{ID: "x", Frequency: rapid.IntRange(0, 10).Draw(t, "x"), Monetary: rapid.Float64Range(0, 1000).Draw(t, "m")}
		}
		got, err := metrics.CheckSpendIndependence(cs)
		if err != nil {
			if !errors.Is(err, metrics.ErrInput) { // spends of 0 to 1000 always have a correlation
				t.Fatal(err)
			}
			return
		}
		if !(got.Correlation >= -1 && got.Correlation <= 1) || got.Warning != (math.Abs(got.Correlation) > metrics.SpendCorrelationThreshold) {
			t.Errorf("%+v", got)
		}
	})
}

// TestSpendIndependenceExtremes: spends of 1e-162 (whose squared
// deviations underflow) still have their correlation; spends whose sum
// overflows a float64 are ErrNumerical, never a NaN.
func TestSpendIndependenceExtremes(t *testing.T) {
	tiny := []metrics.CustomerSummary{{ID: "a", Frequency: 1, Monetary: 2.2227587494850775e-162},
		{ID: "b", Frequency: 1, Monetary: 2.2227587494850775e-162}, {ID: "c", Frequency: 2, Monetary: 0}}
	got, err := metrics.CheckSpendIndependence(tiny)
	if err != nil || math.Abs(got.Correlation-(-1)) > 1e-12 {
		t.Errorf("tiny spends: %+v %v, want a correlation of -1", got, err)
	}
	huge := []metrics.CustomerSummary{{ID: "a", Frequency: 1, Monetary: 1e308},
		{ID: "b", Frequency: 2, Monetary: 1e308}, {ID: "c", Frequency: 3, Monetary: 1}}
	if got, err := metrics.CheckSpendIndependence(huge); !errors.Is(err, metrics.ErrNumerical) {
		t.Errorf("spends summing past a float64: %+v %v, want ErrNumerical", got, err)
	}
}
