package loyalty

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Development is what became of the points earned in each calendar month
// (an earn cohort) — redeemed, expired, taken back, still outstanding —
// observed at the end of every month since, up to AsOf: the development
// triangle of the programme's points, from which [Development.Breakage]
// estimates how many will never be redeemed. [Cohorts] builds it from
// ledger entries; a backtest builds one per programme
// (BacktestConfig.Cohorts). Points are exact.
type Development struct {
	// Zone is the IANA zone the months are read in (the programme's).
	Zone string
	AsOf time.Time
	// Cohorts are the months in which points were earned, oldest first.
	Cohorts []Cohort
}

// Cohort is the points earned in one calendar month and what became of
// them.
type Cohort struct {
	// Month is the first instant of the month the points were earned in.
	Month  time.Time
	Earned decimal.Decimal
	// Ages[k] is the cohort at the end of its k-th month (Ages[0]: at the
	// end of Month itself; cumulative), for every month that ended by
	// AsOf. Latest is the cohort at AsOf.
	Ages   []CohortState
	Latest CohortState
}

// CohortState is what became of a cohort's points by some instant,
// cumulatively.
type CohortState struct {
	// Redeemed were spent (net of points given back: a cancelled
	// redemption, a returned order that points paid for); Repaid were
	// taken to pay a debt; Expired expired; Reversed were taken back by
	// refunds of the orders that earned them. Outstanding is what is left:
	// Earned − the four.
	Redeemed, Repaid, Expired, Reversed, Outstanding decimal.Decimal
}

// Net is the points the cohort keeps once refunds have taken theirs back
// (Earned − Latest.Reversed): the base the shares and breakage are of.
func (c Cohort) Net() decimal.Decimal { return c.Earned.Sub(c.Latest.Reversed) }

// Shares is s as shares of the cohort's Net points (float64 estimates
// for charts and tables): redeemed (with repaid), expired and
// outstanding. All zero when the cohort kept no points.
func (c Cohort) Shares(s CohortState) (redeemed, expired, outstanding float64) {
	net := c.Net().InexactFloat64()
	if net <= 0 {
		return 0, 0, 0
	}
	return s.Redeemed.Add(s.Repaid).InexactFloat64() / net, s.Expired.InexactFloat64() / net, s.Outstanding.InexactFloat64() / net
}

// Merge adds the cohorts of o (another shard of customers, observed in
// the same zone at the same AsOf) to d's, returning a new Development.
func (d Development) Merge(o Development) (Development, error) {
	if d.Zone != o.Zone || !d.AsOf.Equal(o.AsOf) {
		return Development{}, fmt.Errorf("%w: cannot merge a development in zone %q as of %s with one in %q as of %s", ErrInvalidInput,
			d.Zone, d.AsOf.Format(time.RFC3339Nano), o.Zone, o.AsOf.Format(time.RFC3339Nano))
	}
	byMonth := map[int64]Cohort{}
	for _, c := range slices.Concat(d.Cohorts, o.Cohorts) {
		k := c.Month.Unix()
		prev, ok := byMonth[k]
		if !ok {
			c.Ages = slices.Clone(c.Ages)
			byMonth[k] = c
			continue
		}
		if len(prev.Ages) != len(c.Ages) {
			return Development{}, fmt.Errorf("%w: the cohort of %s has %d ages in one development and %d in the other", ErrInvalidInput,
				c.Month.Format(time.RFC3339), len(prev.Ages), len(c.Ages))
		}
		prev.Earned = prev.Earned.Add(c.Earned)
		prev.Latest = prev.Latest.plus(c.Latest)
		for i := range prev.Ages {
			prev.Ages[i] = prev.Ages[i].plus(c.Ages[i])
		}
		byMonth[k] = prev
	}
	out := Development{Zone: d.Zone, AsOf: d.AsOf}
	for _, k := range slices.Sorted(maps.Keys(byMonth)) {
		out.Cohorts = append(out.Cohorts, byMonth[k])
	}
	return out, nil
}

func (s CohortState) plus(o CohortState) CohortState {
	return CohortState{Redeemed: s.Redeemed.Add(o.Redeemed), Repaid: s.Repaid.Add(o.Repaid), Expired: s.Expired.Add(o.Expired),
		Reversed: s.Reversed.Add(o.Reversed), Outstanding: s.Outstanding.Add(o.Outstanding)}
}

// Cohorts builds a [Development] from a programme's ledger entries, read
// once as a stream ([Cohorts.Add]): each customer's entries in the order
// the operations returned them (the customers' entries may interleave).
// Its memory grows with the number of lots (it remembers the month each
// was earned in), not with the entries.
type Cohorts struct {
	p     *Program
	cells cohortCells
	lots  map[lotKey]int
}

type lotKey struct{ customer, lot string }

// NewCohorts starts a development of the points earned under p, observed
// up to asOf.
func (p *Program) NewCohorts(asOf time.Time) (*Cohorts, error) {
	if err := p.usable("cohorts"); err != nil {
		return nil, err
	}
	if err := checkTime("cohorts", "as of", asOf); err != nil {
		return nil, err
	}
	return &Cohorts{p: p, cells: newCohortCells(p, asOf), lots: map[lotKey]int{}}, nil
}

