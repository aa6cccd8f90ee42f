package loyalty_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// debtLedger is a story with every entry kind a refund can write: a
// purchase (earn, tier), a redemption of most points, a refund that takes
// back more than is left (reverse, debt), a purchase that pays the debt
// (repay, settle), a cancelled redemption and an expiry.
func debtLedger(tb testing.TB) (*loyalty.Program, []loyalty.Entry, loyalty.Account) {
	p := mustProgram(tb, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a, log := runOps(tb,
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d("10000")}, at(1, 1))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Redeem(a, c, loyalty.Redemption{ID: "x1", Points: d("400")}, at(2, 1))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: d("10000")}, at(2, 2))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("30000")}, at(2, 3))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Redeem(a, c, loyalty.Redemption{ID: "x2", Points: d("50")}, at(3, 1))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.CancelRedemption(a, c, "x2", at(3, 2))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Expire(a, at(12, 31).AddDate(1, 0, 0))
		},
	)
	kinds := map[loyalty.EntryKind]bool{}
	for _, e := range log {
		kinds[e.Kind] = true
	}
	for _, k := range []loyalty.EntryKind{loyalty.Record, loyalty.Earn, loyalty.Repay, loyalty.Settle, loyalty.Redeem,
		loyalty.Expire, loyalty.Reverse, loyalty.Debt, loyalty.TierChange, loyalty.Restore} {
		if !kinds[k] {
			tb.Fatalf("the story has no %v entry", k)
		}
	}
	return p, log, a
}

func findEntry(tb testing.TB, log []loyalty.Entry, kind loyalty.EntryKind, op string) int {
	for i, e := range log {
		if e.Kind == kind && strings.HasPrefix(e.Op, op) {
			return i
		}
	}
	tb.Fatalf("no %v entry in %s", kind, op)
	return -1
}

