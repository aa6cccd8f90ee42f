package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// row is a group of customers with the same (x, t_x, T): the models'
// likelihoods are sums over customers, so identical summaries are
// computed once and weighted by their count.
type row struct {
	x      int
	tx, T  float64
	weight float64
	// iT and itx index the distinct T and t_x values of the grouped set
	// (see times), so that per-evaluation logs are computed once per value.
	iT, itx int
}

// times lists the distinct T and t_x values of grouped rows.
type times struct {
	T, tx []float64
}

// indexTimes fills the rows' iT and itx and returns the distinct values.
func indexTimes(rows []row) times {
	var ts times
	iT, itx := map[float64]int{}, map[float64]int{}
	for i := range rows {
		r := &rows[i]
		j, ok := iT[r.T]
		if !ok {
			j = len(ts.T)
			iT[r.T] = j
			ts.T = append(ts.T, r.T)
		}
		r.iT = j
		if j, ok = itx[r.tx]; !ok {
			j = len(ts.tx)
			itx[r.tx] = j
			ts.tx = append(ts.tx, r.tx)
		}
		r.itx = j
	}
	return ts
}

// groupCounts groups summaries by (Frequency, Recency, T), sorted by x.
func groupCounts(cs []CustomerSummary) []row {
	type key struct {
		x     int
		tx, T float64
	}
	idx := map[key]int{}
	var rows []row
	for _, c := range cs {
		k := key{c.Frequency, c.Recency, c.T}
		if i, ok := idx[k]; ok {
			rows[i].weight += weight(&c)
			continue
		}
		idx[k] = len(rows)
		rows = append(rows, row{x: c.Frequency, tx: c.Recency, T: c.T, weight: weight(&c)})
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.tx, b.tx), cmp.Compare(a.T, b.T))
	})
	return rows
}

// checkSummaries validates model input: frequencies ≥ 0, 0 ≤ recency ≤ T,
// T > 0, recency 0 when frequency is 0.
// checkSummaries validates summaries passed as field (the argument's name
// in errors) and returns their common unit.
func checkSummaries(fn, field string, cs []CustomerSummary) (Unit, error) {
	return checkInput(fn, field, cs, false)
}

// weight is how many customers summary c stands for (Count; 0 is 1).
func weight(c *CustomerSummary) float64 { return float64(max(c.Count, 1)) }

// customers is how many customers the summaries stand for.
func customers(cs []CustomerSummary) float64 {
	n := 0.0
	for i := range cs {
		n += weight(&cs[i])
	}
	return n
}

// checkRows is checkSummaries for the fits, which take grouped rows.
func checkRows(fn, field string, cs []CustomerSummary) (Unit, error) {
	return checkInput(fn, field, cs, true)
}

// checkInput checks summaries in one pass; rows says whether a summary
// may stand for several customers (Count above 1).
func checkInput(fn, field string, cs []CustomerSummary, rows bool) (Unit, error) {
	if len(cs) == 0 {
		return 0, inputErr(fn, field, "is empty")
	}
	unit := cs[0].Unit
	for i, c := range cs {
		switch {
		case c.Unit <= 0:
			return 0, inputErr(fn, field, "[%d] (%s) has no Unit: say what Recency and T are measured in (metrics.Weeks, metrics.Days)", i, c.ID)
		case c.Unit != unit:
			return 0, inputErr(fn, field, "[%d] (%s) is in %v, [0] in %v: summaries in mixed units", i, c.ID, c.Unit, unit)
		case c.Frequency < 0:
			return 0, inputErr(fn, field, "[%d] (%s) has a negative frequency", i, c.ID)
		case !(c.T > 0) || math.IsInf(c.T, 1):
			return 0, inputErr(fn, field, "[%d] (%s) has T = %v; T must be positive and finite", i, c.ID, c.T)
		case !(c.Recency >= 0 && c.Recency <= c.T):
			return 0, inputErr(fn, field, "[%d] (%s) has recency %v outside [0, T = %v]", i, c.ID, c.Recency, c.T)
		case c.Frequency == 0 && c.Recency != 0:
			return 0, inputErr(fn, field, "[%d] (%s) has recency %v without repeat purchases", i, c.ID, c.Recency)
		case c.Count < 0:
			return 0, inputErr(fn, field, "[%d] (%s) has count %d; a row stands for at least one customer (0 means 1)", i, c.ID, c.Count)
		case c.Count > 1 && !rows:
			return 0, inputErr(fn, field, "[%d] (%s) stands for %d customers: only the fits take grouped rows (Count above 1)", i, c.ID, c.Count)
		}
	}
	return unit, nil
}

// checkFitInput checks the summaries a purchase model is fitted to and
// returns their unit. Besides checkSummaries, it refuses summaries
// without a single repeat purchase: the likelihood then grows without
// bound as the purchase rate goes to 0, and a "fit" would be wherever the
// optimiser stopped.
func checkFitInput(fn string, cs []CustomerSummary) (Unit, error) {
	unit, err := checkRows(fn, "customers", cs)
	if err != nil {
		return 0, err
	}
	for _, c := range cs {
		if c.Frequency > 0 {
			return unit, nil
		}
	}
	return 0, fmt.Errorf("%w: %s: none of the %v customers bought again (every frequency is 0): there is no purchase rate to estimate", ErrFit, fn, customers(cs))
}

// checkUnit refuses summaries in another unit than the model's.
func checkUnit(fn string, pm PurchaseModel, unit Unit) error {
	if pm.ModelUnit() != unit {
		return inputErr(fn, "customers", "are in %v, the model in %v: mixing units would scale every prediction", unit, pm.ModelUnit())
	}
	return nil
}
