package campaign

import (
	"fmt"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/decbound"
	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/shopspring/decimal"
)

// CouponBook is a coupon campaign's state: which orders used which codes,
// what was undone. It is an immutable value: operations return a new book
// and never change the one passed in, so a book may be shared between
// goroutines. It is the fold of its entries ([Coupons.Replay]); its
// [CouponBook.Version] is for the same optimistic concurrency as a
// budget's.
//
// Make one with [Coupons.Book], [Coupons.Replay] or [Coupons.Load]; the
// zero CouponBook is not usable.
type CouponBook struct {
	c *Coupons
	chain
	uses       persist.Map[int]       // code → active uses
	byCustomer persist.Map[int]       // customer → active uses
	orders     persist.Map[int]       // order → index in list
	list       persist.Vector[useRec] // uses, in ledger order
	ops        opSet                  // cancel and refund operation ids → their fingerprint
}

// useRec is one order's use of a code.
type useRec struct {
	order, code, customer, fp string
	total, refunded           decimal.Decimal
	at                        time.Time
	undone                    bool
}

// Book returns an empty book of the campaign.
func (c *Coupons) Book() CouponBook {
	return CouponBook{c: c, chain: chain{ledger: c.ledger}}
}

// Verdict is what [CouponBook.Check] says of a code: its normalised form
// (with the prefix), and NoReason with how many more uses it allows
// (Left, for this customer when one was named) or the reason it is
// refused.
type Verdict struct {
	Code   string
	Reason Reason
	Left   int
}

// Check says whether customer may use code at now, without recording
// anything. The checks run in this order: the code's shape and check
// character ([Malformed], [BadCheck], [OtherCampaign]), whether the
// campaign issued it ([UnknownCode]), its window ([NotYetValid],
// [Expired]), its owner ([WrongCustomer]), its uses ([UsedUp]) and the
// customer's ([CustomerLimit]). An empty customer skips the last and the
// owner check (a basket before login). A code typed without its prefix is
// read as the campaign's.
func (b CouponBook) Check(code, customer string, now time.Time) Verdict {
	if b.c == nil {
		return Verdict{Code: code, Reason: UnknownCode}
	}
	var p parsed
	v, _, _ := b.check(code, customer, now, &p)
	return v
}

func (b *CouponBook) check(code, customer string, now time.Time, p *parsed) (Verdict, codeInfo, bool) {
	n, ok := normalize(&p.norm, code)
	if !ok {
		return Verdict{Code: code, Reason: Malformed}, codeInfo{}, false
	}
	p.n = n
	info, r := b.c.lookup(p)
	if r != NoReason {
		return Verdict{Code: string(p.text()), Reason: r}, info, false
	}
	key := b.c.canonical(p, &info)
	v := Verdict{Code: key}
	used, _ := b.uses.Get(key)
	left := info.uses - used
	if cap := b.c.cfg.PerCustomer; cap > 0 && customer != "" {
		mine, _ := b.byCustomer.Get(customer)
		left = min(left, cap-mine)
	}
	switch {
	case inWindow(now, info.from, info.until) != NoReason:
		v.Reason = inWindow(now, info.from, info.until)
	case info.customer != "" && customer != "" && info.customer != customer:
		v.Reason = WrongCustomer
	case used >= info.uses:
		v.Reason = UsedUp
	case left <= 0:
		v.Reason = CustomerLimit
	default:
		v.Left = left
		return v, info, true
	}
	return v, info, false
}

// CouponUse is an order using a code. Order is the operation id: an order
// uses at most one code of a campaign. Total, when set, is the order's
// money, so that [CouponBook.Refund] can tell when the order has been
// refunded in full.
type CouponUse struct {
	Order    string          `json:"order"`
	Code     string          `json:"code"`
	Customer string          `json:"customer"`
	Total    decimal.Decimal `json:"total,omitzero"`
}

// UseResult is what a use, cancellation or refund did: the use (Order,
// Code, Customer), the money refunded so far, and whether the use is now
// undone (the code's use given back).
type UseResult struct {
	Op, Order, Code, Customer string
	Refunded                  decimal.Decimal
	Undone                    bool
	Entries                   []Entry
	Duplicate                 bool
}

