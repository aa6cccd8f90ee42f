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
// (as a snapshot, [Account.Snapshot]) and passes to each operation,
// which returns a new one (the one passed in is never changed). It is the
// fold of the customer's ledger entries.
//
// An Account value may be shared between goroutines and used by any
// number of operations at once: operations only read it. Two operations
// on the same value give two diverging accounts, of which the host keeps
// one ([Account.Version] is for that check; see the package documentation
// on storage).
//
// Its collections are persistent: an operation copies only the few blocks
// it changes, so an account with a long history stays cheap to update.
type Account struct {
	lots   persist.Vector[lot]
	orders persist.Vector[order]
	holds  persist.Vector[hold]
	// ops indexes opList by operation id, with loadedOps for the
	// operations of the snapshot the account was loaded from (nil: none);
	// lastOp is the operation of the last entry (an operation's entries are
	// consecutive).
	ops       persist.Map[int]
	loadedOps *opsByID
	opList    persist.Vector[opRecord]
	lastOp    string
	entries   int // entries folded: the version
	// prog binds the account to the programme it was made under.
	prog string
	// customer is the customer of its entries; head the hash of the last
	// entry (see integrity.go).
	customer string
	head     chainHash
	// refundedOrders are the indexes of orders with refunds (few), for
	// the tier window.
	refundedOrders persist.Vector[int]
	// firstOpen: every lot before it is used up. Unless lotsUnsorted, the
	// lots are in earning order with non-decreasing AvailableAt and in
	// redemption order up to ties (inLotOrder), so Balance only looks at
	// the lots at both ends and redemptions at the first few.
	firstOpen    int
	firstHold    int // every hold before it is captured or released
	lotsUnsorted bool
	unsorted     bool // an order came with an earlier time than the one before
	tier         string
	// tierSince is the last time the customer qualified for their tier
	// (a promotion, or a purchase with which they still qualified).
	tierSince time.Time
	// tierLapsed is when a refund left the customer below their tier
	// (zero: no refund did since tierSince); see Program.lapsedAt.
	tierLapsed time.Time
	debt       units
	spend      decsum.Sum // lifetime, net of refunds
	orderN     int
	first      time.Time
	last       time.Time
	totals     totals
	places     int32 // the programme's points places, to report units as decimals
	// uses are the uses of limited rules, in the order they were folded
	// (in time order unless usesUnsorted); useTotals what each rule gave
	// in all (see limits.go).
	uses         persist.Vector[ruleUse]
	useTotals    useTotalList
	usesUnsorted bool
	// usesEdits counts the changes to uses already folded (a refund in
	// full undoing them, a refund taking back goal steps), and spanMemos are
	// the counts of the spans the last evaluations counted, which hold
	// while usesEdits is what it was then (see limitView.count). Neither
	// is in a snapshot: a loaded account counts its spans afresh.
	usesEdits int
	spanMemos []spanMemo
	refundN   int // refund records, for the window memo
	// owner, when set, is the owner every operation on the account writes
	// under, so that each writes in place what the operations before it
	// made (not copying it): only for an account no one else holds, whose
	// previous version is dropped after each operation and which an
	// operation that fails midway may leave half-written (a backtest's,
	// which stops at any error but a refused redemption, made without it).
	// nil: each operation writes under an owner of its own, and the
	// account it was given stays as it was.
	owner *persist.Owner
	// scratch, when set, marks an account whose entries no one will read
	// or store (a backtest's, with owner): its entries are not chained
	// (their Hash is empty and Head does not change), and its operations'
	// results list them, and the Earned read from them, only when scratch
	// is scratchKeepEntries.
	scratch scratchMode
	win     windowMemo
}

// scratchMode is what an account's operations skip (see Account.scratch).
type scratchMode uint8

const (
	scratchNone        scratchMode = iota
	scratchNoEntries               // no hash chain, no Result.Entries nor Earned
	scratchKeepEntries             // no hash chain; Result.Entries as usual
)

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

// opRecord is what the account keeps of an operation: its payload's
// fingerprint, where its lots and order are, and what it did, so that a
// retry returns the original result.
type opRecord struct {
	id          string
	kind        OpKind
	fingerprint string
	n           int // entries
	lot0, lots  int // the lots it earned
	// order is 1 + the index of the order it recorded or refunded, or, for
	// a redemption or capture, the order its points paid for; 0: none.
	order int
	hold  int // 1 + the index of the hold it made or resolved; 0: none
	// What it did: the points of its Result, the discount (or money the
	// points pay), the gifts, the tier after it, whether it changed the
	// tier, whether it was the customer's first purchase.
	points      units
	discount    decimal.Decimal
	money       decimal.Decimal // a purchase's money paid, a refund's money refunded
	pointsBack  units           // a refund's points given back
	gifts       []string        // a refund's: the gifts to take back
	tier        string
	tierChanged bool
	first       bool
	// taken is what a redemption or capture took from lots.
	taken takenList
	// reversedBy is, for an event, 1 + the index of the reversal of it (0:
	// none); takenBack the points the reversal took back for it.
	reversedBy int
	takenBack  units
}

