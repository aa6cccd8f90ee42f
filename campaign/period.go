package campaign

import (
	"cmp"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/internal/enum"
	"github.com/shopspring/decimal"
)

// Period is a calendar period a limit counts over, read in the
// configuration's time zone: a day from midnight, an ISO week from Monday,
// a month, a quarter, a year from its first day. Calendar periods never
// overlap. The zero value, [NoPeriod], means the limit is overall.
type Period uint8

// The periods.
const (
	NoPeriod Period = iota
	Day
	Week
	Month
	Quarter
	Year
)

var periodNames = [...]string{"", "day", "week", "month", "quarter", "year"}

func (p Period) String() string               { return enum.String(p, "Period", periodNames[:]) }
func (p Period) MarshalText() ([]byte, error) { return enum.Marshal("campaign", p, periodNames[:]) }
func (p *Period) UnmarshalText(b []byte) (err error) {
	*p, err = enum.Parse[Period]("campaign", "period", string(b), periodNames[:], true)
	return err
}

// Start is the first instant of the period holding t, in loc (a day
// without a midnight, where clocks jump forward at 00:00, starts at the
// jump). NoPeriod has no start: the zero time.
func (p Period) Start(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	switch p {
	case Day:
		return calendar.DayStart(t.Year(), t.Month(), t.Day(), loc)
	case Week:
		return calendar.WeekStart(t, 0)
	case Month:
		return calendar.PeriodStart(t, 1, 0)
	case Quarter:
		return calendar.PeriodStart(t, 3, 0)
	case Year:
		return calendar.PeriodStart(t, 12, 0)
	}
	return time.Time{}
}

// Window is a span of time with its own cap: a budget of 500 gifts for
// the first week of a sale, 300 for the second. From is inclusive, Until
// exclusive.
type Window struct {
	From  time.Time       `json:"from"`
	Until time.Time       `json:"until"`
	Cap   decimal.Decimal `json:"cap"`
}

// checkWindows refuses windows without a start or an end, ending before
// they start, with a cap that is not positive, or overlapping another.
func checkWindows(field string, ws []Window) []error {
	var errs []error
	for i, w := range ws {
		switch {
		case w.From.IsZero() || w.Until.IsZero():
			errs = append(errs, fieldErr(field, "[%d] needs both from and until", i))
		case !w.From.Before(w.Until):
			errs = append(errs, fieldErr(field, "[%d] ends (%s) at or before it starts (%s)", i, stamp(w.Until), stamp(w.From)))
		case !w.Cap.IsPositive():
			errs = append(errs, fieldErr(field, "[%d] cap %s must be positive", i, w.Cap))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	order := make([]int, len(ws))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return ws[a].From.Compare(ws[b].From) })
	for k := 1; k < len(order); k++ {
		a, b := order[k-1], order[k]
		if ws[b].From.Before(ws[a].Until) {
			errs = append(errs, fieldErr(field, "[%d] (%s to %s) overlaps [%d] (%s to %s)", b, stamp(ws[b].From), stamp(ws[b].Until),
				a, stamp(ws[a].From), stamp(ws[a].Until)))
		}
	}
	return errs
}

// windowAt is the index of the window holding t among windows sorted by
// From, or -1.
func windowAt(ws []Window, t time.Time) int {
	i, found := slices.BinarySearchFunc(ws, t, func(w Window, t time.Time) int { return w.From.Compare(t) })
	if !found {
		i--
	}
	if i >= 0 && t.Before(ws[i].Until) {
		return i
	}
	return -1
}

func sortedWindows(ws []Window) []Window {
	out := slices.Clone(ws)
	slices.SortFunc(out, func(a, b Window) int { return cmp.Compare(a.From.UnixNano(), b.From.UnixNano()) })
	return out
}

// checkTime refuses a zero instant and instants outside years 1..9000.
func checkTime(op, name string, t time.Time) error {
	switch {
	case t.IsZero():
		return opErr(op, ErrInvalidInput, "%s is zero", name)
	case t.Year() < 1 || t.Year() > 9000:
		return opErr(op, ErrInvalidInput, "%s %s is outside years 1..9000", name, t.Format(time.RFC3339))
	}
	return nil
}

// checkSpan refuses a window whose end is not after its start (a zero end
// is open).
func checkSpan(field string, from, until time.Time) error {
	if !until.IsZero() && !from.IsZero() && !from.Before(until) {
		return fieldErr(field, "ends (%s) at or before it starts (%s)", stamp(until), stamp(from))
	}
	for _, t := range []time.Time{from, until} {
		if !t.IsZero() && (t.Year() < 1 || t.Year() > 9000) {
			return fieldErr(field, "%s is outside years 1..9000", stamp(t))
		}
	}
	return nil
}

func stamp(t time.Time) string { return t.Format(time.RFC3339) }

// loadZone loads an IANA zone for field; "" is an error when required.
func loadZone(field, name string, required bool) (*time.Location, error) {
	if name == "" {
		if required {
			return nil, fieldErr(field, "is required (an IANA name such as Europe/Berlin)")
		}
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fieldErr(field, "%q is not a known zone", name)
	}
	return loc, nil
}

func periodErr(field string, p Period) error {
	if p > Year {
		return fieldErr(field, "unknown value %d", p)
	}
	return nil
}
