package metrics

import (
	"iter"
	"math"
	"strconv"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/internal/checked"
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
	// Count is the number of customers with this history, for the fits
	// (FitBGNBD, FitMBGNBD, FitParetoNBD, FitGammaGamma and the models'
	// LogLikelihood), which weigh each summary by it: a distributed engine
	// sends the fitting worker one row per distinct history, not one per
	// customer. 0 means 1. Everything else (predictions, CLV, forecasts,
	// holdout checks) is per customer and refuses a Count above 1.
	Count int
}

// Summarizer accumulates a purchase log into per-customer summaries,
// reading each purchase once; its memory grows with customers, not
// purchases. Each customer's purchases must come in time order (as an
// ORDER BY gives them); different customers may interleave freely. Two
// summarizers of the same config (shards by customer, or by time) can be
// merged. For purchases in any order, gather each customer's with a
// [CustomerDays] and summarise it with [SummarizeDays] (which runs a
// Summarizer). A Summarizer is not safe for concurrent use.
type Summarizer struct {
	cfg    SummaryConfig
	calEnd int // day index of CalibrationEnd
	obsEnd int
	index  idIndex // customer id → position in ids and hist
	// ids and hist hold each customer's id and history, in the order
	// customers first appeared, and hold their holdout purchases when the
	// config has a holdout period (hasHold; else hold stays empty).
	// Histories hold no pointers (the garbage collector skips them): their
	// spend is int64 counts of 10⁻⁴ units, and the rare history whose
	// spend leaves that range has it in big instead, by position.
	ids     blocks[string]
	hist    blocks[history]
	hold    blocks[holdout]
	hasHold bool
	big     map[int]*spendSums
	skipped int
	// last is the customer of the previous purchase, their position and
	// history (nil before the first purchase): logs grouped by customer
	// skip the index lookup.
	last     string
	lastPos  int
	lastHist *history
}

// blocks is an append-only list in fixed-size blocks, so that growing it
// never copies what is already there.
type blocks[T any] struct {
	blocks []*[blockSize]T
	n      int
}

const blockSize = 4096

func (c *blocks[T]) at(i int) *T { return &c.blocks[uint(i)/blockSize][uint(i)%blockSize] }

func (c *blocks[T]) push(v T) int {
	if c.n%blockSize == 0 {
		c.blocks = append(c.blocks, new([blockSize]T))
	}
	*c.at(c.n) = v
	c.n++
	return c.n - 1
}

// history is what a customer's purchases add up to, in 32 bytes; their
// holdout purchases, in a config with a holdout period, are in a holdout
// beside it.
type history struct {
	// first and cal are the spend on the first day and in calibration, in
	// 10⁻⁴ units (decsum's fast path), and non-negative, as amounts are;
	// a negative first (bigSpend) says the Summarizer's big map holds the
	// spend instead, the holdout spend too.
	spend struct {
		first, cal int64
	}
	first, last int32 // day indexes of the first and the latest purchase (see minDay)
	lastCal     int32 // day index of the latest calibration purchase
	// calDays counts calibration purchase days: at most 2³² − 1, the
	// number of day indexes there are.
	calDays uint32
}

// bigSpend reports whether the Summarizer's big map holds h's spend.
func (h *history) bigSpend() bool { return h.spend.first < 0 }

// holdout is what a customer's purchases in the holdout period add up
// to: their purchase days (at most 2³² − 1, as calDays) and their spend in
// 10⁻⁴ units, unless the history's spend is in the big map.
type holdout struct {
	spend int64
	days  uint32
}

// minDay and maxDay bound the day indexes (days since 1970-01-01) a
// summary holds, 5.8 million years either way: a history keeps them in an
// int32, and minDay − 1 must fit too.
const (
	minDay = math.MinInt32 + 1
	maxDay = math.MaxInt32
)

// spendSums is a history's spend on the first day, in calibration and in
// the holdout period, exact.
type spendSums struct {
	first, cal, hold decsum.Sum
}

