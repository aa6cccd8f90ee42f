package loyalty_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

var decEqual = cmp.Comparer(func(x, y decimal.Decimal) bool { return x.Equal(y) })

// funded is an account with 500 points available on 2026-03-20 (a
// purchase of 10,000 on 1 March, 14 pending days).
func funded(t *testing.T, p *loyalty.Program) loyalty.Account {
	t.Helper()
	a, _, err := p.Purchase(loyalty.Account{}, loyalty.Customer{ID: "c"}, loyalty.Order{ID: "o0", Total: d("10000")}, at(3, 1))
	if err != nil || !a.Balance(at(3, 20)).Available.Equal(d("500")) {
		t.Fatalf("funded: %v %+v", err, a.Balance(at(3, 20)))
	}
	return a
}

// A quote is the purchase's result with nothing recorded.
func TestQuote(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a := funded(t, p)
	before := a.String()
	o := loyalty.Order{ID: "o1", Total: d("3000"), Lines: []loyalty.Line{{SKU: "b", Category: "beans", Qty: 1, Price: d("3000")}}}
	q, err := p.Quote(a, c, o, at(3, 20))
	if err != nil || a.String() != before {
		t.Fatalf("Quote: %v, account changed %v", err, a.String() != before)
	}
	_, r, err := p.Purchase(a, c, o, at(3, 20))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, q, decEqual); diff != "" {
		t.Errorf("Quote(...) mismatch with Purchase (-purchase +quote):\n%s", diff)
	}
	if _, err := p.Quote(a, c, loyalty.Order{ID: "", Total: d("1")}, at(3, 20)); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("quote of an order without id: %v", err)
	}
}

