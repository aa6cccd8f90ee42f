package loyalty

import (
	"fmt"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/shopspring/decimal"
)

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