// spendOf is the spend of the history at position i.
func (s *Summarizer) spendOf(i int, h *history) spendSums {
	if h.bigSpend() {
		return *s.big[i]
	}
	return spendSums{decsum.FromUnits(h.spend.first), decsum.FromUnits(h.spend.cal), decsum.FromUnits(s.holdAt(i).spend)}
}

// holdAt is the holdout of the customer at position i: none when the
// config has no holdout period.
func (s *Summarizer) holdAt(i int) holdout {
	if !s.hasHold {
		return holdout{}
	}
	return *s.hold.at(i)
}

// setSpend stores the spend of the history at position i: in the history
// when every sum is on decsum's fast path, in the big map otherwise.
func (s *Summarizer) setSpend(i int, h *history, sp spendSums) {
	first, ok1 := sp.first.Units()
	cal, ok2 := sp.cal.Units()
	hold, ok3 := sp.hold.Units()
	if ok1 && ok2 && ok3 && first >= 0 && (s.hasHold || hold == 0) {
		h.spend.first, h.spend.cal = first, cal
		if s.hasHold {
			s.hold.at(i).spend = hold
		}
		delete(s.big, i)
		return
	}
	if s.big == nil {
		s.big = map[int]*spendSums{}
	}
	s.big[i] = &sp
	h.spend.first, h.spend.cal = -1, 0
	if s.hasHold {
		s.hold.at(i).spend = 0
	}
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
	s := &Summarizer{cfg: cfg}
	s.calEnd = calendar.DayIndex(cfg.CalibrationEnd, cfg.Location)
	if s.calEnd < minDay || s.calEnd > maxDay {
		return nil, inputErr(fn, "CalibrationEnd", "%s is more than 5.8 million years from 1970", cfg.CalibrationEnd)
	}
	s.obsEnd = s.calEnd
	if !cfg.ObservationEnd.IsZero() {
		s.obsEnd = calendar.DayIndex(cfg.ObservationEnd, cfg.Location)
		if s.obsEnd < s.calEnd {
			return nil, inputErr(fn, "ObservationEnd", "%s is before CalibrationEnd %s", cfg.ObservationEnd, cfg.CalibrationEnd)
		}
		if s.obsEnd > maxDay {
			return nil, inputErr(fn, "ObservationEnd", "%s is more than 5.8 million years from 1970", cfg.ObservationEnd)
		}
	}
	s.hasHold = s.obsEnd > s.calEnd
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
	if !purchaselog.OK(p.Customer, p.At, p.Amount) {
		return nil, 0, false, purchaselog.Check[inputPkg](fn, p.Customer, p.At, p.Amount)
	}
	if s.cfg.Location == time.UTC { // DayIndex, inlined
		day = calendar.UnixDay(p.At.Unix())
	} else {
		day = calendar.DayIndex(p.At, s.cfg.Location)
	}
	if day > s.obsEnd {
		s.skipped++
		return nil, day, false, nil
	}
	if day < minDay {
		return nil, day, false, inputErr(fn, "At", "%s of customer %q is more than 5.8 million years before 1970", p.At.Format(time.RFC3339), p.Customer)
	}
	d := int32(day)
	i, h := s.lastPos, s.lastHist
	if h == nil || p.Customer != s.last {
		hash := s.index.hash(p.Customer)
		var slot uint32
		if i, slot = s.index.find(hash, p.Customer, &s.ids); i < 0 {
			if s.hist.n >= maxCustomers {
				return nil, day, false, inputErr(fn, "Customer", "%q would be customer %d; a summarizer holds at most %d", p.Customer, s.hist.n+1, maxCustomers)
			}
			s.ids.push(p.Customer)
			i = s.hist.push(history{first: d, last: d - 1})
			if s.hasHold {
				s.hold.push(holdout{})
			}
			s.index.insertAt(slot, hash, i)
		}
		h = s.hist.at(i)
		s.last, s.lastPos, s.lastHist = p.Customer, i, h
	}
	if d < h.last {
		return nil, day, false, inputErr(fn, "At", "%s is before the previous purchase of customer %q: each customer's purchases must come in time order",
			p.At.Format(time.RFC3339), p.Customer)
	}
	newDay = d != h.last
	cal := day <= s.calEnd
	var hd *holdout // the holdout of a purchase after CalibrationEnd (and not after ObservationEnd: hasHold is set)
	if cal {
		if newDay {
			h.calDays++
		}
		h.lastCal = d
	} else {
		hd = s.hold.at(i)
		if newDay {
			hd.days++
		}
	}
	h.last = d
	if v, ok := decsum.Units(p.Amount); ok && !h.bigSpend() { // the usual case: int64 sums
		first, okFirst := h.spend.first, true
		if d == h.first {
			first, okFirst = checked.Add(first, v)
		}
		var sum int64
		var sumOK bool
		if cal {
			sum, sumOK = checked.Add(h.spend.cal, v)
		} else {
			sum, sumOK = checked.Add(hd.spend, v)
		}
		if okFirst && sumOK {
			h.spend.first = first
			if cal {
				h.spend.cal = sum
			} else {
				hd.spend = sum
			}
			return h, day, newDay, nil
		}
	}
	s.addSpend(i, h, decsum.Of(p.Amount), d == h.first, cal)
	return h, day, newDay, nil
}

