package loyalty_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// ledgerMachine runs random operations on one account and checks, after
// every step, the ledger's invariants against what the entries say.
type ledgerMachine struct {
	p       *loyalty.Program
	c       loyalty.Customer
	acc     loyalty.Account
	log     []loyalty.Entry
	now     time.Time
	n       int
	last    func(loyalty.Account) (loyalty.Account, loyalty.Result, error) // the last operation, to retry
	orders  []string
	promoBy map[string]string // order → tier before it, for orders that promoted
	beans   map[string]beans  // order → its line of beans, for refunds by line
	redeems []string          // the redemptions made, to cancel
	late    bool              // a late-dated purchase was made
	holds   map[string]*holdModel
	paidBy  map[string]decimal.Decimal // order → the points that paid for it
	snap    []byte                     // a snapshot the host stored…
	snapLog int                        // …after this many entries
	goals   bool                       // the programme counts the goals of ledgerGoals
	events  []string                   // the events recorded…
	eventPt map[string]decimal.Decimal // …the points each earned…
	revOf   map[string]string          // …and the reversal of each reversed
}

// ledgerGoals are goals the machine's programme may count: a card of
// beans (its target out of reach, so it is never completed), a monthly
// spend target and weekly visits.
func ledgerGoals() []loyalty.Goal {
	return []loyalty.Goal{
		{ID: "beans", Counts: `any(order.Lines, .Category == "beans")`, Step: `sum(filter(order.Lines, .Category == "beans"), .Qty)`,
			Target: decimal.NewFromInt(1_000_000)},
		{ID: "spend", Step: "order.Total", Target: decimal.NewFromInt(5000), Per: rules.Month},
		{ID: "visits", Target: decimal.NewFromInt(3), Per: rules.Week},
	}
}

// checkGoals: the beans card counts the beans bought and not returned,
// of the orders not returned in full (a refund by amount returns no beans).
func (m *ledgerMachine) checkGoals(t *rapid.T) {
	want := 0
	for _, o := range m.acc.Orders() {
		b, ok := m.beans[o.ID]
		returned := (o.Paid.IsPositive() && !o.Refunded.LessThan(o.Paid)) || (o.Paid.IsZero() && m.allGoodsBack(o.ID, o.Total))
		if ok && !returned {
			want += b.qty - b.returned
		}
	}
	gp, err := m.p.Progress(m.acc, m.now)
	if err != nil {
		t.Fatal(err)
	}
	if !gp[0].Progress.Equal(decimal.NewFromInt(int64(want))) {
		t.Fatalf("beans card at %s, the beans bought and kept are %d", gp[0].Progress, want)
	}
	for _, g := range gp {
		if g.Progress.IsNegative() || g.Left.IsNegative() {
			t.Fatalf("goal %s: progress %s left %s", g.ID, g.Progress, g.Left)
		}
	}
}

// holdModel is what the test knows of a hold.
type holdModel struct {
	points, captured decimal.Decimal
	until            time.Time
	state            string // open, captured, released
	paid             bool   // a purchase used the capture
}

type beans struct {
	qty, returned int
	price         decimal.Decimal
}

func (m *ledgerMachine) run(t *rapid.T, name string, op func(loyalty.Account) (loyalty.Account, loyalty.Result, error)) (loyalty.Result, error) {
	before := m.acc.String()
	acc, r, err := op(m.acc)
	if m.acc.String() != before {
		t.Fatalf("%s changed the account it was given", name)
	}
	if err != nil {
		if acc.String() != before {
			t.Fatalf("%s failed (%v) but returned a changed account", name, err)
		}
		return r, err
	}
	for _, e := range r.Entries {
		if e.Kind == loyalty.Expire && e.At.Before(lotExpiry(m.acc, e.Lot)) {
			t.Fatalf("expired lot %s before its expiry", e.Lot)
		}
	}
	m.acc = acc
	if !r.Duplicate { // a host persists an operation's entries once
		m.log = append(m.log, r.Entries...)
	}
	m.last = op
	return r, nil
}

func lotExpiry(a loyalty.Account, id string) time.Time {
	for _, l := range a.Lots() {
		if l.ID == id {
			return l.ExpiresAt
		}
	}
	return time.Time{}
}

func (m *ledgerMachine) Purchase(t *rapid.T) { m.purchase(t, m.now) }

