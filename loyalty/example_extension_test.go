package loyalty_test

import (
	"fmt"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// Rules over the host's own facts: a programme compiled with CompileWith
// over the shop's type sees it as ext, type-checked like the rest. The
// points (40 base + 50) are scaled by the money paid, 38 of 40, and
// rounded down to whole points.
func ExampleCompileWith() {
	type line struct{ Brand string }
	type shop struct {
		Margin decimal.Decimal // the customer's margin, from the shop's CRM
		Lines  []line          // the brand of each order line
	}
	p, err := loyalty.CompileWith[shop](loyalty.Config{
		Name: "roastery", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Rome",
		Rules: []rules.Rule{
			{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"},
			{ID: "lavazza-week", Kind: rules.Accrual, When: `any(ext.Lines, .Brand == "Lavazza")`, Value: "50"},
			{ID: "good-margin", Kind: rules.Discount, Unit: rules.Percent, When: "ext.Margin >= 0.3", Value: "5"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := loyalty.Customer{ID: "ana", Ext: shop{Margin: decimal.RequireFromString("0.32"), Lines: []line{{"Illy"}, {"Lavazza"}}}}
	_, r, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: decimal.NewFromInt(40)}, at(3, 1))
	fmt.Println(r.Points, r.Discount, r.Money, err)
	if err != nil {
		return
	}

	_, err = loyalty.CompileWith[shop](loyalty.Config{Name: "roastery", Currency: "EUR", TimeZone: "Europe/Rome",
		Rules: []rules.Rule{{ID: "typo", Kind: rules.Accrual, When: "ext.Margn > 0.3", Value: "1"}}})
	fmt.Println(err)
	// Output:
	// 85 2 38 <nil>
	// rules: rule "typo" when 1:5: type loyalty_test.shop has no field Margn
	//  | ext.Margn > 0.3
	//  | ....^
}
