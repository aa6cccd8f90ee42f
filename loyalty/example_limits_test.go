package loyalty_test

import (
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// A review reward at most once a month, and a milestone (the third
// purchase) rewarded once, counted from the customer's own ledger.
func Example_limits() {
	p, err := loyalty.Compile(loyalty.Config{Name: "salon", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin",
		Rules: []rules.Rule{
			{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total / 10)"},
			{ID: "review", Kind: rules.Accrual, On: []string{"review"}, Value: "30",
				Limit: rules.Limit{Times: 1, Per: rules.Month}},
			{ID: "third-visit", Kind: rules.Gift, When: "order.Number >= 3", Value: `"hand cream"`,
				Limit: rules.Limit{Times: 1}},
		}})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := loyalty.Customer{ID: "ann"}
	var a loyalty.Account
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 11, 0, 0, 0, time.UTC) }
	show := func(what string, r loyalty.Result) {
		fmt.Printf("%-22s points %-3s gifts %v", what, r.Points, r.Gifts)
		for _, st := range r.Trace {
			if st.Status == rules.StatusLimited {
				fmt.Printf("  %s limited: %s", st.RuleID, st.Reason)
			}
		}
		fmt.Println()
	}
	for i, ev := range []struct {
		what   string
		review bool
		at     time.Time
	}{
		{"visit 1", false, day(3, 2)}, {"review", true, day(3, 3)}, {"another review", true, day(3, 20)},
		{"visit 2", false, day(3, 21)}, {"visit 3", false, day(4, 2)}, {"review in April", true, day(4, 3)},
		{"visit 4", false, day(4, 9)},
	} {
		var r loyalty.Result
		if ev.review {
			a, r, err = p.Event(a, c, loyalty.Event{ID: fmt.Sprint("review-", i), Kind: "review"}, ev.at)
		} else {
			a, r, err = p.Purchase(a, c, loyalty.Order{ID: fmt.Sprint("o", i), Total: decimal.NewFromInt(80)}, ev.at)
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		show(ev.what, r)
	}
	// Output:
	// visit 1                points 8   gifts []
	// review                 points 30  gifts []
	// another review         points 0   gifts []  review limited: 1 of 1 this month
	// visit 2                points 8   gifts []
	// visit 3                points 8   gifts [hand cream]
	// review in April        points 30  gifts []
	// visit 4                points 8   gifts []  third-visit limited: 1 of 1 in all
}