// LatePurchase is a purchase dated before the last operations (a till
// that was offline): the account's lots and orders leave time order.
func (m *ledgerMachine) LatePurchase(t *rapid.T) {
	m.late = true
	m.purchase(t, m.now.Add(-time.Duration(rapid.IntRange(1, 60*24).Draw(t, "hours early"))*time.Hour))
}

func (m *ledgerMachine) purchase(t *rapid.T, now time.Time) {
	m.n++
	id := fmt.Sprint("o", m.n)
	o := loyalty.Order{ID: id, Total: decimal.New(rapid.Int64Range(0, 2_000_000).Draw(t, "cents"), -2)}
	if rapid.Bool().Draw(t, "beans") {
		o.Lines = []loyalty.Line{{SKU: "b", Category: "beans", Qty: rapid.IntRange(1, 3).Draw(t, "qty"), Price: decimal.NewFromInt(rapid.Int64Range(1, 5000).Draw(t, "price"))}}
		o.Total = o.Total.Add(o.Lines[0].Price.Mul(decimal.NewFromInt(int64(o.Lines[0].Qty)))) // the lines are part of the goods
	}
	tier := m.acc.Tier()
	r, err := m.run(t, "Purchase", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return m.p.Purchase(a, m.c, o, now) })
	if err != nil {
		t.Fatalf("Purchase: %v", err)
	}
	m.orders = append(m.orders, id)
	if len(o.Lines) > 0 {
		m.beans[id] = beans{qty: o.Lines[0].Qty, price: o.Lines[0].Price}
	}
	if rank(m.acc.Tier()) < rank(tier) {
		t.Fatalf("a purchase lowered the tier from %s to %s", tier, m.acc.Tier())
	}
	if r.TierChanged {
		m.promoBy[id] = tier
	}
}

func rank(tier string) int { return map[string]int{"": -1, "silver": 0, "gold": 1, "vip": 2}[tier] }

func (m *ledgerMachine) Refund(t *rapid.T) {
	if len(m.orders) == 0 {
		t.Skip("no orders")
	}
	id := rapid.SampledFrom(m.orders).Draw(t, "order")
	var left decimal.Decimal
	for _, o := range m.acc.Orders() {
		if o.ID == id {
			left = o.Paid.Sub(o.Refunded)
		}
	}
	amount := left
	if rapid.Bool().Draw(t, "partial") {
		amount = decimal.New(rapid.Int64Range(1, 3_000_000).Draw(t, "cents"), -2)
	}
	m.n++
	rf := loyalty.Refund{ID: fmt.Sprint("r", m.n), Order: id, Amount: amount}
	tierBefore, promoted := m.promoBy[id]
	now := m.now
	_, err := m.run(t, "Refund", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return m.p.Refund(a, m.c, rf, now) })
	switch {
	case !amount.IsPositive() || amount.GreaterThan(left):
		if err == nil {
			t.Fatalf("refund of %s with %s left succeeded", amount, left)
		}
		return
	case err != nil:
		t.Fatalf("Refund: %v", err)
	}
	for _, o := range m.acc.Orders() {
		if o.ID != id {
			continue
		}
		if o.Reversed.GreaterThan(o.Earned) {
			t.Fatalf("order %s: %s taken back, %s earned", id, o.Reversed, o.Earned)
		}
		if o.Refunded.Equal(o.Paid) && !o.Reversed.Equal(o.Earned) {
			t.Fatalf("order %s fully refunded: %s taken back, %s earned", id, o.Reversed, o.Earned)
		}
		// A full refund right after the purchase that promoted undoes it
		// (with purchases in time order: after a late-dated one, the
		// earlier orders alone may qualify at the refund's time).
		if promoted && !m.late && o.Refunded.Equal(o.Paid) && m.orders[len(m.orders)-1] == id && m.acc.Tier() != tierBefore && tierBefore != "" {
			t.Fatalf("full refund of %s left tier %s, was %s before it", id, m.acc.Tier(), tierBefore)
		}
	}
}

