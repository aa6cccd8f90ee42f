package loyalty_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/loyalkit/loyalkit/loyalty"
)

// Every field of every operation's payload is part of its fingerprint:
// the same id with any one field changed is ErrConflict and changes
// nothing, and the same payload again returns the original Result field
// for field (but its Entries, Trace and RuleFailures, which the host has
// from the first call), marked Duplicate.
func TestIdempotencyPerField(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	base := funded(t, p) // 500 points available from 20 March
	now := at(3, 20)
	base, _, err := p.Redeem(base, c, loyalty.Redemption{ID: "pay", Points: d("100")}, now)
	if err != nil {
		t.Fatal(err)
	}
	base, _, err = p.Purchase(base, c, loyalty.Order{ID: "bought", Total: d("2000"), Lines: []loyalty.Line{{SKU: "a", Qty: 2, Price: d("1000")}}}, now)
	if err != nil {
		t.Fatal(err)
	}
	base, _, err = p.Hold(base, c, loyalty.Hold{ID: "held", Points: d("50"), Until: now.Add(time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	type op func(a loyalty.Account) (loyalty.Account, loyalty.Result, error)
	order := func(change func(*loyalty.Order)) op {
		o := loyalty.Order{ID: "o", Currency: "KZT", Total: d("1000"), Channel: "web", Coupon: "X", Redemption: "pay",
			Lines: []loyalty.Line{{SKU: "a", Category: "beans", Qty: 2, Price: d("500")}}}
		change(&o)
		return func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return p.Purchase(a, c, o, now) }
	}
	refund := func(change func(*loyalty.Refund)) op {
		r := loyalty.Refund{ID: "r", Order: "bought", Lines: []loyalty.RefundLine{{SKU: "a", Qty: 1}}}
		change(&r)
		return func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return p.Refund(a, c, r, now) }
	}
	redeem := func(change func(*loyalty.Redemption)) op {
		r := loyalty.Redemption{ID: "x", Points: d("10"), OrderTotal: d("1000"), Currency: "KZT"}
		change(&r)
		return func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return p.Redeem(a, c, r, now) }
	}
	hold := func(change func(*loyalty.Hold)) op {
		h := loyalty.Hold{ID: "h", Order: "o7", Points: d("10"), OrderTotal: d("1000"), Currency: "KZT", Until: now.Add(time.Hour)}
		change(&h)
		return func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return p.Hold(a, c, h, now) }
	}
	capture := func(change func(*loyalty.Capture)) op {
		cp := loyalty.Capture{ID: "held", Points: d("40")}
		change(&cp)
		return func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return p.Capture(a, c, cp, now) }
	}
	event := func(change func(*loyalty.Event)) op {
		ev := loyalty.Event{ID: "e", Kind: "review", Attributes: map[string]string{"stars": "5"}}
		change(&ev)
		return func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return p.Event(a, c, ev, now) }
	}
	for _, tc := range []struct {
		name    string
		first   op
		changed map[string]op
	}{
		{"purchase", order(func(*loyalty.Order) {}), map[string]op{
			"total":      order(func(o *loyalty.Order) { o.Total = d("1001") }),
			"channel":    order(func(o *loyalty.Order) { o.Channel = "app" }),
			"coupon":     order(func(o *loyalty.Order) { o.Coupon = "Y" }),
			"redemption": order(func(o *loyalty.Order) { o.Redemption = "" }),
			"currency":   order(func(o *loyalty.Order) { o.Currency = "" }),
			"line sku":   order(func(o *loyalty.Order) { o.Lines[0].SKU = "b" }),
			"line cat":   order(func(o *loyalty.Order) { o.Lines[0].Category = "cakes" }),
			"line qty":   order(func(o *loyalty.Order) { o.Lines[0].Qty = 1 }),
			"line price": order(func(o *loyalty.Order) { o.Lines[0].Price = d("400") }),
			"no lines":   order(func(o *loyalty.Order) { o.Lines = nil }),
		}},
		{"refund", refund(func(*loyalty.Refund) {}), map[string]op{
			"amount":   refund(func(r *loyalty.Refund) { r.Lines, r.Amount = nil, d("1000") }),
			"line sku": refund(func(r *loyalty.Refund) { r.Lines[0].SKU = "b" }),
			"line qty": refund(func(r *loyalty.Refund) { r.Lines[0].Qty = 2 }),
			"order":    refund(func(r *loyalty.Refund) { r.Order = "o0" }),
		}},
		{"redemption", redeem(func(*loyalty.Redemption) {}), map[string]op{
			"points":      redeem(func(r *loyalty.Redemption) { r.Points = d("11") }),
			"order total": redeem(func(r *loyalty.Redemption) { r.OrderTotal = d("999") }),
			"currency":    redeem(func(r *loyalty.Redemption) { r.Currency = "" }),
		}},
		{"hold", hold(func(*loyalty.Hold) {}), map[string]op{
			"order":       hold(func(h *loyalty.Hold) { h.Order = "o8" }),
			"points":      hold(func(h *loyalty.Hold) { h.Points = d("11") }),
			"order total": hold(func(h *loyalty.Hold) { h.OrderTotal = d("999") }),
			"currency":    hold(func(h *loyalty.Hold) { h.Currency = "" }),
			"until":       hold(func(h *loyalty.Hold) { h.Until = h.Until.Add(time.Nanosecond) }),
		}},
		{"capture", capture(func(*loyalty.Capture) {}), map[string]op{
			"points": capture(func(cp *loyalty.Capture) { cp.Points = d("50") }),
		}},
		{"event", event(func(*loyalty.Event) {}), map[string]op{
			"kind":             event(func(ev *loyalty.Event) { ev.Kind = "survey" }),
			"attribute value":  event(func(ev *loyalty.Event) { ev.Attributes["stars"] = "4" }),
			"attribute added":  event(func(ev *loyalty.Event) { ev.Attributes["x"] = "" }),
			"attributes empty": event(func(ev *loyalty.Event) { ev.Attributes = nil }),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, first, err := tc.first(base)
			if err != nil {
				t.Fatal(err)
			}
			for field, changed := range tc.changed {
				got, _, err := changed(a)
				if !errors.Is(err, loyalty.ErrConflict) || got.Version() != a.Version() {
					t.Errorf("%s changed: %v (version %d → %d), want ErrConflict", field, err, a.Version(), got.Version())
				}
			}
			later, _, err := p.Purchase(a, c, loyalty.Order{ID: "later", Total: d("30000")}, now.Add(time.Minute)) // the account moves on
			if err != nil {
				t.Fatal(err)
			}
			got, again, err := tc.first(later)
			if err != nil || !again.Duplicate || got.Version() != later.Version() {
				t.Fatalf("retry: %v, duplicate %v, version %d → %d", err, again.Duplicate, later.Version(), got.Version())
			}
			want := first
			want.Entries, want.Trace, want.Earned, want.RuleFailures, want.Duplicate = nil, nil, nil, nil, true
			if diff := cmp.Diff(want, again, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("the retry's result differs from the original (-original +retry):\n%s", diff)
			}
		})
	}
}
