package main

import (
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// The API's output shapes. Money and points are decimal strings
// ("1234.50"), never JSON numbers, so no client parses them into a float.

// balanceView is an account's points at an instant.
type balanceView struct {
	Available decimal.Decimal `json:"available"`
	Pending   decimal.Decimal `json:"pending"`
	Expiring  decimal.Decimal `json:"expiring,omitzero"`
	Held      decimal.Decimal `json:"held,omitzero"`
	Debt      decimal.Decimal `json:"debt,omitzero"`
	Tier      string          `json:"tier"`
}

func viewBalance(a loyalty.Account, now time.Time) balanceView {
	b := a.Balance(now)
	return balanceView{Available: b.Available, Pending: b.Pending, Expiring: b.Expiring, Held: b.Held, Debt: b.Debt, Tier: a.Tier()}
}

// resultView is what an operation did, and the balance after it. It is
// stored with the operation and returned unchanged to a retry.
type resultView struct {
	Op string `json:"op"`
	At string `json:"at"`
	// Points earned (purchase, event), spent (redemption, capture), taken
	// back (refund) or expired.
	Points decimal.Decimal `json:"points"`
	// Discount is the rules' discount on a purchase, or the money points
	// pay (redemption, hold, capture).
	Discount decimal.Decimal `json:"discount,omitzero"`
	// Money is, for a purchase, what the customer pays; for a refund,
	// the money refunded.
	Money         decimal.Decimal    `json:"money,omitzero"`
	Gifts         []string           `json:"gifts,omitempty"`
	PointsBack    decimal.Decimal    `json:"points_back,omitzero"`
	GiftsBack     []string           `json:"gifts_back,omitempty"`
	Tier          string             `json:"tier"`
	TierChanged   bool               `json:"tier_changed,omitempty"`
	FirstPurchase bool               `json:"first_purchase,omitempty"`
	RuleFailures  []*rules.RuleError `json:"rule_failures,omitempty"`
	// Until is when a hold lapses (hold operations).
	Until string `json:"until,omitempty"`
	// Entries is how many ledger entries the operation wrote.
	Entries int         `json:"entries"`
	Balance balanceView `json:"balance"`
	// Duplicate is set on the rare retry whose original response was
	// not stored (an operation that wrote nothing).
	Duplicate bool `json:"duplicate,omitempty"`
}

// renderResult is the Render of every ledger operation.
func renderResult(p *loyalty.Program, r loyalty.Result, a loyalty.Account, now time.Time) any {
	until := ""
	for _, e := range r.Entries {
		if e.Kind == loyalty.Record && e.OpKind == loyalty.OpHold {
			until = e.ExpiresAt.In(p.Location()).Format(time.RFC3339)
		}
	}
	return resultView{Until: until,
		Op: r.Op, At: now.In(p.Location()).Format(time.RFC3339),
		Points: r.Points, Discount: r.Discount, Money: r.Money, Gifts: r.Gifts,
		PointsBack: r.PointsBack, GiftsBack: r.GiftsBack, Tier: r.Tier, TierChanged: r.TierChanged,
		FirstPurchase: r.FirstPurchase, RuleFailures: r.RuleFailures, Entries: len(r.Entries),
		Balance: viewBalance(a, now), Duplicate: r.Duplicate,
	}
}
