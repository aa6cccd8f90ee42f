package rules_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// benchRules is a realistic 20-rule programme: accrual with category
// multipliers, a cumulative-discount ladder, two gifts, tier rules and a
// promo window.
func benchRules() []rules.Rule {
	promoFrom := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	return []rules.Rule{
		{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total / 100) * 5"},
		{ID: "coffee-x2", Kind: rules.Accrual, When: `any(order.Lines, .Category == "coffee")`,
			Value: `floor(sum(filter(order.Lines, .Category == "coffee"), .Price * .Qty) / 100) * 5`},
		{ID: "suits-x3", Kind: rules.Accrual, When: `any(order.Lines, .Category == "suits")`,
			Value: `floor(sum(filter(order.Lines, .Category == "suits"), .Price * .Qty) / 100) * 10`},
		{ID: "accessories-x2", Kind: rules.Accrual, When: `any(order.Lines, .Category == "accessories")`,
			Value: `floor(sum(filter(order.Lines, .Category == "accessories"), .Price * .Qty) / 100) * 5`},
		{ID: "gold-bonus", Kind: rules.Accrual, When: `customer.Tier == "gold"`, Value: "order.Total * 0.02"},
		{ID: "vip-bonus", Kind: rules.Accrual, When: `customer.Tier == "vip"`, Value: "order.Total * 0.05", Cap: decimal.NewFromInt(500)},
		{ID: "app-order", Kind: rules.Accrual, When: `order.Channel == "app"`, Value: "20"},
		{ID: "march-promo", Kind: rules.Accrual, Stacking: rules.BestOf, From: promoFrom, Until: promoFrom.AddDate(0, 1, 0),
			When: "order.Total >= 1000", Value: "order.Total * 0.1"},
		{ID: "big-order", Kind: rules.Accrual, Stacking: rules.BestOf, When: "order.Total >= 500", Value: "50"},
		{ID: "birthday", Kind: rules.Accrual, When: "isBirthday(customer.Birthday, now, 7)", Value: "500"},
		{ID: "tenth-order", Kind: rules.Accrual, When: "customer.Orders == 9", Value: "100"},
		{ID: "ladder-4", Kind: rules.Discount, Unit: rules.Percent, Priority: 4, Stacking: rules.Exclusive, When: "customer.LifetimeSpend >= 200000", Value: "15"},
		{ID: "ladder-3", Kind: rules.Discount, Unit: rules.Percent, Priority: 3, Stacking: rules.Exclusive, When: "customer.LifetimeSpend >= 100000", Value: "10"},
		{ID: "ladder-2", Kind: rules.Discount, Unit: rules.Percent, Priority: 2, Stacking: rules.Exclusive, When: "customer.LifetimeSpend >= 50000", Value: "5"},
		{ID: "ladder-1", Kind: rules.Discount, Unit: rules.Percent, Priority: 1, Stacking: rules.Exclusive, When: "customer.LifetimeSpend >= 10000", Value: "3"},
		{ID: "welcome-coupon", Kind: rules.Discount, Unit: rules.Amount, Priority: 5, When: `order.Coupon == "WELCOME10"`, Value: "10"},
		{ID: "suit-cover", Kind: rules.Gift, When: `any(order.Lines, .Category == "suits")`, Value: `"suit-cover"`},
		{ID: "baby-kit", Kind: rules.Gift, When: "customer.Expecting && customer.Orders == 0", Value: `"baby-kit"`},
		{ID: "tier-vip", Kind: rules.Tier, Priority: 2, When: "customer.LifetimeSpend >= 100000 || customer.Orders >= 12", Value: `"vip"`},
		{ID: "tier-gold", Kind: rules.Tier, Priority: 1, When: "customer.LifetimeSpend >= 20000", Value: `"gold"`},
	}
}

