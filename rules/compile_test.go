package rules_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/rules"
)

// ruleErr is what a test expects of one *RuleError.
type ruleErr struct {
	RuleID string
	Part   rules.Part
	Line   int
	Column int
	Err    error
	// Contains is a fragment the message must contain.
	Contains string
}

func compileErrs(t *testing.T, defs []rules.Rule) []*rules.RuleError {
	t.Helper()
	_, err := rules.Compile[shopFacts](defs)
	if err == nil {
		return nil
	}
	var ce *rules.CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("Compile error is %T, want *rules.CompileError: %v", err, err)
	}
	return ce.Errors
}

func TestCompileErrors(t *testing.T) {
	acc := func(id, when, value string) rules.Rule {
		return rules.Rule{ID: id, Kind: rules.Accrual, When: when, Value: value}
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		reason string
		rule   rules.Rule
		want   ruleErr
	}{
		{"empty id", "every rule needs an id for traces and ledger entries",
			rules.Rule{Kind: rules.Accrual, Value: "1"}, ruleErr{"", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "id is empty"}},
		{"unset kind", "a typo must not silently earn zero",
			rules.Rule{ID: "k", Value: "1"}, ruleErr{"k", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "unknown kind unset"}},
		{"unknown kind", "out-of-range kinds are rejected too",
			rules.Rule{ID: "k", Kind: 99, Value: "1"}, ruleErr{"k", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "unknown kind Kind(99)"}},
		{"empty value", "a rule must produce something",
			rules.Rule{ID: "v", Kind: rules.Accrual}, ruleErr{"v", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "value is empty"}},
		{"discount without unit", "percent or amount must be explicit",
			rules.Rule{ID: "u", Kind: rules.Discount, Value: "5"}, ruleErr{"u", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "needs unit percent or amount"}},
		{"unit on accrual", "units only mean something for discounts",
			rules.Rule{ID: "u", Kind: rules.Accrual, Unit: rules.Percent, Value: "5"}, ruleErr{"u", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "only for discounts"}},
		{"best_of gift", "gifts cannot be compared",
			rules.Rule{ID: "g", Kind: rules.Gift, Stacking: rules.BestOf, Value: `"x"`}, ruleErr{"g", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "best_of needs a numeric kind"}},
		{"unknown stacking", "closed set",
			rules.Rule{ID: "s", Kind: rules.Accrual, Stacking: 7, Value: "1"}, ruleErr{"s", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "unknown stacking"}},
		{"empty window", "until must come after from",
			rules.Rule{ID: "w", Kind: rules.Accrual, Value: "1", From: t0, Until: t0}, ruleErr{"w", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "is not after from"}},
		{"negative cap", "a cap limits from above",
			rules.Rule{ID: "c", Kind: rules.Accrual, Value: "1", Cap: d("-1")}, ruleErr{"c", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "cap -1 is negative"}},
		{"cap on tier", "caps are for numbers",
			rules.Rule{ID: "c", Kind: rules.Tier, Value: `"vip"`, Cap: d("1")}, ruleErr{"c", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "cap is only for"}},
		{"empty occasion", "an empty occasion would never match",
			rules.Rule{ID: "o", Kind: rules.Accrual, Value: "1", On: []string{"purchase", ""}}, ruleErr{"o", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "on entry 2 is empty"}},
		{"duplicate occasion", "a list of occasions is a set",
			rules.Rule{ID: "o", Kind: rules.Accrual, Value: "1", On: []string{"purchase", "review", "purchase"}}, ruleErr{"o", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, `on lists "purchase" twice`}},
		{"long occasion", "occasions are short names",
			rules.Rule{ID: "o", Kind: rules.Accrual, Value: "1", On: []string{strings.Repeat("x", 65)}}, ruleErr{"o", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "on entry 1 is 65 bytes, the limit is 64"}},
		{"syntax", "the position points at the bad token",
			acc("syn", "order.Total >= ", "1"), ruleErr{"syn", rules.PartWhen, 1, 15, rules.ErrSyntax, "unexpected"}},
		{"unknown field on line 2", "line and column are 1-based",
			acc("fld", "order.Total > 10 &&\n  order.Totl > 5", "1"), ruleErr{"fld", rules.PartWhen, 2, 9, rules.ErrType, "has no field Totl"}},
		{"condition not bool", "a condition must be a bool",
			acc("nb", "order.Total", "1"), ruleErr{"nb", rules.PartWhen, 1, 1, rules.ErrType, "when must be a bool, got decimal.Decimal"}},
		{"accrual string", "points are numbers",
			acc("as", "", `"ten"`), ruleErr{"as", rules.PartValue, 1, 1, rules.ErrType, "value must be a number"}},
		{"gift number", "gift ids are strings",
			rules.Rule{ID: "gn", Kind: rules.Gift, Value: "5"}, ruleErr{"gn", rules.PartValue, 1, 1, rules.ErrType, "value must be a string, got int"}},
		{"mismatched types", "money compared with a string",
			acc("mm", `order.Total > "5"`, "1"), ruleErr{"mm", rules.PartWhen, 1, 13, rules.ErrType, "mismatched types"}},
		{"helper argument types", "helpers are typed: round takes a number of places",
			acc("ra", "", `round(order.Total, "2")`), ruleErr{"ra", rules.PartValue, 1, 13, rules.ErrType, "to call round"}},
		{"float facts", "float64 arithmetic is never exact money",
			acc("fl", "", "customer.Score * 10"), ruleErr{"fl", rules.PartValue, 1, 16, rules.ErrInexact, "float64"}},
		{"method call", "methods of decimal.Decimal can run for minutes (.Shift)",
			acc("m", "", "order.Total.Shift(100000000)"), ruleErr{"m", rules.PartValue, 1, 13, rules.ErrForbidden, "method calls are not allowed"}},
		{"range", "ranges allocate",
			acc("r", "len(1..1000000) > 0", "1"), ruleErr{"r", rules.PartWhen, 1, 6, rules.ErrForbidden, "ranges (..) are not allowed"}},
		{"let", "let builds strings that grow without bound",
			acc("l", "", "let x = 1; x"), ruleErr{"l", rules.PartValue, 1, 5, rules.ErrForbidden, "let is not allowed"}},
		{"env", "$env exposes the whole facts value",
			acc("e", "$env != nil", "1"), ruleErr{"e", rules.PartWhen, 1, 1, rules.ErrForbidden, "$env is not allowed"}},
		{"nested predicate", "nested loops multiply cost",
			acc("n", `any(order.Lines, any(order.Lines, .Qty > 1))`, "1"), ruleErr{"n", rules.PartWhen, 1, 18, rules.ErrForbidden, "predicate inside a predicate"}},
		{"builtin outside allowlist", "repeat and friends build big strings",
			acc("b", `len(repeat("x", 1000)) > 0`, "1"), ruleErr{"b", rules.PartWhen, 1, 5, rules.ErrForbidden, "builtin repeat is not allowed"}},
		{"facts method", "only helpers are callable",
			acc("f", "", "DiscountBase()"), ruleErr{"f", rules.PartValue, 1, 1, rules.ErrForbidden, "function DiscountBase is not allowed"}},
		{"hidden operator function", "the operator functions are internal",
			acc("h", "", "_add(order.Total, 1)"), ruleErr{"h", rules.PartValue, 1, 1, rules.ErrForbidden, "function _add is not allowed"}},
		{"named pointer", "#acc and #index are not for rules",
			acc("p", `sum(order.Lines, #index) > 1`, "1"), ruleErr{"p", rules.PartWhen, 1, 18, rules.ErrForbidden, "#index is not allowed"}},
		{"power", "powers blow up decimals",
			acc("pw", "", "order.Total ** 1000"), ruleErr{"pw", rules.PartValue, 1, 13, rules.ErrForbidden, "powers are not allowed"}},
		{"division by zero", "a constant zero divisor always fails; the position is the operator",
			acc("z", "", "order.Total / 0"), ruleErr{"z", rules.PartValue, 1, 13, rules.ErrType, "division by zero: the divisor is always 0"}},
		{"division by a decimal zero", "0.0 is zero too",
			acc("z", "", "order.Total / 0.0"), ruleErr{"z", rules.PartValue, 1, 13, rules.ErrType, "division by zero"}},
		{"integer division by zero", "integer division is decimal division",
			acc("z", "", "customer.Orders / 0"), ruleErr{"z", rules.PartValue, 1, 17, rules.ErrType, "division by zero"}},
		{"integer modulo by zero", "expr's own % on integers",
			acc("z", "customer.Orders % 0 == 1", "1"), ruleErr{"z", rules.PartWhen, 1, 17, rules.ErrType, "modulo by zero"}},
		{"money modulo by zero", "the decimal %",
			acc("z", "", "order.Total % 0"), ruleErr{"z", rules.PartValue, 1, 13, rules.ErrType, "modulo by zero"}},
		{"divisor computed from constants", "(1 - 1) is a constant zero once rewritten to checked integer arithmetic",
			acc("z", "", "order.Total / (1 - 1)"), ruleErr{"z", rules.PartValue, 1, 13, rules.ErrType, "division by zero"}},
		{"exact decimal zero divisor", "0.1 + 0.2 - 0.3 is exactly 0 in decimals (not in float64)",
			acc("z", "", "order.Total / (0.1 + 0.2 - 0.3)"), ruleErr{"z", rules.PartValue, 1, 13, rules.ErrType, "division by zero"}},
		{"integer divisor computed from constants", "(2 * 3 - 6)",
			acc("z", "", "customer.Orders / (2 * 3 - 6)"), ruleErr{"z", rules.PartValue, 1, 17, rules.ErrType, "division by zero"}},
		{"division by zero on line 2", "line and column of the operator",
			acc("z", "order.Total > 0 &&\n  order.Total / 0 > 1", "1"), ruleErr{"z", rules.PartWhen, 2, 15, rules.ErrType, "division by zero"}},
		{"birthday window below", "withinDays is 0..366; the position is the call",
			acc("bd", "isBirthday(customer.Birthday, now, -3)", "1"), ruleErr{"bd", rules.PartWhen, 1, 1, rules.ErrType, "isBirthday: withinDays must be 0..366, got -3"}},
		{"birthday window above", "withinDays is 0..366",
			acc("bd", "customer.Orders > 1 && isBirthday(customer.Birthday, now, 360 + 7)", "1"), ruleErr{"bd", rules.PartWhen, 1, 24, rules.ErrType, "got 367"}},
		{"round places", "round's places are -18..18",
			acc("rd", "", "round(order.Total, 40)"), ruleErr{"rd", rules.PartValue, 1, 1, rules.ErrType, "round: places 40 is outside -18..18"}},
		{"round places below", "round's places are -18..18",
			acc("rd", "", "round(order.Total, -19)"), ruleErr{"rd", rules.PartValue, 1, 1, rules.ErrType, "round: places -19 is outside -18..18"}},
		{"round places not whole", "places are whole",
			acc("rd", "", "round(order.Total, 2.5)"), ruleErr{"rd", rules.PartValue, 1, 1, rules.ErrType, "round: places must be a whole number, got 2.5"}},
		{"date text", "a constant date that does not parse never will",
			acc("dt", `now > date("2026-02-30")`, "1"), ruleErr{"dt", rules.PartWhen, 1, 7, rules.ErrType, `date: cannot read "2026-02-30"`}},
		{"date text computed", "constant strings are joined",
			acc("dt", `now > date("2026-" + "13-01", now)`, "1"), ruleErr{"dt", rules.PartWhen, 1, 7, rules.ErrType, `date: cannot read "2026-13-01"`}},
		{"first refusal in the source", "one error per expression: the earliest",
			acc("two", "", "round(order.Total / 0, 40)"), ruleErr{"two", rules.PartValue, 1, 1, rules.ErrType, "round: places 40"}},
		{"too long", "source length is bounded before parsing",
			acc("long", "", strings.Repeat("1+", 1100)+"1"), ruleErr{"long", rules.PartValue, 0, 0, rules.ErrForbidden, "2201 bytes, the limit is 2048"}},
		{"too deep", "deep nesting overflows the parser's stack",
			acc("deep", "", strings.Repeat("(", 40)+"1"+strings.Repeat(")", 40)), ruleErr{"deep", rules.PartValue, 1, 33, rules.ErrForbidden, "nesting deeper than 32"}},
		{"too many nodes", "node count is bounded at parse time",
			acc("nodes", "", strings.Repeat("1+", 300)+"1"), ruleErr{"nodes", rules.PartValue, 1, 0, rules.ErrForbidden, "more than 200 nodes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs := compileErrs(t, []rules.Rule{tc.rule})
			if len(errs) != 1 {
				t.Fatalf("Compile(%+v) gave %d errors, want 1 (%s): %v", tc.rule, len(errs), tc.reason, errs)
			}
			e := errs[0]
			got := ruleErr{e.RuleID, e.Part, e.Line, e.Column, e.Err, tc.want.Contains}
			if !strings.Contains(e.Message, tc.want.Contains) {
				got.Contains = e.Message
			}
			if tc.want.Column == 0 && tc.want.Line > 0 {
				got.Column = 0 // the node-limit position depends on the parser
			}
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
				t.Errorf("Compile(%s) mismatch (-want +got) [%s]:\n%s\nerror: %v", tc.name, tc.reason, diff, e)
			}
			if !errors.Is(e, tc.want.Err) {
				t.Errorf("errors.Is(%v, %v) = false", e, tc.want.Err)
			}
			if !strings.HasPrefix(e.Error(), "rules: rule ") {
				t.Errorf("error %q does not start with the package and rule", e.Error())
			}
		})
	}
}

