package metrics

import (
	"cmp"
	"slices"
	"strconv"
)

// DiscreteSummary is the history of one customer, or of Count customers
// with the same history, over discrete repeat-transaction opportunities:
// a yearly donation drive, a weekly delivery slot, a monthly renewal date.
// At each opportunity a customer transacts or not; how many times does
// not matter. It is the input of [FitBGBB] and of [BGBB]'s predictions,
// in the recency/frequency form that published data sets compress to
// (Fader, Hardie & Shang 2010, Table 1).
type DiscreteSummary struct {
	// Frequency (x) is the number of opportunities with a repeat
	// transaction, 0 ≤ x ≤ N.
	Frequency int
	// Recency (t_x) is the opportunity, 1 … N, of the last repeat
	// transaction; 0 when Frequency is 0. Frequency ≤ Recency otherwise.
	Recency int
	// N (n) is the number of repeat-transaction opportunities observed,
	// 0 … [MaxOpportunities].
	N int
	// Count is the number of customers with this history, at least 1:
	// 1 for a per-customer row, the pattern's count for compressed data.
	Count int
}

// MaxOpportunities bounds the number of opportunities a discrete history
// or horizon may span (n, and n + n* for a forecast). The BG/BB's
// likelihood and forecasts are sums with a term per opportunity, so the
// bound is on their work: 100,000 opportunities is more than two
// centuries of weekly ones.
const MaxOpportunities = 100_000

// checkDiscrete validates one discrete history (field names the argument
// at fault in fn's error).
func checkDiscrete(fn, field string, x, tx, n int) error {
	switch {
	case n < 0 || n > MaxOpportunities:
		return inputErr(fn, field, "has N = %d opportunities; it must be in [0, %d]", n, MaxOpportunities)
	case x < 0 || x > n:
		return inputErr(fn, field, "has Frequency = %d; it must be in [0, N = %d]", x, n)
	case x == 0 && tx != 0:
		return inputErr(fn, field, "has Recency = %d without repeat transactions; it must be 0", tx)
	case x > 0 && (tx < x || tx > n):
		return inputErr(fn, field, "has Recency = %d; with Frequency %d it must be in [%d, N = %d]", tx, x, x, n)
	}
	return nil
}

// checkDiscreteSummaries validates the input of a discrete-time fit and
// returns the number of customers it stands for.
func checkDiscreteSummaries(fn string, ds []DiscreteSummary) (float64, error) {
	if len(ds) == 0 {
		return 0, inputErr(fn, "summaries", "is empty")
	}
	total := 0.0
	for i, d := range ds {
		field := "summaries[" + strconv.Itoa(i) + "]"
		if err := checkDiscrete(fn, field, d.Frequency, d.Recency, d.N); err != nil {
			return 0, err
		}
		if d.Count < 1 {
			return 0, inputErr(fn, field+".Count", "is %d; it must be at least 1 (the number of customers with this history)", d.Count)
		}
		total += float64(d.Count)
	}
	return total, nil
}

// discreteRow is a group of identical discrete histories.
type discreteRow struct {
	x, tx, n int
	weight   float64
}

// groupDiscrete merges identical (x, t_x, n) histories, adding their
// counts, sorted by (x, t_x, n).
func groupDiscrete(ds []DiscreteSummary) []discreteRow {
	type key struct{ x, tx, n int }
	idx := map[key]int{}
	var rows []discreteRow
	for _, d := range ds {
		k := key{d.Frequency, d.Recency, d.N}
		if i, ok := idx[k]; ok {
			rows[i].weight += float64(d.Count)
			continue
		}
		idx[k] = len(rows)
		rows = append(rows, discreteRow{x: d.Frequency, tx: d.Recency, n: d.N, weight: float64(d.Count)})
	}
	slices.SortFunc(rows, func(a, b discreteRow) int {
		return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.tx, b.tx), cmp.Compare(a.n, b.n))
	})
	return rows
}
