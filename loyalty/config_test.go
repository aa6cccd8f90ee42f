package loyalty_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

func TestConfigJSONRoundTrip(t *testing.T) {
	c := coffeeConfig()
	c.RefundOfSpent = loyalty.WriteOff
	c.Rounding = loyalty.HalfUp
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back loyalty.Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, back); diff != "" {
		t.Errorf("Config JSON round trip mismatch (-want +got):\n%s\n%s", diff, b)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*loyalty.Config)
		want   string
	}{
		{"no zone", func(c *loyalty.Config) { c.TimeZone = "" }, "time_zone is required"},
		{"bad zone", func(c *loyalty.Config) { c.TimeZone = "Mars/Olympus" }, "not a known zone"},
		{"points places", func(c *loyalty.Config) { c.PointsPlaces = 12 }, "points_places 12"},
		{"duplicate tier", func(c *loyalty.Config) { c.Tiers = append(c.Tiers, loyalty.Tier{Name: "gold", MinOrders: 3}) }, `"gold" is a duplicate`},
		{"tier without threshold", func(c *loyalty.Config) { c.Tiers[1].MinSpend = decimal.Zero }, "has no threshold"},
		{"no window", func(c *loyalty.Config) { c.TierWindowMonths = 0 }, "tier_window_months"},
		{"expiry months", func(c *loyalty.Config) { c.Expiry.Months = 0 }, "expiry.months"},
		{"max share", func(c *loyalty.Config) { c.Redemption.MaxShare = decimal.NewFromInt(2) }, "max_share"},
		{"bad rule", func(c *loyalty.Config) { c.Rules[0].Value = "order.Totl * 2" }, `rule "base" value 1:7`},
	}
	for _, tc := range tests {
		c := coffeeConfig()
		tc.change(&c)
		_, err := loyalty.Compile(c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Compile error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestRefusals(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("1000")}, at(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		op   func() (loyalty.Account, loyalty.Result, error)
		want error
	}{
		{"negative total", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("-1")}, at(3, 2))
		}, loyalty.ErrInvalidInput},
		{"unknown order", func() (loyalty.Account, loyalty.Result, error) {
			return p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "nope", Amount: d("1")}, at(3, 2))
		}, loyalty.ErrUnknownOrder},
		{"refund larger than the order", func() (loyalty.Account, loyalty.Result, error) {
			return p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: d("1000.01")}, at(3, 2))
		}, loyalty.ErrRefundTooLarge},
		{"zero refund", func() (loyalty.Account, loyalty.Result, error) {
			return p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: d("0")}, at(3, 2))
		}, loyalty.ErrInvalidInput},
		{"pending points", func() (loyalty.Account, loyalty.Result, error) {
			return p.Redeem(a, c, loyalty.Redemption{ID: "x", Points: d("10")}, at(3, 2))
		}, loyalty.ErrInsufficientPoints},
		{"fractional points", func() (loyalty.Account, loyalty.Result, error) {
			return p.Redeem(a, c, loyalty.Redemption{ID: "x", Points: d("0.5")}, at(3, 20))
		}, loyalty.ErrInvalidInput},
		{"over the max share", func() (loyalty.Account, loyalty.Result, error) {
			return p.Redeem(a, c, loyalty.Redemption{ID: "x", Points: d("50"), OrderTotal: d("60")}, at(3, 20))
		}, loyalty.ErrPolicy},
		{"zero time", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o3", Total: d("1")}, time.Time{})
		}, loyalty.ErrInvalidInput},
	}
	before := a.String()
	for _, tc := range tests {
		got, _, err := tc.op()
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
		if got.String() != before || a.String() != before {
			t.Errorf("%s: the account changed", tc.name)
		}
	}
	// A tier rule asking for a tier the programme lacks is refused.
	cfg := coffeeConfig()
	cfg.Rules = append(cfg.Rules, rules.Rule{ID: "typo-tier", Kind: rules.Tier, Value: `"platinum"`})
	p2 := mustProgram(t, cfg)
	if _, _, err := p2.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("10")}, at(3, 1)); !errors.Is(err, loyalty.ErrUnknownTier) {
		t.Errorf("unknown tier: %v", err)
	}
}

// FuzzConfig: any JSON either fails to decode or compile with an error, or
// gives a programme that runs a purchase without panicking.
func FuzzConfig(f *testing.F) {
	b, _ := json.Marshal(coffeeConfig())
	f.Add(string(b))
	f.Add(`{"name":"x","currency":"X","time_zone":"UTC","rules":[{"id":"a","kind":"accrual","value":"order.Total"}]}`)
	f.Add(`{"name":"x","currency":"X","time_zone":"UTC","expiry":{"kind":"after_months","months":1}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var c loyalty.Config
		if json.Unmarshal([]byte(s), &c) != nil {
			return
		}
		p, err := loyalty.Compile(c)
		if err != nil {
			return
		}
		a, r, err := p.Purchase(loyalty.Account{}, loyalty.Customer{ID: "c"}, loyalty.Order{ID: "o", Total: d("100")}, at(3, 1))
		if err != nil {
			return
		}
		replayed, err := p.Replay(r.Entries)
		if err != nil || replayed.String() != a.String() {
			t.Fatalf("replay of a purchase: %v", err)
		}
	})
}
