package loyalty_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// Found by review: a redemption checked against the order total it was
// told could pay more than the maximum share of the order it then paid
// for. The purchase checks the share against its own total.
func TestMaxShareAtPurchase(t *testing.T) {
	p := mustProgram(t, coffeeConfig()) // MaxShare 0.5, a point pays 1
	c := loyalty.Customer{ID: "c"}
	a := funded(t, p)
	now := at(3, 20)
	a, _, err := p.Redeem(a, c, loyalty.Redemption{ID: "r1", Points: d("500"), OrderTotal: d("1000")}, now)
	if err != nil {
		t.Fatal(err)
	}
	for total, want := range map[string]error{"999.98": loyalty.ErrPolicy, "1000": nil} {
		_, r, err := p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d(total), Redemption: "r1"}, now)
		if !errors.Is(err, want) || (want == nil && !r.Money.Equal(d(total).Sub(d("500")))) {
			t.Errorf("points paying 500 of an order of %s: %v (money %s), want %v", total, err, r.Money, want)
		}
	}
}

// Found by review: the redemption an order names was not part of its
// fingerprint, so a retry naming another one returned the first result.
func TestOrderFingerprintHasRedemption(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a := funded(t, p)
	now := at(3, 20)
	a, _, err := p.Redeem(a, c, loyalty.Redemption{ID: "r1", Points: d("100")}, now)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err = p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d("1000")}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d("1000"), Redemption: "r1"}, now); !errors.Is(err, loyalty.ErrConflict) {
		t.Errorf("a retry naming a redemption the original did not: %v, want ErrConflict", err)
	}
}

// Found by review: a hold could last until an instant a snapshot or JSON
// cannot carry.
func TestHoldUntilInRange(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	a := funded(t, p)
	now := at(3, 20)
	for _, until := range []time.Time{time.Date(9001, 1, 1, 0, 0, 0, 0, time.UTC), {}} {
		if _, _, err := p.Hold(a, loyalty.Customer{ID: "c"}, loyalty.Hold{ID: "h", Points: d("1"), Until: until}, now); !errors.Is(err, loyalty.ErrInvalidInput) {
			t.Errorf("a hold until %v: %v, want ErrInvalidInput", until, err)
		}
	}
}

// Rules read the day and hour of an instant in the programme's zone,
// whatever zone the host passed it in and whether the account came from
// operations or a snapshot (whose times load in UTC).
func TestFactsInProgrammeZone(t *testing.T) {
	cfg := coffeeConfig() // Asia/Almaty
	cfg.Rules = append(cfg.Rules,
		rules.Rule{ID: "happy-hour", Kind: rules.Accrual, When: "hour(now) == 10", Value: "7"},
		rules.Rule{ID: "came-on-the-1st", Kind: rules.Accrual, When: "day(customer.LastPurchase) == 1 && hour(customer.LastPurchase) == 1", Value: "11"})
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "c"}
	first := time.Date(2026, 3, 1, 1, 0, 0, 0, alma) // 28 February in UTC
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("100")}, first.UTC())
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := p.LoadSnapshot(a.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	now := at(3, 5).UTC() // 10:00 in Almaty, 04:00 in UTC
	for name, acc := range map[string]loyalty.Account{"as operated": a, "from a snapshot": loaded} {
		r, err := p.Quote(acc, c, loyalty.Order{ID: "o2", Total: d("100")}, now)
		if err != nil {
			t.Fatal(err)
		}
		applied := map[string]bool{}
		for _, st := range r.Trace {
			applied[st.RuleID] = st.Status == rules.StatusApplied
		}
		if !applied["happy-hour"] || !applied["came-on-the-1st"] {
			t.Errorf("%s: happy-hour %v, came-on-the-1st %v; want both applied", name, applied["happy-hour"], applied["came-on-the-1st"])
		}
	}
}

