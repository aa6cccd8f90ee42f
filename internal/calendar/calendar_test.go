package calendar

import (
	"testing"
	"time"
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