// A hold reserves points until it is captured, released, or lapses.
func TestHold(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a := funded(t, p)
	now := at(3, 20)
	until := now.Add(15 * time.Minute)
	h := loyalty.Hold{ID: "h1", Order: "o1", Points: d("300"), OrderTotal: d("1000"), Until: until}
	held, r, err := p.Hold(a, c, h, now)
	if err != nil || !r.Discount.Equal(d("300")) {
		t.Fatalf("Hold: %v %+v", err, r)
	}
	for _, tc := range []struct {
		name               string
		at                 time.Time
		available, heldPts string
	}{
		{"while held", now, "200", "300"},
		{"a nanosecond before it lapses", until.Add(-1), "200", "300"},
		{"at the instant it lapses", until, "500", "0"},
		{"after", until.Add(1), "500", "0"},
	} {
		b := held.Balance(tc.at)
		if !b.Available.Equal(d(tc.available)) || !b.Held.Equal(d(tc.heldPts)) {
			t.Errorf("%s: balance %+v, want available %s held %s", tc.name, b, tc.available, tc.heldPts)
		}
	}
	// The held points are not available to another hold or a redemption.
	if _, _, err := p.Redeem(held, c, loyalty.Redemption{ID: "x", Points: d("201")}, now); !errors.Is(err, loyalty.ErrInsufficientPoints) {
		t.Errorf("redeeming held points: %v", err)
	}
	if _, _, err := p.Hold(held, c, loyalty.Hold{ID: "h2", Points: d("201"), Until: until}, now); !errors.Is(err, loyalty.ErrInsufficientPoints) {
		t.Errorf("holding held points: %v", err)
	}
	if _, _, err := p.Redeem(held, c, loyalty.Redemption{ID: "x", Points: d("300")}, until); err != nil {
		t.Errorf("redeeming after the hold lapsed: %v", err)
	}
	// Bad input leaves the account as it was.
	for _, tc := range []struct {
		name string
		op   func() (loyalty.Account, loyalty.Result, error)
		want error
	}{
		{"hold more than available", func() (loyalty.Account, loyalty.Result, error) {
			return p.Hold(a, c, loyalty.Hold{ID: "big", Points: d("501"), Until: until}, now)
		}, loyalty.ErrInsufficientPoints},
		{"hold until now", func() (loyalty.Account, loyalty.Result, error) {
			return p.Hold(a, c, loyalty.Hold{ID: "h", Points: d("1"), Until: now}, now)
		}, loyalty.ErrInvalidInput},
		{"hold over the maximum share", func() (loyalty.Account, loyalty.Result, error) {
			return p.Hold(a, c, loyalty.Hold{ID: "h", Points: d("300"), OrderTotal: d("500"), Until: until}, now)
		}, loyalty.ErrPolicy},
		{"capture an unknown hold", func() (loyalty.Account, loyalty.Result, error) {
			return p.Capture(held, c, loyalty.Capture{ID: "nope"}, now)
		}, loyalty.ErrUnknownHold},
		{"capture a lapsed hold", func() (loyalty.Account, loyalty.Result, error) {
			return p.Capture(held, c, loyalty.Capture{ID: "h1"}, until)
		}, loyalty.ErrHoldLapsed},
		{"capture more than held", func() (loyalty.Account, loyalty.Result, error) {
			return p.Capture(held, c, loyalty.Capture{ID: "h1", Points: d("301")}, now)
		}, loyalty.ErrInvalidInput},
		{"release an unknown hold", func() (loyalty.Account, loyalty.Result, error) {
			return p.Release(held, c, "nope", now)
		}, loyalty.ErrUnknownHold},
	} {
		before := held.String()
		if _, _, err := tc.op(); !errors.Is(err, tc.want) || held.String() != before {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}

	// Capture spends the points; a second capture is the first's result.
	captured, cr, err := p.Capture(held, c, loyalty.Capture{ID: "h1"}, now.Add(time.Minute))
	if err != nil || !cr.Points.Equal(d("300")) || !cr.Discount.Equal(d("300")) {
		t.Fatalf("Capture: %v %+v", err, cr)
	}
	if b := captured.Balance(now.Add(time.Minute)); !b.Available.Equal(d("200")) || !b.Held.IsZero() {
		t.Errorf("after the capture: %+v", b)
	}
	if _, again, err := p.Capture(captured, c, loyalty.Capture{ID: "h1"}, now.Add(2*time.Minute)); err != nil || !again.Duplicate {
		t.Errorf("second capture: %v %+v", err, again)
	}
	if _, _, err := p.Release(captured, c, "h1", now.Add(2*time.Minute)); !errors.Is(err, loyalty.ErrHoldResolved) {
		t.Errorf("releasing a captured hold: %v", err)
	}
	// Release gives the points back to the balance; it cannot be captured then.
	released, _, err := p.Release(held, c, "h1", now.Add(time.Minute))
	if err != nil || !released.Balance(now.Add(time.Minute)).Available.Equal(d("500")) {
		t.Fatalf("Release: %v %+v", err, released.Balance(now.Add(time.Minute)))
	}
	if _, _, err := p.Capture(released, c, loyalty.Capture{ID: "h1"}, now.Add(2*time.Minute)); !errors.Is(err, loyalty.ErrHoldResolved) {
		t.Errorf("capturing a released hold: %v", err)
	}
	// A partial capture spends what it names and releases the rest.
	part, pr, err := p.Capture(held, c, loyalty.Capture{ID: "h1", Points: d("100")}, now.Add(time.Minute))
	if err != nil || !pr.Points.Equal(d("100")) || !part.Balance(now.Add(time.Minute)).Available.Equal(d("400")) {
		t.Fatalf("partial capture: %v %+v %+v", err, pr, part.Balance(now.Add(time.Minute)))
	}
	// Every account above replays from its entries.
	for name, acc := range map[string]loyalty.Account{"captured": captured, "released": released, "partial": part} {
		checkReplay(t, p, name, acc)
	}
}

// checkReplay checks that the snapshot of acc loads back equal.
func checkReplay(t *testing.T, p *loyalty.Program, name string, acc loyalty.Account) {
	t.Helper()
	got, err := p.LoadSnapshot(acc.Snapshot())
	if err != nil || got.String() != acc.String() {
		t.Errorf("%s: snapshot round trip: %v", name, err)
	}
}

// The checkout: a quote, a hold, the capture at payment and the purchase
// it pays for; a return gives back the share of the points paid, and the
// gifts when the order is fully returned.
func TestCheckoutAndReturn(t *testing.T) {
	cfg := coffeeConfig()
	cfg.Rules = append(cfg.Rules, rules.Rule{ID: "mug", Kind: rules.Gift, When: "order.Total >= 1000", Value: `"mug"`})
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "c"}
	a := funded(t, p)
	now := at(3, 20)
	o := loyalty.Order{ID: "o1", Total: d("1000"), Redemption: "h1"}
	a, _, err := p.Hold(a, c, loyalty.Hold{ID: "h1", Order: "o1", Points: d("200"), OrderTotal: d("1000"), Until: now.Add(time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	q, err := p.Quote(a, c, o, now)
	if err != nil || !q.Money.Equal(d("800")) || !q.Points.Equal(d("40")) {
		t.Fatalf("quote with the hold: %v money %s points %s", err, q.Money, q.Points)
	}
	if _, _, err := p.Purchase(a, c, o, now); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("a purchase paid with an uncaptured hold: %v", err)
	}
	a, _, err = p.Capture(a, c, loyalty.Capture{ID: "h1"}, now)
	if err != nil {
		t.Fatal(err)
	}
	a, r, err := p.Purchase(a, c, o, now)
	// 1,000 of goods: 200 paid with points, 800 in money; 5 % of the goods
	// scaled by the money share: 50 × 800/1000 = 40 points.
	if err != nil || !r.Money.Equal(d("800")) || !r.Points.Equal(d("40")) || len(r.Gifts) != 1 {
		t.Fatalf("purchase: %v %+v", err, r)
	}
	if _, _, err := p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("1000"), Redemption: "h1"}, now); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("the same points paying twice: %v", err)
	}
	if _, _, err := p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("1000"), Redemption: "zz"}, now); !errors.Is(err, loyalty.ErrUnknownRedemption) {
		t.Errorf("an unknown redemption: %v", err)
	}
	// Refund a quarter of the money: a quarter of the points paid come back.
	a, r1, err := p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: d("200")}, at(3, 21))
	if err != nil || !r1.PointsBack.Equal(d("50")) || !r1.Points.Equal(d("10")) || len(r1.GiftsBack) != 0 {
		t.Fatalf("refund of a quarter: %v back %s taken %s gifts %v", err, r1.PointsBack, r1.Points, r1.GiftsBack)
	}
	a, r2, err := p.Refund(a, c, loyalty.Refund{ID: "r2", Order: "o1", Amount: d("600")}, at(3, 22))
	if err != nil || !r2.PointsBack.Equal(d("150")) || !r2.Points.Equal(d("30")) || len(r2.GiftsBack) != 1 || r2.GiftsBack[0] != "mug" {
		t.Fatalf("refund of the rest: %v back %s taken %s gifts %v", err, r2.PointsBack, r2.Points, r2.GiftsBack)
	}
	o1 := a.Orders()[1]
	if !o1.PointsBack.Equal(d("200")) || !o1.Refunded.Equal(o1.Paid) || !o1.Reversed.Equal(o1.Earned) {
		t.Errorf("order after the full return: %+v", o1)
	}
	if b := a.Balance(at(3, 22)); !b.Available.Equal(d("500")) {
		t.Errorf("balance after the full return: %+v, want the 500 it started with", b)
	}
	// Cancelling the redemption after the return gives back nothing more.
	a, cr, err := p.CancelRedemption(a, c, "h1", at(3, 23))
	if err != nil || !cr.Points.IsZero() {
		t.Errorf("cancel after a full return: %v %+v", err, cr)
	}
	checkReplay(t, p, "after the return", a)
}