// Add folds one ledger entry in: an earning starts points in its month's
// cohort; redemptions, expiries, reversals, repayments and restores move
// them in the cohort of the lot they name. Other entries change no lot
// and are skipped. An entry after AsOf, or naming a lot no earlier entry
// of its customer earned, is an error (ErrInvalidInput) that leaves the
// development as it was.
func (c *Cohorts) Add(e Entry) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("loyalty: cohorts: entry %s (customer %q): %w: %s", e.ID, e.Customer, ErrInvalidInput, fmt.Sprintf(format, args...))
	}
	if e.At.After(c.cells.asOf) {
		return fail("at %s is after as of %s", e.At.Format(time.RFC3339Nano), c.cells.asOf.Format(time.RFC3339Nano))
	}
	pts, err := c.p.units(e.Points)
	if err != nil {
		return fail("%v", err)
	}
	if e.Kind == Earn {
		k := lotKey{e.Customer, e.ID}
		if _, dup := c.lots[k]; dup {
			return fail("earns lot %s a second time", e.ID)
		}
		m := monthNumber(e.At, c.p.loc)
		c.lots[k] = m
		c.cells.earn(m, pts)
		return nil
	}
	kind, ok := cohortKind(e.Kind)
	if !ok {
		return nil
	}
	m, ok := c.lots[lotKey{e.Customer, e.Lot}]
	if !ok {
		return fail("names lot %q, which no earlier entry of the customer earned: give each customer's entries in order", e.Lot)
	}
	age := monthNumber(e.At, c.p.loc) - m
	if age < 0 {
		return fail("at %s is before the month its lot %s was earned in", e.At.Format(time.RFC3339Nano), e.Lot)
	}
	c.cells.move(m, age, kind, -pts)
	return nil
}

// Development is the development so far.
func (c *Cohorts) Development() Development { return c.cells.development() }

// The cohort columns an entry moves points to.
const (
	colRedeemed = iota
	colRepaid
	colExpired
	colReversed
	cohortCols
)

// cohortKind is the column of an entry kind that moves a lot's points
// (Restore moves them back into the lot: negative redeemed).
func cohortKind(k EntryKind) (int, bool) {
	switch k {
	case Redeem, Restore:
		return colRedeemed, true
	case Repay:
		return colRepaid, true
	case Expire:
		return colExpired, true
	case Reverse:
		return colReversed, true
	}
	return 0, false
}

// cohortCells are a development's sums, in units: per cohort month, the
// points earned and, per age (months since the cohort's), what each
// column gained.
type cohortCells struct {
	loc       *time.Location
	places    int32
	asOf      time.Time
	asOfMonth int
	rows      map[int]*cohortRow
}

type cohortRow struct {
	earned unitSum
	ages   [][cohortCols]unitSum
}

func newCohortCells(p *Program, asOf time.Time) cohortCells {
	return cohortCells{loc: p.loc, places: p.cfg.PointsPlaces, asOf: asOf, asOfMonth: monthNumber(asOf, p.loc), rows: map[int]*cohortRow{}}
}

func (c *cohortCells) row(month int) *cohortRow {
	r := c.rows[month]
	if r == nil {
		r = &cohortRow{}
		c.rows[month] = r
	}
	return r
}

func (c *cohortCells) earn(month int, pts units) { c.row(month).earned.add(pts) }

// move adds pts to column col of cohort month at age.
func (c *cohortCells) move(month, age, col int, pts units) {
	r := c.row(month)
	for len(r.ages) <= age {
		r.ages = append(r.ages, [cohortCols]unitSum{})
	}
	r.ages[age][col].add(pts)
}

// entries folds an operation's entries on account a (the account after
// the operation, which holds every lot they name) into the cells.
func (c *cohortCells) entries(a *Account, es []Entry) {
	for i := range es {
		e := &es[i]
		if e.Kind == Earn {
			u, _ := fromDecimal(e.Points, c.places) // written by the ledger: whole units
			c.earn(monthNumber(e.At, c.loc), u)
			continue
		}
		col, ok := cohortKind(e.Kind)
		if !ok {
			continue
		}
		k, ok := a.lotIndex(e.Lot)
		if !ok {
			continue // cannot happen: the operation made these entries on a
		}
		m := monthNumber(a.lots.Ptr(k).earnedAt, c.loc)
		u, _ := fromDecimal(e.Points, c.places)
		c.move(m, max(monthNumber(e.At, c.loc)-m, 0), col, -u)
	}
}

// development is the cells as a Development: cumulative sums at each
// month end up to asOf, and at asOf.
func (c *cohortCells) development() Development {
	d := Development{Zone: c.loc.String(), AsOf: c.asOf}
	for _, m := range slices.Sorted(maps.Keys(c.rows)) {
		r := c.rows[m]
		co := Cohort{Month: monthStart(m, c.loc), Earned: r.earned.decimal(c.places)}
		observed := c.asOfMonth - m // the months of the cohort that have ended by asOf
		var cum [cohortCols]unitSum
		state := func() CohortState {
			out := r.earned
			s := CohortState{}
			for col, dst := range []*decimal.Decimal{&s.Redeemed, &s.Repaid, &s.Expired, &s.Reversed} {
				*dst = cum[col].decimal(c.places)
				out = out.plus(cum[col].neg())
			}
			s.Outstanding = out.decimal(c.places)
			return s
		}
		for k := 0; k < max(observed, len(r.ages)); k++ {
			if k < len(r.ages) {
				for col := range cum {
					cum[col] = cum[col].plus(r.ages[k][col])
				}
			}
			if k < observed {
				co.Ages = append(co.Ages, state())
			}
		}
		co.Latest = state()
		d.Cohorts = append(d.Cohorts, co)
	}
	return d
}
