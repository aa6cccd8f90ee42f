package loyalty_test

import (
	"encoding/json"
	"errors"
	"slices"
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

// seedLedger is a small ledger with purchases, a refund by line,
// redemptions, a cancelled one and an expiry run.
func seedLedger(tb testing.TB) (*loyalty.Program, []loyalty.Entry) {
	p := mustProgram(tb, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	_, log := runOps(tb,
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d("12000"), Lines: []loyalty.Line{{SKU: "b", Category: "beans", Qty: 2, Price: d("5000")}}}, at(3, 1))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Lines: []loyalty.RefundLine{{SKU: "b", Qty: 1}}}, at(3, 5))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("3000")}, at(3, 6))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Redeem(a, c, loyalty.Redemption{ID: "x1", Points: d("100")}, at(4, 1))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Redeem(a, c, loyalty.Redemption{ID: "x2", Points: d("50")}, at(4, 2))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.CancelRedemption(a, c, "x2", at(4, 3))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return p.Expire(a, at(12, 31)) },
	)
	return p, log
}

// runOps runs ops in turn from a new account, failing on an error, and
// returns the last account and every entry written.
func runOps(tb testing.TB, ops ...func(loyalty.Account) (loyalty.Account, loyalty.Result, error)) (loyalty.Account, []loyalty.Entry) {
	tb.Helper()
	var a loyalty.Account
	var log []loyalty.Entry
	for _, op := range ops {
		acc, r, err := op(a)
		if err != nil {
			tb.Fatal(err)
		}
		a, log = acc, append(log, r.Entries...)
	}
	return a, log
}

// checkReplayed fails if a replayed account's lots, totals and balance do
// not agree with each other.
func checkReplayed(t *testing.T, acc loyalty.Account) {
	remaining := decimal.Zero
	for _, l := range acc.Lots() {
		if l.Remaining.IsNegative() || l.Remaining.GreaterThan(l.Earned) {
			t.Fatalf("lot %s: %s of %s left", l.ID, l.Remaining, l.Earned)
		}
		remaining = remaining.Add(l.Remaining)
	}
	tt := acc.Totals()
	if !tt.Earned.Equal(remaining.Add(tt.Redeemed).Add(tt.Expired).Add(tt.Reversed).Add(tt.Repaid)) {
		t.Fatalf("totals %+v do not add up to the lots' %s", tt, remaining)
	}
	bal := acc.Balance(at(6, 1))
	if !bal.Available.Add(bal.Held).Add(bal.Pending).Add(bal.Expiring).Equal(remaining) {
		t.Fatalf("balance %+v, lots %s", bal, remaining)
	}
	_ = acc.String()
	_ = acc.Expiring(at(1, 1), at(12, 31))
}

// FuzzReplay: a stored ledger read back from any JSON either fails to
// decode, or Replay refuses it with an error, or it gives an account whose
// lots, totals and balance agree with each other — never a panic.
func FuzzReplay(f *testing.F) {
	p, log := seedLedger(f)
	b, _ := json.Marshal(log)
	f.Add(string(b))
	f.Fuzz(func(t *testing.T, s string) {
		var entries []loyalty.Entry
		if json.Unmarshal([]byte(s), &entries) != nil {
			return
		}
		if acc, err := p.Replay(entries); err == nil {
			checkReplayed(t, acc)
		}
	})
}

