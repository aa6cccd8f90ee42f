package rules_test

import (
	"time"

	"github.com/shopspring/decimal"
)

// shopFacts is the facts type the tests, examples and benchmarks use: what
// a small shop knows when an order comes in.
type shopFacts struct {
	Customer customer  `expr:"customer"`
	Order    order     `expr:"order"`
	Now      time.Time `expr:"now"`
	// Event is the occasion (see Occasion): "purchase", "review", or "".
	Event string `expr:"event"`
}

type customer struct {
	ID            string
	Tier          string
	Orders        int
	LifetimeSpend decimal.Decimal
	Birthday      time.Time
	Expecting     bool
	Score         float64
}

type order struct {
	ID      string
	Total   decimal.Decimal
	Channel string
	Coupon  string
	Lines   []*line
}

type line struct {
	SKU      string
	Category string
	Qty      int
	Price    decimal.Decimal
}

func (f shopFacts) EvalTime() time.Time           { return f.Now }
func (f shopFacts) DiscountBase() decimal.Decimal { return f.Order.Total }
func (f shopFacts) Occasion() string              { return f.Event }

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func sampleFacts() shopFacts {
	return shopFacts{
		Customer: customer{ID: "c1", Tier: "silver", Orders: 11, LifetimeSpend: d("98500"),
			Birthday: time.Date(1990, 3, 14, 0, 0, 0, 0, time.UTC)},
		Order: order{ID: "o1", Total: d("1234.56"), Channel: "web", Lines: []*line{
			{SKU: "suit-1", Category: "suits", Qty: 1, Price: d("999.00")},
			{SKU: "tie-2", Category: "accessories", Qty: 2, Price: d("117.78")},
		}},
		Now: time.Date(2026, 3, 10, 15, 30, 0, 0, time.UTC),
	}
}
