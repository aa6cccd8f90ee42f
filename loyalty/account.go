package loyalty

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Account is one customer's loyalty state: a plain value the host stores
// and passes to each operation, which returns a new one (the one passed
// in is never changed). It is the fold of the customer's ledger entries.
type Account struct {
	lots     []Lot
	orders   []order
	orderIdx map[string]int
	ops      map[string]opRecord
	tier     string
	// tierSince is the last time the customer qualified for their tier
	// (a promotion, or a purchase with which they still qualified).
	tierSince time.Time
	debt      decimal.Decimal
	spend     decimal.Decimal // lifetime, net of refunds
	orderN    int
	first     time.Time
	last      time.Time
	totals    Totals
	entries   int
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

type order struct {
	id         string
	at         time.Time
	total      decimal.Decimal
	refunded   decimal.Decimal
	earned     decimal.Decimal // points earned on it
	reversed   decimal.Decimal // points taken back for it: reversed, debt and written off
	tierBefore string
	promotedTo string
}

type opRecord struct {
	fingerprint string
	entries     []Entry
}

// Totals are the account's running sums, for reports and for checking
// that nothing is created or lost:
// Earned = Available + Pending + Redeemed + Expired + Reversed + Repaid
// (+ points past expiry not yet expired).
type Totals struct {
	Earned, Redeemed, Expired, Reversed, Repaid, Debt, WrittenOff decimal.Decimal
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
	var b Balance
	for _, l := range a.lots {
		switch {
		case !l.Remaining.IsPositive():
		case !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt):
			b.Expiring = b.Expiring.Add(l.Remaining)
		case now.Before(l.AvailableAt):
			b.Pending = b.Pending.Add(l.Remaining)
		default:
			b.Available = b.Available.Add(l.Remaining)
		}
	}
	b.Debt = a.debt
	return b
}

// Tier is the customer's current tier ("" before any tier applies).
func (a Account) Tier() string { return a.tier }

// Totals returns the running sums.
func (a Account) Totals() Totals { return a.totals }

// Lots returns a copy of the account's lots, oldest first.
func (a Account) Lots() []Lot { return slices.Clone(a.lots) }

// Entries is the number of ledger entries the account is the fold of.
func (a Account) Entries() int { return a.entries }

// Spend is the lifetime spend, net of refunds, and the number of orders.
func (a Account) Spend() (decimal.Decimal, int) { return a.spend, a.orderN }

// Equal reports whether two accounts hold the same state (go-cmp uses it).
func (a Account) Equal(b Account) bool { return a.String() == b.String() }

// String is a canonical dump of the state, stable for equal accounts.
func (a Account) String() string {
	s := fmt.Sprintf("tier=%q since=%s debt=%s spend=%s orders=%d first=%s last=%s entries=%d totals=%v\n",
		a.tier, a.tierSince.UTC().Format(time.RFC3339Nano), a.debt, a.spend, a.orderN,
		a.first.UTC().Format(time.RFC3339Nano), a.last.UTC().Format(time.RFC3339Nano), a.entries, a.totals)
	for _, l := range a.lots {
		s += fmt.Sprintf("lot %s order=%s rule=%s earned=%s remaining=%s at=%s avail=%s exp=%s\n", l.ID, l.Order, l.RuleID,
			l.Earned, l.Remaining, l.EarnedAt.UTC().Format(time.RFC3339Nano), l.AvailableAt.UTC().Format(time.RFC3339Nano),
			l.ExpiresAt.UTC().Format(time.RFC3339Nano))
	}
	for _, o := range a.orders {
		s += fmt.Sprintf("order %s at=%s total=%s refunded=%s earned=%s reversed=%s tier %q→%q\n", o.id,
			o.at.UTC().Format(time.RFC3339Nano), o.total, o.refunded, o.earned, o.reversed, o.tierBefore, o.promotedTo)
	}
	for _, id := range slices.Sorted(maps.Keys(a.ops)) {
		s += fmt.Sprintf("op %s %s %d\n", id, a.ops[id].fingerprint, len(a.ops[id].entries))
	}
	return s
}

// clone copies the account so that applying entries to the copy leaves
// the original as it was.
func (a Account) clone() Account {
	c := a
	c.lots = slices.Clone(a.lots)
	c.orders = slices.Clone(a.orders)
	c.orderIdx = maps.Clone(a.orderIdx)
	c.ops = maps.Clone(a.ops)
	if c.orderIdx == nil {
		c.orderIdx = map[string]int{}
	}
	if c.ops == nil {
		c.ops = map[string]opRecord{}
	}
	return c
}

func (a *Account) lot(id string) *Lot {
	for i := len(a.lots) - 1; i >= 0; i-- {
		if a.lots[i].ID == id {
			return &a.lots[i]
		}
	}
	return nil
}

func (a *Account) order(id string) *order {
	if i, ok := a.orderIdx[id]; ok {
		return &a.orders[i]
	}
	return nil
}

// Replay rebuilds an account from its entries, in order: the account the
// operations returned. It fails on entries that do not fit (a lot or order
// that does not exist), which means the log was not written by these
// operations or is out of order.
func (p *Program) Replay(entries []Entry) (Account, error) {
	a := Account{}.clone()
	for i, e := range entries {
		if err := p.apply(&a, e); err != nil {
			return Account{}, fmt.Errorf("loyalty: replay entry %d (%s): %w", i, e.ID, err)
		}
	}
	return a, nil
}

