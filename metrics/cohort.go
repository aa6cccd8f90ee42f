package metrics

import (
	"iter"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/internal/purchaselog"
	"github.com/shopspring/decimal"
)

// Period is the calendar period cohorts and activity are counted in.
type Period uint8

// The periods activity can be counted in. The zero value is unset.
const (
	PeriodUnset Period = iota
	Month              // calendar months
	ISOWeek            // weeks starting on Monday
)

// Activity accumulates, from a purchase log read once, which periods each
// customer bought in: the source of cohort tables, period-to-period
// retention and the new-versus-returning comparison. Memory grows with
// customers × active periods, not purchases; purchases may come in any
// order. Two Activities of the same period and zone can be merged. Not safe
// for concurrent use.
type Activity struct {
	period Period
	loc    *time.Location
	byID   map[string]*activeCustomer
}

type activeCustomer struct {
	periods map[int]*periodSpend // period index → spend and purchases in it
}

type periodSpend struct {
	orders  int
	revenue decsum.Sum
}

// NewActivity counts activity in the given period, reading dates in loc
// (nil: UTC).
func NewActivity(period Period, loc *time.Location) (*Activity, error) {
	if period != Month && period != ISOWeek {
		return nil, inputErr("NewActivity", "period", "must be Month or ISOWeek, got %d", period)
	}
	if loc == nil {
		loc = time.UTC
	}
	return &Activity{period: period, loc: loc, byID: map[string]*activeCustomer{}}, nil
}

// index is the number of t's period (see periodIndex).
func (a *Activity) index(t time.Time) int { return periodIndex(a.period, a.loc, t) }

// start is the first instant of period i.
func (a *Activity) start(i int) time.Time { return periodStart(a.period, a.loc, i) }

// periodIndex is the number of t's period in loc: months since January
// 1970, or weeks since the Monday of 1969-12-29.
func periodIndex(period Period, loc *time.Location, t time.Time) int {
	t = t.In(loc)
	if period == Month {
		return (t.Year()-1970)*12 + int(t.Month()) - 1
	}
	day := calendar.DayIndex(t, loc) + 3 // 1970-01-01 was a Thursday: day 3 of its ISO week
	if day < 0 {
		return (day - 6) / 7
	}
	return day / 7
}

// periodStart is the first instant of period i in loc.
func periodStart(period Period, loc *time.Location, i int) time.Time {
	if period == Month {
		return time.Date(1970+i/12, time.Month(i%12+1), 1, 0, 0, 0, 0, loc)
	}
	return time.Date(1969, 12, 29+7*i, 0, 0, 0, 0, loc)
}

// Add records one purchase; an empty customer, a negative amount or a zero
// time is an error and changes nothing.
func (a *Activity) Add(p Purchase) error {
	if err := purchaselog.Check[inputPkg]("Activity.Add", p.Customer, p.At, p.Amount); err != nil {
		return err
	}
	c := a.byID[p.Customer]
	if c == nil {
		c = &activeCustomer{periods: map[int]*periodSpend{}}
		a.byID[p.Customer] = c
	}
	i := a.index(p.At)
	ps := c.periods[i]
	if ps == nil {
		ps = &periodSpend{}
		c.periods[i] = ps
	}
	ps.orders++
	ps.revenue.Add(p.Amount)
	return nil
}

// AddAll records a whole log; it stops at the first error.
func (a *Activity) AddAll(log iter.Seq[Purchase]) error {
	for p := range log {
		if err := a.Add(p); err != nil {
			return err
		}
	}
	return nil
}

// Merge adds o's purchases into a.
func (a *Activity) Merge(o *Activity) error {
	if a.period != o.period || a.loc.String() != o.loc.String() {
		return inputErr("Activity.Merge", "period", "or zone differs")
	}
	for id, oc := range o.byID {
		c := a.byID[id]
		if c == nil {
			c = &activeCustomer{periods: map[int]*periodSpend{}}
			a.byID[id] = c
		}
		for i, ops := range oc.periods {
			ps := c.periods[i]
			if ps == nil {
				ps = &periodSpend{}
				c.periods[i] = ps
			}
			ps.orders += ops.orders
			ps.revenue = ps.revenue.Plus(ops.revenue)
		}
	}
	return nil
}

func (c *activeCustomer) first() int {
	first := 0
	started := false
	for i := range c.periods {
		if !started || i < first {
			first, started = i, true
		}
	}
	return first
}

// Cohort is the customers who first bought in one period, and how many of
// them bought again k periods later.
type Cohort struct {
	Start time.Time // first instant of the cohort's period
	Size  int
	// Active[k] is how many of the cohort bought in period Start + k;
	// Active[0] = Size. Only observable periods are present: a period that
	// has not ended by the table's asOf is left out, not counted as 0.
	Active []int
}

