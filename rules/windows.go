package rules

import (
	"fmt"
	"time"

	"github.com/expr-lang/expr"
	"github.com/loyalkit/loyalkit/internal/calendar"
)

// The date-window helpers: days to and since an anniversary (a birthday,
// a registration date), a window around it, the bounds of the current
// week, month, quarter and year, and time-of-day windows. All read "today"
// as now's date in now's location (the programme's zone), and an
// anniversary's month and day in the date's own location, like
// [IsBirthday]; Feb 29 is celebrated on Feb 28 in other years. A zero
// date is unknown: the helper fails with [ErrUnknown] and the rule does
// not apply.
func windowHelpers() []expr.Option {
	bound := func(fn string, f func(now time.Time) time.Time) expr.Option {
		return expr.Function(fn, datePart(fn, "now", func(t time.Time) any { return f(t) }), new(func(time.Time) time.Time))
	}
	unknownNear := [2]error{newUnknown("nearAnniversary", "date", 1), newUnknown("nearAnniversary", "now", 2)}
	unknownHours := newUnknown("withinHours", "now", 1)
	return []expr.Option{
		twoDates("daysToAnniversary", "date", DaysToAnniversary),
		twoDates("daysSinceAnniversary", "date", DaysSinceAnniversary),
		expr.Function("nearAnniversary", func(p ...any) (any, error) {
			before, after := p[2].(int), p[3].(int)
			if msg := windowDays(before, after); msg != "" {
				return nil, fmt.Errorf("nearAnniversary: %s", msg)
			}
			date, now, err := known2(unknownNear, p)
			if err != nil {
				return nil, err
			}
			return NearAnniversary(date, now, before, after), nil
		}, new(func(time.Time, time.Time, int, int) bool)),
		bound("startOfWeek", func(t time.Time) time.Time { return calendar.WeekStart(t, 0) }),
		bound("endOfWeek", func(t time.Time) time.Time { return calendar.WeekStart(t, 1) }),
		bound("startOfMonth", func(t time.Time) time.Time { return calendar.PeriodStart(t, 1, 0) }),
		bound("endOfMonth", func(t time.Time) time.Time { return calendar.PeriodStart(t, 1, 1) }),
		bound("startOfQuarter", func(t time.Time) time.Time { return calendar.PeriodStart(t, 3, 0) }),
		bound("endOfQuarter", func(t time.Time) time.Time { return calendar.PeriodStart(t, 3, 1) }),
		bound("startOfYear", func(t time.Time) time.Time { return calendar.PeriodStart(t, 12, 0) }),
		bound("endOfYear", func(t time.Time) time.Time { return calendar.PeriodStart(t, 12, 1) }),
		expr.Function("withinHours", func(p ...any) (any, error) {
			from, err1 := clockMinutes(p[1].(string))
			to, err2 := clockMinutes(p[2].(string))
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("withinHours: %v", firstErr(err1, err2))
			}
			now, ok := knownTime(p[0])
			if !ok {
				return nil, unknownHours
			}
			return WithinHours(now, from, to), nil
		}, new(func(time.Time, string, string) bool)),
	}
}

// windowDays says what is wrong with nearAnniversary's days, or "".
func windowDays(before, after int) string {
	if before < 0 || after < 0 || before > maxWithinDays || after > maxWithinDays || before+after > maxWithinDays {
		return fmt.Sprintf("days before and after must be 0..%d and together at most %d, got %d and %d", maxWithinDays, maxWithinDays, before, after)
	}
	return ""
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// DaysToAnniversary is the number of days from now's date (in now's
// location) to the next anniversary of date's month and day: 0 on the
// day itself, at most 365.
func DaysToAnniversary(date, now time.Time) int {
	today := civil(now)
	for _, y := range []int{today.Year(), today.Year() + 1} {
		if d := dayDiff(today, anniversary(date, y)); d >= 0 {
			return d
		}
	}
	return 0 // unreachable: next year's anniversary is after today
}

// DaysSinceAnniversary is the number of days from the last anniversary of
// date's month and day to now's date: 0 on the day itself, at most 365.
func DaysSinceAnniversary(date, now time.Time) int {
	today := civil(now)
	for _, y := range []int{today.Year(), today.Year() - 1} {
		if d := dayDiff(anniversary(date, y), today); d >= 0 {
			return d
		}
	}
	return 0 // unreachable: last year's anniversary is before today
}

// NearAnniversary reports whether now's date is at most before days
// before an anniversary of date's month and day, or at most after days
// after one: NearAnniversary(birthday, now, 3, 3) is "birthday week".
func NearAnniversary(date, now time.Time, before, after int) bool {
	return DaysToAnniversary(date, now) <= before || DaysSinceAnniversary(date, now) <= after
}

// dayDiff is the number of days from the civil date a to b (both UTC
// midnights).
func dayDiff(a, b time.Time) int {
	return calendar.DayIndex(b, time.UTC) - calendar.DayIndex(a, time.UTC)
}

// clockMinutes reads "HH:MM" (00:00 to 24:00) as minutes after midnight.
func clockMinutes(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	switch {
	case s == "24:00":
		return 24 * 60, nil
	case err != nil || len(s) != 5:
		return 0, fmt.Errorf("cannot read the time of day %q (want HH:MM, such as 15:00)", clip(s))
	}
	return t.Hour()*60 + t.Minute(), nil
}

// WithinHours reports whether now's wall-clock time in its location is in
// [from, to), given in minutes after midnight; a window with to before
// from runs past midnight (22:00–02:00). On a day whose clocks change the
// wall clock decides: 02:30 does not happen on a spring-forward night.
func WithinHours(now time.Time, from, to int) bool {
	m := now.Hour()*60 + now.Minute()
	if from <= to {
		return from <= m && m < to
	}
	return m >= from || m < to
}