// RefundLines returns units of an order's beans line: refused beyond the
// units left or the money left; otherwise Check's invariants hold after it.
func (m *ledgerMachine) RefundLines(t *rapid.T) {
	var ids []string
	for _, id := range m.orders {
		if _, ok := m.beans[id]; ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		t.Skip("no orders with lines")
	}
	id := rapid.SampledFrom(ids).Draw(t, "order")
	b, qty := m.beans[id], rapid.IntRange(1, 3).Draw(t, "units")
	var left, money decimal.Decimal
	for _, o := range m.acc.Orders() {
		if o.ID == id {
			left = o.Paid.Sub(o.Refunded)
			// the lines' share of the money paid, on the cumulative goods
			// returned, rounded down to cents (the programme's money places)
			paidFor := func(units int) decimal.Decimal {
				g := b.price.Mul(decimal.NewFromInt(int64(units)))
				if g.Equal(o.Total) {
					return o.Paid
				}
				return g.Mul(o.Paid).Div(o.Total).RoundDown(2)
			}
			money = paidFor(b.returned + qty).Sub(paidFor(b.returned))
		}
	}
	m.n++
	rf := loyalty.Refund{ID: fmt.Sprint("r", m.n), Order: id, Lines: []loyalty.RefundLine{{SKU: "b", Qty: qty}}}
	now := m.now
	_, err := m.run(t, "Refund", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return m.p.Refund(a, m.c, rf, now) })
	tooMuch := qty > b.qty-b.returned || money.GreaterThan(left)
	if tooMuch != errors.Is(err, loyalty.ErrRefundTooLarge) || (!tooMuch && err != nil) {
		t.Fatalf("refund of %d of %d−%d units at %s with %s left: %v", qty, b.qty, b.returned, b.price, left, err)
	}
	if err == nil {
		b.returned += qty
		m.beans[id] = b
	}
}

func (m *ledgerMachine) Redeem(t *rapid.T) {
	b := m.acc.Balance(m.now)
	points := decimal.NewFromInt(rapid.Int64Range(1, 3000).Draw(t, "points"))
	m.n++
	rd := loyalty.Redemption{ID: fmt.Sprint("x", m.n), Points: points}
	now := m.now
	_, err := m.run(t, "Redeem", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return m.p.Redeem(a, m.c, rd, now) })
	if points.GreaterThan(b.Available.Sub(b.Debt)) != errors.Is(err, loyalty.ErrInsufficientPoints) {
		t.Fatalf("redeem %s with %+v: %v", points, b, err)
	}
	if err == nil {
		m.redeems = append(m.redeems, rd.ID)
	}
}

// CancelRedemption undoes a redemption: exactly the points it took go
// back (less any debt they pay), and cancelling again changes nothing.
func (m *ledgerMachine) CancelRedemption(t *rapid.T) {
	id := "never-made"
	if len(m.redeems) > 0 && rapid.IntRange(0, 9).Draw(t, "unknown") > 0 {
		id = rapid.SampledFrom(m.redeems).Draw(t, "redemption")
	}
	var taken decimal.Decimal
	for _, e := range m.log {
		if e.Op == "redeem:"+id && e.Kind == loyalty.Redeem {
			taken = taken.Sub(e.Points)
		}
	}
	before := m.acc.Totals()
	now := m.now
	r, err := m.run(t, "CancelRedemption", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return m.p.CancelRedemption(a, m.c, id, now)
	})
	switch {
	case id == "never-made":
		if !errors.Is(err, loyalty.ErrUnknownRedemption) {
			t.Fatalf("cancelling an unknown redemption: %v", err)
		}
	case err != nil:
		t.Fatalf("CancelRedemption: %v", err)
	case r.Duplicate:
	case !r.Points.Equal(taken) || !before.Redeemed.Sub(m.acc.Totals().Redeemed).Equal(taken):
		t.Fatalf("cancel of %s restored %s, redeemed went %s → %s; it had taken %s", id, r.Points, before.Redeemed, m.acc.Totals().Redeemed, taken)
	}
}

func (m *ledgerMachine) Expire(t *rapid.T) {
	now := m.now
	if _, err := m.run(t, "Expire", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return m.p.Expire(a, now) }); err != nil {
		t.Fatal(err)
	}
	if b := m.acc.Balance(m.now); !b.Expiring.IsZero() {
		t.Fatalf("after Expire, %s points are past expiry", b.Expiring)
	}
}

