package rules_test

import (
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// Facts for the examples: what the shop knows when an order comes in.
type Facts struct {
	Customer Customer  `expr:"customer"`
	Order    Order     `expr:"order"`
	Now      time.Time `expr:"now"`
}

type Customer struct {
	Tier          string
	LifetimeSpend decimal.Decimal
}

type Order struct {
	Total decimal.Decimal
	Lines []*Line
}

type Line struct {
	Category string
	Qty      int
	Price    decimal.Decimal
}

func (f Facts) EvalTime() time.Time           { return f.Now }
func (f Facts) DiscountBase() decimal.Decimal { return f.Order.Total }

func Example() {
	set, err := rules.Compile[Facts]([]rules.Rule{
		{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total / 100) * 5"},
		{ID: "vip-10", Kind: rules.Discount, Unit: rules.Percent, Stacking: rules.Exclusive,
			When: "customer.LifetimeSpend >= 100000", Value: "10"},
		{ID: "suit-cover", Kind: rules.Gift, When: `any(order.Lines, .Category == "suits")`, Value: `"suit-cover"`},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := set.Eval(Facts{
		Customer: Customer{Tier: "gold", LifetimeSpend: decimal.RequireFromString("120000")},
		Order: Order{Total: decimal.RequireFromString("1234.56"), Lines: []*Line{
			{Category: "suits", Qty: 1, Price: decimal.RequireFromString("1234.56")}}},
		Now: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("points:", out.Points, "discount:", out.Discount, "gifts:", out.Gifts)
	for _, st := range out.Trace {
		fmt.Println(st)
	}
	// Output:
	// points: 60 discount: 123.456 gifts: [suit-cover]
	// base                   accrual  applied  60
	// vip-10                 discount applied  123.456
	// suit-cover             gift     applied  suit-cover
}

// Compile reports every problem at once, each with the rule, the part, the
// line:column and a caret under the spot.
func ExampleCompile_errors() {
	_, err := rules.Compile[Facts]([]rules.Rule{
		{ID: "typo", Kind: rules.Accrual, When: "order.Totl > 100", Value: "10"},
		{ID: "bad-kind", Value: "1"},
		{ID: "method", Kind: rules.Accrual, Value: "order.Total.Shift(1000000)"},
	})
	fmt.Println(err)
	// Output:
	// rules: rule "typo" when 1:7: type rules_test.Order has no field Totl
	//  | order.Totl > 100
	//  | ......^
	// rules: rule "bad-kind" definition: unknown kind unset
	// rules: rule "method" value 1:13: method calls are not allowed
	//  | order.Total.Shift(1000000)
	//  | ............^
}

// The trace says why each rule did or did not contribute.
func ExampleSet_Eval_trace() {
	set, err := rules.Compile[Facts]([]rules.Rule{
		{ID: "ladder-10", Kind: rules.Discount, Unit: rules.Percent, Priority: 2, Stacking: rules.Exclusive,
			When: "customer.LifetimeSpend >= 100000", Value: "10"},
		{ID: "ladder-5", Kind: rules.Discount, Unit: rules.Percent, Priority: 1, Stacking: rules.Exclusive,
			When: "customer.LifetimeSpend >= 50000", Value: "5"},
		{ID: "ladder-3", Kind: rules.Discount, Unit: rules.Percent, Stacking: rules.Exclusive,
			When: "customer.LifetimeSpend >= 10000", Value: "3"},
		{ID: "double-points", Kind: rules.Accrual, Value: "order.Total * 0.1", Cap: decimal.NewFromInt(50),
			From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "spring-promo", Kind: rules.Accrual, Value: "100", From: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := set.Eval(Facts{
		Customer: Customer{LifetimeSpend: decimal.NewFromInt(64000)},
		Order:    Order{Total: decimal.NewFromInt(800)},
		Now:      time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range out.Trace {
		fmt.Println(st)
	}
	fmt.Println("points:", out.Points, "discount:", out.Discount)
	// Output:
	// ladder-10              discount false
	// ladder-5               discount applied  40
	// ladder-3               discount shadowed by ladder-5
	// double-points          accrual  capped   50 (computed 80)
	// spring-promo           accrual  inactive
	// points: 50 discount: 40
}

// A rule that fails at run time is contained: it contributes nothing, its
// step and Failures say why, and the other rules still decide. With
// Strict, the same failure stops the evaluation instead.
func ExampleSet_Eval_containedFailure() {
	defs := []rules.Rule{
		{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total / 100) * 5"},
		{ID: "per-line", Kind: rules.Accrual, Stacking: rules.Exclusive, Priority: 1,
			Value: "order.Total / len(order.Lines)"},
		{ID: "welcome", Kind: rules.Gift, Value: `"tote-bag"`},
	}
	noLines := Facts{Order: Order{Total: decimal.NewFromInt(250)}, Now: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}

	set, err := rules.Compile[Facts](defs)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := set.Eval(noLines)
	fmt.Println("error:", err)
	if err != nil {
		return
	}
	for _, st := range out.Trace {
		fmt.Println(st)
	}
	fmt.Println("points:", out.Points, "gifts:", out.Gifts, "failures:", len(out.Failures))

	strict, err := rules.Compile[Facts](defs, rules.Strict())
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = strict.Eval(noLines)
	fmt.Println(err)
	// Output:
	// error: <nil>
	// per-line               accrual  failed   value 1:13: division by zero
	// base                   accrual  applied  10
	// welcome                gift     applied  tote-bag
	// points: 10 gifts: [tote-bag] failures: 1
	// rules: rule "per-line" value 1:13: division by zero
	//  | order.Total / len(order.Lines)
	//  | ............^
}

func ExampleCondition() {
	vip, err := rules.CompileCondition[Facts]("vip", `customer.LifetimeSpend >= 100000 || customer.Tier == "vip"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	ok, err := vip.Match(rules.Prepare(Facts{Customer: Customer{Tier: "vip"}}))
	fmt.Println(ok, err)
	// Output: true <nil>
}

// A host whose facts cost something to gather asks the compiled set which
// of them its rules read, and gathers only those.
func ExampleSet_Reads() {
	set, err := rules.Compile[Facts]([]rules.Rule{
		{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"},
		{ID: "gold", Kind: rules.Accrual, When: `customer.Tier == "gold"`, Value: "50"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, path := range []string{"order.Total", "customer.Tier", "customer.LifetimeSpend", "customer", "order.Lines"} {
		fmt.Println(path, set.Reads(path))
	}
	// Output:
	// order.Total true
	// customer.Tier true
	// customer.LifetimeSpend false
	// customer true
	// order.Lines false
}
