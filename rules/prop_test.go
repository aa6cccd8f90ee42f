package rules_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func genDecimal(t *rapid.T, label string, maxUnits int64) decimal.Decimal {
	cents := rapid.Int64Range(0, maxUnits*100).Draw(t, label)
	return decimal.New(cents, -2)
}

func genTime(t *rapid.T, label string) time.Time {
	sec := rapid.Int64Range(1_700_000_000, 1_900_000_000).Draw(t, label)
	return time.Unix(sec, 0).UTC()
}

// genRule draws a valid rule from menus of realistic expressions with
// random thresholds, so that sets compile and exercise every stacking.
// Some can fail at run time (no lines to divide by, a negative value, a
// percent over 100, an empty gift) or need an unknown birthday.
func genRule(t *rapid.T, id string) rules.Rule {
	kind := rapid.SampledFrom([]rules.Kind{rules.Accrual, rules.Discount, rules.Gift, rules.Tier}).Draw(t, "kind")
	n := rapid.IntRange(0, 200).Draw(t, "n")
	conds := []string{
		"",
		fmt.Sprintf("order.Total >= %d", n*10),
		fmt.Sprintf("customer.Orders > %d", n%20),
		fmt.Sprintf(`any(order.Lines, .Category == "suits" && .Price > %d.5)`, n),
		fmt.Sprintf("customer.LifetimeSpend >= %d00", n),
		fmt.Sprintf("isBirthday(customer.Birthday, now, %d)", n%30),
		fmt.Sprintf("order.Total / len(order.Lines) > %d", n),
	}
	r := rules.Rule{
		ID:       id,
		Kind:     kind,
		When:     rapid.SampledFrom(conds).Draw(t, "when"),
		Priority: rapid.IntRange(0, 3).Draw(t, "priority"),
	}
	switch kind {
	case rules.Accrual:
		r.Value = rapid.SampledFrom([]string{
			fmt.Sprintf("floor(order.Total / 100) * %d", n%10),
			fmt.Sprintf("order.Total * 0.0%d", n%10),
			fmt.Sprintf("sum(order.Lines, .Price * .Qty) * 0.%d", n%10),
			fmt.Sprint(n),
			"order.Total / len(order.Lines) / 10",
			fmt.Sprintf("%d - customer.Orders", n%30),
		}).Draw(t, "value")
	case rules.Discount:
		r.Unit = rapid.SampledFrom([]rules.Unit{rules.Percent, rules.Amount}).Draw(t, "unit")
		if r.Unit == rules.Percent {
			r.Value = rapid.SampledFrom([]string{fmt.Sprint(n % 101), "customer.Orders * 5"}).Draw(t, "percent")
		} else {
			r.Value = rapid.SampledFrom([]string{fmt.Sprint(n * 10), "order.Total * 0.3", "min(order.Total, 500)"}).Draw(t, "value")
		}
	case rules.Gift:
		r.Value = rapid.SampledFrom([]string{`"mug"`, `"suit-cover"`, `"baby-kit"`, "order.Coupon"}).Draw(t, "gift")
	case rules.Tier:
		r.Value = fmt.Sprintf("%q", rapid.SampledFrom([]string{"silver", "gold", "vip"}).Draw(t, "tier"))
	}
	stackings := []rules.Stacking{rules.Stack, rules.Exclusive}
	if kind == rules.Accrual || kind == rules.Discount {
		stackings = append(stackings, rules.BestOf)
		if rapid.Bool().Draw(t, "capped") {
			r.Cap = genDecimal(t, "cap", 1000)
		}
	}
	r.Stacking = rapid.SampledFrom(stackings).Draw(t, "stacking")
	if rapid.Bool().Draw(t, "occasions") {
		r.On = rapid.SliceOfNDistinct(rapid.SampledFrom(occasions), 1, len(occasions), rapid.ID[string]).Draw(t, "on")
	}
	if rapid.Bool().Draw(t, "windowed") {
		r.From = genTime(t, "from")
		r.Until = r.From.Add(time.Duration(rapid.IntRange(1, 1000).Draw(t, "hours")) * time.Hour)
	}
	return r
}

// occasions are the occasions generated rules and facts use.
var occasions = []string{"purchase", "review", "referral"}

func genRules(t *rapid.T) []rules.Rule {
	n := rapid.IntRange(0, 12).Draw(t, "rules")
	out := make([]rules.Rule, n)
	for i := range out {
		out[i] = genRule(t, fmt.Sprintf("r%d", i))
	}
	return out
}

