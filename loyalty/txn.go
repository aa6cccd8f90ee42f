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
	es    []Entry // the entries made so far, for the result
	ids   string  // the ids of the next entries, "<op>/<n>" each, end to end
}

func (t *txn) add(e Entry) error {
	e.ID = t.nextID()
	e.Op, e.OpKind, e.At = t.op, t.kind, t.at
	t.n++
	if err := t.p.apply(&t.acc, &e, t.owner); err != nil {
		return err
	}
	t.es = append(t.es, e)
	return nil
}

// nextID is the id the next entry gets: the operation and its position.
// The ids are made eight at a time in one string.
func (t *txn) nextID() string {
	if t.ids == "" {
		b := make([]byte, 0, 8*(len(t.op)+3))
		for k := t.n; k < t.n+8; k++ {
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

// annotate writes what the rules granted on the operation's record (its
// first entry), so that a retry returns it.
func (t *txn) annotate(discount decimal.Decimal, gifts []string) {
	r, _ := t.acc.op(t.op)
	rec := t.acc.log.Mut(r.first, t.owner)
	rec.Discount, rec.Gifts = discount, slices.Clone(gifts)
	t.es[0].Discount, t.es[0].Gifts = discount, gifts
}

// begin checks the operation id: a retry with the same payload returns
// the original result; another payload is a conflict.
func (p *Program) begin(a Account, op string, kind OpKind, fp string, now time.Time) (*txn, *Result, error) {
	if now.IsZero() {
		return nil, nil, opErr(op, ErrInvalidInput, "now is zero")
	}
	if rec, ok := a.op(op); ok {
		if rec.fingerprint != fp {
			return nil, nil, opErr(op, ErrConflict, "already applied with a different payload")
		}
		r := p.summarize(op, a.opEntries(rec), a.tier)
		r.Duplicate = true
		return nil, &r, nil
	}
	return &txn{p: p, acc: a, owner: new(persist.Owner), op: op, kind: kind, at: now, es: make([]Entry, 0, 8)}, nil, nil
}

// summarize rebuilds a result from an operation's entries.
// (The entries were applied, so their amounts convert to units.)
func (p *Program) summarize(op string, es []Entry, tier string) Result {
	r := Result{Op: op, Entries: es, Discount: decimal.Zero, Tier: tier}
	var pts units
	for _, e := range es {
		u, _ := p.units(e.Points)
		switch e.Kind {
		case Record:
			r.Discount, r.Gifts = e.Discount, e.Gifts
		case Earn, Restore:
			pts += u
		case Redeem, Reverse, Debt, Expire:
			pts -= u
		case WriteOffEntry:
			off, _ := p.units(e.Money)
			pts += off
		case TierChange:
			r.TierChanged = true
		}
	}
	r.Points = p.dec(pts)
	if r.Discount.IsZero() {
		r.Discount = decimal.Zero
	}
	return r
}

func (t *txn) result() Result {
	return t.p.summarize(t.op, t.es, t.acc.tier)
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
func (t *txn) take(lots iter.Seq[*lot], amount units, k EntryKind, orderID string) (units, error) {
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
		if err := t.add(Entry{Kind: k, Points: t.p.dec(-d.points), Lot: d.lot, Order: orderID}); err != nil {
			return left, err
		}
	}
	return left, nil
}
