package metrics

import (
	"iter"
	"strconv"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/internal/purchaselog"
	"github.com/shopspring/decimal"
)

// Purchase is one line of a purchase log.
type Purchase struct {
	Customer string
	At       time.Time
	Amount   decimal.Decimal
}

// Unit is the time unit summaries and models are expressed in, as a
// number of days. Purchases are grouped by calendar day first (two
// purchases on one day are one purchase occasion), then measured in units.
type Unit int

// The units a summary can use.
const (
	Days  Unit = 1
	Weeks Unit = 7
)

func (u Unit) String() string {
	switch u {
	case Days:
		return "days"
	case Weeks:
		return "weeks"
	}
	return "Unit(" + strconv.Itoa(int(u)) + " days)"
}

// SummaryConfig says how to summarise a purchase log.
type SummaryConfig struct {
	// CalibrationEnd is the last day of the calibration period (its date in
	// Location counts, its time of day does not). Required.
	CalibrationEnd time.Time
	// ObservationEnd, when after CalibrationEnd, is the last day of a
	// holdout period whose purchases are counted separately.
	ObservationEnd time.Time
	// Unit is required: summaries never assume days or weeks.
	Unit Unit
	// Location is the zone dates are read in; nil means UTC.
	Location *time.Location
}

// CustomerSummary is one customer's purchase history in the form the
// models use (the conventions of lifetimes' summary_data_from_transaction_data).
// Times are in the summary's [Unit]; money estimates are float64.
type CustomerSummary struct {
	ID string
	// Frequency is the number of repeat purchase days in calibration
	// (distinct purchase days − 1).
	Frequency int
	// Recency is the time from the first to the last purchase day in
	// calibration; 0 when Frequency is 0.
	Recency float64
	// T is the time from the first purchase day to CalibrationEnd.
	T float64
	// Monetary is the mean spend of the repeat purchase days (the first
	// day left out); 0 when Frequency is 0.
	Monetary float64
	// Revenue is everything the customer spent in calibration, exact.
	Revenue decimal.Decimal
	// HoldoutFrequency and HoldoutRevenue count the purchase days and the
	// spend after CalibrationEnd, up to ObservationEnd.
	HoldoutFrequency int
	HoldoutRevenue   decimal.Decimal
	// Unit is the time unit of Recency and T. The fits, predictions,
	// CLV and forecasts read it: summaries in another unit than the
	// model's, or in mixed units, are an error at the call.
	Unit Unit
}

// Summarizer accumulates a purchase log into per-customer summaries,
// reading each purchase once; its memory grows with customers, not
// purchases. Each customer's purchases must come in time order (as an
// ORDER BY gives them); different customers may interleave freely. Two
// summarizers of the same config (shards by customer, or by time) can be
// merged. A Summarizer is not safe for concurrent use.
type Summarizer struct {
	cfg     SummaryConfig
	calEnd  int // day index of CalibrationEnd
	obsEnd  int
	index   map[string]int // customer id → position in hist
	hist    chunks         // in the order customers first appeared
	skipped int
	// last is the customer of the previous purchase and their position:
	// logs grouped by customer skip the map lookup.
	last    string
	lastPos int
}

// chunks is an append-only list of histories in fixed-size blocks, so
// that growing it never copies what is already there.
type chunks struct {
	blocks []*[chunkSize]history
	n      int
}

const chunkSize = 4096

func (c *chunks) at(i int) *history { return &c.blocks[i/chunkSize][i%chunkSize] }

func (c *chunks) push(h history) int {
	if c.n%chunkSize == 0 {
		c.blocks = append(c.blocks, new([chunkSize]history))
	}
	*c.at(c.n) = h
	c.n++
	return c.n - 1
}

// history is what a customer's purchases add up to.
type history struct {
	id          string
	first, last int        // day indexes of the first and the latest purchase
	lastCal     int        // day index of the latest calibration purchase
	firstAmount decsum.Sum // spend on the first day
	calDays     int
	calRevenue  decsum.Sum
	holdDays    int
	holdRevenue decsum.Sum
}

