package metrics

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"time"
)

// CohortCounts is a cohort table before it is cut at a date: for each
// first-purchase period f and each period p, how many customers who first
// bought in f bought in p. It is built one customer at a time, in any
// order, and two CohortCounts of the same period and zone merge by adding
// their counts, so it can be summed over shards of customers: memory grows
// with periods², not customers. [Activity.Cohorts] is CohortCounts.Cohorts
// of the activity's customers. Not safe for concurrent use.
//
// Each customer must be added once, with all their purchases (or
// purchase days): a customer split over two calls would count as two.
type CohortCounts struct {
	period Period
	loc    *time.Location
	cells  map[cohortCell]int64
	// scratch holds one customer's periods while they are added.
	scratch []int64
}

// cohortCell is a first-purchase period and an active period.
type cohortCell struct{ first, active int64 }

// NewCohortCounts counts in the given period, reading dates in loc (nil:
// UTC).
func NewCohortCounts(period Period, loc *time.Location) (*CohortCounts, error) {
	if period != Month && period != ISOWeek {
		return nil, inputErr("NewCohortCounts", "period", "must be Month or ISOWeek, got %d", period)
	}
	if loc == nil {
		loc = time.UTC
	}
	return &CohortCounts{period: period, loc: loc, cells: map[cohortCell]int64{}}, nil
}

// AddDays adds one customer from their purchase days (see [CustomerDays]);
// a customer without days adds nothing.
func (c *CohortCounts) AddDays(d *CustomerDays) {
	ps := c.scratch[:0]
	for day := range d.Days() {
		ps = append(ps, int64(periodIndex(c.period, c.loc, day.Start)))
	}
	c.addCustomer(ps)
}

// addCustomer adds one customer active in periods ps (repeats allowed,
// any order; ps is sorted in place and kept as scratch space).
func (c *CohortCounts) addCustomer(ps []int64) {
	c.scratch = ps
	if len(ps) == 0 {
		return
	}
	slices.Sort(ps)
	for i, p := range ps {
		if i == 0 || p != ps[i-1] {
			c.cells[cohortCell{ps[0], p}]++
		}
	}
}

// Merge adds o's counts into c; the period and the zone must be the same.
func (c *CohortCounts) Merge(o *CohortCounts) error {
	if c.period != o.period || c.loc.String() != o.loc.String() {
		return inputErr("CohortCounts.Merge", "o", "counts in another period or zone")
	}
	for k, n := range o.cells {
		c.cells[k] += n
	}
	return nil
}

// Cohorts is the cohort table by first-purchase period, oldest first: the
// periods that have ended by asOf (see [Activity.Cohorts]).
func (c *CohortCounts) Cohorts(asOf time.Time) []Cohort {
	last := int64(periodIndex(c.period, c.loc, asOf)) - 1 // the last period that has ended by asOf
	byStart := map[int64]*Cohort{}
	for k, n := range c.cells {
		if k.first > last {
			continue
		}
		co := byStart[k.first]
		if co == nil {
			co = &Cohort{Start: periodStart(c.period, c.loc, int(k.first)), Active: make([]int, last-k.first+1)}
			byStart[k.first] = co
		}
		if k.active == k.first {
			co.Size = int(n)
		}
		if k.active <= last {
			co.Active[k.active-k.first] = int(n)
		}
	}
	out := make([]Cohort, 0, len(byStart))
	for _, f := range slices.Sorted(maps.Keys(byStart)) {
		out = append(out, *byStart[f])
	}
	return out
}

const cohortCountsVersion = 1

// maxPeriodIndex bounds the period indexes UnmarshalBinary accepts (2²³:
// months of 700,000 years, weeks of 160,000), so that corrupt bytes cannot
// make Cohorts build a table of billions of periods.
const maxPeriodIndex = 1 << 23

// MarshalBinary encodes c exactly (period, zone name and counts, in a
// fixed order: equal counts encode alike), for UnmarshalBinary.
func (c *CohortCounts) MarshalBinary() ([]byte, error) {
	b := []byte{cohortCountsVersion, byte(c.period)}
	b = appendString(b, c.loc.String())
	keys := slices.SortedFunc(maps.Keys(c.cells), func(a, b cohortCell) int {
		return cmp.Or(cmp.Compare(a.first, b.first), cmp.Compare(a.active, b.active))
	})
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = binary.AppendVarint(b, k.first)
		b = binary.AppendVarint(b, k.active)
		b = binary.AppendVarint(b, c.cells[k])
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote, replacing c. A
// malformed encoding is an error and leaves c unchanged.
func (c *CohortCounts) UnmarshalBinary(data []byte) error {
	r := reader{b: data}
	if v := r.byte(); r.err == nil && v != cohortCountsVersion {
		return fmt.Errorf("metrics: CohortCounts.UnmarshalBinary: version %d, want %d", v, cohortCountsVersion)
	}
	period := Period(r.byte())
	zone := r.string()
	n := r.count()
	cells := make(map[cohortCell]int64, n)
	for range n {
		k := cohortCell{r.varint(), r.varint()}
		v := r.varint()
		switch {
		case r.err != nil:
		case k.active < k.first || v <= 0:
			r.err = fmt.Errorf("cell (%d, %d) = %d: a customer is active from their first period on, counts are positive", k.first, k.active, v)
		case k.first < -maxPeriodIndex || k.active > maxPeriodIndex:
			r.err = fmt.Errorf("cell (%d, %d): a period more than %d periods from 1970", k.first, k.active, maxPeriodIndex)
		}
		cells[k] = v
	}
	if err := r.done(); err != nil {
		return fmt.Errorf("metrics: CohortCounts.UnmarshalBinary: %w", err)
	}
	if period != Month && period != ISOWeek {
		return fmt.Errorf("metrics: CohortCounts.UnmarshalBinary: period %d", period)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return fmt.Errorf("metrics: CohortCounts.UnmarshalBinary: zone: %w", err)
	}
	*c = CohortCounts{period: period, loc: loc, cells: cells}
	return nil
}
