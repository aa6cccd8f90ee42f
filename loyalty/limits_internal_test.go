package loyalty

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestSpanCountsByKeyAndByName: a span's counts read by the uses' keys
// are the counts by their rules' names, whatever the keys say: all known,
// all unknown (0, as a snapshot's use of a rule with no total row), or out
// of range; on accounts with refunds in full and late-dated orders.
func TestSpanCountsByKeyAndByName(t *testing.T) {
	lim := func(per rules.Period, days int) rules.Limit { return rules.Limit{Times: 1000, Per: per, Days: days} }
	limits := []rules.Limit{lim(rules.Day, 0), lim(rules.Week, 0), lim(rules.Month, 0), lim(rules.Rolling, 10), lim(rules.Ever, 0)}
	cfg := Config{Name: "keys", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin",
		Rules: []rules.Rule{
			{ID: "a", Kind: rules.Accrual, Value: "order.Total * 0.1", Limit: limits[1]},
			{ID: "b", Kind: rules.Accrual, When: "order.Total > 30", Value: "7", Limit: limits[2]},
			{ID: "c", Kind: rules.Discount, Unit: rules.Amount, When: "order.Total > 60", Value: "1.5", Limit: limits[3]},
		},
		Goals: []Goal{{ID: "visits", Target: decimal.NewFromInt(3), Per: rules.Week},
			{ID: "spend", Step: "order.Total", Target: decimal.NewFromInt(1000), Per: rules.Month}}, // a partial refund takes back its steps
	}
	p, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(rt *rapid.T) {
		start := time.Date(2026, 3, 1, 0, 0, 0, 0, p.loc) // whole days from here: uses on the spans' edges
		var a Account
		at := start
		n := rapid.IntRange(1, 40).Draw(rt, "orders")
		var totals []decimal.Decimal
		var times []time.Time
		late := rapid.Bool().Draw(rt, "some late") // else in time order: the spans found by binary search
		for i := range n {
			hours := rapid.SampledFrom([]int{24, 48, 168, 240, 3, 17, 100}).Draw(rt, "hours")
			if late && rapid.IntRange(0, 3).Draw(rt, "late") == 0 {
				at = addDays(at, -hours/24, p.loc).Add(-time.Duration(hours%24) * time.Hour)
			} else {
				at = addDays(at, hours/24, p.loc).Add(time.Duration(hours%24) * time.Hour)
			}
			total := decimal.NewFromInt(int64(rapid.IntRange(1, 100).Draw(rt, "total")))
			totals, times = append(totals, total), append(times, at)
			next, _, err := p.Purchase(a, Customer{ID: "k"}, Order{ID: fmt.Sprint("o", i), Total: total}, at)
			if err != nil {
				rt.Fatal(err)
			}
			a = next
			part := func(t decimal.Decimal) decimal.Decimal { return t } // in full: the order's uses undone
			if rapid.Bool().Draw(rt, "partly") {
				part = func(t decimal.Decimal) decimal.Decimal { return t.Div(decimal.NewFromInt(2)).Ceil() } // its spend goal's steps taken back in part
			}
			if i > 0 && rapid.IntRange(0, 4).Draw(rt, "refund") == 0 {
				o := rapid.IntRange(0, i).Draw(rt, "which")
				next, _, err := p.Refund(a, Customer{ID: "k"}, Refund{ID: fmt.Sprint("r", i), Order: fmt.Sprint("o", o), Amount: part(totals[o])}, laterOf(at, times[o]))
				switch {
				case err == nil:
					a = next
				case !errors.Is(err, ErrRefundTooLarge): // refunded already: nothing left
					rt.Fatal(err)
				}
			}
		}
		loaded, err := p.LoadSnapshot(a.Snapshot())
		if err != nil {
			rt.Fatal(err)
		}
		for name, acc := range map[string]*Account{"folded": &a, "loaded": &loaded} {
			for i := range acc.uses.Len() {
				if u := acc.uses.Ptr(i); u.key != int32(acc.useTotals.row(u.rule)+1) || u.key == 0 {
					rt.Fatalf("%s use %d of %q has key %d, its rule's row is %d", name, i, u.rule, u.key, acc.useTotals.row(u.rule))
				}
			}
		}
		ids := []string{"a", "b", "c", "none", goalKey("visits"), goalDoneKey("visits"), goalKey("spend"), goalDoneKey("spend")}
		counts := func(a *Account, now time.Time) (out []string) {
			v := &limitView{p: p, a: a}
			for _, l := range limits {
				for _, id := range ids {
					n, sum := v.used(id, l, now)
					out = append(out, fmt.Sprintf("%s %v/%d: %d for %s", id, l.Per, l.Days, n, sum.Value()))
				}
			}
			return out
		}
		rekeyed := func(key func(i int) int32) *Account {
			b := a
			b.spanMemos = nil // as a loaded account: no span counted yet
			o := new(persist.Owner)
			for i := range b.uses.Len() {
				b.uses.Mut(i, o).key = key(i)
			}
			return &b
		}
		// naive is the counts by a walk over every use, comparing times
		// (no binary search, no blocks), for the limits with a span.
		naive := func(a *Account, now time.Time) (out []string) {
			for _, l := range limits {
				from, to := p.limitPeriod(l, now)
				for _, id := range ids {
					n, sum := 0, decimal.Zero
					for _, u := range a.uses.All {
						if u.rule == id && !u.undone && !u.at.Before(from) && u.at.Before(to) {
							n, sum = n+1, sum.Add(u.amount)
						}
					}
					out = append(out, fmt.Sprintf("%s %v/%d: %d for %s", id, l.Per, l.Days, n, sum))
				}
			}
			return out
		}
		for _, now := range []time.Time{start, at, at.Add(-72 * time.Hour), at.Add(240 * time.Hour)} {
			want := counts(&a, now)
			for i, w := range naive(&a, now) {
				if limits[i/len(ids)].Per != rules.Ever && w != want[i] {
					rt.Fatalf("at %s: counted %q, a walk over the uses says %q", now, want[i], w)
				}
			}
			for name, b := range map[string]*Account{
				"unknown":      rekeyed(func(int) int32 { return 0 }),
				"out of range": rekeyed(func(i int) int32 { return int32(len(a.useTotals.rows) + 1 + i) }),
				"mixed":        rekeyed(func(i int) int32 { return map[bool]int32{true: 0, false: a.uses.Ptr(i).key}[i%3 == 0] }),
			} {
				if got := counts(b, now); fmt.Sprint(got) != fmt.Sprint(want) {
					rt.Fatalf("keys %s at %s:\n got %q\nwant %q", name, now, got, want)
				}
			}
			// and by name alone, the rows gone: the counts fall to other
			b := rekeyed(func(int) int32 { return 0 })
			b.useTotals = useTotalList{}
			got := counts(b, now)
			for i := range got {
				if limits[i/len(ids)].Per == rules.Ever { // ever reads the totals, gone here
					continue
				}
				if got[i] != want[i] {
					rt.Fatalf("no rows at %s: %q, want %q", now, got[i], want[i])
				}
			}
		}
		// An account whose uses have no rows (a snapshot's, say) counts a
		// span by name and keeps it; a purchase then makes rows for the
		// rules it applies: the kept counts by name join them.
		b := rekeyed(func(int) int32 { return 0 })
		b.useTotals = useTotalList{}
		counts(b, at)
		next := at.Add(time.Hour)
		b2, _, err := p.Purchase(*b, Customer{ID: "k"}, Order{ID: "after", Total: decimal.NewFromInt(70)}, next)
		if err != nil {
			rt.Fatal(err)
		}
		got, want := counts(&b2, next), naive(&b2, next)
		for i := range got {
			if limits[i/len(ids)].Per != rules.Ever && got[i] != want[i] {
				rt.Fatalf("rows made after a count by name, at %s: counted %q, a walk over the uses says %q", next, got[i], want[i])
			}
		}
	})
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// TestGallop: gallop finds what sort.Search finds, from any start at or
// before the answer.
func TestGallop(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(0, 300).Draw(rt, "n")
		answer := rapid.IntRange(0, n).Draw(rt, "answer")
		start := rapid.IntRange(0, answer).Draw(rt, "start")
		looks := 0
		at := func(i int) bool {
			if i < start || i >= n {
				rt.Fatalf("looked at %d, outside %d..%d", i, start, n-1)
			}
			looks++
			return i >= answer
		}
		if got := gallop(start, n, at); got != answer {
			rt.Fatalf("gallop(%d, %d) = %d, want %d", start, n, got, answer)
		}
		if d := answer - start; d < 8 && looks > 7 {
			rt.Fatalf("%d looks for an answer %d after the start", looks, d)
		}
	})
}
