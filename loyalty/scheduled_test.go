package loyalty_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// Runs of Expire at one instant: the first is "expire:<t>", a run with
// nothing new due returns the last run (a retry), and a run after
// late-dated operations made more lots due is "#2", then "#3". A run with
// nothing ever due records nothing. (Mutation testing found the suffix
// and the empty run unchecked.)
func TestExpireRunsAtOneInstant(t *testing.T) {
	p := mustProgram(t, coffeeConfig()) // points expire 12 months after earning
	c := loyalty.Customer{ID: "c"}
	at0 := at(1, 10)
	due := at0.AddDate(2, 0, 0)
	base := "expire:" + due.UTC().Format(time.RFC3339Nano)
	a := loyalty.Account{}
	_, r, err := p.Expire(a, due)
	if err != nil || r.Op != base || len(r.Entries) != 0 || r.Duplicate {
		t.Fatalf("nothing due: %v %+v", err, r)
	}
	var ops []string
	for i := range 3 {
		a, _, err = p.Purchase(a, c, loyalty.Order{ID: "o" + string(rune('a'+i)), Total: d("1000")}, at0.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if a, r, err = p.Expire(a, due); err != nil || len(r.Entries) < 2 {
			t.Fatalf("run %d: %v %+v", i, err, r)
		}
		ops = append(ops, r.Op)
		_, again, err := p.Expire(a, due)
		if err != nil || !again.Duplicate || again.Op != r.Op {
			t.Errorf("run %d again: %v, %+v", i, err, again)
		}
	}
	if want := []string{base, base + "#2", base + "#3"}; !slices.Equal(ops, want) {
		t.Errorf("runs %v, want %v", ops, want)
	}
}

// A replay refuses an earning or a hold of no points (mutation testing
// found them accepted), even re-hashed.
func TestReplayRefusesZeroAmounts(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a, r0, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o", Total: d("10000")}, at(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	_, r1, err := p.Hold(a, c, loyalty.Hold{ID: "h", Points: d("10"), For: time.Hour}, at(3, 20))
	if err != nil {
		t.Fatal(err)
	}
	log := append(slices.Clone(r0.Entries), r1.Entries...)
	for _, kind := range []loyalty.EntryKind{loyalty.Earn} {
		forged := slices.Clone(log)
		forged[findEntry(t, forged, kind, "order:o")].Points = decimal.Zero
		loyalty.Rechain(forged)
		if _, err := p.Replay(forged); !errors.Is(err, loyalty.ErrCorruptLedger) {
			t.Errorf("an earning of 0: %v", err)
		}
	}
	forged := slices.Clone(log)
	forged[findEntry(t, forged, loyalty.Record, "hold:h")].Held = decimal.Zero
	loyalty.Rechain(forged)
	if _, err := p.Replay(forged); !errors.Is(err, loyalty.ErrCorruptLedger) {
		t.Errorf("a hold of 0: %v", err)
	}
}
