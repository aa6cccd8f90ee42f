package loyalty

import (
	"fmt"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/shopspring/decimal"
)

// order is what the account keeps of a purchase. Its amounts are the
// ones named in the package documentation (Money semantics).
type order struct {
	id string
	at time.Time
	// paid = goods − discount − pointsPaid is the money the customer
	// paid: what spend counts and refunds are measured against.
	paid          decimal.Decimal
	cum           decsum.Sum // paid of all orders up to this one
	refunded      decimal.Decimal
	returnedGoods decimal.Decimal // the goods value of the lines returned
	inRefunded    bool            // listed in Account.refundedOrders
	earned        units           // points earned on it
	reversed      units           // points taken back for it: reversed, debt and written off
	pointsBack    units           // of the points that paid for it, what returns gave back
	tierBefore    string
	promotedTo    string
	returned      []int // units of each line refunded (nil: none); copied to change
	// use0 and nuses are where the uses of limited rules on it are in
	// Account.uses.
	use0, nuses int
	// info is what never changes after the purchase, shared between
	// versions (nil: goods = paid, no lines, not paid with points), so an
	// order that changes copies less.
	info *orderInfo
}

// orderInfo is the part of an order that never changes: the goods (the
// order's Total), the rules' discount, the money points paid, the lines as
// bought, and the record (1 + its index) of the redemption or capture whose
// paidPoints paid for it.
type orderInfo struct {
	goods, discount, pointsPaid decimal.Decimal
	lines                       []Line
	paidWith                    int
	paidPoints                  units
}

var noInfo orderInfo

func (o *order) details() *orderInfo {
	if o.info == nil {
		return &noInfo
	}
	return o.info
}

func (o *order) goods() decimal.Decimal {
	if o.info == nil {
		return o.paid
	}
	return o.info.goods
}
func (o *order) discount() decimal.Decimal   { return o.details().discount }
func (o *order) pointsPaid() decimal.Decimal { return o.details().pointsPaid }
func (o *order) lines() []Line               { return o.details().lines }
func (o *order) paidWith() int               { return o.details().paidWith }
func (o *order) paidPoints() units           { return o.details().paidPoints }

// newOrder is an order as bought; info is kept only when it says more
// than paid does.
func newOrder(id string, at time.Time, paid decimal.Decimal, info orderInfo, tierBefore string) order {
	o := order{id: id, at: at, paid: paid, tierBefore: tierBefore}
	if !info.goods.Equal(paid) || len(info.lines) > 0 || info.paidWith != 0 || !info.discount.IsZero() || !info.pointsPaid.IsZero() {
		o.info = &info
	}
	return o
}

// returnedShare is the share of the order returned so far, as a fraction:
// the money refunded of the money paid; for an order paid without money,
// the goods returned of its goods; for an order of no value, the units
// returned of the units bought (0 of 1 when it has no lines: nothing can
// be returned).
func (o *order) returnedShare() (num, den decimal.Decimal) {
	switch {
	case o.paid.IsPositive():
		return o.refunded, o.paid
	case o.goods().IsPositive():
		return o.returnedGoods, o.goods()
	}
	var bought, back int64
	for i, l := range o.lines() {
		bought += int64(l.Qty)
		if i < len(o.returned) {
			back += int64(o.returned[i])
		}
	}
	if bought == 0 {
		return decimal.Zero, decimal.NewFromInt(1)
	}
	return decimal.NewFromInt(back), decimal.NewFromInt(bought)
}

// fullyReturned reports whether nothing of the order is left.
func (o *order) fullyReturned() bool {
	num, den := o.returnedShare()
	return !num.LessThan(den)
}

// lineRefundMoney is the money a refund of lines (priced at the order's
// line prices, i.e. goods) gives back: the lines' share of the money paid,
// rounded down to the programme's money places, computed on the
// cumulative goods returned so that returning every line refunds exactly
// the money paid.
func (p *Program) lineRefundMoney(o *order, lines []Line) (decimal.Decimal, error) {
	before := o.returnedGoods
	after := before.Add(linesValue(lines))
	if after.GreaterThan(o.goods()) {
		return decimal.Zero, fmt.Errorf("%w: lines worth %s returned of order %s, whose goods are %s", ErrRefundTooLarge, after, o.id, o.goods())
	}
	return p.paidFor(o, after).Sub(p.paidFor(o, before)), nil
}

// paidFor is the money paid for goods worth g of order o.
func (p *Program) paidFor(o *order, g decimal.Decimal) decimal.Decimal {
	switch {
	case g.Equal(o.goods()):
		return o.paid
	case o.paid.Equal(o.goods()) && g.Exponent() >= -p.cfg.MoneyPlaces:
		return g
	case !o.goods().IsPositive():
		return decimal.Zero
	}
	q, _ := g.Mul(o.paid).QuoRem(o.goods(), p.cfg.MoneyPlaces)
	return q
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
		returned = make([]int, len(o.lines()))
	}
	var out []Line
	for _, r := range ask {
		want, found := r.Qty, false
		for i, l := range o.lines() {
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
// what refundLines makes of them. It returns them.
func (o *order) returnLines(lines []Line) ([]Line, error) {
	ask := make([]RefundLine, len(lines))
	for i, l := range lines {
		ask[i] = RefundLine{SKU: l.SKU, Qty: l.Qty}
	}
	priced, returned, err := o.refundLines(ask)
	if err != nil {
		return nil, err
	}
	if !slices.EqualFunc(priced, lines, func(a, b Line) bool { return a.SKU == b.SKU && a.Qty == b.Qty && a.Price.Equal(b.Price) }) {
		return nil, fmt.Errorf("refund lines %v do not match order %s", lines, o.id)
	}
	o.returned = returned
	return priced, nil
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

// OrderSummary is what the ledger knows of one order: Total is the goods
// before discounts, Paid the money paid (Total − Discount − PointsPaid),
// Refunded the money refunded.
type OrderSummary struct {
	ID                                          string
	At                                          time.Time
	Total, Discount, PointsPaid, Paid, Refunded decimal.Decimal
	// Earned is the points earned on it; Reversed the points taken back
	// for its refunds (reversed, debt and written off).
	Earned, Reversed decimal.Decimal
	// PointsBack is the points that paid for it given back by its refunds.
	PointsBack decimal.Decimal
}

// Orders lists the account's orders, oldest first.
func (a Account) Orders() []OrderSummary {
	out := make([]OrderSummary, a.orders.Len())
	for i, o := range a.orders.All {
		out[i] = OrderSummary{ID: o.id, At: o.at, Total: o.goods(), Discount: o.discount(), PointsPaid: o.pointsPaid(), Paid: o.paid,
			Refunded: o.refunded, Earned: toDecimal(o.earned, a.places), Reversed: toDecimal(o.reversed, a.places),
			PointsBack: toDecimal(o.pointsBack, a.places)}
	}
	return out
}