func TestCompileReportsEveryError(t *testing.T) {
	errs := compileErrs(t, []rules.Rule{
		{ID: "a", Kind: rules.Accrual, Value: "order.Nope"},
		{ID: "ok", Kind: rules.Accrual, Value: "1"},
		{ID: "a", Kind: rules.Gift, When: "order.Total", Value: `"x"`},
		{ID: "c", Kind: rules.Tier, Value: "1 +"},
		{ID: "z", Kind: rules.Accrual, When: "isBirthday(customer.Birthday, now, -1)", Value: "order.Total / 0"},
	})
	type brief struct {
		RuleID string
		Part   rules.Part
	}
	var got []brief
	for _, e := range errs {
		got = append(got, brief{e.RuleID, e.Part})
	}
	want := []brief{{"a", rules.PartValue}, {"a", rules.PartDefinition}, {"a", rules.PartWhen}, {"c", rules.PartValue},
		{"z", rules.PartWhen}, {"z", rules.PartValue}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Compile errors mismatch (-want +got):\n%s", diff)
	}
}

// TestCompileAcceptsBounds: constants inside the helpers' ranges, and
// divisors that are not a constant zero, compile and evaluate.
func TestCompileAcceptsBounds(t *testing.T) {
	for _, src := range []string{
		"isBirthday(customer.Birthday, now, 0) || isBirthday(customer.Birthday, now, 366) ? 1 : 0",
		"round(order.Total, -18) + round(order.Total, 18) + round(order.Total, 2.0)",
		"order.Total / (1 - 2) * -1",
		"order.Total / 0.5 + customer.Orders % 3",
		`now > date("2026-03-01") && now < date("2026-03-30 08:00", now) ? order.Total / (0.1 + 0.2) : dec(0)`,
		"order.Total / (customer.Orders - 10)",
	} {
		s, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "ok", Kind: rules.Accrual, Value: src}})
		if err != nil {
			t.Errorf("Compile(%s): %v", src, err)
			continue
		}
		if o, err := s.Eval(sampleFacts()); err != nil || len(o.Failures) > 0 {
			t.Errorf("Eval(%s) = %v, %v", src, o.Failures, err)
		}
	}
}

