package loyalty

import (
	"fmt"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/internal/checked"
	"github.com/loyalkit/loyalkit/internal/persist"
)

// Replay rebuilds an account from its entries, in order: the account the
// operations returned. It fails on entries that do not fit (a lot, order
// or hold that does not exist, amounts that do not add up), which means
// the log was not written by these operations or is out of order.
func (p *Program) Replay(entries []Entry) (Account, error) {
	return p.Resume(Account{}, entries)
}

// Resume folds entries into a copy of a: the account loaded from a
// snapshot ([Program.LoadSnapshot]) and the entries written after it give
// the current account. a is not changed.
func (p *Program) Resume(a Account, entries []Entry) (Account, error) {
	if err := p.bind(&a, "resume"); err != nil {
		return Account{}, err
	}
	o := new(persist.Owner)
	for i := range entries {
		if err := p.apply(&a, &entries[i], o, foldReplay); err != nil {
			return Account{}, fmt.Errorf("%w: entry %d (%s): %w", ErrCorruptLedger, i, entries[i].ID, err)
		}
	}
	return a, nil
}

// apply folds one entry into the account. Operations and Replay both go
// through it, so an account and the replay of its entries agree by
// construction. Each entry kind has its own step below; what a step needs
// is in the entry, never in the programme's policies (which may change
// between the operation and its replay).
//
// The entries of one operation must be consecutive; o owns the blocks the
// batch may change in place.
func (p *Program) apply(a *Account, e *Entry, o *persist.Owner, mode foldMode) error {
	pts, err := p.units(e.Points)
	if err != nil {
		return err
	}
	newOp := a.opList.Len() == 0 || e.Op != a.lastOp
	n := 0
	if !newOp {
		n = a.opList.Ptr(a.opList.Len() - 1).n
	}
	if err := a.checkPlace(e, n); err != nil {
		return err
	}
	if newOp {
		if !a.addOp(e.Op, a.opList.Len(), o) {
			return fmt.Errorf("entries of operation %s are not consecutive", e.Op)
		}
		a.opList.Push(opRecord{id: e.Op, kind: e.OpKind, points: 0}, o)
		a.lastOp = e.Op
	}
	rec := a.opList.Mut(a.opList.Len()-1, o)
	rec.n++
	a.entries++
	a.places, a.prog = p.cfg.PointsPlaces, p.compat
	f := fold{p: p, a: a, rec: rec, o: o, pts: pts, quote: mode == foldQuote}
	switch e.Kind {
	case Record:
		err = f.record(e)
	case Earn:
		err = f.earn(e)
	case Repay, Redeem, Expire, Reverse:
		err = f.debit(e)
	case Restore:
		err = f.restore(e)
	case Settle:
		err = f.settle(e)
	case Debt:
		err = f.debt(e)
	case WriteOffEntry:
		err = f.writeOff(e)
	case TierChange:
		err = f.tierChange(e)
	default:
		err = fmt.Errorf("unknown entry kind %v", e.Kind)
	}
	f.rec.tier = a.tier
	if err != nil {
		return err
	}
	if a.scratch != scratchNone {
		return nil
	}
	return a.chain(e, mode == foldReplay)
}

// foldMode is who folds an entry: an operation (which stores it), a
// quote (which does not) or a replay (which checks it).
type foldMode uint8

const (
	foldOperation foldMode = iota
	foldQuote
	foldReplay
)

// fold is one entry being folded into an account: the step functions
// below share it. (The entry is their parameter, not a field, so that it
// does not escape to the heap.)
type fold struct {
	p   *Program
	a   *Account
	rec *opRecord // the record of the entry's operation, writable
	o   *persist.Owner
	pts units // e.Points in units
	// quote: the entries are a quote's, never stored; only a quote's
	// order may name an open hold as paying.
	quote bool
}