// A refund by lines of a discounted order refunds the lines' share of the
// money paid, so that returning every line refunds exactly what was paid.
func TestRefundLinesOfDiscountedOrder(t *testing.T) {
	cfg := coffeeConfig()
	cfg.Rules = []rules.Rule{
		{ID: "base", Kind: rules.Accrual, Value: "order.Total * 0.1"},
		{ID: "third-off", Kind: rules.Discount, Unit: rules.Amount, Value: "100"},
	}
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "c"}
	o := loyalty.Order{ID: "o", Total: d("300"), Lines: []loyalty.Line{{SKU: "a", Qty: 3, Price: d("100")}}}
	a, r, err := p.Purchase(loyalty.Account{}, c, o, at(3, 1))
	if err != nil || !r.Money.Equal(d("200")) || !r.Points.Equal(d("20")) {
		t.Fatalf("purchase: %v %+v", err, r)
	}
	var total decimal.Decimal
	for i, want := range []string{"66.66", "66.67", "66.67"} { // 200 × 1/3, 2/3 − 1/3, 3/3 − 2/3, in cents
		var rr loyalty.Result
		a, rr, err = p.Refund(a, c, loyalty.Refund{ID: string(rune('a' + i)), Order: "o", Lines: []loyalty.RefundLine{{SKU: "a", Qty: 1}}}, at(3, 2))
		if err != nil || !rr.Money.Equal(d(want)) {
			t.Fatalf("refund %d: %v money %s, want %s", i, err, rr.Money, want)
		}
		total = total.Add(rr.Money)
	}
	if o := a.Orders()[0]; !total.Equal(d("200")) || !o.Reversed.Equal(o.Earned) {
		t.Errorf("after every line: refunded %s of 200, %+v", total, o)
	}
}

