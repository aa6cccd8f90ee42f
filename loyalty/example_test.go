package loyalty_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

func Example() {
	p, err := loyalty.Compile(loyalty.Config{
		Name: "shop", Currency: "EUR", TimeZone: "Europe/Berlin",
		Rules:      []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"}},
		Expiry:     loyalty.Expiry{Kind: loyalty.EndOfYear},
		Redemption: loyalty.RedemptionPolicy{PointValue: decimal.RequireFromString("0.01")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := loyalty.Customer{ID: "c1"}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	a, r, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: decimal.RequireFromString("80.50")}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("earned", r.Points, "balance", a.Balance(now).Available)
	a, r, err = p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: decimal.RequireFromString("40.25")}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("refund took back", r.Points, "balance", a.Balance(now).Available)
	_, _, err = p.Redeem(a, c, loyalty.Redemption{ID: "x1", Points: decimal.NewFromInt(100)}, now)
	fmt.Println(errors.Is(err, loyalty.ErrInsufficientPoints), err)
	for _, e := range r.Entries {
		fmt.Println(e.ID, e.Kind, e.Points)
	}
	// Output:
	// earned 80 balance 80
	// refund took back 40 balance 40
	// true loyalty: insufficient points: redeem:x1: 100 asked, 40 available (0 pending, 0 held)
	// refund:r1/0 record 0
	// refund:r1/1 reverse -40
}

// Expiring tells a customer which points expire when.
func ExampleAccount_Expiring() {
	p, err := loyalty.Compile(loyalty.Config{
		Name: "shop", Currency: "EUR", TimeZone: "Europe/Berlin",
		Rules:  []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"}},
		Expiry: loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 3},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := loyalty.Customer{ID: "c1"}
	var a loyalty.Account
	for i, day := range []time.Time{
		time.Date(2026, 1, 3, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 17, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 2, 14, 12, 0, 0, 0, time.UTC),
	} {
		a, _, err = p.Purchase(a, c, loyalty.Order{ID: fmt.Sprint("o", i), Total: decimal.NewFromInt(int64(10 * (i + 1)))}, day)
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, e := range a.Expiring(now, now.AddDate(0, 2, 0)) {
		fmt.Println(e.Points, "points expire on", e.At.In(p.Location()).Format(time.DateOnly))
	}
	// Output:
	// 10 points expire on 2026-04-03
	// 20 points expire on 2026-04-17
}