// handWritten computes what benchRules decide, in plain Go with the same
// decimal arithmetic, building the same Outcome and trace.
func handWritten(f shopFacts) rules.Outcome {
	var (
		total    = f.Order.Total
		c        = f.Customer
		zero     = decimal.Zero
		hundred  = decimal.NewFromInt(100)
		five     = decimal.NewFromInt(5)
		trace    = make([]rules.Step, 0, 20)
		points   = decimal.Zero
		discount = decimal.Zero
		out      rules.Outcome
	)
	add := func(id string, k rules.Kind, st rules.Status, v, computed decimal.Decimal, text, by string) {
		trace = append(trace, rules.Step{RuleID: id, Kind: k, Status: st, Value: v, Computed: computed, Text: text, By: by})
	}
	catSum := func(cat string) (decimal.Decimal, bool) {
		s, ok := decimal.Zero, false
		for _, l := range f.Order.Lines {
			if l.Category == cat {
				s, ok = s.Add(l.Price.Mul(decimal.NewFromInt(int64(l.Qty)))), true
			}
		}
		return s, ok
	}
	ge := func(a decimal.Decimal, n int64) bool { return a.Cmp(decimal.NewFromInt(n)) >= 0 }
	if f.Order.Coupon == "WELCOME10" {
		v := decimal.NewFromInt(10)
		if left := total.Sub(discount); v.GreaterThan(left) {
			add("welcome-coupon", rules.Discount, rules.StatusCapped, left, v, "", "")
			v = left
		} else {
			add("welcome-coupon", rules.Discount, rules.StatusApplied, v, v, "", "")
		}
		discount = discount.Add(v)
	} else {
		add("welcome-coupon", rules.Discount, rules.StatusFalse, zero, zero, "", "")
	}
	// Priority 4..1: the discount ladder; the tiers follow the ladder steps
	// of their priority (a stable sort keeps the list order).
	ladder := []struct {
		id  string
		min int64
		pct int64
	}{{"ladder-4", 200000, 15}, {"ladder-3", 100000, 10}, {"ladder-2", 50000, 5}, {"ladder-1", 10000, 3}}
	by := ""
	for i, l := range ladder {
		if by != "" {
			add(l.id, rules.Discount, rules.StatusShadowed, zero, zero, "", by)
		} else if ge(c.LifetimeSpend, l.min) {
			v := total.Mul(decimal.NewFromInt(l.pct)).Shift(-2)
			if left := total.Sub(discount); v.GreaterThan(left) {
				add(l.id, rules.Discount, rules.StatusCapped, left, v, "", "")
				v = left
			} else {
				add(l.id, rules.Discount, rules.StatusApplied, v, v, "", "")
			}
			discount = discount.Add(v)
			by = l.id
		} else {
			add(l.id, rules.Discount, rules.StatusFalse, zero, zero, "", "")
		}
		if i == 2 {
			if ge(c.LifetimeSpend, 100000) || c.Orders >= 12 {
				add("tier-vip", rules.Tier, rules.StatusApplied, zero, zero, "vip", "")
				out.Tier = "vip"
			} else {
				add("tier-vip", rules.Tier, rules.StatusFalse, zero, zero, "", "")
			}
		}
		if i == 3 {
			switch {
			case out.Tier != "":
				add("tier-gold", rules.Tier, rules.StatusShadowed, zero, zero, "", "tier-vip")
			case ge(c.LifetimeSpend, 20000):
				add("tier-gold", rules.Tier, rules.StatusApplied, zero, zero, "gold", "")
				out.Tier = "gold"
			default:
				add("tier-gold", rules.Tier, rules.StatusFalse, zero, zero, "", "")
			}
		}
	}
	accrue := func(id string, ok bool, v decimal.Decimal) {
		if !ok {
			add(id, rules.Accrual, rules.StatusFalse, zero, zero, "", "")
			return
		}
		add(id, rules.Accrual, rules.StatusApplied, v, v, "", "")
		points = points.Add(v)
	}
	accrue("base", true, total.DivRound(hundred, 16).Floor().Mul(five))
	for _, cm := range []struct {
		id, cat string
		mult    int64
	}{{"coffee-x2", "coffee", 5}, {"suits-x3", "suits", 10}, {"accessories-x2", "accessories", 5}} {
		s, ok := catSum(cm.cat)
		accrue(cm.id, ok, s.DivRound(hundred, 16).Floor().Mul(decimal.NewFromInt(cm.mult)))
	}
	accrue("gold-bonus", c.Tier == "gold", total.Mul(decimal.RequireFromString("0.02")))
	if c.Tier == "vip" {
		v, capped := total.Mul(decimal.RequireFromString("0.05")), decimal.NewFromInt(500)
		if v.GreaterThan(capped) {
			add("vip-bonus", rules.Accrual, rules.StatusCapped, capped, v, "", "")
			points = points.Add(capped)
		} else {
			add("vip-bonus", rules.Accrual, rules.StatusApplied, v, v, "", "")
			points = points.Add(v)
		}
	} else {
		add("vip-bonus", rules.Accrual, rules.StatusFalse, zero, zero, "", "")
	}
	accrue("app-order", f.Order.Channel == "app", decimal.NewFromInt(20))
	// The two best-of rules: only the larger counts.
	promoFrom := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	promo, big := -1, -1
	switch {
	case f.Now.Before(promoFrom) || !f.Now.Before(promoFrom.AddDate(0, 1, 0)):
		add("march-promo", rules.Accrual, rules.StatusInactive, zero, zero, "", "")
	case ge(total, 1000):
		v := total.Mul(decimal.RequireFromString("0.1"))
		promo = len(trace)
		add("march-promo", rules.Accrual, rules.StatusApplied, v, v, "", "")
	default:
		add("march-promo", rules.Accrual, rules.StatusFalse, zero, zero, "", "")
	}
	if ge(total, 500) {
		big = len(trace)
		add("big-order", rules.Accrual, rules.StatusApplied, decimal.NewFromInt(50), decimal.NewFromInt(50), "", "")
	} else {
		add("big-order", rules.Accrual, rules.StatusFalse, zero, zero, "", "")
	}
	switch {
	case promo >= 0 && big >= 0 && trace[big].Value.GreaterThan(trace[promo].Value):
		trace[promo].Status, trace[promo].Value, trace[promo].By = rules.StatusOutdone, zero, "big-order"
		points = points.Add(trace[big].Value)
	case promo >= 0 && big >= 0:
		trace[big].Status, trace[big].Value, trace[big].By = rules.StatusOutdone, zero, "march-promo"
		points = points.Add(trace[promo].Value)
	case promo >= 0:
		points = points.Add(trace[promo].Value)
	case big >= 0:
		points = points.Add(trace[big].Value)
	}
	accrue("birthday", rules.IsBirthday(c.Birthday, f.Now, 7), decimal.NewFromInt(500))
	accrue("tenth-order", c.Orders == 9, decimal.NewFromInt(100))
	if _, ok := catSum("suits"); ok {
		add("suit-cover", rules.Gift, rules.StatusApplied, zero, zero, "suit-cover", "")
		out.Gifts = append(out.Gifts, "suit-cover")
	} else {
		add("suit-cover", rules.Gift, rules.StatusFalse, zero, zero, "", "")
	}
	if c.Expecting && c.Orders == 0 {
		add("baby-kit", rules.Gift, rules.StatusApplied, zero, zero, "baby-kit", "")
		out.Gifts = append(out.Gifts, "baby-kit")
	} else {
		add("baby-kit", rules.Gift, rules.StatusFalse, zero, zero, "", "")
	}
	out.Points, out.Discount, out.Trace = points, discount, trace
	return out
}