// Rules see the customer before the order being bought, and the order's
// place among the customer's orders.
func TestFactsBeforeTheOrder(t *testing.T) {
	cfg := coffeeConfig()
	cfg.Rules = []rules.Rule{
		{ID: "loyal", Kind: rules.Discount, Unit: rules.Percent, When: "customer.LifetimeSpend >= 1000", Value: "10"},
		{ID: "third", Kind: rules.Gift, When: "order.Number == 3 && customer.LifetimeOrders == 2", Value: `"thanks"`},
	}
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "c"}
	var a loyalty.Account
	for i, want := range []struct {
		discount string
		gifts    int
	}{{"0", 0}, {"100", 0}, {"100", 1}} {
		var r loyalty.Result
		var err error
		a, r, err = p.Purchase(a, c, loyalty.Order{ID: string(rune('a' + i)), Total: d("1000")}, at(3, 1+i))
		if err != nil || !r.Discount.Equal(d(want.discount)) || len(r.Gifts) != want.gifts {
			t.Errorf("order %d: %v discount %s gifts %v, want %s and %d gifts", i+1, err, r.Discount, r.Gifts, want.discount, want.gifts)
		}
	}
}

// A rule that fails at run time contributes nothing and is reported; a
// strict programme fails the operation with an error that unwraps to the
// rule's error.
func TestRuleFailureContained(t *testing.T) {
	cfg := coffeeConfig()
	cfg.Rules = []rules.Rule{
		{ID: "base", Kind: rules.Accrual, Value: "order.Total * 0.05"},
		{ID: "per-line", Kind: rules.Accrual, Value: "order.Total / len(order.Lines)"},
		{ID: "welcome", Kind: rules.Accrual, On: []string{"registration"}, Value: "100"},
	}
	p := mustProgram(t, cfg)
	c := loyalty.Customer{ID: "c"}
	a, r, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o", Total: d("1000")}, at(3, 1))
	if err != nil || !r.Points.Equal(d("50")) || len(r.RuleFailures) != 1 || r.RuleFailures[0].RuleID != "per-line" {
		t.Fatalf("contained: %v points %s failures %v", err, r.Points, r.RuleFailures)
	}
	if !errors.Is(r.RuleFailures[0], rules.ErrEval) || r.Trace[1].Status != rules.StatusFailed {
		t.Errorf("the failure: %v, step %v", r.RuleFailures[0], r.Trace[1])
	}
	// The purchase rule that fails does not run on an event.
	_, er, err := p.Event(a, c, loyalty.Event{ID: "reg", Kind: "registration"}, at(3, 1))
	if err != nil || !er.Points.Equal(d("100")) || len(er.RuleFailures) != 0 {
		t.Errorf("registration: %v points %s failures %v", err, er.Points, er.RuleFailures)
	}

	cfg.StrictRules = true
	strict := mustProgram(t, cfg)
	_, _, err = strict.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o", Total: d("1000")}, at(3, 1))
	var re *rules.RuleError
	if !errors.Is(err, loyalty.ErrRule) || !errors.Is(err, rules.ErrEval) || !errors.As(err, &re) || re.RuleID != "per-line" {
		t.Errorf("strict: %v", err)
	}
}