// Found by review: the points a rule gave on an order of no value could
// never be taken back, and a refund by lines of an undiscounted order was
// not rounded to the money places like a discounted one.
func TestRefundEdges(t *testing.T) {
	cfg := coffeeConfig() // money places 2
	cfg.Rules = append(cfg.Rules, rules.Rule{ID: "visit", Kind: rules.Accrual, Value: "50"})
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "c"}
	now := at(3, 1)
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "free", Total: d("0"),
		Lines: []loyalty.Line{{SKU: "sample", Qty: 2, Price: d("0")}}}, now)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"25", "0"} {
		a, _, err = p.Refund(a, c, loyalty.Refund{ID: "back" + strconv.Itoa(i), Order: "free", Lines: []loyalty.RefundLine{{SKU: "sample", Qty: 1}}}, now)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Totals().Earned.Sub(a.Totals().Reversed); !got.Equal(d(want)) {
			t.Errorf("after returning %d of 2 free samples: %s points left, want %s", i+1, got, want)
		}
	}

	a, r, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o", Total: d("3.335"),
		Lines: []loyalty.Line{{SKU: "a", Qty: 1, Price: d("1.115")}, {SKU: "b", Qty: 1, Price: d("2.22")}}}, now)
	if err != nil || !r.Money.Equal(d("3.335")) {
		t.Fatal(err, r.Money)
	}
	var refunded []string
	for _, sku := range []string{"a", "b"} {
		var r loyalty.Result
		a, r, err = p.Refund(a, c, loyalty.Refund{ID: "r-" + sku, Order: "o", Lines: []loyalty.RefundLine{{SKU: sku, Qty: 1}}}, now)
		if err != nil {
			t.Fatal(err)
		}
		refunded = append(refunded, r.Money.String())
	}
	if refunded[0] != "1.11" || refunded[1] != "2.225" {
		t.Errorf("line refunds %v, want [1.11 2.225] (rounded down, then the rest of the money paid)", refunded)
	}
}

// Found by review: a replay accepted an order paid by a hold that was
// never captured (only a quote may count an open hold as paying).
func TestReplayRefusesOrderPaidByHold(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	now := at(3, 1)
	a, r0, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o0", Total: d("10000")}, now)
	if err != nil {
		t.Fatal(err)
	}
	now = at(3, 20)
	a, r1, err := p.Hold(a, c, loyalty.Hold{ID: "h", Points: d("100"), Until: now.Add(time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	q, err := p.Quote(a, c, loyalty.Order{ID: "o1", Total: d("1000"), Redemption: "h"}, now)
	if err != nil || !q.Money.Equal(d("900")) {
		t.Fatalf("quote paid by the open hold: %v, money %s", err, q.Money)
	}
	log := append(append(slices.Clone(r0.Entries), r1.Entries...), q.Entries...)
	if _, err := p.Replay(log); err == nil {
		t.Error("a replay accepted a purchase paid by an uncaptured hold")
	}
}

// Issue 10: the grace period runs from the instant the customer stopped
// qualifying — when the order that kept them in gold rolled out of the
// window, or the refund that took them below — and the review demotes
// from the deadline on, not a nanosecond before.
func TestGraceFromLapse(t *testing.T) {
	p := mustProgram(t, coffeeConfig()) // gold from 20,000 in 12 months, grace 30 days
	c := loyalty.Customer{ID: "c"}
	bought := time.Date(2025, 3, 10, 12, 0, 0, 0, alma)
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("25000")}, bought)
	if err != nil || a.Tier() != "gold" {
		t.Fatalf("%v %s", err, a.Tier())
	}
	a, _, err = p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("100")}, bought.AddDate(0, 6, 0)) // qualifies: grace restarts
	if err != nil {
		t.Fatal(err)
	}
	lapse := time.Date(2026, 3, 10, 12, 0, 0, 0, alma) // o1 rolls out of the 12-month window
	deadline := lapse.AddDate(0, 0, 30)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{{lapse.Add(-time.Nanosecond), "gold"}, {lapse, "gold"}, {deadline.Add(-time.Nanosecond), "gold"}, {deadline, "silver"}, {deadline.Add(time.Nanosecond), "silver"}} {
		got, _, err := p.ReviewTier(a, tc.at)
		if err != nil || got.Tier() != tc.want {
			t.Errorf("review at %s: %v, tier %s, want %s", tc.at, err, got.Tier(), tc.want)
		}
	}

	// A refund that takes the customer below gold starts the grace at the
	// refund (o2 promoted them, the refund is of o1: no promotion to undo).
	var log []loyalty.Entry
	step := func(acc loyalty.Account, r loyalty.Result, err error) loyalty.Account {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		log = append(log, r.Entries...)
		return acc
	}
	b := step(p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("15000")}, bought))
	b = step(p.Purchase(b, c, loyalty.Order{ID: "o2", Total: d("10000")}, bought.AddDate(0, 0, 1)))
	refunded := bought.AddDate(0, 0, 5)
	b = step(p.Refund(b, c, loyalty.Refund{ID: "r", Order: "o1", Amount: d("10000")}, refunded))
	if b.Tier() != "gold" {
		t.Fatalf("after the refund: tier %s, want gold until the review", b.Tier())
	}
	replayed, err := p.Replay(log)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := p.LoadSnapshot(b.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	deadline = refunded.AddDate(0, 0, 30)
	for name, acc := range map[string]loyalty.Account{"operated": b, "replayed": replayed, "loaded": loaded} {
		for at, want := range map[time.Time]string{deadline.Add(-time.Nanosecond): "gold", deadline: "silver"} {
			if got, _, err := p.ReviewTier(acc, at); err != nil || got.Tier() != want {
				t.Errorf("%s: review at %s after the refund: %v, tier %s, want %s", name, at, err, got.Tier(), want)
			}
		}
	}
}