// benchFacts is one order of a gold customer in the promo month, with a
// coffee, a suit and an accessory line.
func benchFacts() shopFacts {
	f := sampleFacts()
	f.Customer.Tier = "gold"
	f.Customer.LifetimeSpend = d("64000")
	f.Order.Lines = append(f.Order.Lines, &line{SKU: "beans", Category: "coffee", Qty: 2, Price: d("18.50")})
	f.Order.Total = d("1271.56")
	return f
}

// TestHandWrittenMatches makes the benchmark comparison honest: the
// hand-written Go decides exactly what the rule set decides.
func TestHandWrittenMatches(t *testing.T) {
	s := mustCompile(t, benchRules()...)
	for _, f := range []shopFacts{benchFacts(), sampleFacts(), func() shopFacts {
		f := benchFacts()
		f.Customer.Tier, f.Customer.Orders, f.Customer.Expecting = "vip", 0, true
		f.Customer.LifetimeSpend = d("250000")
		f.Order.Total, f.Order.Coupon, f.Order.Lines = d("8"), "WELCOME10", nil
		f.Now = time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)
		return f
	}()} {
		got, err := s.Eval(f)
		if err != nil {
			t.Fatal(err)
		}
		want := handWritten(f)
		for i := range got.Trace {
			got.Trace[i].Version = 0
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Eval mismatch with hand-written Go (-hand +engine):\n%s", diff)
		}
	}
}

