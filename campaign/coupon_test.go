package campaign_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/campaign"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

var (
	march1 = time.Date(2026, 3, 1, 0, 0, 0, 0, berlin)
	april1 = time.Date(2026, 4, 1, 0, 0, 0, 0, berlin)
)

func springConfig() campaign.CouponConfig {
	return campaign.CouponConfig{
		Campaign: "spring", Format: campaign.CodeFormat{Prefix: "SPR", Length: 8},
		ValidFrom: march1, ValidUntil: april1, UsesPerCode: 1, PerCustomer: 2,
		Batches: []campaign.Batch{
			{ID: "flyers", Seed: []byte("flyers-seed-0123456789"), Count: 20},
			{ID: "vip", Seed: []byte("vip-seed-0123456789abc"), Customers: []string{"ann", "bob"}},
		},
		Codes: []campaign.FixedCode{{Code: "welcome-10", Uses: 3}, {Code: "EARLY", ValidUntil: march1.AddDate(0, 0, 7)}},
	}
}

func compileCoupons(t testing.TB, cfg campaign.CouponConfig) *campaign.Coupons {
	t.Helper()
	c, err := campaign.CompileCoupons(cfg)
	if err != nil {
		t.Fatalf("CompileCoupons: %v", err)
	}
	return c
}

func use(t testing.TB, b campaign.CouponBook, order, code, customer string, now time.Time) campaign.CouponBook {
	t.Helper()
	nb, _, err := b.Use(campaign.CouponUse{Order: order, Code: code, Customer: customer}, now)
	if err != nil {
		t.Fatalf("Use(%s, %s, %s): %v", order, code, customer, err)
	}
	return nb
}

func TestCouponCheck(t *testing.T) {
	c := compileCoupons(t, springConfig())
	flyers, vip := c.Codes("flyers"), c.Codes("vip")
	mid := march1.AddDate(0, 0, 10)
	b := c.Book()
	b = use(t, b, "o1", flyers[0], "cat", mid)
	b = use(t, b, "o2", "WELCOME10", "dan", mid)
	b = use(t, b, "o3", "WELCOME10", "dan", mid) // dan: 2 of 2
	other, _ := campaign.GenerateCodes(campaign.CodeFormat{Prefix: "SUM", Length: 8}, []byte("summer-seed-0123456789"), 1, nil)
	tests := []struct {
		name, reason, code, customer string
		at                           time.Time
		want                         campaign.Reason
		left                         int
	}{
		{"fresh bearer code", "anyone may use it once", flyers[1], "eve", mid, campaign.NoReason, 1},
		{"typed loosely", "case, spaces and dashes do not matter", strings.ToLower(flyers[1][:4]) + " " + flyers[1][4:], "eve", mid, campaign.NoReason, 1},
		{"without prefix", "the prefix may be left out", flyers[1][3:], "eve", mid, campaign.NoReason, 1},
		{"used single-use code", "single-use", flyers[0], "eve", mid, campaign.UsedUp, 0},
		{"multi-use code", "3 uses, 2 taken", "welcome 10", "eve", mid, campaign.NoReason, 1},
		{"customer limit", "dan used 2 codes of the campaign", "welcome10", "dan", mid, campaign.CustomerLimit, 0},
		{"personal code, owner", "ann's code", vip[0], "ann", mid, campaign.NoReason, 1},
		{"personal code, other", "ann's code is not bob's", vip[0], "bob", mid, campaign.WrongCustomer, 0},
		{"before", "the campaign starts on March 1 in Berlin", flyers[1], "eve", march1.Add(-time.Nanosecond), campaign.NotYetValid, 0},
		{"at the end", "ValidUntil is exclusive", flyers[1], "eve", april1, campaign.Expired, 0},
		{"fixed code's own window", "EARLY ends after a week", "early", "eve", mid, campaign.Expired, 0},
		{"unknown", "well-formed but never issued", unissued(t, c, flyers), "eve", mid, campaign.UnknownCode, 0},
		{"typo", "one wrong character", "SPR" + replaceAt(flyers[1][3:], 2), "eve", mid, campaign.BadCheck, 0},
		{"another campaign", "a summer code at spring's till", other[0], "eve", mid, campaign.OtherCampaign, 0},
		{"mistyped fixed code", "could be a fixed code", "WELCOME11", "eve", mid, campaign.UnknownCode, 0},
		{"garbage", "not a code", "hello?", "eve", mid, campaign.Malformed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := b.Check(tt.code, tt.customer, tt.at)
			if v.Reason != tt.want || v.Left != tt.left {
				t.Fatalf("Check(%q, %q) = %+v, want %v with %d left (%s)", tt.code, tt.customer, v, tt.want, tt.left, tt.reason)
			}
			// Use refuses exactly what Check refuses, with the same reason,
			// and records nothing.
			nb, _, err := b.Use(campaign.CouponUse{Order: "try", Code: tt.code, Customer: tt.customer}, tt.at)
			if tt.want == campaign.NoReason {
				if err != nil {
					t.Fatalf("Use: %v", err)
				}
				return
			}
			if !errors.Is(err, campaign.ErrRefused) || campaign.ReasonOf(err) != tt.want {
				t.Fatalf("Use = %v, want a refusal %v", err, tt.want)
			}
			if !nb.Equal(b) {
				t.Fatal("a refused use changed the book")
			}
		})
	}
}