func (m *ledgerMachine) Event(t *rapid.T) {
	m.n++
	ev := loyalty.Event{ID: fmt.Sprint("e", m.n), Kind: rapid.SampledFrom([]string{"birthday", "review"}).Draw(t, "kind")}
	now := m.now
	r, err := m.run(t, "Event", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return m.p.Event(a, m.c, ev, now) })
	if err != nil {
		t.Fatal(err)
	}
	m.events = append(m.events, ev.ID)
	m.eventPt[ev.ID] = r.Points
}

// Reverse takes an event's points back: reversed, or debt or written off
// for what was spent, exactly what it earned; a second reversal of it is
// refused and changes nothing.
func (m *ledgerMachine) Reverse(t *rapid.T) {
	if len(m.events) == 0 {
		return // nothing to reverse yet: a no-op
	}
	m.n++
	ev := rapid.SampledFrom(m.events).Draw(t, "event")
	rv := loyalty.Reversal{ID: fmt.Sprint("v", m.n), Event: ev}
	now, before := m.now, m.acc.Totals()
	r, err := m.run(t, "Reverse", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return m.p.Reverse(a, m.c, rv, now) })
	if by, done := m.revOf[ev]; done {
		if !errors.Is(err, loyalty.ErrReversed) || !strings.Contains(err.Error(), by) {
			t.Fatalf("a second reversal of %s: %v, want ErrReversed naming %s", ev, err, by)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	m.revOf[ev] = "reverse:" + rv.ID
	after := m.acc.Totals()
	back := after.Reversed.Sub(before.Reversed).Add(after.Debt.Sub(before.Debt)).Add(after.WrittenOff.Sub(before.WrittenOff))
	if !back.Equal(m.eventPt[ev]) {
		t.Fatalf("reversing %s took back %s (result %s), it earned %s", ev, back, r.Points, m.eventPt[ev])
	}
}

func (m *ledgerMachine) Review(t *rapid.T) {
	now := m.now
	if _, err := m.run(t, "ReviewTier", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return m.p.ReviewTier(a, now) }); err != nil {
		t.Fatal(err)
	}
}

func (m *ledgerMachine) Advance(t *rapid.T) {
	m.now = m.now.Add(time.Duration(rapid.IntRange(1, 90*24).Draw(t, "hours")) * time.Hour)
}

// Retry repeats the last operation: nothing changes.
func (m *ledgerMachine) Retry(t *rapid.T) {
	if m.last == nil {
		t.Skip("nothing to retry")
	}
	acc, r, err := m.last(m.acc)
	if err != nil || acc.String() != m.acc.String() || (len(r.Entries) > 0 && !r.Duplicate) {
		t.Fatalf("retry: duplicate=%v err=%v changed=%v", r.Duplicate, err, acc.String() != m.acc.String())
	}
}

// Store is the host storing a snapshot (and the number of entries it
// covers): Check loads it and folds the entries written since.
func (m *ledgerMachine) Store(t *rapid.T) {
	m.snap, m.snapLog = m.acc.Snapshot(), len(m.log)
}

// Reload is the host loading the account from its snapshot: the
// operations after it run on an account whose records are decoded only
// as they are read, and find its operations (retries too) through the
// snapshot's index.
func (m *ledgerMachine) Reload(t *rapid.T) {
	loaded, err := m.p.LoadSnapshot(m.acc.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	m.acc = loaded
}

// Quote returns what the purchase would, and changes nothing.
func (m *ledgerMachine) Quote(t *rapid.T) {
	o := loyalty.Order{ID: "quoted", Total: decimal.New(rapid.Int64Range(0, 2_000_000).Draw(t, "cents"), -2)}
	before := m.acc.String()
	q, err := m.p.Quote(m.acc, m.c, o, m.now)
	_, r, err2 := m.p.Purchase(m.acc, m.c, o, m.now)
	if err != nil || err2 != nil || m.acc.String() != before {
		t.Fatalf("quote: %v, purchase %v, account changed %v", err, err2, m.acc.String() != before)
	}
	if !q.Points.Equal(r.Points) || !q.Discount.Equal(r.Discount) || !q.Money.Equal(r.Money) || q.Tier != r.Tier || len(q.Entries) != len(r.Entries) {
		t.Fatalf("quote %+v, purchase %+v", q, r)
	}
}

// Hold reserves some of the available points for a few minutes.
func (m *ledgerMachine) Hold(t *rapid.T) {
	b := m.acc.Balance(m.now)
	free := b.Available.Sub(b.Debt)
	points := decimal.NewFromInt(rapid.Int64Range(1, 2000).Draw(t, "points"))
	m.n++
	h := loyalty.Hold{ID: fmt.Sprint("h", m.n), Points: points, Until: m.now.Add(time.Duration(rapid.IntRange(1, 120).Draw(t, "minutes")) * time.Minute)}
	now := m.now
	_, err := m.run(t, "Hold", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return m.p.Hold(a, m.c, h, now) })
	if points.GreaterThan(free) != errors.Is(err, loyalty.ErrInsufficientPoints) || (err != nil && !errors.Is(err, loyalty.ErrInsufficientPoints)) {
		t.Fatalf("hold %s with %s free: %v", points, free, err)
	}
	if err == nil {
		m.holds[h.ID] = &holdModel{points: points, until: h.Until, state: "open"}
	}
}

