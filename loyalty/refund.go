package loyalty

import (
	"errors"
	"time"
)

// Refund takes back the points earned on the refunded share of an order.
// The clawback is computed on the cumulative refunded share (so partial
// refunds never drift, and refunding the whole order takes back exactly
// what was earned), from that order's lots first, then from other lots;
// what the customer has already spent becomes debt or is written off, by
// the programme's policy. A promotion the order caused is undone when the
// customer no longer qualifies without it.
func (p *Program) Refund(a Account, c Customer, r Refund, now time.Time) (Account, Result, error) {
	op := "refund:" + r.ID
	switch {
	case r.ID == "" || r.Order == "":
		return a, Result{}, opErr(op, ErrInvalidInput, "refund id and order are required")
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
	fp := r.fingerprint()
	t, dup, err := p.begin(a, op, OpRefund, fp, now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	o, ok := a.order(r.Order)
	if !ok {
		return a, Result{}, opErr(op, ErrUnknownOrder, "order %q was never purchased on this account", r.Order)
	}
	amount, lines := r.Amount, []Line(nil)
	if len(r.Lines) > 0 {
		if lines, _, err = o.refundLines(r.Lines); err != nil {
			return a, Result{}, opErr(op, errors.Unwrap(err), "%v", err)
		}
		amount = linesValue(lines)
	}
	if left := o.total.Sub(o.refunded); amount.GreaterThan(left) {
		return a, Result{}, opErr(op, ErrRefundTooLarge, "%s asked, %s of order %s left to refund", amount, left, r.Order)
	}
	refunded := o.refunded.Add(amount)
	target := o.earned
	if refunded.LessThan(o.total) {
		share := p.dec(o.earned).Mul(refunded).DivRound(o.total, 30).RoundDown(p.cfg.PointsPlaces)
		target, _ = p.units(share) // at most o.earned
	}
	claw := target - o.reversed
	promotedTo, tierBefore := o.promotedTo, o.tierBefore
	if err := t.add(Entry{Kind: Record, Order: r.Order, Money: amount, Lines: lines, Fingerprint: fp}); err != nil {
		return a, Result{}, err
	}
	if claw > 0 {
		if err := p.claw(t, claw, r.Order); err != nil {
			return a, Result{}, err
		}
	}
	if promotedTo != "" && promotedTo == t.acc.tier {
		q := p.qualifying(&t.acc, now)
		if p.tierRank(q) < p.tierRank(t.acc.tier) {
			down := q
			if p.tierRank(tierBefore) > p.tierRank(q) {
				down = tierBefore
			}
			if down != "" {
				if err := t.add(Entry{Kind: TierChange, Tier: down, Order: r.Order}); err != nil {
					return a, Result{}, err
				}
			}
		}
	}
	return t.acc, t.result(), nil
}

// claw takes amount points back for an order: its own lots, then others
// (soonest to expire first), then debt or a write-off.
func (p *Program) claw(t *txn, amount units, orderID string) error {
	own := t.acc.orderLots(orderID)
	lots := func(yield func(*lot) bool) {
		for _, l := range own {
			if !yield(l) {
				return
			}
		}
		for l := range t.acc.openLots() {
			if l.order != orderID && !yield(l) {
				return
			}
		}
	}
	left, err := t.take(lots, amount, Reverse, orderID)
	if err != nil {
		return err
	}
	if left <= 0 {
		return nil
	}
	if p.cfg.RefundOfSpent == WriteOff {
		return t.add(Entry{Kind: WriteOffEntry, Money: p.dec(left), Order: orderID})
	}
	return t.add(Entry{Kind: Debt, Points: p.dec(-left), Order: orderID})
}