// mutOp returns operation record k, writable. Making it writable may copy
// the block the entry's own record is in, so f.rec is looked up again.
func (f *fold) mutOp(k int) *opRecord {
	r := f.a.opList.Mut(k, f.o)
	f.rec = f.a.opList.Mut(f.a.opList.Len()-1, f.o)
	return r
}

// order is the order the entry concerns, writable.
func (f *fold) order(e *Entry) *order {
	return f.a.opOrder(f.rec, e.Order, f.o)
}

func (f *fold) record(e *Entry) error {
	rec := f.rec
	if rec.n != 1 {
		return fmt.Errorf("the record of operation %s is not its first entry", e.Op)
	}
	rec.fingerprint = e.Fingerprint
	rec.discount = e.Discount
	if len(e.Gifts) > 0 {
		rec.gifts = slices.Clone(e.Gifts)
	}
	if e.Money.IsNegative() || e.Discount.IsNegative() || e.PointsPaid.IsNegative() {
		return fmt.Errorf("negative money on the record of %s", e.Op)
	}
	var err error
	switch e.OpKind {
	case OpPurchase:
		err = f.purchase(e)
	case OpRefund:
		err = f.refund(e)
	case OpRedeem, OpCancelRedemption:
		rec.discount = e.Money
	case OpHold:
		err = f.hold(e)
	case OpCapture, OpRelease:
		err = f.resolve(e)
	case OpReverse:
		err = f.reversal(e)
	}
	if err != nil {
		return err
	}
	return f.foldUses(e)
}

func (f *fold) purchase(e *Entry) error {
	a, rec := f.a, f.rec
	if !isPurchaseOp(e.Op, e.Order) || rec.order != 0 {
		return fmt.Errorf("the purchase of order %q is recorded as operation %q", e.Order, e.Op)
	}
	paid := e.Money
	if !e.Discount.IsZero() || !e.PointsPaid.IsZero() {
		paid = e.Money.Sub(e.Discount).Sub(e.PointsPaid)
	}
	if paid.IsNegative() {
		return fmt.Errorf("order %s: discount %s and points %s are more than its goods %s", e.Order, e.Discount, e.PointsPaid, e.Money)
	}
	info := orderInfo{goods: e.Money, discount: e.Discount, pointsPaid: e.PointsPaid}
	if len(e.Lines) > 0 {
		info.lines = slices.Clone(e.Lines)
	}
	if e.Ref != "" {
		i, ok := a.opIndex(e.Ref)
		if !ok {
			return fmt.Errorf("%w: order %s is paid with %q, which is not on the account", ErrUnknownRedemption, e.Order, e.Ref)
		}
		pay := f.mutOp(i)
		rec = f.rec
		switch {
		case pay.kind != OpRedeem && pay.kind != OpCapture && (pay.kind != OpHold || !f.quote):
			return fmt.Errorf("order %s is paid with %q, which is not a redemption or capture", e.Order, e.Ref)
		case pay.order != 0:
			return fmt.Errorf("%s already paid for another order", e.Ref)
		case !pay.discount.Equal(e.PointsPaid):
			return fmt.Errorf("order %s says its points paid %s, %s paid %s", e.Order, e.PointsPaid, e.Ref, pay.discount)
		}
		pay.order = a.orders.Len() + 1
		info.paidWith, info.paidPoints = i+1, pay.taken.sum()
	} else if !e.PointsPaid.IsZero() {
		return fmt.Errorf("order %s has points paid %s but no redemption", e.Order, e.PointsPaid)
	}
	od := newOrder(e.Order, e.At, paid, info, a.tier)
	if !a.last.IsZero() && e.At.Before(a.last) {
		a.unsorted = true
	}
	if n := a.orders.Len(); n > 0 {
		od.cum = a.orders.Ptr(n - 1).cum
	}
	od.cum.Add(paid)
	rec.money = paid
	rec.order = a.orders.Len() + 1
	rec.first = a.orderN == 0
	a.orders.Push(od, f.o)
	a.spend.Add(paid)
	a.orderN++
	if a.first.IsZero() {
		a.first = e.At
	}
	if e.At.After(a.last) {
		a.last = e.At
	}
	if e.Tier != "" {
		if e.Tier != a.tier {
			return fmt.Errorf("order %s confirms tier %q, the customer is in %q", e.Order, e.Tier, a.tier)
		}
		a.tierSince, a.tierLapsed = e.At, time.Time{}
	}
	return nil
}

