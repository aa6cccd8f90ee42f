package touch_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/loyalkit/loyalkit/touch"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// genCustomers draws customers with birthdays, rhythms, counters (for a
// rule) and values, many of them tied.
func genCustomers(t *rapid.T, start time.Time) []touch.Customer {
	n := rapid.IntRange(1, 25).Draw(t, "customers")
	cs := make([]touch.Customer, n)
	for i := range cs {
		c := touch.Customer{ID: fmt.Sprintf("c%02d", n-1-i), Value: decimal.NewFromInt(int64(rapid.IntRange(0, 3).Draw(t, "value")))}
		if rapid.Bool().Draw(t, "birthday?") {
			c.Birthday = start.AddDate(-30, 0, rapid.IntRange(0, 40).Draw(t, "birthday"))
		}
		if rapid.Bool().Draw(t, "bought?") {
			c.Rhythm = touch.Rhythm{PurchaseDays: rapid.IntRange(1, 6).Draw(t, "purchase days"), TypicalGap: rapid.IntRange(1, 9).Draw(t, "gap"),
				Last: start.AddDate(0, 0, -rapid.IntRange(0, 30).Draw(t, "since"))}
		}
		c.Profile = segment.Profile{ID: c.ID, Counters: map[string]int{"stamps": rapid.IntRange(0, 10).Draw(t, "stamps")}}
		cs[i] = c
	}
	return cs
}

func genConfig(t *rapid.T) touch.Config {
	return touch.Config{
		Location: berlin,
		Birthday: &touch.DateWindow{Days: rapid.IntRange(0, 7).Draw(t, "birthday days"), CoolDownDays: rapid.IntRange(0, 10).Draw(t, "birthday cool-down")},
		Lapsed:   &touch.LapseRule{Factor: 2, FallbackDays: 10, CoolDownDays: rapid.IntRange(0, 10).Draw(t, "lapsed cool-down")},
		Rules:    []touch.Rule{{ID: "stamps", When: `Counters["stamps"] >= 7`, CoolDownDays: rapid.IntRange(0, 10).Draw(t, "rule cool-down")}},
		Limits: touch.Limits{PerCustomer: rapid.IntRange(1, 3).Draw(t, "K"), PeriodDays: rapid.IntRange(1, 10).Draw(t, "period"),
			Daily: rapid.IntRange(1, 20).Draw(t, "daily")},
		Workers: rapid.IntRange(0, 3).Draw(t, "workers"),
	}
}

// checkLimitsHold: plans made day after day, each day's touches recorded
// as contacts, never exceed a cool-down, the per-customer limit in any
// window of PeriodDays days, or the daily cap; no customer is listed twice
// in a day.
func checkLimitsHold(t *rapid.T) {
	start := noon(2026, 3, 20) // over the DST change
	cs := genCustomers(t, start)
	cfg := genConfig(t)
	p, err := touch.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var contacts []touch.Contact
	days := rapid.IntRange(1, 40).Draw(t, "days")
	for k := range days {
		asOf := time.Date(2026, 3, 20+k, rapid.IntRange(0, 23).Draw(t, "hour"), 0, 0, 0, berlin)
		plan, err := p.Plan(asOf, cs, contacts)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Touches) > cfg.Limits.Daily {
			t.Fatalf("day %d: %d touches, cap %d", k, len(plan.Touches), cfg.Limits.Daily)
		}
		seen := map[string]bool{}
		for _, tc := range plan.Touches {
			if seen[tc.Customer] {
				t.Fatalf("day %d: %s listed twice", k, tc.Customer)
			}
			seen[tc.Customer] = true
			contacts = append(contacts, tc.Contacts(asOf)...)
		}
	}
	coolDown := map[touch.Reason]int{touch.Birthday: cfg.Birthday.CoolDownDays, touch.Lapsed: cfg.Lapsed.CoolDownDays, touch.RuleMatched: cfg.Rules[0].CoolDownDays}
	type key struct {
		customer string
		reason   touch.Reason
	}
	last := map[key]int{}
	touchDays := map[string][]int{}
	for _, c := range contacts {
		day := c.At.YearDay()
		k := key{c.Customer, c.Reason}
		if prev, ok := last[k]; ok && day-prev < coolDown[c.Reason] {
			t.Fatalf("%s contacted for %v on days %d and %d, cool-down %d", c.Customer, c.Reason, prev, day, coolDown[c.Reason])
		}
		last[k] = day
		if ds := touchDays[c.Customer]; len(ds) == 0 || ds[len(ds)-1] != day {
			touchDays[c.Customer] = append(ds, day)
		}
	}
	for id, ds := range touchDays {
		for i := range ds {
			in := 0
			for _, d := range ds[i:] {
				if d-ds[i] < cfg.Limits.PeriodDays {
					in++
				}
			}
			if in > cfg.Limits.PerCustomer {
				t.Fatalf("%s touched on days %v: %d within %d days from day %d, limit %d", id, ds, in, cfg.Limits.PeriodDays, ds[i], cfg.Limits.PerCustomer)
			}
		}
	}
}

func TestLimitsHold(t *testing.T) { rapid.Check(t, checkLimitsHold) }
func FuzzLimitsHold(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkLimitsHold)) }

// checkOrderIndependent: the plan is the same for the customers and the
// contacts in any order, and for any number of workers.
func checkOrderIndependent(t *rapid.T) {
	asOf := noon(2026, 3, 29)
	cs := genCustomers(t, asOf)
	cfg := genConfig(t)
	var contacts []touch.Contact
	for _, c := range cs {
		if rapid.Bool().Draw(t, "contacted?") {
			contacts = append(contacts, touch.Contact{Customer: c.ID, At: asOf.AddDate(0, 0, -rapid.IntRange(0, 12).Draw(t, "days ago")),
				Reason: rapid.SampledFrom([]touch.Reason{touch.Birthday, touch.Lapsed, touch.Expiring}).Draw(t, "reason")})
		}
	}
	p, err := touch.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.Plan(asOf, cs, contacts)
	if err != nil {
		t.Fatal(err)
	}
	shuffle := func(n int, swap func(i, j int)) {
		for i := n - 1; i > 0; i-- {
			swap(i, rapid.IntRange(0, i).Draw(t, "swap"))
		}
	}
	cs2, contacts2 := slices.Clone(cs), slices.Clone(contacts)
	shuffle(len(cs2), func(i, j int) { cs2[i], cs2[j] = cs2[j], cs2[i] })
	shuffle(len(contacts2), func(i, j int) { contacts2[i], contacts2[j] = contacts2[j], contacts2[i] })
	cfg.Workers = rapid.IntRange(0, 4).Draw(t, "other workers")
	p2, err := touch.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p2.Plan(asOf, cs2, contacts2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("another order gives another plan (-first +second):\n%s", diff)
	}
	for k := 1; k < len(got.Touches); k++ {
		a, b := got.Touches[k-1], got.Touches[k]
		if a.Value.LessThan(b.Value) || (a.Value.Equal(b.Value) && a.Customer >= b.Customer) {
			t.Fatalf("touches %d and %d out of order: %s %s, %s %s", k-1, k, a.Customer, a.Value, b.Customer, b.Value)
		}
	}
}

func TestOrderIndependent(t *testing.T) { rapid.Check(t, checkOrderIndependent) }
func FuzzOrderIndependent(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkOrderIndependent)) }
