package rules_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// daysBetween counts calendar days exactly (no time.Duration, which
// saturates at ±292 years).
func daysBetween(a, b time.Time) int64 { return (b.Unix() - a.Unix()) / 86400 }

// TestHostileClasses: each class of hostile input from the hardening issue
// is exact or an error, never a different number. A case's expression is
// the condition of an accrual worth 1 (want "true" or "false"), or with
// value set the value of an accrual (want its points); "compile" wants a
// compile error with the sentinel and text, "fail" a contained run-time
// failure with the text.
func TestHostileClasses(t *testing.T) {
	now := sampleFacts().Now
	far := func(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
	civilNow := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	nest := func(n int) string { return strings.Repeat("(", n) + "1" + strings.Repeat(")", n) }
	for _, c := range []struct {
		name, src string
		value     bool
		want      string // "true", "false", a number, "compile", "fail"
		sentinel  error
		text      string
	}{
		// 1. decimal exponent bombs: literals and results are bounded.
		{name: "largest literal", src: "1e39 > 0", want: "true"},
		{name: "literal too large", src: "1e40 > 0", want: "compile", sentinel: rules.ErrType, text: "out of range"},
		{name: "literal with 40 places", src: "0.0000000000000000000000000000000000000001 > 0", want: "true"},
		{name: "40 digits", src: "9999999999999999999999999999999999999999.5 > 0", want: "true"},
		{name: "negated mixed ternary", src: "-(customer.Expecting ? 1 : 1.5) < 0", want: "compile", sentinel: rules.ErrType, text: "cannot tell"},
		{name: "literal too many places", src: "0.00000000000000000000000000000000000000001 > 0", want: "compile", sentinel: rules.ErrType, text: "out of range"},
		{name: "literal beyond decimal", src: "1e-20000 > 0", want: "compile", sentinel: rules.ErrType, text: "cannot be read exactly"},
		{name: "constant product", src: "1e39 * 1e39 > 0", want: "compile", sentinel: rules.ErrType, text: "out of range"},
		{name: "run-time product", src: "order.Total * 1e39 * 1e39 > 0", want: "fail", text: "out of range"},
		{name: "run-time places", src: "order.Total * 0.0000000000000000000001 * 0.0000000000000000000001 > 0", want: "fail", text: "out of range"},
		{name: "sum of decimals bounded", src: "sum(order.Lines, .Price * 1e39) > 0", want: "fail", text: "out of range"},
		// found by the attacker review
		{name: "in with a mixed ternary on the left", src: "(customer.Expecting ? 1.0 : 2) in [1, 3]", want: "compile", sentinel: rules.ErrType, text: "cannot tell"},
		{name: "in with a mixed ternary in the list", src: "customer.Orders in [customer.Expecting ? 11.0 : 2]", want: "compile", sentinel: rules.ErrType, text: "cannot tell"},
		{name: "ceil past the bound", src: "ceil(9999999999999999999999999999999999999999.5) > 0", want: "compile", sentinel: rules.ErrType, text: "out of range"},
		{name: "ceil past the bound at run time", src: "ceil(order.Total * 0 + 9999999999999999999999999999999999999999.5) > 0", want: "fail", text: "out of range"},
		{name: "divisions multiplied keep their value", src: "order.Total / 3 * (order.Total / 3) * (order.Total / 3) > 0", want: "true"},
		{name: "halves multiplied", src: "dec(customer.Orders) / 2 * (customer.Orders / 2) * (customer.Orders / 2) == 166.375", want: "true"},
		{name: "max of a float fact", src: "max(customer.Score, 0.0) * order.Total > 0", want: "compile", sentinel: rules.ErrType, text: ""},
		{name: "sum with a float fact", src: "sum([customer.Score, 0.0]) * 3 > 0", want: "compile", sentinel: rules.ErrInexact, text: "float64"},
		// found by the fuzzer: a builtin called with no argument
		{name: "len of nothing", src: "len() > 0", want: "compile", sentinel: rules.ErrType, text: "expected 1, got 0"},
		{name: "sum of nothing", src: "sum() > 0", want: "compile", sentinel: rules.ErrSyntax, text: "at least 2 arguments"},
		{name: "count of nothing", src: "count() > 0", want: "compile", sentinel: rules.ErrSyntax, text: "at least 2 arguments"},
		{name: "max of nothing", src: "max() > 0", want: "compile", sentinel: rules.ErrType, text: "not enough arguments"},
		{name: "max of int and decimal constants", src: "max(0, 0.5) > 0", want: "true"},
		{name: "min of int and decimal constants", src: "min(10, 2.5) == 2.5", want: "true"},
		// walks inside predicates cost the square of the lines: refused.
		{name: "in a list inside a predicate", src: "all(order.Lines, !(nil in order.Lines))", want: "compile", sentinel: rules.ErrForbidden, text: "square"},
		{name: "sum of a list inside a predicate", src: "any(order.Lines, sum(order.Lines[0:1], .Qty) > 0)", want: "compile", sentinel: rules.ErrForbidden, text: "predicate"},
		{name: "a literal list inside a predicate", src: `any(order.Lines, .Category in ["suits", "shoes"])`, want: "true"},
		{name: "len inside a predicate", src: "all(order.Lines, len(order.Lines) > 1)", want: "true"},
		// 2. numbers that silently change.
		{name: "round places constant", src: "round(order.Total, 18446744073709551616.0) > 0", want: "compile", sentinel: rules.ErrType, text: "outside"},
		{name: "round places at run time", src: "round(order.Total, customer.Orders + 18446744073709551616.0) > 0", want: "fail", text: "outside"},
		{name: "sum of int list overflows", src: "sum([9223372036854775807, 1]) > 0", want: "fail", text: "integer overflow"},
		{name: "sum of int list", src: "sum([40, 2]) == 42", want: "true"},
		{name: "sum of decimal list", src: "sum([0.1, 0.2]) == 0.3", want: "true"},
		{name: "mixed ternary arithmetic", src: "(customer.Expecting ? 9223372036854775807 : 1.5) + 1 > 0", want: "compile", sentinel: rules.ErrType, text: "cannot tell"},
		{name: "mixed ternary comparison", src: "(customer.Expecting ? 1 : 1.5) < 2", want: "compile", sentinel: rules.ErrType, text: "cannot tell"},
		{name: "mixed list sum", src: "sum([1, 1.5]) == 2.5", want: "true"},
		{name: "in with trailing zero", src: "order.Total in [1234.560]", want: "true"},
		{name: "in with decimal element", src: "1234.560 in [order.Total]", want: "true"},
		{name: "not in with trailing zero", src: "order.Total not in [1234.560]", want: "false"},
		{name: "int in decimals", src: "5 in [5.0, 6]", want: "true"},
		{name: "in without a match", src: "order.Total in [1234.5, 1234.57]", want: "false"},
		{name: "strings in a mixed list", src: `customer.Tier in ["silver", 1.5]`, want: "true"},
		{name: "nil in a mixed list", src: `nil in [nil, 1.5]`, want: "true"},
		{name: "nil not in a list of numbers", src: `nil in [0, 1.5]`, want: "false"},
		{name: "days since 1700", src: `daysSince(date("1700-01-01"), now)`, value: true, want: decimal.NewFromInt(daysBetween(far(1700), civilNow)).String()},
		{name: "days until 2400", src: `daysUntil(date("2400-01-01"), now)`, value: true, want: decimal.NewFromInt(daysBetween(civilNow, far(2400))).String()},
		{name: "years since 1000", src: `yearsSince(date("1000-01-01"), now)`, value: true, want: "1026"},
		{name: "date arithmetic", src: "now + (now - now) > now", want: "compile", sentinel: rules.ErrType, text: "dates and durations"},
		{name: "decimal times float fact", src: "order.Total * customer.Score", value: true, want: "compile", sentinel: rules.ErrInexact, text: "float64"},
		{name: "float fact plus decimal", src: "customer.Score + 0.1 > 0", want: "compile", sentinel: rules.ErrInexact, text: "float64"},
		// 3. the source scanner counts expr's own tokens.
		{name: "raw string backslash", src: "`\\` + " + nest(40), want: "compile", sentinel: rules.ErrForbidden, text: "nesting"},
		{name: "quote in a comment", src: "1 /* \" */ + " + nest(40), want: "compile", sentinel: rules.ErrForbidden, text: "nesting"},
		{name: "doubled backtick", src: "`a``b` + " + nest(40), want: "compile", sentinel: rules.ErrForbidden, text: "nesting"},
		{name: "brackets in a block comment", src: "1 /* " + strings.Repeat("(", 40) + " */ > 0", want: "true"},
		{name: "brackets in a line comment", src: "1 // " + strings.Repeat("[", 40) + "\n > 0", want: "true"},
		{name: "brackets in a string", src: `"` + strings.Repeat("{", 40) + `" != ""`, want: "true"},
		{name: "nesting at the limit", src: nest(31) + " > 0", want: "true"},
		{name: "brackets at the limit", src: "[" + nest(31) + "][0] > 0", want: "true"},
		{name: "brackets past the limit", src: "[" + nest(32) + "][0] > 0", want: "compile", sentinel: rules.ErrForbidden, text: "nesting"},
		{name: "many brackets side by side", src: strings.Repeat("(1) + ", 40) + "1 > 0", want: "true"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := rules.Rule{ID: "r", Kind: rules.Accrual, When: c.src, Value: "1"}
			if c.value {
				r = rules.Rule{ID: "r", Kind: rules.Accrual, Value: c.src}
			}
			s, err := rules.Compile[shopFacts]([]rules.Rule{r})
			if c.want == "compile" {
				if !errors.Is(err, c.sentinel) || !strings.Contains(err.Error(), c.text) {
					t.Fatalf("Compile(%q) = %v, want %v with %q", c.src, err, c.sentinel, c.text)
				}
				if len(err.Error()) > 2*len(c.src)+400 {
					t.Fatalf("Compile(%q): the error is %d bytes", c.src, len(err.Error()))
				}
				return
			}
			if err != nil {
				t.Fatalf("Compile(%q): %v", c.src, err)
			}
			out, err := s.Eval(sampleFacts())
			if err != nil {
				t.Fatal(err)
			}
			st := out.Trace[0]
			switch c.want {
			case "fail":
				if st.Status != rules.StatusFailed || len(out.Failures) != 1 || !strings.Contains(out.Failures[0].Error(), c.text) {
					t.Fatalf("Eval(%q) = %v %v, want a failure with %q", c.src, st, out.Failures, c.text)
				}
				if n := len(out.Failures[0].Error()); n > 2*len(c.src)+400 {
					t.Fatalf("Eval(%q): the failure is %d bytes", c.src, n)
				}
			case "true", "false":
				if got := st.Status == rules.StatusApplied; got != (c.want == "true") || len(out.Failures) > 0 {
					t.Fatalf("Eval(%q) = %v %v, want %s", c.src, st, out.Failures, c.want)
				}
			default:
				if st.Status != rules.StatusApplied || st.Value.String() != c.want {
					t.Fatalf("Eval(%q) = %v %v, want %s", c.src, st, out.Failures, c.want)
				}
			}
		})
	}
}

