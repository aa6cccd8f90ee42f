package rules_test

import (
	"errors"
	"strings"
	"testing"
	"time"

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
	`!isBirthday(customer.Birthday, now, 3)`,
	`yearsSince(customer.Birthday, now) * 10`,
	`order.Total / len(order.Lines)`,
	`order.Total / (1 - 1)`,
	`round(order.Total, customer.Orders * 4)`,
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

// FuzzEval: whatever compiles evaluates without panicking and without an
// error (failures are contained), on an order with lines and a birthday
// and on one with neither; the outcome is within the order, its totals
// are the sums of its trace, a failing rule is a failed step naming the
// rule and listed in Failures, and under Strict the same failure is
// returned (an unknown value is not a failure in either mode).
func FuzzEval(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		bare := sampleFacts()
		bare.Order.Lines, bare.Customer.Birthday = nil, time.Time{}
		for _, r := range []rules.Rule{
			{ID: "w", Kind: rules.Accrual, When: src, Value: "1"},
			{ID: "v", Kind: rules.Accrual, Value: src},
			{ID: "a", Kind: rules.Discount, Unit: rules.Amount, Value: src},
			{ID: "t", Kind: rules.Tier, Value: src},
		} {
			defs := []rules.Rule{r, {ID: "base", Kind: rules.Accrual, Value: "1"}}
			s, err := rules.Compile[shopFacts](defs)
			if err != nil {
				continue
			}
			strict, err := rules.Compile[shopFacts](defs, rules.Strict())
			if err != nil {
				t.Fatalf("Compile(%q) with Strict: %v, but it compiles without", src, err)
			}
			for _, facts := range []shopFacts{sampleFacts(), bare} {
				o, err := s.Eval(facts)
				if err != nil {
					t.Fatalf("Eval(%q) error %v, want failures contained", src, err)
				}
				checkTotals(t, s.Rules(), facts, o)
				if st := o.Trace[0]; st.Status == rules.StatusFailed && (len(o.Failures) != 1 || o.Failures[0].RuleID != r.ID) {
					t.Fatalf("Eval(%q) failures %v, want rule %q", src, o.Failures, r.ID)
				}
				if st := o.Trace[1]; st.Status != rules.StatusApplied {
					t.Fatalf("Eval(%q): the base rule is %v, want applied whatever the other does", src, st.Status)
				}
				_, err = strict.Eval(facts)
				var re *rules.RuleError
				switch {
				case len(o.Failures) == 0 && err != nil:
					t.Fatalf("Eval(%q) with Strict: %v, but nothing failed", src, err)
				case len(o.Failures) > 0 && (!errors.As(err, &re) || re.RuleID != r.ID || re.Message != o.Failures[0].Message):
					t.Fatalf("Eval(%q) with Strict: %v, want the failure %v", src, err, o.Failures[0])
				}
			}
		}
	})
}
