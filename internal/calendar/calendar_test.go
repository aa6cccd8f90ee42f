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
		{"week from Sunday", WeekStart(at(2026, 3, 29), 0), mid(2026, 3, 23)},
		{"week from Monday", WeekStart(mid(2026, 3, 30), 0), mid(2026, 3, 30)},
		{"next week", WeekStart(at(2026, 3, 29), 1), mid(2026, 3, 30)},
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

// TestDayStartInAGap: where the clocks jump forward at midnight the day
// starts at the jump, and the bounds built on it are the day's, not the
// evening before's (found by the attacker review).
func TestDayStartInAGap(t *testing.T) {
	asuncion, err1 := time.LoadLocation("America/Asuncion")
	tehran, err2 := time.LoadLocation("Asia/Tehran")
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	for _, c := range []struct {
		name      string
		got, want time.Time
	}{
		{"Asuncion, 1 Oct 2023", DayStart(2023, 10, 1, asuncion), time.Date(2023, 10, 1, 4, 0, 0, 0, time.UTC)},
		{"its month", PeriodStart(time.Date(2023, 10, 15, 12, 0, 0, 0, asuncion), 1, 0), time.Date(2023, 10, 1, 4, 0, 0, 0, time.UTC)},
		{"September's end", PeriodStart(time.Date(2023, 9, 30, 23, 30, 0, 0, asuncion), 1, 1), time.Date(2023, 10, 1, 4, 0, 0, 0, time.UTC)},
		{"its quarter", PeriodStart(time.Date(2023, 10, 7, 12, 0, 0, 0, asuncion), 3, 0), time.Date(2023, 10, 1, 4, 0, 0, 0, time.UTC)},
		{"Tehran, Monday 22 Mar 2021", DayStart(2021, 3, 22, tehran), time.Date(2021, 3, 21, 20, 30, 0, 0, time.UTC)},
		{"the week after it", WeekStart(time.Date(2021, 3, 24, 12, 0, 0, 0, tehran), 1), time.Date(2021, 3, 28, 19, 30, 0, 0, time.UTC)}, // 00:00 +0430
		{"a normal midnight", DayStart(2023, 10, 2, asuncion), time.Date(2023, 10, 2, 3, 0, 0, 0, time.UTC)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !c.got.Equal(c.want) {
				t.Fatalf("%v, want %v", c.got.UTC(), c.want)
			}
		})
	}
}