// Totals are the account's running sums, for reports and for checking
// that nothing is created or lost:
// Earned = Available + Held + Pending + Redeemed + Expired + Reversed + Repaid
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
	// Expiring is past its expiry date but not yet expired by
	// [Program.Expire]; Held is reserved by open holds ([Program.Hold])
	// and not counted in Available.
	Available, Pending, Expiring, Held decimal.Decimal
	// Debt is what refunds of spent points left owing (RecordDebt policy).
	Debt decimal.Decimal
}

// Balance returns the balance at now.
func (a Account) Balance(now time.Time) Balance {
	b := a.balance(now)
	return Balance{Available: toDecimal(b.available, a.places), Pending: toDecimal(b.pending, a.places),
		Expiring: toDecimal(b.expiring, a.places), Held: toDecimal(b.held, a.places), Debt: toDecimal(a.debt, a.places)}
}

// unitBalance is a Balance in units.
type unitBalance struct{ available, pending, expiring, held units }

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
	b.held = min(a.held(now), max(b.available, 0))
	b.available -= b.held
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
func (a Account) Entries() int { return a.entries }

// Version is the account's version for optimistic concurrency: the number
// of entries it is the fold of. Every operation that writes entries
// raises it; a retry or a quote does not. Store it with the account and
// write a new account only where the stored version is still the one you
// read.
func (a Account) Version() int64 { return int64(a.entries) }

// Spend is the lifetime spend, net of refunds, and the number of orders.
func (a Account) Spend() (decimal.Decimal, int) { return a.spend.Value(), a.orderN }

// Equal reports whether two accounts hold the same state (go-cmp uses it).
func (a Account) Equal(b Account) bool { return a.String() == b.String() }

// String is a canonical dump of the state, stable for equal accounts.
func (a Account) String() string {
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	var b strings.Builder
	fmt.Fprintf(&b, "customer=%q head=%x tier=%q since=%s lapsed=%s debt=%d spend=%s orders=%d first=%s last=%s entries=%d totals=%v places=%d prog=%s\n",
		a.customer, a.head, a.tier, ts(a.tierSince), ts(a.tierLapsed), a.debt, a.spend.Value(), a.orderN, ts(a.first), ts(a.last), a.entries, a.totals, a.places, a.prog)
	for _, l := range a.lots.All {
		fmt.Fprintf(&b, "lot %s order=%s rule=%s earned=%d remaining=%d at=%s avail=%s exp=%s\n", l.id, l.order, l.rule,
			l.earned, l.remaining, ts(l.earnedAt), ts(l.availableAt), ts(l.expiresAt))
	}
	for _, o := range a.orders.All {
		fmt.Fprintf(&b, "order %s at=%s goods=%s discount=%s points=%s paid=%s refunded=%s returned=%s earned=%d reversed=%d paidWith=%d %d/%d tier %q→%q lines=%v returned=%v uses %d+%d\n",
			o.id, ts(o.at), o.goods(), o.discount(), o.pointsPaid(), o.paid, o.refunded, o.returnedGoods, o.earned, o.reversed,
			o.paidWith(), o.paidPoints(), o.pointsBack, o.tierBefore, o.promotedTo, o.lines(), o.returned, o.use0, o.nuses)
	}
	for _, h := range a.holds.All {
		fmt.Fprintf(&b, "hold %s order=%s points=%d money=%s until=%s %v\n", h.op, h.order, h.points, h.money, ts(h.until), h.state)
	}
	for _, r := range a.opList.All {
		fmt.Fprintf(&b, "op %s %v %s n=%d lots %d+%d order %d hold %d points=%d discount=%s gifts=%q tier=%q changed=%v first=%v taken=%v reversedBy=%d takenBack=%d\n",
			r.id, r.kind, r.fingerprint, r.n, r.lot0, r.lots, r.order, r.hold, r.points, r.discount, r.gifts, r.tier,
			r.tierChanged, r.first, r.taken, r.reversedBy, r.takenBack)
	}
	for i, u := range a.uses.All {
		fmt.Fprintf(&b, "use %d %s at=%s amount=%s order %d undone=%v\n", i, u.rule, ts(u.at), u.amount, u.order, u.undone)
	}
	for _, t := range a.ruleTotals() {
		fmt.Fprintf(&b, "rule %s used %d times for %s\n", t.rule, t.n, t.amount.Value())
	}
	if a.usesUnsorted {
		b.WriteString("uses unsorted\n")
	}
	return b.String()
}

// op returns an operation's record.
func (a *Account) op(id string) (opRecord, bool) {
	if i, ok := a.opIndex(id); ok {
		return a.opList.At(i), true
	}
	return opRecord{}, false
}

// opIndex is the index in opList of operation id's record.
func (a *Account) opIndex(id string) (int, bool) {
	if i, ok := a.ops.Get(id); ok {
		return i, true
	}
	return a.loadedOps.find(id)
}

// addOp indexes operation id's record at i under o, unless id has one.
func (a *Account) addOp(id string, i int, o *persist.Owner) bool {
	if _, ok := a.loadedOps.find(id); ok {
		return false
	}
	return a.ops.Insert(id, i, o)
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