func (f *fold) refund(e *Entry) error {
	a := f.a
	od := f.order(e)
	if od == nil {
		return fmt.Errorf("%w %q", ErrUnknownOrder, e.Order)
	}
	if f.rec.order == 0 {
		i, _ := a.orderIndex(e.Order)
		f.rec.order = i + 1
	}
	wasFull := od.fullyReturned()
	money := e.Money
	if len(e.Lines) > 0 {
		priced, err := od.returnLines(e.Lines)
		if err != nil {
			return err
		}
		if money, err = f.p.lineRefundMoney(od, priced); err != nil {
			return err
		}
		if !money.Equal(e.Money) {
			return fmt.Errorf("refund lines of order %s refund %s, the record says %s", e.Order, money, e.Money)
		}
		od.returnedGoods = od.returnedGoods.Add(linesValue(priced))
	}
	if left := od.paid.Sub(od.refunded); money.GreaterThan(left) {
		return fmt.Errorf("%w: %s refunded, %s of order %s left", ErrRefundTooLarge, money, left, e.Order)
	}
	if !od.inRefunded {
		i, _ := a.orderIndex(e.Order)
		a.refundedOrders.Push(i, f.o)
		od.inRefunded = true
	}
	if e.Tier != "" && a.tier != "" { // the tier the customer qualifies for after the refund
		switch r := f.p.tierRank(e.Tier); {
		case r < 0:
			return fmt.Errorf("%w %q", ErrUnknownTier, e.Tier)
		case r >= f.p.tierRank(a.tier):
			a.tierSince, a.tierLapsed = e.At, time.Time{}
		case a.tierLapsed.IsZero():
			a.tierLapsed = e.At
		}
	}
	od.refunded = od.refunded.Add(money)
	if len(e.Goals) > 0 {
		if od.fullyReturned() {
			return fmt.Errorf("refund %s of order %s takes back goal steps, but returns all of the order (which undoes them all)", e.Op, e.Order)
		}
		if err := f.foldGoalTakeBacks(e, od); err != nil {
			return err
		}
	}
	if !wasFull && od.fullyReturned() {
		f.undoUses(od)
	}
	f.rec.money = money
	a.refundN++
	a.spend.Sub(money)
	return nil
}

func (f *fold) hold(e *Entry) error {
	a, rec := f.a, f.rec
	held, err := f.p.units(e.Held)
	if err != nil || held <= 0 || e.ExpiresAt.IsZero() {
		return fmt.Errorf("hold %s: %s points until %s", e.Op, e.Held, e.ExpiresAt)
	}
	rec.hold = a.holds.Len() + 1
	rec.discount = e.Money
	a.holds.Push(hold{op: e.Op, order: e.Order, points: held, money: e.Money, until: e.ExpiresAt}, f.o)
	return nil
}

// resolve folds the record of a capture or a release: the hold it names
// (Ref) stops holding.
func (f *fold) resolve(e *Entry) error {
	a, rec := f.a, f.rec
	i, ok := a.opIndex(e.Ref)
	if !ok || a.opList.Ptr(i).hold == 0 {
		return fmt.Errorf("%w: %q", ErrUnknownHold, e.Ref)
	}
	rec.hold = a.opList.Ptr(i).hold
	h := a.holds.Mut(rec.hold-1, f.o)
	if h.state != holdOpen {
		return fmt.Errorf("%w: %s was %s", ErrHoldResolved, e.Ref, h.state)
	}
	h.state = holdReleased
	if e.OpKind == OpCapture {
		h.state = holdCaptured
		rec.discount = e.Money
	}
	for a.firstHold < a.holds.Len() && a.holds.Ptr(a.firstHold).state != holdOpen {
		a.firstHold++
	}
	return nil
}

