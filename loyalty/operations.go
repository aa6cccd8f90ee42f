package loyalty

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// Customer is the host's profile of a customer, passed with each
// operation: what rules may look at beyond the ledger.
type Customer struct {
	ID         string            `json:"id"`
	Birthday   time.Time         `json:"birthday,omitzero"`
	Registered time.Time         `json:"registered,omitzero"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// Order is a purchase. Total is what the customer pays in money (after any
// points redeemed on it) and is the accrual base. Currency, when set, must
// be the programme's.
type Order struct {
	ID       string          `json:"id"`
	Currency string          `json:"currency,omitempty"`
	Total    decimal.Decimal `json:"total"`
	Lines    []Line          `json:"lines,omitempty"`
	Channel  string          `json:"channel,omitempty"`
	Coupon   string          `json:"coupon,omitempty"`
}

// Refund returns part or all of an order's money: an Amount, or Lines —
// units of the order's lines, each refunded at the unit price recorded on
// the order (when the order's Total is less than its lines, say after a
// discount, refund by Amount or record the lines at the prices paid).
type Refund struct {
	ID     string          `json:"id"`
	Order  string          `json:"order"`
	Amount decimal.Decimal `json:"amount,omitzero"`
	Lines  []RefundLine    `json:"lines,omitempty"`
}

// RefundLine returns Qty units of SKU.
type RefundLine struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// Redemption spends points. OrderTotal, when set, is the order they pay
// for, so the programme's maximum share applies; Currency, when set, must
// be the programme's.
type Redemption struct {
	ID         string          `json:"id"`
	Points     decimal.Decimal `json:"points"`
	OrderTotal decimal.Decimal `json:"order_total,omitzero"`
	Currency   string          `json:"currency,omitempty"`
}

// Event is something other than a purchase that rules may reward:
// "registration", "birthday", "review", "survey", "referral_purchase"
// (the referrer's reward when a referred customer first buys)…
type Event struct {
	ID         string            `json:"id"`
	Kind       string            `json:"kind"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// Result is what an operation did.
type Result struct {
	Op      string
	Entries []Entry
	// Points is the points earned (purchase, event), spent (redemption),
	// taken back (refund: reversed + debt + written off) or expired.
	Points decimal.Decimal
	// Discount is the money off: the rules' discount on a purchase, or the
	// money a redemption pays.
	Discount decimal.Decimal
	Gifts    []string
	// Tier is the tier after the operation; TierChanged says it moved.
	Tier        string
	TierChanged bool
	// Trace explains every rule (purchases and events; nil on a retry).
	Trace []rules.Step
	// FirstPurchase is set on a customer's first purchase (to reward a
	// referrer with an Event on their account).
	FirstPurchase bool
	// Duplicate is set when the operation had already been applied: the
	// result is the original's and nothing was added.
	Duplicate bool
}

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

// facts builds what rules see from the account under way.
func (p *Program) facts(a *Account, c Customer, now time.Time) Facts {
	b := a.balance(now)
	spend, n := p.window(a, now)
	return Facts{
		Customer: CustomerFacts{ID: c.ID, Tier: a.tier, Available: p.dec(b.available),
			Pending: p.dec(b.pending), LifetimeSpend: a.spend.Value(), LifetimeOrders: a.orderN, WindowSpend: spend.Value(), WindowOrders: n,
			FirstPurchase: a.first, LastPurchase: a.last, Birthday: c.Birthday, Registered: c.Registered,
			Attributes: c.Attributes},
		Now: now,
	}
}

// Purchase applies an order: it records it, evaluates the rules once (the
// customer's facts include this order), and returns the points earned, the
// discount, the gifts and any tier promotion. Accrual rules see the order
// total; the points they award are then scaled by the share of the total
// the customer pays after the rules' discount, rounded by the programme,
// and split over one lot per rule without losing a unit. Earned points pay
// off any debt first.
func (p *Program) Purchase(a Account, c Customer, o Order, now time.Time) (Account, Result, error) {
	op := purchaseOp(o.ID)
	if err := p.checkCurrency(op, o.Currency); err != nil {
		return a, Result{}, err
	}
	if err := checkOrder(o); err != nil {
		return a, Result{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	fp := o.fingerprint()
	t, dup, err := p.begin(a, op, OpPurchase, fp, now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	first := t.acc.orderN == 0
	rec := Entry{Kind: Record, Order: o.ID, Money: o.Total, Fingerprint: fp}
	if len(o.Lines) > 0 {
		rec.Lines = slices.Clone(o.Lines)
	}
	if err := t.add(rec); err != nil {
		return a, Result{}, err
	}
	f := p.facts(&t.acc, c, now)
	f.Order = OrderFacts{ID: o.ID, Total: o.Total, Channel: o.Channel, Coupon: o.Coupon, Lines: make([]*Line, len(o.Lines))}
	for i := range o.Lines {
		f.Order.Lines[i] = &o.Lines[i]
	}
	out, err := p.rules.Eval(f)
	if err != nil {
		return a, Result{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	t.annotate(out.Discount, out.Gifts)
	if err := p.earn(t, out, p.paidPoints(out, o.Total), o.ID); err != nil {
		return a, Result{}, err
	}
	if err := p.promote(t, out, o.ID, now); err != nil {
		return a, Result{}, err
	}
	r := t.result()
	r.Trace, r.FirstPurchase = out.Trace, first
	return t.acc, r, nil
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

func checkOrder(o Order) error {
	switch {
	case o.ID == "":
		return fmt.Errorf("order id is empty")
	case o.Total.IsNegative():
		return fmt.Errorf("order %s total %s is negative", o.ID, o.Total)
	}
	for i, l := range o.Lines {
		if l.Qty <= 0 || l.Price.IsNegative() {
			return fmt.Errorf("order %s line %d: quantity %d and price %s must be positive", o.ID, i, l.Qty, l.Price)
		}
	}
	return nil
}

// paidPoints is the rules' points scaled by the share of the order total
// paid after their discount, rounded by the programme: exactly,
// Points × (Total − Discount) / Total, rounded once.
func (p *Program) paidPoints(out rules.Outcome, total decimal.Decimal) decimal.Decimal {
	if out.Discount.IsZero() || !total.IsPositive() {
		return p.roundPoints(out.Points)
	}
	scaled := out.Points.Mul(total.Sub(out.Discount))
	if p.cfg.Rounding == HalfUp {
		return scaled.DivRound(total, p.cfg.PointsPlaces)
	}
	q, _ := scaled.QuoRem(total, p.cfg.PointsPlaces) // truncated: rounded down, as points are never negative
	return q
}

// earn turns total, the points to award (rounded), into lots: split over
// the applied accrual rules in proportion to what each gave, by largest
// remainder.
func (p *Program) earn(t *txn, out rules.Outcome, total decimal.Decimal, orderID string) error {
	if !total.IsPositive() {
		return nil
	}
	var idBuf [16]string
	var weightBuf [16]decimal.Decimal
	ids, weights := idBuf[:0], weightBuf[:0]
	for _, st := range out.Trace {
		if st.Kind == rules.Accrual && st.Value.IsPositive() {
			ids = append(ids, st.RuleID)
			weights = append(weights, st.Value)
		}
	}
	units, err := p.units(total)
	if err != nil {
		return opErr(t.op, ErrInvalidInput, "the rules award %s points, more than the ledger holds in one earning", total)
	}
	parts := allocateUnits(units, weights, p.cfg.PointsPlaces)
	avail, exp := t.at, p.expiresAt(t.at)
	if orderID != "" { // purchase points wait out the return window; event points do not
		avail = p.availableAt(t.at)
	}
	for i, pts := range parts {
		if pts <= 0 {
			continue
		}
		e := Entry{Kind: Earn, Points: p.dec(pts), RuleID: ids[i], Order: orderID, AvailableAt: avail, ExpiresAt: exp}
		if err := t.add(e); err != nil {
			return opErr(t.op, ErrInvalidInput, "%v", err)
		}
		if err := p.repayDebt(t, t.es[len(t.es)-1].ID, pts, orderID); err != nil { // from the earning just made
			return err
		}
	}
	return nil
}

// repayDebt pays what it can of the customer's debt from the pts points
// just put into lot, as two legs: Repay takes them off the lot, Settle
// takes them off the debt.
func (p *Program) repayDebt(t *txn, lot string, pts units, orderID string) error {
	repay := min(t.acc.debt, pts)
	if repay <= 0 {
		return nil
	}
	if err := t.add(Entry{Kind: Repay, Points: p.dec(-repay), Lot: lot, Order: orderID}); err != nil {
		return err
	}
	return t.add(Entry{Kind: Settle, Points: p.dec(repay), Order: orderID})
}

// promote raises the tier to the highest of the qualifying tier and the
// tier rules ask for, if that is above the current one.
func (p *Program) promote(t *txn, out rules.Outcome, orderID string, now time.Time) error {
	if len(p.cfg.Tiers) == 0 {
		return nil
	}
	target := p.qualifying(&t.acc, now)
	if out.Tier != "" {
		if p.tierRank(out.Tier) < 0 {
			return opErr(t.op, ErrUnknownTier, "a tier rule asks for %q, which the programme does not have", out.Tier)
		}
		if p.tierRank(out.Tier) > p.tierRank(target) {
			target = out.Tier
		}
	}
	if p.tierRank(target) > p.tierRank(t.acc.tier) {
		return t.add(Entry{Kind: TierChange, Tier: target, Order: orderID})
	}
	return nil
}

// Refund takes back the points earned on the refunded share of an order.
// The clawback is computed on the cumulative refunded share (so partial
// refunds never drift, and refunding the whole order takes back exactly
// what was earned), from that order's lots first, then from other lots;
// what the customer has already spent becomes debt or is written off, by
// the programme's policy. A promotion the order caused is undone when the
// customer no longer qualifies without it.
func (p *Program) Refund(a Account, c Customer, r Refund, now time.Time) (Account, Result, error) {
	op := "refund:" + r.ID
	switch {
	case r.ID == "" || r.Order == "":
		return a, Result{}, opErr(op, ErrInvalidInput, "refund id and order are required")
	case len(r.Lines) > 0 && !r.Amount.IsZero():
		return a, Result{}, opErr(op, ErrInvalidInput, "give an amount or lines, not both")
	case len(r.Lines) == 0 && !r.Amount.IsPositive():
		return a, Result{}, opErr(op, ErrInvalidInput, "amount %s must be positive", r.Amount)
	}
	for i, l := range r.Lines {
		if l.SKU == "" || l.Qty <= 0 {
			return a, Result{}, opErr(op, ErrInvalidInput, "line %d: sku %q and quantity %d must be given and positive", i, l.SKU, l.Qty)
		}
	}
	fp := r.fingerprint()
	t, dup, err := p.begin(a, op, OpRefund, fp, now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	o, ok := a.order(r.Order)
	if !ok {
		return a, Result{}, opErr(op, ErrUnknownOrder, "order %q was never purchased on this account", r.Order)
	}
	amount, lines := r.Amount, []Line(nil)
	if len(r.Lines) > 0 {
		if lines, _, err = o.refundLines(r.Lines); err != nil {
			return a, Result{}, opErr(op, errors.Unwrap(err), "%v", err)
		}
		amount = linesValue(lines)
	}
	if left := o.total.Sub(o.refunded); amount.GreaterThan(left) {
		return a, Result{}, opErr(op, ErrRefundTooLarge, "%s asked, %s of order %s left to refund", amount, left, r.Order)
	}
	refunded := o.refunded.Add(amount)
	target := o.earned
	if refunded.LessThan(o.total) {
		share := p.dec(o.earned).Mul(refunded).DivRound(o.total, 30).RoundDown(p.cfg.PointsPlaces)
		target, _ = p.units(share) // at most o.earned
	}
	claw := target - o.reversed
	promotedTo, tierBefore := o.promotedTo, o.tierBefore
	if err := t.add(Entry{Kind: Record, Order: r.Order, Money: amount, Lines: lines, Fingerprint: fp}); err != nil {
		return a, Result{}, err
	}
	if claw > 0 {
		if err := p.claw(t, claw, r.Order); err != nil {
			return a, Result{}, err
		}
	}
	if promotedTo != "" && promotedTo == t.acc.tier {
		q := p.qualifying(&t.acc, now)
		if p.tierRank(q) < p.tierRank(t.acc.tier) {
			down := q
			if p.tierRank(tierBefore) > p.tierRank(q) {
				down = tierBefore
			}
			if down != "" {
				if err := t.add(Entry{Kind: TierChange, Tier: down, Order: r.Order}); err != nil {
					return a, Result{}, err
				}
			}
		}
	}
	return t.acc, t.result(), nil
}

// claw takes amount points back for an order: its own lots, then others
// (soonest to expire first), then debt or a write-off.
func (p *Program) claw(t *txn, amount units, orderID string) error {
	own := t.acc.orderLots(orderID)
	lots := func(yield func(*lot) bool) {
		for _, l := range own {
			if !yield(l) {
				return
			}
		}
		for l := range t.acc.openLots() {
			if l.order != orderID && !yield(l) {
				return
			}
		}
	}
	left, err := t.take(lots, amount, Reverse, orderID)
	if err != nil {
		return err
	}
	if left <= 0 {
		return nil
	}
	if p.cfg.RefundOfSpent == WriteOff {
		return t.add(Entry{Kind: WriteOffEntry, Money: p.dec(left), Order: orderID})
	}
	return t.add(Entry{Kind: Debt, Points: p.dec(-left), Order: orderID})
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

// Redeem spends available points (never pending ones, nor ones past their
// expiry), soonest to expire first.
func (p *Program) Redeem(a Account, c Customer, r Redemption, now time.Time) (Account, Result, error) {
	op := "redeem:" + r.ID
	pol := p.cfg.Redemption
	switch {
	case r.ID == "":
		return a, Result{}, opErr(op, ErrInvalidInput, "redemption id is required")
	case !r.Points.IsPositive():
		return a, Result{}, opErr(op, ErrInvalidInput, "points %s must be positive", r.Points)
	case !r.Points.Equal(r.Points.RoundDown(p.cfg.PointsPlaces)):
		return a, Result{}, opErr(op, ErrInvalidInput, "points %s have more than %d decimal places", r.Points, p.cfg.PointsPlaces)
	case r.Points.GreaterThan(p.dec(maxUnits)):
		return a, Result{}, opErr(op, ErrInvalidInput, "points %s are more than the ledger holds", r.Points)
	case r.OrderTotal.IsNegative():
		return a, Result{}, opErr(op, ErrInvalidInput, "order total %s is negative", r.OrderTotal)
	}
	if err := p.checkCurrency(op, r.Currency); err != nil {
		return a, Result{}, err
	}
	fp := r.fingerprint()
	t, dup, err := p.begin(a, op, OpRedeem, fp, now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	want, _ := p.units(r.Points) // checked above
	b := a.balance(now)
	net := b.available - a.debt
	netPoints := p.dec(net)
	money := r.Points.Mul(pol.PointValue)
	switch {
	case !pol.PointValue.IsPositive():
		return a, Result{}, opErr(op, ErrPolicy, "the programme has no point value: redemption is off")
	case want > net:
		return a, Result{}, opErr(op, ErrInsufficientPoints, "%s asked, %s available (%s pending)", r.Points, netPoints,
			p.dec(b.pending))
	case netPoints.LessThan(pol.MinBalance):
		return a, Result{}, opErr(op, ErrPolicy, "available balance %s is below the minimum %s", netPoints, pol.MinBalance)
	case r.OrderTotal.IsPositive() && pol.MaxShare.IsPositive() && money.GreaterThan(r.OrderTotal.Mul(pol.MaxShare)):
		return a, Result{}, opErr(op, ErrPolicy, "paying %s with points is more than the maximum share %s of the order %s", money, pol.MaxShare, r.OrderTotal)
	}
	if err := t.add(Entry{Kind: Record, Money: money, Fingerprint: fp}); err != nil {
		return a, Result{}, err
	}
	lots := func(yield func(*lot) bool) {
		for l := range t.acc.openLots() {
			if !now.Before(l.availableAt) && (l.expiresAt.IsZero() || now.Before(l.expiresAt)) && !yield(l) {
				return
			}
		}
	}
	if _, err := t.take(lots, want, Redeem, ""); err != nil {
		return a, Result{}, err
	}
	res := t.result()
	res.Discount = money
	return t.acc, res, nil
}

// CancelRedemption undoes redemption id (the order it paid for was
// cancelled): the points go back into the lots they came from, with those
// lots' expiry (points whose lot has expired since are past expiry again,
// and the next Expire run takes them), and any debt is paid from them
// first. Result.Points is the points restored; Result.Discount the money
// the redemption had paid, now owed again. The operation id is
// "unredeem:<id>": cancelling twice returns the first result.
func (p *Program) CancelRedemption(a Account, c Customer, id string, now time.Time) (Account, Result, error) {
	op := "unredeem:" + id
	if id == "" {
		return a, Result{}, opErr(op, ErrInvalidInput, "redemption id is required")
	}
	t, dup, err := p.begin(a, op, OpCancelRedemption, "", now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	rec, ok := a.op("redeem:" + id)
	if !ok {
		return a, Result{}, opErr(op, ErrUnknownRedemption, "no redemption %q on this account", id)
	}
	redeemed := a.opEntries(rec)
	if err := t.add(Entry{Kind: Record, Money: redeemed[0].Money, Discount: redeemed[0].Money}); err != nil {
		return a, Result{}, err
	}
	for _, e := range redeemed {
		if e.Kind != Redeem {
			continue
		}
		back := Entry{Kind: Restore, Points: e.Points.Neg(), Lot: e.Lot}
		if err := t.add(back); err != nil {
			return a, Result{}, err
		}
		pts, _ := p.units(back.Points)
		if err := p.repayDebt(t, e.Lot, pts, ""); err != nil {
			return a, Result{}, err
		}
	}
	return t.acc, t.result(), nil
}

// Expire expires the unspent remainder of every lot whose expiry is at or
// before now. Running it again for the same now adds nothing (it returns
// the first run's result, marked Duplicate), unless operations dated
// before now have made more lots due since: a further run, with id
// "expire:<now>#2", expires those.
func (p *Program) Expire(a Account, now time.Time) (Account, Result, error) {
	due := a.dueLots(now)
	t, done, err := p.scheduled(a, "expire:"+now.UTC().Format(time.RFC3339Nano), OpExpire, now, len(due) > 0)
	if err != nil || done != nil {
		return a, deref(done), err
	}
	if err := t.add(Entry{Kind: Record}); err != nil {
		return a, Result{}, err
	}
	for _, l := range due {
		if err := t.add(Entry{Kind: Expire, Points: p.dec(-l.remaining), Lot: l.id, Order: l.order}); err != nil {
			return a, Result{}, err
		}
	}
	return t.acc, t.result(), nil
}

// dueLots are the lots with points left whose expiry is at or before now,
// in earning order. In time order they are a prefix of the open lots.
func (a *Account) dueLots(now time.Time) []lot {
	var due []lot
	for i := a.firstOpen; i < a.lots.Len(); i++ {
		l := a.lots.Ptr(i)
		if l.expiresAt.IsZero() || now.Before(l.expiresAt) {
			if a.lotsUnsorted {
				continue
			}
			break
		}
		if l.remaining > 0 {
			due = append(due, *l)
		}
	}
	return due
}

// scheduled begins a run of a scheduled operation (expiry, tier review)
// at now, if todo says it has something to do. Its id is base, or base#2,
// base#3… when runs at the same instant exist already (operations dated
// before now can make more due after a run). With nothing to do it returns
// the last run's result as a duplicate (a retry), or an empty result.
func (p *Program) scheduled(a Account, base string, kind OpKind, now time.Time, todo bool) (*txn, *Result, error) {
	if now.IsZero() {
		return nil, nil, opErr(base, ErrInvalidInput, "now is zero")
	}
	op, last := base, ""
	for k := 2; ; k++ {
		if _, ok := a.op(op); !ok {
			break
		}
		last, op = op, base+"#"+strconv.Itoa(k)
	}
	if !todo {
		if last != "" {
			rec, _ := a.op(last)
			r := p.summarize(last, a.opEntries(rec), a.tier)
			r.Duplicate = true
			return nil, &r, nil
		}
		return nil, &Result{Op: base, Points: decimal.Zero, Discount: decimal.Zero, Tier: a.tier}, nil
	}
	return p.begin(a, op, kind, "", now)
}

// Event evaluates the rules on a non-purchase event (registration,
// birthday, review, survey answered, a referred customer's first
// purchase…) and awards what they give. The event id makes it once-only:
// use "birthday-2026" to reward a birthday once a year.
func (p *Program) Event(a Account, c Customer, ev Event, now time.Time) (Account, Result, error) {
	op := "event:" + ev.ID
	if ev.ID == "" || ev.Kind == "" {
		return a, Result{}, opErr(op, ErrInvalidInput, "event id and kind are required")
	}
	fp := ev.fingerprint()
	t, dup, err := p.begin(a, op, OpEvent, fp, now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	if err := t.add(Entry{Kind: Record, Fingerprint: fp}); err != nil {
		return a, Result{}, err
	}
	f := p.facts(&t.acc, c, now)
	f.Event = EventFacts{Kind: ev.Kind, Attributes: ev.Attributes}
	out, err := p.rules.Eval(f)
	if err != nil {
		return a, Result{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	t.annotate(decimal.Decimal{}, out.Gifts)
	if err := p.earn(t, out, p.roundPoints(out.Points), ""); err != nil {
		return a, Result{}, err
	}
	if err := p.promote(t, out, "", now); err != nil {
		return a, Result{}, err
	}
	r := t.result()
	r.Trace = out.Trace
	return t.acc, r, nil
}

// ReviewTier demotes a customer who no longer qualifies for their tier
// once TierGraceDays have passed since they last qualified for it (their
// promotion, or a purchase with which they still qualified). Run it at
// period ends; running it again for the same now adds nothing (as with
// Expire, a further run at the same instant gets the id "review:<now>#2").
func (p *Program) ReviewTier(a Account, now time.Time) (Account, Result, error) {
	scratch := a
	q := p.qualifying(&scratch, now)
	demote := a.tier != "" && p.tierRank(q) < p.tierRank(a.tier) && !now.Before(addDays(a.tierSince, p.cfg.TierGraceDays, p.loc))
	t, done, err := p.scheduled(a, "review:"+now.UTC().Format(time.RFC3339Nano), OpReview, now, demote)
	if err != nil || done != nil {
		return a, deref(done), err
	}
	if err := t.add(Entry{Kind: Record}); err != nil {
		return a, Result{}, err
	}
	if err := t.add(Entry{Kind: TierChange, Tier: q}); err != nil {
		return a, Result{}, err
	}
	return t.acc, t.result(), nil
}
