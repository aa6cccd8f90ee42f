package loyalty

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones these tests use, whatever the machine has
)

func TestAddMonths(t *testing.T) {
	utc := time.UTC
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 10, 0, 0, 0, utc) }
	tests := []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		{"jan 31 + 1 clamps to feb 28", d(2025, 1, 31), 1, d(2025, 2, 28)},
		{"jan 31 + 1 in a leap year", d(2024, 1, 31), 1, d(2024, 2, 29)},
		{"oct 31 + 1 clamps to nov 30 (AddDate gives dec 1)", d(2025, 10, 31), 1, d(2025, 11, 30)},
		{"aug 31 + 6", d(2025, 8, 31), 6, d(2026, 2, 28)},
		{"feb 29 + 12 is feb 28", d(2024, 2, 29), 12, d(2025, 2, 28)},
		{"feb 29 + 48 is feb 29", d(2024, 2, 29), 48, d(2028, 2, 29)},
		{"mar 31 - 1 clamps to feb 29", d(2024, 3, 31), -1, d(2024, 2, 29)},
		{"dec 15 + 1 crosses the year", d(2025, 12, 15), 1, d(2026, 1, 15)},
	}
	for _, tc := range tests {
		if got := addMonths(tc.from, tc.n, utc); !got.Equal(tc.want) {
			t.Errorf("%s: addMonths(%v, %d) = %v, want %v", tc.name, tc.from, tc.n, got, tc.want)
		}
	}
}

func TestMonthsAfter(t *testing.T) {
	utc := time.UTC
	tests := []struct {
		from time.Time
		n    int
		want time.Time
	}{
		{time.Date(2025, 1, 31, 10, 0, 0, 0, utc), 1, time.Date(2025, 3, 1, 0, 0, 0, 0, utc)},
		{time.Date(2025, 1, 28, 10, 0, 0, 0, utc), 1, time.Date(2025, 2, 28, 10, 0, 0, 0, utc)},
		{time.Date(2024, 2, 29, 3, 0, 0, 0, utc), 24, time.Date(2026, 3, 1, 0, 0, 0, 0, utc)},
		{time.Date(2024, 2, 29, 3, 0, 0, 0, utc), 48, time.Date(2028, 2, 29, 3, 0, 0, 0, utc)},
	}
	for _, tc := range tests {
		if got := monthsAfter(tc.from, tc.n, utc); !got.Equal(tc.want) {
			t.Errorf("monthsAfter(%v, %d) = %v, want %v", tc.from, tc.n, got, tc.want)
		}
	}
	// In earning order for every hour of two years.
	prev := time.Time{}
	for at := time.Date(2024, 1, 1, 0, 0, 0, 0, utc); at.Year() < 2026; at = at.Add(time.Hour) {
		got := monthsAfter(at, 1, utc)
		if got.Before(prev) {
			t.Fatalf("monthsAfter(%v) = %v, before the previous hour's %v", at, got, prev)
		}
		prev = got
	}
}

// TestCalendarInZone: month and year ends and day arithmetic are in the
// programme's zone, including across DST changes.
func TestCalendarInZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// 2026-03-31 23:30 in Berlin is 21:30 UTC: still March there.
	late := time.Date(2026, 3, 31, 21, 30, 0, 0, time.UTC)
	if got, want := endOfMonth(late, berlin), time.Date(2026, 4, 1, 0, 0, 0, 0, berlin); !got.Equal(want) {
		t.Errorf("endOfMonth = %v, want %v", got, want)
	}
	if got, want := endOfYear(time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), berlin), time.Date(2028, 1, 1, 0, 0, 0, 0, berlin); !got.Equal(want) {
		t.Errorf("endOfYear of a UTC instant already in 2027 in Berlin = %v, want %v", got, want)
	}
	// Across the spring change (29 March 2026) a day keeps the wall clock.
	before := time.Date(2026, 3, 28, 12, 0, 0, 0, berlin)
	if got := addDays(before, 2, berlin); got.Hour() != 12 || got.Day() != 30 || got.Sub(before) != 47*time.Hour {
		t.Errorf("addDays across DST = %v (%v later)", got, got.Sub(before))
	}
	// And across the autumn change.
	autumn := time.Date(2026, 10, 24, 12, 0, 0, 0, berlin)
	if got := addMonths(autumn, 1, berlin); got.Hour() != 12 || got.Day() != 24 || got.Month() != time.November {
		t.Errorf("addMonths across DST = %v", got)
	}
}
