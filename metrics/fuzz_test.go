package metrics_test

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/metrics"
	"github.com/shopspring/decimal"
)

// FuzzModelInputs: any summary numbers — negative, NaN, infinite, huge —
// given to the fits, the predictions (Predict, PAliveErr,
// ConditionalExpectedPurchasesErr), the pmf and CLV never panic; they
// give an error or a finite answer (P(alive) and probabilities in
// [0, 1]), and a fit's error is ErrInput or ErrFit.
func FuzzModelInputs(f *testing.F) {
	f.Add(2, 30.43, 38.86, 39.0, uint8(1))
	f.Add(0, 0.0, 38.86, 39.0, uint8(7))
	f.Add(10000, 7299.0, 7300.0, 365.0, uint8(1))
	f.Add(-1, math.NaN(), math.Inf(1), -1.0, uint8(0))
	f.Add(1, 5.0, 4.0, 1e308, uint8(2))
	f.Fuzz(func(t *testing.T, x int, tx, T, span float64, unit uint8) {
		c := metrics.CustomerSummary{ID: "c", Frequency: x, Recency: tx, T: T, Monetary: 20, Unit: metrics.Unit(unit)}
		other := metrics.CustomerSummary{ID: "d", Frequency: 1, Recency: 1, T: 2, Monetary: 10, Unit: metrics.Unit(unit)}
		cs := []metrics.CustomerSummary{c, other, {ID: "e", T: 3, Unit: metrics.Unit(unit)}}
		for name, fit := range map[string]func() error{
			"BG/NBD":     func() error { _, _, err := metrics.FitBGNBD(cs); return err },
			"MBG/NBD":    func() error { _, _, err := metrics.FitMBGNBD(cs); return err },
			"Pareto/NBD": func() error { _, _, err := metrics.FitParetoNBD(cs); return err },
		} {
			if err := fit(); err != nil && !errors.Is(err, metrics.ErrInput) && !errors.Is(err, metrics.ErrFit) {
				t.Errorf("%s fit: %v is neither ErrInput nor ErrFit", name, err)
			}
		}
		type model interface {
			Predict(t float64, x int, tx, T float64) (float64, float64, error)
			PAliveErr(x int, tx, T float64) (float64, error)
			ConditionalExpectedPurchasesErr(t float64, x int, tx, T float64) (float64, error)
			ProbabilityOfPurchases(t float64, x int) (float64, error)
			metrics.PurchaseModel
		}
		for name, m := range map[string]model{
			"BG/NBD":     metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks},
			"MBG/NBD":    metrics.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614, Unit: metrics.Weeks},
			"Pareto/NBD": metrics.ParetoNBD{R: 0.553, Alpha: 10.58, S: 0.606, Beta: 11.67, Unit: metrics.Weeks},
		} {
			if p, e, err := m.Predict(span, x, tx, T); err == nil && !(p >= 0 && p <= 1 && e >= 0 && !math.IsInf(e, 0)) {
				t.Errorf("%s.Predict(%v, %d, %v, %v) = %v, %v without an error", name, span, x, tx, T, p, e)
			}
			if p, err := m.PAliveErr(x, tx, T); err == nil && !(p >= 0 && p <= 1) {
				t.Errorf("%s.PAliveErr(%d, %v, %v) = %v without an error", name, x, tx, T, p)
			}
			if e, err := m.ConditionalExpectedPurchasesErr(span, x, tx, T); err == nil && !(e >= 0 && !math.IsInf(e, 0)) {
				t.Errorf("%s.ConditionalExpectedPurchasesErr(%v, %d, %v, %v) = %v without an error", name, span, x, tx, T, e)
			}
			if p, err := m.ProbabilityOfPurchases(span, x); err == nil && !(p >= 0 && p <= 1) {
				t.Errorf("%s.ProbabilityOfPurchases(%v, %d) = %v without an error", name, span, x, p)
			}
			h := metrics.Horizon{Steps: 3, StepLength: span, StepUnit: metrics.Weeks}
			if v, err := metrics.CLV(m, metrics.GammaGamma{P: 6, Q: 4, Gamma: 15}, c, h, 0.01, 1); err == nil && (math.IsNaN(v) || math.IsInf(v, 0) || v < 0) {
				t.Errorf("%s CLV of %+v over %v = %v without an error", name, c, span, v)
			}
		}
	})
}

// FuzzUnmarshalAccumulators: any bytes given to CustomerDays' and
// CohortCounts' UnmarshalBinary are refused with an error or decode to a
// value whose encoding decodes to itself (bytes may be written in another
// form, such as a longer varint, and still decode) and that can be used
// (summarised, counted, cut into a table) without a panic.
func FuzzUnmarshalAccumulators(f *testing.F) {
	d := metrics.NewCustomerDays(nil)
	for i, a := range []string{"12.50", "0", "123456789012345678901234.5"} {
		_ = d.Add(metrics.Purchase{Customer: "c", At: time.Date(1997, 3, 1+9*i, 0, 0, 0, 0, time.UTC), Amount: decimal.RequireFromString(a)})
	}
	days, _ := d.MarshalBinary()
	cc, _ := metrics.NewCohortCounts(metrics.Month, nil)
	cc.AddDays(d)
	cells, _ := cc.MarshalBinary()
	f.Add(days)
	f.Add(cells)
	f.Add([]byte{1, 3, 'U', 'T', 'C', 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 2, 0, 2})
	asOf := time.Date(1998, 7, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		var d metrics.CustomerDays
		if err := d.UnmarshalBinary(b); err == nil {
			once, _ := d.MarshalBinary()
			var d2 metrics.CustomerDays
			if err := d2.UnmarshalBinary(once); err != nil {
				t.Fatalf("CustomerDays' own encoding %x is refused: %v", once, err)
			}
			if twice, _ := d2.MarshalBinary(); !bytes.Equal(once, twice) {
				t.Fatalf("CustomerDays encodes to %x, then %x", once, twice)
			}
			_, _, _ = metrics.SummarizeDays(cdnowConfig, "c", &d)
			c, _ := metrics.NewCohortCounts(metrics.ISOWeek, d.Location())
			c.AddDays(&d)
		}
		var c metrics.CohortCounts
		if err := c.UnmarshalBinary(b); err == nil {
			once, _ := c.MarshalBinary()
			var c2 metrics.CohortCounts
			if err := c2.UnmarshalBinary(once); err != nil {
				t.Fatalf("CohortCounts' own encoding %x is refused: %v", once, err)
			}
			if twice, _ := c2.MarshalBinary(); !bytes.Equal(once, twice) {
				t.Fatalf("CohortCounts encodes to %x, then %x", once, twice)
			}
			for _, co := range c.Cohorts(asOf) {
				if co.Size < 0 || len(co.Active) == 0 {
					t.Fatalf("cohort %+v", co)
				}
			}
		}
	})
}
