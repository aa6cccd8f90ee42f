package loyalty_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// cafeGoals is a café with a stamp card (every 6th coffee free: the
// reward is the cheapest coffee of the order that fills the card), a
// monthly spend target with a gift once a month, and a spring challenge.
// (The free coffee is the average coffee price of the order.)
func cafeGoals() loyalty.Config {
	return loyalty.Config{
		Name: "cafe", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin",
		Goals: []loyalty.Goal{
			{ID: "card", Counts: `any(order.Lines, .Category == "coffee")`,
				Step: `sum(filter(order.Lines, .Category == "coffee"), .Qty)`, Target: d("6")},
			{ID: "march", Step: "order.Total", Target: d("100"), Per: rules.Month},
			{ID: "spring", Target: d("3"), From: berlin(2026, 3, 20, 0), Until: berlin(2026, 6, 21, 0)},
		},
		Rules: []rules.Rule{
			{ID: "free-coffee", Kind: rules.Discount, Unit: rules.Amount, When: `goals["card"].Completes`,
				Value: `sum(filter(order.Lines, .Category == "coffee"), .Price * .Qty) / sum(filter(order.Lines, .Category == "coffee"), .Qty)`},
			{ID: "month-gift", Kind: rules.Gift, When: `goals["march"].Completes`, Value: `"tote bag"`,
				Limit: rules.Limit{Times: 1, Per: rules.Month}},
			{ID: "spring-bonus", Kind: rules.Accrual, When: `goals["spring"].Completes`, Value: "100"},
		},
	}
}

func coffees(id string, n int, price string) loyalty.Order {
	return loyalty.Order{ID: id, Total: d(price).Mul(decimal.NewFromInt(int64(n))),
		Lines: []loyalty.Line{{SKU: "flat-white", Category: "coffee", Qty: n, Price: d(price)}}}
}

func TestGoalsStory(t *testing.T) {
	p := mustProgram(t, cafeGoals())
	c := loyalty.Customer{ID: "ann"}
	var a loyalty.Account
	steps := []struct {
		name     string
		order    loyalty.Order
		at       time.Time
		discount string
		gifts    []string
		points   string
		progress map[string]string // goal: progress/target left completed
	}{
		{"4 coffees", coffees("o1", 4, "3.50"), berlin(2026, 3, 2, 9), "0", nil, "0",
			map[string]string{"card": "4/6 left 2 done 0", "march": "14/100 left 86 done 0", "spring": "0/3 left 3 done 0"}},
		{"2 more fill the card: one free", coffees("o2", 2, "3.50"), berlin(2026, 3, 3, 9), "3.5", nil, "0",
			map[string]string{"card": "0/6 left 6 done 1", "march": "21/100 left 79 done 0", "spring": "0/3 left 3 done 0"}},
		{"beans for 80: the March target, the gift", loyalty.Order{ID: "o3", Total: d("80")}, berlin(2026, 3, 21, 9), "0", []string{"tote bag"}, "0",
			map[string]string{"card": "0/6 left 6 done 1", "march": "101/100 left 0 done 1", "spring": "1/3 left 2 done 0"}},
		{"more in March: no second gift", loyalty.Order{ID: "o4", Total: d("50")}, berlin(2026, 3, 25, 9), "0", nil, "0",
			map[string]string{"card": "0/6 left 6 done 1", "march": "151/100 left 0 done 1", "spring": "2/3 left 1 done 0"}},
		{"April starts afresh; the spring challenge completes", coffees("o5", 7, "3"), berlin(2026, 4, 1, 9), "3", nil, "85", // 100 × 18 paid of 21
			map[string]string{"card": "1/6 left 5 done 2", "march": "21/100 left 79 done 0", "spring": "3/3 left 0 done 1"}},
	}
	for _, s := range steps {
		next, r, err := p.Purchase(a, c, s.order, s.at)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		a = next
		if r.Discount.String() != s.discount || fmt.Sprint(r.Gifts) != fmt.Sprint(s.gifts) || !r.Points.Equal(d(s.points)) {
			t.Errorf("%s: discount %s gifts %v points %s, want %s %v %s", s.name, r.Discount, r.Gifts, r.Points, s.discount, s.gifts, s.points)
		}
		gp, err := p.Progress(a, s.at)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, g := range gp {
			got[g.ID] = fmt.Sprintf("%s/%s left %s done %d", g.Progress, g.Target, g.Left, g.Completed)
		}
		if diff := cmp.Diff(s.progress, got); diff != "" {
			t.Errorf("%s: progress (-want +got):\n%s", s.name, diff)
		}
	}
	// The month's end, for the host: "79 to go, ends 1 May 00:00".
	gp, _ := p.Progress(a, berlin(2026, 4, 1, 9))
	if !gp[1].Ends.Equal(berlin(2026, 5, 1, 0)) || !gp[2].Ends.Equal(berlin(2026, 6, 21, 0)) || !gp[0].Ends.IsZero() {
		t.Errorf("ends: %v %v %v", gp[0].Ends, gp[1].Ends, gp[2].Ends)
	}
	// A full refund of the order that filled the second card takes its
	// stamps and its completion back: as before that order.
	a, _, err := p.Refund(a, c, loyalty.Refund{ID: "r5", Order: "o5", Amount: d("18")}, berlin(2026, 4, 2, 9))
	if err != nil {
		t.Fatal(err)
	}
	gp, _ = p.Progress(a, berlin(2026, 4, 2, 9))
	if gp[0].Progress.String() != "0" || gp[0].Completed != 1 || gp[2].Progress.String() != "2" {
		t.Errorf("after the refund: card %s done %d, spring %s", gp[0].Progress, gp[0].Completed, gp[2].Progress)
	}
}