// TestFloatFactBounded: a float64 fact read as a decimal is bounded like
// every other number.
func TestFloatFactBounded(t *testing.T) {
	s, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, When: "order.Total < customer.Score", Value: "1"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		score float64
		fail  bool
	}{{1e300, true}, {1e-300, true}, {1e30, false}, {math.Inf(1), true}} {
		t.Run(fmt.Sprint(c.score), func(t *testing.T) {
			f := sampleFacts()
			f.Customer.Score = c.score
			out, err := s.Eval(f)
			if err != nil || (len(out.Failures) == 1) != c.fail {
				t.Fatalf("score %g: %v %v, want failed %v", c.score, out.Trace, err, c.fail)
			}
		})
	}
}

// TestHostileNames: gift and tier values must be names (4. of the
// hardening issue): constants are refused at compile time, computed ones
// fail the rule; long ids are cut in messages.
func TestHostileNames(t *testing.T) {
	for _, c := range []struct{ name, value, text string }{
		{"empty", `""`, "empty"},
		{"white space", `"  "`, "white space"},
		{"control", `"mug\n"`, "control"},
		{"bidi override", `"\u202emug"`, "bidirectional"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, k := range []rules.Kind{rules.Gift, rules.Tier} {
				_, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "n", Kind: k, Value: c.value}})
				if !errors.Is(err, rules.ErrResult) || !strings.Contains(err.Error(), c.text) {
					t.Fatalf("%v %s: %v, want ErrResult with %q", k, c.value, err, c.text)
				}
			}
		})
	}
	s, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "g", Kind: rules.Gift, Value: "customer.ID"}})
	if err != nil {
		t.Fatal(err)
	}
	f := sampleFacts()
	f.Customer.ID = "mug\u2066"
	out, err := s.Eval(f)
	if err != nil || len(out.Failures) != 1 || !strings.Contains(out.Failures[0].Error(), "bidirectional") || len(out.Gifts) != 0 {
		t.Fatalf("computed bidi gift: %v %v %v", out.Gifts, out.Failures, err)
	}
	for _, n := range []int{64, 65} {
		id := strings.Repeat("x", n)
		_, err = rules.Compile[shopFacts]([]rules.Rule{{ID: id, Kind: rules.Accrual, Value: "nope"}})
		if whole := strings.Contains(err.Error(), `"`+id+`"`); whole != (n == 64) {
			t.Fatalf("an id of %d bytes printed whole: %v (%v)", n, whole, err)
		}
	}
	long := strings.Repeat("x", 100000)
	_, err = rules.Compile[shopFacts]([]rules.Rule{{ID: long, Kind: rules.Accrual, Value: "nope"}})
	if err == nil || len(err.Error()) > 1000 {
		t.Fatalf("an error about a 100,000-byte id is %d bytes", len(err.Error()))
	}
}

