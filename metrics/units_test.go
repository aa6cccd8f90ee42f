package metrics_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
)

// TestUnitsCannotMix: summaries carry their unit; the fits take it from
// them, and summaries without one, in mixed units, or in another unit than
// the model's are an InputError at the call, naming the field.
func TestUnitsCannotMix(t *testing.T) {
	cs := cdnowPublished(t)
	m, _, err := metrics.FitBGNBD(cs)
	if err != nil {
		t.Fatal(err)
	}
	if m.Unit != metrics.Weeks {
		t.Fatalf("the fit took unit %v from summaries in weeks", m.Unit)
	}
	mixed := append([]metrics.CustomerSummary(nil), cs...)
	mixed[7].Unit = metrics.Days
	none := append([]metrics.CustomerSummary(nil), cs...)
	none[3].Unit = 0
	inDays := append([]metrics.CustomerSummary(nil), cs...)
	for i := range inDays {
		inDays[i].Unit = metrics.Days
	}
	fits := map[string]func([]metrics.CustomerSummary) error{
		"FitBGNBD":     func(cs []metrics.CustomerSummary) error { _, _, err := metrics.FitBGNBD(cs); return err },
		"FitMBGNBD":    func(cs []metrics.CustomerSummary) error { _, _, err := metrics.FitMBGNBD(cs); return err },
		"FitParetoNBD": func(cs []metrics.CustomerSummary) error { _, _, err := metrics.FitParetoNBD(cs); return err },
		"ForecastBase": func(cs []metrics.CustomerSummary) error {
			_, err := metrics.ForecastBase(m, nil, cs, 39, metrics.Weeks)
			return err
		},
	}
	for name, fit := range fits {
		for _, c := range []struct {
			what string
			cs   []metrics.CustomerSummary
			text string
		}{{"mixed", mixed, "mixed units"}, {"none", none, "has no Unit"}} {
			err := fit(c.cs)
			var ie *metrics.InputError
			if !errors.As(err, &ie) || ie.Field != "customers" || !strings.Contains(err.Error(), c.text) {
				t.Errorf("%s with %s units: %v, want an InputError on customers saying %q", name, c.what, err, c.text)
			}
		}
	}
	if _, err := metrics.ForecastBase(m, nil, inDays, 39, metrics.Weeks); !errors.Is(err, metrics.ErrInput) || !strings.Contains(err.Error(), "the model in weeks") {
		t.Errorf("ForecastBase of summaries in days with a model in weeks: %v", err)
	}
	h := metrics.Horizon{Steps: 12, StepLength: 1, StepUnit: metrics.Weeks}
	if _, err := metrics.CLV(m, metrics.GammaGamma{P: 6, Q: 4, Gamma: 15}, inDays[0], h, 0.01, 1); !errors.Is(err, metrics.ErrInput) {
		t.Errorf("CLV of a summary in days with a model in weeks: %v", err)
	}
	if _, err := metrics.CLV(m, metrics.GammaGamma{P: 6, Q: 4, Gamma: 15}, none[3], h, 0.01, 1); !errors.Is(err, metrics.ErrInput) {
		t.Errorf("CLV of a summary without a unit: %v", err)
	}
	if _, err := metrics.CLV(m, metrics.GammaGamma{P: 6, Q: 4, Gamma: 15}, cs[0], h, 0.01, 1); err != nil {
		t.Errorf("CLV in matching units: %v", err)
	}
}

// TestFitsUnitInvariant: CDNOW in days fits to the estimates in weeks,
// with α and β seven times larger, in as many likelihood evaluations (the
// time-scale parameters start at half the mean age, in the data's unit;
// from a start at 1 the Pareto/NBD took 57 evaluations in days against
// 31 in weeks).
func TestFitsUnitInvariant(t *testing.T) {
	weeks := cdnowPublished(t)
	days := make([]metrics.CustomerSummary, len(weeks))
	for i, c := range weeks {
		c.Recency, c.T, c.Unit = 7*c.Recency, 7*c.T, metrics.Days
		days[i] = c
	}
	type fit func([]metrics.CustomerSummary) ([]float64, metrics.FitReport, error)
	for _, c := range []struct {
		name  string
		fit   fit
		scale []float64 // how each parameter scales from weeks to days
	}{
		{"BG/NBD", func(cs []metrics.CustomerSummary) ([]float64, metrics.FitReport, error) {
			m, rep, err := metrics.FitBGNBD(cs)
			return []float64{m.R, m.Alpha, m.A, m.B}, rep, err
		}, []float64{1, 7, 1, 1}},
		{"MBG/NBD", func(cs []metrics.CustomerSummary) ([]float64, metrics.FitReport, error) {
			m, rep, err := metrics.FitMBGNBD(cs)
			return []float64{m.R, m.Alpha, m.A, m.B}, rep, err
		}, []float64{1, 7, 1, 1}},
		{"Pareto/NBD", func(cs []metrics.CustomerSummary) ([]float64, metrics.FitReport, error) {
			m, rep, err := metrics.FitParetoNBD(cs)
			return []float64{m.R, m.Alpha, m.S, m.Beta}, rep, err
		}, []float64{1, 7, 1, 7}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, wrep, err := c.fit(weeks)
			if err != nil {
				t.Fatal(err)
			}
			d, drep, err := c.fit(days)
			if err != nil {
				t.Fatal(err)
			}
			for i := range w {
				if math.Abs(d[i]/(c.scale[i]*w[i])-1) > 1e-6 {
					t.Errorf("parameter %d: %v in days, %v in weeks", i, d[i], w[i])
				}
			}
			if diff := drep.Evaluations - wrep.Evaluations; diff < -1 || diff > 1 {
				t.Errorf("%d evaluations in days, %d in weeks", drep.Evaluations, wrep.Evaluations)
			}
		})
	}
}
