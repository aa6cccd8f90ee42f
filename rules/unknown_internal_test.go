package rules

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

type unknownFacts struct {
	Birthday time.Time `expr:"birthday"`
	Now      time.Time `expr:"now"`
	Lines    []int     `expr:"lines"`
}

// TestExprKeepsTheCause: Eval tells an unknown value from a failure with
// errors.Is on the error the expr VM returns, which relies on expr keeping
// a function's error as the cause of its own (file.Error.Prev). This pins
// that down against expr upgrades, directly on vm runs.
func TestExprKeepsTheCause(t *testing.T) {
	e, err := newEnv[unknownFacts](DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	f := unknownFacts{Now: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), Lines: []int{1, 2}}
	for _, src := range []string{
		"isBirthday(birthday, now, 3)",
		"!isBirthday(birthday, now, 3)",
		"any(lines, month(birthday) == #)",
		"daysSince(birthday, now) > 0 ? true : false",
	} {
		p, _, re := e.compile("r", PartWhen, src, boolTypes, "a bool")
		if re != nil {
			t.Fatalf("compile(%s): %v", src, re)
		}
		r := newRunner(1000)
		m := r.get()
		_, err := run(m, p, f)
		r.put(m)
		var ue *unknownError
		if !errors.Is(err, ErrUnknown) || !errors.As(err, &ue) {
			t.Errorf("run(%s) error = %v (%T): want the helper's unknownError as its cause", src, err, err)
		}
		if got := evalError("r", PartWhen, src, err); got.Err != ErrUnknown {
			t.Errorf("evalError(%v).Err = %v, want ErrUnknown", err, got.Err)
		}
	}
	if got := evalError("r", PartWhen, "x", errors.New("division by zero")); got.Err != ErrEval {
		t.Errorf("evalError(division by zero).Err = %v, want ErrEval", got.Err)
	}
}

type pointerFacts struct {
	Birthday *time.Time `expr:"birthday"`
	Now      time.Time  `expr:"now"`
}

func (f pointerFacts) EvalTime() time.Time           { return f.Now }
func (f pointerFacts) DiscountBase() decimal.Decimal { return decimal.Zero }

// TestNilTimeIsUnknown: a *time.Time fact that is nil is as unknown as a
// zero time.Time (expr passes it to the helpers as nil), for every helper
// that reads a date, including date's zone argument.
func TestNilTimeIsUnknown(t *testing.T) {
	now := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	birth := time.Date(1990, 3, 14, 0, 0, 0, 0, time.UTC)
	defs := []Rule{
		{ID: "bday", Kind: Accrual, When: "isBirthday(birthday, now, 7)", Value: "1"},
		{ID: "age", Kind: Accrual, Value: "yearsSince(birthday, now)"},
		{ID: "month", Kind: Accrual, When: "month(birthday) == 3", Value: "1"},
		{ID: "zone", Kind: Accrual, When: `date("2026-01-01", birthday) < now`, Value: "1"},
	}
	s, err := Compile[pointerFacts](defs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		facts pointerFacts
		want  Status
	}{
		{"nil", pointerFacts{Now: now}, StatusUnknown},
		{"set", pointerFacts{Birthday: &birth, Now: now}, StatusApplied},
	} {
		o, err := s.Eval(tc.facts)
		if err != nil || len(o.Failures) > 0 {
			t.Fatalf("%s: Eval = %v, %v", tc.name, o.Failures, err)
		}
		for _, st := range o.Trace {
			if st.Status != tc.want {
				t.Errorf("%s: rule %s is %v (%v), want %v", tc.name, st.RuleID, st.Status, st.Error, tc.want)
			}
		}
	}
}