func BenchmarkEvalProgram(b *testing.B) {
	s := mustCompile(b, benchRules()...)
	f := benchFacts()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Eval(f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalHandWritten(b *testing.B) {
	f := benchFacts()
	b.ReportAllocs()
	for b.Loop() {
		_ = handWritten(f)
	}
}

// BenchmarkCondition is one condition-only rule on plain (non-money) facts.
func BenchmarkCondition(b *testing.B) {
	c, err := rules.CompileCondition[shopFacts]("web-regular", `customer.Orders >= 10 && order.Channel == "web"`)
	if err != nil {
		b.Fatal(err)
	}
	f := rules.Prepare(sampleFacts())
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := c.Match(f); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	defs := benchRules()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rules.Compile[shopFacts](defs); err != nil {
			b.Fatal(err)
		}
	}
}

// budgetRules fills the default programme budget (Limits.MaxProgramNodes)
// with rules of heavy nodes: each value divides decimals (the slowest
// operator) 30 times.
func budgetRules(tb testing.TB) []rules.Rule {
	var defs []rules.Rule
	for i := 0; ; i++ {
		var terms []string
		for j := range 30 {
			terms = append(terms, fmt.Sprintf("order.Total / 3.%d", 10+j))
		}
		defs = append(defs, rules.Rule{ID: fmt.Sprint("r", i), Kind: rules.Accrual, When: "order.Total > 0",
			Value: "floor(" + strings.Join(terms, " + ") + ") % 1000"})
		if _, err := rules.Compile[shopFacts](defs); err != nil {
			if !errors.Is(err, rules.ErrForbidden) {
				tb.Fatal(err)
			}
			return defs[:len(defs)-1]
		}
	}
}

// BenchmarkProgramBudget compiles and evaluates a rule set as large as the
// default Limits.MaxProgramNodes allows, made of the slowest nodes: the
// budget's promise is compile ≤ 200 ms and one evaluation ≤ 1 ms.
func BenchmarkProgramBudget(b *testing.B) {
	defs := budgetRules(b)
	s, err := rules.Compile[shopFacts](defs)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Compile", func(b *testing.B) {
		b.ReportAllocs()
		b.ReportMetric(float64(s.Nodes()), "nodes")
		for b.Loop() {
			if _, err := rules.Compile[shopFacts](defs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Eval", func(b *testing.B) {
		b.ReportAllocs()
		f := sampleFacts()
		for b.Loop() {
			if out, err := s.Eval(f); err != nil || len(out.Failures) > 0 {
				b.Fatal(err, out.Failures)
			}
		}
	})
}
