package loyalty_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// Refunds by line price the units at the order's recorded prices, first
// line first, refuse what the order does not hold, and a refund of every
// line takes back exactly what was earned.
func TestRefundByLines(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	order := loyalty.Order{ID: "o1", Total: d("330"), Lines: []loyalty.Line{
		{SKU: "a", Category: "cakes", Qty: 2, Price: d("100")},
		{SKU: "b", Category: "beans", Qty: 1, Price: d("50")},
		{SKU: "a", Category: "cakes", Qty: 1, Price: d("80")},
	}}
	a, bought, err := p.Purchase(loyalty.Account{}, c, order, at(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	order.Lines[0].Qty = 99 // the caller's order is not the ledger's
	refund := func(a loyalty.Account, id string, lines ...loyalty.RefundLine) (loyalty.Account, loyalty.Result, error) {
		return p.Refund(a, c, loyalty.Refund{ID: id, Order: "o1", Lines: lines}, at(3, 2))
	}
	a, r, err := refund(a, "r1", loyalty.RefundLine{SKU: "a", Qty: 3})
	if err != nil {
		t.Fatal(err)
	}
	wantLines := []loyalty.Line{{SKU: "a", Category: "cakes", Qty: 2, Price: d("100")}, {SKU: "a", Category: "cakes", Qty: 1, Price: d("80")}}
	if diff := cmp.Diff(wantLines, r.Entries[0].Lines); diff != "" || !r.Entries[0].Money.Equal(d("280")) {
		t.Fatalf("refund record money %s, lines (-want +got):\n%s", r.Entries[0].Money, diff)
	}
	for _, tc := range []struct {
		name  string
		lines []loyalty.RefundLine
		want  error
	}{
		{"no units of a left", []loyalty.RefundLine{{SKU: "a", Qty: 1}}, loyalty.ErrRefundTooLarge},
		{"two of b, one bought", []loyalty.RefundLine{{SKU: "b", Qty: 2}}, loyalty.ErrRefundTooLarge},
		{"a sku the order lacks", []loyalty.RefundLine{{SKU: "z", Qty: 1}}, loyalty.ErrInvalidInput},
		{"zero units", []loyalty.RefundLine{{SKU: "b", Qty: 0}}, loyalty.ErrInvalidInput},
	} {
		before := a.String()
		if _, _, err := refund(a, "bad", tc.lines...); !errors.Is(err, tc.want) || a.String() != before {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, _, err := p.Refund(a, c, loyalty.Refund{ID: "both", Order: "o1", Amount: d("1"), Lines: []loyalty.RefundLine{{SKU: "b", Qty: 1}}}, at(3, 2)); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("amount and lines: %v", err)
	}
	a, last, err := refund(a, "r2", loyalty.RefundLine{SKU: "b", Qty: 1})
	if err != nil {
		t.Fatal(err)
	}
	o := a.Orders()[0]
	if !o.Refunded.Equal(o.Total) || !o.Reversed.Equal(o.Earned) || !r.Points.Add(last.Points).Equal(bought.Points) {
		t.Fatalf("after refunding every line: %+v; points back %s + %s, earned %s", o, r.Points, last.Points, bought.Points)
	}
	again, dup, err := refund(a, "r2", loyalty.RefundLine{SKU: "b", Qty: 1})
	if err != nil || !dup.Duplicate || again.String() != a.String() {
		t.Fatalf("retry: %v %+v", err, dup)
	}
	var log []loyalty.Entry
	log = append(log, bought.Entries...)
	log = append(log, r.Entries...)
	log = append(log, last.Entries...)
	replayed, err := p.Replay(log)
	if err != nil || replayed.String() != a.String() {
		t.Fatalf("replay: %v\n%s\nvs\n%s", err, replayed, a)
	}
	// A log whose refund lines do not match the order's is refused.
	log[len(bought.Entries)].Lines = []loyalty.Line{{SKU: "a", Qty: 3, Price: d("100")}}
	if _, err := p.Replay(log); err == nil {
		t.Fatal("replay accepted refund lines the order does not price that way")
	}
}

// Money in another currency than the programme's is refused.
func TestCurrency(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	if _, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o", Currency: "EUR", Total: d("10")}, at(3, 1)); !errors.Is(err, loyalty.ErrCurrency) {
		t.Errorf("purchase in EUR: %v", err)
	}
	if _, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o", Currency: "KZT", Total: d("10")}, at(3, 1)); err != nil {
		t.Errorf("purchase in KZT: %v", err)
	}
	if _, _, err := p.Redeem(loyalty.Account{}, c, loyalty.Redemption{ID: "x", Points: d("1"), Currency: "EUR"}, at(3, 1)); !errors.Is(err, loyalty.ErrCurrency) {
		t.Errorf("redemption in EUR: %v", err)
	}
}

// What an operation returns is the caller's: changing its entries' lines
// or gifts changes neither the account nor what a retry returns; and a
// retry returns the original result, field for field, but for the entries
// and trace the host has from the first call.
func TestResultsAreCopies(t *testing.T) {
	cfg := coffeeConfig()
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "c"}
	o := loyalty.Order{ID: "o1", Total: d("100"), Lines: []loyalty.Line{{SKU: "b", Category: "beans", Qty: 1, Price: d("100")}}}
	a, r, err := p.Purchase(loyalty.Account{}, c, o, at(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	ev := loyalty.Event{ID: "bd", Kind: "birthday"}
	a, re, err := p.Event(a, c, ev, at(3, 1))
	if err != nil || len(re.Gifts) != 1 {
		t.Fatalf("event: %v %v", re.Gifts, err)
	}
	before := a.String()
	r.Entries[0].Lines[0].Qty = 99
	re.Entries[0].Gifts[0] = "changed"
	re.Gifts[0] = "changed too"
	_, again, _ := p.Purchase(a, c, o, at(3, 1))
	_, evAgain, _ := p.Event(a, c, ev, at(3, 1))
	if a.String() != before || evAgain.Gifts[0] != "cake" || a.Orders()[0].Total.String() != "100" {
		t.Fatalf("a change to a result reached the account: gift %q", evAgain.Gifts[0])
	}
	want := r
	want.Entries, want.Trace, want.Earned, want.RuleFailures, want.Duplicate = nil, nil, nil, nil, true
	if diff := cmp.Diff(want, again, cmp.Comparer(func(x, y decimal.Decimal) bool { return x.Equal(y) })); diff != "" {
		t.Errorf("retry of the purchase (-original +retry):\n%s", diff)
	}
	evAgain.Gifts[0] = "changed" // nor does changing a retry's result
	if _, third, _ := p.Event(a, c, ev, at(3, 1)); third.Gifts[0] != "cake" {
		t.Fatal("a change to a retry's result reached the account")
	}
}

// One programme and one account value serve several goroutines at once:
// each operation's result is what it would be alone (run with -race).
func TestConcurrentOperations(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	var base loyalty.Account
	for i := range 40 {
		var err error
		if base, _, err = p.Purchase(base, c, loyalty.Order{ID: fmt.Sprint("seed", i), Total: d("1000")}, at(1, 1+i%28)); err != nil {
			t.Fatal(err)
		}
	}
	before := base.String()
	const workers = 8
	got := make([]string, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := base
			for k := range 5 {
				var err error
				if a, _, err = p.Purchase(a, c, loyalty.Order{ID: fmt.Sprint("w", w, "-", k), Total: d("2500")}, at(2, 1+k)); err != nil {
					t.Error(err)
					return
				}
			}
			got[w] = a.String()
		}()
	}
	wg.Wait()
	if base.String() != before {
		t.Fatal("the shared account changed")
	}
	for w := range workers {
		a := base
		for k := range 5 {
			a, _, _ = p.Purchase(a, c, loyalty.Order{ID: fmt.Sprint("w", w, "-", k), Total: d("2500")}, at(2, 1+k))
		}
		if got[w] != a.String() {
			t.Errorf("worker %d: concurrent result differs from the same operations alone", w)
		}
	}
}

// Cancelling a redemption puts its points back into the lots they came
// from; when a refund has left a debt meanwhile, they pay it first.
func TestCancelRedemption(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("10000")}, at(3, 1)) // 500 points
	if err != nil {
		t.Fatal(err)
	}
	lotsBefore := a.Lots()
	a, r, err := p.Redeem(a, c, loyalty.Redemption{ID: "x1", Points: d("300")}, at(3, 20))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.CancelRedemption(a, c, "x2", at(3, 21)); !errors.Is(err, loyalty.ErrUnknownRedemption) {
		t.Errorf("cancel of an unknown redemption: %v", err)
	}
	back, cr, err := p.CancelRedemption(a, c, "x1", at(3, 21))
	if err != nil {
		t.Fatal(err)
	}
	if !cr.Points.Equal(d("300")) || !cr.Discount.Equal(r.Discount) || !back.Balance(at(3, 21)).Available.Equal(d("500")) {
		t.Fatalf("cancel: %+v, balance %+v", cr, back.Balance(at(3, 21)))
	}
	if diff := cmp.Diff(lotsBefore, back.Lots()); diff != "" {
		t.Errorf("lots after the cancel (-before the redemption +after):\n%s", diff)
	}
	// With a debt: the refund of the whole order takes back 500, of which 300
	// were spent; cancelling the redemption pays that debt.
	a, _, err = p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: d("10000")}, at(3, 22))
	if err != nil || !a.Balance(at(3, 22)).Debt.Equal(d("300")) {
		t.Fatalf("refund: debt %s, %v", a.Balance(at(3, 22)).Debt, err)
	}
	a, cr, err = p.CancelRedemption(a, c, "x1", at(3, 23))
	if b := a.Balance(at(3, 23)); err != nil || !cr.Points.Equal(d("300")) || !b.Debt.IsZero() || !b.Available.IsZero() {
		t.Fatalf("cancel with a debt: %+v, balance %+v, %v", cr, b, err)
	}
}
