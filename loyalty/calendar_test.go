package loyalty

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones these tests use, whatever the machine has

	"github.com/loyalkit/loyalkit/internal/calendar"
	"pgregory.net/rapid"
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

// TestCalendarByWallClock: addMonths, addDays and monthsAfter (which read
// the wall clock with one look-up of the zone) equal their plain forms
// through t.In(loc)'s fields, in zones with and without DST (half an
// hour's, in Lord Howe), across years and month ends.
func TestCalendarByWallClock(t *testing.T) {
	var zones []*time.Location
	for _, name := range []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Almaty", "Australia/Lord_Howe", "Pacific/Apia"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, loc)
	}
	plainAddMonths := func(t time.Time, n int, loc *time.Location) time.Time {
		t = t.In(loc)
		y, m, d := t.Date()
		first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, loc)
		d = min(d, calendar.DaysIn(first.Year(), first.Month()))
		return time.Date(first.Year(), first.Month(), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	}
	plainAddDays := func(t time.Time, n int, loc *time.Location) time.Time {
		t = t.In(loc)
		return time.Date(t.Year(), t.Month(), t.Day()+n, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	}
	plainMonthsAfter := func(t time.Time, n int, loc *time.Location) time.Time {
		t = t.In(loc)
		if t.Day() > calendar.DaysIn(t.Year(), t.Month()+time.Month(n)) {
			return time.Date(t.Year(), t.Month()+time.Month(n)+1, 1, 0, 0, 0, 0, loc)
		}
		return plainAddMonths(t, n, loc)
	}
	rapid.Check(t, func(rt *rapid.T) {
		loc := rapid.SampledFrom(zones).Draw(rt, "zone")
		const year1, year10000 = -62135596800, 253402300799 // Unix seconds
		sec := rapid.OneOf(rapid.Int64Range(year1, year10000-1), rapid.Int64Range(year1, year1+5*366*86400)).Draw(rt, "sec")
		at := time.Unix(sec, rapid.Int64Range(0, 999_999_999).Draw(rt, "ns"))
		n := rapid.IntRange(-1300, 1300).Draw(rt, "n") // past year 1 too: months before year 0
		for _, c := range []struct {
			name      string
			got, want time.Time
		}{
			{"addMonths", addMonths(at, n, loc), plainAddMonths(at, n, loc)},
			{"addDays", addDays(at, n, loc), plainAddDays(at, n, loc)},
			{"monthsAfter", monthsAfter(at, n, loc), plainMonthsAfter(at, n, loc)},
		} {
			if !c.got.Equal(c.want) || c.got.Location() != c.want.Location() {
				rt.Fatalf("%s(%s, %d, %s) = %s, want %s", c.name, at.In(loc), n, loc, c.got, c.want)
			}
		}
	})
}
