package rules_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// step is the part of a rules.Step a test states.
type step struct {
	ID     string
	Status rules.Status
	Value  string
	By     string
}

func steps(o rules.Outcome) []step {
	var out []step
	for _, s := range o.Trace {
		v := s.Text
		if v == "" && (s.Status == rules.StatusApplied || s.Status == rules.StatusCapped) {
			v = s.Value.String()
		}
		out = append(out, step{s.RuleID, s.Status, v, s.By})
	}
	return out
}

func mustCompile(t testing.TB, defs ...rules.Rule) *rules.Set[shopFacts] {
	t.Helper()
	s, err := rules.Compile[shopFacts](defs)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

func TestEval(t *testing.T) {
	march := func(day int) time.Time { return time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		reason   string
		rules    []rules.Rule
		points   string
		discount string
		gifts    []string
		tier     string
		trace    []step
	}{
		{
			name: "accrual per 100 spent", reason: "floor(1234.56/100)*5 = 60",
			rules:  []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total / 100) * 5"}},
			points: "60", discount: "0",
			trace: []step{{"base", rules.StatusApplied, "60", ""}},
		},
		{
			name: "category multiplier stacks", reason: "suits earn 2x on top of the base",
			rules: []rules.Rule{
				{ID: "base", Kind: rules.Accrual, Value: "order.Total * 0.05"},
				{ID: "suits-x2", Kind: rules.Accrual, When: `any(order.Lines, .Category == "suits")`,
					Value: `sum(filter(order.Lines, .Category == "suits"), .Price * .Qty) * 0.05`},
			},
			points: "111.678", discount: "0",
			trace: []step{{"base", rules.StatusApplied, "61.728", ""}, {"suits-x2", rules.StatusApplied, "49.95", ""}},
		},
		{
			name: "checked integer arithmetic", reason: "11 orders, 3 units: +, -, *, unary minus and sum stay exact",
			rules: []rules.Rule{{ID: "ints", Kind: rules.Accrual,
				When:  "customer.Orders * 2 == 22 && customer.Orders - 12 == -1 && -customer.Orders == -11 && sum(order.Lines, .Qty) == 3",
				Value: "customer.Orders + sum(order.Lines, .Qty * 10)"}},
			points: "41", discount: "0",
			trace: []step{{"ints", rules.StatusApplied, "41", ""}},
		},
		{
			name: "cap limits a rule", reason: "at most 50 points from the base rule",
			rules:  []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "order.Total * 0.05", Cap: d("50")}},
			points: "50", discount: "0",
			trace: []step{{"base", rules.StatusCapped, "50", ""}},
		},
		{
			name: "exclusive shadows lower priorities", reason: "the promo replaces the base rule",
			rules: []rules.Rule{
				{ID: "base", Kind: rules.Accrual, Value: "10"},
				{ID: "promo", Kind: rules.Accrual, Priority: 10, Stacking: rules.Exclusive, Value: "100"},
				{ID: "gift", Kind: rules.Gift, Value: `"mug"`},
			},
			points: "100", discount: "0", gifts: []string{"mug"},
			trace: []step{{"promo", rules.StatusApplied, "100", ""}, {"base", rules.StatusShadowed, "", "promo"}, {"gift", rules.StatusApplied, "mug", ""}},
		},
		{
			name: "exclusive that is false shadows nothing", reason: "only an applied rule shadows",
			rules: []rules.Rule{
				{ID: "promo", Kind: rules.Accrual, Priority: 10, Stacking: rules.Exclusive, When: "order.Total > 5000", Value: "100"},
				{ID: "base", Kind: rules.Accrual, Value: "10"},
			},
			points: "10", discount: "0",
			trace: []step{{"promo", rules.StatusFalse, "", ""}, {"base", rules.StatusApplied, "10", ""}},
		},
		{
			name: "best of keeps the largest", reason: "ties keep the first; stack rules add",
			rules: []rules.Rule{
				{ID: "a", Kind: rules.Accrual, Stacking: rules.BestOf, Value: "30"},
				{ID: "b", Kind: rules.Accrual, Stacking: rules.BestOf, Value: "70"},
				{ID: "c", Kind: rules.Accrual, Stacking: rules.BestOf, Value: "70"},
				{ID: "s", Kind: rules.Accrual, Value: "1"},
			},
			points: "71", discount: "0",
			trace: []step{{"a", rules.StatusOutdone, "", "b"}, {"b", rules.StatusApplied, "70", ""}, {"c", rules.StatusOutdone, "", "b"}, {"s", rules.StatusApplied, "1", ""}},
		},
		{
			name: "window", reason: "from inclusive, until exclusive",
			rules: []rules.Rule{
				{ID: "past", Kind: rules.Accrual, Value: "1", Until: march(10)},
				{ID: "now", Kind: rules.Accrual, Value: "2", From: march(10), Until: march(11)},
				{ID: "future", Kind: rules.Accrual, Value: "4", From: march(11)},
			},
			points: "2", discount: "0",
			trace: []step{{"past", rules.StatusInactive, "", ""}, {"now", rules.StatusApplied, "2", ""}, {"future", rules.StatusInactive, "", ""}},
		},
		{
			name: "cumulative discount ladder", reason: "the highest step that qualifies wins",
			rules: []rules.Rule{
				{ID: "ladder-3", Kind: rules.Discount, Unit: rules.Percent, Priority: 3, Stacking: rules.Exclusive, When: "customer.LifetimeSpend >= 100000", Value: "10"},
				{ID: "ladder-2", Kind: rules.Discount, Unit: rules.Percent, Priority: 2, Stacking: rules.Exclusive, When: "customer.LifetimeSpend >= 50000", Value: "5"},
				{ID: "ladder-1", Kind: rules.Discount, Unit: rules.Percent, Priority: 1, Stacking: rules.Exclusive, When: "customer.LifetimeSpend >= 10000", Value: "3"},
			},
			points: "0", discount: "61.728",
			trace: []step{{"ladder-3", rules.StatusFalse, "", ""}, {"ladder-2", rules.StatusApplied, "61.728", ""}, {"ladder-1", rules.StatusShadowed, "", "ladder-2"}},
		},
		{
			name: "discount never exceeds the order", reason: "the amount is limited to what is left",
			rules: []rules.Rule{
				{ID: "half", Kind: rules.Discount, Unit: rules.Percent, Value: "50"},
				{ID: "voucher", Kind: rules.Discount, Unit: rules.Amount, Value: "1000"},
			},
			points: "0", discount: "1234.56",
			trace: []step{{"half", rules.StatusApplied, "617.28", ""}, {"voucher", rules.StatusCapped, "617.28", ""}},
		},
		{
			name: "gift with a suit", reason: "line conditions drive gifts",
			rules: []rules.Rule{
				{ID: "suit-cover", Kind: rules.Gift, When: `any(order.Lines, .Category == "suits")`, Value: `"suit-cover"`},
				{ID: "baby-kit", Kind: rules.Gift, When: "customer.Expecting", Value: `"baby-kit"`},
			},
			points: "0", discount: "0", gifts: []string{"suit-cover"},
			trace: []step{{"suit-cover", rules.StatusApplied, "suit-cover", ""}, {"baby-kit", rules.StatusFalse, "", ""}},
		},
		{
			name: "first applied tier wins", reason: "tier rules never stack",
			rules: []rules.Rule{
				{ID: "gold", Kind: rules.Tier, Priority: 1, When: "customer.Orders >= 10", Value: `"gold"`},
				{ID: "vip", Kind: rules.Tier, Priority: 2, When: "customer.Orders >= 12", Value: `"vip"`},
				{ID: "silver", Kind: rules.Tier, Value: `"silver"`},
			},
			points: "0", discount: "0", tier: "gold",
			trace: []step{{"vip", rules.StatusFalse, "", ""}, {"gold", rules.StatusApplied, "gold", ""}, {"silver", rules.StatusShadowed, "", "gold"}},
		},
		{
			name: "birthday week", reason: "March 14 is within 7 days of March 10",
			rules:  []rules.Rule{{ID: "bday", Kind: rules.Accrual, When: "isBirthday(customer.Birthday, now, 7)", Value: "500"}},
			points: "500", discount: "0",
			trace: []step{{"bday", rules.StatusApplied, "500", ""}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustCompile(t, tc.rules...)
			o, err := s.Eval(sampleFacts())
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if !o.Points.Equal(d(tc.points)) || !o.Discount.Equal(d(tc.discount)) {
				t.Errorf("Eval points, discount = %v, %v; want %s, %s (%s)", o.Points, o.Discount, tc.points, tc.discount, tc.reason)
			}
			if diff := cmp.Diff(tc.gifts, o.Gifts); diff != "" {
				t.Errorf("Eval gifts mismatch (-want +got):\n%s", diff)
			}
			if o.Tier != tc.tier {
				t.Errorf("Eval tier = %q, want %q", o.Tier, tc.tier)
			}
			if diff := cmp.Diff(tc.trace, steps(o)); diff != "" {
				t.Errorf("Eval trace mismatch (-want +got) [%s]:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	f := sampleFacts()
	many := f
	many.Order.Lines = make([]*line, 50_000)
	for i := range many.Order.Lines {
		many.Order.Lines[i] = &line{}
	}
	tests := []struct {
		name  string
		rule  rules.Rule
		facts shopFacts
		part  rules.Part
		err   error
		msg   string
	}{
		{"division by zero", rules.Rule{ID: "div", Kind: rules.Accrual, Value: "order.Total / (customer.Orders - 11)"}, f, rules.PartValue, rules.ErrEval, "division by zero"},
		{"negative points", rules.Rule{ID: "neg", Kind: rules.Accrual, Value: "100 - order.Total"}, f, rules.PartValue, rules.ErrResult, "-1134.56 is negative"},
		{"absurd points", rules.Rule{ID: "big", Kind: rules.Accrual, Value: "order.Total * 10000000"}, f, rules.PartValue, rules.ErrResult, "above the limit"},
		{"percent over 100", rules.Rule{ID: "pct", Kind: rules.Discount, Unit: rules.Percent, Value: "150"}, f, rules.PartValue, rules.ErrResult, "more than 100%"},
		{"empty gift", rules.Rule{ID: "gift", Kind: rules.Gift, Value: "order.Coupon"}, f, rules.PartValue, rules.ErrResult, `gift "" is empty`},
		{"memory budget", rules.Rule{ID: "mem", Kind: rules.Accrual, When: `count(filter(order.Lines, .Qty == 0), .Qty == 0) > 0`, Value: "1"}, many, rules.PartWhen, rules.ErrEval, "memory budget exceeded"},
		{"round places", rules.Rule{ID: "rnd", Kind: rules.Accrual, Value: "round(order.Total, customer.Orders * 4)"}, f, rules.PartValue, rules.ErrEval, "outside -18..18"},
		{"birthday window", rules.Rule{ID: "bd", Kind: rules.Accrual, When: "isBirthday(customer.Birthday, now, -customer.Orders)", Value: "1"}, f, rules.PartWhen, rules.ErrEval, "withinDays must be 0..366, got -11"},
		{"date text", rules.Rule{ID: "dt", Kind: rules.Accrual, When: "now > date(order.Coupon)", Value: "1"}, f, rules.PartWhen, rules.ErrEval, `cannot read ""`},
		{"int overflow in a condition", rules.Rule{ID: "ovf", Kind: rules.Accrual, When: "customer.Orders + 9223372036854775800 > 0", Value: "1"}, f, rules.PartWhen, rules.ErrEval, "integer overflow"},
		{"int overflow by a product", rules.Rule{ID: "mul", Kind: rules.Accrual, When: "customer.Orders * 922337203685477581 != 0", Value: "1"}, f, rules.PartWhen, rules.ErrEval, "integer overflow"},
		{"int overflow below", rules.Rule{ID: "sub", Kind: rules.Accrual, When: "-9223372036854775807 - customer.Orders < 0", Value: "1"}, f, rules.PartWhen, rules.ErrEval, "integer overflow"},
		{"int overflow in a sum", rules.Rule{ID: "sum", Kind: rules.Accrual, When: "sum(order.Lines, .Qty * 4611686018427387904) > 0", Value: "1"}, f, rules.PartWhen, rules.ErrEval, "integer overflow"},
	}
	for _, tc := range tests {
		check := func(t *testing.T, mode string, err error) {
			t.Helper()
			var re *rules.RuleError
			if !errors.As(err, &re) {
				t.Fatalf("%s: error = %v (%T), want *RuleError", mode, err, err)
			}
			if re.RuleID != tc.rule.ID || re.Part != tc.part || !errors.Is(err, tc.err) || !strings.Contains(re.Message, tc.msg) {
				t.Errorf("%s: error = %+v, want rule %q part %s %v containing %q", mode, re, tc.rule.ID, tc.part, tc.err, tc.msg)
			}
		}
		t.Run(tc.name+"/strict", func(t *testing.T) {
			s, err := rules.Compile[shopFacts]([]rules.Rule{tc.rule}, rules.Strict())
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			o, err := s.Eval(tc.facts)
			check(t, "Eval (strict)", err)
			if diff := cmp.Diff(rules.Outcome{}, o); diff != "" {
				t.Errorf("Eval (strict) returned an outcome with its error (-want +got):\n%s", diff)
			}
		})
		t.Run(tc.name+"/contained", func(t *testing.T) {
			s := mustCompile(t, tc.rule)
			o, err := s.Eval(tc.facts)
			if err != nil {
				t.Fatalf("Eval: %v, want the failure contained", err)
			}
			if len(o.Failures) != 1 || len(o.Trace) != 1 {
				t.Fatalf("Eval failures %v, trace %v; want one of each", o.Failures, o.Trace)
			}
			check(t, "Outcome.Failures[0]", o.Failures[0])
			st := o.Trace[0]
			if st.Status != rules.StatusFailed || st.Error != o.Failures[0] || !st.Value.IsZero() || st.Text != "" {
				t.Errorf("Eval step = %+v, want failed with the failure and no value", st)
			}
			if !o.Points.IsZero() || !o.Discount.IsZero() || o.Gifts != nil || o.Tier != "" {
				t.Errorf("Eval outcome = %+v, want nothing from a failed rule", o)
			}
		})
	}
}

// TestContainedFailure: a rule that fails at run time contributes nothing
// and the rest of the set still decides, also around exclusive and
// best-of rules; under Strict the same set returns the first failure.
func TestContainedFailure(t *testing.T) {
	f := sampleFacts()
	noLines := f
	noLines.Order.Lines = nil
	avg := "order.Total / len(order.Lines)" // division by zero without lines
	tests := []struct {
		name     string
		reason   string
		rules    []rules.Rule
		facts    shopFacts
		points   string
		discount string
		gifts    []string
		tier     string
		trace    []step
		failed   []string
	}{
		{
			name: "others still apply", reason: "a failing rule takes nothing else down",
			rules: []rules.Rule{
				{ID: "base", Kind: rules.Accrual, Value: "10"},
				{ID: "avg", Kind: rules.Accrual, Value: avg},
				{ID: "gift", Kind: rules.Gift, When: "order.Total / len(order.Lines) > 0", Value: `"mug"`},
				{ID: "mug", Kind: rules.Gift, Value: `"mug"`},
				{ID: "tier", Kind: rules.Tier, Value: "order.Coupon"},
				{ID: "silver", Kind: rules.Tier, Value: `"silver"`},
			},
			facts: noLines, points: "10", discount: "0", gifts: []string{"mug"}, tier: "silver",
			trace: []step{{"base", rules.StatusApplied, "10", ""}, {"avg", rules.StatusFailed, "", ""},
				{"gift", rules.StatusFailed, "", ""}, {"mug", rules.StatusApplied, "mug", ""},
				{"tier", rules.StatusFailed, "", ""}, {"silver", rules.StatusApplied, "silver", ""}},
			failed: []string{"avg", "gift", "tier"},
		},
		{
			name: "a failed exclusive shadows nothing", reason: "it did not apply, so the next rule of its kind is evaluated",
			rules: []rules.Rule{
				{ID: "promo", Kind: rules.Accrual, Priority: 10, Stacking: rules.Exclusive, Value: avg},
				{ID: "base", Kind: rules.Accrual, Value: "10"},
			},
			facts: noLines, points: "10", discount: "0",
			trace:  []step{{"promo", rules.StatusFailed, "", ""}, {"base", rules.StatusApplied, "10", ""}},
			failed: []string{"promo"},
		},
		{
			name: "a failed best-of does not compete", reason: "the best of the others wins, not outdone by the failure",
			rules: []rules.Rule{
				{ID: "a", Kind: rules.Accrual, Stacking: rules.BestOf, Value: "30"},
				{ID: "b", Kind: rules.Accrual, Stacking: rules.BestOf, Value: avg},
				{ID: "c", Kind: rules.Accrual, Stacking: rules.BestOf, Value: "20"},
			},
			facts: noLines, points: "30", discount: "0",
			trace:  []step{{"a", rules.StatusApplied, "30", ""}, {"b", rules.StatusFailed, "", ""}, {"c", rules.StatusOutdone, "", "a"}},
			failed: []string{"b"},
		},
		{
			name: "a failed discount leaves the base to the others", reason: "an invalid percent contributes nothing",
			rules: []rules.Rule{
				{ID: "pct", Kind: rules.Discount, Unit: rules.Percent, Value: "150"},
				{ID: "half", Kind: rules.Discount, Unit: rules.Percent, Value: "50"},
			},
			facts: f, points: "0", discount: "617.28",
			trace:  []step{{"pct", rules.StatusFailed, "", ""}, {"half", rules.StatusApplied, "617.28", ""}},
			failed: []string{"pct"},
		},
		{
			name: "the same rules with lines", reason: "nothing fails when the order has lines",
			rules: []rules.Rule{
				{ID: "promo", Kind: rules.Accrual, Priority: 10, Stacking: rules.Exclusive, Value: avg},
				{ID: "base", Kind: rules.Accrual, Value: "10"},
			},
			facts: f, points: "617.28", discount: "0",
			trace: []step{{"promo", rules.StatusApplied, "617.28", ""}, {"base", rules.StatusShadowed, "", "promo"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := mustCompile(t, tc.rules...).Eval(tc.facts)
			if err != nil {
				t.Fatalf("Eval: %v, want failures contained (%s)", err, tc.reason)
			}
			if !o.Points.Equal(d(tc.points)) || !o.Discount.Equal(d(tc.discount)) {
				t.Errorf("Eval points, discount = %v, %v; want %s, %s (%s)", o.Points, o.Discount, tc.points, tc.discount, tc.reason)
			}
			if diff := cmp.Diff(tc.gifts, o.Gifts); diff != "" {
				t.Errorf("Eval gifts mismatch (-want +got):\n%s", diff)
			}
			if o.Tier != tc.tier {
				t.Errorf("Eval tier = %q, want %q", o.Tier, tc.tier)
			}
			if diff := cmp.Diff(tc.trace, steps(o)); diff != "" {
				t.Errorf("Eval trace mismatch (-want +got) [%s]:\n%s", tc.reason, diff)
			}
			var failed []string
			for _, e := range o.Failures {
				failed = append(failed, e.RuleID)
				if !errors.Is(e, rules.ErrEval) && !errors.Is(e, rules.ErrResult) {
					t.Errorf("failure %v is neither ErrEval nor ErrResult", e)
				}
			}
			if diff := cmp.Diff(tc.failed, failed); diff != "" {
				t.Errorf("Eval failures mismatch (-want +got):\n%s", diff)
			}
			for _, st := range o.Trace {
				if (st.Status == rules.StatusFailed) != (st.Error != nil) {
					t.Errorf("step %s is %v with error %v: failed steps, and only they, carry an error", st.RuleID, st.Status, st.Error)
				}
			}

			strict, err := rules.Compile[shopFacts](tc.rules, rules.Strict())
			if err != nil {
				t.Fatalf("Compile(Strict): %v", err)
			}
			so, err := strict.Eval(tc.facts)
			if len(tc.failed) == 0 {
				if err != nil {
					t.Fatalf("Eval (strict): %v", err)
				}
				if diff := cmp.Diff(o, so, decimalEqual); diff != "" {
					t.Errorf("Eval (strict) mismatch with the default (-default +strict):\n%s", diff)
				}
				return
			}
			var re *rules.RuleError
			if !errors.As(err, &re) || re.RuleID != tc.failed[0] {
				t.Errorf("Eval (strict) error = %v, want the first failure, rule %q", err, tc.failed[0])
			}
			if diff := cmp.Diff(rules.Outcome{}, so); diff != "" {
				t.Errorf("Eval (strict) returned an outcome with its error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestContainedFailureError: the contained error is the one Strict
// returns: the rule, the part, the position and the sentinel.
func TestContainedFailureError(t *testing.T) {
	f := sampleFacts()
	f.Order.Lines = nil
	r := rules.Rule{ID: "avg", Kind: rules.Accrual, When: "order.Total > 0", Value: "order.Total / len(order.Lines)"}
	o, err := mustCompile(t, r).Eval(f)
	if err != nil {
		t.Fatalf("Eval: %v", err)
	}
	strict, err := rules.Compile[shopFacts]([]rules.Rule{r}, rules.Strict())
	if err != nil {
		t.Fatal(err)
	}
	_, serr := strict.Eval(f)
	var sre *rules.RuleError
	if !errors.As(serr, &sre) {
		t.Fatalf("Eval (strict) error = %v, want a *RuleError", serr)
	}
	want := rules.RuleError{RuleID: "avg", Part: rules.PartValue, Line: 1, Column: 13, Message: "division by zero",
		Source: "order.Total / len(order.Lines)", Err: rules.ErrEval}
	if diff := cmp.Diff(want, *o.Failures[0], errorsEqual); diff != "" {
		t.Errorf("Outcome.Failures[0] mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, *sre, errorsEqual); diff != "" {
		t.Errorf("Eval (strict) mismatch (-want +got):\n%s", diff)
	}
	var re *rules.RuleError
	if !errors.As(o.Failures[0], &re) || !errors.Is(o.Failures[0], rules.ErrEval) {
		t.Errorf("Outcome.Failures[0] = %v: errors.As *RuleError and errors.Is ErrEval must hold", o.Failures[0])
	}
	if got, want := o.Trace[0].String(), "avg                    accrual  failed   value 1:13: division by zero"; got != want {
		t.Errorf("Step.String() = %q, want %q", got, want)
	}
}

// decimalEqual compares decimals by value (1.50 == 1.5), and errorsEqual
// compares errors by identity (the sentinels in a RuleError value).
var (
	decimalEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })
	errorsEqual  = cmp.Comparer(func(a, b error) bool { return a == b })
)

func TestExactMoney(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"order.Total * 0.05", "61.728"},
		{"order.Total * (0.1 + 0.2)", "370.368"},
		{"0.1 + 0.2 == 0.3 ? 1 : 0", "1"},
		{"order.Total == 1234.56 ? 1 : 0", "1"},
		{"order.Total == 1234.560 ? 1 : 0", "1"},
		{"10.0 == 10 ? 1 : 0", "1"},
		{"1000 <= order.Total ? 1 : 0", "1"},
		{"order.Total - 1234.559999999999999999", "0.000000000000000001"},
		{"-order.Total + 2000", "765.44"},
		{"order.Total % 7", "2.56"},
		{"customer.Orders / 4", "2.75"},
		{"1 / 4 * order.Total", "308.64"},
		{"dec(customer.Orders) / customer.Orders", "1"},
		{"min(order.Total, 1000.5)", "1000.5"},
		{"max(5, order.Total)", "1234.56"},
		{"ceil(order.Total)", "1235"},
		{"round(order.Total, 1)", "1234.6"},
		{"round(order.Total, -2)", "1200"},
		{"sum(order.Lines, .Price * .Qty)", "1234.56"},
		{"sum(order.Lines, .Qty)", "3"},
		{"count(order.Lines, .Qty > 1) * 10", "10"},
		{"1_000.5 * 2", "2001"},
	}
	for _, tc := range tests {
		s, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "x", Kind: rules.Accrual, Value: tc.expr}}, rules.Strict())
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		o, err := s.Eval(sampleFacts())
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if !o.Points.Equal(d(tc.want)) {
			t.Errorf("%s = %v, want %s", tc.expr, o.Points, tc.want)
		}
	}
}

func TestNegativeDiscountBase(t *testing.T) {
	s := mustCompile(t, rules.Rule{ID: "x", Kind: rules.Accrual, Value: "1"})
	f := sampleFacts()
	f.Order.Total = decimal.NewFromInt(-1)
	if _, err := s.Eval(f); !errors.Is(err, rules.ErrEval) {
		t.Errorf("Eval with a negative base: err = %v, want ErrEval", err)
	}
}

// TestOccasions: a rule with On applies only on the occasions it lists; the
// others are not applicable and not evaluated (a failing rule that is not
// applicable does not fail).
func TestOccasions(t *testing.T) {
	defs := []rules.Rule{
		{ID: "any", Kind: rules.Accrual, Value: "1"},
		{ID: "purchase", Kind: rules.Accrual, On: []string{"purchase"}, Value: "10"},
		{ID: "review", Kind: rules.Accrual, On: []string{"review", "referral"}, Value: "100"},
		{ID: "review-only", Kind: rules.Accrual, Stacking: rules.Exclusive, On: []string{"review"}, Value: "1000"},
		{ID: "broken", Kind: rules.Accrual, On: []string{"refund"}, Value: "order.Total / 0.5 / (customer.Orders - 11)"},
	}
	s := mustCompile(t, defs...)
	tests := []struct {
		name     string
		reason   string
		occasion string
		points   string
		trace    []step
	}{
		{"purchase", "rules for other occasions are not applicable", "purchase", "11", []step{
			{"any", rules.StatusApplied, "1", ""}, {"purchase", rules.StatusApplied, "10", ""},
			{"review", rules.StatusNotApplicable, "", ""}, {"review-only", rules.StatusNotApplicable, "", ""},
			{"broken", rules.StatusNotApplicable, "", ""}}},
		{"referral", "any occasion On lists", "referral", "101", []step{
			{"any", rules.StatusApplied, "1", ""}, {"purchase", rules.StatusNotApplicable, "", ""},
			{"review", rules.StatusApplied, "100", ""}, {"review-only", rules.StatusNotApplicable, "", ""},
			{"broken", rules.StatusNotApplicable, "", ""}}},
		{"review", "a not-applicable exclusive shadows nothing; an applicable one does", "review", "1101", []step{
			{"any", rules.StatusApplied, "1", ""}, {"purchase", rules.StatusNotApplicable, "", ""},
			{"review", rules.StatusApplied, "100", ""}, {"review-only", rules.StatusApplied, "1000", ""},
			{"broken", rules.StatusNotApplicable, "", ""}}},
		{"no occasion", "only rules without On apply", "", "1", []step{
			{"any", rules.StatusApplied, "1", ""}, {"purchase", rules.StatusNotApplicable, "", ""},
			{"review", rules.StatusNotApplicable, "", ""}, {"review-only", rules.StatusNotApplicable, "", ""},
			{"broken", rules.StatusNotApplicable, "", ""}}},
		{"case matters", "occasions are compared exactly", "Purchase", "1", []step{
			{"any", rules.StatusApplied, "1", ""}, {"purchase", rules.StatusNotApplicable, "", ""},
			{"review", rules.StatusNotApplicable, "", ""}, {"review-only", rules.StatusNotApplicable, "", ""},
			{"broken", rules.StatusNotApplicable, "", ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := sampleFacts()
			f.Event = tc.occasion
			o, err := s.Eval(f)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if !o.Points.Equal(d(tc.points)) || len(o.Failures) != 0 {
				t.Errorf("Eval points = %v, failures %v; want %s and none (%s)", o.Points, o.Failures, tc.points, tc.reason)
			}
			if diff := cmp.Diff(tc.trace, steps(o)); diff != "" {
				t.Errorf("Eval trace mismatch (-want +got) [%s]:\n%s", tc.reason, diff)
			}
		})
	}
	f := sampleFacts()
	f.Event = "refund"
	if o, _ := s.Eval(f); len(o.Failures) != 1 || o.Failures[0].RuleID != "broken" {
		t.Errorf("Eval on a refund: failures %v, want the broken rule, now applicable", o.Failures)
	}
}

// TestOccasionsAreCopied: the set keeps its own On lists; neither the
// rules given to Compile nor those Rules returns can change it.
func TestOccasionsAreCopied(t *testing.T) {
	defs := []rules.Rule{{ID: "p", Kind: rules.Accrual, On: []string{"purchase"}, Value: "1"}}
	s := mustCompile(t, defs...)
	defs[0].On[0] = "review"
	s.Rules()[0].On[0] = "review"
	f := sampleFacts()
	f.Event = "purchase"
	o, err := s.Eval(f)
	if err != nil || o.Trace[0].Status != rules.StatusApplied {
		t.Errorf("Eval on a purchase = %v, %v; want applied", o.Trace, err)
	}
	if got := s.Rules()[0].On; !slices.Equal(got, []string{"purchase"}) {
		t.Errorf("Rules()[0].On = %q, want [purchase]", got)
	}
}