// AtDeadline moves time to a nanosecond before, at, or after an open
// hold's deadline.
func (m *ledgerMachine) AtDeadline(t *rapid.T) {
	var open []string
	for id, h := range m.holds {
		if h.state == "open" && m.now.Before(h.until) {
			open = append(open, id)
		}
	}
	if len(open) == 0 {
		t.Skip("no open hold")
	}
	slices.Sort(open)
	h := m.holds[rapid.SampledFrom(open).Draw(t, "hold")]
	m.now = h.until.Add(time.Duration(rapid.IntRange(-1, 1).Draw(t, "ns")))
}

// AtLotBoundary moves time to a nanosecond before, at, or after a lot's
// availability or expiry, where a point changes state.
func (m *ledgerMachine) AtLotBoundary(t *rapid.T) {
	var at []time.Time
	for _, l := range m.acc.Lots() {
		for _, b := range []time.Time{l.AvailableAt, l.ExpiresAt} {
			if b.After(m.now.Add(time.Nanosecond)) {
				at = append(at, b)
			}
		}
	}
	if len(at) == 0 {
		t.Skip("no boundary ahead")
	}
	slices.SortFunc(at, time.Time.Compare)
	m.now = rapid.SampledFrom(at).Draw(t, "boundary").Add(time.Duration(rapid.IntRange(-1, 1).Draw(t, "ns")))
}

// AtWindowEdge moves time to a nanosecond before, at, or after the
// instant an order leaves the tier window.
func (m *ledgerMachine) AtWindowEdge(t *rapid.T) {
	var at []time.Time
	for _, o := range m.acc.Orders() {
		if edge := o.At.In(m.p.Location()).AddDate(0, m.p.Config().TierWindowMonths, 0); edge.After(m.now.Add(time.Nanosecond)) {
			at = append(at, edge)
		}
	}
	if len(at) == 0 {
		t.Skip("no order to leave the window")
	}
	slices.SortFunc(at, time.Time.Compare)
	m.now = rapid.SampledFrom(at).Draw(t, "edge").Add(time.Duration(rapid.IntRange(-1, 1).Draw(t, "ns")))
}

func (m *ledgerMachine) pickHold(t *rapid.T) (string, *holdModel) {
	if len(m.holds) == 0 {
		t.Skip("no holds")
	}
	ids := slices.Sorted(maps.Keys(m.holds))
	id := rapid.SampledFrom(ids).Draw(t, "hold")
	return id, m.holds[id]
}

// Capture spends a hold: refused once released or lapsed, a retry once
// captured; otherwise it takes exactly the held points (or fails for want
// of them, when they expired or were clawed back meanwhile).
func (m *ledgerMachine) Capture(t *rapid.T) {
	id, h := m.pickHold(t)
	before := m.acc.Totals()
	now := m.now
	r, err := m.run(t, "Capture", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return m.p.Capture(a, m.c, loyalty.Capture{ID: id}, now)
	})
	switch {
	case h.state == "captured":
		if err != nil || !r.Duplicate {
			t.Fatalf("second capture of %s: %v %+v", id, err, r)
		}
	case h.state == "released":
		if !errors.Is(err, loyalty.ErrHoldResolved) {
			t.Fatalf("capture of released %s: %v", id, err)
		}
	case !now.Before(h.until):
		if !errors.Is(err, loyalty.ErrHoldLapsed) {
			t.Fatalf("capture of %s at %s, lapsed at %s: %v", id, now, h.until, err)
		}
	case errors.Is(err, loyalty.ErrInsufficientPoints):
	case err != nil:
		t.Fatalf("Capture: %v", err)
	default:
		if !r.Points.Equal(h.points) || !m.acc.Totals().Redeemed.Sub(before.Redeemed).Equal(h.points) {
			t.Fatalf("capture of %s took %s, redeemed %s → %s; it held %s", id, r.Points, before.Redeemed, m.acc.Totals().Redeemed, h.points)
		}
		h.state, h.captured = "captured", h.points
	}
}

