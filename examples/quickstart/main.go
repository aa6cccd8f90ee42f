// Quickstart: a small coffee shop's loyalty rules, compiled once and
// evaluated on one order, with the trace that explains every decision.
//
//	go run ./examples/quickstart
package main

import (
	"fmt"
	"os"
	"time"
	_ "time/tzdata" // the programme's zone works on machines without a zone database

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// Facts is what the shop knows when an order comes in. Field names (or
// their expr tags) are the names rules use.
type Facts struct {
	Customer Customer  `expr:"customer"`
	Order    Order     `expr:"order"`
	Now      time.Time `expr:"now"`
}

type Customer struct {
	Tier          string
	Orders        int
	LifetimeSpend decimal.Decimal
	Birthday      time.Time
}

type Order struct {
	Total   decimal.Decimal
	Channel string
	Lines   []*Line
}

type Line struct {
	SKU      string
	Category string
	Qty      int
	Price    decimal.Decimal
}

func (f Facts) EvalTime() time.Time           { return f.Now }
func (f Facts) DiscountBase() decimal.Decimal { return f.Order.Total }

// programme is the coffee shop's rule list, as it could come from JSON.
var programme = []rules.Rule{
	{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total / 100) * 5",
		Description: "5 points per 100 spent"},
	{ID: "beans-x2", Kind: rules.Accrual, When: `any(order.Lines, .Category == "beans")`,
		Value:       `floor(sum(filter(order.Lines, .Category == "beans"), .Price * .Qty) / 100) * 5`,
		Description: "double points on coffee beans"},
	{ID: "gold-bonus", Kind: rules.Accrual, When: `customer.Tier == "gold"`, Value: "order.Total * 0.02", Cap: decimal.NewFromInt(50)},
	{ID: "tenth-visit", Kind: rules.Accrual, When: "customer.Orders == 9", Value: "100",
		Description: "thank you for the 10th visit"},
	{ID: "regular-5", Kind: rules.Discount, Unit: rules.Percent, Priority: 2, Stacking: rules.Exclusive,
		When: "customer.LifetimeSpend >= 20000", Value: "5", Description: "cumulative discount, step 2"},
	{ID: "regular-3", Kind: rules.Discount, Unit: rules.Percent, Priority: 1, Stacking: rules.Exclusive,
		When: "customer.LifetimeSpend >= 5000", Value: "3", Description: "cumulative discount, step 1"},
	{ID: "birthday-cake", Kind: rules.Gift, When: "isBirthday(customer.Birthday, now, 3)", Value: `"cake-slice"`},
	{ID: "gold", Kind: rules.Tier, When: "customer.LifetimeSpend >= 10000 || customer.Orders >= 20", Value: `"gold"`},
}

func main() {
	set, err := rules.Compile[Facts](programme)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	almaty, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	d := decimal.RequireFromString
	facts := Facts{
		Customer: Customer{Tier: "gold", Orders: 9, LifetimeSpend: d("12400"),
			Birthday: time.Date(1992, 11, 26, 0, 0, 0, 0, time.UTC)},
		Order: Order{Total: d("1840.00"), Channel: "counter", Lines: []*Line{
			{SKU: "flat-white", Category: "drinks", Qty: 2, Price: d("420.00")},
			{SKU: "ethiopia-250g", Category: "beans", Qty: 1, Price: d("1000.00")},
		}},
		Now: time.Date(2026, 11, 24, 9, 30, 0, 0, almaty),
	}
	out, err := set.Eval(facts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("order total %s on %s\n\n", facts.Order.Total.StringFixed(2), facts.Now.Format("2006-01-02 15:04 MST"))
	fmt.Println("trace (evaluation order):")
	for _, st := range out.Trace {
		fmt.Println("  " + st.String())
	}
	fmt.Printf("\npoints earned: %s\ndiscount:      %s\npay:           %s\ngifts:         %v\ntier:          %s\n",
		out.Points, out.Discount.StringFixed(2), facts.Order.Total.Sub(out.Discount).StringFixed(2), out.Gifts, out.Tier)

	// A typo in a rule is caught when the programme is saved, not at the till.
	_, err = rules.Compile[Facts]([]rules.Rule{{ID: "promo", Kind: rules.Accrual,
		When: `order.Chanel == "app"`, Value: "order.Total * 0.1"}})
	fmt.Printf("\na rule with a typo is refused:\n%v\n", err)
}
