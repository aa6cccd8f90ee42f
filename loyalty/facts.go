package loyalty

import (
	"time"

	"github.com/shopspring/decimal"
)

// Facts is what the programme's rules see, as `customer.…`, `order.…`,
// `event.…` and `now`.
type Facts struct {
	Customer CustomerFacts `expr:"customer"`
	Order    OrderFacts    `expr:"order"`
	Event    EventFacts    `expr:"event"`
	Now      time.Time     `expr:"now"`
}

// EvalTime is the time rules are evaluated at.
func (f Facts) EvalTime() time.Time { return f.Now }

// DiscountBase is the order total: discounts never exceed it.
func (f Facts) DiscountBase() decimal.Decimal { return f.Order.Total }

// CustomerFacts is the customer as rules see them. For a purchase, the
// spend and order counts include the order being evaluated.
type CustomerFacts struct {
	ID                 string
	Tier               string
	Available, Pending decimal.Decimal
	LifetimeSpend      decimal.Decimal
	LifetimeOrders     int
	// WindowSpend and WindowOrders count the tier window (the last
	// TierWindowMonths months).
	WindowSpend   decimal.Decimal
	WindowOrders  int
	FirstPurchase time.Time
	LastPurchase  time.Time
	Birthday      time.Time
	Registered    time.Time
	// Attributes are the host's free attributes: `customer.Attributes["expecting"] == "yes"`.
	Attributes map[string]string
}

// OrderFacts is the order being evaluated (empty for events).
type OrderFacts struct {
	ID      string
	Total   decimal.Decimal
	Lines   []*Line
	Channel string
	Coupon  string
}

// Line is one order line: Qty units of SKU at the unit Price paid.
type Line struct {
	SKU      string          `json:"sku"`
	Category string          `json:"category,omitempty"`
	Qty      int             `json:"qty"`
	Price    decimal.Decimal `json:"price"`
}

// EventFacts is the non-purchase event being evaluated (empty for orders).
type EventFacts struct {
	Kind       string
	Attributes map[string]string
}