// A customer with no birthday on file gets no birthday bonus.
func TestUnknownBirthday(t *testing.T) {
	cfg := coffeeConfig()
	cfg.Rules = []rules.Rule{
		{ID: "base", Kind: rules.Accrual, Value: "100"},
		{ID: "birthday-week", Kind: rules.Accrual, When: "isBirthday(customer.Birthday, now, 7)", Value: "1000"},
		{ID: "not-birthday", Kind: rules.Accrual, When: "!isBirthday(customer.Birthday, now, 7)", Value: "1"},
	}
	p := mustProgram(t, cfg)
	dec28 := time.Date(2026, 12, 28, 10, 0, 0, 0, alma)
	for _, tc := range []struct {
		name     string
		birthday time.Time
		want     string
	}{
		{"no birthday on file", time.Time{}, "100"},
		{"born on 1 January", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), "1100"},
		{"born in June", time.Date(1990, 6, 1, 0, 0, 0, 0, time.UTC), "101"},
	} {
		_, r, err := p.Purchase(loyalty.Account{}, loyalty.Customer{ID: "c", Birthday: tc.birthday}, loyalty.Order{ID: "o", Total: d("10")}, dec28)
		if err != nil || !r.Points.Equal(d(tc.want)) || len(r.RuleFailures) != 0 {
			t.Errorf("%s: %v points %s, want %s (failures %v)", tc.name, err, r.Points, tc.want, r.RuleFailures)
		}
	}
}

// Config returns a copy: changing it does not change the programme.
func TestConfigIsACopy(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	cfg := p.Config()
	cfg.Tiers[1].Name = "changed"
	cfg.Rules[0].Value = "0"
	cfg.Rules[0].On = append(cfg.Rules[0].On, "x")
	again := p.Config()
	if again.Tiers[1].Name != "gold" || again.Rules[0].Value != "order.Total * 0.05" || len(again.Rules[0].On) != 0 {
		t.Errorf("the programme's configuration changed: %+v", again)
	}
}

// An instant outside years 1..9000 is refused (its entries could not be
// written as JSON), as is a zero programme's operation.
func TestInstantsOutOfRange(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	for _, now := range []time.Time{{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if _, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o", Total: d("1")}, now); !errors.Is(err, loyalty.ErrInvalidInput) {
			t.Errorf("purchase at %v: %v", now, err)
		}
	}
}

// Points a refund claws back while they are held cannot be captured: the
// capture fails rather than spending points the lots no longer have.
func TestCaptureAfterClawback(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a := funded(t, p)
	now := at(3, 20)
	a, _, err := p.Hold(a, c, loyalty.Hold{ID: "h", Points: d("300"), Until: now.Add(time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err = p.Refund(a, c, loyalty.Refund{ID: "r", Order: "o0", Amount: d("10000")}, now)
	if err != nil {
		t.Fatal(err)
	}
	before := a.String()
	if _, r, err := p.Capture(a, c, loyalty.Capture{ID: "h"}, now); !errors.Is(err, loyalty.ErrInsufficientPoints) || a.String() != before {
		t.Errorf("capture of clawed-back points: %v %+v", err, r)
	}
}

// Found by review (issue 10): a refund of a zero-money line, then a
// refund by amount, counted the order as refunded twice in the tier
// window; and a refund dated before its purchase was accepted.
func TestRefundsAndTheTierWindow(t *testing.T) {
	p := mustProgram(t, coffeeConfig()) // gold from 20,000 in 12 months
	c := loyalty.Customer{ID: "c"}
	o := loyalty.Order{ID: "o", Total: d("30000"), Lines: []loyalty.Line{{SKU: "sample", Qty: 1, Price: d("0")}, {SKU: "machine", Qty: 1, Price: d("30000")}}}
	a, _, err := p.Purchase(loyalty.Account{}, c, o, at(3, 1))
	if err != nil || a.Tier() != "gold" {
		t.Fatalf("purchase: %v, tier %s", err, a.Tier())
	}
	a, _, err = p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o", Lines: []loyalty.RefundLine{{SKU: "sample", Qty: 1}}}, at(3, 2))
	if err != nil {
		t.Fatal(err)
	}
	a, _, err = p.Refund(a, c, loyalty.Refund{ID: "r2", Order: "o", Amount: d("6000")}, at(3, 3))
	if err != nil || a.Tier() != "gold" {
		t.Errorf("after refunds leaving 24,000 in the window: %v, tier %s", err, a.Tier())
	}
	if _, _, err := p.Refund(a, c, loyalty.Refund{ID: "r3", Order: "o", Amount: d("1")}, at(3, 1).Add(-time.Minute)); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("a refund dated before its purchase: %v", err)
	}
}

// A retry returns the original result: FirstPurchase and the tier as they
// were, though the account has moved on since.
func TestRetryReturnsTheOriginal(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	first := loyalty.Order{ID: "o1", Total: d("100")}
	a, r1, err := p.Purchase(loyalty.Account{}, c, first, at(3, 1))
	if err != nil || !r1.FirstPurchase || r1.Tier != "silver" {
		t.Fatalf("first purchase: %v %+v", err, r1)
	}
	a, _, err = p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("25000")}, at(3, 2)) // gold now
	if err != nil || a.Tier() != "gold" {
		t.Fatalf("second purchase: %v, tier %s", err, a.Tier())
	}
	_, again, err := p.Purchase(a, c, first, at(3, 3))
	if err != nil || !again.Duplicate || !again.FirstPurchase || again.Tier != "silver" || !again.TierChanged {
		t.Errorf("retry of the first purchase: %v %+v", err, again)
	}
}