// unissued is a well-formed code of c's format that c did not issue.
func unissued(t testing.TB, c *campaign.Coupons, issued []string) string {
	more, err := campaign.GenerateCodes(c.Config().Format, []byte("another-seed-0123456789"), 1, issued)
	if err != nil {
		t.Fatal(err)
	}
	return more[0]
}

func TestCouponConfigValidate(t *testing.T) {
	tests := []struct {
		name, reason, field string
		edit                func(*campaign.CouponConfig)
	}{
		{"no campaign", "it names the ledger", "campaign", func(c *campaign.CouponConfig) { c.Campaign = "" }},
		{"zero uses", "a code that cannot be used", "uses_per_code", func(c *campaign.CouponConfig) { c.UsesPerCode = 0 }},
		{"negative per customer", "limits are not negative", "per_customer", func(c *campaign.CouponConfig) { c.PerCustomer = -1 }},
		{"window backwards", "until after from", "valid_until", func(c *campaign.CouponConfig) { c.ValidUntil = c.ValidFrom }},
		{"no codes", "a campaign needs codes", "batches", func(c *campaign.CouponConfig) { c.Batches, c.Codes = nil, nil }},
		{"same seed", "two batches would be the same codes", "seed", func(c *campaign.CouponConfig) { c.Batches[1].Seed = c.Batches[0].Seed }},
		{"duplicate batch id", "ids name batches", "duplicate", func(c *campaign.CouponConfig) { c.Batches[1].ID = "flyers" }},
		{"zero count", "a batch issues codes", "count", func(c *campaign.CouponConfig) { c.Batches[0].Count = 0 }},
		{"short seed", "seeds are secrets", "seed", func(c *campaign.CouponConfig) { c.Batches[0].Seed = []byte("x") }},
		{"guessable", "too many codes for the length", "unguessable", func(c *campaign.CouponConfig) {
			c.Format.Length = 4
			c.Batches[0].Count = 1000
		}},
		{"fixed code twice", "normalised, they are one code", "codes", func(c *campaign.CouponConfig) { c.Codes[1].Code = "WELCOME10" }},
		{"fixed code characters", "capitals and digits", "codes", func(c *campaign.CouponConfig) { c.Codes[0].Code = "€10" }},
		{"fixed code negative uses", "limits are not negative", "codes", func(c *campaign.CouponConfig) { c.Codes[0].Uses = -2 }},
		{"bad prefix", "capitals and digits", "prefix", func(c *campaign.CouponConfig) { c.Format.Prefix = "spr" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := springConfig()
			tt.edit(&cfg)
			_, err := campaign.CompileCoupons(cfg)
			if !errors.Is(err, campaign.ErrInvalidInput) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("CompileCoupons = %v, want an error about %q (%s)", err, tt.field, tt.reason)
			}
		})
	}
}

