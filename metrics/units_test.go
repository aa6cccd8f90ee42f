package metrics_test

import (
	"errors"
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
