// Package celgo benchmarks the 20-rule set of rules/bench_test.go written
// in cel-go, so that loyalkit's expr engine can be compared with CEL. It is
// a nested module so that cel-go never enters the library's go.mod.
//
// CEL has no decimal type: money is double here, so the CEL side is not
// exact; it answers only "how fast is the same decision logic in CEL".
package celgo

import (
	"math"
	"sort"
	"testing"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"
	"github.com/loyalkit/loyalkit/rules"
)

type celRule struct {
	id          string
	kind        rules.Kind
	percent     bool
	priority    int
	stacking    rules.Stacking
	from, until time.Time
	cap         float64
	when, value string
	whenP       cel.Program
	valueP      cel.Program
}

var promoFrom = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// celRules are benchRules (rules/bench_test.go) in CEL.
func celRules() []*celRule {
	catSum := func(cat string) string {
		return `math.floor(sum(order.lines.filter(l, l.category == "` + cat + `").map(l, l.price * double(l.qty))) / 100.0)`
	}
	has := func(cat string) string { return `order.lines.exists(l, l.category == "` + cat + `")` }
	return []*celRule{
		{id: "base", kind: rules.Accrual, value: "math.floor(order.total / 100.0) * 5.0"},
		{id: "coffee-x2", kind: rules.Accrual, when: has("coffee"), value: catSum("coffee") + " * 5.0"},
		{id: "suits-x3", kind: rules.Accrual, when: has("suits"), value: catSum("suits") + " * 10.0"},
		{id: "accessories-x2", kind: rules.Accrual, when: has("accessories"), value: catSum("accessories") + " * 5.0"},
		{id: "gold-bonus", kind: rules.Accrual, when: `customer.tier == "gold"`, value: "order.total * 0.02"},
		{id: "vip-bonus", kind: rules.Accrual, when: `customer.tier == "vip"`, value: "order.total * 0.05", cap: 500},
		{id: "app-order", kind: rules.Accrual, when: `order.channel == "app"`, value: "20.0"},
		{id: "march-promo", kind: rules.Accrual, stacking: rules.BestOf, from: promoFrom, until: promoFrom.AddDate(0, 1, 0),
			when: "order.total >= 1000.0", value: "order.total * 0.1"},
		{id: "big-order", kind: rules.Accrual, stacking: rules.BestOf, when: "order.total >= 500.0", value: "50.0"},
		{id: "birthday", kind: rules.Accrual, when: "isBirthday(customer.birthday, now, 7)", value: "500.0"},
		{id: "tenth-order", kind: rules.Accrual, when: "customer.orders == 9", value: "100.0"},
		{id: "ladder-4", kind: rules.Discount, percent: true, priority: 4, stacking: rules.Exclusive, when: "customer.lifetimeSpend >= 200000.0", value: "15.0"},
		{id: "ladder-3", kind: rules.Discount, percent: true, priority: 3, stacking: rules.Exclusive, when: "customer.lifetimeSpend >= 100000.0", value: "10.0"},
		{id: "ladder-2", kind: rules.Discount, percent: true, priority: 2, stacking: rules.Exclusive, when: "customer.lifetimeSpend >= 50000.0", value: "5.0"},
		{id: "ladder-1", kind: rules.Discount, percent: true, priority: 1, stacking: rules.Exclusive, when: "customer.lifetimeSpend >= 10000.0", value: "3.0"},
		{id: "welcome-coupon", kind: rules.Discount, priority: 5, when: `order.coupon == "WELCOME10"`, value: "10.0"},
		{id: "suit-cover", kind: rules.Gift, when: has("suits"), value: `"suit-cover"`},
		{id: "baby-kit", kind: rules.Gift, when: "customer.expecting && customer.orders == 0", value: `"baby-kit"`},
		{id: "tier-vip", kind: rules.Tier, priority: 2, when: "customer.lifetimeSpend >= 100000.0 || customer.orders >= 12", value: `"vip"`},
		{id: "tier-gold", kind: rules.Tier, priority: 1, when: "customer.lifetimeSpend >= 20000.0", value: `"gold"`},
	}
}