// apply folds one entry into the account. Operations and Replay both go
// through it, so an account and the replay of its entries agree by
// construction.
func (p *Program) apply(a *Account, e Entry) error {
	a.entries++
	rec := a.ops[e.Op]
	rec.entries = append(slices.Clip(rec.entries), e)
	if e.Kind == Record {
		rec.fingerprint = e.Fingerprint
	}
	a.ops[e.Op] = rec
	neg := e.Points.Neg()
	switch e.Kind {
	case Record:
		switch e.OpKind {
		case OpPurchase:
			a.orderIdx[e.Order] = len(a.orders)
			a.orders = append(a.orders, order{id: e.Order, at: e.At, total: e.Money, tierBefore: a.tier})
			a.spend = a.spend.Add(e.Money)
			a.orderN++
			if a.first.IsZero() {
				a.first = e.At
			}
			a.last = e.At
			if q := p.qualifying(a, e.At); a.tier != "" && p.tierRank(q) >= p.tierRank(a.tier) {
				a.tierSince = e.At
			}
		case OpRefund:
			o := a.order(e.Order)
			if o == nil {
				return fmt.Errorf("%w %q", ErrUnknownOrder, e.Order)
			}
			o.refunded = o.refunded.Add(e.Money)
			a.spend = a.spend.Sub(e.Money)
		}
	case Earn:
		a.lots = append(a.lots, Lot{ID: e.ID, Order: e.Order, RuleID: e.RuleID, Earned: e.Points, Remaining: e.Points,
			EarnedAt: e.At, AvailableAt: e.AvailableAt, ExpiresAt: e.ExpiresAt})
		a.totals.Earned = a.totals.Earned.Add(e.Points)
		if o := a.order(e.Order); o != nil {
			o.earned = o.earned.Add(e.Points)
		}
	case Repay, Redeem, Expire, Reverse:
		l := a.lot(e.Lot)
		if l == nil {
			return fmt.Errorf("no lot %q", e.Lot)
		}
		l.Remaining = l.Remaining.Add(e.Points)
		switch e.Kind {
		case Repay:
			a.totals.Repaid = a.totals.Repaid.Add(neg)
		case Redeem:
			a.totals.Redeemed = a.totals.Redeemed.Add(neg)
		case Expire:
			a.totals.Expired = a.totals.Expired.Add(neg)
		case Reverse:
			a.totals.Reversed = a.totals.Reversed.Add(neg)
			if o := a.order(e.Order); o != nil {
				o.reversed = o.reversed.Add(neg)
			}
		}
	case Settle:
		if e.Points.GreaterThan(a.debt) {
			return fmt.Errorf("settles %s of a %s debt", e.Points, a.debt)
		}
		a.debt = a.debt.Sub(e.Points)
	case Debt:
		a.debt = a.debt.Add(neg)
		a.totals.Debt = a.totals.Debt.Add(neg)
		if o := a.order(e.Order); o != nil {
			o.reversed = o.reversed.Add(neg)
		}
	case WriteOffEntry:
		a.totals.WrittenOff = a.totals.WrittenOff.Add(e.Money)
		if o := a.order(e.Order); o != nil {
			o.reversed = o.reversed.Add(e.Money)
		}
	case TierChange:
		if p.tierRank(e.Tier) < 0 {
			return fmt.Errorf("%w %q", ErrUnknownTier, e.Tier)
		}
		if o := a.order(e.Order); o != nil && p.tierRank(e.Tier) > p.tierRank(a.tier) {
			o.promotedTo = e.Tier
		}
		a.tier, a.tierSince = e.Tier, e.At
	default:
		return fmt.Errorf("unknown entry kind %v", e.Kind)
	}
	return nil
}

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
// ending at now, net of refunds.
func (p *Program) window(a *Account, now time.Time) (decimal.Decimal, int) {
	from := addMonths(now, -p.cfg.TierWindowMonths, p.loc)
	spend, n := decimal.Zero, 0
	for _, o := range a.orders {
		if o.at.After(from) && !o.at.After(now) {
			spend = spend.Add(o.total.Sub(o.refunded))
			if o.refunded.LessThan(o.total) {
				n++
			}
		}
	}
	return spend, n
}

// qualifying is the highest tier the window qualifies for ("" without tiers).
func (p *Program) qualifying(a *Account, now time.Time) string {
	if len(p.cfg.Tiers) == 0 {
		return ""
	}
	spend, n := p.window(a, now)
	best := p.cfg.Tiers[0].Name
	for _, t := range p.cfg.Tiers[1:] {
		if (t.MinSpend.IsPositive() && !spend.LessThan(t.MinSpend)) || (t.MinOrders > 0 && n >= t.MinOrders) {
			best = t.Name
		}
	}
	return best
}

// redeemOrder is the order lots are consumed in by redemptions and
// refunds: soonest to expire first (never-expiring last), then oldest,
// then by id — the same on every replay.
func redeemOrder(a, b *Lot) int {
	ea, eb := a.ExpiresAt, b.ExpiresAt
	switch {
	case ea.IsZero() && !eb.IsZero():
		return 1
	case !ea.IsZero() && eb.IsZero():
		return -1
	}
	return cmp.Or(ea.Compare(eb), a.EarnedAt.Compare(b.EarnedAt), cmp.Compare(a.ID, b.ID))
}

// OrderSummary is what the ledger knows of one order.
type OrderSummary struct {
	ID              string
	At              time.Time
	Total, Refunded decimal.Decimal
	// Earned is the points earned on it; Reversed the points taken back
	// for its refunds (reversed, debt and written off).
	Earned, Reversed decimal.Decimal
}

// Orders lists the account's orders, oldest first.
func (a Account) Orders() []OrderSummary {
	out := make([]OrderSummary, len(a.orders))
	for i, o := range a.orders {
		out[i] = OrderSummary{ID: o.id, At: o.at, Total: o.total, Refunded: o.refunded, Earned: o.earned, Reversed: o.reversed}
	}
	return out
}
