// Package calendar is the one home of loyalkit's calendar arithmetic: day
// numbers, month lengths, and the bounds of weeks, months, quarters and
// years in a zone, for rules, loyalty and metrics.
package calendar

import "time"

// DayIndex is the number of the calendar day of t in loc, counted from
// 1970-01-01 (day 0); days before it are negative.
func DayIndex(t time.Time, loc *time.Location) int {
	sec := t.Unix()
	if loc != time.UTC {
		_, off := t.In(loc).Zone()
		sec += int64(off)
	}
	day := sec / 86400
	if sec < 0 && sec%86400 != 0 {
		day--
	}
	return int(day)
}

// DaysIn is the number of days of month m of year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// PeriodStart is midnight, in t's location, of the first day of the
// period of n months (1: a month, 3: a quarter, 12: a year) that holds t,
// moved on by next periods: PeriodStart(t, 1, 1) is the first instant
// after t's month.
func PeriodStart(t time.Time, n, next int) time.Time {
	m := (int(t.Month())-1)/n*n + 1 + next*n
	return time.Date(t.Year(), time.Month(m), 1, 0, 0, 0, 0, t.Location())
}

// WeekStart is midnight, in t's location, of the Monday of t's ISO week.
func WeekStart(t time.Time) time.Time {
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	return time.Date(t.Year(), t.Month(), t.Day()-back, 0, 0, 0, 0, t.Location())
}
