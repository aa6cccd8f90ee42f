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

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// coffeeConfig is a small coffee shop: 5 points per 100, double on beans,
// a birthday bonus, two tiers, points expiring 12 months after earning,
// 14 days pending.
func coffeeConfig() loyalty.Config {
	return loyalty.Config{
		Name: "coffee", Currency: "KZT", MoneyPlaces: 2, TimeZone: "Asia/Almaty",
		Rules: []rules.Rule{
			{ID: "base", Kind: rules.Accrual, Value: "order.Total * 0.05"},
			{ID: "beans", Kind: rules.Accrual, When: `any(order.Lines, .Category == "beans")`,
				Value: `sum(filter(order.Lines, .Category == "beans"), .Price * .Qty) * 0.05`},
			{ID: "gold-5", Kind: rules.Discount, Unit: rules.Percent, When: `customer.Tier == "gold"`, Value: "5"},
			{ID: "birthday", Kind: rules.Accrual, On: []string{"birthday"}, Value: "200"},
			{ID: "cake", Kind: rules.Gift, On: []string{"birthday"}, Value: `"cake"`},
		},
		Tiers:            []loyalty.Tier{{Name: "silver"}, {Name: "gold", MinSpend: d("20000")}},
		TierWindowMonths: 12, TierGraceDays: 30,
		Expiry:      loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 12},
		PendingDays: 14,
		Redemption:  loyalty.RedemptionPolicy{PointValue: d("1"), MaxShare: d("0.5")},
	}
}

func mustProgram(t testing.TB, c loyalty.Config) *loyalty.Program {
	t.Helper()
	p, err := loyalty.Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var alma = func() *time.Location { l, _ := time.LoadLocation("Asia/Almaty"); return l }()

func at(m time.Month, day int) time.Time { return time.Date(2026, m, day, 10, 0, 0, 0, alma) }

func TestStory(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "aigerim"}
	var a loyalty.Account
	var log []loyalty.Entry
	step := func(acc loyalty.Account, r loyalty.Result, err error) loyalty.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		a = acc
		log = append(log, r.Entries...)
		return r
	}
	r := step(p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d("12000"), Lines: []loyalty.Line{
		{SKU: "latte", Category: "drinks", Qty: 2, Price: d("1000")},
		{SKU: "ethiopia", Category: "beans", Qty: 1, Price: d("10000")}}}, at(3, 1)))
	if !r.Points.Equal(d("1100")) || r.Tier != "silver" || !r.FirstPurchase {
		t.Errorf("first purchase: %+v", r)
	}
	if b := a.Balance(at(3, 2)); !b.Pending.Equal(d("1100")) || !b.Available.IsZero() {
		t.Errorf("pending balance = %+v", b)
	}
	r = step(p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("9000")}, at(3, 20)))
	if r.Tier != "gold" || !r.TierChanged {
		t.Errorf("second purchase should promote to gold: %+v", r)
	}
	// Gold gets 5 % off, and points are earned on what is paid: 8550 * 0.05.
	r = step(p.Purchase(a, c, loyalty.Order{ID: "o3", Total: d("1000")}, at(4, 1)))
	if !r.Discount.Equal(d("50")) || !r.Points.Equal(d("47")) {
		t.Errorf("gold purchase: discount %v points %v", r.Discount, r.Points)
	}
	// A partial refund of o1: half the money, half the points (550).
	r = step(p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: d("6000")}, at(4, 2)))
	if !r.Points.Equal(d("550")) {
		t.Errorf("refund clawed %v, want 550", r.Points)
	}
	// Redeem 400 of the available points (o1's remaining 550 and o2's 450 are available).
	r = step(p.Redeem(a, c, loyalty.Redemption{ID: "x1", Points: d("400")}, at(4, 10)))
	if !r.Points.Equal(d("400")) || !r.Discount.Equal(d("400")) {
		t.Errorf("redeem: %+v", r)
	}
	r = step(p.Event(a, c, loyalty.Event{ID: "birthday-2026", Kind: "birthday"}, at(5, 5)))
	if !r.Points.Equal(d("200")) || len(r.Gifts) != 1 {
		t.Errorf("birthday: %+v", r)
	}
	// A year later the lots earned in March expire, less what was spent.
	r = step(p.Expire(a, at(3, 25).AddDate(1, 0, 0)))
	if !r.Points.Equal(d("600")) {
		t.Errorf("expired %v, want 600 (1100 − 550 refunded − 400 spent + 450 of o2)", r.Points)
	}
	replayed, err := p.Replay(log)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a.String(), replayed.String()); diff != "" {
		t.Errorf("Replay differs from the account (-account +replay):\n%s", diff)
	}
	// A retry changes nothing and returns the same result.
	again, r2, err := p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("9000")}, at(6, 1))
	if err != nil || !r2.Duplicate || again.String() != a.String() {
		t.Errorf("retry: %+v %v", r2, err)
	}
	// The same id with another payload is a conflict.
	if _, _, err := p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("9001")}, at(6, 1)); !errors.Is(err, loyalty.ErrConflict) {
		t.Errorf("conflict: %v", err)
	}
}