func (f *fold) earn(e *Entry) error {
	a, rec, pts := f.a, f.rec, f.pts
	if pts <= 0 {
		return fmt.Errorf("earns %s points", e.Points)
	}
	earned, ok := checked.Add(a.totals.earned, pts)
	if !ok {
		return fmt.Errorf("earning %s points overflows the account's total", e.Points)
	}
	if n := a.lots.Len(); n > 0 {
		prev := a.lots.Ptr(n - 1)
		if !inLotOrder(prev, &lot{availableAt: e.AvailableAt, expiresAt: e.ExpiresAt, earnedAt: e.At}) {
			a.lotsUnsorted = true
		}
	}
	if len(e.ID) <= len(e.Op) || e.ID[:len(e.Op)] != e.Op || e.ID[len(e.Op)] != '/' {
		return fmt.Errorf("earning %q is not named after its operation %q", e.ID, e.Op)
	}
	if rec.lots == 0 {
		rec.lot0 = a.lots.Len()
	}
	rec.lots++
	a.lots.Push(lot{id: e.ID, order: e.Order, rule: e.RuleID, earned: pts, remaining: pts,
		earnedAt: e.At, availableAt: e.AvailableAt, expiresAt: e.ExpiresAt}, f.o)
	a.totals.earned = earned
	rec.points += pts
	if od := f.order(e); od != nil {
		od.earned += pts
	}
	return nil
}

// debit folds the entries that take points off a lot: Repay, Redeem,
// Expire and Reverse.
func (f *fold) debit(e *Entry) error {
	a, rec, pts := f.a, f.rec, f.pts
	i, ok := a.lotIndex(e.Lot)
	if !ok {
		return fmt.Errorf("no lot %q", e.Lot)
	}
	l := a.lots.Mut(i, f.o)
	if pts >= 0 || -pts > l.remaining {
		return fmt.Errorf("takes %s points from lot %q, which has %s", e.Points, e.Lot, toDecimal(l.remaining, a.places))
	}
	l.remaining += pts
	for a.firstOpen < a.lots.Len() && a.lots.Ptr(a.firstOpen).remaining <= 0 {
		a.firstOpen++
	}
	switch e.Kind {
	case Repay:
		a.totals.repaid -= pts
		return nil
	case Redeem:
		a.totals.redeemed -= pts
		rec.taken = append(rec.taken, taken{lot: i, pts: -pts})
	case Expire:
		a.totals.expired -= pts
	case Reverse:
		a.totals.reversed -= pts
		if e.OpKind == OpReverse {
			if err := f.takeBackEvent(e, -pts); err != nil {
				return err
			}
			break
		}
		od := f.order(e)
		if od == nil {
			return fmt.Errorf("a reversal for no order (%q)", e.Order)
		}
		if err := f.takeBack(od, -pts); err != nil {
			return err
		}
	}
	rec.points -= pts
	return nil
}

// restore puts redeemed points back into the lot they were taken from:
// the redemption or capture Ref took them, and each point goes back once.
func (f *fold) restore(e *Entry) error {
	a, pts := f.a, f.pts
	i, ok := a.lotIndex(e.Lot)
	if !ok {
		return fmt.Errorf("no lot %q", e.Lot)
	}
	k, ok := a.opIndex(e.Ref)
	if !ok {
		return fmt.Errorf("%w: restores points of %q", ErrUnknownRedemption, e.Ref)
	}
	pay := f.mutOp(k)
	j := slices.IndexFunc(pay.taken, func(t taken) bool { return t.lot == i && t.pts-t.back >= pts })
	if pts <= 0 || j < 0 {
		return fmt.Errorf("restores %s points to lot %q, more than %s took from it and has not put back", e.Points, e.Lot, e.Ref)
	}
	pay.taken = slices.Clone(pay.taken) // shared with earlier versions of the account
	pay.taken[j].back += pts
	l := a.lots.Mut(i, f.o)
	l.remaining += pts
	a.totals.redeemed -= pts
	a.firstOpen = min(a.firstOpen, i)
	if e.OpKind != OpRefund {
		f.rec.points += pts
	} else if od := f.order(e); od != nil {
		od.pointsBack += pts
		f.rec.pointsBack += pts
	}
	return nil
}

