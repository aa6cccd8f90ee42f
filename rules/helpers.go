package rules

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/shopspring/decimal"
)

// helperNames is the allowlist of functions rule authors may call. The
// builtins `len`, `any`, `all`, `none`, `one`, `count`, `sum` and `filter`
// are allowed too (see allowedBuiltins); nothing else is callable.
var helperNames = map[string]bool{
	"floor": true, "ceil": true, "round": true, "min": true, "max": true, "dec": true,
	"daysSince": true, "daysUntil": true, "weekday": true, "month": true, "day": true,
	"year": true, "hour": true, "isBirthday": true, "yearsSince": true, "date": true,
	"daysToAnniversary": true, "daysSinceAnniversary": true, "nearAnniversary": true,
	"startOfWeek": true, "endOfWeek": true, "startOfMonth": true, "endOfMonth": true,
	"startOfQuarter": true, "endOfQuarter": true, "startOfYear": true, "endOfYear": true, "withinHours": true,
}

// helpers returns the pure functions rules can call. Every one has typed
// signatures, so a wrong argument is a compile error, not a run-time one.
func helpers() []expr.Option {
	d := func(p any) decimal.Decimal { x, _ := toDec(p); return x }
	return []expr.Option{
		expr.Function("floor", func(p ...any) (any, error) {
			if i, ok := p[0].(int); ok {
				return i, nil
			}
			return bounded(d(p[0]).Floor())
		}, new(func(decimal.Decimal) decimal.Decimal), new(func(int) int)),
		expr.Function("ceil", func(p ...any) (any, error) {
			if i, ok := p[0].(int); ok {
				return i, nil
			}
			return bounded(d(p[0]).Ceil())
		}, new(func(decimal.Decimal) decimal.Decimal), new(func(int) int)),
		expr.Function("round", func(p ...any) (any, error) {
			pd := d(p[1])
			if m := roundPlaces(pd); m != "" {
				return nil, errors.New(m)
			}
			return bounded(d(p[0]).Round(int32(pd.IntPart())))
		}, new(func(decimal.Decimal, int) decimal.Decimal), new(func(decimal.Decimal, decimal.Decimal) decimal.Decimal),
			new(func(int, int) decimal.Decimal)),
		expr.Function("min", func(p ...any) (any, error) { return minMax(p, -1) }, minMaxTypes()...),
		expr.Function("max", func(p ...any) (any, error) { return minMax(p, 1) }, minMaxTypes()...),
		expr.Function("dec", func(p ...any) (any, error) { return toDec(p[0]) },
			new(func(int) decimal.Decimal), new(func(decimal.Decimal) decimal.Decimal)),
		expr.Function("_sumadd", sumAdd),
		twoDates("daysSince", "t", civilDays),
		twoDates("daysUntil", "t", func(t, now time.Time) int { return civilDays(now, t) }),
		twoDates("yearsSince", "date", yearsSince),
		expr.Function("weekday", datePart("weekday", "t", func(t time.Time) any { return strings.ToLower(t.Weekday().String()) }),
			new(func(time.Time) string)),
		expr.Function("month", datePart("month", "t", func(t time.Time) any { return int(t.Month()) }), new(func(time.Time) int)),
		expr.Function("day", datePart("day", "t", func(t time.Time) any { return t.Day() }), new(func(time.Time) int)),
		expr.Function("year", datePart("year", "t", func(t time.Time) any { return t.Year() }), new(func(time.Time) int)),
		expr.Function("hour", datePart("hour", "t", func(t time.Time) any { return t.Hour() }), new(func(time.Time) int)),
		expr.Function("date", func(p ...any) (any, error) {
			loc := time.UTC
			if len(p) == 2 {
				now, ok := p[1].(time.Time) // only its zone counts: a zero time is UTC
				if !ok {
					return nil, unknownDateNow
				}
				loc = now.Location()
			}
			return parseDate(p[0].(string), loc)
		}, new(func(string) time.Time), new(func(string, time.Time) time.Time)),
		expr.Function("isBirthday", func(p ...any) (any, error) {
			within, ok := p[2].(int)
			if !ok || within < 0 || within > maxWithinDays {
				return nil, fmt.Errorf("isBirthday: withinDays must be 0..%d, got %v", maxWithinDays, p[2])
			}
			birth, now, err := known2(unknownIsBirthday, p)
			if err != nil {
				return nil, err
			}
			return IsBirthday(birth, now, within), nil
		}, new(func(time.Time, time.Time, int) bool)),
	}
}

// maxWithinDays is the largest withinDays isBirthday accepts; maxPlaces
// bounds round's places (-maxPlaces..maxPlaces).
const (
	maxWithinDays = 366
	maxPlaces     = 18
)

// unknownError is what a date helper fails with when given a zero
// time.Time: the value is unknown (a birthday not on file), and no answer
// computed from it would be true. It unwraps to [ErrUnknown]; expr keeps it
// as the cause of its run-time error, so Eval can tell it from a failure.
type unknownError struct{ msg string }

func (e *unknownError) Error() string { return e.msg }

func newUnknown(fn, arg string, n int) *unknownError {
	return &unknownError{fmt.Sprintf("%s: argument %d (%s) is unknown (a zero or nil time)", fn, n, arg)}
}