// A tier a rule granted, which the window never qualified the customer
// for, is kept for the grace period from the promotion, then demoted; the
// rule grants it again at the next purchase where it holds.
func TestRuleGrantedTierGrace(t *testing.T) {
	cfg := coffeeConfig()
	cfg.Rules = append(cfg.Rules, rules.Rule{ID: "app-gold", Kind: rules.Tier, When: `order.Channel == "app"`, Value: `"gold"`})
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "c"}
	promoted := at(3, 1)
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("100"), Channel: "app"}, promoted)
	if err != nil || a.Tier() != "gold" {
		t.Fatalf("%v %s", err, a.Tier())
	}
	deadline := promoted.AddDate(0, 0, 30)
	if got, _, _ := p.ReviewTier(a, deadline.Add(-time.Nanosecond)); got.Tier() != "gold" {
		t.Errorf("before the deadline: %s", got.Tier())
	}
	demoted, _, err := p.ReviewTier(a, deadline)
	if err != nil || demoted.Tier() != "silver" {
		t.Fatalf("at the deadline: %v %s", err, demoted.Tier())
	}
	again, _, err := p.Purchase(demoted, c, loyalty.Order{ID: "o2", Total: d("100"), Channel: "app"}, deadline.Add(time.Hour))
	if err != nil || again.Tier() != "gold" {
		t.Errorf("the rule again: %v %s", err, again.Tier())
	}
}

// Found by the shop example: a host that sets a hold's deadline from its
// own clock got ErrConflict on a retry. Hold.For lasts from the instant
// the hold is first made, so a retry is the same hold; Account.Holds lists
// the holds.
func TestHoldFor(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a := funded(t, p)
	now := at(3, 20)
	h := loyalty.Hold{ID: "h", Order: "o1", Points: d("100"), For: 15 * time.Minute}
	a, r, err := p.Hold(a, c, h, now)
	if err != nil || !r.Entries[0].ExpiresAt.Equal(now.Add(15*time.Minute)) {
		t.Fatalf("%v %+v", err, r)
	}
	_, again, err := p.Hold(a, c, h, now.Add(time.Minute))
	if err != nil || !again.Duplicate {
		t.Errorf("a retry a minute later: %v, duplicate %v", err, again.Duplicate)
	}
	if _, _, err := p.Hold(a, c, loyalty.Hold{ID: "h", Order: "o1", Points: d("100"), For: 16 * time.Minute}, now); !errors.Is(err, loyalty.ErrConflict) {
		t.Errorf("another duration: %v", err)
	}
	for _, bad := range []loyalty.Hold{{ID: "x", Points: d("1"), For: time.Minute, Until: now.Add(time.Hour)}, {ID: "y", Points: d("1"), For: -time.Minute}} {
		if _, _, err := p.Hold(a, c, bad, now); !errors.Is(err, loyalty.ErrInvalidInput) {
			t.Errorf("hold %+v: %v", bad, err)
		}
	}
	hs := a.Holds(now.Add(15*time.Minute - time.Nanosecond))
	if len(hs) != 1 || hs[0].ID != "h" || !hs[0].Points.Equal(d("100")) || !hs[0].Holding || hs[0].State != "open" {
		t.Errorf("holds: %+v", hs)
	}
	if hs := a.Holds(now.Add(15 * time.Minute)); hs[0].Holding {
		t.Errorf("holding at its deadline: %+v", hs)
	}
}