// Retention is Active[k] / Size, and false when period k is not yet
// observable.
func (c Cohort) Retention(k int) (float64, bool) {
	if k < 0 || k >= len(c.Active) || c.Size == 0 {
		return 0, false
	}
	return float64(c.Active[k]) / float64(c.Size), true
}

// Cohorts builds the cohort table by first-purchase period, oldest first.
// A period counts as observable once it has ended at asOf. It is
// [CohortCounts.Cohorts] of the activity's customers.
func (a *Activity) Cohorts(asOf time.Time) []Cohort {
	cc := &CohortCounts{period: a.period, loc: a.loc, cells: map[cohortCell]int64{}}
	for _, c := range a.byID {
		ps := cc.scratch[:0]
		for i := range c.periods {
			ps = append(ps, int64(i))
		}
		cc.addCustomer(ps)
	}
	return cc.Cohorts(asOf)
}

// PeriodRetention is, for one period, the activity-based retention of
// the customers active in the period before it.
type PeriodRetention struct {
	Start time.Time
	// Previous is the number of customers who bought in the previous period
	// (S), Retained those of them who bought in this one too, New those
	// who bought for the first time in this one, Active everyone who
	// bought in it (E).
	Previous, Retained, New, Active int
}

// CRR is Retained / Previous: with activity as the definition of a
// customer, (E − N − reactivated) / S. False when Previous is 0.
func (p PeriodRetention) CRR() (float64, bool) {
	if p.Previous == 0 {
		return 0, false
	}
	return float64(p.Retained) / float64(p.Previous), true
}

// Churn is 1 − CRR: the share of the previous period's customers who did
// not buy in this one. False when Previous is 0.
func (p PeriodRetention) Churn() (float64, bool) {
	crr, ok := p.CRR()
	return 1 - crr, ok
}

// Retention lists period-to-period retention for every period that has
// ended by asOf, from the second period with activity on.
func (a *Activity) Retention(asOf time.Time) []PeriodRetention {
	last := a.index(asOf) - 1
	first, any := 0, false
	for _, c := range a.byID {
		if f := c.first(); !any || f < first {
			first, any = f, true
		}
	}
	if !any || first >= last {
		return nil
	}
	out := make([]PeriodRetention, last-first)
	for i := range out {
		out[i].Start = a.start(first + 1 + i)
	}
	for _, c := range a.byID {
		f := c.first()
		for p := range c.periods {
			if p <= first || p > last {
				continue
			}
			r := &out[p-first-1]
			r.Active++
			if p == f {
				r.New++
			}
			if _, ok := c.periods[p-1]; ok {
				r.Retained++
			}
		}
		for p := range c.periods {
			if p >= first && p < last {
				out[p-first].Previous++
			}
		}
	}
	return out
}

// Group is what one group of customers did in a period.
type Group struct {
	Customers int
	Orders    int
	Revenue   decimal.Decimal
	// Repeaters are the customers who bought in at least two periods of
	// the window.
	Repeaters int
}

// AverageOrderValue is Revenue / Orders, exact to 10 places; zero without
// orders.
func (g Group) AverageOrderValue() decimal.Decimal {
	if g.Orders == 0 {
		return decimal.Zero
	}
	return g.Revenue.DivRound(decimal.NewFromInt(int64(g.Orders)), moneyPlaces)
}

// RepeatRate is Repeaters / Customers; zero without customers.
func (g Group) RepeatRate() float64 {
	if g.Customers == 0 {
		return 0
	}
	return float64(g.Repeaters) / float64(g.Customers)
}

// NewVersusReturning compares, over the periods from `from` up to (not
// including) `to`, the customers whose first purchase falls in that window
// ("new") with those who had bought before it ("returning"): their
// customers, orders, revenue and how many bought in two or more periods of
// the window. It is how a shop checks on its own data the claim that
// existing customers spend more and buy again more often than new ones.
func (a *Activity) NewVersusReturning(from, to time.Time) (newGroup, returning Group, err error) {
	lo, hi := a.index(from), a.index(to)
	if hi <= lo {
		return Group{}, Group{}, inputErr("NewVersusReturning", "to", "%s is not a period after from %s", to, from)
	}
	var nRev, rRev decsum.Sum
	for _, c := range a.byID {
		f := c.first()
		if f >= hi {
			continue
		}
		g, rev := &returning, &rRev
		if f >= lo {
			g, rev = &newGroup, &nRev
		}
		periods := 0
		for p, ps := range c.periods {
			if p >= lo && p < hi {
				periods++
				g.Orders += ps.orders
				*rev = rev.Plus(ps.revenue)
			}
		}
		if periods == 0 {
			continue
		}
		g.Customers++
		if periods >= 2 {
			g.Repeaters++
		}
	}
	newGroup.Revenue, returning.Revenue = nRev.Value(), rRev.Value()
	return newGroup, returning, nil
}
