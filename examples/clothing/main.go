// clothing is the source articles' clothing store: a cumulative discount
// that grows with lifetime spend, a free suit cover with any suit, a VIP
// tier for the best customers, and a return that takes back what the
// returned suit earned — and the VIP status it brought.
//
//	go run ./examples/clothing
package main

import (
	"fmt"
	"os"
	"time"
	_ "time/tzdata"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

var d = decimal.RequireFromString

var store = loyalty.Config{
	Name: "Atelier", Currency: "RUB", TimeZone: "Europe/Moscow",
	Rules: []rules.Rule{
		// The cumulative discount: the more a customer has spent before, the
		// larger the discount. The highest step that applies wins.
		{ID: "discount-15", Kind: rules.Discount, Unit: rules.Percent, Priority: 3, Stacking: rules.Exclusive,
			When: "customer.LifetimeSpend >= 300000", Value: "15"},
		{ID: "discount-10", Kind: rules.Discount, Unit: rules.Percent, Priority: 2, Stacking: rules.Exclusive,
			When: "customer.LifetimeSpend >= 100000", Value: "10"},
		{ID: "discount-5", Kind: rules.Discount, Unit: rules.Percent, Priority: 1, Stacking: rules.Exclusive,
			When: "customer.LifetimeSpend >= 30000", Value: "5"},
		{ID: "suit-cover", Kind: rules.Gift, When: `any(order.Lines, .Category == "suits")`, Value: `"suit-cover"`},
		{ID: "points", Kind: rules.Accrual, Value: "floor(order.Total / 1000) * 10"},
		{ID: "vip-points", Kind: rules.Accrual, When: `customer.Tier == "vip"`, Value: "floor(order.Total / 1000) * 10"},
	},
	Tiers:            []loyalty.Tier{{Name: "member"}, {Name: "vip", MinSpend: d("150000")}},
	TierWindowMonths: 12, TierGraceDays: 60,
	Redemption:    loyalty.RedemptionPolicy{PointValue: d("1")},
	RefundOfSpent: loyalty.RecordDebt,
}

func main() {
	p, err := loyalty.Compile(store)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	loc := p.Location()
	c := loyalty.Customer{ID: "ivan"}
	var a loyalty.Account
	suit := func(price string) loyalty.Line {
		return loyalty.Line{SKU: "suit", Category: "suits", Qty: 1, Price: d(price)}
	}
	shirt := loyalty.Line{SKU: "shirt", Category: "shirts", Qty: 2, Price: d("6500")}
	type step struct {
		when  time.Time
		title string
		run   func(loyalty.Account, time.Time) (loyalty.Account, loyalty.Result, error)
	}
	buy := func(id, total string, lines ...loyalty.Line) func(loyalty.Account, time.Time) (loyalty.Account, loyalty.Result, error) {
		return func(a loyalty.Account, now time.Time) (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: id, Total: d(total), Lines: lines}, now)
		}
	}
	steps := []step{
		{time.Date(2026, 2, 10, 12, 0, 0, 0, loc), "two shirts (13 000)", buy("o1", "13000", shirt)},
		{time.Date(2026, 3, 5, 12, 0, 0, 0, loc), "a suit (45 000)", buy("o2", "45000", suit("45000"))},
		{time.Date(2026, 4, 18, 12, 0, 0, 0, loc), "a suit and shirts (98 000)", buy("o3", "98000", suit("85000"), shirt)},
		{time.Date(2026, 4, 25, 12, 0, 0, 0, loc), "return of the 85 000 suit from o3", func(a loyalty.Account, now time.Time) (loyalty.Account, loyalty.Result, error) {
			// By line: the library refunds what the suit was paid, after the discount.
			return p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o3", Lines: []loyalty.RefundLine{{SKU: "suit", Qty: 1}}}, now)
		}},
		{time.Date(2026, 6, 1, 12, 0, 0, 0, loc), "a coat (60 000)", buy("o4", "60000", loyalty.Line{SKU: "coat", Category: "coats", Qty: 1, Price: d("60000")})},
	}
	for _, s := range steps {
		next, r, err := s.run(a, s.when)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		a = next
		spend, _ := a.Spend()
		fmt.Printf("%s  %-36s points %5s  discount %6s  gifts %-14s tier %-6s lifetime spend %s\n",
			s.when.Format("2006-01-02"), s.title, signed(r.Points, r.Op), r.Discount.StringFixed(0), fmt.Sprint(r.Gifts), a.Tier(), spend)
	}
	b := a.Balance(time.Date(2026, 6, 2, 0, 0, 0, 0, loc))
	fmt.Printf("\nbalance %s points (debt %s); totals %+v\n", b.Available, b.Debt, a.Totals())
}

// signed shows a refund's clawback as negative.
func signed(points decimal.Decimal, op string) string {
	if len(op) > 7 && op[:7] == "refund:" {
		return points.Neg().String()
	}
	return points.String()
}
