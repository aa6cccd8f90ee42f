package loyalty

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestWindowMemo: the tier window read through the account's memo —
// asked again at one instant after purchases (added to it) and refunds
// (which make it stale) — equals the window summed afresh, for orders in
// time order and late.
func TestWindowMemo(t *testing.T) {
	// With tiers, a purchase asks for the window at its own instant; with
	// none, it leaves the memo where the last query put it, and the orders
	// since are added to a window at another instant.
	for _, tiers := range [][]Tier{{{Name: "member"}, {Name: "gold", MinSpend: decimal.NewFromInt(300)}}, nil} {
		p, err := Compile(Config{Name: "window", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin", TierWindowMonths: 2,
			Tiers: tiers, Rules: []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"}}})
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("%d tiers", len(tiers)), func(t *testing.T) { checkWindowMemo(t, p) })
	}
}

func checkWindowMemo(t *testing.T, p *Program) {
	rapid.Check(t, func(rt *rapid.T) {
		at := time.Date(2026, 1, 31, 12, 0, 0, 0, p.loc)
		var a Account
		var totals []decimal.Decimal
		var times []time.Time
		elsewhere := at.Add(time.Duration(rapid.IntRange(-2000, 2000).Draw(rt, "hours away")) * time.Hour)
		check := func(when string, now time.Time) {
			got, gotN := p.window(&a, now)
			want, wantN := p.span(&a, addMonths(now, -p.cfg.TierWindowMonths, p.loc), now)
			if got.Cmp(want) != 0 || gotN != wantN {
				rt.Fatalf("%s: window at %v is %s over %d orders, summed afresh %s over %d", when, now, got.Value(), gotN, want.Value(), wantN)
			}
		}
		for i := range rapid.IntRange(1, 30).Draw(rt, "operations") {
			switch rapid.IntRange(0, 3).Draw(rt, "step") {
			case 0: // the same instant
			case 1:
				at = at.Add(time.Duration(rapid.IntRange(1, 1500).Draw(rt, "hours later")) * time.Hour)
			case 2:
				at = at.Add(-time.Duration(rapid.IntRange(1, 1500).Draw(rt, "hours earlier")) * time.Hour)
			}
			if rapid.Bool().Draw(rt, "ask before") {
				check("before", at) // the memo at this instant, as maintenance leaves it
			}
			if len(totals) > 0 && rapid.IntRange(0, 3).Draw(rt, "refund") == 0 {
				o := rapid.IntRange(0, len(totals)-1).Draw(rt, "which")
				amount := totals[o]
				if !amount.IsPositive() {
					continue // nothing to refund
				}
				if rapid.Bool().Draw(rt, "partly") {
					amount = amount.Div(decimal.NewFromInt(3)).RoundUp(2)
				}
				next, _, err := p.Refund(a, Customer{ID: "w"}, Refund{ID: fmt.Sprint("r", i), Order: fmt.Sprint("o", o), Amount: amount}, laterOf(at, times[o]))
				switch {
				case err == nil:
					a = next
				case !errors.Is(err, ErrRefundTooLarge):
					rt.Fatal(err)
				}
			} else {
				cents := rapid.IntRange(0, 40000).Draw(rt, "cents")
				if rapid.Bool().Draw(rt, "round figure") {
					cents = rapid.SampledFrom([]int{0, 1, 10000, 40000}).Draw(rt, "figure") // 0: an order that counts unless refunded
				}
				total := decimal.New(int64(cents), -2)
				next, _, err := p.Purchase(a, Customer{ID: "w"}, Order{ID: fmt.Sprint("o", len(totals)), Total: total}, at)
				if err != nil {
					rt.Fatal(err)
				}
				a = next
				totals, times = append(totals, total), append(times, at)
			}
			if rapid.Bool().Draw(rt, "ask after") {
				check("after", at)
			}
			if rapid.IntRange(0, 4).Draw(rt, "move elsewhere") == 0 {
				elsewhere = at.Add(time.Duration(rapid.IntRange(-2000, 2000).Draw(rt, "hours away")) * time.Hour)
			}
			check("elsewhere", elsewhere) // a memo at another instant than the orders since: some in its window, some not
		}
	})
}
