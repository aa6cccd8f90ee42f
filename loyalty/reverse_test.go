package loyalty_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
)

// TestReverse: a reversal takes back what an event earned, from its own
// lots first, then from others, then as debt or a write-off; it lists the
// event's gifts back; it is once per event and idempotent by its id.
func TestReverse(t *testing.T) {
	c := loyalty.Customer{ID: "aigerim"}
	birthday := loyalty.Event{ID: "bd-2026", Kind: "birthday"}
	for _, tc := range []struct {
		name      string
		writeOff  bool
		spend     string // points redeemed after the birthday (of 300: 100 from the order, 200 from the birthday)
		reversed  string // Totals.Reversed after
		debt      string // Balance.Debt after
		written   string // Totals.WrittenOff after
		available string
	}{
		{"nothing spent: its own lot", false, "0", "200", "0", "0", "100"},
		{"half spent: the rest from the order's lot", false, "150", "150", "50", "0", "0"},
		{"all spent: debt", false, "300", "0", "200", "0", "0"},
		{"all spent, written off", true, "300", "0", "0", "200", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := coffeeConfig()
			cfg.PendingDays = 0
			if tc.writeOff {
				cfg.RefundOfSpent = loyalty.WriteOff
			}
			p := mustProgram(t, cfg)
			var a loyalty.Account
			var log []loyalty.Entry
			do := func(acc loyalty.Account, r loyalty.Result, err error) loyalty.Result {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
				a, log = acc, append(log, r.Entries...)
				return r
			}
			do(p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d("2000")}, at(3, 1)))
			do(p.Event(a, c, birthday, at(3, 2)))
			if tc.spend != "0" {
				do(p.Redeem(a, c, loyalty.Redemption{ID: "rd1", Points: d(tc.spend)}, at(3, 3)))
			}
			r := do(p.Reverse(a, c, loyalty.Reversal{ID: "v1", Event: "bd-2026"}, at(3, 4)))
			b, tt := a.Balance(at(3, 4)), a.Totals()
			got := fmt.Sprint(tt.Reversed, b.Debt, tt.WrittenOff, b.Available, r.GiftsBack)
			if want := fmt.Sprint(d(tc.reversed), d(tc.debt), d(tc.written), d(tc.available), []string{"cake"}); got != want {
				t.Errorf("reversed, debt, written off, available, gifts back = %s, want %s", got, want)
			}
			// A retry changes nothing; another reversal of the event is refused.
			again, rr, err := p.Reverse(a, c, loyalty.Reversal{ID: "v1", Event: "bd-2026"}, at(3, 5))
			if err != nil || !rr.Duplicate || again.String() != a.String() {
				t.Errorf("retry: %v duplicate=%v", err, rr.Duplicate)
			}
			same, _, err := p.Reverse(a, c, loyalty.Reversal{ID: "v2", Event: "bd-2026"}, at(3, 5))
			if !errors.Is(err, loyalty.ErrReversed) || !strings.Contains(err.Error(), "reverse:v1") || same.String() != a.String() {
				t.Errorf("a second reversal: %v", err)
			}
			// Replay and snapshot agree, and a loaded account knows the event
			// was reversed.
			re, err := p.Replay(log)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(a.String(), re.String()); diff != "" {
				t.Errorf("replay (-operated +replayed):\n%s", diff)
			}
			loaded, err := p.LoadSnapshot(a.Snapshot())
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := p.Reverse(loaded, c, loyalty.Reversal{ID: "v3", Event: "bd-2026"}, at(3, 6)); !errors.Is(err, loyalty.ErrReversed) {
				t.Errorf("a second reversal on the loaded account: %v", err)
			}
		})
	}
}

func TestReverseRefusals(t *testing.T) {
	cfg := coffeeConfig()
	cfg.PendingDays = 0
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "aigerim"}
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("2000")}, at(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		r    loyalty.Reversal
		want error
	}{
		{"no id", loyalty.Reversal{Event: "bd"}, loyalty.ErrInvalidInput},
		{"no event", loyalty.Reversal{ID: "v1"}, loyalty.ErrInvalidInput},
		{"an event never recorded", loyalty.Reversal{ID: "v1", Event: "bd"}, loyalty.ErrUnknownEvent},
		{"an order is not an event", loyalty.Reversal{ID: "v1", Event: "o1"}, loyalty.ErrUnknownEvent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := p.Reverse(a, c, tc.r, at(3, 2))
			if !errors.Is(err, tc.want) || got.String() != a.String() {
				t.Errorf("%v, want %v and the account unchanged", err, tc.want)
			}
		})
	}
}

// TestReverseForged: a replay refuses a reversal that takes back more
// than its event earned, or names what is not an event, even re-hashed.
func TestReverseForged(t *testing.T) {
	cfg := coffeeConfig()
	cfg.PendingDays = 0
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "aigerim"}
	var log []loyalty.Entry
	a, r, _ := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("2000")}, at(3, 1))
	log = append(log, r.Entries...)
	a, r, _ = p.Event(a, c, loyalty.Event{ID: "bd", Kind: "birthday"}, at(3, 2))
	log = append(log, r.Entries...)
	_, r, err := p.Reverse(a, c, loyalty.Reversal{ID: "v1", Event: "bd"}, at(3, 3))
	if err != nil {
		t.Fatal(err)
	}
	log = append(log, r.Entries...)
	at := func(k loyalty.EntryKind) int {
		return slices.IndexFunc(log, func(e loyalty.Entry) bool { return e.Op == "reverse:v1" && e.Kind == k })
	}
	for _, tc := range []struct {
		name   string
		change func([]loyalty.Entry)
	}{
		{"more than the event earned", func(l []loyalty.Entry) { l[at(loyalty.Reverse)].Points = d("-201") }},
		{"names the purchase", func(l []loyalty.Entry) { l[at(loyalty.Record)].Ref = "order:o1" }},
		{"keeps the gifts", func(l []loyalty.Entry) { l[at(loyalty.Record)].Gifts = nil }},
		{"takes back for another event", func(l []loyalty.Entry) { l[at(loyalty.Reverse)].Ref = "event:other" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forged := slices.Clone(log)
			tc.change(forged)
			loyalty.Rechain(forged)
			if _, err := p.Replay(forged); !errors.Is(err, loyalty.ErrCorruptLedger) {
				t.Errorf("replay: %v, want ErrCorruptLedger", err)
			}
		})
	}
}
