package metrics

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/internal/purchaselog"
	"github.com/shopspring/decimal"
)

// CustomerDays is one customer's purchases gathered by calendar day, read
// in any order: the order-independent, mergeable form of what a
// [Summarizer] reads (which needs each customer's purchases in time
// order). Purchases on one day add up — their count and their exact
// spend — so the result of any sequence of Add and Merge calls depends only
// on the purchases, not on their order or on how they were split.
//
// It does not summarise anything itself: [SummarizeDays] feeds its days,
// in time order, to a Summarizer; [CohortCounts.AddDays] and
// segment.ProfileBuilder.AddDays read them too. Memory grows with the
// customer's distinct purchase days. The zero value is empty and reads
// dates in UTC. Not safe for concurrent use.
type CustomerDays struct {
	loc  *time.Location // nil: UTC
	days []dayTotal     // sorted by day, one entry a day
}

type dayTotal struct {
	day    int64
	orders int64
	spend  decsum.Sum
}

// NewCustomerDays is an empty CustomerDays reading dates in loc (nil: UTC).
func NewCustomerDays(loc *time.Location) *CustomerDays {
	if loc == time.UTC {
		loc = nil
	}
	return &CustomerDays{loc: loc}
}

// Location is the zone the days are read in.
func (c *CustomerDays) Location() *time.Location {
	if c.loc == nil {
		return time.UTC
	}
	return c.loc
}

// Add reads one purchase (its Customer is only checked to be there: the
// caller keeps customers apart). An empty customer, a negative amount or a
// zero time is an [*InputError] naming the field, and changes nothing.
func (c *CustomerDays) Add(p Purchase) error {
	if err := purchaselog.Check[inputPkg]("CustomerDays.Add", p.Customer, p.At, p.Amount); err != nil {
		return err
	}
	c.add(int64(calendar.DayIndex(p.At, c.Location())), 1, decsum.Of(p.Amount))
	return nil
}

func (c *CustomerDays) add(day, orders int64, spend decsum.Sum) {
	i, found := slices.BinarySearchFunc(c.days, day, func(d dayTotal, day int64) int {
		switch {
		case d.day < day:
			return -1
		case d.day > day:
			return 1
		}
		return 0
	})
	if found {
		c.days[i].orders += orders
		c.days[i].spend = c.days[i].spend.Plus(spend)
		return
	}
	c.days = slices.Insert(c.days, i, dayTotal{day: day, orders: orders, spend: spend})
}

// Merge adds o's days into c. Both must read dates in the same zone; on
// error c is unchanged.
func (c *CustomerDays) Merge(o *CustomerDays) error {
	if c.Location().String() != o.Location().String() {
		return inputErr("CustomerDays.Merge", "o", "reads dates in %s, the receiver in %s", o.Location(), c.Location())
	}
	merged := make([]dayTotal, 0, len(c.days)+len(o.days))
	i, j := 0, 0
	for i < len(c.days) && j < len(o.days) {
		a, b := c.days[i], o.days[j]
		switch {
		case a.day < b.day:
			merged = append(merged, a)
			i++
		case a.day > b.day:
			merged = append(merged, b)
			j++
		default:
			merged = append(merged, dayTotal{day: a.day, orders: a.orders + b.orders, spend: a.spend.Plus(b.spend)})
			i++
			j++
		}
	}
	merged = append(merged, c.days[i:]...)
	merged = append(merged, o.days[j:]...)
	c.days = merged
	return nil
}

// Len is the number of distinct purchase days.
func (c *CustomerDays) Len() int { return len(c.days) }

// Day is one purchase day of a [CustomerDays]: its first instant in the
// zone the days are read in, the number of purchases and their exact spend.
type Day struct {
	Start  time.Time
	Orders int64
	Spend  decimal.Decimal
}

// Days yields the purchase days in time order.
func (c *CustomerDays) Days() iter.Seq[Day] {
	return func(yield func(Day) bool) {
		loc := c.Location()
		for _, d := range c.days {
			t := calendar.DayStart(1970, time.January, 1+int(d.day), loc)
			if !yield(Day{Start: t, Orders: d.orders, Spend: d.spend.Value()}) {
				return
			}
		}
	}
}

