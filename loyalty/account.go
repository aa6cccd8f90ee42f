package loyalty

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/shopspring/decimal"
)

// Account is one customer's loyalty state: a plain value the host stores
// and passes to each operation, which returns a new one (the one passed
// in is never changed). It is the fold of the customer's ledger entries.
// Its collections are persistent: an operation copies only the few blocks
// it changes, so an account with a long history stays cheap to update.
type Account struct {
	lots   persist.Vector[lot]
	orders persist.Vector[order]
	// ops indexes opList by operation id; lastOp is the operation of the
	// last entry (an operation's entries are consecutive).
	ops    persist.Map[int]
	opList persist.Vector[opRecord]
	lastOp string
	log    persist.Vector[Entry]
	// refundedOrders are the indexes of orders with refunds (few), for
	// the tier window.
	refundedOrders persist.Vector[int]
	// firstOpen: every lot before it is used up. Unless lotsUnsorted, the
	// lots are in earning order with non-decreasing AvailableAt and in
	// redemption order up to ties (inLotOrder), so Balance only looks at
	// the lots at both ends and redemptions at the first few.
	firstOpen    int
	lotsUnsorted bool
	unsorted     bool // an order came with an earlier time than the one before
	tier         string
	// tierSince is the last time the customer qualified for their tier
	// (a promotion, or a purchase with which they still qualified).
	tierSince time.Time
	debt      units
	spend     decsum.Sum // lifetime, net of refunds
	orderN    int
	first     time.Time
	last      time.Time
	totals    totals
	places    int32 // the programme's points places, to report units as decimals
	refundN   int   // refund records, for the window memo
	win       windowMemo
}

// Lot is one earning: points from one rule on one operation, spent,
// expired or reversed as its Remaining goes down.
type Lot struct {
	ID          string
	Order       string
	RuleID      string
	Earned      decimal.Decimal
	Remaining   decimal.Decimal
	EarnedAt    time.Time
	AvailableAt time.Time
	ExpiresAt   time.Time // zero: never
}

// lot is a Lot as the account keeps it, points in units.
type lot struct {
	id, order, rule                  string
	earned, remaining                units
	earnedAt, availableAt, expiresAt time.Time
}

type opRecord struct {
	fingerprint string
	first, n    int // the operation's entries in the log
	lot0, lots  int // the lots it earned
	order       int // 1 + the index of the order it recorded; 0: none
}

// Totals are the account's running sums, for reports and for checking
// that nothing is created or lost:
// Earned = Available + Pending + Redeemed + Expired + Reversed + Repaid
// (+ points past expiry not yet expired).
type Totals struct {
	Earned, Redeemed, Expired, Reversed, Repaid, Debt, WrittenOff decimal.Decimal
}

// totals are Totals in units.
type totals struct {
	earned, redeemed, expired, reversed, repaid, debt, writtenOff units
}

// Balance is what a customer has at an instant.
type Balance struct {
	// Available can be redeemed now; Pending becomes available later;
	// Expiring is past its expiry date but not yet expired by [Program.Expire].
	Available, Pending, Expiring decimal.Decimal
	// Debt is what refunds of spent points left owing (RecordDebt policy).
	Debt decimal.Decimal
}

// Balance returns the balance at now.
func (a Account) Balance(now time.Time) Balance {
	b := a.balance(now)
	return Balance{Available: toDecimal(b.available, a.places), Pending: toDecimal(b.pending, a.places),
		Expiring: toDecimal(b.expiring, a.places), Debt: toDecimal(a.debt, a.places)}
}

// unitBalance is a Balance in units.
type unitBalance struct{ available, pending, expiring units }

func (a *Account) balance(now time.Time) unitBalance {
	t := a.totals
	total := t.earned - t.redeemed - t.expired - t.reversed - t.repaid
	var b unitBalance
	if a.lotsUnsorted {
		for _, l := range a.lots.All {
			switch {
			case l.remaining <= 0:
			case !l.expiresAt.IsZero() && !now.Before(l.expiresAt):
				b.expiring += l.remaining
			case now.Before(l.availableAt):
				b.pending += l.remaining
			}
		}
	} else {
		// Expiring lots are the oldest open ones, pending lots the newest.
		stop := a.lots.Len()
		for i := a.firstOpen; i < a.lots.Len(); i++ {
			l := a.lots.Ptr(i)
			if l.expiresAt.IsZero() || now.Before(l.expiresAt) {
				stop = i
				break
			}
			b.expiring += max(l.remaining, 0)
		}
		n := a.lots.Len()
		from := stop + sort.Search(n-stop, func(k int) bool { return now.Before(a.lots.Ptr(stop + k).availableAt) })
		a.lots.Chunks(from, n, func(ls []lot) {
			for i := range ls {
				b.pending += max(ls[i].remaining, 0)
			}
		})
	}
	b.available = total - b.pending - b.expiring
	return b
}

