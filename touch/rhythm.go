package touch

import (
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/internal/purchaselog"
	"github.com/loyalkit/loyalkit/metrics"
)

// RhythmBuilder reads a purchase log once, in any order, into each
// customer's [Rhythm] as of a date. It keeps one day number per distinct
// purchase day (memory grows with purchase days, not purchases of the same
// day). Not safe for concurrent use.
type RhythmBuilder struct {
	asOf int
	loc  *time.Location
	days map[string][]int32
}

// NewRhythmBuilder builds rhythms as of the date of asOf (purchases after
// that day are ignored), with dates read in loc (nil: UTC): use the
// programme's zone.
func NewRhythmBuilder(asOf time.Time, loc *time.Location) (*RhythmBuilder, error) {
	if asOf.IsZero() {
		return nil, inputErr("NewRhythmBuilder", "asOf", "is zero")
	}
	if loc == nil {
		loc = time.UTC
	}
	return &RhythmBuilder{asOf: calendar.DayIndex(asOf, loc), loc: loc, days: map[string][]int32{}}, nil
}

// Add reads one purchase. An empty customer, a negative amount or a zero
// time is an [*InputError] naming the field, and changes nothing.
func (b *RhythmBuilder) Add(p metrics.Purchase) error {
	if err := purchaselog.Check[inputPkg]("RhythmBuilder.Add", p.Customer, p.At, p.Amount); err != nil {
		return err
	}
	day := calendar.DayIndex(p.At, b.loc)
	if day > b.asOf {
		return nil
	}
	ds := b.days[p.Customer]
	if n := len(ds); n > 0 && ds[n-1] == int32(day) {
		return nil // another purchase the same day, in a log in time order
	}
	b.days[p.Customer] = append(ds, int32(day))
	return nil
}

// AddAll reads a whole log; it stops at the first error.
func (b *RhythmBuilder) AddAll(log iter.Seq[metrics.Purchase]) error {
	for p := range log {
		if err := b.Add(p); err != nil {
			return err
		}
	}
	return nil
}

// Rhythms returns one rhythm per customer, sorted by ID. Last is midnight
// of the last purchase day in the builder's zone.
func (b *RhythmBuilder) Rhythms() []Rhythm {
	out := make([]Rhythm, 0, len(b.days))
	var gaps []int
	for _, id := range slices.Sorted(maps.Keys(b.days)) {
		ds := slices.Clone(b.days[id])
		slices.Sort(ds)
		ds = slices.Compact(ds)
		last := calendar.DayStart(1970, 1, 1+int(ds[len(ds)-1]), b.loc)
		gaps = gaps[:0]
		for k := 1; k < len(ds); k++ {
			gaps = append(gaps, int(ds[k]-ds[k-1]))
		}
		out = append(out, Rhythm{ID: id, PurchaseDays: len(ds), Last: last, TypicalGap: median(gaps)})
	}
	return out
}

// median is the median of xs (sorting them), the mean of the two middle
// values rounded up for an even count; 0 for none.
func median(xs []int) int {
	n := len(xs)
	if n == 0 {
		return 0
	}
	slices.Sort(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2] + 1) / 2
}
