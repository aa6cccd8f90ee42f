package loyalty

import (
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/shopspring/decimal"
)

// txn is an operation under way: entries are applied to a copy of the
// account as they are made, so later steps see earlier ones; on error the
// caller's account is untouched.
type txn struct {
	p     *Program
	acc   Account
	owner *persist.Owner
	op    string
	kind  OpKind
	at    time.Time
	n     int
	fp    string  // the payload's fingerprint
	es    []Entry // the entries made so far, for the result
	// lastID is the id of the last entry made (kept when es is not).
	lastID string
	ids    string // the ids of the next entries, "<op>/<n>" each, end to end
	quote  bool   // a quote: nothing it makes is stored
	// room is how many entries the operation expects to make, when it
	// knows (0: a guess by its kind); more make room as they come.
	room int
	// customer is the account's customer, whom the entries name.
	customer string
}

func (t *txn) add(e Entry) error {
	e.ID = t.nextID()
	e.Op, e.OpKind, e.At, e.Customer = t.op, t.kind, t.at, t.customer
	t.n++
	mode := foldOperation
	if t.quote {
		mode = foldQuote
	}
	if err := t.p.apply(&t.acc, &e, t.owner, mode); err != nil {
		return err
	}
	t.lastID = e.ID
	if t.acc.scratch == scratchNoEntries {
		return nil
	}
	if t.es == nil { // made at the first entry: an operation that writes none (an expiry with nothing to expire) allocates none
		n := 4 // a record, a few takes or earnings, a tier
		switch {
		case t.room > 0:
			n = t.room
		case t.kind == OpPurchase || t.kind == OpEvent:
			n = t.p.purchaseEntries // a record, an earning per accrual rule, a tier, a repayment
		}
		t.es = make([]Entry, 0, n)
	}
	t.es = append(t.es, e)
	return nil
}

// nextID is the id the next entry gets: the operation and its position.
// The ids are made up to eight at a time in one string: as many as the
// operation expects to make (room), else eight.
func (t *txn) nextID() string {
	if t.ids == "" {
		n := 8
		if t.room > t.n {
			n = min(n, t.room-t.n)
		}
		b := make([]byte, 0, n*(len(t.op)+3))
		for k := t.n; k < t.n+n; k++ {
			b = strconv.AppendInt(append(append(b, t.op...), '/'), int64(k), 10)
		}
		t.ids = string(b)
	}
	digits := 1
	for k := t.n; k >= 10; k /= 10 {
		digits++
	}
	next := len(t.op) + 1 + digits
	id := t.ids[:next]
	t.ids = t.ids[next:]
	return id
}

// begin checks the operation id: a retry with the same payload returns
// the original result; another payload is a conflict.
func (p *Program) begin(a Account, customer, op string, kind OpKind, fp string, now time.Time) (*txn, *Result, error) {
	if err := p.bind(&a, op); err != nil {
		return nil, nil, err
	}
	if customer == "" {
		customer = a.customer
	} else if a.entries > 0 && customer != a.customer {
		return nil, nil, opErr(op, ErrInvalidInput, "the account is customer %q's, not %q's", a.customer, customer)
	}
	if err := checkTime(op, "now", now); err != nil {
		return nil, nil, err
	}
	if rec, ok := a.op(op); ok {
		if rec.fingerprint != fp {
			return nil, nil, opErr(op, ErrConflict, "already applied with a different payload")
		}
		r := p.resultOf(&rec)
		r.Duplicate = true
		return nil, &r, nil
	}
	owner := a.owner
	if owner == nil {
		owner = new(persist.Owner)
	}
	t, _ := p.txns.Get().(*txn)
	if t == nil {
		t = new(txn)
	}
	*t = txn{p: p, acc: a, owner: owner, op: op, kind: kind, at: now, fp: fp, customer: customer}
	return t, nil, nil
}

// finish is the account and the result of an operation that succeeded;
// t is then cleared and kept for another operation to reuse, and must
// not be used again. (A failed operation's txn is left to the garbage
// collector.)
func (t *txn) finish() (Account, Result) {
	acc, r, p := t.acc, t.result(), t.p
	*t = txn{}
	p.txns.Put(t)
	return acc, r
}

// bind checks that account a was made under this programme (or is new,
// and binds it).
func (p *Program) bind(a *Account, op string) error {
	if err := p.usable(op); err != nil {
		return err
	}
	switch a.prog {
	case p.compat:
		return nil
	case "":
		if a.entries == 0 { // a new account: its first entry binds it
			return nil
		}
	}
	return opErr(op, ErrProgramMismatch, "the account was made under programme %s, this is %s", a.prog, p.compat)
}

// usable refuses a nil Program or one not made by Compile: every
// operation checks it before it reads the programme.
func (p *Program) usable(op string) error {
	if p == nil || p.rules == nil {
		return opErr(op, ErrInvalidInput, "the programme was not made by Compile")
	}
	return nil
}

// checkTime refuses a zero instant, and instants JSON cannot carry
// (before year 0 or after 9999).
func checkTime(op, name string, t time.Time) error {
	switch {
	case t.IsZero():
		return opErr(op, ErrInvalidInput, "%s is zero", name)
	case t.Year() < 1 || t.Year() > 9000:
		return opErr(op, ErrInvalidInput, "%s %s is outside years 1..9000", name, t.Format(time.RFC3339))
	}
	return nil
}

// resultOf is the result an operation's record says it had (without its
// entries and trace).
func (p *Program) resultOf(r *opRecord) Result {
	res := Result{Op: r.id, Points: p.dec(r.points), Discount: r.discount, Money: r.money, PointsBack: p.dec(r.pointsBack),
		Tier: r.tier, TierChanged: r.tierChanged, FirstPurchase: r.first}
	if r.kind == OpRefund || r.kind == OpReverse {
		res.GiftsBack = slices.Clone(r.gifts)
	} else {
		res.Gifts = slices.Clone(r.gifts)
	}
	for _, d := range []*decimal.Decimal{&res.Discount, &res.Money} {
		if d.IsZero() {
			*d = decimal.Zero
		}
	}
	return res
}

// result is the operation's result: what its record says, and its entries.
func (t *txn) result() Result {
	rec := t.acc.opList.Ptr(t.acc.opList.Len() - 1)
	r := t.p.resultOf(rec)
	r.Entries = t.es
	return r
}

// checkCurrency refuses money in another currency than the programme's
// ("" is the programme's).
func (p *Program) checkCurrency(op, currency string) error {
	if currency != "" && currency != p.cfg.Currency {
		return opErr(op, ErrCurrency, "%q, the programme counts in %q", currency, p.cfg.Currency)
	}
	return nil
}

func deref(r *Result) Result {
	if r == nil {
		return Result{}
	}
	return *r
}

// take debits amount from lots, in the order given, as entries of kind
// k, and returns what the lots could not cover. The lots are read before
// any entry is applied (applying may copy the blocks they live in).
func (t *txn) take(lots iter.Seq[*lot], amount units, k EntryKind, orderID, ref string) (units, error) {
	type debit struct {
		lot    string
		points units
	}
	var debits []debit
	left := amount
	for l := range lots {
		if left <= 0 {
			break
		}
		x := min(left, l.remaining)
		debits = append(debits, debit{l.id, x})
		left -= x
	}
	for _, d := range debits {
		if err := t.add(Entry{Kind: k, Points: t.p.dec(-d.points), Lot: d.lot, Order: orderID, Ref: ref}); err != nil {
			return left, err
		}
	}
	return left, nil
}