// Use records u at now. A code the campaign refuses (see Check, with
// u.Customer) is a *RefusedError with its [Reason] — [ErrRefused] — and
// records nothing. A retry (the same order, code — however typed —,
// customer and total) returns the first result (Duplicate) and changes
// nothing; the same order with another payload is [ErrConflict]; bad
// input is [ErrInvalidInput].
func (b CouponBook) Use(u CouponUse, now time.Time) (CouponBook, UseResult, error) {
	op := opPrefixes[OpUse] + u.Order
	if err := b.usable(op); err != nil {
		return b, UseResult{}, err
	}
	if err := checkUse(op, u, now); err != nil {
		return b, UseResult{}, err
	}
	var p parsed
	verdict, _, ok := b.check(u.Code, u.Customer, now, &p)
	fp := newFingerprint('U').str(u.Order).str(verdict.Code).str(u.Customer).dec(u.Total).sum()
	if i, known := b.orders.Get(u.Order); known {
		rec := b.list.At(i)
		if rec.fp != fp {
			return b, UseResult{}, opErr(op, ErrConflict, "order %q used %s before, with another payload", u.Order, rec.code)
		}
		return b, b.resultOf(op, &rec, true), nil
	}
	if !ok {
		return b, UseResult{}, refuse(op, verdict.Reason, "code %q: %s", clip(verdict.Code), reasonText(verdict.Reason))
	}
	e := Entry{Op: op, OpKind: OpUse, Kind: UseEntry, At: now, Code: verdict.Code, Customer: u.Customer, Order: u.Order,
		Asked: u.Total, Fingerprint: fp}
	nb, es, err := b.commit([]Entry{e})
	if err != nil {
		return b, UseResult{}, err
	}
	i, _ := nb.orders.Get(u.Order)
	rec := nb.list.At(i)
	r := nb.resultOf(op, &rec, false)
	r.Entries = es
	return nb, r, nil
}

