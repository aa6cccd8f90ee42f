package loyalty

import (
	"iter"
	"time"

	"github.com/loyalkit/loyalkit/internal/decbound"
	"github.com/shopspring/decimal"
)

// Redeem spends available points (never pending ones, nor ones past their
// expiry, nor ones an open hold reserves), soonest to expire first.
// Result.Discount is the money they pay; the redemption's id is what an
// [Order].Redemption names.
func (p *Program) Redeem(a Account, c Customer, r Redemption, now time.Time) (Account, Result, error) {
	op := "redeem:" + r.ID
	if err := p.usable(op); err != nil {
		return a, Result{}, err
	}
	if err := p.checkRedemption(op, r); err != nil {
		return a, Result{}, err
	}
	t, dup, err := p.begin(a, c.ID, op, OpRedeem, r.fingerprint(), now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	money, err := p.redeemable(t, r, 0)
	if err != nil {
		return a, Result{}, err
	}
	if err := t.add(Entry{Kind: Record, Money: money, Fingerprint: t.fp}); err != nil {
		return a, Result{}, err
	}
	want, _ := p.units(r.Points) // checked by checkRedemption
	if err := t.spend(want); err != nil {
		return a, Result{}, err
	}
	acc, res := t.finish()
	return acc, res, nil
}

// spend takes pts points from the lots a redemption may use, or fails
// with ErrInsufficientPoints if they hold fewer (never a partial spend).
func (t *txn) spend(pts units) error {
	left, err := t.take(t.p.spendable(&t.acc, t.at), pts, Redeem, "", "")
	if err == nil && left > 0 {
		err = opErr(t.op, ErrInsufficientPoints, "%s points short in the lots", t.p.dec(left))
	}
	return err
}

// checkRedemption checks the input of a redemption or hold.
func (p *Program) checkRedemption(op string, r Redemption) error {
	switch {
	case r.ID == "":
		return opErr(op, ErrInvalidInput, "id is required")
	case !decbound.OK(r.Points):
		return opCause(op, ErrInvalidInput, decbound.Err("points", r.Points))
	case !decbound.OK(r.OrderTotal):
		return opCause(op, ErrInvalidInput, decbound.Err("order total", r.OrderTotal))
	case !r.Points.IsPositive():
		return opErr(op, ErrInvalidInput, "points %s must be positive", r.Points)
	case !r.Points.Equal(r.Points.RoundDown(p.cfg.PointsPlaces)):
		return opErr(op, ErrInvalidInput, "points %s have more than %d decimal places", r.Points, p.cfg.PointsPlaces)
	case r.Points.GreaterThan(p.dec(maxUnits)):
		return opErr(op, ErrInvalidInput, "points %s are more than the ledger holds", r.Points)
	case r.OrderTotal.IsNegative():
		return opErr(op, ErrInvalidInput, "order total %s is negative", r.OrderTotal)
	}
	return p.checkCurrency(op, r.Currency)
}

// redeemable checks the redemption policy for spending r.Points at the
// transaction's time, with own points of the balance reserved by the
// operation itself (a capture's hold), and returns the money they pay.
func (p *Program) redeemable(t *txn, r Redemption, own units) (decimal.Decimal, error) {
	pol, a := p.cfg.Redemption, &t.acc
	want, _ := p.units(r.Points)
	b := a.balance(t.at)
	net := b.available + own - a.debt
	netPoints := p.dec(net)
	money := r.Points.Mul(pol.PointValue)
	switch {
	case !pol.PointValue.IsPositive():
		return money, opErr(t.op, ErrPolicy, "the programme has no point value: redemption is off")
	case want > net:
		return money, opErr(t.op, ErrInsufficientPoints, "%s asked, %s available (%s pending, %s held)", r.Points, netPoints,
			p.dec(b.pending), p.dec(b.held))
	case netPoints.LessThan(pol.MinBalance):
		return money, opErr(t.op, ErrPolicy, "available balance %s is below the minimum %s", netPoints, pol.MinBalance)
	case r.OrderTotal.IsPositive() && pol.MaxShare.IsPositive() && money.GreaterThan(r.OrderTotal.Mul(pol.MaxShare)):
		return money, opErr(t.op, ErrPolicy, "paying %s with points is more than the maximum share %s of the order %s", money, pol.MaxShare, r.OrderTotal)
	}
	return money, nil
}

// spendable yields the lots a redemption may take from at now: open,
// available and not past expiry, soonest to expire first.
func (p *Program) spendable(a *Account, now time.Time) iter.Seq[*lot] {
	return func(yield func(*lot) bool) {
		for l := range a.openLots() {
			if !now.Before(l.availableAt) && (l.expiresAt.IsZero() || now.Before(l.expiresAt)) && !yield(l) {
				return
			}
		}
	}
}

// CancelRedemption undoes redemption (or captured hold) id, when the
// order it paid for was cancelled: the points not yet given back go back
// into the lots they came from, with those lots' expiry (points whose lot
// has expired since are past expiry again, and the next Expire run takes
// them), and any debt is paid from them first. Result.Points is the
// points restored; Result.Discount the money they had paid, now owed
// again. The operation id is "unredeem:<id>": cancelling twice returns the
// first result.
func (p *Program) CancelRedemption(a Account, c Customer, id string, now time.Time) (Account, Result, error) {
	op := "unredeem:" + id
	if err := p.usable(op); err != nil {
		return a, Result{}, err
	}
	if id == "" {
		return a, Result{}, opErr(op, ErrInvalidInput, "redemption id is required")
	}
	t, dup, err := p.begin(a, c.ID, op, OpCancelRedemption, "", now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	ref := "redeem:" + id
	rec, ok := a.op(ref)
	if !ok {
		ref = "capture:" + id
		if rec, ok = a.op(ref); !ok {
			return a, Result{}, opErr(op, ErrUnknownRedemption, "no redemption or captured hold %q on this account", id)
		}
	}
	left, all := rec.taken.left(), rec.taken.sum()
	money := rec.discount
	if left != all && all > 0 {
		money, _ = rec.discount.Mul(decimal.NewFromInt(left)).QuoRem(decimal.NewFromInt(all), p.cfg.MoneyPlaces)
	}
	if err := t.add(Entry{Kind: Record, Money: money, Ref: ref}); err != nil {
		return a, Result{}, err
	}
	if err := p.giveBack(t, ref, rec.taken, left, ""); err != nil {
		return a, Result{}, err
	}
	acc, res := t.finish()
	return acc, res, nil
}

// giveBack restores pts of the points the operation ref took (ts), the
// last-taken lot first (the latest to expire: the customer gets the
// longest-lived points back), paying any debt from them first.
func (p *Program) giveBack(t *txn, ref string, ts takenList, pts units, orderID string) error {
	for i := len(ts) - 1; i >= 0 && pts > 0; i-- {
		x := min(pts, ts[i].pts-ts[i].back)
		if x <= 0 {
			continue
		}
		lot := t.acc.lots.Ptr(ts[i].lot).id
		if err := t.add(Entry{Kind: Restore, Points: p.dec(x), Lot: lot, Ref: ref, Order: orderID}); err != nil {
			return err
		}
		if err := p.repayDebt(t, lot, x, orderID); err != nil {
			return err
		}
		pts -= x
	}
	return nil
}