// A zero Program refuses operations instead of panicking.
func TestZeroProgram(t *testing.T) {
	c := loyalty.Customer{ID: "c"}
	now := at(3, 1)
	for name, p := range map[string]*loyalty.Program{"nil": nil, "zero": new(loyalty.Program)} {
		a := loyalty.Account{}
		ops := map[string]func() error{
			"Purchase": func() error {
				_, _, err := p.Purchase(a, c, loyalty.Order{ID: "o", Total: d("1"), Currency: "EUR"}, now)
				return err
			},
			"Quote": func() error {
				_, err := p.Quote(a, c, loyalty.Order{ID: "o", Total: d("1"), Currency: "EUR"}, now)
				return err
			},
			"Refund": func() error {
				_, _, err := p.Refund(a, c, loyalty.Refund{ID: "r", Order: "o", Amount: d("1")}, now)
				return err
			},
			"Redeem": func() error {
				_, _, err := p.Redeem(a, c, loyalty.Redemption{ID: "r", Points: d("1"), Currency: "EUR"}, now)
				return err
			},
			"CancelRedemption": func() error { _, _, err := p.CancelRedemption(a, c, "r", now); return err },
			"Hold": func() error {
				_, _, err := p.Hold(a, c, loyalty.Hold{ID: "h", Order: "o", Points: d("1"), Until: now.Add(time.Hour)}, now)
				return err
			},
			"Capture": func() error { _, _, err := p.Capture(a, c, loyalty.Capture{ID: "h"}, now); return err },
			"Release": func() error { _, _, err := p.Release(a, c, "h", now); return err },
			"Event": func() error {
				_, _, err := p.Event(a, c, loyalty.Event{ID: "e", Kind: "registration"}, now)
				return err
			},
			"Expire":       func() error { _, _, err := p.Expire(a, now); return err },
			"ReviewTier":   func() error { _, _, err := p.ReviewTier(a, now); return err },
			"Replay":       func() error { _, err := p.Replay(nil); return err },
			"Resume":       func() error { _, err := p.Resume(a, nil); return err },
			"LoadSnapshot": func() error { _, err := p.LoadSnapshot(a.Snapshot()); return err },
		}
		for op, f := range ops {
			if err := f(); !errors.Is(err, loyalty.ErrInvalidInput) {
				t.Errorf("%s on a %s Program: %v, want ErrInvalidInput", op, name, err)
			}
		}
		if cfg := p.Config(); cfg.Currency != "" || len(cfg.Rules) != 0 {
			t.Errorf("Config of a %s Program: %+v", name, cfg)
		}
		if p.Location() != time.UTC {
			t.Errorf("Location of a %s Program: %v", name, p.Location())
		}
	}
}

// Found by review: a cancelled redemption could still pay for an order,
// and an event of kind "purchase" ran the purchase rules.
func TestCancelledRedemptionDoesNotPay(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a := funded(t, p)
	now := at(3, 20)
	a, _, _ = p.Redeem(a, c, loyalty.Redemption{ID: "r1", Points: d("500")}, now)
	a, _, _ = p.CancelRedemption(a, c, "r1", now)
	if _, _, err := p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d("1000"), Redemption: "r1"}, now); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("a cancelled redemption paying: %v", err)
	}
	if _, _, err := p.Event(a, c, loyalty.Event{ID: "e", Kind: "purchase"}, now); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("an event of kind purchase: %v", err)
	}
}