// Release ends a hold: refused once captured; the points are free again.
func (m *ledgerMachine) Release(t *rapid.T) {
	id, h := m.pickHold(t)
	now := m.now
	r, err := m.run(t, "Release", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return m.p.Release(a, m.c, id, now) })
	switch {
	case h.state == "captured":
		if !errors.Is(err, loyalty.ErrHoldResolved) {
			t.Fatalf("release of captured %s: %v", id, err)
		}
	case h.state == "released":
		if err != nil || !r.Duplicate {
			t.Fatalf("second release of %s: %v", id, err)
		}
	case err != nil:
		t.Fatalf("Release: %v", err)
	default:
		h.state = "released"
	}
}

// PayWithPoints buys an order part paid by a captured hold: the money
// paid is the goods less the discount and the points' money.
func (m *ledgerMachine) PayWithPoints(t *rapid.T) {
	var ids []string
	for id, h := range m.holds {
		if h.state == "captured" && !h.paid {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		t.Skip("no captured hold to pay with")
	}
	slices.Sort(ids)
	id := rapid.SampledFrom(ids).Draw(t, "capture")
	h := m.holds[id]
	m.n++
	o := loyalty.Order{ID: fmt.Sprint("o", m.n), Redemption: id,
		Total: h.captured.Mul(decimal.NewFromInt(2)).Add(decimal.New(rapid.Int64Range(0, 100_000).Draw(t, "cents"), -2))}
	now := m.now
	r, err := m.run(t, "Purchase", func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return m.p.Purchase(a, m.c, o, now) })
	if err != nil {
		t.Fatalf("purchase paid with %s: %v", id, err)
	}
	if want := o.Total.Sub(r.Discount).Sub(h.captured); !r.Money.Equal(want) { // a point pays 1
		t.Fatalf("money paid %s, want %s", r.Money, want)
	}
	h.paid = true
	m.orders = append(m.orders, o.ID)
	m.paidBy[o.ID] = h.captured
}

