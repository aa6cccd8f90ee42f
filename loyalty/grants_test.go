package loyalty_test

import (
	"errors"
	"testing"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
)

// TestGrants: a rule with a Budget gives at most the order's (or event's)
// grant; the grant is part of the operation's payload; bad grants are
// refused and change nothing.
func TestGrants(t *testing.T) {
	cfg := coffeeConfig()
	cfg.Rules = append(cfg.Rules,
		rules.Rule{ID: "spring", Kind: rules.Accrual, Value: "order.Total * 0.1", Budget: "spring"},
		rules.Rule{ID: "review-bonus", Kind: rules.Accrual, On: []string{"review"}, Value: "50", Budget: "reviews"})
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "aigerim"}
	o := loyalty.Order{ID: "o1", Total: d("1000")} // base 50; spring asks 100
	q, err := p.Quote(loyalty.Account{}, c, o, at(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	if st := q.Trace[len(q.Trace)-2]; st.RuleID != "spring" || st.Status != rules.StatusLimited || !st.Computed.Equal(d("100")) || !q.Points.Equal(d("50")) {
		t.Errorf("quote without a grant: %v computed %s, points %s", st, st.Computed, q.Points)
	}
	o.Grants = loyalty.Grants{"spring": d("30")}
	a, r, err := p.Purchase(loyalty.Account{}, c, o, at(3, 1))
	if err != nil || !r.Points.Equal(d("80")) {
		t.Fatalf("with a grant of 30: %v, points %s, want 80", err, r.Points)
	}
	// The same order with another grant is another payload.
	o2 := o
	o2.Grants = loyalty.Grants{"spring": d("100")}
	if _, _, err := p.Purchase(a, c, o2, at(3, 1)); !errors.Is(err, loyalty.ErrConflict) {
		t.Errorf("a retry with another grant: %v, want ErrConflict", err)
	}
	if _, r, err := p.Purchase(a, c, o, at(3, 1)); err != nil || !r.Duplicate {
		t.Errorf("a retry with the same grant: %v duplicate=%v", err, r.Duplicate)
	}
	// An event's grant.
	a, r, err = p.Event(a, c, loyalty.Event{ID: "rv1", Kind: "review", Grants: loyalty.Grants{"reviews": d("20")}}, at(3, 2))
	if err != nil || !r.Points.Equal(d("20")) {
		t.Errorf("a review with a grant of 20: %v, points %s", err, r.Points)
	}
	for _, tc := range []struct {
		name string
		run  func() (loyalty.Account, loyalty.Result, error)
	}{
		{"a negative grant", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o9", Total: d("10"), Grants: loyalty.Grants{"spring": d("-1")}}, at(3, 3))
		}},
		{"a grant with no name", func() (loyalty.Account, loyalty.Result, error) {
			return p.Event(a, c, loyalty.Event{ID: "rv9", Kind: "review", Grants: loyalty.Grants{"": d("1")}}, at(3, 3))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := tc.run()
			if !errors.Is(err, loyalty.ErrInvalidInput) || got.String() != a.String() {
				t.Errorf("%v, want ErrInvalidInput and the account unchanged", err)
			}
		})
	}
}