func (f *fold) settle(e *Entry) error {
	if f.pts <= 0 || f.pts > f.a.debt {
		return fmt.Errorf("settles %s of a %s debt", e.Points, toDecimal(f.a.debt, f.a.places))
	}
	f.a.debt -= f.pts
	return nil
}

func (f *fold) debt(e *Entry) error {
	a, pts := f.a, f.pts
	if pts >= 0 {
		return fmt.Errorf("debt of %s points", e.Points)
	}
	var od *order
	if e.OpKind != OpReverse {
		if od = f.order(e); od == nil {
			return fmt.Errorf("debt for no order (%q)", e.Order)
		}
	}
	debt, ok1 := checked.Sub(a.debt, pts)
	total, ok2 := checked.Sub(a.totals.debt, pts)
	if !ok1 || !ok2 {
		return fmt.Errorf("a debt of %s points overflows the account's debt", e.Points)
	}
	a.debt, a.totals.debt = debt, total
	f.rec.points -= pts
	if od == nil {
		return f.takeBackEvent(e, -pts)
	}
	return f.takeBack(od, -pts)
}

// takeBack counts pts more points taken back for order od (reversed,
// recorded as debt or written off): never more than were earned on it.
func (f *fold) takeBack(od *order, pts units) error {
	if pts > od.earned-od.reversed {
		return fmt.Errorf("takes back %s points for order %s, which has %s earned and not taken back",
			toDecimal(pts, f.a.places), od.id, toDecimal(od.earned-od.reversed, f.a.places))
	}
	od.reversed += pts
	return nil
}

func (f *fold) writeOff(e *Entry) error {
	off, err := f.p.units(e.Money)
	if err != nil || off <= 0 {
		return fmt.Errorf("writes off %s points", e.Money)
	}
	if e.OpKind == OpReverse {
		if err := f.takeBackEvent(e, off); err != nil {
			return err
		}
	} else {
		od := f.order(e)
		if od == nil {
			return fmt.Errorf("a write-off for no order (%q)", e.Order)
		}
		if err := f.takeBack(od, off); err != nil {
			return err
		}
	}
	f.a.totals.writtenOff += off // at most the points earned: no overflow
	f.rec.points += off
	return nil
}

func (f *fold) tierChange(e *Entry) error {
	a := f.a
	if f.p.tierRank(e.Tier) < 0 {
		return fmt.Errorf("%w %q", ErrUnknownTier, e.Tier)
	}
	if e.OpKind == OpPurchase { // a purchase only ever promotes: the order caused it
		if od := f.order(e); od != nil {
			od.promotedTo = e.Tier
		}
	}
	a.tier, a.tierSince, a.tierLapsed = e.Tier, e.At, time.Time{}
	f.rec.tierChanged = true
	return nil
}

// taken is what a redemption or capture took from one lot (its index),
// and how much of it has been put back since.
type taken struct {
	lot       int
	pts, back units
}

type takenList []taken

// sum is the points taken in all.
func (ts takenList) sum() units {
	var s units
	for _, t := range ts {
		s += t.pts
	}
	return s
}

// left is the points taken and not yet put back.
func (ts takenList) left() units {
	var s units
	for _, t := range ts {
		s += t.pts - t.back
	}
	return s
}
