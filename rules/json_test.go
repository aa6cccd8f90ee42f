package rules_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

var sentinelErrs = []error{rules.ErrInvalidRule, rules.ErrSyntax, rules.ErrType, rules.ErrForbidden,
	rules.ErrInexact, rules.ErrEval, rules.ErrResult, rules.ErrUnknown}

var allStatuses = []rules.Status{rules.StatusUnset, rules.StatusInactive, rules.StatusFalse, rules.StatusShadowed,
	rules.StatusOutdone, rules.StatusCapped, rules.StatusApplied, rules.StatusFailed, rules.StatusNotApplicable,
	rules.StatusUnknown}

// traceEqual compares outcomes, steps and errors field by field: decimals
// by value, errors (the sentinels) by identity, *RuleError by what they
// point to.
var traceEqual = cmp.Options{
	decimalEqual,
	cmp.Comparer(func(a, b *rules.RuleError) bool {
		if a == nil || b == nil {
			return a == b
		}
		return cmp.Equal(*a, *b, errorsEqual)
	}),
}

func genRuleError(t *rapid.T) *rules.RuleError {
	if rapid.Bool().Draw(t, "nil error") {
		return nil
	}
	return &rules.RuleError{
		Subject: rapid.SampledFrom([]string{"", "rule", "condition"}).Draw(t, "subject"),
		RuleID:  rapid.String().Draw(t, "rule id"),
		Part:    rapid.SampledFrom([]rules.Part{rules.PartDefinition, rules.PartWhen, rules.PartValue}).Draw(t, "part"),
		Line:    rapid.IntRange(0, 100).Draw(t, "line"),
		Column:  rapid.IntRange(0, 100).Draw(t, "column"),
		Message: rapid.String().Draw(t, "message"),
		Source:  rapid.String().Draw(t, "source"),
		Err:     rapid.SampledFrom(append([]error{nil}, sentinelErrs...)).Draw(t, "sentinel"),
	}
}

func genAnyDecimal(t *rapid.T, label string) decimal.Decimal {
	return decimal.New(rapid.Int64().Draw(t, label), rapid.Int32Range(-20, 20).Draw(t, label+" exp"))
}

func genStep(t *rapid.T) rules.Step {
	return rules.Step{
		RuleID:   rapid.String().Draw(t, "rule id"),
		Version:  rapid.Int().Draw(t, "version"),
		Kind:     rapid.SampledFrom([]rules.Kind{rules.Accrual, rules.Discount, rules.Gift, rules.Tier}).Draw(t, "kind"),
		Status:   rapid.SampledFrom(allStatuses).Draw(t, "status"),
		Value:    genAnyDecimal(t, "value"),
		Computed: genAnyDecimal(t, "computed"),
		Text:     rapid.String().Draw(t, "text"),
		By:       rapid.String().Draw(t, "by"),
		Error:    genRuleError(t),
	}
}

// nilIfEmpty: omitempty reads an empty slice back as nil, and Eval never
// makes empty gifts or failures.
func nilIfEmpty[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

func genOutcome(t *rapid.T) rules.Outcome {
	o := rules.Outcome{
		Points:   genAnyDecimal(t, "points"),
		Discount: genAnyDecimal(t, "discount"),
		Gifts:    nilIfEmpty(rapid.SliceOf(rapid.String()).Draw(t, "gifts")),
		Tier:     rapid.String().Draw(t, "tier"),
		Trace:    rapid.SliceOf(rapid.Custom(genStep)).Draw(t, "trace"),
	}
	for _, st := range o.Trace {
		if st.Error != nil && rapid.Bool().Draw(t, "listed") {
			o.Failures = append(o.Failures, st.Error)
		}
	}
	return o
}

// fataler is what roundTrip needs of a *testing.T or a *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

func roundTrip[T any](t fataler, v T) (T, []byte) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal(%+v): %v", v, err)
	}
	var back T
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("json.Unmarshal(%s): %v", b, err)
	}
	return back, b
}

// checkTraceJSON: any outcome (and so any step, status and rule error)
// written to JSON reads back equal, and a decoded error still matches its
// sentinel with errors.Is.
func checkTraceJSON(t *rapid.T) {
	o := genOutcome(t)
	back, b := roundTrip(t, o)
	if diff := cmp.Diff(o, back, traceEqual); diff != "" {
		t.Fatalf("Outcome JSON round trip mismatch (-want +got):\n%s\n%s", diff, b)
	}
	for i, st := range back.Trace {
		if e := st.Error; e != nil && e.Err != nil && !errors.Is(e, o.Trace[i].Error.Err) {
			t.Fatalf("decoded step %d error %v is not %v", i, e, o.Trace[i].Error.Err)
		}
	}
}

func TestTraceJSONRoundTrip(t *testing.T) { rapid.Check(t, checkTraceJSON) }
func FuzzTraceJSONRoundTrip(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkTraceJSON)) }

