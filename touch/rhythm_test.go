package touch_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/touch"
)

func TestRhythmBuilder(t *testing.T) {
	b, err := touch.NewRhythmBuilder(noon(2026, 3, 29), berlin)
	if err != nil {
		t.Fatal(err)
	}
	buy := func(id string, at time.Time) metrics.Purchase {
		return metrics.Purchase{Customer: id, At: at, Amount: d("10")}
	}
	log := []metrics.Purchase{
		// odd: gaps 7, 3, 10 → median 7; two purchases on 1 March are one day.
		buy("odd", noon(2026, 2, 19)), buy("odd", noon(2026, 2, 26)), buy("odd", time.Date(2026, 3, 1, 9, 0, 0, 0, berlin)),
		buy("odd", time.Date(2026, 3, 1, 18, 0, 0, 0, berlin)), buy("odd", noon(2026, 3, 11)),
		// even, out of order: gaps 2, 5 → (2 + 5) / 2 rounded up = 4.
		buy("even", noon(2026, 3, 8)), buy("even", noon(2026, 3, 1)), buy("even", noon(2026, 3, 3)),
		// late at night UTC: 1 April in Berlin is after the as-of date.
		buy("one", noon(2026, 3, 20)), buy("one", time.Date(2026, 3, 31, 22, 30, 0, 0, time.UTC)),
		// 23:30 UTC on 28 March is 00:30 on 29 March in Berlin: today, counted.
		buy("late", time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC)),
	}
	for _, p := range log {
		if err := b.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	want := []touch.Rhythm{
		{ID: "even", PurchaseDays: 3, Last: midnight(2026, 3, 8), TypicalGap: 4},
		{ID: "late", PurchaseDays: 1, Last: midnight(2026, 3, 29)},
		{ID: "odd", PurchaseDays: 4, Last: midnight(2026, 3, 11), TypicalGap: 7},
		{ID: "one", PurchaseDays: 1, Last: midnight(2026, 3, 20)},
	}
	if diff := cmp.Diff(want, b.Rhythms()); diff != "" {
		t.Errorf("Rhythms mismatch (-want +got):\n%s", diff)
	}
	if err := b.Add(metrics.Purchase{Customer: "x", Amount: d("1")}); !errors.Is(err, touch.ErrInput) {
		t.Errorf("a purchase without a time: %v", err)
	}
	if _, err := touch.NewRhythmBuilder(time.Time{}, nil); !errors.Is(err, touch.ErrInput) {
		t.Errorf("a zero asOf: %v", err)
	}
}