// Every corruption the review found is refused by Replay, with
// ErrCorruptLedger naming the entry: as made (the hash chain breaks), and
// where it makes sense also re-hashed by a forger who knows the scheme
// (the fold's own checks refuse it, or the head differs from the stored
// one).
func TestReplayRefusesCorruption(t *testing.T) {
	p, log, want := debtLedger(t)
	if got, err := p.Replay(log); err != nil || !got.Equal(want) || got.Head() != want.Head() || want.Head() == "" {
		t.Fatalf("the untouched ledger: %v, head %q vs %q", err, got.Head(), want.Head())
	}
	for _, tc := range []struct {
		name string
		// change corrupts a copy of the log; checked: the fold refuses it
		// even re-hashed (else only the chain or the head catch it).
		change  func(log []loyalty.Entry) []loyalty.Entry
		checked bool
	}{
		{"an entry duplicated in place", func(l []loyalty.Entry) []loyalty.Entry {
			i := findEntry(t, l, loyalty.Earn, "order:o2")
			return slices.Insert(l, i, l[i])
		}, true},
		{"a reversal removed", func(l []loyalty.Entry) []loyalty.Entry {
			i := findEntry(t, l, loyalty.Reverse, "refund:r1")
			return slices.Delete(l, i, i+1)
		}, true},
		{"points changed", func(l []loyalty.Entry) []loyalty.Entry {
			l[findEntry(t, l, loyalty.Earn, "order:o2")].Points = d("76150")
			return l
		}, false},
		{"refund money larger than the order", func(l []loyalty.Entry) []loyalty.Entry {
			l[findEntry(t, l, loyalty.Record, "refund:r1")].Money = d("10001")
			return l
		}, true},
		{"negative money", func(l []loyalty.Entry) []loyalty.Entry {
			l[findEntry(t, l, loyalty.Record, "redeem:x1")].Money = d("-1")
			return l
		}, true},
		{"another customer's purchase", func(l []loyalty.Entry) []loyalty.Entry {
			for i := range l {
				if l[i].Op == "order:o2" {
					l[i].Customer = "mallory"
				}
			}
			return l
		}, true},
		{"a forged debt", func(l []loyalty.Entry) []loyalty.Entry {
			i := findEntry(t, l, loyalty.Debt, "refund:r1")
			e := l[i]
			e.Points = d("-1000000")
			return slices.Insert(l, i+1, e)
		}, true},
		{"a forged tier change in a redemption", func(l []loyalty.Entry) []loyalty.Entry {
			i := findEntry(t, l, loyalty.Record, "redeem:x1")
			e := l[i]
			e.Kind, e.Tier, e.Money, e.ID = loyalty.TierChange, "gold", decimal.Zero, "redeem:x1/1"
			return slices.Insert(l, i+1, e)
		}, true},
		{"a forged write-off", func(l []loyalty.Entry) []loyalty.Entry {
			i := findEntry(t, l, loyalty.Debt, "refund:r1")
			e := l[i]
			e.Kind, e.Points, e.Money = loyalty.WriteOffEntry, decimal.Zero, d("5000")
			return slices.Insert(l, i+1, e)
		}, true},
		{"a renamed id", func(l []loyalty.Entry) []loyalty.Entry {
			l[findEntry(t, l, loyalty.Earn, "order:o2")].ID = "order:o2/9"
			return l
		}, true},
		{"two entries swapped", func(l []loyalty.Entry) []loyalty.Entry {
			i := findEntry(t, l, loyalty.Redeem, "redeem:x1")
			l[i], l[i-1] = l[i-1], l[i]
			return l
		}, true},
		{"1,025 forged debts of -2^53", func(l []loyalty.Entry) []loyalty.Entry {
			i := findEntry(t, l, loyalty.Debt, "refund:r1")
			forged := make([]loyalty.Entry, 1025)
			for k := range forged {
				forged[k] = l[i]
				forged[k].Points = decimal.NewFromInt(-(1 << 53))
			}
			return slices.Insert(l, i+1, forged...)
		}, true},
		{"a purchase's tier rewritten", func(l []loyalty.Entry) []loyalty.Entry {
			l[findEntry(t, l, loyalty.TierChange, "order:o2")].Tier = "silver"
			return l
		}, false},
		{"the last operation dropped", func(l []loyalty.Entry) []loyalty.Entry {
			return slices.DeleteFunc(l, func(e loyalty.Entry) bool { return strings.HasPrefix(e.Op, "expire:") })
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forged := tc.change(slices.Clone(log))
			acc, err := p.Replay(forged)
			if tc.name != "the last operation dropped" && (!errors.Is(err, loyalty.ErrCorruptLedger) || !strings.Contains(err.Error(), "entry")) {
				t.Errorf("as made: %v, want ErrCorruptLedger naming the entry", err)
			}
			if err == nil && acc.Head() == want.Head() {
				t.Errorf("as made: accepted with the stored head")
			}
			loyalty.Rechain(forged)
			acc, err = p.Replay(forged)
			switch {
			case tc.checked && !errors.Is(err, loyalty.ErrCorruptLedger):
				t.Errorf("re-hashed: %v, want ErrCorruptLedger", err)
			case err == nil && acc.Head() == want.Head():
				t.Errorf("re-hashed: accepted with the stored head")
			}
		})
	}
}

// No total wraps around: debts and write-offs are bounded by the points
// earned on their order, and every sum is checked.
func TestReplayNoOverflow(t *testing.T) {
	p, log, _ := debtLedger(t)
	i := findEntry(t, log, loyalty.Debt, "refund:r1")
	for _, pts := range []int64{math.MinInt64 + 1, -(1 << 62), -(1 << 53)} {
		forged := slices.Clone(log)
		forged[i].Points = decimal.NewFromInt(pts)
		loyalty.Rechain(forged)
		if _, err := p.Replay(forged); !errors.Is(err, loyalty.ErrCorruptLedger) {
			t.Errorf("a debt of %d: %v", pts, err)
		}
	}
}

// The account belongs to the customer of its first operation; another
// customer's operation on it is refused, an operation naming no customer
// is the account's own.
func TestAccountCustomer(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	a := funded(t, p) // customer "c"
	if _, _, err := p.Purchase(a, loyalty.Customer{ID: "mallory"}, loyalty.Order{ID: "o9", Total: d("100")}, at(3, 20)); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("another customer's purchase: %v", err)
	}
	_, r, err := p.Redeem(a, loyalty.Customer{}, loyalty.Redemption{ID: "x", Points: d("10")}, at(3, 20))
	if err != nil || r.Entries[0].Customer != "c" {
		t.Errorf("an operation naming no customer: %v, entries of %q", err, r.Entries[0].Customer)
	}
}
