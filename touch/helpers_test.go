package touch_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones these tests use, whatever the machine has

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/loyalkit/loyalkit/touch"
	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func zone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// berlin changes to summer time on Sunday 29 March 2026 (02:00 → 03:00)
// and back on Sunday 25 October 2026.
var berlin = zone("Europe/Berlin")

// noon is 12:00 in Berlin on the date.
func noon(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 12, 0, 0, 0, berlin) }

// midnight is 00:00 in Berlin on the date.
func midnight(y int, m time.Month, day int) time.Time {
	return time.Date(y, m, day, 0, 0, 0, 0, berlin)
}

// roomy are limits that never bind.
var roomy = touch.Limits{PerCustomer: 100, PeriodDays: 1, Daily: 1_000_000}

// whys plans one customer on asOf and returns the reasons found.
func whys(t *testing.T, cfg touch.Config, c touch.Customer, asOf time.Time) []touch.Why {
	t.Helper()
	if cfg.Limits == (touch.Limits{}) {
		cfg.Limits = roomy
	}
	if cfg.Location == nil && cfg.Program == nil {
		cfg.Location = berlin
	}
	p, err := touch.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := p.Plan(asOf, []touch.Customer{c}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Touches) == 0 {
		return nil
	}
	return plan.Touches[0].Why
}

// shop is a programme in Berlin: 5 % back in points, points expiring at
// the end of the month, silver (base) and gold (20,000 in 12 months, or
// 10 orders), 30 days' grace.
func shop(t testing.TB, expiry loyalty.Expiry) *loyalty.Program {
	t.Helper()
	p, err := loyalty.Compile(loyalty.Config{
		Name: "shop", Currency: "EUR", TimeZone: "Europe/Berlin", MoneyPlaces: 2,
		Rules:            []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "order.Total * 0.05"}},
		Tiers:            []loyalty.Tier{{Name: "silver"}, {Name: "gold", MinSpend: d("20000"), MinOrders: 10}},
		TierWindowMonths: 12, TierGraceDays: 30,
		Expiry:     expiry,
		Redemption: loyalty.RedemptionPolicy{PointValue: d("1")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// bought is an account after purchases of the given totals at the given
// instants.
func bought(t testing.TB, p *loyalty.Program, buys ...any) *loyalty.Account {
	t.Helper()
	var a loyalty.Account
	c := loyalty.Customer{ID: "c"}
	for i := 0; i < len(buys); i += 2 {
		var err error
		a, _, err = p.Purchase(a, c, loyalty.Order{ID: "o" + string(rune('a'+i/2)), Total: d(buys[i+1].(string))}, buys[i].(time.Time))
		if err != nil {
			t.Fatal(err)
		}
	}
	return &a
}