func TestCaretLine(t *testing.T) {
	errs := compileErrs(t, []rules.Rule{{ID: "vip-10", Kind: rules.Discount, Unit: rules.Percent,
		When: `customer.LifetimeSpend >= 100000 && order.Chanel == "web"`, Value: "10"}})
	want := "rules: rule \"vip-10\" when 1:43: type main.order has no field Chanel"
	if len(errs) != 1 {
		t.Fatalf("got %d errors: %v", len(errs), errs)
	}
	got := errs[0].Error()
	lines := strings.Split(got, "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[2], "..........................................^") {
		t.Errorf("error has no caret under column 43:\n%s", got)
	}
	if !strings.Contains(lines[0], "when 1:43") || !strings.Contains(lines[0], "no field Chanel") {
		t.Errorf("first line = %q, want like %q", lines[0], want)
	}
}

// TestOnNeedsOccasioner: a rule with On over facts that cannot say their
// occasion would never apply; Compile refuses it. 64-byte occasions are
// fine.
func TestOnNeedsOccasioner(t *testing.T) {
	defs := []rules.Rule{{ID: "p", Kind: rules.Accrual, On: []string{"purchase"}, Value: "1"}}
	_, err := rules.Compile[Facts](defs)
	var ce *rules.CompileError
	if !errors.As(err, &ce) || len(ce.Errors) != 1 {
		t.Fatalf("Compile[Facts] error = %v, want one rule error", err)
	}
	want := ruleErr{"p", rules.PartDefinition, 0, 0, rules.ErrInvalidRule, "on needs facts that implement rules.Occasioner"}
	e := ce.Errors[0]
	if diff := cmp.Diff(want, ruleErr{e.RuleID, e.Part, e.Line, e.Column, e.Err, e.Message}, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("Compile[Facts] mismatch (-want +got):\n%s", diff)
	}
	if _, err := rules.Compile[Facts]([]rules.Rule{{ID: "p", Kind: rules.Accrual, Value: "1"}}); err != nil {
		t.Errorf("Compile[Facts] without On: %v", err)
	}
	defs[0].On = []string{strings.Repeat("x", 64)}
	if _, err := rules.Compile[shopFacts](defs); err != nil {
		t.Errorf("Compile with a 64-byte occasion: %v", err)
	}
}

func TestFactsMustBeStruct(t *testing.T) {
	if _, err := rules.CompileCondition[int]("x", "true"); !errors.Is(err, rules.ErrInvalidRule) {
		t.Errorf("CompileCondition[int] error = %v, want ErrInvalidRule", err)
	}
}

// A condition's errors call it a condition, with its id and position.
func TestConditionErrorNamesTheCondition(t *testing.T) {
	_, err := rules.CompileCondition[shopFacts]("web-regular", `customer.Orders >= 10 && order.Chanel == "web"`)
	if err == nil || !strings.HasPrefix(err.Error(), `rules: condition "web-regular" when 1:`) {
		t.Errorf("error = %v, want it to name condition \"web-regular\" and a position", err)
	}
}
