package loyalty_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// TestNumbersTooLong: a number with more than 60 digits either side of
// the point (1e2147483647 is a few bytes, and exact arithmetic on it
// would build two billion digits) is refused as invalid input, naming the
// field and its size, the account unchanged — and quickly: unbounded, each
// of these would not end.
func TestNumbersTooLong(t *testing.T) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "ann"}
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("5000")}, at)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err = p.Hold(a, c, loyalty.Hold{ID: "h1", Points: d("10"), For: time.Hour}, at.Add(15*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	later := at.Add(15*24*time.Hour + time.Minute)
	for _, huge := range []decimal.Decimal{decimal.New(1, 2147483647), decimal.New(1, -2147483648), decimal.New(7, 61), decimal.New(7, -61)} {
		for _, tc := range []struct {
			name, field string
			op          func() (loyalty.Account, loyalty.Result, error)
		}{
			{"purchase total", "total", func() (loyalty.Account, loyalty.Result, error) {
				return p.Purchase(a, c, loyalty.Order{ID: "o2", Total: huge}, later)
			}},
			{"purchase line", "line 0 price", func() (loyalty.Account, loyalty.Result, error) {
				return p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("10"), Lines: []loyalty.Line{{SKU: "x", Qty: 1, Price: huge}}}, later)
			}},
			{"purchase grant", "grant of budget", func() (loyalty.Account, loyalty.Result, error) {
				return p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("10"), Grants: loyalty.Grants{"spring": huge}}, later)
			}},
			{"quote", "total", func() (loyalty.Account, loyalty.Result, error) {
				r, err := p.Quote(a, c, loyalty.Order{ID: "o2", Total: huge}, later)
				return a, r, err
			}},
			{"refund", "amount", func() (loyalty.Account, loyalty.Result, error) {
				return p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: huge}, later)
			}},
			{"redeem points", "points", func() (loyalty.Account, loyalty.Result, error) {
				return p.Redeem(a, c, loyalty.Redemption{ID: "x1", Points: huge}, later)
			}},
			{"redeem order total", "order total", func() (loyalty.Account, loyalty.Result, error) {
				return p.Redeem(a, c, loyalty.Redemption{ID: "x1", Points: d("5"), OrderTotal: huge}, later)
			}},
			{"hold", "points", func() (loyalty.Account, loyalty.Result, error) {
				return p.Hold(a, c, loyalty.Hold{ID: "h2", Points: huge, For: time.Hour}, later)
			}},
			{"capture", "points", func() (loyalty.Account, loyalty.Result, error) {
				return p.Capture(a, c, loyalty.Capture{ID: "h1", Points: huge}, later)
			}},
			{"event grant", "grant of budget", func() (loyalty.Account, loyalty.Result, error) {
				return p.Event(a, c, loyalty.Event{ID: "e1", Kind: "birthday", Grants: loyalty.Grants{"spring": huge}}, later)
			}},
		} {
			next, _, err := tc.op()
			if !errors.Is(err, loyalty.ErrInvalidInput) || !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), "at most 60 digits") {
				t.Errorf("%s of 1e%d: %v, want invalid input naming %q", tc.name, huge.Exponent(), err, tc.field)
			}
			if !next.Equal(a) {
				t.Errorf("%s of 1e%d changed the account", tc.name, huge.Exponent())
			}
		}
	}
	// The programme's own numbers too, at Compile.
	cfg := coffeeConfig()
	cfg.Tiers[1].MinSpend = decimal.New(1, 2147483647)
	if _, err := loyalty.Compile(cfg); err == nil || !strings.Contains(err.Error(), "Tiers[1].MinSpend") {
		t.Errorf("a tier's min spend of 1e2147483647: %v", err)
	}
	// 60 places is still a number.
	if _, _, err := p.Purchase(a, c, loyalty.Order{ID: "o3", Total: decimal.New(1, -60)}, later); err != nil {
		t.Errorf("a total of 1e-60: %v", err)
	}
}