// SummarizeDays is the summary of one customer's days under cfg: what a
// [Summarizer] of cfg gives for the same purchases, computed by one (fed a
// purchase a day, in time order). It is false when the customer has no
// summary: no purchase up to CalibrationEnd, so their first purchase is in
// the holdout period or later (see [Summarizer.Customers]). The days must
// be read in cfg's Location; a config a Summarizer refuses, an empty
// customer or days in another zone is an [*InputError].
func SummarizeDays(cfg SummaryConfig, customer string, d *CustomerDays) (CustomerSummary, bool, error) {
	const fn = "SummarizeDays"
	s, err := NewSummarizer(cfg)
	if err != nil {
		return CustomerSummary{}, false, err
	}
	if s.cfg.Location.String() != d.Location().String() {
		return CustomerSummary{}, false, inputErr(fn, "d", "reads dates in %s, cfg in %s", d.Location(), s.cfg.Location)
	}
	if customer == "" {
		return CustomerSummary{}, false, inputErr(fn, "customer", "is empty")
	}
	for day := range d.Days() {
		if err := s.Add(Purchase{Customer: customer, At: day.Start, Amount: day.Spend}); err != nil {
			return CustomerSummary{}, false, err
		}
	}
	cs := s.Customers()
	if len(cs) == 0 {
		return CustomerSummary{}, false, nil
	}
	return cs[0], true, nil
}

// customerDaysVersion is the first byte of MarshalBinary's encoding.
const customerDaysVersion = 1

// MarshalBinary encodes c exactly (zone name, and every day's count and
// decimal spend), for UnmarshalBinary; the zone must be one
// time.LoadLocation can load again ("UTC", "Local" or an IANA name).
func (c *CustomerDays) MarshalBinary() ([]byte, error) {
	b := []byte{customerDaysVersion}
	b = appendString(b, c.Location().String())
	b = binary.AppendUvarint(b, uint64(len(c.days)))
	for _, d := range c.days {
		b = binary.AppendVarint(b, d.day)
		b = binary.AppendVarint(b, d.orders)
		var err error
		if b, err = appendSum(b, d.spend); err != nil {
			return nil, fmt.Errorf("metrics: CustomerDays.MarshalBinary: %w", err)
		}
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote, replacing c. A
// malformed encoding is an error and leaves c unchanged.
func (c *CustomerDays) UnmarshalBinary(data []byte) error {
	r := reader{b: data}
	if v := r.byte(); r.err == nil && v != customerDaysVersion {
		return fmt.Errorf("metrics: CustomerDays.UnmarshalBinary: version %d, want %d", v, customerDaysVersion)
	}
	zone := r.string()
	n := r.count()
	var days []dayTotal
	for range n {
		d := dayTotal{day: r.varint(), orders: r.varint(), spend: r.sum()}
		if r.err == nil && len(days) > 0 && d.day <= days[len(days)-1].day {
			r.err = errors.New("days out of order")
		}
		days = append(days, d)
	}
	if err := r.done(); err != nil {
		return fmt.Errorf("metrics: CustomerDays.UnmarshalBinary: %w", err)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return fmt.Errorf("metrics: CustomerDays.UnmarshalBinary: zone: %w", err)
	}
	*c = CustomerDays{days: days}
	if loc != time.UTC {
		c.loc = loc
	}
	return nil
}

// appendString writes s with its length.
func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendSum writes an exact sum: its decimal value's binary form.
func appendSum(b []byte, s decsum.Sum) ([]byte, error) {
	if v, ok := s.Small(); ok {
		b = append(b, 0)
		return binary.AppendVarint(b, v), nil
	}
	d, err := s.Value().MarshalBinary()
	if err != nil {
		return b, err
	}
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(len(d)))
	return append(b, d...), nil
}

// reader reads what the MarshalBinary methods write; the first error
// sticks and later reads return zeros.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("truncated or malformed %s", what)
	}
}

func (r *reader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.fail("byte")
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("count")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("number")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length no larger than the bytes left (each item takes at
// least one), so a corrupt length cannot make a huge allocation.
func (r *reader) count() int {
	v := r.uvarint()
	if v > uint64(len(r.b)) {
		r.fail("length")
		return 0
	}
	return int(v)
}

func (r *reader) bytes() []byte {
	n := r.count()
	if r.err != nil {
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) string() string { return string(r.bytes()) }

func (r *reader) sum() decsum.Sum {
	switch r.byte() {
	case 0:
		return decsum.FromSmall(r.varint())
	case 1:
		var d decimal.Decimal
		if b := r.bytes(); r.err == nil {
			if err := d.UnmarshalBinary(b); err != nil {
				r.err = err
				return decsum.Sum{}
			}
		}
		return decsum.Of(d)
	}
	r.fail("sum")
	return decsum.Sum{}
}

// done is the first error, or an error if bytes are left over.
func (r *reader) done() error {
	if r.err == nil && len(r.b) > 0 {
		r.err = fmt.Errorf("%d bytes left over", len(r.b))
	}
	return r.err
}
