package rules_test

import (
	"runtime"
	"testing"

	"github.com/loyalkit/loyalkit/rules"
)

// paddedFacts are shopFacts with 64 KB more: a copy of them on the heap
// would show in the bytes an evaluation allocates.
type paddedFacts struct {
	shopFacts
	Pad [1 << 16]byte
}

// Eval reads the facts where the caller's copy was put for it, not in a
// copy on the heap: the bytes an evaluation allocates stay far below the
// facts' size.
func TestEvalDoesNotCopyFactsToHeap(t *testing.T) {
	set, err := rules.Compile[paddedFacts]([]rules.Rule{
		{ID: "base", Kind: rules.Accrual, When: `order.Channel == "web"`, Value: "floor(order.Total)"},
		{ID: "vip", Kind: rules.Discount, Unit: rules.Percent, When: `customer.Tier == "silver"`, Value: "5"},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &paddedFacts{shopFacts: sampleFacts()}
	out, err := set.Eval(*f)
	if err != nil || !out.Points.Equal(d("1234")) {
		t.Fatalf("points %s, error %v; want 1234", out.Points, err)
	}
	const runs = 50
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		if _, err := set.Eval(*f); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / runs; per >= 1<<16 {
		t.Errorf("an evaluation allocates %d bytes: the facts (%d bytes) are copied to the heap", per, 1<<16)
	}
}

// ptrSizedFacts tell their size only through a pointer: Eval gives the
// programs a pointer to the facts, but asks for the size only when the
// facts type itself is a rules.Sizer, as it did when it held a copy.
type ptrSizedFacts struct{ shopFacts }

func (f *ptrSizedFacts) EvalSize() int { return 1 << 40 }

func TestEvalAsksOnlyTheFactsTypesOwnInterfaces(t *testing.T) {
	rs := []rules.Rule{{ID: "lines", Kind: rules.Accrual, When: `all(order.Lines, .Qty > 0)`, Value: "1"}}
	for _, strict := range []bool{false, true} {
		var opts []rules.Option
		if strict {
			opts = append(opts, rules.Strict())
		}
		ptr, err := rules.Compile[ptrSizedFacts](rs, opts...)
		if err != nil {
			t.Fatal(err)
		}
		out, err := ptr.Eval(ptrSizedFacts{sampleFacts()})
		if err != nil || !out.Points.Equal(d("1")) {
			t.Errorf("strict %v: points %s, error %v; want 1 (the size, 2⁴⁰, read through the pointer would fail the budget)", strict, out.Points, err)
		}
		// The value type's Sizer is asked: the same size fails the rule.
		sized, err := rules.Compile[sizedFacts](rs, opts...)
		if err != nil {
			t.Fatal(err)
		}
		huge := hugeOrder(200_000)
		out, err = sized.Eval(huge)
		if strict && err == nil || !strict && len(out.Failures) != 1 {
			t.Errorf("strict %v: a 200,000-line order gave %d failures, error %v; want the rule over its budget", strict, len(out.Failures), err)
		}
	}
}

// ptrDescribedFacts leave Left.Used empty and say what was used only
// through a pointer: the trace shows no words, as when Eval held a copy
// of the facts (which is no UsageDescriber).
type ptrDescribedFacts struct{ limitFacts }

func (f ptrDescribedFacts) LimitLeft(id string, l rules.Limit) rules.Left {
	left := f.limitFacts.LimitLeft(id, l)
	left.Used = ""
	return left
}

func (f *ptrDescribedFacts) LimitUsed(string, rules.Limit) string { return "through the pointer" }

func TestEvalDescribesOnlyByTheFactsTypesOwnMethods(t *testing.T) {
	set, err := rules.Compile[ptrDescribedFacts]([]rules.Rule{
		{ID: "review", Kind: rules.Accrual, Value: "30", Limit: rules.Limit{Times: 1, Per: rules.Month}}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := set.Eval(ptrDescribedFacts{limitFacts{shopFacts: sampleFacts(), used: map[string]int{"review": 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if st := out.Trace[0]; st.Status != rules.StatusLimited || st.Reason != "" {
		t.Errorf("%v %q, want limited with no reason (Left.Used)", st.Status, st.Reason)
	}
}