func TestCouponUseCancelRefund(t *testing.T) {
	c := compileCoupons(t, springConfig())
	code := c.Codes("flyers")[3]
	now := march1.AddDate(0, 0, 3)
	b := c.Book()
	u := campaign.CouponUse{Order: "o1", Code: code, Customer: "eve", Total: dec("40.00")}
	b1, r, err := b.Use(u, now)
	if err != nil {
		t.Fatal(err)
	}
	want := campaign.UseResult{Op: "use:o1", Order: "o1", Code: code, Customer: "eve", Refunded: decimal.Zero}
	r.Entries = nil
	if diff := cmp.Diff(want, r, decEq); diff != "" {
		t.Fatalf("Use mismatch (-want +got):\n%s", diff)
	}
	// A retry typed differently is the same use.
	u2 := u
	u2.Code, u2.Total = strings.ToLower(code), dec("40")
	b2, r2, err := b1.Use(u2, now.Add(time.Minute))
	if err != nil || !r2.Duplicate || !b2.Equal(b1) {
		t.Fatalf("retry: %+v, %v", r2, err)
	}
	// The same order with another code is a conflict; another order is
	// refused: the code is used up.
	if _, _, err := b1.Use(campaign.CouponUse{Order: "o1", Code: "WELCOME10", Customer: "eve"}, now); !errors.Is(err, campaign.ErrConflict) {
		t.Fatalf("order reused: %v", err)
	}
	if _, _, err := b1.Use(campaign.CouponUse{Order: "o2", Code: code, Customer: "fay"}, now); campaign.ReasonOf(err) != campaign.UsedUp {
		t.Fatalf("second use: %v", err)
	}
	// A partial refund keeps the use; the rest undoes it.
	b3, r3, err := b1.Refund(campaign.OrderRefund{ID: "rf1", Order: "o1", Amount: dec("15")}, now)
	if err != nil || r3.Undone || b3.Uses(code) != 1 {
		t.Fatalf("partial refund: %+v, %v, uses %d", r3, err, b3.Uses(code))
	}
	if _, _, err := b3.Refund(campaign.OrderRefund{ID: "rf2", Order: "o1", Amount: dec("25.01")}, now); !errors.Is(err, campaign.ErrTooLarge) {
		t.Fatalf("refund over the total: %v", err)
	}
	b4, r4, err := b3.Refund(campaign.OrderRefund{ID: "rf2", Order: "o1", Amount: dec("25")}, now)
	if err != nil || !r4.Undone || b4.Uses(code) != 0 || b4.CustomerUses("eve") != 0 || len(r4.Entries) != 2 {
		t.Fatalf("full refund: %+v, %v, uses %d", r4, err, b4.Uses(code))
	}
	if _, _, err := b4.Refund(campaign.OrderRefund{ID: "rf2", Order: "o1", Amount: dec("24")}, now); !errors.Is(err, campaign.ErrConflict) {
		t.Fatalf("refund id reused: %v", err)
	}
	// The code is free again for another order.
	if _, _, err := b4.Use(campaign.CouponUse{Order: "o2", Code: code, Customer: "fay"}, now); err != nil {
		t.Fatalf("use after the full refund: %v", err)
	}
	// Cancelling: once, idempotent; unknown orders refused.
	b5, r5, err := b1.Cancel("o1", now)
	if err != nil || !r5.Undone || b5.Uses(code) != 0 {
		t.Fatalf("cancel: %+v, %v", r5, err)
	}
	b6, r6, err := b5.Cancel("o1", now)
	if err != nil || !r6.Duplicate || !b6.Equal(b5) {
		t.Fatalf("second cancel: %+v, %v", r6, err)
	}
	if _, _, err := b5.Cancel("nope", now); !errors.Is(err, campaign.ErrUnknown) {
		t.Fatalf("cancel unknown: %v", err)
	}
	// Bad input records nothing.
	for _, bad := range []campaign.CouponUse{
		{Order: "", Code: code, Customer: "eve"},
		{Order: "o9", Code: code, Customer: ""},
		{Order: "o9", Code: code, Customer: "eve", Total: dec("-1")},
	} {
		if nb, _, err := b1.Use(bad, now); !errors.Is(err, campaign.ErrInvalidInput) || !nb.Equal(b1) {
			t.Fatalf("Use(%+v) = %v, want ErrInvalidInput and no change", bad, err)
		}
	}
	if _, _, err := b1.Refund(campaign.OrderRefund{ID: "x", Order: "o1", Amount: decimal.Zero}, now); !errors.Is(err, campaign.ErrInvalidInput) {
		t.Fatalf("zero refund: %v", err)
	}
	// Replay of every entry gives the book back.
	var all []campaign.Entry
	for _, es := range [][]campaign.Entry{r.Entries, r3.Entries, r4.Entries} {
		all = append(all, es...)
	}
	_, r1, _ := b.Use(u, now)
	all = append(r1.Entries, all...)
	got, err := c.Replay(all)
	if err != nil || !got.Equal(b4) {
		t.Fatalf("Replay: %v, equal %v\n%s\n%s", err, got.Equal(b4), got, b4)
	}
}