// addSpend adds an amount to the history at position i exactly, as
// decimals: the spend of its first day too when first is set, and its
// calibration spend when cal is set, else its holdout spend.
func (s *Summarizer) addSpend(i int, h *history, a decsum.Sum, first, cal bool) {
	sp := s.spendOf(i, h)
	if first {
		sp.first = sp.first.Plus(a)
	}
	if cal {
		sp.cal = sp.cal.Plus(a)
	} else {
		sp.hold = sp.hold.Plus(a)
	}
	s.setSpend(i, h, sp)
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
	if !s.sameConfig(o) {
		return inputErr("Summarizer.Merge", "config", "differs: summaries of different configs cannot be merged")
	}
	type join struct {
		h  history
		hd holdout
		sp spendSums
	}
	joined := map[int]join{} // checked first, so that an error leaves s unchanged
	added := 0
	for j := range o.hist.n {
		id := *o.ids.at(j)
		i := s.index.lookup(s.index.hash(id), id, &s.ids)
		if i < 0 {
			added++
			continue
		}
		m, md, sp, ok := joinHistories(*s.hist.at(i), s.holdAt(i), s.spendOf(i, s.hist.at(i)), *o.hist.at(j), o.holdAt(j), o.spendOf(j, o.hist.at(j)), s.calEnd)
		if !ok {
			return inputErr("Summarizer.Merge", "customer", "%q has overlapping purchase dates in both summaries", id)
		}
		joined[i] = join{m, md, sp}
	}
	if s.hist.n+added > maxCustomers {
		return inputErr("Summarizer.Merge", "o", "would make %d customers; a summarizer holds at most %d", s.hist.n+added, maxCustomers)
	}
	for i, m := range joined {
		h := s.hist.at(i)
		*h = m.h
		if s.hasHold {
			*s.hold.at(i) = m.hd
		}
		s.setSpend(i, h, m.sp)
	}
	for j := range o.hist.n {
		id := *o.ids.at(j)
		if hash := s.index.hash(id); s.index.lookup(hash, id, &s.ids) < 0 {
			s.ids.push(id)
			i := s.hist.push(*o.hist.at(j))
			if s.hasHold {
				s.hold.push(*o.hold.at(j))
			}
			s.index.insert(hash, i)
			if o.hist.at(j).bigSpend() {
				s.setSpend(i, s.hist.at(i), o.spendOf(j, o.hist.at(j)))
			}
		}
	}
	s.skipped += o.skipped
	return nil
}

