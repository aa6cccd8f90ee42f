package loyalty

import (
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
)

// addMonths adds n calendar months to t in loc, keeping the wall-clock
// time, and clamps the day to the end of the target month: Jan 31 + 1
// month = Feb 28 (29 in leap years), not Mar 3 as time.AddDate gives.
func addMonths(t time.Time, n int, loc *time.Location) time.Time {
	w := wallOf(t, loc)
	y, m := w.monthsOn(n)
	return time.Date(y, m, min(w.d, calendar.DaysIn(y, m)), w.hh, w.mm, w.ss, w.ns, loc)
}

// wall is an instant's wall-clock date and time in a zone.
type wall struct {
	y                 int
	m                 time.Month
	d, hh, mm, ss, ns int
}

// wallOf is t's wall clock in loc, with one look-up of the zone's offset
// (t.In(loc).Date() and .Clock() would look it up once each).
func wallOf(t time.Time, loc *time.Location) wall {
	_, off := t.In(loc).Zone()
	u := t.UTC().Add(time.Duration(off) * time.Second)
	var w wall
	w.y, w.m, w.d = u.Date()
	w.hh, w.mm, w.ss = u.Clock()
	w.ns = u.Nanosecond()
	return w
}

// monthsOn is the year and month n months after w's.
func (w wall) monthsOn(n int) (int, time.Month) {
	k := w.y*12 + int(w.m) - 1 + n
	y, m := k/12, k%12
	if m < 0 {
		y, m = y-1, m+12
	}
	return y, time.Month(m + 1)
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
	w := wallOf(t, loc)
	return time.Date(w.y, w.m, w.d+n, w.hh, w.mm, w.ss, w.ns, loc)
}

// monthsAfter is when points earned at t expire under "N months after
// earning": the same wall-clock time N months later; when that day does
// not exist (Jan 31 + 1 month), at the end of the target month (the first
// instant of the month after). Unlike clamping to the month's last day at
// the same time of day, this keeps expiry in earning order.
func monthsAfter(t time.Time, n int, loc *time.Location) time.Time {
	w := wallOf(t, loc)
	y, m := w.monthsOn(n)
	if w.d > calendar.DaysIn(y, m) {
		return time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
	}
	return time.Date(y, m, w.d, w.hh, w.mm, w.ss, w.ns, loc)
}
