package rules_test

import (
	"testing"

	"github.com/loyalkit/loyalkit/rules"
)

func TestSmoke(t *testing.T) {
	for _, v := range []string{
		"sum(order.Lines, .Price * .Qty)",
		`sum(filter(order.Lines, .Category == "suits"), .Price * .Qty)`,
		"order.Total * (0.1 + 0.2)",
		"floor(order.Total / 100) * 5",
		"1/3 * order.Total",
		"customer.Orders / 4",
		"0 - order.Total + 2000",
		"-order.Total + 2000",
		"max(order.Total, 5)",
		"customer.Score * 2",
		"round(order.Total * 0.05, 1)",
		"order.Total ** 2",
		"order.Total.Shift(1000)",
	} {
		s, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, Value: v}})
		if err != nil {
			t.Logf("%s => %v", v, err)
			continue
		}
		o, err := s.Eval(sampleFacts())
		t.Logf("%s => %v %v", v, o.Points, err)
	}
	for _, w := range []string{"0.1 + 0.2 == 0.3", "order.Total == 1234.56", "order.Total >= 1000", "10.0 == 10", "any(order.Lines, .Category == \"suits\")", "customer.Orders >= 10 && order.Channel == \"web\""} {
		s, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Gift, When: w, Value: `"x"`}})
		if err != nil {
			t.Logf("%s => %v", w, err)
			continue
		}
		o, err := s.Eval(sampleFacts())
		t.Logf("%s => %v %v", w, o.Trace[0].Status, err)
	}
}
