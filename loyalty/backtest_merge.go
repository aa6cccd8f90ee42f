package loyalty

import (
	"fmt"
	"slices"
	"strings"
)

// MergeCustomerBacktests merges reports of one backtest over disjoint
// sets of customers into the report of those customers together: the
// report one Backtest over all their operations gives. It is for a
// distributed engine that groups the log by customer and runs [Backtest]
// on each customer's operations alone (each such report covers "every
// customer" of its own log, so [MergeBacktests], which merges shards,
// refuses them); the reports may be merged in any order and any tree
// shape, with the same result.
//
// Unlike shards, disjoint customers cannot be checked from the reports
// alone (a customer whose outcome is the same under A and B leaves no
// trace by id): the caller guarantees that no customer is in two
// reports. It refuses what it can see: reports of different backtests or
// shard counts, reports changed after Backtest made them, and a customer
// among the Changes of two reports. The result's Shards are the union of
// the reports' (sorted, each once). Merging k reports costs one pass
// over their sums and one sort of their Changes.
func MergeCustomerBacktests(reports ...*BacktestReport) (*BacktestReport, error) {
	if len(reports) == 0 {
		return nil, fmt.Errorf("%w: no report to merge", ErrInvalidInput)
	}
	n := 0
	for i, r := range reports {
		if err := sameBacktest(reports, i); err != nil {
			return nil, err
		}
		n += len(r.Changes)
	}
	changes := make([]CustomerChange, 0, n)
	var shards []int
	var out *BacktestReport
	for _, r := range reports {
		changes = append(changes, r.Changes...)
		shards = append(shards, r.Shards...)
		x := *r
		x.Changes = nil // merged once below, not once per pair
		if out == nil {
			out = x.clone()
		} else {
			out = out.merge(&x)
		}
	}
	slices.SortFunc(changes, func(x, y CustomerChange) int { return strings.Compare(x.Customer, y.Customer) })
	for i := 1; i < len(changes); i++ {
		if changes[i].Customer == changes[i-1].Customer {
			return nil, fmt.Errorf("%w: customer %q is in two reports: the reports must be of disjoint customers", ErrInvalidInput, changes[i].Customer)
		}
	}
	if len(changes) > 0 {
		out.Changes = changes
	}
	slices.Sort(shards)
	out.Shards = slices.Compact(shards)
	return out, nil
}
