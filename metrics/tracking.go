package metrics

import (
	"iter"
	"math"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
)

// Tracker reads a purchase log once for both the per-customer summaries
// (it holds a [Summarizer] of the same config) and the tracking curve:
// the cumulative number of repeat purchases over time, actual against a
// model's (Fader, Hardie & Lee 2005, figure 2; lifetimes'
// expected_cumulative_transactions; BTYD's PlotTrackingCum).
//
// Beyond the summarizer's memory per customer it keeps two counts per
// calendar day (repeat purchase days, and first purchases), so a million
// purchases cost what summarising them costs. The same rules as
// [Summarizer.Add] apply: each customer's purchases in time order, later
// than ObservationEnd skipped. Trackers of shards of customers merge
// ([Tracker.Merge]). A Tracker is not safe for concurrent use.
type Tracker struct {
	s *Summarizer
	// repeats and births count, per day index d ≤ obsEnd, at obsEnd − d:
	// the repeat purchase days of customers first seen in calibration,
	// and those customers' first purchases.
	repeats, births []int
}

// NewTracker checks cfg as [NewSummarizer] does and returns an empty
// tracker. A tracking curve needs a holdout period only to track it: with
// ObservationEnd zero the curve stops at CalibrationEnd.
func NewTracker(cfg SummaryConfig) (*Tracker, error) {
	s, err := NewSummarizer(cfg)
	if err != nil {
		return nil, err
	}
	return &Tracker{s: s}, nil
}

// Add reads one purchase, as [Summarizer.Add].
func (t *Tracker) Add(p Purchase) error {
	h, day, newDay, err := t.s.add("Tracker.Add", p)
	if err != nil || h == nil || !newDay || int(h.first) > t.s.calEnd {
		return err
	}
	i := t.s.obsEnd - day
	if day == int(h.first) {
		t.births = countAt(t.births, i)
	} else {
		t.repeats = countAt(t.repeats, i)
	}
	return nil
}

// countAt adds one at index i, growing the slice as needed.
func countAt(c []int, i int) []int {
	if i >= len(c) {
		c = append(c, make([]int, i+1-len(c))...)
	}
	c[i]++
	return c
}

// AddAll reads a whole log; it stops at the first error.
func (t *Tracker) AddAll(log iter.Seq[Purchase]) error {
	for p := range log {
		if err := t.Add(p); err != nil {
			return err
		}
	}
	return nil
}

// Merge adds o's purchases into t. The two must hold different customers
// — shards of a log split by customer, as a distributed engine's combine
// step has them — and have the same config: a customer in both is an
// [*InputError] (a tracker keeps per-day counts, not the days each count
// came from, so it cannot join two parts of one customer's history, as
// [Summarizer.Merge] does), and so is a different config. The merged
// tracker is the one that would have read both logs. On error t is
// unchanged.
func (t *Tracker) Merge(o *Tracker) error {
	const fn = "Tracker.Merge"
	if !t.s.sameConfig(o.s) {
		return inputErr(fn, "o", "has another config: trackers of different configs cannot be merged")
	}
	for j := range o.s.hist.n {
		id := *o.s.ids.at(j)
		if t.s.index.lookup(t.s.index.hash(id), id, &t.s.ids) >= 0 {
			return inputErr(fn, "o", "holds customer %q too: trackers merge shards of different customers", id)
		}
	}
	if err := t.s.Merge(o.s); err != nil {
		return err
	}
	t.repeats = addCounts(t.repeats, o.repeats)
	t.births = addCounts(t.births, o.births)
	return nil
}

// addCounts adds b into a, index by index, growing a as needed.
func addCounts(a, b []int) []int {
	if len(b) > len(a) {
		a = append(a, make([]int, len(b)-len(a))...)
	}
	for i, n := range b {
		a[i] += n
	}
	return a
}

// Summarizer is the tracker's summarizer, holding the same purchases: its
// Holdout or Customers feed the fits and [EvaluateHoldout].
func (t *Tracker) Summarizer() *Summarizer { return t.s }

// TrackingPoint is the tracking curve at the end of one period.
type TrackingPoint struct {
	// End is the last day of the period (midnight, in the config's
	// Location); the last period may be shorter and ends at
	// ObservationEnd.
	End time.Time
	// Holdout is true for periods that end after CalibrationEnd.
	Holdout bool
	// Actual is the number of repeat purchase days up to End, of the
	// customers whose first purchase is in calibration.
	Actual int
	// Predicted is the sum over those customers of E[X(age at End)], the
	// model's expected repeat purchases since their first purchase: an
	// estimate.
	Predicted float64
}

// Curve is the tracking curve from the earliest first purchase to
// ObservationEnd (CalibrationEnd without a holdout period), one point per
// period of the given length (Weeks for weekly points; any number of
// days). A purchase on day d counts at the end of day d, so the point at
// CalibrationEnd takes each customer's age as their summary's T.
//
// The model must be in the summaries' unit. Its expectation is computed
// once per age in days (at most the days the log spans), so the curve
// costs days × distinct first-purchase days, not customers × periods.
// No customer first seen in calibration, a non-positive period, a model
// in another unit or an expectation that is not a number is an
// [*InputError].
func (t *Tracker) Curve(pm PurchaseModel, period Unit) ([]TrackingPoint, error) {
	const fn = "Tracker.Curve"
	switch {
	case pm == nil:
		return nil, inputErr(fn, "model", "is nil")
	case period <= 0:
		return nil, inputErr(fn, "period", "must be a positive number of days, got %d", int(period))
	case pm.ModelUnit() != t.s.cfg.Unit:
		return nil, inputErr(fn, "model", "is in %v, the summaries in %v: fit the model on summaries in %v", pm.ModelUnit(), t.s.cfg.Unit, t.s.cfg.Unit)
	case len(t.births) == 0:
		return nil, inputErr(fn, "log", "has no customer whose first purchase is in the calibration period")
	}
	obsEnd := t.s.obsEnd
	start := obsEnd - (len(t.births) - 1) // the earliest first purchase
	span := obsEnd - start                // the oldest age, in days
	unit := float64(pm.ModelUnit())
	expect := make([]float64, span+1)
	for age := 1; age <= span; age++ {
		e := pm.ExpectedPurchases(float64(age) / unit)
		if math.IsNaN(e) || math.IsInf(e, 0) {
			return nil, inputErr(fn, "model", "%v expects %v purchases at age %v %v: are its parameters positive and finite?", pm, e, float64(age)/unit, pm.ModelUnit())
		}
		expect[age] = e
	}
	step := min(int(period), span+1) // a longer period is one point, and end cannot overflow
	var points []TrackingPoint
	actual, next := 0, start // next: the first day whose repeat purchases are not yet counted
	for end := start + step - 1; ; end += step {
		end = min(end, obsEnd)
		for ; next <= end; next++ {
			if i := obsEnd - next; i < len(t.repeats) {
				actual += t.repeats[i]
			}
		}
		var pred float64
		for i := obsEnd - end; i < len(t.births); i++ { // first purchases on or before end
			if n := t.births[i]; n > 0 {
				pred += float64(n) * expect[end-(obsEnd-i)]
			}
		}
		points = append(points, TrackingPoint{End: dayStart(end, t.s.cfg.Location), Holdout: end > t.s.calEnd, Actual: actual, Predicted: pred})
		if end == obsEnd {
			return points, nil
		}
	}
}

// dayStart is midnight of a day index in loc.
func dayStart(day int, loc *time.Location) time.Time {
	y, m, d := time.Unix(int64(day)*86400, 0).UTC().Date()
	return calendar.DayStart(y, m, d, loc)
}
