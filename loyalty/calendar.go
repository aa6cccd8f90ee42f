package loyalty

import (
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
)

// addMonths adds n calendar months to t in loc, keeping the wall-clock
// time, and clamps the day to the end of the target month: Jan 31 + 1
// month = Feb 28 (29 in leap years), not Mar 3 as time.AddDate gives.
func addMonths(t time.Time, n int, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, loc)
	last := calendar.DaysIn(first.Year(), first.Month())
	if d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

// endOfMonth is the first instant after the calendar month of t in loc:
// points "expiring at the end of the month" expire at that instant.
func endOfMonth(t time.Time, loc *time.Location) time.Time {
	return calendar.PeriodStart(t.In(loc), 1, 1)
}

// endOfYear is the first instant of the next calendar year in loc.
func endOfYear(t time.Time, loc *time.Location) time.Time {
	return calendar.PeriodStart(t.In(loc), 12, 1)
}

// addDays adds n calendar days in loc, keeping the wall-clock time
// across DST changes (a "day" is a date, not 24 hours).
func addDays(t time.Time, n int, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day()+n, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

// monthsAfter is when points earned at t expire under "N months after
// earning": the same wall-clock time N months later; when that day does
// not exist (Jan 31 + 1 month), at the end of the target month (the first
// instant of the month after). Unlike clamping to the month's last day at
// the same time of day, this keeps expiry in earning order.
func monthsAfter(t time.Time, n int, loc *time.Location) time.Time {
	t = t.In(loc)
	if t.Day() > calendar.DaysIn(t.Year(), t.Month()+time.Month(n)) {
		return time.Date(t.Year(), t.Month()+time.Month(n)+1, 1, 0, 0, 0, 0, loc)
	}
	return addMonths(t, n, loc)
}
