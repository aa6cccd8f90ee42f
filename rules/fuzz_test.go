package rules_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
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
	`len()`,
	`sum() > 0`,
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
	// the classes of the hardening issue
	`1e39 * 1e39 * 1e39 * 1e39 * 1e39 * 1e39 > 0`,
	`order.Total * 1e39 * 1e39 * 1e39`,
	`1e-20000 + 1`,
	`0.00000000000000000000000000000000000000001`,
	`round(order.Total, 18446744073709551616.0)`,
	`round(order.Total, customer.Orders + 18446744073709551616.0)`,
	`sum([9223372036854775807, 1])`,
	`sum([1, 1.5])`,
	`(customer.Expecting ? 9223372036854775807 : 1.5) + 1`,
	`order.Total in [1234.560, 5]`,
	`daysSince(date("1700-01-01"), now)`,
	`daysUntil(date("9999-12-31"), now)`,
	`now + (now - now) > now`,
	`order.Total * customer.Score`,
	"`\\` + " + strings.Repeat("(", 600) + "1" + strings.Repeat(")", 600),
	"1 /* \" */ + " + strings.Repeat("(", 600) + "1" + strings.Repeat(")", 600),
	"1 // " + strings.Repeat("(", 600),
	`"\u202emug"`,
	`"  "`,
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
				if strings.Contains(e.Message, "the compiler failed") {
					t.Fatalf("Compile(%q) panicked inside (recovered): %v", src, e)
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

// FuzzDecimalOracle: arithmetic on two decimal literals agrees with
// shopspring/decimal computing the same directly (division to 16 places,
// half away from zero), or is refused at compile time because an operand
// or the result is beyond the bound — never a different number.
func FuzzDecimalOracle(f *testing.F) {
	f.Add(int64(1), int8(-1), int64(2), int8(-1), uint8(0))
	f.Add(int64(1234560), int8(-3), int64(3), int8(0), uint8(3))
	f.Add(int64(1), int8(39), int64(1), int8(39), uint8(2))
	f.Add(int64(-7), int8(-40), int64(9), int8(-40), uint8(2))
	f.Add(int64(5), int8(0), int64(0), int8(0), uint8(4))
	f.Fuzz(func(t *testing.T, ca int64, ea int8, cb int64, eb int8, op uint8) {
		ops := []string{"+", "-", "*", "/", "%"}
		a, b := decimal.New(ca, int32(ea)), decimal.New(cb, int32(eb))
		o := ops[int(op)%len(ops)]
		src := fmt.Sprintf("(%s) %s (%s)", a.String(), o, b.String())
		var want decimal.Decimal
		switch o {
		case "+":
			want = a.Add(b)
		case "-":
			want = a.Sub(b)
		case "*":
			want = a.Mul(b)
		case "/", "%":
			if b.IsZero() {
				if _, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, When: src + " != 0", Value: "1"}}); err == nil {
					t.Fatalf("%s compiles", src)
				}
				return
			}
			want = a.DivRound(b, 16)
			if o == "%" {
				want = a.Mod(b)
			}
		}
		// The value is compared inside the rule, exactly, with the oracle's
		// answer written as a literal.
		s, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, When: src + " == " + want.String(), Value: "1"}})
		if err != nil {
			// ErrSyntax: expr refuses an integer literal beyond int64.
			if !errors.Is(err, rules.ErrType) && !errors.Is(err, rules.ErrSyntax) || !strings.Contains(err.Error(), "out of range") && !strings.Contains(err.Error(), "cannot be read") {
				t.Fatalf("%s: %v", src, err)
			}
			return
		}
		out, err := s.Eval(sampleFacts())
		if err != nil || out.Trace[0].Status != rules.StatusApplied {
			t.Fatalf("%s == %s: %v %v", src, want, out.Trace, err)
		}
	})
}
