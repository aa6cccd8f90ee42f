package pipeline

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

// Beam's default coder for a struct (the schema row coder) writes its
// exported fields only: a decimal.Decimal, whose value and exponent are
// unexported, comes back as 0 with no error, and an accumulator whose state
// is unexported comes back empty. Every type below that holds a decimal
// or unexported state therefore has an explicit coder: the library's
// accumulators encode themselves (MarshalBinary, exact and tested in the
// library), and the value types are written field by field here.
// TestCodersRoundTrip checks each; TestDefaultCoderDropsDecimals shows
// what happens without them.
func init() {
	beam.RegisterCoder(reflect.TypeOf((*metrics.CustomerDays)(nil)), encodeDays, decodeDays)
	beam.RegisterCoder(reflect.TypeOf((*metrics.CohortCounts)(nil)), encodeCohortCounts, decodeCohortCounts)
	beam.RegisterCoder(reflect.TypeOf((*segment.RFMCounts)(nil)), encodeRFMCounts, decodeRFMCounts)
	beam.RegisterCoder(reflect.TypeOf((*FitRows)(nil)), encodeFitRows, decodeFitRows)
	beam.RegisterCoder(reflect.TypeOf(metrics.Purchase{}), encodePurchase, decodePurchase)
	beam.RegisterCoder(reflect.TypeOf(metrics.CustomerSummary{}), encodeSummary, decodeSummary)
	beam.RegisterCoder(reflect.TypeOf(segment.Profile{}), encodeProfile, decodeProfile)
}

// The encoders are plain functions, not instances of one generic
// function: Beam finds coder functions by name, and every instance of a
// generic function has the same one.
func encodeDays(d *metrics.CustomerDays) ([]byte, error)         { return d.MarshalBinary() }
func encodeCohortCounts(c *metrics.CohortCounts) ([]byte, error) { return c.MarshalBinary() }
func encodeRFMCounts(c *segment.RFMCounts) ([]byte, error)       { return c.MarshalBinary() }

func decodeDays(b []byte) (*metrics.CustomerDays, error) {
	d := metrics.NewCustomerDays(nil)
	return d, d.UnmarshalBinary(b)
}

func decodeCohortCounts(b []byte) (*metrics.CohortCounts, error) {
	var c metrics.CohortCounts
	return &c, c.UnmarshalBinary(b)
}

func decodeRFMCounts(b []byte) (*segment.RFMCounts, error) {
	var c segment.RFMCounts
	return &c, c.UnmarshalBinary(b)
}

// enc writes the fields of a value type; dec reads them back, the first
// error sticking.
type enc struct{ b []byte }

func (e *enc) str(s string) { e.b = binary.AppendUvarint(e.b, uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) int(v int64)  { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) f64(v float64) {
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v))
}
func (e *enc) dec(d decimal.Decimal) error {
	b, err := d.MarshalBinary()
	if err != nil {
		return err
	}
	e.str(string(b))
	return nil
}

type dec struct {
	b   []byte
	err error
}

func (d *dec) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("truncated or malformed %s", what)
	}
}

func (d *dec) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) str() string {
	if d.err != nil {
		return ""
	}
	l, n := binary.Uvarint(d.b)
	if n <= 0 || l > uint64(len(d.b)-n) {
		d.fail("string")
		return ""
	}
	s := string(d.b[n : n+int(l)])
	d.b = d.b[n+int(l):]
	return s
}

func (d *dec) f64() float64 {
	if d.err != nil || len(d.b) < 8 {
		d.fail("float")
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *dec) decimal() decimal.Decimal {
	s := d.str()
	var v decimal.Decimal
	if d.err == nil {
		if err := v.UnmarshalBinary([]byte(s)); err != nil {
			d.err = err
		}
	}
	return v
}

func (d *dec) done(what string) error {
	if d.err == nil && len(d.b) > 0 {
		d.err = fmt.Errorf("%d bytes left over", len(d.b))
	}
	if d.err != nil {
		return fmt.Errorf("decoding a %s: %w", what, d.err)
	}
	return nil
}

// encodePurchase writes the customer, the instant (Unix seconds and
// nanoseconds: the zone is not kept, the summaries read dates in their
// configured zone) and the exact amount.
func encodePurchase(p metrics.Purchase) ([]byte, error) {
	var e enc
	e.str(p.Customer)
	e.int(p.At.Unix())
	e.int(int64(p.At.Nanosecond()))
	return e.b, e.dec(p.Amount)
}

func decodePurchase(b []byte) (metrics.Purchase, error) {
	d := dec{b: b}
	var p metrics.Purchase
	p.Customer = d.str()
	sec, nsec := d.int(), d.int()
	p.Amount = d.decimal()
	if err := d.done("purchase"); err != nil {
		return metrics.Purchase{}, err
	}
	if sec != 0 || nsec != 0 {
		p.At = time.Unix(sec, nsec).UTC()
	}
	return p, nil
}

func encodeSummary(c metrics.CustomerSummary) ([]byte, error) {
	var e enc
	e.str(c.ID)
	e.int(int64(c.Frequency))
	e.f64(c.Recency)
	e.f64(c.T)
	e.f64(c.Monetary)
	if err := e.dec(c.Revenue); err != nil {
		return nil, err
	}
	e.int(int64(c.HoldoutFrequency))
	if err := e.dec(c.HoldoutRevenue); err != nil {
		return nil, err
	}
	e.int(int64(c.Unit))
	return e.b, nil
}

func decodeSummary(b []byte) (metrics.CustomerSummary, error) {
	d := dec{b: b}
	c := metrics.CustomerSummary{ID: d.str(), Frequency: int(d.int()), Recency: d.f64(), T: d.f64(), Monetary: d.f64(),
		Revenue: d.decimal(), HoldoutFrequency: int(d.int()), HoldoutRevenue: d.decimal(), Unit: metrics.Unit(d.int())}
	return c, d.done("customer summary")
}

// encodeProfile writes a profile's fields, Counters in key order.
func encodeProfile(p segment.Profile) ([]byte, error) {
	var e enc
	e.str(p.ID)
	e.int(int64(p.Orders))
	if err := e.dec(p.Spend); err != nil {
		return nil, err
	}
	e.int(int64(p.OrdersInPeriod))
	if err := e.dec(p.SpendInPeriod); err != nil {
		return nil, err
	}
	for _, v := range []int{p.DaysSinceLast, p.Returns, p.Complaints, p.R, p.F, p.M} {
		e.int(int64(v))
	}
	keys := sortedKeys(p.Counters)
	e.int(int64(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.int(int64(p.Counters[k]))
	}
	return e.b, nil
}

func decodeProfile(b []byte) (segment.Profile, error) {
	d := dec{b: b}
	p := segment.Profile{ID: d.str(), Orders: int(d.int()), Spend: d.decimal(), OrdersInPeriod: int(d.int()), SpendInPeriod: d.decimal()}
	for _, f := range []*int{&p.DaysSinceLast, &p.Returns, &p.Complaints, &p.R, &p.F, &p.M} {
		*f = int(d.int())
	}
	n := d.int()
	if n < 0 || n > int64(len(d.b)) {
		d.fail("counters")
		n = 0
	}
	if n > 0 {
		p.Counters = make(map[string]int, n)
		for range n {
			k := d.str()
			p.Counters[k] = int(d.int())
		}
	}
	return p, d.done("profile")
}
