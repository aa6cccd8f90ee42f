package loyalty

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/internal/decbound"
	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// facts builds what rules see from the account as it is before the
// operation: spend, orders and the tier window do not include the order
// being evaluated (that is order.…).
func (p *Program) facts(a *Account, c Customer, now time.Time, occasion string) Facts {
	f := Facts{
		Customer: CustomerFacts{ID: c.ID, Tier: a.tier, LifetimeOrders: a.orderN,
			FirstPurchase: p.inZone(a.first), LastPurchase: p.inZone(a.last), Birthday: c.Birthday, Registered: c.Registered,
			Attributes: c.Attributes},
		Now:      now.In(p.loc),
		occasion: occasion,
		ext:      c.Ext,
	}
	// What no rule reads is left zero: each costs a look over the account.
	cf := &f.Customer
	if p.reads.balance {
		b := a.balance(now)
		cf.Available, cf.Pending = p.dec(b.available), p.dec(b.pending)
	}
	if p.reads.window {
		spend, n := p.window(a, now)
		cf.WindowSpend, cf.WindowOrders = spend.Value(), n
	}
	if p.reads.month {
		spend, n := p.span(a, calendar.PeriodStart(now.In(p.loc), 1, 0).Add(-1), now) // from the month's first instant
		cf.MonthSpend, cf.MonthOrders = spend.Value(), n
	}
	if p.reads.lifetime {
		cf.LifetimeSpend = a.spend.Value()
	}
	if p.hasLimits || len(p.cfg.Goals) > 0 { // only then is anything counted
		f.limits = &limitView{p: p, a: a}
	}
	return f
}

// inZone is t in the programme's zone (a zero t stays zero: unknown), so
// that rules read the same day and hour of an instant whether it came
// from the till, a replay or a snapshot.
func (p *Program) inZone(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(p.loc)
}

// evaluate runs the rules on f. A rule that fails is contained by the
// rules engine (its step says so and the outcome lists it) unless the
// programme is strict, when the operation fails with [ErrRule] and the
// rule's *rules.RuleError.
func (p *Program) evaluate(op string, f Facts) (rules.Outcome, error) {
	out, err := p.rules.eval(f, f.ext)
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, rules.ErrEval) || errors.Is(err, rules.ErrResult):
		return out, opCause(op, ErrRule, err)
	}
	return out, opCause(op, ErrInvalidInput, err)
}

// Purchase applies an order: it evaluates the rules once on the customer
// as they are before the order and on the order, records the order, and
// returns the points earned, the discount, the gifts and any tier
// promotion. The amounts are the ones the package documentation names
// (Money semantics): accrual rules see the goods (order.Total); the points
// they award are scaled by the share of the goods paid in money (after the
// rules' discount and the points paying for it), rounded by the
// programme, and split over one lot per rule without losing a unit.
// Earned points pay off any debt first. Result.Money is the money to
// charge.
func (p *Program) Purchase(a Account, c Customer, o Order, now time.Time) (Account, Result, error) {
	return p.purchase(a, c, o, now, false)
}

// Quote is what [Program.Purchase] would return for the order now —
// points, discount, gifts, tier, trace and the entries it would write —
// with nothing recorded: the account a is not changed and no new account
// is returned. Order.Redemption may name an open hold (its points are
// counted as paying). A quote of an order already purchased returns that
// purchase's result, marked Duplicate.
func (p *Program) Quote(a Account, c Customer, o Order, now time.Time) (Result, error) {
	a.owner = nil // a quote changes nothing: never in place
	_, r, err := p.purchase(a, c, o, now, true)
	return r, err
}