func TestGoalDefinitions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		goals []loyalty.Goal
		rule  string // a rule's condition
		want  string
	}{
		{"a target of 0", []loyalty.Goal{{ID: "g", Target: d("0")}}, "", "goals[0].target"},
		{"an id twice", []loyalty.Goal{{ID: "g", Target: d("1")}, {ID: "g", Target: d("2")}}, "", `goals[1].id "g" is used twice`},
		{"no end", []loyalty.Goal{{ID: "g", Target: d("1"), From: berlin(2026, 3, 1, 0)}}, "", "goals[0].until is missing"},
		{"a rolling goal", []loyalty.Goal{{ID: "g", Target: d("1"), Per: rules.Rolling}}, "", "goals[0].per"},
		{"a step that is not a number", []loyalty.Goal{{ID: "g", Target: d("1"), Step: `"x"`}}, "", `goal:g`},
		{"a rule naming no goal", []loyalty.Goal{{ID: "card", Target: d("6")}}, `goals["crad"].Completes`, `no goal "crad" (goals: card)`},
	} {
		cfg := cafeGoals()
		cfg.Goals = tc.goals
		cfg.Rules = nil
		if tc.rule != "" {
			cfg.Rules = []rules.Rule{{ID: "r", Kind: rules.Accrual, When: tc.rule, Value: "1"}}
		}
		_, err := loyalty.Compile(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	cfg := cafeGoals()
	cfg.Goals[0].Step = "1 / len(order.Lines[1:])" // fails at run time on one line
	p := mustProgram(t, cfg)
	_, r, err := p.Purchase(loyalty.Account{}, loyalty.Customer{ID: "c"}, coffees("o", 1, "3"), berlin(2026, 3, 2, 9))
	if err != nil || len(r.RuleFailures) == 0 || r.RuleFailures[0].RuleID != "goal:card" {
		t.Errorf("a failing step: %v %v", err, r.RuleFailures)
	}
	cfg.StrictRules = true
	_, _, err = mustProgram(t, cfg).Purchase(loyalty.Account{}, loyalty.Customer{ID: "c"}, coffees("o", 1, "3"), berlin(2026, 3, 2, 9))
	if !errors.Is(err, loyalty.ErrRule) {
		t.Errorf("a failing step, strict: %v", err)
	}
}

// A goal's reward comes once per completion: in a month, the spend
// target's gift comes at most once among the orders not refunded in
// full, and when a free coffee is given there are at most as many free
// coffees as full cards of 6 among the orders not refunded in full —
// whatever the order of purchases, refunds, retries and reloads; and a
// replay gives the same account. (A refund after a card was filled does
// not take its free coffee back: the next stamps make up the card
// first.)
func TestGoalRewardsOnce(t *testing.T) {
	cfg := cafeGoals()
	cfg.Rules[1].Limit = rules.Limit{} // no limit: the goal alone must give it once
	p := mustProgram(t, cfg)
	loc, _ := time.LoadLocation(cfg.TimeZone)
	rapid.Check(t, func(t *rapid.T) {
		c := loyalty.Customer{ID: "c"}
		var a loyalty.Account
		var log []loyalty.Entry
		var ids []string
		gifts := map[string]string{} // order: month, of the orders that got the gift
		free := map[string]bool{}    // orders with a free coffee
		start := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
		for i := range rapid.IntRange(1, 30).Draw(t, "steps") {
			granted := false // a free coffee was given by this step
			at := start.Add(time.Duration(rapid.IntRange(0, 90*24).Draw(t, "hours")) * time.Hour)
			switch k := rapid.IntRange(0, 5).Draw(t, "op"); {
			case k < 4:
				id := fmt.Sprint("o", i)
				o := coffees(id, rapid.IntRange(1, 4).Draw(t, "coffees"), "4")
				if k == 3 {
					o = loyalty.Order{ID: id, Total: d("60")}
				}
				next, r, err := p.Purchase(a, c, o, at)
				if err != nil {
					t.Fatal(err)
				}
				if again, r2, _ := p.Purchase(next, c, o, at); !r2.Duplicate || again.String() != next.String() {
					t.Fatal("a retry changed the account")
				}
				a, log, ids = next, append(log, r.Entries...), append(ids, id)
				if len(r.Gifts) > 0 {
					gifts[id] = at.In(loc).Format("2006-01")
				}
				free[id] = r.Discount.IsPositive()
				granted = free[id]
			case k < 5 && len(ids) > 0:
				id := ids[rapid.IntRange(0, len(ids)-1).Draw(t, "refund")]
				for _, s := range a.Orders() {
					if s.ID == id && s.Refunded.LessThan(s.Paid) {
						next, r, err := p.Refund(a, c, loyalty.Refund{ID: fmt.Sprint("r", i), Order: id, Amount: s.Paid.Sub(s.Refunded)}, maxTime(at, s.At))
						if err != nil {
							t.Fatal(err)
						}
						a, log = next, append(log, r.Entries...)
					}
				}
			default:
				loaded, err := p.LoadSnapshot(a.Snapshot())
				if err != nil {
					t.Fatal(err)
				}
				a = loaded
			}
			refunded := map[string]bool{}
			for _, s := range a.Orders() {
				refunded[s.ID] = s.Paid.IsPositive() && !s.Refunded.LessThan(s.Paid)
			}
			perMonth := map[string]int{}
			for id, m := range gifts {
				if !refunded[id] {
					perMonth[m]++
				}
			}
			for m, n := range perMonth {
				if n > 1 {
					t.Fatalf("%d gifts for the monthly target in %s", n, m)
				}
			}
			stamps, frees := decimal.Zero, 0
			for _, e := range log {
				if e.Kind == loyalty.Record && !refunded[e.Order] {
					for _, g := range e.Goals {
						if g.Goal == "card" {
							stamps = stamps.Add(g.Amount)
						}
					}
					if free[e.Order] {
						frees++
					}
				}
			}
			if granted && frees > int(stamps.Div(d("6")).IntPart()) {
				t.Fatalf("%d free coffees for %s stamps", frees, stamps)
			}
		}
		replayed, err := p.Replay(log)
		if err != nil || replayed.String() != a.String() {
			t.Fatalf("replay: %v", err)
		}
	})
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// A streak: a visit in each of four weeks in a row earns a bonus; a week
// missed starts the streak again.
func TestGoalStreak(t *testing.T) {
	p := mustProgram(t, loyalty.Config{Name: "gym", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin",
		Goals: []loyalty.Goal{{ID: "weekly", Target: d("1"), Per: rules.Week}},
		Rules: []rules.Rule{{ID: "streak-4", Kind: rules.Accrual, When: `goals["weekly"].Completes && goals["weekly"].Streak >= 3`, Value: "50"}},
	})
	c := loyalty.Customer{ID: "c"}
	var a loyalty.Account
	for i, tc := range []struct {
		at     time.Time
		points string
		streak int
	}{
		{berlin(2026, 3, 2, 9), "0", 1},    // week 10
		{berlin(2026, 3, 4, 9), "0", 1},    // week 10 again: no new completion
		{berlin(2026, 3, 10, 9), "0", 2},   // week 11
		{berlin(2026, 3, 17, 9), "0", 3},   // week 12
		{berlin(2026, 3, 29, 23), "50", 4}, // week 13 (Sunday night): the fourth in a row
		{berlin(2026, 4, 13, 9), "0", 1},   // week 16: weeks 14 and 15 missed
	} {
		next, r, err := p.Purchase(a, c, loyalty.Order{ID: fmt.Sprint("o", i), Total: d("10")}, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		a = next
		gp, _ := p.Progress(a, tc.at)
		if !r.Points.Equal(d(tc.points)) || gp[0].Streak != tc.streak {
			t.Errorf("visit %d: points %s streak %d, want %s %d", i, r.Points, gp[0].Streak, tc.points, tc.streak)
		}
	}
}