// TestEarnedExplainsTheLedger: the result pairs each accrual rule's value
// with the points the ledger earned for it, and says why they differ (a
// discounted order earns on the money paid).
func TestEarnedExplainsTheLedger(t *testing.T) {
	cfg := coffeeConfig()
	cfg.Rules = append(cfg.Rules, rules.Rule{ID: "vip-5", Kind: rules.Discount, Unit: rules.Percent, When: "order.Total >= 2000", Value: "5"})
	p := mustProgram(t, cfg)
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	_, r, err := p.Purchase(loyalty.Account{}, loyalty.Customer{ID: "c"}, loyalty.Order{ID: "o1", Total: d("2400")}, now)
	if err != nil {
		t.Fatal(err)
	}
	// base: 2400 × 0.05 = 120 by the rule; the customer paid 2280 (5 % off), so 114.
	want := []loyalty.Earning{{RuleID: "base", Value: d("120"), Points: d("114"), Why: loyalty.EarnedOnPaid}}
	if diff := cmp.Diff(want, r.Earned, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Fatalf("Earned (-want +got):\n%s", diff)
	}
	_, r, err = p.Purchase(loyalty.Account{}, loyalty.Customer{ID: "c"}, loyalty.Order{ID: "o2", Total: d("1000")}, now)
	if err != nil || len(r.Earned) != 1 || r.Earned[0].Why != 0 || !r.Earned[0].Points.Equal(d("50")) {
		t.Fatalf("an undiscounted order: %+v %v", r.Earned, err)
	}
	// 1010 × 0.05 = 50.5 by the rule, rounded down to 50.
	_, r, err = p.Purchase(loyalty.Account{}, loyalty.Customer{ID: "c"}, loyalty.Order{ID: "o3", Total: d("1010")}, now)
	if err != nil || len(r.Earned) != 1 || r.Earned[0].Why != loyalty.Rounded || !r.Earned[0].Points.Equal(d("50")) {
		t.Fatalf("a rounded order: %+v %v", r.Earned, err)
	}
	r.Earned[0].Why = loyalty.EarnedOnPaid | loyalty.Rounded
	b, err := json.Marshal(r.Earned[0])
	var back loyalty.Earning
	if err != nil || json.Unmarshal(b, &back) != nil || back.Why != r.Earned[0].Why || !strings.Contains(string(b), `"earned_on_paid+rounded"`) {
		t.Fatalf("JSON %s: %v, read back %v", b, err, back.Why)
	}
}

// TestMonthFacts: customer.MonthOrders and MonthSpend count the calendar
// month in the programme's zone before the order: "the third purchase this
// month" is MonthOrders == 2; a month starts at midnight in the zone.
func TestMonthFacts(t *testing.T) {
	cfg := coffeeConfig() // Asia/Almaty, UTC+5
	cfg.Rules = append(cfg.Rules, rules.Rule{ID: "third", Kind: rules.Accrual, When: "customer.MonthOrders == 2", Value: "100"},
		rules.Rule{ID: "month-spend", Kind: rules.Accrual, When: "customer.MonthSpend >= 3000", Value: "7"})
	p := mustProgram(t, cfg)
	var a loyalty.Account
	c := loyalty.Customer{ID: "c"}
	for i, at := range []struct {
		when      time.Time
		third, ms bool
	}{
		{time.Date(2026, 3, 31, 18, 0, 0, 0, time.UTC), false, false}, // 23:00 on Mar 31 in Almaty
		{time.Date(2026, 3, 31, 19, 0, 0, 0, time.UTC), false, false}, // 00:00 on Apr 1 there: a new month
		{time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC), false, false},
		{time.Date(2026, 4, 3, 10, 0, 0, 0, time.UTC), true, false}, // the third in April
		{time.Date(2026, 4, 4, 10, 0, 0, 0, time.UTC), false, true}, // 3 × 1000 spent in April before it
	} {
		var r loyalty.Result
		var err error
		a, r, err = p.Purchase(a, c, loyalty.Order{ID: fmt.Sprint("o", i), Total: d("1000")}, at.when)
		if err != nil {
			t.Fatal(err)
		}
		applied := map[string]bool{}
		for _, st := range r.Trace {
			applied[st.RuleID] = st.Status == rules.StatusApplied
		}
		if applied["third"] != at.third || applied["month-spend"] != at.ms {
			t.Errorf("order %d at %v: third %v, month-spend %v; want %v, %v", i, at.when, applied["third"], applied["month-spend"], at.third, at.ms)
		}
	}
}

// TestMonthFactsInAGap: where October starts at 01:00 (the clocks jump at
// midnight), a purchase on 30 September is not October's.
func TestMonthFactsInAGap(t *testing.T) {
	cfg := coffeeConfig()
	cfg.TimeZone = "America/Asuncion"
	cfg.Rules = append(cfg.Rules, rules.Rule{ID: "first-this-month", Kind: rules.Accrual, When: "customer.MonthOrders == 0", Value: "100"})
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "c"}
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "sep", Total: d("1000")}, time.Date(2023, 10, 1, 3, 30, 0, 0, time.UTC)) // 23:30 −04 on 30 Sep
	if err != nil {
		t.Fatal(err)
	}
	_, r, err := p.Purchase(a, c, loyalty.Order{ID: "oct", Total: d("1000")}, time.Date(2023, 10, 1, 15, 0, 0, 0, time.UTC)) // 12:00 −03 on 1 Oct
	if err != nil || r.Trace[len(r.Trace)-1].RuleID != "first-this-month" || r.Trace[len(r.Trace)-1].Status != rules.StatusApplied {
		t.Fatalf("the first October purchase: %v %v", r.Trace, err)
	}
}
