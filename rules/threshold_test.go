package rules_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

func TestThresholds(t *testing.T) {
	th := func(field, op, v string, integer bool) rules.Threshold {
		return rules.Threshold{Field: field, Op: op, Value: d(v), Integer: integer}
	}
	orders := func(op, v string) rules.Threshold { return th("customer.Orders", op, v, true) }
	spend := func(op, v string) rules.Threshold { return th("customer.LifetimeSpend", op, v, false) }
	pairs := strings.TrimSuffix(strings.Repeat("(customer.Orders > 1 || customer.Orders < 0) && ", 7), " && ")
	six := strings.TrimSuffix(strings.Repeat("(customer.Orders > 1 || customer.Orders < 0) && ", 6), " && ")
	for _, c := range []struct {
		name, src string
		want      [][]rules.Threshold // nil: not thresholds
	}{
		{"int", "customer.Orders >= 10", [][]rules.Threshold{{orders(">=", "10")}}},
		{"decimal", "customer.LifetimeSpend > 1000.50", [][]rules.Threshold{{spend(">", "1000.50")}}},
		{"exact literal", "customer.LifetimeSpend >= 0.1", [][]rules.Threshold{{spend(">=", "0.1")}}},
		{"int field, decimal constant", "customer.Orders > 2.5", [][]rules.Threshold{{orders(">", "2.5")}}},
		{"constant arithmetic", "customer.LifetimeSpend >= 100 * 12", [][]rules.Threshold{{spend(">=", "1200")}}},
		{"negative", "customer.LifetimeSpend > -5", [][]rules.Threshold{{spend(">", "-5")}}},
		{"flipped", "100 <= customer.LifetimeSpend", [][]rules.Threshold{{spend(">=", "100")}}},
		{"flipped strict", "3 > customer.Orders", [][]rules.Threshold{{orders("<", "3")}}},
		{"and", "customer.LifetimeSpend > 10 && customer.Orders == 2", [][]rules.Threshold{{spend(">", "10"), orders("==", "2")}}},
		{"or", "customer.LifetimeSpend > 10 or customer.Orders <= 2", [][]rules.Threshold{{spend(">", "10")}, {orders("<=", "2")}}},
		{"distributed", "(customer.Orders > 1 || customer.Orders < 0) && (customer.LifetimeSpend > 5 || customer.LifetimeSpend < 1)",
			[][]rules.Threshold{{orders(">", "1"), spend(">", "5")}, {orders(">", "1"), spend("<", "1")},
				{orders("<", "0"), spend(">", "5")}, {orders("<", "0"), spend("<", "1")}}},
		{"string", `customer.Tier == "gold"`, nil},
		{"helper", "isBirthday(customer.Birthday, now, 3)", nil},
		{"negation", "!(customer.Orders > 1)", nil},
		{"not equal", "customer.Orders != 1", nil},
		{"float field", "customer.Score > 1", nil},
		{"two fields", "customer.Orders > customer.Orders", nil},
		{"computed field", "customer.Orders * 2 > 1", nil},
		{"bool field", "customer.Expecting", nil},
		{"too many clauses", pairs, nil},
		{"too many alternatives", six + " || customer.Orders == 5", nil},
		{"mixed", `customer.Orders > 1 && customer.Tier == "gold"`, nil},
		{"64 clauses", six, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			cond, err := rules.CompileCondition[shopFacts](c.name, c.src)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := cond.Thresholds()
			if c.name == "64 clauses" {
				if !ok || len(got) != rules.MaxClauses {
					t.Fatalf("%d clauses, ok %v; want %d", len(got), ok, rules.MaxClauses)
				}
				return
			}
			if ok != (c.want != nil) {
				t.Fatalf("Thresholds(%q) ok = %v, want %v (%v)", c.src, ok, c.want != nil, got)
			}
			if diff := cmp.Diff(c.want, got, cmpopts.IgnoreUnexported(rules.Threshold{}),
				cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
				t.Fatalf("Thresholds(%q) (-want +got):\n%s", c.src, diff)
			}
			if ok && len(got) > 0 {
				got[0][0].Field = "changed" // the caller's to keep
				if again, _ := cond.Thresholds(); again[0][0].Field == "changed" {
					t.Fatal("Thresholds hands out the condition's own slices")
				}
			}
		})
	}
}

func TestMeasure(t *testing.T) {
	cond, err := rules.CompileCondition[shopFacts]("c", "customer.Orders >= 10 && customer.LifetimeSpend > 100000")
	if err != nil {
		t.Fatal(err)
	}
	dnf, ok := cond.Thresholds()
	if !ok {
		t.Fatal("not thresholds")
	}
	f := sampleFacts()
	for i, want := range []string{"11", "98500"} {
		v, err := cond.Measure(dnf[0][i], rules.Prepare(f))
		if err != nil || !v.Equal(d(want)) {
			t.Errorf("Measure(%s) = %s %v, want %s", dnf[0][i].Field, v, err, want)
		}
	}
	if _, err := cond.Measure(rules.Threshold{Field: "x"}, rules.Prepare(f)); err == nil {
		t.Error("measured a threshold that came from no condition")
	}
	if _, err := cond.Measure(dnf[0][0], rules.Prepared[shopFacts]{}); err == nil {
		t.Error("measured unprepared facts")
	}
}
