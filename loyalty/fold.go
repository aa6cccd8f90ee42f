package loyalty

import (
	"fmt"

	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/internal/persist"
)

// Replay rebuilds an account from its entries, in order: the account the
// operations returned. It fails on entries that do not fit (a lot or order
// that does not exist), which means the log was not written by these
// operations or is out of order.
func (p *Program) Replay(entries []Entry) (Account, error) {
	var a Account
	o := new(persist.Owner)
	for i := range entries {
		if err := p.apply(&a, &entries[i], o); err != nil {
			return Account{}, fmt.Errorf("loyalty: replay entry %d (%s): %w", i, entries[i].ID, err)
		}
	}
	return a, nil
}

// apply folds one entry into the account. Operations and Replay both go
// through it, so an account and the replay of its entries agree by
// construction.
//
// The entries of one operation must be consecutive; o owns the blocks the
// batch may change in place.
func (p *Program) apply(a *Account, e *Entry, o *persist.Owner) error {
	pts, err := p.units(e.Points)
	if err != nil {
		return err
	}
	if a.opList.Len() == 0 || e.Op != a.lastOp {
		if !a.ops.Insert(e.Op, a.opList.Len(), o) {
			return fmt.Errorf("entries of operation %s are not consecutive", e.Op)
		}
		a.opList.Push(opRecord{first: a.log.Len()}, o)
		a.lastOp = e.Op
	}
	rec := a.opList.Mut(a.opList.Len()-1, o)
	rec.n++
	if e.Kind == Record {
		rec.fingerprint = e.Fingerprint
	}
	stored := e.detached() // the account's own copy: the caller keeps e
	a.log.Push(stored, o)
	a.places = p.cfg.PointsPlaces
	switch e.Kind {
	case Record:
		switch e.OpKind {
		case OpPurchase:
			if !isPurchaseOp(e.Op, e.Order) || rec.order != 0 {
				return fmt.Errorf("the purchase of order %q is recorded as operation %q", e.Order, e.Op)
			}
			if !a.last.IsZero() && e.At.Before(a.last) {
				a.unsorted = true
			}
			var cum decsum.Sum
			if n := a.orders.Len(); n > 0 {
				cum = a.orders.Ptr(n - 1).cum
			}
			cum.Add(e.Money)
			rec.order = a.orders.Len() + 1
			a.orders.Push(order{id: e.Order, at: e.At, total: e.Money, cum: cum, tierBefore: a.tier, lines: stored.Lines}, o)
			a.spend.Add(e.Money)
			a.orderN++
			if a.first.IsZero() {
				a.first = e.At
			}
			if e.At.After(a.last) {
				a.last = e.At
			}
			if q := p.qualifying(a, e.At); a.tier != "" && p.tierRank(q) >= p.tierRank(a.tier) {
				a.tierSince = e.At
			}
		case OpRefund:
			od := a.opOrder(rec, e.Order, o)
			if od == nil {
				return fmt.Errorf("%w %q", ErrUnknownOrder, e.Order)
			}
			if err := od.returnLines(e.Lines, e.Money); err != nil {
				return err
			}
			if od.refunded.IsZero() {
				i, _ := a.orderIndex(e.Order)
				a.refundedOrders.Push(i, o)
			}
			od.refunded = od.refunded.Add(e.Money)
			a.refundN++
			a.spend.Sub(e.Money)
		}
	case Earn:
		if pts <= 0 {
			return fmt.Errorf("earns %s points", e.Points)
		}
		earned, ok := addUnits(a.totals.earned, pts)
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
			earnedAt: e.At, availableAt: e.AvailableAt, expiresAt: e.ExpiresAt}, o)
		a.totals.earned = earned
		if od := a.opOrder(rec, e.Order, o); od != nil {
			od.earned += pts
		}
	case Repay, Redeem, Expire, Reverse:
		l := a.lot(e.Lot, o)
		switch {
		case l == nil:
			return fmt.Errorf("no lot %q", e.Lot)
		case pts >= 0 || -pts > l.remaining:
			return fmt.Errorf("takes %s points from lot %q, which has %s", e.Points, e.Lot, toDecimal(l.remaining, a.places))
		}
		l.remaining += pts
		for a.firstOpen < a.lots.Len() && a.lots.Ptr(a.firstOpen).remaining <= 0 {
			a.firstOpen++
		}
		switch e.Kind {
		case Repay:
			a.totals.repaid -= pts
		case Redeem:
			a.totals.redeemed -= pts
		case Expire:
			a.totals.expired -= pts
		case Reverse:
			a.totals.reversed -= pts
			if od := a.opOrder(rec, e.Order, o); od != nil {
				od.reversed -= pts
			}
		}
	case Restore:
		i, ok := a.lotIndex(e.Lot)
		if !ok {
			return fmt.Errorf("no lot %q", e.Lot)
		}
		l := a.lots.Mut(i, o)
		if pts <= 0 || pts > l.earned-l.remaining || pts > a.totals.redeemed {
			return fmt.Errorf("restores %s points to lot %q, which has %s of %s and %s redeemed in all", e.Points, e.Lot,
				toDecimal(l.remaining, a.places), toDecimal(l.earned, a.places), toDecimal(a.totals.redeemed, a.places))
		}
		l.remaining += pts
		a.totals.redeemed -= pts
		a.firstOpen = min(a.firstOpen, i)
	case Settle:
		if pts <= 0 || pts > a.debt {
			return fmt.Errorf("settles %s of a %s debt", e.Points, toDecimal(a.debt, a.places))
		}
		a.debt -= pts
	case Debt:
		if pts >= 0 {
			return fmt.Errorf("debt of %s points", e.Points)
		}
		a.debt -= pts
		a.totals.debt -= pts
		if od := a.opOrder(rec, e.Order, o); od != nil {
			od.reversed -= pts
		}
	case WriteOffEntry:
		off, err := p.units(e.Money)
		if err != nil || off <= 0 {
			return fmt.Errorf("writes off %s points", e.Money)
		}
		a.totals.writtenOff += off
		if od := a.opOrder(rec, e.Order, o); od != nil {
			od.reversed += off
		}
	case TierChange:
		if p.tierRank(e.Tier) < 0 {
			return fmt.Errorf("%w %q", ErrUnknownTier, e.Tier)
		}
		if od := a.opOrder(rec, e.Order, o); od != nil && p.tierRank(e.Tier) > p.tierRank(a.tier) {
			od.promotedTo = e.Tier
		}
		a.tier, a.tierSince = e.Tier, e.At
	default:
		return fmt.Errorf("unknown entry kind %v", e.Kind)
	}
	return nil
}