// NewSummarizer checks cfg and returns an empty summarizer.
func NewSummarizer(cfg SummaryConfig) (*Summarizer, error) {
	const fn = "NewSummarizer"
	if cfg.CalibrationEnd.IsZero() {
		return nil, inputErr(fn, "CalibrationEnd", "is required")
	}
	if cfg.Unit <= 0 {
		return nil, inputErr(fn, "Unit", "is required (Days or Weeks), got %d", int(cfg.Unit))
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	s := &Summarizer{cfg: cfg, index: map[string]int{}}
	s.calEnd = calendar.DayIndex(cfg.CalibrationEnd, cfg.Location)
	s.obsEnd = s.calEnd
	if !cfg.ObservationEnd.IsZero() {
		s.obsEnd = calendar.DayIndex(cfg.ObservationEnd, cfg.Location)
		if s.obsEnd < s.calEnd {
			return nil, inputErr(fn, "ObservationEnd", "%s is before CalibrationEnd %s", cfg.ObservationEnd, cfg.CalibrationEnd)
		}
	}
	return s, nil
}

// Add reads one purchase. A purchase after ObservationEnd is skipped and
// counted ([Summarizer.Skipped]); an empty customer, a negative amount, a
// zero time or a purchase earlier than the customer's previous one is an
// error, and changes nothing.
func (s *Summarizer) Add(p Purchase) error {
	_, _, _, err := s.add("Summarizer.Add", p)
	return err
}

// add is Add, and says which history the purchase went to (nil when it
// was skipped), its day index, and whether the day was new for the
// customer.
func (s *Summarizer) add(fn string, p Purchase) (h *history, day int, newDay bool, err error) {
	if err := purchaselog.Check[inputPkg](fn, p.Customer, p.At, p.Amount); err != nil {
		return nil, 0, false, err
	}
	day = calendar.DayIndex(p.At, s.cfg.Location)
	if day > s.obsEnd {
		s.skipped++
		return nil, day, false, nil
	}
	i, ok := s.lastPos, s.hist.n > 0 && p.Customer == s.last
	if !ok {
		if i, ok = s.index[p.Customer]; !ok {
			i = s.hist.push(history{id: p.Customer, first: day, last: day - 1})
			s.index[p.Customer] = i
		}
		s.last, s.lastPos = p.Customer, i
	}
	h = s.hist.at(i)
	if day < h.last {
		return nil, day, false, inputErr(fn, "At", "%s is before the previous purchase of customer %q: each customer's purchases must come in time order",
			p.At.Format(time.RFC3339), p.Customer)
	}
	newDay = day != h.last
	h.addDay(day, p.Amount, s.calEnd, newDay)
	return h, day, newDay, nil
}

// addDay adds spend on a day; newDay says whether the day is not yet counted.
func (h *history) addDay(day int, amount decimal.Decimal, calEnd int, newDay bool) {
	if newDay {
		if day <= calEnd {
			h.calDays++
		} else {
			h.holdDays++
		}
	}
	if day == h.first {
		h.firstAmount.Add(amount)
	}
	if day <= calEnd {
		h.calRevenue.Add(amount)
		h.lastCal = day
	} else {
		h.holdRevenue.Add(amount)
	}
	h.last = day
}

// AddAll reads a whole log; it stops at the first error.
func (s *Summarizer) AddAll(log iter.Seq[Purchase]) error {
	for p := range log {
		if err := s.Add(p); err != nil {
			return err
		}
	}
	return nil
}

// Skipped is the number of purchases after ObservationEnd.
func (s *Summarizer) Skipped() int { return s.skipped }

// Merge adds o's customers into s: customers only in o are copied; a
// customer in both must have histories that follow each other in time
// (o's purchases all on or after s's last day, or all before s's first).
// On error s is unchanged.
func (s *Summarizer) Merge(o *Summarizer) error {
	if s.cfg.Unit != o.cfg.Unit || s.calEnd != o.calEnd || s.obsEnd != o.obsEnd || s.cfg.Location.String() != o.cfg.Location.String() {
		return inputErr("Summarizer.Merge", "config", "differs: summaries of different configs cannot be merged")
	}
	joined := map[int]history{} // checked first, so that an error leaves s unchanged
	for j := range o.hist.n {
		b := o.hist.at(j)
		if i, ok := s.index[b.id]; ok {
			m, ok := joinHistories(*s.hist.at(i), *b, s.calEnd)
			if !ok {
				return inputErr("Summarizer.Merge", "customer", "%q has overlapping purchase dates in both summaries", b.id)
			}
			joined[i] = m
		}
	}
	for i, h := range joined {
		*s.hist.at(i) = h
	}
	for j := range o.hist.n {
		b := o.hist.at(j)
		if _, ok := s.index[b.id]; !ok {
			s.index[b.id] = s.hist.push(*b)
		}
	}
	s.skipped += o.skipped
	return nil
}

// joinHistories joins two histories of one customer that follow each
// other in time, in either order.
func joinHistories(a, b history, calEnd int) (history, bool) {
	if b.first < a.first || (b.first == a.first && b.last < a.last) {
		a, b = b, a
	}
	if b.first < a.last {
		return history{}, false
	}
	m := a
	m.calDays += b.calDays
	m.holdDays += b.holdDays
	m.calRevenue = m.calRevenue.Plus(b.calRevenue)
	m.holdRevenue = m.holdRevenue.Plus(b.holdRevenue)
	m.last = b.last
	if b.calDays > 0 {
		m.lastCal = b.lastCal
	}
	if b.first == a.last { // the boundary day was counted on both sides
		if b.first <= calEnd {
			m.calDays--
		} else {
			m.holdDays--
		}
		if a.first == a.last {
			m.firstAmount = a.firstAmount.Plus(b.firstAmount)
		}
	}
	return m, true
}

// Customers returns the summary of every customer whose first purchase is
// in the calibration period, in the order customers first appeared (after
// a merge: the receiver's customers, then the other's new ones). Customers
// first seen in the holdout period are left out, as in lifetimes'
// calibration_and_holdout_data.
func (s *Summarizer) Customers() []CustomerSummary {
	unit := float64(s.cfg.Unit)
	out := make([]CustomerSummary, 0, s.hist.n)
	for i := range s.hist.n {
		h := s.hist.at(i)
		if h.first > s.calEnd {
			continue
		}
		c := CustomerSummary{
			ID:               h.id,
			Frequency:        h.calDays - 1,
			T:                float64(s.calEnd-h.first) / unit,
			Revenue:          h.calRevenue.Value(),
			HoldoutFrequency: h.holdDays,
			HoldoutRevenue:   h.holdRevenue.Value(),
			Unit:             s.cfg.Unit,
		}
		if c.Frequency > 0 {
			c.Recency = float64(h.lastCal-h.first) / unit
			c.Monetary = h.calRevenue.MinusFloat(h.firstAmount) / float64(c.Frequency)
		}
		out = append(out, c)
	}
	return out
}

// HoldoutLength is the length of the holdout period in the summary's unit.
func (s *Summarizer) HoldoutLength() float64 {
	return float64(s.obsEnd-s.calEnd) / float64(s.cfg.Unit)
}
