package segment_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

// ProfileBuilder.Add refuses what the metrics readers of a purchase log
// refuse (one check serves them all): an empty customer, a negative
// amount, and a zero time, which it used to count as a purchase on
// 1 January of year 1. A refused purchase changes no profile.
func TestProfileBuilderRefuses(t *testing.T) {
	asOf := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	ok := metrics.Purchase{Customer: "ann", At: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(30)}
	tests := []struct {
		name  string
		p     metrics.Purchase
		field string
	}{
		{"empty customer", metrics.Purchase{At: ok.At, Amount: ok.Amount}, "Customer"},
		{"negative amount", metrics.Purchase{Customer: "ann", At: ok.At, Amount: decimal.NewFromInt(-1)}, "Amount"},
		{"zero time", metrics.Purchase{Customer: "ann", Amount: ok.Amount}, "At"},
		{"zero time of a new customer", metrics.Purchase{Customer: "bob", Amount: ok.Amount}, "At"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := segment.NewProfileBuilder(asOf, 30, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Add(ok); err != nil {
				t.Fatal(err)
			}
			before := b.Profiles()
			err = b.Add(tc.p)
			var ie *segment.InputError
			if !errors.As(err, &ie) || ie.Func != "ProfileBuilder.Add" || ie.Field != tc.field || !errors.Is(err, segment.ErrInput) {
				t.Errorf("Add(%+v) = %v, want a segment.InputError about ProfileBuilder.Add's %s", tc.p, err, tc.field)
			}
			if diff := cmp.Diff(before, b.Profiles()); diff != "" {
				t.Errorf("a refused purchase changed the profiles (-before +after):\n%s", diff)
			}
		})
	}
}
