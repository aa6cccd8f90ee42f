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
	return UnixDay(sec)
}

// UnixDay is the day index of a Unix time in UTC: DayIndex's arithmetic,
// small enough to inline where the zone is known to be UTC.
func UnixDay(sec int64) int {
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
	return DayStart(t.Year(), time.Month(m), 1, t.Location())
}

// WeekStart is the first instant, in t's location, of the Monday of t's
// ISO week, moved on by next weeks.
func WeekStart(t time.Time, next int) time.Time {
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	return DayStart(t.Year(), t.Month(), t.Day()-back+7*next, t.Location())
}

// DayStart is the first instant of the date y-m-d in loc (the date is
// normalised as time.Date does): midnight, or, where the clocks jump
// forward at midnight and the day has none (America/Asuncion, 1 October
// 2023), the instant they jump.
func DayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if t.Hour() == 0 {
		return t
	}
	// Midnight fell in a gap; time.Date gave an instant next to it, on
	// the day before (take the end of its zone) or after the jump (take
	// the start of its zone): either way the jump.
	if date := time.Date(y, m, d, 12, 0, 0, 0, time.UTC); t.Day() != date.Day() {
		_, end := t.ZoneBounds()
		return end
	}
	start, _ := t.ZoneBounds()
	return start
}
