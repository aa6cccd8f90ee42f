package rules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/loyalkit/loyalkit/rules"
)

// hostile are rules written to hurt: each is refused at compile time or
// runs within the limits. They seed the fuzz targets.
var hostile = []string{
	strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000),
	strings.Repeat("(", 33) + "1" + strings.Repeat(")", 33),
	strings.Repeat("1+", 20000) + "1",
	strings.Repeat("-", 20000) + "1",
	strings.Repeat("x", 1<<20),
	`let r = 1..1000; sum(r, sum(r, sum(r, #)))`,
	`sum(order.Lines, sum(order.Lines, .Price))`,
	`any(order.Lines, any(order.Lines, any(order.Lines, true)))`,
	`len(repeat("x", 1000000))`,
	`reduce(1..5000, #acc + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "")`,
	`order.Total.Shift(100000000).String()`,
	`order.Total.StringFixed(20000000)`,
	`order.Total.PowInt32(1000000)`,
	`toJSON($env)`,
	`$env.Order.Total`,
	`len(1..1000000000)`,
	`9223372036854775807 + 1`,
	`order.Total / 0`,
	`customer.Orders % 0`,
	`10 ** 400`,
	`flatten([[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]])`,
	`"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" matches "(a+)+$"`,
	`round(order.Total, 1000000)`,
	`isBirthday(customer.Birthday, now, -1)`,
	`date("not a date")`,
	`customer.Tier + customer.Tier + customer.Tier + customer.Tier`,
	`order.Lines[100]`,
	`order.Lines[-1].Price`,
	`sum(order.Lines, .Price * .Qty) * 0.05`,
	`floor(order.Total / 100) * 5`,
	"order.Total >= 1000 &&\n order.Chanel == \"web\"",
	`0.1 + 0.2 == 0.3`,
	"\x00\xff\xfe",
	`"\u0000" + "\uffff"`,
}

func fuzzSeeds(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
}

// FuzzCompile: compiling any string as any part of a rule never panics,
// and a refusal is always a *RuleError naming the rule.
func FuzzCompile(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		defs := []rules.Rule{
			{ID: "w", Kind: rules.Accrual, When: src, Value: "1"},
			{ID: "v", Kind: rules.Accrual, Value: src},
			{ID: "g", Kind: rules.Gift, Value: src},
			{ID: "p", Kind: rules.Discount, Unit: rules.Percent, Value: src},
		}
		for _, r := range defs {
			_, err := rules.Compile[shopFacts]([]rules.Rule{r})
			if err == nil {
				continue
			}
			var ce *rules.CompileError
			if !errors.As(err, &ce) || len(ce.Errors) == 0 {
				t.Fatalf("Compile(%q) error %T %v is not a *CompileError", src, err, err)
			}
			for _, e := range ce.Errors {
				if e.RuleID != r.ID || e.Err == nil {
					t.Fatalf("Compile(%q) gave %+v, want rule %q and a sentinel", src, e, r.ID)
				}
			}
		}
	})
}

// FuzzEval: whatever compiles evaluates without panicking, and either
// gives an outcome within the order or an error naming the rule.
func FuzzEval(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		facts := sampleFacts()
		for _, r := range []rules.Rule{
			{ID: "w", Kind: rules.Accrual, When: src, Value: "1"},
			{ID: "v", Kind: rules.Accrual, Value: src},
			{ID: "a", Kind: rules.Discount, Unit: rules.Amount, Value: src},
			{ID: "t", Kind: rules.Tier, Value: src},
		} {
			s, err := rules.Compile[shopFacts]([]rules.Rule{r})
			if err != nil {
				continue
			}
			o, err := s.Eval(facts)
			if err != nil {
				var re *rules.RuleError
				if !errors.As(err, &re) || re.RuleID != r.ID {
					t.Fatalf("Eval(%q) error %v does not name rule %q", src, err, r.ID)
				}
				continue
			}
			if o.Discount.IsNegative() || o.Discount.GreaterThan(facts.Order.Total) || o.Points.IsNegative() {
				t.Fatalf("Eval(%q) = points %v discount %v", src, o.Points, o.Discount)
			}
		}
	})
}
