package loyalty_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// TestFactsReadWhereRulesReadThem: the customer facts that cost a walk
// over the account are computed only when a rule or goal reads them; a
// programme whose rules read one, wherever they read it (an accrual's
// value or condition, a discount, an event's rule, a goal's step), gets
// the same results as one that computes every fact, and the rule does see
// the fact (it gives something on some operation).
func TestFactsReadWhereRulesReadThem(t *testing.T) {
	facts := []string{"customer.Available", "customer.Pending", "customer.WindowSpend", "customer.WindowOrders",
		"customer.MonthSpend", "customer.MonthOrders", "customer.LifetimeSpend"}
	places := map[string]func(fact string) loyalty.Config{
		"accrual value": func(f string) loyalty.Config {
			c := factsConfig()
			c.Rules = append(c.Rules, rules.Rule{ID: "fact", Kind: rules.Accrual, Value: "floor(" + f + " / 7) + 1"})
			return c
		},
		"accrual condition": func(f string) loyalty.Config {
			c := factsConfig()
			c.Rules = append(c.Rules, rules.Rule{ID: "fact", Kind: rules.Accrual, When: f + " > 2", Value: "1000"})
			return c
		},
		"discount": func(f string) loyalty.Config {
			c := factsConfig()
			c.Rules = append(c.Rules, rules.Rule{ID: "fact", Kind: rules.Discount, Unit: rules.Amount, When: f + " > 2", Value: "1"})
			return c
		},
		"event rule": func(f string) loyalty.Config {
			c := factsConfig()
			c.Rules = append(c.Rules, rules.Rule{ID: "fact", Kind: rules.Accrual, On: []string{"review"}, When: f + " > 2", Value: "1000"})
			return c
		},
		"goal step": func(f string) loyalty.Config {
			c := factsConfig()
			c.Goals = []loyalty.Goal{{ID: "g", Step: f + " > 2 ? 5 : 1", Target: d("10")}}
			c.Rules = append(c.Rules, rules.Rule{ID: "fact", Kind: rules.Accrual, When: `goals["g"].Completes`, Value: "1000"})
			return c
		},
	}
	for place, config := range places {
		for _, fact := range facts {
			t.Run(place+"/"+fact, func(t *testing.T) {
				lazy := mustProgram(t, config(fact))
				want := map[string]string{"customer.Available": "balance", "customer.Pending": "balance", "customer.WindowSpend": "window",
					"customer.WindowOrders": "window", "customer.MonthSpend": "month", "customer.MonthOrders": "month", "customer.LifetimeSpend": "lifetime"}[fact]
				if got := loyalty.FactsComputed(lazy); !cmp.Equal(got, []string{want}) {
					t.Errorf("computes %v, want [%s]", got, want)
				}
				all := mustProgram(t, config(fact))
				sameAsEveryFact(t, lazy, all, fact)
			})
		}
	}
	// Under CompileWith the facts are embedded in FactsWith: a rule may
	// reach them promoted or through the embedded Facts, and either way
	// they are computed.
	for _, prefix := range []string{"", "Facts."} {
		for _, fact := range facts {
			t.Run("extension/"+prefix+fact, func(t *testing.T) {
				c := factsConfig()
				c.Rules = append(c.Rules, rules.Rule{ID: "fact", Kind: rules.Accrual, When: prefix + fact + " > 2", Value: "1000"})
				lazy, err := loyalty.CompileWith[struct{}](c)
				if err != nil {
					t.Fatal(err)
				}
				all, err := loyalty.CompileWith[struct{}](c)
				if err != nil {
					t.Fatal(err)
				}
				sameAsEveryFact(t, lazy, all, prefix+fact)
			})
		}
	}
	// A programme whose rules read none of them computes none: with the
	// account's facts left zero, a rule that read one would not fire.
	none := factsConfig()
	lazy := mustProgram(t, none)
	if got := loyalty.FactsComputed(lazy); len(got) > 0 {
		t.Errorf("a programme whose rules read none of the costly facts computes %v", got)
	}
	all := mustProgram(t, none)
	loyalty.ReadAllFacts(all)
	lazyRes, _ := factsScript(t, lazy)
	allRes, _ := factsScript(t, all)
	if diff := cmp.Diff(allRes, lazyRes); diff != "" {
		t.Errorf("results (-every fact +none):\n%s", diff)
	}
}

// sameAsEveryFact runs the script under lazy and under all made to
// compute every fact: the results must be the same, and rule "fact"
// (reading fact) must give something.
func sameAsEveryFact(t *testing.T, lazy, all *loyalty.Program, fact string) {
	t.Helper()
	loyalty.ReadAllFacts(all)
	lazyRes, fired := factsScript(t, lazy)
	allRes, _ := factsScript(t, all)
	if diff := cmp.Diff(allRes, lazyRes); diff != "" {
		t.Errorf("results (-every fact +the facts read):\n%s", diff)
	}
	if !fired {
		t.Errorf("the rule reading %s never gave anything", fact)
	}
}

func factsConfig() loyalty.Config {
	return loyalty.Config{Name: "facts", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin", PendingDays: 10,
		TierWindowMonths: 12, Tiers: []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: d("300")}},
		Redemption: loyalty.RedemptionPolicy{PointValue: d("0.01")},
		Rules:      []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"}}}
}

// factsScript runs purchases, a refund, a redemption and review events
// over two months and returns the results, and whether rule "fact" gave
// anything on any of them.
func factsScript(t *testing.T, p *loyalty.Program) ([]loyalty.Result, bool) {
	t.Helper()
	var a loyalty.Account
	var out []loyalty.Result
	fired := false
	keep := func(na loyalty.Account, r loyalty.Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		a = na
		for _, st := range r.Trace {
			if st.RuleID == "fact" && st.Value.IsPositive() && (st.Status == rules.StatusApplied || st.Status == rules.StatusCapped) {
				fired = true
			}
		}
		r.Trace = nil // compared through what they gave
		out = append(out, r)
	}
	c := loyalty.Customer{ID: "c1"}
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for i := range 12 {
		at := start.Add(time.Duration(i) * 5 * 24 * time.Hour)
		keep(p.Purchase(a, c, loyalty.Order{ID: "o" + string(rune('a'+i)), Total: decimal.New(int64(2000+i*1350), -2)}, at))
		if i%3 == 2 {
			keep(p.Event(a, c, loyalty.Event{ID: "e" + string(rune('a'+i)), Kind: "review"}, at.Add(time.Hour)))
		}
		if i == 5 {
			keep(p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "oc", Amount: d("10")}, at.Add(2*time.Hour)))
		}
		if i == 8 {
			keep(p.Redeem(a, c, loyalty.Redemption{ID: "x1", Points: d("50")}, at.Add(3*time.Hour)))
		}
	}
	return out, fired
}
