package loyalty

import (
	"time"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// Facts is what the programme's rules see, as `customer.…`, `order.…`,
// `event.…` and `now`.
type Facts struct {
	Customer CustomerFacts `expr:"customer"`
	Order    OrderFacts    `expr:"order"`
	Event    EventFacts    `expr:"event"`
	Now      time.Time     `expr:"now"`
	// Goals are the programme's goals on a purchase: goals["card"].Completes.
	Goals    map[string]GoalFacts `expr:"goals"`
	occasion string
	ext      any        // Customer.Ext, for a programme compiled with CompileWith
	limits   *limitView // counts the limited rules' uses (nil: none used)
	grants   Grants     // what shared budgets granted the operation
}

// Granted is what budget granted the operation ([Grants]), for the rules
// engine (rules.Budgeter).
func (f Facts) Granted(budget string) (decimal.Decimal, bool) {
	g, ok := f.grants[budget]
	return g, ok
}

// OccasionPurchase is the occasion of a purchase: a rule whose On is empty
// or lists "purchase" runs on purchases; an event runs the rules whose On
// lists its kind.
const OccasionPurchase = "purchase"

// Occasion is what the facts are evaluated for: "purchase", or an event's
// kind. Rules run only on the occasions their On lists (empty: purchases).
func (f Facts) Occasion() string { return f.occasion }

// EvalTime is the time rules are evaluated at.
func (f Facts) EvalTime() time.Time { return f.Now }

// EvalSize is the number of order lines, the longest collection rules
// iterate: the rules engine bounds a rule's cost by it (rules.Sizer).
func (f Facts) EvalSize() int { return len(f.Order.Lines) }

// DiscountBase is the order total: discounts never exceed it.
func (f Facts) DiscountBase() decimal.Decimal { return f.Order.Total }

// CustomerFacts is the customer as rules see them, before the operation
// being evaluated: LifetimeSpend, LifetimeOrders and the window do not
// include the order being bought (see [OrderFacts]). Spend is money paid,
// net of refunds. A zero time (no birthday on file, no purchase yet) is
// unknown: a date helper given one does not apply (rules: ErrUnknown).
// Available, Pending, the window's, the month's and LifetimeSpend are
// computed only when some rule or goal of the programme reads them
// ([rules.Set.Reads]); they cost a look over the account.
type CustomerFacts struct {
	ID                 string
	Tier               string
	Available, Pending decimal.Decimal
	LifetimeSpend      decimal.Decimal
	LifetimeOrders     int
	// WindowSpend and WindowOrders count the tier window (the last
	// TierWindowMonths months).
	WindowSpend  decimal.Decimal
	WindowOrders int
	// MonthSpend and MonthOrders count the current calendar month in the
	// programme's zone, up to now and before the order being evaluated:
	// "the third purchase this month" is `customer.MonthOrders == 2`.
	MonthSpend    decimal.Decimal
	MonthOrders   int
	FirstPurchase time.Time
	LastPurchase  time.Time
	Birthday      time.Time
	Registered    time.Time
	// Attributes are the host's free attributes: `customer.Attributes["expecting"] == "yes"`.
	Attributes map[string]string
}

// OrderFacts is the order being evaluated (empty for events). Total is
// the goods before discounts; PointsPaid the money points pay for it;
// Number is its place among the customer's orders (1 for the first, 10 for
// the tenth).
type OrderFacts struct {
	ID         string
	Total      decimal.Decimal
	PointsPaid decimal.Decimal
	Number     int
	Lines      []*Line
	Channel    string
	Coupon     string
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

// factReads are the customer facts the programme's rules and goals read,
// of those that cost a walk over the account to compute.
type factReads struct {
	balance  bool // Available, Pending
	window   bool // WindowSpend, WindowOrders
	month    bool // MonthSpend, MonthOrders
	lifetime bool // LifetimeSpend
}

// factsRead is what the sets read; steps may be nil.
func factsRead(set ruleSet, goals, steps *rules.Set[Facts]) factReads {
	read := func(fields ...string) bool {
		for _, f := range fields {
			path := "customer." + f
			if set.Reads(path) || goals.Reads(path) || steps != nil && steps.Reads(path) {
				return true
			}
		}
		return false
	}
	return factReads{balance: read("Available", "Pending"), window: read("WindowSpend", "WindowOrders"),
		month: read("MonthSpend", "MonthOrders"), lifetime: read("LifetimeSpend")}
}