// TestPriorityExtremes: ordering compares priorities (6. of the hardening
// issue); a subtraction overflowed and let the lowest win.
func TestPriorityExtremes(t *testing.T) {
	s, err := rules.Compile[shopFacts]([]rules.Rule{
		{ID: "low", Kind: rules.Discount, Unit: rules.Amount, Priority: math.MinInt, Stacking: rules.Exclusive, Value: "1"},
		{ID: "high", Kind: rules.Discount, Unit: rules.Amount, Priority: math.MaxInt, Stacking: rules.Exclusive, Value: "2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Eval(sampleFacts())
	if err != nil {
		t.Fatal(err)
	}
	if !out.Discount.Equal(decimal.NewFromInt(2)) || out.Trace[0].RuleID != "high" {
		t.Fatalf("discount %s, first %s: want the MaxInt rule first and alone", out.Discount, out.Trace[0].RuleID)
	}
}

// TestStaffErrors: what shop staff see when a rule is wrong in a way that
// reads right — a lookalike letter, an error far along a long line, an
// unknown enum name in JSON.
func TestStaffErrors(t *testing.T) {
	t.Run("lookalike", func(t *testing.T) {
		_, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, Value: "order.T\u043etal * 0.1"}})
		for _, want := range []string{"U+043E", "Cyrillic", `Latin 'o'`, "did you mean Total?", "1:8"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v, want %q", err, want)
			}
		}
	})
	t.Run("caret window", func(t *testing.T) {
		src := strings.Repeat("order.Total > 1 && ", 30) + "order.Nope > 1"
		_, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, When: src, Value: "1"}})
		if err == nil {
			t.Fatal("compiled")
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != 3 || len(lines[1]) > 100 || len(lines[2]) > 100 {
			t.Fatalf("error lines of %d, %d bytes:\n%v", len(lines[1]), len(lines[2]), err)
		}
		// The caret is under the start of the unknown field.
		caret := strings.Index(lines[2], "^")
		if !strings.HasPrefix(string([]rune(lines[1])[caret:]), "Nope") {
			t.Fatalf("caret at %d does not point at Nope:\n%v", caret, err)
		}
	})
	t.Run("json enum", func(t *testing.T) {
		var r rules.Rule
		err := json.Unmarshal([]byte(`{"id": "bday", "kind": "Accrual", "value": "1"}`), &r)
		for _, want := range []string{`rule "bday"`, `unknown kind "Accrual"`, "valid: accrual, discount, gift, tier", "did you mean accrual?"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v, want %q", err, want)
			}
		}
	})
}
