package rules_test

import (
	"testing"

	"github.com/loyalkit/loyalkit/rules"
)

// TestCompileIsStable compiles the same rule many times: expr runs
// patchers in an order that can vary, and an early version left `/`
// unrewritten in 12 % of compiles (a run-time "decimal.Decimal / int").
func TestCompileIsStable(t *testing.T) {
	bad := 0
	for range 300 {
		s, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "c", Kind: rules.Accrual, Value: `floor(sum(filter(order.Lines, .Category == "suits"), .Price * .Qty) / 100) * 5`}},
			rules.Strict()) // a run-time failure is an error, not a contained step
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Eval(sampleFacts()); err != nil {
			if bad++; bad == 1 {
				t.Log(err)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of 300 compiles of the same rule failed to evaluate", bad)
	}
}