// The unknown-argument errors of the date helpers, made once: an unknown
// date is common (no birthday on file) and must stay cheap. They are
// never changed.
var (
	unknownIsBirthday = [2]error{newUnknown("isBirthday", "date", 1), newUnknown("isBirthday", "now", 2)}
	unknownDateNow    = newUnknown("date", "now", 2)
)

func (e *unknownError) Unwrap() error { return ErrUnknown }

// knownTime is a date helper's argument, when it is known: a time.Time
// that is not zero. A nil *time.Time fact arrives as nil, and is unknown
// too.
func knownTime(v any) (time.Time, bool) {
	t, ok := v.(time.Time)
	return t, ok && !t.IsZero()
}

// known2 returns the first two arguments of a date helper, or the
// helper's unknown error for the first of them that is unknown.
func known2(unknown [2]error, p []any) (time.Time, time.Time, error) {
	a, ok := knownTime(p[0])
	if !ok {
		return a, a, unknown[0]
	}
	b, ok := knownTime(p[1])
	if !ok {
		return a, b, unknown[1]
	}
	return a, b, nil
}

// twoDates is a helper of a date (its first argument, named arg) and now
// that gives an int (daysSince, daysToAnniversary, ...): an unknown
// argument is its unknownError, made once.
func twoDates(fn, arg string, f func(t, now time.Time) int) expr.Option {
	unknown := [2]error{newUnknown(fn, arg, 1), newUnknown(fn, "now", 2)}
	return expr.Function(fn, func(p ...any) (any, error) {
		t, now, err := known2(unknown, p)
		if err != nil {
			return nil, err
		}
		return f(t, now), nil
	}, new(func(time.Time, time.Time) int))
}

// datePart is a one-argument date helper (weekday, month, startOfWeek,
// ...) of the argument named arg: an unknown time is an unknownError.
func datePart(fn, arg string, f func(time.Time) any) func(p ...any) (any, error) {
	unknown := newUnknown(fn, arg, 1)
	return func(p ...any) (any, error) {
		t, ok := knownTime(p[0])
		if !ok {
			return nil, unknown
		}
		return f(t), nil
	}
}

// minMaxTypes: decimals with decimals or ints, and ints with ints; a
// float64 fact is not money (its decimal would be inexact).
func minMaxTypes() []any {
	var out []any
	for _, p := range [][2]reflect.Type{{decType, decType}, {decType, intType}, {intType, decType}} {
		out = append(out, reflect.New(reflect.FuncOf([]reflect.Type{p[0], p[1]}, []reflect.Type{decType}, false)).Interface())
	}
	return append(out, new(func(int, int) int))
}

func minMax(p []any, sign int) (any, error) {
	if a, ok := p[0].(int); ok {
		if b, ok := p[1].(int); ok {
			if (sign < 0) == (a < b) {
				return a, nil
			}
			return b, nil
		}
	}
	a, b, err := dec2(p)
	if err != nil {
		return nil, err
	}
	if a.Cmp(b)*sign >= 0 {
		return a, nil
	}
	return b, nil
}

// civilDays is the number of calendar days from the date of a to the date
// of b, both read in b's location (the facts' `now` carries the
// programme's zone): a is an instant, such as a purchase time. It counts
// dates, not 24-hour periods, so a DST day counts as one day.
func civilDays(a, b time.Time) int {
	return calendar.DayIndex(b, b.Location()) - calendar.DayIndex(a, b.Location())
}

// yearsSince is the number of whole years from the calendar date a (read
// in its own location, like a birthday) to b's date (an age or a membership
// anniversary); a Feb 29 date completes a year on Feb 28 in non-leap years,
// like [IsBirthday].
func yearsSince(a, b time.Time) int {
	y := b.Year() - a.Year()
	if anniversary(a, b.Year()).After(civil(b)) {
		y--
	}
	return y
}

func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// anniversary is the date of a's month and day in year y; Feb 29 maps to
// Feb 28 when y is not a leap year.
func anniversary(a time.Time, y int) time.Time {
	m, d := a.Month(), a.Day()
	return time.Date(y, m, min(d, calendar.DaysIn(y, m)), 0, 0, 0, 0, time.UTC)
}

// IsBirthday reports whether a birthday (only its month and day count)
// falls within the next withinDays days of now, today included: 0 means
// "today". The birthday is a calendar date: its month and day are read in
// its own location (store it as midnight of the date in any zone), while
// today is now's date in now's location. A Feb 29 birthday is celebrated on
// Feb 28 in non-leap years, so it comes exactly once a year. A zero birth
// or now is an unknown date, and never a birthday: IsBirthday reports
// false (in rules, isBirthday with a zero date fails with [ErrUnknown]).
func IsBirthday(birth, now time.Time, withinDays int) bool {
	if birth.IsZero() || now.IsZero() {
		return false
	}
	today := civil(now)
	for _, y := range []int{today.Year(), today.Year() + 1} {
		b := anniversary(birth, y)
		days := calendar.DayIndex(b, time.UTC) - calendar.DayIndex(today, time.UTC)
		if days >= 0 && days <= withinDays {
			return true
		}
	}
	return false
}

// parseDate reads an RFC 3339 timestamp, or a date (2006-01-02) or a date
// and time (2006-01-02 15:04) as wall time in loc. It never consults the
// process's local zone.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date: cannot read %q (want 2006-01-02, 2006-01-02 15:04[:05] or RFC 3339)", s)
}
