package loyalty

import (
	"fmt"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

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