// sameConfig reports whether s and o summarise alike: the same unit,
// calibration and observation ends, and location.
func (s *Summarizer) sameConfig(o *Summarizer) bool {
	return s.cfg.Unit == o.cfg.Unit && s.calEnd == o.calEnd && s.obsEnd == o.obsEnd && s.cfg.Location.String() == o.cfg.Location.String()
}

// joinHistories joins two histories of one customer (with their spend)
// that follow each other in time, in either order.
func joinHistories(a history, ah holdout, as spendSums, b history, bh holdout, bs spendSums, calEnd int) (history, holdout, spendSums, bool) {
	if b.first < a.first || (b.first == a.first && b.last < a.last) {
		a, b = b, a
		ah, bh = bh, ah
		as, bs = bs, as
	}
	if b.first < a.last {
		return history{}, holdout{}, spendSums{}, false
	}
	m, mh, ms := a, ah, as
	m.calDays += b.calDays
	mh.days += bh.days
	ms.cal = ms.cal.Plus(bs.cal)
	ms.hold = ms.hold.Plus(bs.hold)
	m.last = b.last
	if b.calDays > 0 {
		m.lastCal = b.lastCal
	}
	if b.first == a.last { // the boundary day was counted on both sides
		if int(b.first) <= calEnd {
			m.calDays--
		} else {
			mh.days--
		}
		if a.first == a.last {
			ms.first = as.first.Plus(bs.first)
		}
	}
	return m, mh, ms, true
}

// Customers returns the summary of every customer whose first purchase is
// in the calibration period, in the order customers first appeared (after
// a merge: the receiver's customers, then the other's new ones). Customers
// first seen in the holdout period are left out, as in lifetimes'
// calibration_and_holdout_data.
func (s *Summarizer) Customers() []CustomerSummary {
	unit := float64(s.cfg.Unit)
	out := make([]CustomerSummary, 0, s.hist.n)
	var money decsum.Values            // equal amounts share one decimal
	for b, hs := range s.hist.blocks { // block by block: no index arithmetic per customer
		ids := s.ids.blocks[b]
		var holds *[blockSize]holdout
		if s.hasHold {
			holds = s.hold.blocks[b]
		}
		for j := range min(blockSize, s.hist.n-b*blockSize) {
			h := &hs[j]
			if int(h.first) > s.calEnd {
				continue
			}
			var hd holdout
			if holds != nil {
				hd = holds[j]
			}
			out = out[:len(out)+1] // filled in place: the slice is zeroed already
			c := &out[len(out)-1]
			c.ID = ids[j]
			c.Frequency = int(h.calDays) - 1
			c.T = float64(s.calEnd-int(h.first)) / unit
			c.HoldoutFrequency = int(hd.days)
			c.Unit = s.cfg.Unit
			if c.Frequency > 0 {
				c.Recency = float64(int(h.lastCal)-int(h.first)) / unit
			}
			if !h.bigSpend() {
				c.Revenue = money.OfUnits(h.spend.cal)
				c.HoldoutRevenue = money.OfUnits(hd.spend)
				if c.Frequency > 0 {
					c.Monetary = decsum.FromUnits(h.spend.cal).MinusFloat(decsum.FromUnits(h.spend.first)) / float64(c.Frequency)
				}
				continue
			}
			sp := *s.big[b*blockSize+j]
			c.Revenue = money.Of(sp.cal)
			c.HoldoutRevenue = money.Of(sp.hold)
			if c.Frequency > 0 {
				c.Monetary = sp.cal.MinusFloat(sp.first) / float64(c.Frequency)
			}
		}
	}
	return out
}

// HoldoutLength is the length of the holdout period in the summary's unit.
func (s *Summarizer) HoldoutLength() float64 {
	return float64(s.obsEnd-s.calEnd) / float64(s.cfg.Unit)
}
