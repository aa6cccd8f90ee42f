package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/shopspring/decimal"
)

// helperNames is the allowlist of functions rule authors may call. The
// builtins `len`, `any`, `all`, `none`, `one`, `count`, `sum` and `filter`
// are allowed too (see allowedBuiltins); nothing else is callable.
var helperNames = map[string]bool{
	"floor": true, "ceil": true, "round": true, "min": true, "max": true, "dec": true,
	"daysSince": true, "daysUntil": true, "weekday": true, "month": true, "day": true,
	"year": true, "hour": true, "isBirthday": true, "yearsSince": true, "date": true,
}

// helpers returns the pure functions rules can call. Every one has typed
// signatures, so a wrong argument is a compile error, not a run-time one.
func helpers() []expr.Option {
	d := func(p any) decimal.Decimal { x, _ := toDec(p); return x }
	tm := func(p any) time.Time { return p.(time.Time) }
	return []expr.Option{
		expr.Function("floor", func(p ...any) (any, error) {
			if i, ok := p[0].(int); ok {
				return i, nil
			}
			return d(p[0]).Floor(), nil
		}, new(func(decimal.Decimal) decimal.Decimal), new(func(int) int)),
		expr.Function("ceil", func(p ...any) (any, error) {
			if i, ok := p[0].(int); ok {
				return i, nil
			}
			return d(p[0]).Ceil(), nil
		}, new(func(decimal.Decimal) decimal.Decimal), new(func(int) int)),
		expr.Function("round", func(p ...any) (any, error) {
			places, ok := p[1].(int)
			if !ok {
				pd := d(p[1])
				if !pd.IsInteger() {
					return nil, fmt.Errorf("round: places must be a whole number, got %s", pd)
				}
				places = int(pd.IntPart())
			}
			if places < -18 || places > 18 {
				return nil, fmt.Errorf("round: places %d is outside -18..18", places)
			}
			return d(p[0]).Round(int32(places)), nil
		}, new(func(decimal.Decimal, int) decimal.Decimal), new(func(decimal.Decimal, decimal.Decimal) decimal.Decimal),
			new(func(int, int) decimal.Decimal)),
		expr.Function("min", func(p ...any) (any, error) { return minMax(p, -1) }, minMaxTypes()...),
		expr.Function("max", func(p ...any) (any, error) { return minMax(p, 1) }, minMaxTypes()...),
		expr.Function("dec", func(p ...any) (any, error) { return toDec(p[0]) },
			new(func(int) decimal.Decimal), new(func(decimal.Decimal) decimal.Decimal)),
		expr.Function("_sumadd", sumAdd),
		expr.Function("daysSince", func(p ...any) (any, error) { return civilDays(tm(p[0]), tm(p[1])), nil },
			new(func(time.Time, time.Time) int)),
		expr.Function("daysUntil", func(p ...any) (any, error) { return civilDays(tm(p[1]), tm(p[0])), nil },
			new(func(time.Time, time.Time) int)),
		expr.Function("yearsSince", func(p ...any) (any, error) { return yearsSince(tm(p[0]), tm(p[1])), nil },
			new(func(time.Time, time.Time) int)),
		expr.Function("weekday", func(p ...any) (any, error) { return strings.ToLower(tm(p[0]).Weekday().String()), nil },
			new(func(time.Time) string)),
		expr.Function("month", func(p ...any) (any, error) { return int(tm(p[0]).Month()), nil }, new(func(time.Time) int)),
		expr.Function("day", func(p ...any) (any, error) { return tm(p[0]).Day(), nil }, new(func(time.Time) int)),
		expr.Function("year", func(p ...any) (any, error) { return tm(p[0]).Year(), nil }, new(func(time.Time) int)),
		expr.Function("hour", func(p ...any) (any, error) { return tm(p[0]).Hour(), nil }, new(func(time.Time) int)),
		expr.Function("date", func(p ...any) (any, error) {
			loc := time.UTC
			if len(p) == 2 {
				loc = tm(p[1]).Location()
			}
			return parseDate(p[0].(string), loc)
		}, new(func(string) time.Time), new(func(string, time.Time) time.Time)),
		expr.Function("isBirthday", func(p ...any) (any, error) {
			within, ok := p[2].(int)
			if !ok || within < 0 || within > 366 {
				return nil, fmt.Errorf("isBirthday: withinDays must be 0..366, got %v", p[2])
			}
			return IsBirthday(tm(p[0]), tm(p[1]), within), nil
		}, new(func(time.Time, time.Time, int) bool)),
	}
}

func minMaxTypes() []any {
	return append(pairTypes(decType), new(func(int, int) int))
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
	a = a.In(b.Location())
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
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
	if m == time.February && d == 29 && !isLeap(y) {
		d = 28
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// IsBirthday reports whether a birthday (only its month and day count)
// falls within the next withinDays days of now, today included: 0 means
// "today". The birthday is a calendar date: its month and day are read in
// its own location (store it as midnight of the date in any zone), while
// today is now's date in now's location. A Feb 29 birthday is celebrated on
// Feb 28 in non-leap years, so it comes exactly once a year.
func IsBirthday(birth, now time.Time, withinDays int) bool {
	today := civil(now)
	for _, y := range []int{today.Year(), today.Year() + 1} {
		b := anniversary(birth, y)
		days := int(b.Sub(today).Hours() / 24)
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