// Tier is the customer's current tier ("" before any tier applies).
func (a Account) Tier() string { return a.tier }

// Totals returns the running sums.
func (a Account) Totals() Totals {
	t, d := a.totals, func(u units) decimal.Decimal { return toDecimal(u, a.places) }
	return Totals{Earned: d(t.earned), Redeemed: d(t.redeemed), Expired: d(t.expired), Reversed: d(t.reversed),
		Repaid: d(t.repaid), Debt: d(t.debt), WrittenOff: d(t.writtenOff)}
}

// Lots returns a copy of the account's lots, oldest first.
func (a Account) Lots() []Lot {
	out := make([]Lot, 0, a.lots.Len())
	for _, l := range a.lots.All {
		out = append(out, Lot{ID: l.id, Order: l.order, RuleID: l.rule, Earned: toDecimal(l.earned, a.places),
			Remaining: toDecimal(l.remaining, a.places), EarnedAt: l.earnedAt, AvailableAt: l.availableAt, ExpiresAt: l.expiresAt})
	}
	return out
}

// Entries is the number of ledger entries the account is the fold of.
func (a Account) Entries() int { return a.log.Len() }

// opEntries returns a copy of an operation's entries.
func (a Account) opEntries(r opRecord) []Entry {
	out := make([]Entry, r.n)
	for i := range out {
		out[i] = a.log.At(r.first + i).detached()
	}
	return out
}

// Spend is the lifetime spend, net of refunds, and the number of orders.
func (a Account) Spend() (decimal.Decimal, int) { return a.spend.Value(), a.orderN }

// Equal reports whether two accounts hold the same state (go-cmp uses it).
func (a Account) Equal(b Account) bool { return a.String() == b.String() }

// String is a canonical dump of the state, stable for equal accounts.
func (a Account) String() string {
	s := fmt.Sprintf("tier=%q since=%s debt=%d spend=%s orders=%d first=%s last=%s entries=%d totals=%v places=%d\n",
		a.tier, a.tierSince.UTC().Format(time.RFC3339Nano), a.debt, a.spend.Value(), a.orderN,
		a.first.UTC().Format(time.RFC3339Nano), a.last.UTC().Format(time.RFC3339Nano), a.log.Len(), a.totals, a.places)
	for _, l := range a.lots.All {
		s += fmt.Sprintf("lot %s order=%s rule=%s earned=%d remaining=%d at=%s avail=%s exp=%s\n", l.id, l.order, l.rule,
			l.earned, l.remaining, l.earnedAt.UTC().Format(time.RFC3339Nano), l.availableAt.UTC().Format(time.RFC3339Nano),
			l.expiresAt.UTC().Format(time.RFC3339Nano))
	}
	for _, o := range a.orders.All {
		s += fmt.Sprintf("order %s at=%s total=%s refunded=%s earned=%d reversed=%d tier %q→%q lines=%v returned=%v\n", o.id,
			o.at.UTC().Format(time.RFC3339Nano), o.total, o.refunded, o.earned, o.reversed, o.tierBefore, o.promotedTo, o.lines, o.returned)
	}
	for i, e := range a.log.All {
		if r, ok := a.op(e.Op); ok && r.first == i {
			s += fmt.Sprintf("op %s %s %d..%d lots %d+%d order %d\n", e.Op, r.fingerprint, r.first, r.first+r.n, r.lot0, r.lots, r.order)
		}
	}
	return s
}

// op returns an operation's record.
func (a *Account) op(id string) (opRecord, bool) {
	if i, ok := a.ops.Get(id); ok {
		return a.opList.At(i), true
	}
	return opRecord{}, false
}

// lotIndex finds a lot: its id is the id of the entry that earned it,
// "<operation>/<n>", and the operation's record says where its lots are.
func (a *Account) lotIndex(id string) (int, bool) {
	k := strings.LastIndexByte(id, '/')
	if k < 0 {
		return 0, false
	}
	r, ok := a.op(id[:k])
	if !ok {
		return 0, false
	}
	for i := r.lot0; i < r.lot0+r.lots; i++ {
		if a.lots.Ptr(i).id == id {
			return i, true
		}
	}
	return 0, false
}

// lot returns a lot, writable under o.
func (a *Account) lot(id string, o *persist.Owner) *lot {
	if i, ok := a.lotIndex(id); ok {
		return a.lots.Mut(i, o)
	}
	return nil
}
