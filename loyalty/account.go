package loyalty

import (
	"fmt"
	"slices"
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

type order struct {
	id         string
	at         time.Time
	total      decimal.Decimal
	cum        decsum.Sum // the totals of all orders up to this one
	refunded   decimal.Decimal
	earned     units // points earned on it
	reversed   units // points taken back for it: reversed, debt and written off
	tierBefore string
	promotedTo string
	lines      []Line // as bought; shared between versions, never changed
	returned   []int  // units of each line refunded (nil: none); copied to change
}

// refundLines prices a refund by lines: each asked unit is matched to the
// first of the order's lines with that SKU and units left to refund, at
// that line's price. It returns the priced lines and the units of each
// line returned after the refund, or an error (wrapping ErrInvalidInput
// or ErrRefundTooLarge) for a SKU the order lacks or more units than are
// left.
func (o *order) refundLines(ask []RefundLine) ([]Line, []int, error) {
	returned := slices.Clone(o.returned)
	if returned == nil {
		returned = make([]int, len(o.lines))
	}
	var out []Line
	for _, r := range ask {
		want, found := r.Qty, false
		for i, l := range o.lines {
			if l.SKU != r.SKU {
				continue
			}
			found = true
			if n := min(want, l.Qty-returned[i]); n > 0 {
				returned[i] += n
				want -= n
				out = append(out, Line{SKU: l.SKU, Category: l.Category, Qty: n, Price: l.Price})
			}
		}
		switch {
		case !found:
			return nil, nil, fmt.Errorf("%w: order %s has no line %q", ErrInvalidInput, o.id, r.SKU)
		case want > 0:
			return nil, nil, fmt.Errorf("%w: %d of %q asked, %d left to refund on order %s", ErrRefundTooLarge, r.Qty, r.SKU, r.Qty-want, o.id)
		}
	}
	return out, returned, nil
}

// linesValue is what lines cost: the sum of quantity × unit price.
func linesValue(lines []Line) decimal.Decimal {
	sum := decimal.Zero
	for _, l := range lines {
		sum = sum.Add(l.Price.Mul(decimal.NewFromInt(int64(l.Qty))))
	}
	return sum
}

// returnLines counts a refund record's lines as returned: they must be
// what refundLines makes of them.
func (o *order) returnLines(lines []Line, money decimal.Decimal) error {
	if len(lines) == 0 {
		return nil
	}
	ask := make([]RefundLine, len(lines))
	for i, l := range lines {
		ask[i] = RefundLine{SKU: l.SKU, Qty: l.Qty}
	}
	priced, returned, err := o.refundLines(ask)
	if err != nil {
		return err
	}
	if !slices.EqualFunc(priced, lines, func(a, b Line) bool { return a.SKU == b.SKU && a.Qty == b.Qty && a.Price.Equal(b.Price) }) {
		return fmt.Errorf("refund lines %v do not match order %s", lines, o.id)
	}
	if sum := linesValue(lines); !sum.Equal(money) {
		return fmt.Errorf("refund lines worth %s refund %s", sum, money)
	}
	o.returned = returned
	return nil
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

// purchaseOp is the operation id of the purchase of order id.
func purchaseOp(id string) string { return "order:" + id }

// isPurchaseOp reports whether op is purchaseOp(id), without building it.
func isPurchaseOp(op, id string) bool {
	return len(op) == len("order:")+len(id) && op[:len("order:")] == "order:" && op[len("order:"):] == id
}

// orderIndex finds an order through the record of its purchase.
func (a *Account) orderIndex(id string) (int, bool) {
	if r, ok := a.op(purchaseOp(id)); ok && r.order > 0 {
		return r.order - 1, true
	}
	return 0, false
}

func (a *Account) order(id string) (order, bool) {
	if i, ok := a.orderIndex(id); ok {
		return a.orders.At(i), true
	}
	return order{}, false
}

// opOrder is mutOrder, looking first at the order the operation recorded.
func (a *Account) opOrder(r *opRecord, id string, o *persist.Owner) *order {
	if r.order > 0 && a.orders.Ptr(r.order-1).id == id {
		return a.orders.Mut(r.order-1, o)
	}
	return a.mutOrder(id, o)
}

func (a *Account) mutOrder(id string, o *persist.Owner) *order {
	if i, ok := a.orderIndex(id); ok {
		return a.orders.Mut(i, o)
	}
	return nil
}

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
	if m.valid && m.at.Equal(now) && m.orders == a.orders.Len() && m.refunds == a.refundN {
		return m.spend, m.count
	}
	spend, count := p.computeWindow(a, now)
	*m = windowMemo{valid: true, at: now, orders: a.orders.Len(), refunds: a.refundN, spend: spend, count: count}
	return spend, count
}

// windowMemo keeps the last window: an operation asks for it at one
// instant several times (the purchase's record, the rules' facts, the tier
// promotion). Orders are only appended and refunds counted, so the key
// says whether anything it sums has changed.
type windowMemo struct {
	valid           bool
	at              time.Time
	orders, refunds int
	spend           decsum.Sum
	count           int
}

func (p *Program) computeWindow(a *Account, now time.Time) (decsum.Sum, int) {
	from := addMonths(now, -p.cfg.TierWindowMonths, p.loc)
	in := func(i int) bool { at := a.orders.Ptr(i).at; return at.After(from) && !at.After(now) }
	n := a.orders.Len()
	if a.unsorted {
		var spend decsum.Sum
		count := 0
		for i := range n {
			if o := a.orders.Ptr(i); in(i) {
				spend.Add(o.total)
				spend.Sub(o.refunded)
				if o.refunded.LessThan(o.total) {
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
			if !o.refunded.LessThan(o.total) {
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
	best := p.cfg.Tiers[0].Name
	for i, t := range p.cfg.Tiers[1:] {
		if (t.MinSpend.IsPositive() && spend.Cmp(p.tierMin[i+1]) >= 0) || (t.MinOrders > 0 && n >= t.MinOrders) {
			best = t.Name
		}
	}
	return best
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
	out := make([]OrderSummary, a.orders.Len())
	for i, o := range a.orders.All {
		out[i] = OrderSummary{ID: o.id, At: o.at, Total: o.total, Refunded: o.refunded,
			Earned: toDecimal(o.earned, a.places), Reversed: toDecimal(o.reversed, a.places)}
	}
	return out
}
