package pipeline

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
)

// DaysFn is the per-customer combiner behind the summaries, the cohort
// table and the RFM profiles: it gathers one customer's purchases into a
// metrics.CustomerDays (their days, counts and exact spend), in any order
// and merged in any tree shape. [SummarizeFn] turns it into the customer's
// summary with the library's Summarizer.
type DaysFn struct {
	// Location is the IANA zone days are read in ("": UTC).
	Location string
	loc      *time.Location
}

func (f *DaysFn) zone() (*time.Location, error) {
	if f.loc == nil {
		loc, err := time.LoadLocation(f.Location)
		if err != nil {
			return nil, fmt.Errorf("pipeline: DaysFn.Location %q: %w", f.Location, err)
		}
		f.loc = loc
	}
	return f.loc, nil
}

// CreateAccumulator is an empty CustomerDays in the zone.
func (f *DaysFn) CreateAccumulator() (*metrics.CustomerDays, error) {
	loc, err := f.zone()
	if err != nil {
		return nil, err
	}
	return metrics.NewCustomerDays(loc), nil
}

// AddInput adds one purchase.
func (f *DaysFn) AddInput(a *metrics.CustomerDays, p metrics.Purchase) (*metrics.CustomerDays, error) {
	return a, a.Add(p)
}

// MergeAccumulators merges b into a.
func (f *DaysFn) MergeAccumulators(a, b *metrics.CustomerDays) (*metrics.CustomerDays, error) {
	return a, a.Merge(b)
}

// ExtractOutput is the accumulator itself.
func (f *DaysFn) ExtractOutput(a *metrics.CustomerDays) *metrics.CustomerDays { return a }

// CohortFn combines customers' days into the cohort table's counts
// (metrics.CohortCounts): each input is one customer, whole.
type CohortFn struct{ configured }

// CreateAccumulator is an empty table.
func (f *CohortFn) CreateAccumulator() (*metrics.CohortCounts, error) {
	s, err := f.settings()
	if err != nil {
		return nil, err
	}
	return metrics.NewCohortCounts(s.period, s.loc)
}

// AddInput adds one customer.
func (f *CohortFn) AddInput(a *metrics.CohortCounts, d *metrics.CustomerDays) *metrics.CohortCounts {
	a.AddDays(d)
	return a
}

// MergeAccumulators adds b's counts to a.
func (f *CohortFn) MergeAccumulators(a, b *metrics.CohortCounts) (*metrics.CohortCounts, error) {
	return a, a.Merge(b)
}

// ExtractOutput is the counts.
func (f *CohortFn) ExtractOutput(a *metrics.CohortCounts) *metrics.CohortCounts { return a }

// RFMFn combines profiles into the RFM quintiles' histograms
// (segment.RFMCounts): exact up to ExactSpends distinct spends, then an
// approximate sketch that says so.
type RFMFn struct {
	ExactSpends int
}

// CreateAccumulator is an empty histogram.
func (f *RFMFn) CreateAccumulator() *segment.RFMCounts { return segment.NewRFMCounts(f.ExactSpends) }

// AddInput counts one profile.
func (f *RFMFn) AddInput(a *segment.RFMCounts, p segment.Profile) *segment.RFMCounts {
	a.Add(p)
	return a
}

// MergeAccumulators adds b's counts to a.
func (f *RFMFn) MergeAccumulators(a, b *segment.RFMCounts) (*segment.RFMCounts, error) {
	return a, a.Merge(b)
}

// ExtractOutput is the histogram.
func (f *RFMFn) ExtractOutput(a *segment.RFMCounts) *segment.RFMCounts { return a }

// FitRows is what the BG/NBD and Gamma-Gamma fits read: the customers
// grouped by (frequency, recency, T) and, for repeat customers, by
// (frequency, mean repeat spend), with counts. Repeat customers whose
// repeat purchases were all free (mean spend 0) are left out of the spend
// rows: metrics.FitGammaGamma refuses them (the model's spend is positive). It is as small as the
// number of distinct histories, so the fit runs on one worker.
type FitRows struct {
	Unit metrics.Unit
	BG   map[BGRow]int64
	GG   map[GGRow]int64
}

// BGRow is a customer history as the purchase models read it.
type BGRow struct {
	X     int
	Tx, T float64
}

// GGRow is a repeat customer as the spend model reads it.
type GGRow struct {
	X int
	M float64
}

// FitRowsFn groups summaries into FitRows.
type FitRowsFn struct{}

// CreateAccumulator is an empty set of rows.
func (FitRowsFn) CreateAccumulator() *FitRows {
	return &FitRows{BG: map[BGRow]int64{}, GG: map[GGRow]int64{}}
}

