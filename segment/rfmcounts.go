package segment

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// DefaultRFMExactSpends is the number of distinct spends an [RFMCounts]
// keeps exactly when none is given: 1,048,576 (a few tens of MiB).
const DefaultRFMExactSpends = 1 << 20

// RFMSketchDigits is the number of significant digits spends are cut to
// (truncated, not rounded) once an [RFMCounts] holds more distinct spends
// than its limit: 1234.5678 counts as 1234, 0.056789 as 0.05678.
const RFMSketchDigits = 4

// RFMCounts is the mergeable form of [ScoredRFM]'s quintiles: how many
// profiles have each number of orders, each number of days since the last
// purchase and each spend. Profiles are added in any order, and RFMCounts
// of shards of them merge by adding their counts; [RFMCounts.Scorer] then
// scores any profile by the rule of ScoredRFM, with the same results.
//
// Orders and days are always counted exactly (their distinct values are
// few). Spends are too while there are at most the limit's distinct
// spends; beyond it every spend is cut to [RFMSketchDigits] significant
// digits, and the scores are approximate: [RFMScorer.Approximate] says so
// and gives the error bound. Which happens depends only on the profiles
// added, not on their order or the shape of the merges. Not safe for
// concurrent use.
type RFMCounts struct {
	limit  int
	n      int64
	orders map[int64]int64
	days   map[int64]int64
	spends map[string]int64 // canonical decimal text (decimal.String) → count
	approx bool             // spends are cut to RFMSketchDigits
}

// NewRFMCounts counts spends exactly up to limit distinct spends (≤ 0:
// [DefaultRFMExactSpends]).
func NewRFMCounts(limit int) *RFMCounts {
	if limit <= 0 {
		limit = DefaultRFMExactSpends
	}
	return &RFMCounts{limit: limit, orders: map[int64]int64{}, days: map[int64]int64{}, spends: map[string]int64{}}
}

// Add counts one profile's Orders, DaysSinceLast and Spend.
func (c *RFMCounts) Add(p Profile) {
	c.n++
	c.orders[int64(p.Orders)]++
	c.days[int64(p.DaysSinceLast)]++
	c.spends[c.spendKey(p.Spend)]++
	c.compact()
}

// Len is the number of profiles counted.
func (c *RFMCounts) Len() int64 { return c.n }

func (c *RFMCounts) spendKey(d decimal.Decimal) string {
	if c.approx {
		d = cutDigits(d)
	}
	return d.String()
}

// cutDigits truncates d to RFMSketchDigits significant digits.
func cutDigits(d decimal.Decimal) decimal.Decimal {
	if d.IsZero() {
		return d
	}
	lead := int32(d.NumDigits()) + d.Exponent() // digits before the point (≤ 0 for 0.0x)
	shift := RFMSketchDigits - lead
	return d.Shift(shift).Truncate(0).Shift(-shift)
}

// compact cuts every spend once there are more distinct spends than the
// limit: from then on the counts are a sketch.
func (c *RFMCounts) compact() {
	if c.approx || len(c.spends) <= c.limit {
		return
	}
	c.approx = true
	old := c.spends
	c.spends = make(map[string]int64, len(old)/4)
	for k, n := range old {
		c.spends[c.spendKey(decimal.RequireFromString(k))] += n
	}
}

// Merge adds o's counts into c. The limit must be the same.
func (c *RFMCounts) Merge(o *RFMCounts) error {
	if c.limit != o.limit {
		return inputErr("RFMCounts.Merge", "o", "has a limit of %d distinct spends, the receiver %d", o.limit, c.limit)
	}
	if o.approx && !c.approx {
		c.limit = -1 // compact now, whatever the size
		c.compact()
		c.limit = o.limit
	}
	c.n += o.n
	for k, n := range o.orders {
		c.orders[k] += n
	}
	for k, n := range o.days {
		c.days[k] += n
	}
	for k, n := range o.spends {
		if c.approx && !o.approx {
			k = c.spendKey(decimal.RequireFromString(k))
		}
		c.spends[k] += n
	}
	c.compact()
	return nil
}