// The coupon state machine: random uses (some retried, some of the same
// order with another code), cancellations and refunds, against a model
// that counts active uses. No code is ever used more than its limit, no
// customer more than theirs, and the book is the fold of its entries.
func checkCouponLimits(t *rapid.T) {
	perCode := rapid.IntRange(1, 3).Draw(t, "uses")
	perCustomer := rapid.IntRange(0, 3).Draw(t, "perCustomer")
	cfg := campaign.CouponConfig{Campaign: "c", Format: campaign.CodeFormat{Length: 6}, UsesPerCode: perCode, PerCustomer: perCustomer,
		Batches: []campaign.Batch{{ID: "b", Seed: []byte("state-machine-seed-01"), Count: 4}},
		Codes:   []campaign.FixedCode{{Code: "MULTI", Uses: perCode + 2}}}
	c, err := campaign.CompileCoupons(cfg)
	if err != nil {
		t.Fatal(err)
	}
	codes := append(c.Codes("b"), "MULTI")
	limit := map[string]int{"MULTI": perCode + 2}
	for _, x := range codes[:4] {
		limit[x] = perCode
	}
	customers := []string{"a", "b", "c"}
	b := c.Book()
	var entries []campaign.Entry
	type use struct {
		code, customer string
		total          decimal.Decimal
		refunded       decimal.Decimal
		undone         bool
	}
	uses := map[string]*use{} // order → use
	var orders []string
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	t.Repeat(map[string]func(*rapid.T){
		"use": func(t *rapid.T) {
			order := fmt.Sprintf("o%d", rapid.IntRange(0, 12).Draw(t, "order"))
			code := rapid.SampledFrom(codes).Draw(t, "code")
			cust := rapid.SampledFrom(customers).Draw(t, "customer")
			total := decimal.NewFromInt(int64(rapid.IntRange(0, 3).Draw(t, "total") * 10))
			if u, ok := uses[order]; ok && rapid.Bool().Draw(t, "retry") {
				code, cust, total = u.code, u.customer, u.total
			}
			nb, r, err := b.Use(campaign.CouponUse{Order: order, Code: code, Customer: cust, Total: total}, now)
			if u, ok := uses[order]; ok {
				same := u.code == code && u.customer == cust && u.total.Equal(total)
				if same != (err == nil && r.Duplicate) || !same && !errors.Is(err, campaign.ErrConflict) {
					t.Fatalf("order %s again: %+v, %v", order, r, err)
				}
				return
			}
			active, mine := 0, 0
			for _, u := range uses {
				if !u.undone && u.code == code {
					active++
				}
				if !u.undone && u.customer == cust {
					mine++
				}
			}
			switch {
			case active >= limit[code]:
				if campaign.ReasonOf(err) != campaign.UsedUp {
					t.Fatalf("code %s used %d of %d: %v", code, active, limit[code], err)
				}
			case perCustomer > 0 && mine >= perCustomer:
				if campaign.ReasonOf(err) != campaign.CustomerLimit {
					t.Fatalf("customer %s used %d of %d: %v", cust, mine, perCustomer, err)
				}
			case err != nil:
				t.Fatal(err)
			default:
				b, entries = nb, append(entries, r.Entries...)
				uses[order] = &use{code: code, customer: cust, total: total}
				orders = append(orders, order)
			}
		},
		"cancel": func(t *rapid.T) {
			if len(orders) == 0 {
				return // not applicable now: a no-op (a skip here can leave a fuzzed run with no action to take)
			}
			order := rapid.SampledFrom(orders).Draw(t, "order")
			nb, r, err := b.Cancel(order, now)
			if err != nil || !r.Undone {
				t.Fatalf("cancel %s: %+v, %v", order, r, err)
			}
			b, entries = nb, append(entries, r.Entries...)
			uses[order].undone = true
		},
		"refund": func(t *rapid.T) {
			if len(orders) == 0 {
				return // not applicable now: a no-op (a skip here can leave a fuzzed run with no action to take)
			}
			order := rapid.SampledFrom(orders).Draw(t, "order")
			u := uses[order]
			amount := decimal.NewFromInt(int64(rapid.IntRange(1, 20).Draw(t, "amount")))
			id := fmt.Sprintf("r%d", len(entries))
			nb, r, err := b.Refund(campaign.OrderRefund{ID: id, Order: order, Amount: amount}, now)
			switch {
			case u.total.IsZero():
				if !errors.Is(err, campaign.ErrInvalidInput) {
					t.Fatalf("refund of an order without a total: %v", err)
				}
			case u.refunded.Add(amount).GreaterThan(u.total):
				if !errors.Is(err, campaign.ErrTooLarge) {
					t.Fatalf("refund over the total: %v", err)
				}
			case err != nil:
				t.Fatal(err)
			default:
				b, entries = nb, append(entries, r.Entries...)
				u.refunded = u.refunded.Add(amount)
				if u.refunded.Equal(u.total) {
					u.undone = true
				}
				if r.Undone != u.undone {
					t.Fatalf("refund: undone %v, model %v", r.Undone, u.undone)
				}
			}
		},
		"": func(t *rapid.T) {
			byCode, byCust := map[string]int{}, map[string]int{}
			for _, u := range uses {
				if !u.undone {
					byCode[u.code]++
					byCust[u.customer]++
				}
			}
			for _, code := range codes {
				if got := b.Uses(code); got != byCode[code] || got > limit[code] {
					t.Fatalf("code %s: %d uses, model %d, limit %d", code, got, byCode[code], limit[code])
				}
			}
			for _, cust := range customers {
				if got := b.CustomerUses(cust); got != byCust[cust] || perCustomer > 0 && got > perCustomer {
					t.Fatalf("customer %s: %d uses, model %d, limit %d", cust, got, byCust[cust], perCustomer)
				}
			}
			replayed, err := c.Replay(entries)
			if err != nil || !replayed.Equal(b) {
				t.Fatalf("Replay: %v\n%s\n%s", err, replayed, b)
			}
			loaded, err := c.Load(b.Snapshot())
			if err != nil || !loaded.Equal(b) {
				t.Fatalf("Load(Snapshot()): %v\n%s\n%s", err, loaded, b)
			}
		},
	})
}

func TestCouponLimits(t *testing.T) { rapid.Check(t, checkCouponLimits) }

func FuzzCouponLimits(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkCouponLimits)) }
