package loyalty

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/decbound"
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
	// Ext is the host's own facts for this operation, of the type the
	// programme was compiled with by [CompileWith] (rules see it as ext);
	// nil under [Compile].
	Ext any `json:"-"`
}

// Order is a purchase. Total is the goods' price before the programme's
// discount and before any points paid: the sum of the lines when there
// are lines (see Money semantics in the package documentation).
// Redemption, when set, is the id of the redemption or captured hold whose
// points pay for part of it. Currency, when set, must be the programme's.
type Order struct {
	ID         string          `json:"id"`
	Currency   string          `json:"currency,omitempty"`
	Total      decimal.Decimal `json:"total"`
	Redemption string          `json:"redemption,omitempty"`
	Lines      []Line          `json:"lines,omitempty"`
	Channel    string          `json:"channel,omitempty"`
	Coupon     string          `json:"coupon,omitempty"`
	// Grants are what shared budgets granted this order, by budget name:
	// a rule with that Budget gives at most its grant (see [Grants]).
	Grants Grants `json:"grants,omitempty"`
}

// Grants are what shared budgets (a campaign's, see the campaign package)
// granted one operation, by budget name. A rule whose Budget is named
// gives at most its grant: its trace step is capped ("budget spring: 40
// granted") or, with nothing granted or no grant given, limited, and the
// operation goes on. The host reserves the grant from the budget before
// the operation: a [Program.Quote] without grants shows in each budgeted
// rule's trace step (Computed) what it would give, which is what to
// reserve. Amounts are points for accrual rules (before the share paid in
// points scales them), money for discounts.
type Grants map[string]decimal.Decimal

func (g Grants) check() error {
	if len(g) == 0 {
		return nil // no allocation on the common path (maps.Keys makes one)
	}
	for _, b := range slices.Sorted(maps.Keys(g)) {
		switch {
		case b == "":
			return fmt.Errorf("a grant has no budget name")
		case !decbound.OK(g[b]):
			return decbound.Err(fmt.Sprintf("grant of budget %q", b), g[b])
		case g[b].IsNegative():
			return fmt.Errorf("grant of budget %q is %s, below 0", b, g[b])
		}
	}
	return nil
}

// Refund returns part or all of an order's money: an Amount of the money
// the customer paid, or Lines — units of the order's lines; they refund
// their share of the money paid (their value at the order's line prices ×
// money paid / goods), rounded down to Config.MoneyPlaces on the cumulative
// lines returned, so that returning every line refunds exactly the money
// paid.
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
	// Grants are what shared budgets granted this event (see [Grants]).
	Grants Grants `json:"grants,omitempty"`
}

// Earning is what one accrual rule's value became: the rule gave Value
// (its trace step's value); the ledger earned Points. Why says what made
// them differ (0 when they do not).
type Earning struct {
	RuleID string
	Value  decimal.Decimal
	Points decimal.Decimal
	Why    EarnReason `json:",omitempty"`
}

// EarnReason is a set of the reasons an accrual rule's value and the
// points earned for it differ.
type EarnReason uint8

const (
	// EarnedOnPaid: the order was paid partly by the rules' discount or by
	// points, and points are earned on the money paid: the rules' points ×
	// Result.Money / the order's Total, then rounded and shared as for
	// Rounded.
	EarnedOnPaid EarnReason = 1 << iota
	// Rounded: the total of the rules' points was rounded to the
	// programme's points places (its Rounding) and shared over the rules
	// by largest remainder.
	Rounded
)

var earnReasonNames = [...]string{"earned_on_paid", "rounded"}

// String lists the reasons, such as "earned_on_paid+rounded".
func (r EarnReason) String() string {
	var parts []string
	for i, n := range earnReasonNames {
		if r&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, "+")
}

// MarshalText writes String.
func (r EarnReason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads what MarshalText writes.
func (r *EarnReason) UnmarshalText(b []byte) error {
	*r = 0
	if len(b) == 0 {
		return nil
	}
	for _, part := range strings.Split(string(b), "+") {
		i := slices.Index(earnReasonNames[:], part)
		if i < 0 {
			return fmt.Errorf("loyalty: unknown earn reason %q (valid: %s)", part, strings.Join(earnReasonNames[:], ", "))
		}
		*r |= 1 << i
	}
	return nil
}

// Result is what an operation did.
type Result struct {
	Op      string
	Entries []Entry
	// Points is the points earned (purchase, event), spent (redemption),
	// taken back (refund: reversed + debt + written off) or expired.
	Points decimal.Decimal
	// Discount is the money off: the rules' discount on a purchase, or the
	// money a redemption, hold or capture's points pay.
	Discount decimal.Decimal
	// Money is, for a purchase, the money the customer pays (Total −
	// Discount − points paid); for a refund, the money refunded.
	Money decimal.Decimal
	Gifts []string
	// PointsBack is, for a refund, the points that had paid for the order
	// given back to the customer; GiftsBack the gifts to take back.
	PointsBack decimal.Decimal
	GiftsBack  []string
	// Tier is the tier after the operation; TierChanged says it moved.
	Tier        string
	TierChanged bool
	// Trace explains every rule (purchases and events; nil on a retry).
	Trace []rules.Step
	// Earned says, for each accrual rule that applied, what its value in
	// the trace became in the ledger and why they differ (nil on a retry).
	Earned []Earning
	// RuleFailures are the rules that failed at run time and contributed
	// nothing (their steps say so too): the operation went on without
	// them. Alert on them; a strict programme fails instead.
	RuleFailures []*rules.RuleError
	// FirstPurchase is set on a customer's first purchase (to reward a
	// referrer with an Event on their account).
	FirstPurchase bool
	// Duplicate is set when the operation had already been applied: the
	// result is the original's (without its Entries, Trace, Earned and
	// RuleFailures, which the host has from the first call) and nothing
	// was added.
	Duplicate bool
}