// checkEvalJSON: what Eval returns, failures and unknowns included, reads
// back equal from JSON.
func checkEvalJSON(t *rapid.T) {
	defs := genRules(t)
	defs = append(defs,
		rules.Rule{ID: "avg", Kind: rules.Accrual, Value: "order.Total / len(order.Lines)"},
		rules.Rule{ID: "bday", Kind: rules.Gift, When: "isBirthday(customer.Birthday, now, 7)", Value: `"cake"`})
	f := genFacts(t)
	if rapid.Bool().Draw(t, "birthday") {
		f.Customer.Birthday = genTime(t, "birthday")
	}
	o, err := compileGen(t, defs).Eval(f)
	if err != nil {
		t.Fatalf("Eval: %v", err)
	}
	back, b := roundTrip(t, o)
	if diff := cmp.Diff(o, back, traceEqual); diff != "" {
		t.Fatalf("Eval outcome JSON round trip mismatch (-want +got):\n%s\n%s", diff, b)
	}
}

func TestEvalJSONRoundTrip(t *testing.T) { rapid.Check(t, checkEvalJSON) }

// TestTraceJSON pins the JSON shape of a trace with a failed and an
// unknown step.
func TestTraceJSON(t *testing.T) {
	f := sampleFacts()
	f.Order.Lines = nil
	f.Customer.Birthday = time.Time{}
	s := mustCompile(t,
		rules.Rule{ID: "base", Version: 3, Kind: rules.Accrual, Value: "10"},
		rules.Rule{ID: "avg", Kind: rules.Accrual, Value: "order.Total / len(order.Lines)"},
		rules.Rule{ID: "bday", Kind: rules.Gift, When: "isBirthday(customer.Birthday, now, 7)", Value: `"cake"`},
	)
	o, err := s.Eval(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "points": "10",
  "discount": "0",
  "trace": [
    {
      "rule_id": "base",
      "version": 3,
      "kind": "accrual",
      "status": "applied",
      "value": "10",
      "computed": "10"
    },
    {
      "rule_id": "avg",
      "kind": "accrual",
      "status": "failed",
      "error": {
        "rule_id": "avg",
        "part": "value",
        "line": 1,
        "column": 13,
        "message": "division by zero",
        "source": "order.Total / len(order.Lines)",
        "error": "eval"
      }
    },
    {
      "rule_id": "bday",
      "kind": "gift",
      "status": "unknown",
      "error": {
        "rule_id": "bday",
        "part": "when",
        "line": 1,
        "column": 1,
        "message": "isBirthday: argument 1 (date) is unknown (a zero or nil time)",
        "source": "isBirthday(customer.Birthday, now, 7)",
        "error": "unknown"
      }
    }
  ],
  "failures": [
    {
      "rule_id": "avg",
      "part": "value",
      "line": 1,
      "column": 13,
      "message": "division by zero",
      "source": "order.Total / len(order.Lines)",
      "error": "eval"
    }
  ]
}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("json.Marshal(Outcome) mismatch (-want +got):\n%s", diff)
	}
	var back rules.Outcome
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(o, back, traceEqual); diff != "" {
		t.Errorf("json.Unmarshal(Outcome) mismatch (-want +got):\n%s", diff)
	}
	var re *rules.RuleError
	if !errors.As(back.Failures[0], &re) || !errors.Is(back.Failures[0], rules.ErrEval) || !errors.Is(back.Trace[2].Error, rules.ErrUnknown) {
		t.Errorf("decoded errors %v, %v: errors.As and errors.Is must hold", back.Failures[0], back.Trace[2].Error)
	}
}

// TestTraceJSONErrors: names that are not statuses or sentinels are
// errors, and so is writing a status or an error that has no name.
func TestTraceJSONErrors(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		do     func() error
		want   string
	}{
		{"unknown status", "a typo must not read as unset",
			func() error { var s rules.Step; return json.Unmarshal([]byte(`{"status": "aplied"}`), &s) }, `rules: unknown status "aplied"`},
		{"empty status", "an empty status is not unset",
			func() error { var s rules.Status; return s.UnmarshalText(nil) }, `rules: unknown status ""`},
		{"unknown sentinel", "errors.Is would have nothing to match",
			func() error { var e rules.RuleError; return json.Unmarshal([]byte(`{"error": "oops"}`), &e) }, `rules: unknown error "oops"`},
		{"status without a name", "it could not be read back",
			func() error { _, err := json.Marshal(rules.Status(200)); return err }, "rules: cannot marshal value 200"},
		{"error that is not a sentinel", "it could not be read back",
			func() error {
				_, err := json.Marshal(&rules.RuleError{RuleID: "x", Err: errors.New("other")})
				return err
			}, `rules: cannot marshal rule error "x": other is not a rules sentinel error`},
	}
	for _, tc := range tests {
		if err := tc.do(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error = %v, want it to contain %q (%s)", tc.name, err, tc.want, tc.reason)
		}
	}
	// An error wrapping a sentinel is written as the sentinel.
	wrapped := &rules.RuleError{RuleID: "x", Err: fmt.Errorf("more: %w", rules.ErrResult)}
	back, _ := roundTrip(t, wrapped)
	if !errors.Is(back, rules.ErrResult) {
		t.Errorf("round trip of %v = %v, want ErrResult", wrapped, back)
	}
	for _, s := range allStatuses {
		if back, _ := roundTrip(t, s); back != s {
			t.Errorf("Status %v round trip = %v", s, back)
		}
	}
}
