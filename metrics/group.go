package metrics

import (
	"cmp"
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
			rows[i].weight++
			continue
		}
		idx[k] = len(rows)
		rows = append(rows, row{x: c.Frequency, tx: c.Recency, T: c.T, weight: 1})
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.tx, b.tx), cmp.Compare(a.T, b.T))
	})
	return rows
}

// checkSummaries validates model input: frequencies ≥ 0, 0 ≤ recency ≤ T,
// T > 0, recency 0 when frequency is 0.
func checkSummaries(fn string, cs []CustomerSummary) error {
	if len(cs) == 0 {
		return inputErr(fn, "customers", "is empty")
	}
	for i, c := range cs {
		switch {
		case c.Frequency < 0:
			return inputErr(fn, "customers", "[%d] (%s) has a negative frequency", i, c.ID)
		case !(c.T > 0):
			return inputErr(fn, "customers", "[%d] (%s) has T = %v; T must be positive", i, c.ID, c.T)
		case c.Recency < 0 || c.Recency > c.T:
			return inputErr(fn, "customers", "[%d] (%s) has recency %v outside [0, T = %v]", i, c.ID, c.Recency, c.T)
		case c.Frequency == 0 && c.Recency != 0:
			return inputErr(fn, "customers", "[%d] (%s) has recency %v without repeat purchases", i, c.ID, c.Recency)
		}
	}
	return nil
}
