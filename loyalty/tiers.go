package loyalty

import (
	"slices"
	"sort"
	"time"

	"github.com/loyalkit/loyalkit/internal/decsum"
)

// tierRank is a tier's position, lowest 0; −1 for an unknown name and for
// "" (no tier yet) when the programme has tiers.
func (p *Program) tierRank(name string) int {
	for i, t := range p.cfg.Tiers {
		if t.Name == name {
			return i
		}
	}
	return -1
}

// window is what the customer spent and ordered in the tier window
// ending at now, net of refunds: prefix sums of the order totals between
// the window's ends (found by binary search while orders are in time
// order), less the refunds of the orders in it.
func (p *Program) window(a *Account, now time.Time) (decsum.Sum, int) {
	m := &a.win
	if m.valid && m.at.Equal(now) && m.refunds == a.refundN && m.orders <= a.orders.Len() {
		// Orders made since are added to the memo: a purchase asks for
		// the window before its order and again after it.
		for i := m.orders; i < a.orders.Len(); i++ {
			if o := a.orders.Ptr(i); o.at.After(m.from) && !o.at.After(now) {
				m.spend.Add(o.paid)
				m.spend.Sub(o.refunded)
				if !a.unsorted || !o.fullyReturned() { // as span counts: in time order, only refunds take an order out
					m.count++
				}
			}
		}
		m.orders = a.orders.Len()
		return m.spend, m.count
	}
	from := addMonths(now, -p.cfg.TierWindowMonths, p.loc)
	spend, count := p.span(a, from, now)
	*m = windowMemo{valid: true, at: now, from: from, orders: a.orders.Len(), refunds: a.refundN, spend: spend, count: count}
	return spend, count
}

// windowMemo keeps the last window: an operation asks for it at one
// instant several times (the purchase's record, the rules' facts, the tier
// promotion). Orders are only appended and refunds counted, so the key
// says whether anything it sums has changed, and the orders made since
// are all it has to add.
type windowMemo struct {
	valid           bool
	at, from        time.Time // the window is (from, at]
	orders, refunds int
	spend           decsum.Sum
	count           int
}

func (p *Program) computeWindow(a *Account, now time.Time) (decsum.Sum, int) {
	return p.span(a, addMonths(now, -p.cfg.TierWindowMonths, p.loc), now)
}

// span is the money paid (less refunds) and the number of orders not
// wholly returned of the orders after from up to now.
func (p *Program) span(a *Account, from, now time.Time) (decsum.Sum, int) {
	in := func(i int) bool { at := a.orders.Ptr(i).at; return at.After(from) && !at.After(now) }
	n := a.orders.Len()
	if a.unsorted {
		var spend decsum.Sum
		count := 0
		for i := range n {
			if o := a.orders.Ptr(i); in(i) {
				spend.Add(o.paid)
				spend.Sub(o.refunded)
				if !o.fullyReturned() {
					count++
				}
			}
		}
		return spend, count
	}
	lo := sort.Search(n, func(i int) bool { return a.orders.Ptr(i).at.After(from) })
	hi := sort.Search(n, func(i int) bool { return a.orders.Ptr(i).at.After(now) })
	if lo >= hi {
		return decsum.Sum{}, 0
	}
	spend := a.orders.Ptr(hi - 1).cum
	if lo > 0 {
		spend = spend.Minus(a.orders.Ptr(lo - 1).cum)
	}
	count := hi - lo
	for _, i := range a.refundedOrders.All {
		if i >= lo && i < hi {
			o := a.orders.Ptr(i)
			spend.Sub(o.refunded)
			if o.fullyReturned() {
				count--
			}
		}
	}
	return spend, count
}

// qualifying is the highest tier the window qualifies for ("" without tiers).
func (p *Program) qualifying(a *Account, now time.Time) string {
	if len(p.cfg.Tiers) == 0 {
		return ""
	}
	spend, n := p.window(a, now)
	return p.tierFor(spend, n)
}

// tierFor is the highest tier a window with this spend and number of
// orders qualifies for.
func (p *Program) tierFor(spend decsum.Sum, n int) string {
	best := p.cfg.Tiers[0].Name
	for i, t := range p.cfg.Tiers[1:] {
		if (t.MinSpend.IsPositive() && spend.Cmp(p.tierMin[i+1]) >= 0) || (t.MinOrders > 0 && n >= t.MinOrders) {
			best = t.Name
		}
	}
	return best
}

// inWindow reports whether an order made at is in the tier window ending
// at now.
func (p *Program) inWindow(at, now time.Time) bool {
	return at.After(addMonths(now, -p.cfg.TierWindowMonths, p.loc)) && !at.After(now)
}

// rollOut is the first instant at which an order made at is no longer in
// the tier window: W months later, or, when that date was clamped to a
// shorter month's end (31 March + 1 month = 30 April), the start of the
// next day.
func (p *Program) rollOut(at time.Time) time.Time {
	r := addMonths(at, p.cfg.TierWindowMonths, p.loc)
	if !addMonths(r, -p.cfg.TierWindowMonths, p.loc).Before(at) {
		return r
	}
	y, m, d := r.In(p.loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, p.loc)
}

// lapsedAt is when the customer stopped qualifying for their tier: the
// refund that left them below it, or the first instant after they last
// qualified (tierSince) at which an order rolling out of the window did,
// or tierSince itself when the window never qualified them (a tier a rule
// granted). The caller has found them below their tier at now.
func (p *Program) lapsedAt(a *Account, now time.Time) time.Time {
	rank := p.tierRank(a.tier)
	below := func(at time.Time) bool {
		spend, n := p.computeWindow(a, at)
		return p.tierRank(p.tierFor(spend, n)) < rank
	}
	if !a.tierLapsed.IsZero() {
		return a.tierLapsed
	}
	if below(a.tierSince) {
		return a.tierSince
	}
	var outs []time.Time // roll-outs in (tierSince, now]
	for _, o := range a.orders.All {
		if r := p.rollOut(o.at); r.After(a.tierSince) && !r.After(now) {
			outs = append(outs, r)
		}
	}
	slices.SortFunc(outs, time.Time.Compare)
	for _, r := range outs {
		if below(r) {
			return r
		}
	}
	return now
}