func genFacts(t *rapid.T) shopFacts {
	var lines []*line
	total := decimal.Zero
	for i := range rapid.IntRange(0, 5).Draw(t, "lines") {
		l := &line{
			SKU:      fmt.Sprintf("sku-%d", i),
			Category: rapid.SampledFrom([]string{"suits", "coffee", "accessories"}).Draw(t, "category"),
			Qty:      rapid.IntRange(1, 5).Draw(t, "qty"),
			Price:    genDecimal(t, "price", 2000),
		}
		total = total.Add(l.Price.Mul(decimal.NewFromInt(int64(l.Qty))))
		lines = append(lines, l)
	}
	var birthday time.Time // unknown
	if rapid.Bool().Draw(t, "birthday known") {
		birthday = genTime(t, "birthday")
	}
	return shopFacts{
		Customer: customer{ID: "c", Orders: rapid.IntRange(0, 40).Draw(t, "orders"), LifetimeSpend: genDecimal(t, "spend", 200000), Birthday: birthday},
		Order:    order{ID: "o", Total: total, Lines: lines, Coupon: rapid.SampledFrom([]string{"", "WELCOME10"}).Draw(t, "coupon")},
		Now:      genTime(t, "now"),
		Event:    rapid.SampledFrom(append([]string{""}, occasions...)).Draw(t, "occasion"),
	}
}

func compileGen(t *rapid.T, defs []rules.Rule) *rules.Set[shopFacts] {
	s, err := rules.Compile[shopFacts](defs)
	if err != nil {
		t.Fatalf("generated rules do not compile: %v", err)
	}
	return s
}

// checkJSONRoundTrip: a rule written to JSON and read back is the same rule.
func checkJSONRoundTrip(t *rapid.T) {
	r := genRule(t, rapid.String().Draw(t, "id"))
	r.Version = rapid.IntRange(0, 1000).Draw(t, "version")
	r.Description = rapid.String().Draw(t, "description")
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var back rules.Rule
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if diff := cmp.Diff(r, back); diff != "" {
		t.Fatalf("JSON round trip mismatch (-want +got):\n%s\n%s", diff, b)
	}
}

func TestJSONRoundTrip(t *testing.T) { rapid.Check(t, checkJSONRoundTrip) }
func FuzzJSONRoundTrip(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkJSONRoundTrip)) }

// checkOutcome: for any rules and order, the discount is within the
// order, points are not negative, the totals are the sums of the trace,
// an applied exclusive rule leaves every later rule of its kind
// unevaluated, failed and unknown rules contribute nothing and carry their
// error (the failed ones, and only they, listed in Failures), and under
// Strict the same set returns the first failure, or the same outcome.
func checkOutcome(t *rapid.T) {
	defs := genRules(t)
	s := compileGen(t, defs)
	f := genFacts(t)
	o, err := s.Eval(f)
	if err != nil {
		t.Fatalf("Eval: %v", err)
	}
	checkTotals(t, s.Rules(), f, o)
	strict, err := rules.Compile[shopFacts](defs, rules.Strict())
	if err != nil {
		t.Fatalf("Compile(Strict): %v", err)
	}
	so, err := strict.Eval(f)
	if len(o.Failures) == 0 {
		if err != nil {
			t.Fatalf("Eval (strict): %v, but nothing failed", err)
		}
		if diff := cmp.Diff(o, so, traceEqual); diff != "" {
			t.Fatalf("Eval (strict) differs (-default +strict):\n%s", diff)
		}
		return
	}
	var re *rules.RuleError
	if !errors.As(err, &re) || !cmp.Equal(*re, *o.Failures[0], errorsEqual) {
		t.Fatalf("Eval (strict) error = %v, want the first failure %v", err, o.Failures[0])
	}
}