// FuzzReplayCorrupted is the replay oracle: it changes one field of one
// entry of a valid ledger, or duplicates, removes or swaps entries (a
// corrupted or forged row), and Replay either refuses it with
// ErrCorruptLedger or gives the identical account (the change was no
// change) — or, when the log was only cut short, an account whose head is
// not the stored one.
func FuzzReplayCorrupted(f *testing.F) {
	p, log := seedLedger(f)
	want, err := p.Replay(log)
	if err != nil {
		f.Fatal(err)
	}
	for i := range log {
		f.Add(uint(i), uint8(i), int64(i)-3, "o1")
	}
	f.Fuzz(func(t *testing.T, idx uint, field uint8, n int64, str string) {
		entries := slices.Clone(log)
		i := int(idx % uint(len(entries)))
		e := &entries[i]
		switch field % 14 {
		case 0:
			e.Points = decimal.New(n, int32(field%5)-2)
		case 1:
			e.Kind = loyalty.EntryKind(n % 12)
		case 2:
			e.Lot = str
		case 3:
			e.Order = str
		case 4:
			e.Op = str
		case 5:
			e.ID = str
		case 6:
			e.Money = decimal.New(n, int32(field%5)-2)
		case 7:
			e.OpKind = loyalty.OpKind(n % 12)
		case 8:
			e.Tier = str
		case 9:
			e.Lines = []loyalty.Line{{SKU: str, Qty: int(n % 5), Price: decimal.New(n, 0)}}
		case 10:
			entries = slices.Insert(entries, i, *e)
		case 11:
			entries = slices.Delete(entries, i, i+1)
		case 12:
			j := int(uint64(n) % uint64(len(entries)))
			entries[i], entries[j] = entries[j], entries[i]
		case 13:
			e.Customer = str
		}
		acc, err := p.Replay(entries)
		switch {
		case err != nil && !errors.Is(err, loyalty.ErrCorruptLedger):
			t.Fatalf("refused without ErrCorruptLedger: %v", err)
		case err != nil:
		case len(entries) < len(log) && slices.EqualFunc(entries, log[:len(entries)], func(a, b loyalty.Entry) bool { return a.Hash == b.Hash }):
			if acc.Head() == want.Head() {
				t.Fatal("a shortened log has the stored head")
			}
		case !acc.Equal(want) || acc.Head() != want.Head():
			t.Fatalf("a changed log replayed to another account without an error:\n%s", acc)
		}
		if err == nil {
			checkReplayed(t, acc)
		}
	})
}

// TestConfigErrorsOnePerField: each field gets its own message, saying
// what the field is for (issue 19).
func TestConfigErrorsOnePerField(t *testing.T) {
	c := coffeeConfig()
	c.Name, c.Currency = "", ""
	c.Redemption = loyalty.RedemptionPolicy{PointValue: d("-1"), MaxShare: d("2"), MinBalance: d("-5")}
	err := c.Validate()
	want := map[string]string{
		"name": "names the programme", "currency": "bound to it",
		"redemption.point_value": "-1 is negative", "redemption.max_share": "2 is outside [0, 1]", "redemption.min_balance": "-5 is negative",
	}
	var fes []*loyalty.FieldError
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *loyalty.FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("%v is not a FieldError", e)
		}
		fes = append(fes, fe)
	}
	if len(fes) != len(want) {
		t.Fatalf("%d errors, want %d: %v", len(fes), len(want), err)
	}
	for _, fe := range fes {
		if !strings.Contains(fe.Message, want[fe.Field]) || want[fe.Field] == "" {
			t.Errorf("%s: %q, want it to contain %q", fe.Field, fe.Message, want[fe.Field])
		}
	}
}

// TestConfigEnumErrors: an unknown enum name in a programme file names the
// field, lists the valid values and suggests the nearest (issue 19).
func TestConfigEnumErrors(t *testing.T) {
	for _, c := range []struct{ name, json, want string }{
		{"expiry", `{"expiry": {"kind": "AfterMonths"}}`, `unknown expiry kind "AfterMonths" (valid: never, after_months, end_of_month, end_of_year); did you mean after_months?`},
		{"refund", `{"refund_of_spent": "writeoff"}`, `unknown refund policy "writeoff" (valid: record_debt, write_off); did you mean write_off?`},
		{"rounding", `{"rounding": "half-up"}`, `unknown rounding "half-up" (valid: down, half_up); did you mean half_up?`},
		{"rule kind", `{"rules": [{"id": "bday", "kind": "points", "value": "1"}]}`, `rule "bday": rules: unknown kind "points" (valid: accrual, discount, gift, tier)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var cfg loyalty.Config
			err := json.Unmarshal([]byte(c.json), &cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%s: %v, want %q", c.json, err, c.want)
			}
		})
	}
}
