package loyalty_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"pgregory.net/rapid"
)

// TestTierOutlook: a customer promoted to gold on 1 March 2026 (20,000 in
// one order) stays qualified until that order rolls out of the 12-month
// window on 1 March 2027, and is demoted by a review from 31 March 2027
// (30 days' grace).
func TestTierOutlook(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("20000")}, at(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	a, _, err = p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("1500")}, at(6, 1))
	if err != nil {
		t.Fatal(err)
	}
	when := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 10, 0, 0, 0, alma) }
	tests := []struct {
		name   string
		at     time.Time
		want   loyalty.TierOutlook
		reason string
	}{
		{"now", when(2026, 7, 1), loyalty.TierOutlook{Tier: "gold", Qualifies: "gold", WindowSpend: d("21425"), WindowOrders: 2},
			"both orders in the window (money paid: 20,000 and 1,500 less gold's 5 %)"},
		{"roll-out", when(2027, 3, 1), loyalty.TierOutlook{Tier: "gold", Qualifies: "silver", WindowSpend: d("1425"), WindowOrders: 1},
			"the 20,000 order left the window: below gold, in grace"},
		{"grace ends", when(2027, 3, 31), loyalty.TierOutlook{Tier: "gold", Qualifies: "silver", WindowSpend: d("1425"), WindowOrders: 1, Demote: true},
			"30 days after the roll-out a review demotes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.TierOutlook(a, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			tc.want.At = tc.at
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("TierOutlook(%v) mismatch (-want +got) [%s]:\n%s", tc.at, tc.reason, diff)
			}
		})
	}
	if _, err := p.TierOutlook(a, time.Time{}); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("TierOutlook at a zero time: %v, want ErrInvalidInput", err)
	}
}

// TestTierOutlookAgreesWithReview: whatever the orders, refunds and
// instant, TierOutlook.Demote is what ReviewTier at that instant does, and
// Qualifies is the tier it demotes to.
func TestTierOutlookAgreesWithReview(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	rapid.Check(t, func(t *rapid.T) {
		c := loyalty.Customer{ID: "c"}
		var a loyalty.Account
		now := time.Date(2026, 1, 1, 10, 0, 0, 0, alma)
		n := rapid.IntRange(1, 6).Draw(t, "orders")
		for i := range n {
			now = now.Add(time.Duration(rapid.IntRange(1, 200).Draw(t, "gap days")) * 24 * time.Hour)
			total := rapid.IntRange(1, 25).Draw(t, "total") * 1000
			id := fmt.Sprintf("o%d", i)
			var err error
			if a, _, err = p.Purchase(a, c, loyalty.Order{ID: id, Total: d(fmt.Sprint(total))}, now); err != nil {
				t.Fatal(err)
			}
			if rapid.Bool().Draw(t, "refund") {
				if a, _, err = p.Refund(a, c, loyalty.Refund{ID: "r" + id, Order: id, Amount: d("500")}, now.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
		}
		review := now.Add(time.Duration(rapid.IntRange(0, 800).Draw(t, "review after days")) * 24 * time.Hour)
		o, err := p.TierOutlook(a, review)
		if err != nil {
			t.Fatal(err)
		}
		_, r, err := p.ReviewTier(a, review)
		if err != nil {
			t.Fatal(err)
		}
		if o.Demote != r.TierChanged || (o.Demote && o.Qualifies != r.Tier) {
			t.Fatalf("outlook %+v, review: changed %v to %q", o, r.TierChanged, r.Tier)
		}
	})
}
