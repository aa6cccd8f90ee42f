package calendar

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones these tests use, whatever the machine has
)

func TestDayIndex(t *testing.T) {
	almaty := time.FixedZone("UTC+5", 5*3600)
	tests := []struct {
		t    time.Time
		loc  *time.Location
		want int
	}{
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC, 0},
		{time.Date(1970, 1, 1, 23, 59, 0, 0, time.UTC), time.UTC, 0},
		{time.Date(1969, 12, 31, 23, 59, 0, 0, time.UTC), time.UTC, -1},
		{time.Date(1997, 9, 30, 12, 0, 0, 0, time.UTC), time.UTC, 10134},
		{time.Date(2026, 3, 14, 20, 0, 0, 0, time.UTC), almaty, 20527}, // already March 15 in Almaty
	}
	for _, tc := range tests {
		if got := DayIndex(tc.t, tc.loc); got != tc.want {
			t.Errorf("DayIndex(%v, %v) = %d, want %d", tc.t, tc.loc, got, tc.want)
		}
	}
}

func TestPeriods(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, berlin) }
	mid := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, berlin) }
	for _, c := range []struct {
		name      string
		got, want time.Time
	}{
		{"month", PeriodStart(at(2026, 10, 25), 1, 0), mid(2026, 10, 1)},
		{"next month", PeriodStart(at(2026, 12, 31), 1, 1), mid(2027, 1, 1)},
		{"quarter", PeriodStart(at(2026, 6, 30), 3, 0), mid(2026, 4, 1)},
		{"next quarter", PeriodStart(at(2026, 11, 2), 3, 1), mid(2027, 1, 1)},
		{"year", PeriodStart(at(2026, 7, 1), 12, 0), mid(2026, 1, 1)},
		{"week from Sunday", WeekStart(at(2026, 3, 29)), mid(2026, 3, 23)},
		{"week from Monday", WeekStart(mid(2026, 3, 30)), mid(2026, 3, 30)},
	} {
		if !c.got.Equal(c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	for _, c := range []struct {
		y    int
		m    time.Month
		want int
	}{{2026, 2, 28}, {2028, 2, 29}, {2100, 2, 28}, {2000, 2, 29}, {2026, 4, 30}, {2026, 12, 31}} {
		if got := DaysIn(c.y, c.m); got != c.want {
			t.Errorf("DaysIn(%d, %d) = %d, want %d", c.y, c.m, got, c.want)
		}
	}
}
