package rules_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/rules"
)

// sizedFacts are shopFacts that tell the engine their size (rules.Sizer).
type sizedFacts struct{ shopFacts }

func (f sizedFacts) EvalSize() int { return len(f.Order.Lines) }

func hugeOrder(n int) sizedFacts {
	f := sampleFacts()
	f.Order.Lines = make([]*line, n)
	for i := range f.Order.Lines {
		f.Order.Lines[i] = &line{SKU: fmt.Sprint(i), Category: "beans", Qty: 1, Price: d("1")}
	}
	return sizedFacts{f}
}

func manyLineRules(n int) []rules.Rule {
	rs := make([]rules.Rule, n)
	for i := range rs {
		rs[i] = rules.Rule{ID: fmt.Sprintf("r%d", i), Kind: rules.Accrual, When: `all(order.Lines, .Qty > 0 && .Price > 0)`, Value: "1"}
	}
	return rs
}

// A thousand line rules on a 5,000-line order: each rule costs about
// 65,000 estimated steps (13 nodes a line once money comparisons are
// rewritten), so the evaluation budget (1,000,000) runs the first 15 and
// fails the others without running them; on 10,000 lines each rule alone
// is over the rule budget (100,000); a strict set fails.
func TestStepBudget(t *testing.T) {
	set, err := rules.Compile[sizedFacts](manyLineRules(1000), rules.WithLimits(rules.Limits{MaxProgramNodes: 1 << 20}))
	if err != nil {
		t.Fatal(err)
	}
	f := hugeOrder(5_000)
	start := time.Now()
	out, err := set.Eval(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1,000 rules on 5,000 lines: %v", time.Since(start))
	applied := 0
	for _, st := range out.Trace {
		if st.Status == rules.StatusApplied {
			applied++
		}
	}
	if applied != 15 || len(out.Failures) != 1000-applied {
		t.Errorf("%d applied, %d failed; want a few applied and the rest failed", applied, len(out.Failures))
	}
	if re := out.Failures[0]; !errors.Is(re, rules.ErrEval) || !strings.Contains(re.Error(), "budget") {
		t.Errorf("failure: %v", re)
	}
	if out, err := set.Eval(hugeOrder(10_000)); err != nil || len(out.Failures) != 1000 {
		t.Errorf("10,000 lines: %v, %d failures, want all 1,000", err, len(out.Failures))
	}
	// One rule too costly for one order by itself; small orders are fine.
	one, err := rules.Compile[sizedFacts](manyLineRules(1), rules.WithLimits(rules.Limits{MaxRuleSteps: 1000}))
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]rules.Status{10: rules.StatusApplied, 1000: rules.StatusFailed} {
		out, err := one.Eval(hugeOrder(n))
		if err != nil || out.Trace[0].Status != want {
			t.Errorf("%d lines: %v, %v, want %v", n, err, out.Trace[0].Status, want)
		}
	}
	strict, err := rules.Compile[sizedFacts](manyLineRules(1000), rules.Strict(), rules.WithLimits(rules.Limits{MaxProgramNodes: 1 << 20}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := strict.Eval(f); !errors.Is(err, rules.ErrEval) {
		t.Errorf("strict: %v", err)
	}
}

// BenchmarkEvalHugeOrder is the worst case the budgets allow: as many line
// rules as the programme budget takes (333 of 18 nodes) on a 5,000-line
// order, where the step budget stops the evaluation.
func BenchmarkEvalHugeOrder(b *testing.B) {
	one, err := rules.Compile[sizedFacts](manyLineRules(1))
	if err != nil {
		b.Fatal(err)
	}
	set, err := rules.Compile[sizedFacts](manyLineRules(rules.DefaultLimits().MaxProgramNodes / one.Nodes()))
	if err != nil {
		b.Fatal(err)
	}
	f := hugeOrder(5_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := set.Eval(f); err != nil {
			b.Fatal(err)
		}
	}
}

// TestProgramBudget: a rule set past Limits.MaxProgramNodes is refused,
// naming the rule that spent the budget, without compiling the rest; the
// limit is configurable.
func TestProgramBudget(t *testing.T) {
	big := make([]rules.Rule, 1000)
	for i := range big {
		big[i] = rules.Rule{ID: fmt.Sprintf("r%d", i), Kind: rules.Accrual,
			When: strings.TrimSuffix(strings.Repeat("order.Total > 1 && ", 30), " && "), Value: "1"}
	}
	start := time.Now()
	_, err := rules.Compile[shopFacts](big)
	var ce *rules.CompileError
	if !errors.As(err, &ce) || len(ce.Errors) != 1 || !errors.Is(err, rules.ErrForbidden) || !strings.Contains(err.Error(), "MaxProgramNodes") {
		t.Fatalf("1,000 rules of ~180 nodes: %v, want the programme budget", err)
	}
	t.Logf("refused %s after %v", ce.Errors[0].RuleID, time.Since(start))
	if id := ce.Errors[0].RuleID; id == "r0" || id == "r999" {
		t.Fatalf("refused at %s; want the rule that went past 6,000 nodes", id)
	}
	s, err := rules.Compile[shopFacts](big[:10])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rules.Compile[shopFacts](big[:10], rules.WithLimits(rules.Limits{MaxProgramNodes: s.Nodes() - 1})); !errors.Is(err, rules.ErrForbidden) {
		t.Fatalf("one node under the set's %d: %v", s.Nodes(), err)
	}
	if _, err := rules.Compile[shopFacts](big[:10], rules.WithLimits(rules.Limits{MaxProgramNodes: s.Nodes()})); err != nil {
		t.Fatalf("at the set's %d nodes: %v", s.Nodes(), err)
	}
}
