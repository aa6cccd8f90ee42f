package rules

import (
	"fmt"
	"reflect"

	"github.com/loyalkit/loyalkit/internal/enum"
	"github.com/shopspring/decimal"
)

// Limit bounds how often, or how much, a rule may give one customer: at
// most Times applications, and at most Amount (points for an accrual
// rule, money for a discount), in each Period. The rules engine does not
// count: the facts do, by implementing [Limiter] (the loyalty package
// counts from the customer's ledger). A rule at its limit is
// [StatusLimited]; one that would go past an Amount limit is cut to what
// is left and is [StatusCapped] with By "limit".
type Limit struct {
	Times  int             `json:"times,omitempty"`
	Amount decimal.Decimal `json:"amount,omitzero"`
	// Per is the period the limit counts in: the calendar day, week
	// (Monday to Sunday), month, quarter or year of the evaluation (in the
	// facts' zone), the Days days up to it ([Rolling]), or the customer's
	// whole history ([Ever], the zero value).
	Per  Period `json:"per,omitempty"`
	Days int    `json:"days,omitempty"`
}

// IsZero reports whether l is no limit.
func (l Limit) IsZero() bool {
	return l.Times == 0 && l.Amount.IsZero() && l.Per == Ever && l.Days == 0
}

// Period is what a [Limit] counts in.
type Period uint8

// The periods. The zero value is [Ever].
const (
	Ever Period = iota
	Day
	Week
	Month
	Quarter
	Year
	Rolling // the Limit's Days days up to the evaluation
)

var periodNames = [...]string{"ever", "day", "week", "month", "quarter", "year", "rolling"}

func (p Period) String() string { return enum.String(p, "Period", periodNames[:]) }

// MarshalText writes the period's name; an unknown value is an error.
func (p Period) MarshalText() ([]byte, error) { return enum.Marshal("rules", p, periodNames[:]) }

// UnmarshalText reads a period's name; "" is [Ever]; unknown is an error.
func (p *Period) UnmarshalText(b []byte) (err error) {
	*p, err = enum.Parse[Period]("rules", "per", string(b), periodNames[:], true)
	return err
}

// maxLimitDays bounds a rolling limit's window: ten years.
const maxLimitDays = 3660

// Left is what a [Limiter] says is left of a rule's limit: Times more
// applications (when the limit has Times), Amount more points or money
// (when it has an Amount), and Used, for the trace, what was used
// ("2 of 2 this month"; empty when the Limiter is a [UsageDescriber]).
type Left struct {
	Times  int
	Amount decimal.Decimal
	Used   string
}

// Limiter is an optional interface for [Facts] that count what each
// limited rule has given the customer: Eval asks it about every rule with
// a [Limit] before running the rule. A set with limited rules needs facts
// that implement it (with a value receiver).
type Limiter interface {
	LimitLeft(ruleID string, l Limit) Left
}

var limiterType = reflect.TypeFor[Limiter]()

// UsageDescriber is an optional interface for a [Limiter] whose Left
// leaves Used empty: Eval asks it what was used only when the trace shows
// it (the rule limited, or its value cut), instead of the Limiter
// formatting it for every limited rule on every evaluation.
type UsageDescriber interface {
	LimitUsed(ruleID string, l Limit) string
}

// used is what the trace says was used of rule r's limit: left.Used, or
// what env's UsageDescriber says (when describe: the facts type is one).
func used(env any, r *compiled, left *Left, describe bool) string {
	if left.Used != "" || !describe {
		return left.Used
	}
	if d, ok := env.(UsageDescriber); ok {
		return d.LimitUsed(r.ID, r.Limit)
	}
	return ""
}

// check lists what is wrong with a rule's limit.
func (l *Limit) check(k Kind, limiter bool, bad func(string, ...any)) {
	switch {
	case !limiter:
		bad("limit needs facts that implement rules.Limiter")
	case l.Times < 0:
		bad("limit times %d is negative", l.Times)
	case l.Amount.IsNegative():
		bad("limit amount %s is negative", l.Amount)
	case l.Times == 0 && l.Amount.IsZero():
		bad("limit needs times or an amount above 0")
	case !l.Amount.IsZero() && k != Accrual && k != Discount:
		bad("limit amount is only for accrual and discount rules; a %v rule is limited by times", k)
	case l.Per > Rolling:
		bad("unknown limit period %v", l.Per)
	case l.Per == Rolling && (l.Days <= 0 || l.Days > maxLimitDays):
		bad("a rolling limit needs days from 1 to %d, got %d", maxLimitDays, l.Days)
	case l.Per != Rolling && l.Days != 0:
		bad("limit days are only for per rolling, not per %v", l.Per)
	}
}

// limited applies a rule's limit before it runs: it reports whether the
// rule may not run (its step is then [StatusLimited]) and, when the limit
// has an amount, what is left of it (cuts: else false). Left is returned
// by value: a pointer to it would put it on the heap on every call.
func limited(env any, r *compiled, st *Step, describe bool) (stop bool, left Left, cuts bool) {
	lim, ok := env.(Limiter)
	if r.Limit.IsZero() || !ok {
		return false, Left{}, false
	}
	left = lim.LimitLeft(r.ID, r.Limit)
	if r.Limit.Times > 0 && left.Times <= 0 || r.Limit.Amount.IsPositive() && !left.Amount.IsPositive() {
		st.Status, st.Reason = StatusLimited, used(env, r, &left, describe)
		return true, Left{}, false
	}
	return false, left, r.Limit.Amount.IsPositive()
}

// cut limits an applied step's value to what is left of its rule's
// amount limit (when cuts).
func cut(env any, r *compiled, st *Step, left *Left, cuts, describe bool) {
	if cuts && (st.Status == StatusApplied || st.Status == StatusCapped) && st.Value.GreaterThan(left.Amount) {
		st.Value, st.Status, st.By, st.Reason = left.Amount, StatusCapped, "limit", used(env, r, left, describe)
	}
}

// String describes the limit: "2 times a month", "500 per 30 days".
func (l Limit) String() string {
	var what string
	switch {
	case l.Times > 0 && l.Amount.IsPositive():
		what = fmt.Sprintf("%d times and %s", l.Times, l.Amount)
	case l.Times > 0:
		what = fmt.Sprintf("%d times", l.Times)
	default:
		what = l.Amount.String()
	}
	switch l.Per {
	case Ever:
		return what + " in all"
	case Rolling:
		return fmt.Sprintf("%s per %d days", what, l.Days)
	}
	return what + " a " + l.Per.String()
}