func checkUse(op string, u CouponUse, now time.Time) error {
	if err := checkID("order", u.Order); err != nil {
		return opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkID("customer", u.Customer); err != nil {
		return opErr(op, ErrInvalidInput, "%v", err)
	}
	if !decbound.OK(u.Total) {
		return opErr(op, ErrInvalidInput, "%v", decbound.Err("total", u.Total))
	}
	if u.Total.IsNegative() {
		return opErr(op, ErrInvalidInput, "total %s is negative", u.Total)
	}
	return checkTime(op, "now", now)
}

func (b *CouponBook) resultOf(op string, r *useRec, dup bool) UseResult {
	return UseResult{Op: op, Order: r.order, Code: r.code, Customer: r.customer, Refunded: r.refunded, Undone: r.undone, Duplicate: dup}
}

// Cancel undoes order's use of a code at now: the order was cancelled
// (or refunded in full, when its total is not known to the book). The
// code's use, and the customer's, are given back. Idempotent by order: a
// second cancellation returns the first (Duplicate). An order the book
// does not know is [ErrUnknown]; a use already undone by a refund is
// returned as it is, with nothing recorded.
func (b CouponBook) Cancel(order string, now time.Time) (CouponBook, UseResult, error) {
	op := opPrefixes[OpCancel] + order
	if err := b.usable(op); err != nil {
		return b, UseResult{}, err
	}
	if err := checkID("order", order); err != nil {
		return b, UseResult{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkTime(op, "now", now); err != nil {
		return b, UseResult{}, err
	}
	i, ok := b.orders.Get(order)
	if !ok {
		return b, UseResult{}, opErr(op, ErrUnknown, "order %q used no code of campaign %q", order, b.c.cfg.Campaign)
	}
	rec := b.list.At(i)
	if _, done := b.ops.Get(op); done || rec.undone {
		return b, b.resultOf(op, &rec, done), nil
	}
	fp := newFingerprint('C').str(order).sum()
	e := Entry{Op: op, OpKind: OpCancel, Kind: UnuseEntry, At: now, Code: rec.code, Customer: rec.customer, Order: order,
		Ref: opPrefixes[OpUse] + order, Fingerprint: fp}
	nb, es, err := b.commit([]Entry{e})
	if err != nil {
		return b, UseResult{}, err
	}
	rec = nb.list.At(i)
	r := nb.resultOf(op, &rec, false)
	r.Entries = es
	return nb, r, nil
}

// OrderRefund is money given back on an order: ID is the refund's own id
// (the operation id), Amount the money (> 0). Refunds add up per order.
type OrderRefund struct {
	ID     string          `json:"id"`
	Order  string          `json:"order"`
	Amount decimal.Decimal `json:"amount"`
}

// Refund records money given back on an order that used a code (with a
// Total). When the refunds reach the total — the order is refunded in full
// — the use is undone in the same operation; a partial refund keeps it.
// Refunds over the total are [ErrTooLarge]; an order used without a total
// is [ErrInvalidInput] (cancel it instead). Idempotent by refund id.
func (b CouponBook) Refund(r OrderRefund, now time.Time) (CouponBook, UseResult, error) {
	op := opPrefixes[OpRefund] + r.ID
	if err := b.usable(op); err != nil {
		return b, UseResult{}, err
	}
	i, rec, err := checkRefund(op, r, now, b.orders, b.list)
	if err != nil {
		return b, UseResult{}, err
	}
	fp := r.fingerprint()
	if prev, done := b.ops.Get(op); done {
		if prev != fp {
			return b, UseResult{}, opErr(op, ErrConflict, "refund %q was recorded with another payload", r.ID)
		}
		return b, b.resultOf(op, &rec, true), nil
	}
	if rec.total.IsZero() {
		return b, UseResult{}, opErr(op, ErrInvalidInput, "order %q was used without a total: cancel it instead", r.Order)
	}
	refunded := rec.refunded.Add(r.Amount)
	if refunded.GreaterThan(rec.total) {
		return b, UseResult{}, opErr(op, ErrTooLarge, "refund of %s: %s of the order's %s refunded already", r.Amount, rec.refunded, rec.total)
	}
	es := []Entry{{Op: op, OpKind: OpRefund, Kind: RefundEntry, At: now, Amount: r.Amount, Customer: rec.customer, Order: r.Order,
		Code: rec.code, Ref: opPrefixes[OpUse] + r.Order, Fingerprint: fp}}
	if refunded.Equal(rec.total) && !rec.undone {
		es = append(es, Entry{Op: op, OpKind: OpRefund, Kind: UnuseEntry, At: now, Code: rec.code, Customer: rec.customer,
			Order: r.Order, Ref: opPrefixes[OpUse] + r.Order})
	}
	nb, es, err := b.commit(es)
	if err != nil {
		return b, UseResult{}, err
	}
	rec = nb.list.At(i)
	res := nb.resultOf(op, &rec, false)
	res.Entries = es
	return nb, res, nil
}

func (r OrderRefund) fingerprint() string {
	return newFingerprint('F').str(r.ID).str(r.Order).dec(r.Amount).sum()
}

// checkRefund checks a refund's input and finds its order's record.
func checkRefund(op string, r OrderRefund, now time.Time, orders persist.Map[int], list persist.Vector[useRec]) (int, useRec, error) {
	if err := checkID("refund id", r.ID); err != nil {
		return 0, useRec{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkID("order", r.Order); err != nil {
		return 0, useRec{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	if !decbound.OK(r.Amount) {
		return 0, useRec{}, opErr(op, ErrInvalidInput, "%v", decbound.Err("amount", r.Amount))
	}
	if !r.Amount.IsPositive() {
		return 0, useRec{}, opErr(op, ErrInvalidInput, "amount %s must be positive", r.Amount)
	}
	if err := checkTime(op, "now", now); err != nil {
		return 0, useRec{}, err
	}
	i, ok := orders.Get(r.Order)
	if !ok {
		return 0, useRec{}, opErr(op, ErrUnknown, "order %q is not known here", r.Order)
	}
	return i, list.At(i), nil
}

func (b *CouponBook) usable(op string) error {
	if b.c == nil {
		return opErr(op, ErrInvalidInput, "the book was not made by Coupons.Book, Replay or Load")
	}
	return nil
}

func (b CouponBook) commit(es []Entry) (CouponBook, []Entry, error) {
	o := new(persist.Owner)
	for i := range es {
		es[i].Ledger = b.ledger
		if err := b.apply(&es[i], i, o, false); err != nil {
			return CouponBook{}, nil, fmt.Errorf("campaign: internal error: %w", err)
		}
	}
	return b, es, nil
}

// apply folds entry n of its operation into b; operations and replay both
// go through it. It checks what entries say against the state (an undone
// use is not undone twice, refunds stay within the total), not against
// the campaign's limits, which may have changed since.
func (b *CouponBook) apply(e *Entry, n int, o *persist.Owner, replay bool) error {
	if err := b.place(e, n, 1<<OpUse|1<<OpCancel|1<<OpRefund, replay); err != nil {
		return err
	}
	switch {
	case e.Kind == UseEntry && e.OpKind == OpUse && n == 0:
		if e.Code == "" || e.Customer == "" || e.Order != e.Op[len(opPrefixes[OpUse]):] || !decbound.OK(e.Asked) || e.Asked.IsNegative() {
			return fmt.Errorf("entry %q: a use needs a code, a customer and its order", e.ID)
		}
		if !b.orders.Insert(e.Order, b.list.Len(), o) {
			return fmt.Errorf("entry %q: order %q used a code before", e.ID, e.Order)
		}
		b.list.Push(useRec{order: e.Order, code: e.Code, customer: e.Customer, fp: e.Fingerprint, total: e.Asked, at: e.At}, o)
		b.count(e.Code, e.Customer, 1, o)
	case e.Kind == RefundEntry && e.OpKind == OpRefund && n == 0:
		rec, err := b.useOf(e, o)
		if err != nil {
			return err
		}
		if !decbound.OK(e.Amount) || !e.Amount.IsPositive() || rec.refunded.Add(e.Amount).GreaterThan(rec.total) {
			return fmt.Errorf("entry %q: refund of %s does not fit order %q (%s of %s refunded)", e.ID, decbound.Show(e.Amount), rec.order, rec.refunded, rec.total)
		}
		if !b.ops.Insert(e.Op, e.Fingerprint, o) {
			return fmt.Errorf("entry %q: refund recorded before", e.ID)
		}
		rec.refunded = rec.refunded.Add(e.Amount)
	case e.Kind == UnuseEntry && (e.OpKind == OpCancel && n == 0 || e.OpKind == OpRefund && n == 1):
		rec, err := b.useOf(e, o)
		if err != nil {
			return err
		}
		if rec.undone {
			return fmt.Errorf("entry %q: the use of order %q was undone before", e.ID, rec.order)
		}
		if e.OpKind == OpRefund && !rec.refunded.Equal(rec.total) {
			return fmt.Errorf("entry %q: undoes order %q refunded only in part", e.ID, rec.order)
		}
		if e.OpKind == OpCancel && !b.ops.Insert(e.Op, e.Fingerprint, o) {
			return fmt.Errorf("entry %q: cancellation recorded before", e.ID)
		}
		rec.undone = true
		b.count(rec.code, rec.customer, -1, o)
	default:
		return fmt.Errorf("entry %q: a %v operation does not write %v entries at %d", e.ID, e.OpKind, e.Kind, n)
	}
	return nil
}

// useOf is the use an entry refers to, writable under o.
func (b *CouponBook) useOf(e *Entry, o *persist.Owner) (*useRec, error) {
	order, ok := strings.CutPrefix(e.Ref, opPrefixes[OpUse])
	i, known := b.orders.Get(order)
	if !ok || !known || order != e.Order {
		return nil, fmt.Errorf("entry %q: refers to unknown use %q", e.ID, e.Ref)
	}
	return b.list.Mut(i, o), nil
}

func (b *CouponBook) count(code, customer string, d int, o *persist.Owner) {
	u, _ := b.uses.Get(code)
	b.uses.Set(code, u+d, o)
	c, _ := b.byCustomer.Get(customer)
	b.byCustomer.Set(customer, c+d, o)
}

// Replay rebuilds a book from its entries, in order.
func (c *Coupons) Replay(entries []Entry) (CouponBook, error) {
	return c.Book().Resume(entries)
}

// Resume folds entries written after b into a copy of b.
func (b CouponBook) Resume(entries []Entry) (CouponBook, error) {
	if err := b.usable("resume"); err != nil {
		return CouponBook{}, err
	}
	o := new(persist.Owner)
	if err := fold(entries, func(e *Entry, n int) error { return b.apply(e, n, o, true) }); err != nil {
		return CouponBook{}, err
	}
	return b, nil
}

// Uses is how many orders use code now (undone uses not counted), by the
// code as typed.
func (b CouponBook) Uses(code string) int {
	if b.c == nil {
		return 0
	}
	var p parsed
	if n, ok := normalize(&p.norm, code); ok {
		p.n = n
		if info, r := b.c.lookup(&p); r == NoReason {
			u, _ := b.uses.Get(b.c.canonical(&p, &info))
			return u
		}
	}
	return 0
}

// CustomerUses is how many orders of customer use the campaign's codes.
func (b CouponBook) CustomerUses(customer string) int {
	u, _ := b.byCustomer.Get(customer)
	return u
}

// Version is the book's version: the number of entries it is the fold of.
func (b CouponBook) Version() int64 { return int64(b.entries) }

// Head is the hash of the last entry ("" for an empty book).
func (b CouponBook) Head() string { return b.headString() }

// Equal reports whether two books hold the same state (go-cmp uses it).
func (b CouponBook) Equal(o CouponBook) bool { return b.String() == o.String() }

// String is a canonical dump of the state.
func (b CouponBook) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "coupons %s entries=%d head=%s\n", b.ledger, b.entries, b.headString())
	for _, r := range b.list.All {
		fmt.Fprintf(&s, "use %q code=%s cust=%q fp=%s total=%s refunded=%s at=%s undone=%v\n", r.order, r.code, r.customer, r.fp,
			r.total, r.refunded, utc(r.at), r.undone)
	}
	return s.String()
}

// reasonText is a reason for people.
func reasonText(r Reason) string {
	switch r {
	case Malformed:
		return "not a code of this campaign's shape"
	case BadCheck:
		return "mistyped: its check character does not match"
	case OtherCampaign:
		return "another campaign's code"
	case UnknownCode:
		return "no such code"
	case NotYetValid:
		return "not valid yet"
	case Expired:
		return "expired"
	case UsedUp:
		return "used as often as it may be"
	case CustomerLimit:
		return "the customer has used this campaign's codes as often as allowed"
	case WrongCustomer:
		return "a personal code of another customer"
	case SelfReferral:
		return "an advocate cannot refer themself"
	case AlreadyReferred:
		return "the customer was referred before"
	}
	return r.String()
}