// AddInput counts one customer.
func (FitRowsFn) AddInput(a *FitRows, c metrics.CustomerSummary) (*FitRows, error) {
	if a.Unit == 0 {
		a.Unit = c.Unit
	}
	if c.Unit != a.Unit {
		return nil, fmt.Errorf("pipeline: FitRowsFn: customer %q is in %v, others in %v", c.ID, c.Unit, a.Unit)
	}
	a.BG[BGRow{c.Frequency, c.Recency, c.T}]++
	if c.Frequency > 0 && c.Monetary > 0 {
		a.GG[GGRow{c.Frequency, c.Monetary}]++
	}
	return a, nil
}

// MergeAccumulators adds b's rows to a.
func (FitRowsFn) MergeAccumulators(a, b *FitRows) (*FitRows, error) {
	if a.Unit == 0 {
		a.Unit = b.Unit
	}
	if b.Unit != 0 && b.Unit != a.Unit {
		return nil, fmt.Errorf("pipeline: FitRowsFn: summaries in %v and in %v", a.Unit, b.Unit)
	}
	for k, n := range b.BG {
		a.BG[k] += n
	}
	for k, n := range b.GG {
		a.GG[k] += n
	}
	return a, nil
}

// ExtractOutput is the rows.
func (FitRowsFn) ExtractOutput(a *FitRows) *FitRows { return a }

// bgRows and ggRows are the rows in a fixed order.
func (r *FitRows) bgRows() []BGRow {
	return slices.SortedFunc(maps.Keys(r.BG), func(a, b BGRow) int {
		return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Tx, b.Tx), cmp.Compare(a.T, b.T))
	})
}

func (r *FitRows) ggRows() []GGRow {
	return slices.SortedFunc(maps.Keys(r.GG), func(a, b GGRow) int {
		return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.M, b.M))
	})
}

// Summaries are the rows as the library's fits read them: one summary
// (without IDs or money) per distinct history, in row order, with Count
// the customers it stands for. The fitting worker's memory grows with the
// distinct histories, not with the customers. n and repeat are the
// customers and the repeat customers counted.
func (r *FitRows) Summaries() (bg, gg []metrics.CustomerSummary, n, repeat int64) {
	for _, k := range r.bgRows() {
		bg = append(bg, metrics.CustomerSummary{ID: "row", Frequency: k.X, Recency: k.Tx, T: k.T, Unit: r.Unit, Count: int(r.BG[k])})
		n += r.BG[k]
	}
	for _, k := range r.ggRows() {
		gg = append(gg, metrics.CustomerSummary{ID: "row", Frequency: k.X, Monetary: k.M, T: 1, Unit: r.Unit, Count: int(r.GG[k])})
		repeat += r.GG[k]
	}
	return bg, gg, n, repeat
}

const fitRowsVersion = 1

func encodeFitRows(r *FitRows) ([]byte, error) {
	e := enc{b: []byte{fitRowsVersion}}
	e.int(int64(r.Unit))
	e.int(int64(len(r.BG)))
	for _, k := range r.bgRows() {
		e.int(int64(k.X))
		e.f64(k.Tx)
		e.f64(k.T)
		e.int(r.BG[k])
	}
	e.int(int64(len(r.GG)))
	for _, k := range r.ggRows() {
		e.int(int64(k.X))
		e.f64(k.M)
		e.int(r.GG[k])
	}
	return e.b, nil
}

func decodeFitRows(b []byte) (*FitRows, error) {
	if len(b) == 0 || b[0] != fitRowsVersion {
		return nil, fmt.Errorf("decoding fit rows: version")
	}
	d := dec{b: b[1:]}
	r := FitRowsFn{}.CreateAccumulator()
	r.Unit = metrics.Unit(d.int())
	n := d.int()
	if n < 0 || n > int64(len(d.b)) {
		d.fail("rows")
		n = 0
	}
	for range n {
		k := BGRow{X: int(d.int()), Tx: d.f64(), T: d.f64()}
		r.BG[k] = d.int()
	}
	n = d.int()
	if n < 0 || n > int64(len(d.b)) {
		d.fail("rows")
		n = 0
	}
	for range n {
		k := GGRow{X: int(d.int()), M: d.f64()}
		r.GG[k] = d.int()
	}
	if err := d.done("fit rows"); err != nil {
		return nil, err
	}
	for _, v := range r.BG {
		if v <= 0 {
			return nil, fmt.Errorf("decoding fit rows: a count of %d", v)
		}
	}
	for _, v := range r.GG {
		if v <= 0 {
			return nil, fmt.Errorf("decoding fit rows: a count of %d", v)
		}
	}
	return r, nil
}
