package loyalty

import (
	"errors"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/internal/decbound"
)

// Refund returns money for part or all of an order: an Amount of the
// money the customer paid, or Lines (their share of the money paid, see
// [Refund]). On the cumulative returned share of the order (so partial
// refunds never drift, and refunding all of it is exact) it
//   - takes back that share of the points earned on the order: from its own
//     lots first, then from others (soonest to expire first); what the
//     customer has already spent becomes debt or is written off, by the
//     programme's policy;
//   - gives back that share of the points that paid for the order
//     (Order.Redemption), into the lots they came from, latest-expiring
//     first (Result.PointsBack), paying any debt from them first;
//   - undoes a promotion the order caused when the customer no longer
//     qualifies without it;
//   - lists in Result.GiftsBack the order's gifts to take back: all of them
//     once the order is fully returned;
//   - takes back what the order added to the programme's goals: all of it
//     (and the completions it made) once the order is fully returned, and
//     before that what the goal's Step counts of the part returned (see
//     [Goal]).
//
// Result.Money is the money refunded.
func (p *Program) Refund(a Account, c Customer, r Refund, now time.Time) (Account, Result, error) {
	op := "refund:" + r.ID
	if err := p.usable(op); err != nil {
		return a, Result{}, err
	}
	switch {
	case r.ID == "" || r.Order == "":
		return a, Result{}, opErr(op, ErrInvalidInput, "refund id and order are required")
	case !decbound.OK(r.Amount):
		return a, Result{}, opCause(op, ErrInvalidInput, decbound.Err("amount", r.Amount))
	case len(r.Lines) > 0 && !r.Amount.IsZero():
		return a, Result{}, opErr(op, ErrInvalidInput, "give an amount or lines, not both")
	case len(r.Lines) == 0 && !r.Amount.IsPositive():
		return a, Result{}, opErr(op, ErrInvalidInput, "amount %s must be positive", r.Amount)
	}
	for i, l := range r.Lines {
		if l.SKU == "" || l.Qty <= 0 {
			return a, Result{}, opErr(op, ErrInvalidInput, "line %d: sku %q and quantity %d must be given and positive", i, l.SKU, l.Qty)
		}
	}
	t, dup, err := p.begin(a, c.ID, op, OpRefund, r.fingerprint(), now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	o, ok := a.order(r.Order)
	switch {
	case !ok:
		return a, Result{}, opErr(op, ErrUnknownOrder, "order %q was never purchased on this account", r.Order)
	case now.Before(o.at):
		return a, Result{}, opErr(op, ErrInvalidInput, "refund at %s is before order %s was bought at %s", now.Format(time.RFC3339Nano),
			r.Order, o.at.Format(time.RFC3339Nano))
	}
	amount, lines, returned := r.Amount, []Line(nil), o.returned
	if len(r.Lines) > 0 {
		if lines, returned, err = o.refundLines(r.Lines); err != nil {
			return a, Result{}, opCause(op, errors.Unwrap(err), err)
		}
		if amount, err = p.lineRefundMoney(&o, lines); err != nil {
			return a, Result{}, opCause(op, ErrRefundTooLarge, err)
		}
	}
	if left := o.paid.Sub(o.refunded); amount.GreaterThan(left) {
		return a, Result{}, opErr(op, ErrRefundTooLarge, "%s asked, %s of order %s left to refund", amount, left, r.Order)
	}
	rec := Entry{Kind: Record, Order: r.Order, Money: amount, Lines: lines, Fingerprint: t.fp}
	after := o
	after.refunded, after.returnedGoods, after.returned = o.refunded.Add(amount), o.returnedGoods.Add(linesValue(lines)), returned
	rec.Goals = p.goalTakeBacks(&t.acc, c, &o, &after)
	if !o.fullyReturned() && after.fullyReturned() { // the gifts go back with the last of the order
		bought, _ := a.op(purchaseOp(r.Order))
		rec.Gifts = bought.gifts
	}
	if len(p.cfg.Tiers) > 0 && a.tier != "" { // the tier the customer qualifies for after it
		spend, n := p.window(&t.acc, now)
		if p.inWindow(o.at, now) {
			spend.Sub(amount)
			if !o.fullyReturned() && after.fullyReturned() {
				n--
			}
		}
		rec.Tier = p.tierFor(spend, n)
	}
	if err := t.add(rec); err != nil {
		return a, Result{}, opCause(op, ErrInvalidInput, err)
	}
	after, _ = t.acc.order(r.Order)
	if err := p.reverseEarned(t, &after); err != nil {
		return a, Result{}, err
	}
	if err := p.undoPromotion(t, &after, now); err != nil {
		return a, Result{}, err
	}
	if _, err := p.returnPaidPoints(t, &after); err != nil {
		return a, Result{}, err
	}
	acc, res := t.finish()
	return acc, res, nil
}

// reverseEarned takes back the returned share of the points earned on
// order o (as it is after the refund's record), less what earlier
// refunds took back.
func (p *Program) reverseEarned(t *txn, o *order) error {
	target := o.earned
	if !o.fullyReturned() {
		num, den := o.returnedShare()
		target, _ = p.units(p.share(p.dec(o.earned), num, den, false)) // at most o.earned
	}
	if claw := target - o.reversed; claw > 0 {
		return p.claw(t, t.acc.orderLots(o.id), claw, o.id, "")
	}
	return nil
}

// returnPaidPoints gives back the returned share of the points that paid
// for order o, less what earlier refunds gave back (and never more than
// is left to give back of them: a cancelled redemption gave them all).
func (p *Program) returnPaidPoints(t *txn, o *order) (units, error) {
	if o.paidWith() == 0 {
		return 0, nil
	}
	target := o.paidPoints()
	if !o.fullyReturned() {
		num, den := o.returnedShare()
		target, _ = p.units(p.share(p.dec(o.paidPoints()), num, den, false))
	}
	pay := t.acc.opList.At(o.paidWith() - 1)
	back := min(target-o.pointsBack, pay.taken.left())
	if back <= 0 {
		return 0, nil
	}
	return back, p.giveBack(t, pay.id, pay.taken, back, o.id)
}

// undoPromotion demotes a customer whom order o promoted, once they no
// longer qualify for the tier without it.
func (p *Program) undoPromotion(t *txn, o *order, now time.Time) error {
	if o.promotedTo == "" || o.promotedTo != t.acc.tier {
		return nil
	}
	q := p.qualifying(&t.acc, now)
	if p.tierRank(q) >= p.tierRank(t.acc.tier) {
		return nil
	}
	down := q
	if p.tierRank(o.tierBefore) > p.tierRank(q) {
		down = o.tierBefore
	}
	if down == "" {
		return nil
	}
	return t.add(Entry{Kind: TierChange, Tier: down, Order: o.id})
}

// claw takes amount points back for an order (or, with ref, the event ref
// names): its own lots, then others (soonest to expire first), then debt or
// a write-off.
func (p *Program) claw(t *txn, own []*lot, amount units, orderID, ref string) error {
	lots := func(yield func(*lot) bool) {
		for _, l := range own {
			if !yield(l) {
				return
			}
		}
		for l := range t.acc.openLots() {
			if !slices.Contains(own, l) && !yield(l) {
				return
			}
		}
	}
	left, err := t.take(lots, amount, Reverse, orderID, ref)
	if err != nil {
		return err
	}
	if left <= 0 {
		return nil
	}
	if p.cfg.RefundOfSpent == WriteOff {
		return t.add(Entry{Kind: WriteOffEntry, Money: p.dec(left), Order: orderID, Ref: ref})
	}
	return t.add(Entry{Kind: Debt, Points: p.dec(-left), Order: orderID, Ref: ref})
}