// RFMScorer scores profiles against counted ones: see [RFMCounts.Scorer].
type RFMScorer struct {
	n              int64
	orders, days   ranks[int64]
	spends         ranks[decimal.Decimal]
	approx         bool
	maxSpendBucket int64
}

// ranks is a sorted list of distinct values with the number of counted
// values strictly below each.
type ranks[T comparable] struct {
	values []T
	below  []int64
	total  int64
	cmp    func(a, b T) int
}

func newRanks[T comparable](counts map[T]int64, cmpf func(a, b T) int) ranks[T] {
	r := ranks[T]{values: slices.SortedFunc(maps.Keys(counts), cmpf), cmp: cmpf}
	r.below = make([]int64, len(r.values))
	for i, v := range r.values {
		r.below[i] = r.total
		r.total += counts[v]
	}
	return r
}

// strictlyBelow is the number of counted values < v.
func (r ranks[T]) strictlyBelow(v T) int64 {
	i, found := slices.BinarySearchFunc(r.values, v, r.cmp)
	if found {
		return r.below[i]
	}
	if i == len(r.values) {
		return r.total
	}
	return r.below[i]
}

// strictlyAbove is the number of counted values > v.
func (r ranks[T]) strictlyAbove(v T) int64 {
	i, found := slices.BinarySearchFunc(r.values, v, r.cmp)
	if !found {
		return r.total - r.strictlyBelow(v)
	}
	if i+1 == len(r.values) {
		return 0
	}
	return r.total - r.below[i+1]
}

// Scorer freezes the counts into a scorer (later Adds do not change it).
// Without any profile counted it is an [*InputError].
func (c *RFMCounts) Scorer() (*RFMScorer, error) {
	if c.n == 0 {
		return nil, inputErr("RFMCounts.Scorer", "counts", "are empty: no profile to score against")
	}
	s := &RFMScorer{n: c.n, approx: c.approx}
	s.orders = newRanks(c.orders, cmp.Compare[int64])
	s.days = newRanks(c.days, cmp.Compare[int64])
	spends := make(map[decimal.Decimal]int64, len(c.spends))
	for k, n := range c.spends {
		spends[decimal.RequireFromString(k)] = n
		s.maxSpendBucket = max(s.maxSpendBucket, n)
	}
	// decimal.Decimal holds a pointer: equal values can be distinct keys,
	// but the keys come from distinct canonical texts, so they are not.
	s.spends = newRanks(spends, func(a, b decimal.Decimal) int { return a.Cmp(b) })
	return s, nil
}

// Score returns p with R, F and M set as [ScoredRFM] would set them were p
// one of the counted profiles: score = 1 + ⌊5·s/n⌋ with n the counted
// profiles and s those with strictly fewer orders (F), strictly more days
// since the last purchase (R), strictly less spend (M). A profile that was
// not counted is scored against the counted ones, at most 5.
func (s *RFMScorer) Score(p Profile) Profile {
	p.F = score(s.orders.strictlyBelow(int64(p.Orders)), s.n)
	p.R = score(s.days.strictlyAbove(int64(p.DaysSinceLast)), s.n)
	spend := p.Spend
	if s.approx {
		spend = cutDigits(spend)
	}
	p.M = score(s.spends.strictlyBelow(spend), s.n)
	return p
}

// score is 1 + ⌊5·below/n⌋, at most 5: a profile that was not counted can
// have all n counted values below it.
func score(below, n int64) int { return int(min(5, 1+5*below/n)) }

