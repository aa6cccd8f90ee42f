package loyalty

import (
	"cmp"
	"iter"
	"slices"
	"time"
)

// redeemOrder is the order lots are consumed in by redemptions and
// refunds: soonest to expire first (never-expiring last), then oldest,
// then by id — the same on every replay.
func redeemOrder(a, b *lot) int {
	ea, eb := a.expiresAt, b.expiresAt
	switch {
	case ea.IsZero() && !eb.IsZero():
		return 1
	case !ea.IsZero() && eb.IsZero():
		return -1
	}
	return cmp.Or(ea.Compare(eb), a.earnedAt.Compare(b.earnedAt), cmp.Compare(a.id, b.id))
}

// inLotOrder reports whether lot b may follow lot a with the lots still
// in redeemOrder by index, up to ties on expiry and earning time, and in
// AvailableAt order (what Balance's edge scans need).
func inLotOrder(a, b *lot) bool {
	switch {
	case b.availableAt.Before(a.availableAt), a.expiresAt.IsZero() != b.expiresAt.IsZero(), b.expiresAt.Before(a.expiresAt):
		return false
	}
	return !b.expiresAt.Equal(a.expiresAt) || !b.earnedAt.Before(a.earnedAt)
}

// openLots yields the lots with points left in redeemOrder. While the lots
// are in that order by index (the usual case) it walks them from the first
// open one and sorts only runs that tie on expiry and earning time (one
// operation's lots), so that taking a few lots looks at a few.
func (a *Account) openLots() iter.Seq[*lot] {
	return func(yield func(*lot) bool) {
		n := a.lots.Len()
		if a.lotsUnsorted {
			var ls []*lot
			for i := a.firstOpen; i < n; i++ {
				if l := a.lots.Ptr(i); l.remaining > 0 {
					ls = append(ls, l)
				}
			}
			slices.SortStableFunc(ls, redeemOrder)
			for _, l := range ls {
				if !yield(l) {
					return
				}
			}
			return
		}
		var run []*lot
		for i := a.firstOpen; i < n; {
			first, j := a.lots.Ptr(i), i+1
			for j < n && a.lots.Ptr(j).expiresAt.Equal(first.expiresAt) && a.lots.Ptr(j).earnedAt.Equal(first.earnedAt) {
				j++
			}
			run = run[:0]
			for k := i; k < j; k++ {
				if l := a.lots.Ptr(k); l.remaining > 0 {
					run = append(run, l)
				}
			}
			slices.SortFunc(run, func(x, y *lot) int { return cmp.Compare(x.id, y.id) })
			for _, l := range run {
				if !yield(l) {
					return
				}
			}
			i = j
		}
	}
}

// orderLots yields the open lots earned on order id's purchase, in
// redeemOrder.
func (a *Account) orderLots(id string) []*lot { return a.opLots(purchaseOp(id)) }

// opLots are the lots operation op earned that have points left, in the
// order redemptions take them.
func (a *Account) opLots(op string) []*lot {
	r, ok := a.op(op)
	if !ok {
		return nil
	}
	var ls []*lot
	for i := r.lot0; i < r.lot0+r.lots; i++ {
		if l := a.lots.Ptr(i); l.remaining > 0 {
			ls = append(ls, l)
		}
	}
	slices.SortFunc(ls, redeemOrder)
	return ls
}

// expiringBy yields the lots with points left whose expiry is at or
// before t, in earning order. While the lots are in time order these are
// a prefix of the open lots, and the walk stops at the first lot that
// expires later; otherwise it looks at every open lot.
func (a *Account) expiringBy(t time.Time) iter.Seq[*lot] {
	return func(yield func(*lot) bool) {
		for i := a.firstOpen; i < a.lots.Len(); i++ {
			l := a.lots.Ptr(i)
			if l.expiresAt.IsZero() || l.expiresAt.After(t) {
				if a.lotsUnsorted {
					continue
				}
				return // in time order, no later lot expires sooner
			}
			if l.remaining > 0 && !yield(l) {
				return
			}
		}
	}
}