func (p *Program) purchase(a Account, c Customer, o Order, now time.Time, quote bool) (Account, Result, error) {
	op := purchaseOp(o.ID)
	if err := p.usable(op); err != nil {
		return a, Result{}, err
	}
	if err := p.checkCurrency(op, o.Currency); err != nil {
		return a, Result{}, err
	}
	if err := checkOrder(o); err != nil {
		return a, Result{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	t, dup, err := p.begin(a, c.ID, op, OpPurchase, o.fingerprint(), now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	t.quote = quote
	ref, pointsPaid, err := p.payment(&t.acc, op, o, now, quote)
	if err != nil {
		return a, Result{}, err
	}
	f := p.facts(&t.acc, c, now, OccasionPurchase)
	f.Order = OrderFacts{ID: o.ID, Total: o.Total, Number: t.acc.orderN + 1, PointsPaid: pointsPaid, Channel: o.Channel,
		Coupon: o.Coupon, Lines: make([]*Line, len(o.Lines))}
	f.grants = o.Grants
	for i := range o.Lines {
		f.Order.Lines[i] = &o.Lines[i]
	}
	goals, steps, goalFailures, err := p.goalFacts(f)
	if err == nil && len(goalFailures) > 0 && p.cfg.StrictRules {
		err = goalFailures[0]
	}
	if err != nil {
		return a, Result{}, opCause(op, ErrRule, err)
	}
	f.Goals = goals
	out, err := p.evaluate(op, f)
	if err != nil {
		return a, Result{}, err
	}
	out.Failures = append(goalFailures, out.Failures...)
	if share := p.cfg.Redemption.MaxShare; share.IsPositive() && pointsPaid.GreaterThan(o.Total.Mul(share)) {
		return a, Result{}, opErr(op, ErrPolicy, "points pay %s of order %s, more than the maximum share %s of its total %s",
			pointsPaid, o.ID, share, o.Total)
	}
	paid := o.Total
	if !out.Discount.IsZero() || !pointsPaid.IsZero() {
		paid = o.Total.Sub(out.Discount).Sub(pointsPaid)
	}
	if paid.IsNegative() {
		return a, Result{}, opErr(op, ErrInvalidInput, "points pay %s, more than the %s left of order %s after the discount %s",
			pointsPaid, o.Total.Sub(out.Discount), o.ID, out.Discount)
	}
	rec := Entry{Kind: Record, Order: o.ID, Money: o.Total, Discount: out.Discount, PointsPaid: pointsPaid, Ref: ref,
		Gifts: out.Gifts, Uses: p.ruleUses(out), Goals: steps, Fingerprint: t.fp}
	if len(o.Lines) > 0 {
		rec.Lines = slices.Clone(o.Lines)
	}
	if len(p.cfg.Tiers) > 0 && t.acc.tier != "" {
		spend, n := p.window(&t.acc, now)
		spend.Add(paid)
		if p.tierRank(p.tierFor(spend, n+1)) >= p.tierRank(t.acc.tier) {
			rec.Tier = t.acc.tier // the purchase still qualifies: the grace period starts again
		}
	}
	n := accruals(out)
	t.room = 1 + n // the record and the earnings; a tier makes room as it comes
	if t.acc.debt > 0 {
		t.room += 2 * n // an earning may repay debt: two more entries each
	}
	if err := t.add(rec); err != nil {
		return a, Result{}, opCause(op, ErrInvalidInput, err)
	}
	if err := p.earn(t, out, p.paidPoints(out.Points, paid, o.Total), o.ID); err != nil {
		return a, Result{}, err
	}
	if err := p.promote(t, out, o.ID, now); err != nil {
		return a, Result{}, err
	}
	acc, r := t.finish()
	r.Trace, r.RuleFailures, r.Money = out.Trace, out.Failures, paid
	if acc.scratch != scratchNoEntries { // Earned is read from the entries
		r.Earned = p.earnings(out, r.Entries, paid, o.Total)
	}
	return acc, r, nil
}

// earnings pairs each applied accrual rule's value with the points the
// ledger earned for it (its Earn entries), and why they differ.
func (p *Program) earnings(out rules.Outcome, entries []Entry, paid, goods decimal.Decimal) []Earning {
	var es []Earning
	onPaid := paid.LessThan(goods) && goods.IsPositive()
	for _, st := range out.Trace {
		if st.Kind != rules.Accrual || !st.Value.IsPositive() {
			continue
		}
		var pts units
		for i := range entries {
			if en := &entries[i]; en.Kind == Earn && en.RuleID == st.RuleID {
				u, _ := p.units(en.Points) // written by earn: whole units
				pts += u
			}
		}
		e := Earning{RuleID: st.RuleID, Value: st.Value, Points: p.dec(pts)}
		switch {
		case e.Points.Equal(e.Value):
		case onPaid:
			e.Why = EarnedOnPaid
		default:
			e.Why = Rounded
		}
		if es == nil {
			es = make([]Earning, 0, len(out.Trace))
		}
		es = append(es, e)
	}
	return es
}

// payment finds what the order's points paid: the operation id of the
// redemption or capture (or, for a quote, open hold) it names, and the
// money its points pay.
func (p *Program) payment(a *Account, op string, o Order, now time.Time, quote bool) (string, decimal.Decimal, error) {
	if o.Redemption == "" {
		return "", decimal.Zero, nil
	}
	for _, ref := range [...]string{"redeem:" + o.Redemption, "capture:" + o.Redemption, "hold:" + o.Redemption} {
		rec, ok := a.op(ref)
		switch {
		case !ok:
			continue
		case rec.kind == OpHold:
			if h := a.holds.Ptr(rec.hold - 1); !quote || !h.holding(now) {
				return "", decimal.Zero, opErr(op, ErrInvalidInput, "hold %q must be captured before the purchase", o.Redemption)
			}
			return ref, rec.discount, nil // a quote only: a purchase's record never names a hold
		case rec.order != 0:
			return "", decimal.Zero, opErr(op, ErrInvalidInput, "%s already paid for order %s", ref, a.orders.Ptr(rec.order-1).id)
		case rec.taken.left() != rec.taken.sum():
			return "", decimal.Zero, opErr(op, ErrInvalidInput, "%s was cancelled: its points were given back", ref)
		}
		return ref, rec.discount, nil
	}
	return "", decimal.Zero, opErr(op, ErrUnknownRedemption, "no redemption or hold %q on this account", o.Redemption)
}

func checkOrder(o Order) error {
	switch {
	case o.ID == "":
		return fmt.Errorf("order id is empty")
	case !decbound.OK(o.Total):
		return decbound.Err("order "+o.ID+" total", o.Total)
	case o.Total.IsNegative():
		return fmt.Errorf("order %s total %s is negative", o.ID, o.Total)
	}
	if err := o.Grants.check(); err != nil {
		return fmt.Errorf("order %s: %w", o.ID, err)
	}
	for i, l := range o.Lines {
		if !decbound.OK(l.Price) {
			return decbound.Err(fmt.Sprintf("order %s line %d price", o.ID, i), l.Price)
		}
		if l.Qty <= 0 || l.Price.IsNegative() {
			return fmt.Errorf("order %s line %d: quantity %d and price %s must be positive", o.ID, i, l.Qty, l.Price)
		}
	}
	var lines, total decsum.Sum
	for _, l := range o.Lines {
		lines.AddMul(l.Price, int64(l.Qty))
	}
	if total.Add(o.Total); lines.Cmp(total) > 0 {
		return fmt.Errorf("order %s: its lines are worth %s, more than its total %s", o.ID, lines.Value(), o.Total)
	}
	return nil
}

// paidPoints is the rules' points scaled by the share of the goods paid
// in money, rounded by the programme: exactly, points × paid / goods,
// rounded once.
func (p *Program) paidPoints(points, paid, goods decimal.Decimal) decimal.Decimal {
	if paid.Equal(goods) || !goods.IsPositive() {
		return p.roundPoints(points)
	}
	return p.share(points, paid, goods, p.cfg.Rounding == HalfUp)
}

// share is x × num / den rounded to the points places, half up or down:
// the one rounding every share of points goes through.
func (p *Program) share(x, num, den decimal.Decimal, halfUp bool) decimal.Decimal {
	scaled := x.Mul(num)
	if halfUp {
		return scaled.DivRound(den, p.cfg.PointsPlaces)
	}
	q, _ := scaled.QuoRem(den, p.cfg.PointsPlaces) // truncated: rounded down, as points are never negative
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
		if err := p.repayDebt(t, t.lastID, pts, orderID); err != nil { // from the earning just made
			return err
		}
	}
	return nil
}

// accruals is how many accrual rules of out give points: at most the
// earnings a purchase makes (allocateUnits may round some to nothing).
func accruals(out rules.Outcome) int {
	n := 0
	for _, st := range out.Trace {
		if st.Kind == rules.Accrual && st.Value.IsPositive() {
			n++
		}
	}
	return n
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