// Approximate reports whether the spends were cut (there were more
// distinct spends than the limit), and then the bound on M's error: a
// profile's count of strictly smaller spends may be short by the other
// profiles whose spends share its cut value, so its rank s/n is short by
// at most maxRankError = (largest count of one cut value − 1) / n, and its
// M score is low by at most ⌊5·maxRankError⌋ + 1 (0 when maxRankError is
// 0), never high. R and F are always exact. (false, 0) when exact.
func (s *RFMScorer) Approximate() (approximate bool, maxRankError float64) {
	if !s.approx {
		return false, 0
	}
	return true, float64(s.maxSpendBucket-1) / float64(s.n)
}

const rfmCountsVersion = 1

// MarshalBinary encodes c exactly, in a fixed order (equal counts encode
// alike), for UnmarshalBinary.
func (c *RFMCounts) MarshalBinary() ([]byte, error) {
	b := []byte{rfmCountsVersion}
	b = binary.AppendVarint(b, int64(c.limit))
	b = binary.AppendVarint(b, c.n)
	if c.approx {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	for _, m := range []map[int64]int64{c.orders, c.days} {
		keys := slices.Sorted(maps.Keys(m))
		b = binary.AppendUvarint(b, uint64(len(keys)))
		for _, k := range keys {
			b = binary.AppendVarint(b, k)
			b = binary.AppendVarint(b, m[k])
		}
	}
	keys := slices.Sorted(maps.Keys(c.spends))
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendVarint(b, c.spends[k])
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote, replacing c. A
// malformed encoding is an error and leaves c unchanged.
func (c *RFMCounts) UnmarshalBinary(data []byte) error {
	fail := func(what string) error {
		return fmt.Errorf("segment: RFMCounts.UnmarshalBinary: truncated or malformed %s", what)
	}
	b := data
	varint := func() (int64, bool) {
		v, n := binary.Varint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	count := func() (int, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > uint64(len(b)-n) { // each item takes a byte at least
			return 0, false
		}
		b = b[n:]
		return int(v), true
	}
	if len(b) == 0 || b[0] != rfmCountsVersion {
		return fail("version")
	}
	b = b[1:]
	limit, ok1 := varint()
	n, ok2 := varint()
	if !ok1 || !ok2 || len(b) == 0 || b[0] > 1 || limit <= 0 || n < 0 || n > 1<<53 {
		return fail("header")
	}
	out := &RFMCounts{limit: int(limit), n: n, approx: b[0] == 1, spends: map[string]int64{}}
	b = b[1:]
	for _, m := range []*map[int64]int64{&out.orders, &out.days} {
		k, ok := count()
		if !ok {
			return fail("counts")
		}
		*m = make(map[int64]int64, k)
		for range k {
			key, ok1 := varint()
			v, ok2 := varint()
			if !ok1 || !ok2 || v <= 0 {
				return fail("count")
			}
			(*m)[key] = v
		}
	}
	k, ok := count()
	if !ok {
		return fail("spends")
	}
	for range k {
		l, ok := count()
		if !ok {
			return fail("spend")
		}
		key := string(b[:l])
		b = b[l:]
		v, ok := varint()
		if !ok || v <= 0 || strings.ContainsAny(key, "eE") { // canonical text has no exponent (and "1e999999999" would not be written out)
			return fail("spend")
		}
		if d, err := decimal.NewFromString(key); err != nil || d.String() != key {
			return fail("spend")
		}
		out.spends[key] = v
	}
	if len(b) > 0 {
		return fail("end")
	}
	for _, m := range []map[int64]int64{out.orders, out.days} {
		if total(m) != n {
			return fail("counts (they do not add up to the profiles)")
		}
	}
	if total(out.spends) != n {
		return fail("spends (they do not add up to the profiles)")
	}
	*c = *out
	return nil
}

// total adds up a histogram's counts, saturating instead of wrapping.
func total[K comparable](m map[K]int64) int64 {
	var t int64
	for _, n := range m {
		if t > math.MaxInt64-n {
			return math.MaxInt64
		}
		t += n
	}
	return t
}
