package loyalty_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
)

// TestGoalPartialRefunds: a partial refund takes back what its order's
// Step counts of the part returned, rounded down; the full refund takes
// back the rest. The order: 3 coffees at 3 and a croissant at 4 (13).
func TestGoalPartialRefunds(t *testing.T) {
	cfg := loyalty.Config{
		Name: "cafe", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin",
		Goals: []loyalty.Goal{
			{ID: "card", Counts: `any(order.Lines, .Category == "coffee")`,
				Step: `sum(filter(order.Lines, .Category == "coffee"), .Qty)`, Target: d("6")},
			{ID: "month", Step: "order.Total", Target: d("100"), Per: rules.Month},
			{ID: "visits", Target: d("10")},
			{ID: "thirds", Step: "order.Total / 3", Target: d("100")}, // a step with places: rounded down
		},
	}
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "ann"}
	order := loyalty.Order{ID: "o1", Total: d("13"), Lines: []loyalty.Line{
		{SKU: "flat-white", Category: "coffee", Qty: 3, Price: d("3")},
		{SKU: "croissant", Category: "bakery", Qty: 1, Price: d("4")}}}
	coffee := func(n int) []loyalty.RefundLine { return []loyalty.RefundLine{{SKU: "flat-white", Qty: n}} }
	croissant := []loyalty.RefundLine{{SKU: "croissant", Qty: 1}}
	type refund struct {
		lines  []loyalty.RefundLine
		amount string
	}
	cases := []struct {
		name    string
		refunds []refund
		want    string // card month visits thirds, after the last refund
		back    string // the last refund's record: goal take-backs
	}{
		{"nothing refunded", nil, "3 13 1 4.3333333333333333", ""},
		{"the croissant: no stamp lost", []refund{{lines: croissant}}, "3 9 1 3", "month:4:0 thirds:1.3333333333333333:0 "},
		{"one coffee: one stamp", []refund{{lines: coffee(1)}}, "2 10 1 3.3333333333333333", "card:1:0 month:3:0 thirds:1:0 "},
		{"by amount: no line named, no stamp", []refund{{amount: "6.5"}}, "3 6.5 1 2.1666666666666667", "month:6.5:0 thirds:2.1666666666666666:0 "},
		{"two coffees, one at a time", []refund{{lines: coffee(1)}, {lines: coffee(1)}}, "1 7 1 2.3333333333333333", "card:1:0 month:3:0 thirds:1:0 "},
		{"coffee, croissant, amount", []refund{{lines: coffee(2)}, {lines: croissant}, {amount: "2"}}, "1 1 1 0.3333333333333333",
			"month:2:0 thirds:0.6666666666666667:0 "},
		{"all of it in two", []refund{{lines: coffee(3)}, {lines: croissant}}, "0 0 0 0", ""},
		{"all by amount", []refund{{amount: "5"}, {amount: "8"}}, "0 0 0 0", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			at := berlin(2026, 3, 2, 9)
			a, r, err := p.Purchase(loyalty.Account{}, c, order, at)
			if err != nil {
				t.Fatal(err)
			}
			log := r.Entries
			var back []loyalty.GoalStep
			for i, rf := range tc.refunds {
				req := loyalty.Refund{ID: fmt.Sprint("r", i), Order: "o1", Lines: rf.lines}
				if rf.amount != "" {
					req.Amount = d(rf.amount)
				}
				if a, r, err = p.Refund(a, c, req, berlin(2026, 3, 3+i, 9)); err != nil {
					t.Fatal(err)
				}
				log = append(log, r.Entries...)
				back = nil
				for _, e := range r.Entries {
					if e.Kind == loyalty.Record {
						back = e.Goals
					}
				}
			}
			gp, err := p.Progress(a, berlin(2026, 3, 20, 9))
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("%s %s %s %s", gp[0].Progress, gp[1].Progress, gp[2].Progress, gp[3].Progress)
			if got != tc.want {
				t.Errorf("progress %s, want %s", got, tc.want)
			}
			gotBack := ""
			for _, g := range back {
				gotBack += fmt.Sprintf("%s:%s:%d ", g.Goal, g.Amount, g.Completed)
			}
			if gotBack != tc.back {
				t.Errorf("take-backs %s, want %s", gotBack, tc.back)
			}
			// A replay and a snapshot give the same account.
			re, err := p.Replay(log)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(a.String(), re.String()); diff != "" {
				t.Errorf("replay differs (-operated +replayed):\n%s", diff)
			}
			loaded, err := p.LoadSnapshot(a.Snapshot())
			if err != nil || loaded.String() != a.String() {
				t.Errorf("snapshot: %v", err)
			}
		})
	}
}

// TestGoalTakeBackForged: a refund record whose goal take-backs are not
// what its order added is refused by a replay, even re-hashed.
func TestGoalTakeBackForged(t *testing.T) {
	p := mustProgram(t, loyalty.Config{Name: "cafe", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin",
		Goals: []loyalty.Goal{{ID: "month", Step: "order.Total", Target: d("100"), Per: rules.Month}, {ID: "visits", Target: d("10")}}})
	c := loyalty.Customer{ID: "ann"}
	a, r, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("40")}, berlin(2026, 3, 2, 9))
	if err != nil {
		t.Fatal(err)
	}
	log := r.Entries
	_, r, err = p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: d("10")}, berlin(2026, 3, 3, 9))
	if err != nil {
		t.Fatal(err)
	}
	log = append(log, r.Entries...)
	rec := slices.IndexFunc(log, func(e loyalty.Entry) bool { return e.Kind == loyalty.Record && e.Op == "refund:r1" })
	if got := fmt.Sprint(log[rec].Goals); got != "[{month 10 0}]" {
		t.Fatalf("the refund's record takes back %s, want month 10", got)
	}
	for _, tc := range []struct {
		name  string
		goals []loyalty.GoalStep
	}{
		{"more than the order added", []loyalty.GoalStep{{Goal: "month", Amount: d("40.01")}}},
		{"a goal the order did not add to", []loyalty.GoalStep{{Goal: "visits2", Amount: d("1")}}},
		{"a negative take-back", []loyalty.GoalStep{{Goal: "month", Amount: d("-5")}}},
		{"a completion", []loyalty.GoalStep{{Goal: "month", Amount: d("1"), Completed: 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forged := slices.Clone(log)
			forged[rec].Goals = tc.goals
			loyalty.Rechain(forged)
			if _, err := p.Replay(forged); !errors.Is(err, loyalty.ErrCorruptLedger) {
				t.Errorf("replay: %v, want ErrCorruptLedger", err)
			}
		})
	}
	// A full refund's record with take-backs is refused: the full refund
	// undoes the order's steps itself.
	a, r, err = p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("40")}, berlin(2026, 3, 2, 9))
	if err != nil {
		t.Fatal(err)
	}
	full := r.Entries
	if _, r, err = p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: d("40")}, berlin(2026, 3, 3, 9)); err != nil {
		t.Fatal(err)
	}
	full = append(full, r.Entries...)
	rec = slices.IndexFunc(full, func(e loyalty.Entry) bool { return e.Kind == loyalty.Record && e.Op == "refund:r1" })
	if len(full[rec].Goals) != 0 {
		t.Fatalf("the full refund's record lists take-backs %v", full[rec].Goals)
	}
	full[rec].Goals = []loyalty.GoalStep{{Goal: "month", Amount: d("1")}}
	loyalty.Rechain(full)
	if _, err := p.Replay(full); !errors.Is(err, loyalty.ErrCorruptLedger) {
		t.Errorf("a full refund with take-backs: %v, want ErrCorruptLedger", err)
	}
}