// checkTotals checks an outcome against the rules it came from (in
// evaluation order) and the facts; FuzzEval uses it too.
func checkTotals(t interface{ Fatalf(string, ...any) }, defs []rules.Rule, f shopFacts, o rules.Outcome) {
	if o.Discount.IsNegative() || o.Discount.GreaterThan(f.Order.Total) {
		t.Fatalf("discount %v outside [0, %v]", o.Discount, f.Order.Total)
	}
	if o.Points.IsNegative() {
		t.Fatalf("points %v negative", o.Points)
	}
	if len(o.Trace) != len(defs) {
		t.Fatalf("trace has %d steps for %d rules", len(o.Trace), len(defs))
	}
	points, discount := decimal.Zero, decimal.Zero
	shadowing := map[rules.Kind]string{}
	var failures []*rules.RuleError
	for i, r := range defs {
		st := o.Trace[i]
		if st.RuleID != r.ID {
			t.Fatalf("trace step %d is %s, want rule %s", i, st.RuleID, r.ID)
		}
		if by, ok := shadowing[st.Kind]; ok && st.Status != rules.StatusShadowed && st.Status != rules.StatusInactive && st.Status != rules.StatusNotApplicable {
			t.Fatalf("rule %s is %v after exclusive %s applied", st.RuleID, st.Status, by)
		}
		if applicable := len(r.On) == 0 || slices.Contains(r.On, f.Event); st.Status != rules.StatusInactive && applicable == (st.Status == rules.StatusNotApplicable) {
			t.Fatalf("rule %s with on %q is %v on occasion %q", st.RuleID, r.On, st.Status, f.Event)
		}
		switch st.Status {
		case rules.StatusFailed, rules.StatusUnknown:
			e := st.Error
			if e == nil || e.RuleID != r.ID || errors.Is(e, rules.ErrUnknown) != (st.Status == rules.StatusUnknown) {
				t.Fatalf("rule %s is %v with error %v", st.RuleID, st.Status, e)
			}
			if st.Status == rules.StatusFailed {
				failures = append(failures, e)
			}
			if !st.Value.IsZero() || st.Text != "" {
				t.Fatalf("rule %s is %v but contributed %v %q", st.RuleID, st.Status, st.Value, st.Text)
			}
		default:
			if st.Error != nil {
				t.Fatalf("rule %s is %v with error %v", st.RuleID, st.Status, st.Error)
			}
		}
		if st.Status != rules.StatusApplied && st.Status != rules.StatusCapped {
			continue
		}
		if r.Stacking == rules.Exclusive || r.Kind == rules.Tier {
			shadowing[r.Kind] = r.ID
		}
		switch st.Kind {
		case rules.Accrual:
			points = points.Add(st.Value)
		case rules.Discount:
			discount = discount.Add(st.Value)
		}
		if st.Value.GreaterThan(st.Computed) {
			t.Fatalf("rule %s contributed %v, more than it computed %v", st.RuleID, st.Value, st.Computed)
		}
	}
	if !points.Equal(o.Points) || !discount.Equal(o.Discount) {
		t.Fatalf("totals %v, %v differ from the trace sums %v, %v", o.Points, o.Discount, points, discount)
	}
	if !slices.Equal(failures, o.Failures) {
		t.Fatalf("failures %v, want the failed steps' errors %v", o.Failures, failures)
	}
}

func TestOutcome(t *testing.T) { rapid.Check(t, checkOutcome) }
func FuzzOutcome(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkOutcome)) }

// checkDeterministic: the same facts give the same outcome, also when the
// set is compiled again from the same rules.
func checkDeterministic(t *rapid.T) {
	defs := genRules(t)
	s1, s2 := compileGen(t, defs), compileGen(t, defs)
	f := genFacts(t)
	o1, err1 := s1.Eval(f)
	o2, err2 := s1.Eval(f)
	o3, err3 := s2.Eval(f)
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatalf("Eval errors: %v %v %v", err1, err2, err3)
	}
	if diff := cmp.Diff(o1, o2, traceEqual); diff != "" {
		t.Fatalf("second Eval differs (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(o1, o3, traceEqual); diff != "" {
		t.Fatalf("Eval of a recompiled set differs (-first +recompiled):\n%s", diff)
	}
}

func TestDeterministic(t *testing.T) { rapid.Check(t, checkDeterministic) }

// TestConcurrentEval evaluates one set from many goroutines (run it with
// -race): every goroutine gets the outcome a sequential evaluation gives.
func TestConcurrentEval(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := compileGen(t, genRules(t))
		facts := make([]shopFacts, 8)
		want := make([]rules.Outcome, len(facts))
		for i := range facts {
			facts[i] = genFacts(t)
			var err error
			if want[i], err = s.Eval(facts[i]); err != nil {
				t.Fatalf("Eval: %v", err)
			}
		}
		got := make([][]rules.Outcome, 4)
		var wg sync.WaitGroup
		for g := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range facts {
					o, _ := s.Eval(facts[(i+g)%len(facts)])
					got[g] = append(got[g], o)
				}
			}()
		}
		wg.Wait()
		for g := range got {
			for i, o := range got[g] {
				if diff := cmp.Diff(want[(i+g)%len(facts)], o, traceEqual); diff != "" {
					t.Fatalf("goroutine %d, facts %d (-sequential +concurrent):\n%s", g, i, diff)
				}
			}
		}
	})
}