func (m *ledgerMachine) Check(t *rapid.T) {
	if m.goals {
		m.checkGoals(t)
	}
	sum := decimal.Zero
	for _, e := range m.log {
		sum = sum.Add(e.Points)
	}
	remaining := decimal.Zero
	for _, l := range m.acc.Lots() {
		if l.Remaining.IsNegative() || l.Remaining.GreaterThan(l.Earned) {
			t.Fatalf("lot %s remaining %s of %s", l.ID, l.Remaining, l.Earned)
		}
		remaining = remaining.Add(l.Remaining)
	}
	b := m.acc.Balance(m.now)
	if !sum.Equal(remaining.Sub(b.Debt)) {
		t.Fatalf("sum of entries %s != lots %s − debt %s", sum, remaining, b.Debt)
	}
	if !b.Available.Add(b.Held).Add(b.Pending).Add(b.Expiring).Equal(remaining) {
		t.Fatalf("balance %+v does not add up to the lots %s", b, remaining)
	}
	tt := m.acc.Totals()
	if !tt.Earned.Equal(remaining.Add(tt.Redeemed).Add(tt.Expired).Add(tt.Reversed).Add(tt.Repaid)) {
		t.Fatalf("earned %s != remaining %s + redeemed %s + expired %s + reversed %s + repaid %s",
			tt.Earned, remaining, tt.Redeemed, tt.Expired, tt.Reversed, tt.Repaid)
	}
	debts, settled := decimal.Zero, decimal.Zero // Totals.Debt is every debt recorded; Balance.Debt what is not settled
	for _, e := range m.log {
		switch e.Kind {
		case loyalty.Debt:
			debts = debts.Sub(e.Points)
		case loyalty.Settle:
			settled = settled.Add(e.Points)
		}
	}
	if !tt.Debt.Equal(debts) || !b.Debt.Equal(debts.Sub(settled)) {
		t.Fatalf("debt totals %s, balance %s; the entries record %s, settle %s", tt.Debt, b.Debt, debts, settled)
	}
	if b.Debt.IsNegative() || (b.Debt.IsPositive() && remaining.IsPositive()) {
		t.Fatalf("debt %s with %s points in lots", b.Debt, remaining)
	}
	until := m.now.AddDate(1, 0, 0)
	want := map[time.Time]decimal.Decimal{}
	for _, l := range m.acc.Lots() {
		if l.Remaining.IsPositive() && !l.ExpiresAt.IsZero() && l.ExpiresAt.After(m.now) && !l.ExpiresAt.After(until) {
			want[l.ExpiresAt.UTC()] = want[l.ExpiresAt.UTC()].Add(l.Remaining)
		}
	}
	got := m.acc.Expiring(m.now, until)
	for i, e := range got {
		if !e.Points.Equal(want[e.At.UTC()]) || (i > 0 && !got[i-1].At.Before(e.At)) {
			t.Fatalf("Expiring: %v, want %v", got, want)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("Expiring: %v, want %v", got, want)
	}
	if walked, sorted := loyalty.OpenLotOrder(m.acc); !slices.Equal(walked, sorted) {
		t.Fatalf("lots in redemption order %v, want %v", walked, sorted)
	}
	held := decimal.Zero
	for _, h := range m.holds {
		if h.state == "open" && m.now.Before(h.until) {
			held = held.Add(h.points)
		}
	}
	if b.Held.GreaterThan(held) || (b.Available.IsPositive() && !b.Held.Equal(held)) {
		t.Fatalf("balance holds %s, the open holds %s (%+v)", b.Held, held, b)
	}
	for _, o := range m.acc.Orders() {
		paid, ok := m.paidBy[o.ID]
		switch {
		case !ok && !o.PointsBack.IsZero():
			t.Fatalf("order %s paid with no points gave %s back", o.ID, o.PointsBack)
		case o.PointsBack.GreaterThan(paid):
			t.Fatalf("order %s gave back %s points, %s paid for it", o.ID, o.PointsBack, paid)
		case ok && o.Refunded.Equal(o.Paid) && o.Paid.IsPositive() && !o.PointsBack.Equal(paid):
			t.Fatalf("order %s fully refunded gave back %s of the %s points that paid for it", o.ID, o.PointsBack, paid)
		}
	}
	// The tier window, by an independent model from the entries: the money
	// paid on orders made in (now − W months, now], net of every refund of
	// them, and the orders not fully returned.
	if spend, n := loyalty.WindowSpend(m.p, m.acc, m.now); !spend.Equal(m.windowModel()) || n != m.windowOrders() {
		t.Fatalf("window spend %s over %d orders, the model says %s over %d", spend, n, m.windowModel(), m.windowOrders())
	}
	// A stored snapshot loads back to the account, and the one stored
	// earlier, with the entries written since, too.
	if loaded, err := m.p.LoadSnapshot(m.acc.Snapshot()); err != nil || loaded.String() != m.acc.String() {
		t.Fatalf("snapshot: %v\n%s\nvs\n%s", err, loaded, m.acc)
	}
	if m.snap != nil {
		earlier, err := m.p.LoadSnapshot(m.snap)
		if err != nil {
			t.Fatal(err)
		}
		if resumed, err := m.p.Resume(earlier, m.log[m.snapLog:]); err != nil || resumed.String() != m.acc.String() {
			t.Fatalf("snapshot + entries since: %v\n%s\nvs\n%s", err, resumed, m.acc)
		}
	}
	replayed, err := m.p.Replay(m.log)
	if err != nil {
		t.Fatal(err)
	}
	if replayed.String() != m.acc.String() {
		t.Fatalf("replay differs:\n%s\nvs\n%s", replayed, m.acc)
	}
	// A host stores the ledger, say as JSON: what it reads back replays to
	// the same account.
	stored, err := json.Marshal(m.log)
	if err != nil {
		t.Fatal(err)
	}
	var back []loyalty.Entry
	if err := json.Unmarshal(stored, &back); err != nil {
		t.Fatal(err)
	}
	if fromJSON, err := m.p.Replay(back); err != nil || fromJSON.String() != m.acc.String() {
		t.Fatalf("replay of the ledger read back from JSON: %v\n%s\nvs\n%s", err, fromJSON, m.acc)
	}
}

// windowStart is now − W calendar months in the programme's zone, the day
// clamped to the shorter month's end (31 March − 1 month = 28 February).
func (m *ledgerMachine) windowStart() time.Time {
	cfg := m.p.Config()
	t := m.now.In(m.p.Location())
	y, mo, d := t.Date()
	target := time.Date(y, mo-time.Month(cfg.TierWindowMonths), 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(target.Year(), target.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	h, mi, s := t.Clock()
	return time.Date(target.Year(), target.Month(), min(d, last), h, mi, s, t.Nanosecond(), m.p.Location())
}

func (m *ledgerMachine) windowModel() decimal.Decimal {
	from, spend := m.windowStart(), decimal.Zero
	in := map[string]bool{}
	for _, e := range m.log {
		switch {
		case e.Kind == loyalty.Record && e.OpKind == loyalty.OpPurchase && e.At.After(from) && !e.At.After(m.now):
			in[e.Order] = true
			spend = spend.Add(e.Money.Sub(e.Discount).Sub(e.PointsPaid))
		case e.Kind == loyalty.Record && e.OpKind == loyalty.OpRefund && in[e.Order]:
			spend = spend.Sub(e.Money)
		}
	}
	return spend
}

func (m *ledgerMachine) windowOrders() int {
	from, n := m.windowStart(), 0
	for _, o := range m.acc.Orders() {
		returned := (o.Paid.IsPositive() && !o.Refunded.LessThan(o.Paid)) || (o.Paid.IsZero() && m.allGoodsBack(o.ID, o.Total))
		if o.At.After(from) && !o.At.After(m.now) && !returned {
			n++
		}
	}
	return n
}

// allGoodsBack: an order paid without money is returned when goods worth
// its total came back (its beans were all of it, and all came back).
func (m *ledgerMachine) allGoodsBack(id string, total decimal.Decimal) bool {
	b, ok := m.beans[id]
	return ok && b.returned >= b.qty && b.price.Mul(decimal.NewFromInt(int64(b.qty))).Equal(total)
}

func testLedger(t *rapid.T, cfg loyalty.Config) {
	if rapid.Bool().Draw(t, "writeOff") {
		cfg.RefundOfSpent = loyalty.WriteOff
	}
	cfg.PointsPlaces = int32(rapid.IntRange(0, 2).Draw(t, "places"))
	cfg.Expiry = rapid.SampledFrom([]loyalty.Expiry{{}, {Kind: loyalty.AfterMonths, Months: 3}, {Kind: loyalty.EndOfMonth}, {Kind: loyalty.EndOfYear}}).Draw(t, "expiry")
	goals := rapid.Bool().Draw(t, "goals")
	if goals {
		cfg.Goals = ledgerGoals()
	}
	prog, err := loyalty.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := &ledgerMachine{p: prog, c: loyalty.Customer{ID: "c"}, now: time.Date(2026, 1, 30, 23, 30, 0, 0, time.UTC), promoBy: map[string]string{}, beans: map[string]beans{},
		holds: map[string]*holdModel{}, paidBy: map[string]decimal.Decimal{}, goals: goals,
		eventPt: map[string]decimal.Decimal{}, revOf: map[string]string{}}
	t.Repeat(rapid.StateMachineActions(m))
}

// TestLedgerStateMachine runs the machine with the programme in zones
// without and with DST, in both hemispheres, and the machine's local zone
// set to another (the library must not depend on it).
func TestLedgerStateMachine(t *testing.T) {
	for _, tc := range []struct{ local, programme string }{
		{"UTC", "Asia/Almaty"},
		{"America/New_York", "Europe/Berlin"},
		{"Asia/Tokyo", "Australia/Sydney"},
	} {
		t.Run("TZ="+tc.local+"/programme="+tc.programme, func(t *testing.T) {
			loc, err := time.LoadLocation(tc.local)
			if err != nil {
				t.Fatal(err)
			}
			old := time.Local
			time.Local = loc
			defer func() { time.Local = old }()
			cfg := coffeeConfig()
			cfg.TimeZone = tc.programme
			rapid.Check(t, func(t *rapid.T) { testLedger(t, cfg) })
		})
	}
}