// compileCEL compiles every rule, in evaluation order.
func compileCEL(tb testing.TB) []*celRule {
	tb.Helper()
	dyn := cel.MapType(cel.StringType, cel.DynType)
	env, err := cel.NewEnv(
		cel.Variable("customer", dyn),
		cel.Variable("order", dyn),
		cel.Variable("now", cel.TimestampType),
		ext.Math(),
		cel.Function("sum", cel.Overload("sum_list_dyn", []*cel.Type{cel.ListType(cel.DynType)}, cel.DoubleType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				l := v.(interface {
					Size() ref.Val
					Get(ref.Val) ref.Val
				})
				n := l.Size().(types.Int)
				s := 0.0
				for i := types.Int(0); i < n; i++ {
					s += float64(l.Get(i).(types.Double))
				}
				return types.Double(s)
			}))),
		cel.Function("isBirthday", cel.Overload("is_birthday", []*cel.Type{cel.TimestampType, cel.TimestampType, cel.IntType}, cel.BoolType,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return types.Bool(rules.IsBirthday(args[0].Value().(time.Time), args[1].Value().(time.Time), int(args[2].(types.Int))))
			}))),
	)
	if err != nil {
		tb.Fatal(err)
	}
	prog := func(src string) cel.Program {
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			tb.Fatalf("%s: %v", src, iss.Err())
		}
		p, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
		if err != nil {
			tb.Fatal(err)
		}
		return p
	}
	rs := celRules()
	for _, r := range rs {
		if r.when != "" {
			r.whenP = prog(r.when)
		}
		r.valueP = prog(r.value)
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].priority > rs[j].priority })
	return rs
}

type celOutcome struct {
	points, discount float64
	gifts            []string
	tier             string
}

// evalCEL applies the same combination semantics as rules.Set.Eval.
func evalCEL(rs []*celRule, act map[string]any, now time.Time, base float64) celOutcome {
	var out celOutcome
	exclusive := map[rules.Kind]bool{}
	best := map[rules.Kind]float64{}
	hasBest := map[rules.Kind]bool{}
	for _, r := range rs {
		if (!r.from.IsZero() && now.Before(r.from)) || (!r.until.IsZero() && !now.Before(r.until)) || exclusive[r.kind] {
			continue
		}
		if r.whenP != nil {
			v, _, err := r.whenP.Eval(act)
			if err != nil || v != types.True {
				continue
			}
		}
		v, _, err := r.valueP.Eval(act)
		if err != nil {
			panic(err)
		}
		switch r.kind {
		case rules.Gift:
			out.gifts = append(out.gifts, string(v.(types.String)))
		case rules.Tier:
			out.tier = string(v.(types.String))
		default:
			x := float64(v.(types.Double))
			if r.percent {
				x = base * x / 100
			}
			if r.cap > 0 {
				x = math.Min(x, r.cap)
			}
			switch {
			case r.stacking == rules.BestOf:
				if !hasBest[r.kind] || x > best[r.kind] {
					best[r.kind], hasBest[r.kind] = x, true
				}
			case r.kind == rules.Accrual:
				out.points += x
			default:
				out.discount += math.Min(x, base-out.discount)
			}
		}
		if r.stacking == rules.Exclusive || r.kind == rules.Tier {
			exclusive[r.kind] = true
		}
	}
	out.points += best[rules.Accrual]
	return out
}

func activation(now time.Time) map[string]any {
	return map[string]any{
		"customer": map[string]any{"tier": "gold", "orders": 11, "lifetimeSpend": 64000.0, "expecting": false,
			"birthday": time.Date(1990, 3, 14, 0, 0, 0, 0, time.UTC)},
		"order": map[string]any{"total": 1271.56, "channel": "web", "coupon": "", "lines": []any{
			map[string]any{"category": "suits", "qty": 1, "price": 999.00},
			map[string]any{"category": "accessories", "qty": 2, "price": 117.78},
			map[string]any{"category": "coffee", "qty": 2, "price": 18.50},
		}},
		"now": now,
	}
}

var benchNow = time.Date(2026, 3, 10, 15, 30, 0, 0, time.UTC)

// TestSameDecisions: the CEL rules decide what rules/bench_test.go's
// engine decides for benchFacts (points 812.5872, discount 63.578, a suit
// cover, gold), within float rounding.
func TestSameDecisions(t *testing.T) {
	rs := compileCEL(t)
	o := evalCEL(rs, activation(benchNow), benchNow, 1271.56)
	if math.Abs(o.points-812.5872) > 1e-9 || math.Abs(o.discount-63.578) > 1e-9 || o.tier != "gold" ||
		len(o.gifts) != 1 || o.gifts[0] != "suit-cover" {
		t.Errorf("CEL outcome = %+v", o)
	}
}

func BenchmarkEvalCEL(b *testing.B) {
	rs := compileCEL(b)
	act := activation(benchNow)
	b.ReportAllocs()
	for b.Loop() {
		_ = evalCEL(rs, act, benchNow, 1271.56)
	}
}

func BenchmarkCompileCEL(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = compileCEL(b)
	}
}
