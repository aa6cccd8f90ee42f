package segment

import (
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/internal/purchaselog"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/shopspring/decimal"
)

// Profile is what segments are decided on: one customer's purchases as of
// a date, lifetime and within the recent period, their RFM scores and the
// counters a shop keeps (returns, complaints). Segment conditions use the
// field names: `SpendInPeriod >= 50000 || OrdersInPeriod >= 12`.
type Profile struct {
	ID string
	// Orders and Spend are lifetime totals up to the as-of date.
	Orders int
	Spend  decimal.Decimal
	// OrdersInPeriod and SpendInPeriod count only the recent period.
	OrdersInPeriod int
	SpendInPeriod  decimal.Decimal
	// DaysSinceLast is the number of calendar days from the last purchase
	// to the as-of date.
	DaysSinceLast int
	// Returns and Complaints are counters the host fills in.
	Returns, Complaints int
	// R, F and M are the RFM scores (1–5) in the profiles [ScoredRFM]
	// returns; 0 before.
	R, F, M int
	// Counters holds any other counters the host keeps, by name:
	// `Counters["reviews"] >= 3`.
	Counters map[string]int
}

// ProfileBuilder reads a purchase log once, in any order, into profiles
// as of a date. Memory grows with customers. Not safe for concurrent use.
type ProfileBuilder struct {
	asOf, from int // day indexes: the as-of date, and the first day of the recent period
	loc        *time.Location
	byID       map[string]*profileAcc
}

type profileAcc struct {
	orders, periodOrders int
	spend, periodSpend   decimal.Decimal
	last                 int
}

// NewProfileBuilder builds profiles as of the date of asOf (purchases
// after that day are ignored), with a recent period of periodDays days
// ending on it. Dates are read in loc (nil: UTC).
func NewProfileBuilder(asOf time.Time, periodDays int, loc *time.Location) (*ProfileBuilder, error) {
	if periodDays <= 0 {
		return nil, inputErr("NewProfileBuilder", "periodDays", "must be positive, got %d", periodDays)
	}
	if loc == nil {
		loc = time.UTC
	}
	day := calendar.DayIndex(asOf, loc)
	return &ProfileBuilder{asOf: day, from: day - periodDays + 1, loc: loc, byID: map[string]*profileAcc{}}, nil
}

// Add reads one purchase. An empty customer, a negative amount or a zero
// time is an error (an [*InputError] naming the field) and changes nothing.
func (b *ProfileBuilder) Add(p metrics.Purchase) error {
	if err := purchaselog.Check[inputPkg]("ProfileBuilder.Add", p.Customer, p.At, p.Amount); err != nil {
		return err
	}
	b.add(p.Customer, calendar.DayIndex(p.At, b.loc), 1, p.Amount)
	return nil
}

// add counts orders purchases of one customer on one day, spending amount.
func (b *ProfileBuilder) add(customer string, day, orders int, amount decimal.Decimal) {
	if day > b.asOf {
		return
	}
	a := b.byID[customer]
	if a == nil {
		a = &profileAcc{last: day}
		b.byID[customer] = a
	}
	a.orders += orders
	a.spend = a.spend.Add(amount)
	if day >= b.from {
		a.periodOrders += orders
		a.periodSpend = a.periodSpend.Add(amount)
	}
	a.last = max(a.last, day)
}

// AddDays reads one customer's purchases gathered by day (see
// metrics.CustomerDays): the same profile as Add on each purchase. The days
// must be read in the builder's zone; an empty customer or another zone is
// an [*InputError] and changes nothing.
func (b *ProfileBuilder) AddDays(customer string, d *metrics.CustomerDays) error {
	switch {
	case customer == "":
		return inputErr("ProfileBuilder.AddDays", "customer", "is empty")
	case d.Location().String() != b.loc.String():
		return inputErr("ProfileBuilder.AddDays", "d", "reads dates in %s, the builder in %s", d.Location(), b.loc)
	}
	for day := range d.Days() {
		b.add(customer, calendar.DayIndex(day.Start, b.loc), int(day.Orders), day.Spend)
	}
	return nil
}

// AddAll reads a whole log; it stops at the first error.
func (b *ProfileBuilder) AddAll(log iter.Seq[metrics.Purchase]) error {
	for p := range log {
		if err := b.Add(p); err != nil {
			return err
		}
	}
	return nil
}

// Profiles returns one profile per customer, sorted by ID.
func (b *ProfileBuilder) Profiles() []Profile {
	out := make([]Profile, 0, len(b.byID))
	for _, id := range slices.Sorted(maps.Keys(b.byID)) {
		a := b.byID[id]
		out = append(out, Profile{ID: id, Orders: a.orders, Spend: a.spend, OrdersInPeriod: a.periodOrders,
			SpendInPeriod: a.periodSpend, DaysSinceLast: b.asOf - a.last})
	}
	return out
}
