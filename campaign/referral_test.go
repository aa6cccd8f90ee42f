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

func friendsConfig() campaign.ReferralConfig {
	return campaign.ReferralConfig{
		Campaign: "friends", Format: campaign.CodeFormat{Prefix: "FR", Length: 6}, Seed: []byte("referral-seed-0123456789"),
		From: march1, Until: april1,
		Qualify:        `order.Total >= 50 && !any(order.Lines, .Category == "gift-cards")`,
		WithinDays:     30,
		AdvocateReward: campaign.Reward{Points: dec("500")},
		FriendReward:   campaign.Reward{Points: dec("200"), Gift: "tote-bag"},
		MaxPerAdvocate: 3, PerPeriod: 2, Period: campaign.Month, TimeZone: "Europe/Berlin",
	}
}

func compileReferrals(t testing.TB, cfg campaign.ReferralConfig) *campaign.Referrals {
	t.Helper()
	r, err := campaign.CompileReferrals(cfg)
	if err != nil {
		t.Fatalf("CompileReferrals: %v", err)
	}
	return r
}

func must[T any](t testing.TB) func(b campaign.ReferralBook, res T, err error) campaign.ReferralBook {
	return func(b campaign.ReferralBook, _ T, err error) campaign.ReferralBook {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

func TestReferralConfigValidate(t *testing.T) {
	tests := []struct {
		name, reason, field string
		edit                func(*campaign.ReferralConfig)
	}{
		{"no campaign", "names the ledger", "campaign", func(c *campaign.ReferralConfig) { c.Campaign = "" }},
		{"short seed", "codes must not be guessable", "seed", func(c *campaign.ReferralConfig) { c.Seed = nil }},
		{"no rewards", "a referral rewards someone", "advocate_reward", func(c *campaign.ReferralConfig) {
			c.AdvocateReward, c.FriendReward = campaign.Reward{}, campaign.Reward{}
		}},
		{"negative reward", "rewards are not negative", "friend_reward", func(c *campaign.ReferralConfig) { c.FriendReward.Points = dec("-1") }},
		{"negative limit", "limits are not negative", "max_per_advocate", func(c *campaign.ReferralConfig) { c.MaxPerAdvocate = -1 }},
		{"period without cap", "a period needs its cap", "per_period", func(c *campaign.ReferralConfig) { c.PerPeriod = 0 }},
		{"cap without period", "a cap needs its period", "period", func(c *campaign.ReferralConfig) { c.Period = campaign.NoPeriod }},
		{"period without zone", "calendar periods need a zone", "time_zone", func(c *campaign.ReferralConfig) { c.TimeZone = "" }},
		{"window backwards", "until after from", "until", func(c *campaign.ReferralConfig) { c.Until = c.From.Add(-time.Hour) }},
		{"condition type error", "type-checked at compile time", "qualify", func(c *campaign.ReferralConfig) { c.Qualify = `order.Total >= "fifty"` }},
		{"condition unknown field", "type-checked at compile time", "qualify", func(c *campaign.ReferralConfig) { c.Qualify = `order.Totl >= 50` }},
		{"condition not bool", "a condition is a bool", "qualify", func(c *campaign.ReferralConfig) { c.Qualify = `order.Total` }},
		{"negative days", "0: no limit", "within_days", func(c *campaign.ReferralConfig) { c.WithinDays = -1 }},
		{"bad gift", "a gift is a name", "friend_reward", func(c *campaign.ReferralConfig) { c.FriendReward.Gift = "tote\u202ebag" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := friendsConfig()
			tt.edit(&cfg)
			_, err := campaign.CompileReferrals(cfg)
			if !errors.Is(err, campaign.ErrInvalidInput) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("CompileReferrals = %v, want an error about %q (%s)", err, tt.field, tt.reason)
			}
		})
	}
}

func TestReferralAttribute(t *testing.T) {
	r := compileReferrals(t, friendsConfig())
	now := march1.AddDate(0, 0, 2)
	salt := "shop-secret"
	annKey := campaign.IdentityKey("email", " Ann@Example.com", salt)
	b := r.Book()
	b = must[campaign.EnrolResult](t)(b.Enrol(campaign.Enrolment{Advocate: "ann", Key: annKey}, now))
	b = must[campaign.EnrolResult](t)(b.Enrol(campaign.Enrolment{Advocate: "bob"}, now))
	code, _ := b.CodeOf("ann")
	b = must[campaign.AttributeResult](t)(b.Attribute(campaign.Attribution{Friend: "cat", Key: campaign.IdentityKey("phone", "+49 151 000", salt), Code: code}, now))
	other, _ := campaign.GenerateCodes(campaign.CodeFormat{Prefix: "XX", Length: 6}, []byte("some-other-seed-0123456"), 1, nil)
	unknown := unissuedReferral(t, r, b)
	tests := []struct {
		name, reason string
		a            campaign.Attribution
		at           time.Time
		want         campaign.Reason
	}{
		{"new friend", "the ordinary case", campaign.Attribution{Friend: "dan", Code: strings.ToLower(code)}, now, campaign.NoReason},
		{"self by id", "ann cannot use her own code", campaign.Attribution{Friend: "ann", Code: code}, now, campaign.SelfReferral},
		{"self by identity", "ann again, as a new account with the same e-mail",
			campaign.Attribution{Friend: "ann2", Key: campaign.IdentityKey("email", "ann@example.COM ", salt), Code: code}, now, campaign.SelfReferral},
		{"referred twice", "cat was referred by ann already", campaign.Attribution{Friend: "cat", Code: mustCode(b, "bob")}, now, campaign.AlreadyReferred},
		{"same phone again", "cat's phone under a new account", campaign.Attribution{Friend: "cat2", Key: campaign.IdentityKey("phone", "+49 (151) 000", salt), Code: code}, now, campaign.AlreadyReferred},
		{"unknown code", "well-formed, no such advocate", campaign.Attribution{Friend: "eve", Code: unknown}, now, campaign.UnknownCode},
		{"typo", "a wrong character", campaign.Attribution{Friend: "eve", Code: "FR" + replaceAt(code[2:], 1)}, now, campaign.BadCheck},
		{"other campaign", "another programme's code", campaign.Attribution{Friend: "eve", Code: other[0]}, now, campaign.OtherCampaign},
		{"after the programme", "until is exclusive", campaign.Attribution{Friend: "eve", Code: code}, april1, campaign.Expired},
		{"before the programme", "from is inclusive", campaign.Attribution{Friend: "eve", Code: code}, march1.Add(-time.Second), campaign.NotYetValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb, res, err := b.Attribute(tt.a, tt.at)
			if tt.want == campaign.NoReason {
				if err != nil || res.Advocate != "ann" {
					t.Fatalf("Attribute = %+v, %v", res, err)
				}
				return
			}
			if campaign.ReasonOf(err) != tt.want || !nb.Equal(b) {
				t.Fatalf("Attribute = %v, want a refusal %v and no change (%s)", err, tt.want, tt.reason)
			}
		})
	}
	// A retry of cat's attribution is a duplicate.
	nb, res, err := b.Attribute(campaign.Attribution{Friend: "cat", Key: campaign.IdentityKey("phone", "+49 151 000", salt), Code: code}, now)
	if err != nil || !res.Duplicate || !nb.Equal(b) {
		t.Fatalf("retry: %+v, %v", res, err)
	}
	// Enrolment is idempotent; the code is stable per advocate.
	nb, en, err := b.Enrol(campaign.Enrolment{Advocate: "ann", Key: annKey}, now)
	if err != nil || !en.Duplicate || en.Code != code || !nb.Equal(b) {
		t.Fatalf("enrol retry: %+v, %v", en, err)
	}
	if _, _, err := b.Enrol(campaign.Enrolment{Advocate: "ann", Key: "other"}, now); !errors.Is(err, campaign.ErrConflict) {
		t.Fatalf("enrol with another key: %v", err)
	}
	again := must[campaign.EnrolResult](t)(r.Book().Enrol(campaign.Enrolment{Advocate: "ann", Key: annKey}, now.AddDate(0, 1, 0)))
	if c2, _ := again.CodeOf("ann"); c2 != code {
		t.Fatalf("ann's code %s in another book, %s here: codes derive from the seed", c2, code)
	}
}

func mustCode(b campaign.ReferralBook, advocate string) string {
	c, _ := b.CodeOf(advocate)
	return c
}

// unissuedReferral is a well-formed code no advocate of b holds.
func unissuedReferral(t testing.TB, r *campaign.Referrals, b campaign.ReferralBook) string {
	codes, err := campaign.GenerateCodes(r.Config().Format, []byte("unissued-referral-seed-0"), 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		if c != mustCode(b, "ann") && c != mustCode(b, "bob") {
			return c
		}
	}
	t.Fatal("no unissued code")
	return ""
}

func TestReferralQualify(t *testing.T) {
	r := compileReferrals(t, friendsConfig())
	now := march1.AddDate(0, 0, 2)
	b := r.Book()
	b = must[campaign.EnrolResult](t)(b.Enrol(campaign.Enrolment{Advocate: "ann"}, now))
	code := mustCode(b, "ann")
	for _, f := range []string{"f1", "f2", "f3", "f4", "late"} {
		b = must[campaign.AttributeResult](t)(b.Attribute(campaign.Attribution{Friend: f, Code: code}, now))
	}
	buy := func(order, friend, total string, lines ...campaign.Line) campaign.Purchase {
		return campaign.Purchase{Order: order, Friend: friend, Total: dec(total), Lines: lines}
	}
	// Not referred, not qualifying, too late: nothing recorded, no error.
	for _, tt := range []struct {
		p    campaign.Purchase
		at   time.Time
		want campaign.Reason
	}{
		{buy("x1", "stranger", "100"), now, campaign.NotReferred},
		{buy("x2", "f1", "49.99"), now, campaign.NotQualifying},
		{buy("x3", "f1", "80", campaign.Line{SKU: "gc", Category: "gift-cards", Qty: 1, Price: dec("80")}), now, campaign.NotQualifying},
		{buy("x4", "late", "100"), now.AddDate(0, 0, 30), campaign.TooLate},
	} {
		nb, res, err := b.Qualify(tt.p, tt.at)
		if err != nil || res.Reason != tt.want || len(res.Entries) != 0 || !nb.Equal(b) {
			t.Fatalf("Qualify(%+v) = %+v, %v; want %v and nothing recorded", tt.p, res, err, tt.want)
		}
	}
	// f1 qualifies: both sides rewarded.
	b1, res, err := b.Qualify(buy("o1", "f1", "60"), now)
	if err != nil || res.Reason != campaign.NoReason {
		t.Fatalf("Qualify: %+v, %v", res, err)
	}
	want := []campaign.RewardGrant{
		{Entry: "qualify:o1/0", Customer: "f1", Role: campaign.Friend, Points: dec("200"), Gift: "tote-bag"},
		{Entry: "qualify:o1/1", Customer: "ann", Role: campaign.Advocate, Points: dec("500")},
	}
	if diff := cmp.Diff(want, res.Rewards, decEq); diff != "" {
		t.Fatalf("rewards mismatch (-want +got):\n%s", diff)
	}
	// Exactly once: a retry is the same; another order of f1 gets nothing.
	b2, res2, err := b1.Qualify(buy("o1", "f1", "60.00"), now.Add(time.Hour))
	if err != nil || !res2.Duplicate || !b2.Equal(b1) || !cmp.Equal(res2.Rewards, want, decEq) {
		t.Fatalf("retry: %+v, %v", res2, err)
	}
	if _, res, _ := b1.Qualify(buy("o2", "f1", "90"), now); res.Reason != campaign.AlreadyRewarded {
		t.Fatalf("second order: %v", res.Reason)
	}
	if _, _, err := b1.Qualify(buy("o1", "f1", "61"), now); !errors.Is(err, campaign.ErrConflict) {
		t.Fatalf("order reused with another total: %v", err)
	}
	// Ann's limits: 2 a month, 3 overall. f2 in March; f3 in March is
	// over the month's cap (f3 still gets their reward); f4 in April; late's
	// window has passed.
	b3 := must[campaign.QualifyResult](t)(b1.Qualify(buy("o3", "f2", "50"), now))
	_, res, _ = b3.Qualify(buy("o4", "f3", "50"), now)
	if res.Rewards[1].Reason != campaign.AdvocatePeriodCap || !res.Rewards[1].Points.IsZero() || !res.Rewards[0].Points.Equal(dec("200")) {
		t.Fatalf("over the month's cap: %+v", res.Rewards)
	}
	b4 := must[campaign.QualifyResult](t)(b3.Qualify(buy("o4", "f3", "50"), april1.Add(-time.Hour)))
	if b4.Rewards("ann") != 2 {
		t.Fatalf("ann rewarded %d times, want 2", b4.Rewards("ann"))
	}
	b5 := must[campaign.QualifyResult](t)(b4.Qualify(buy("o5", "f4", "50"), april1.Add(time.Hour)))
	if b5.Rewards("ann") != 3 {
		t.Fatalf("ann rewarded %d times, want 3 (April has its own cap)", b5.Rewards("ann"))
	}
	// A full refund claws back both sides of o1 and frees ann's place.
	b6, rr, err := b5.Refund(campaign.OrderRefund{ID: "r1", Order: "o1", Amount: dec("20")}, now)
	if err != nil || len(rr.Clawbacks) != 0 {
		t.Fatalf("partial refund: %+v, %v", rr, err)
	}
	if _, _, err := b6.Refund(campaign.OrderRefund{ID: "r2", Order: "o1", Amount: dec("41")}, now); !errors.Is(err, campaign.ErrTooLarge) {
		t.Fatalf("refund over the total: %v", err)
	}
	b7, rr, err := b6.Refund(campaign.OrderRefund{ID: "r2", Order: "o1", Amount: dec("40")}, now)
	wantClaw := []campaign.Clawback{
		{Entry: "refund:r2/1", Reward: "qualify:o1/0", Customer: "f1", Role: campaign.Friend, Points: dec("200"), Gift: "tote-bag"},
		{Entry: "refund:r2/2", Reward: "qualify:o1/1", Customer: "ann", Role: campaign.Advocate, Points: dec("500")},
	}
	if err != nil || !cmp.Equal(rr.Clawbacks, wantClaw, decEq) {
		t.Fatalf("full refund: %v\n%s", err, cmp.Diff(wantClaw, rr.Clawbacks, decEq))
	}
	if b7.Rewards("ann") != 2 {
		t.Fatalf("ann rewarded %d times after a clawback, want 2", b7.Rewards("ann"))
	}
	if _, res, _ := b7.Qualify(buy("o9", "f1", "100"), now); res.Reason != campaign.AlreadyRewarded {
		t.Fatalf("after a clawback: %v, want already rewarded (no second reward)", res.Reason)
	}
	if _, _, err := b7.Refund(campaign.OrderRefund{ID: "r3", Order: "unknown", Amount: dec("1")}, now); !errors.Is(err, campaign.ErrUnknown) {
		t.Fatalf("refund of an order that did not qualify: %v", err)
	}
	// Cancel claws back at once, once.
	b8, rc, err := b7.Cancel("o3", now)
	if err != nil || len(rc.Clawbacks) != 2 {
		t.Fatalf("cancel: %+v, %v", rc, err)
	}
	b9, rc, err := b8.Cancel("o3", now)
	if err != nil || !rc.Duplicate || !b9.Equal(b8) {
		t.Fatalf("cancel again: %+v, %v", rc, err)
	}
	// Replay of everything gives the book back.
	var all []campaign.Entry
	book := r.Book()
	step := func(nb campaign.ReferralBook, es []campaign.Entry, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		book, all = nb, append(all, es...)
	}
	nb, en, err := book.Enrol(campaign.Enrolment{Advocate: "ann"}, now)
	step(nb, en.Entries, err)
	nb, at, err := book.Attribute(campaign.Attribution{Friend: "f1", Code: code}, now)
	step(nb, at.Entries, err)
	nb, q, err := book.Qualify(buy("o1", "f1", "60"), now)
	step(nb, q.Entries, err)
	nb, c, err := book.Cancel("o1", now)
	step(nb, c.Entries, err)
	got, err := r.Replay(all)
	if err != nil || !got.Equal(book) {
		t.Fatalf("Replay: %v\n%s\n%s", err, got, book)
	}
	// Editing a reward in the log breaks the chain.
	all[2].Amount = dec("5000")
	if _, err := r.Replay(all); !errors.Is(err, campaign.ErrCorruptLedger) {
		t.Fatalf("Replay of an edited log: %v", err)
	}
}

func TestReferralHostCondition(t *testing.T) {
	// Without a condition every purchase the host reports qualifies.
	cfg := friendsConfig()
	cfg.Qualify = ""
	r := compileReferrals(t, cfg)
	now := march1.AddDate(0, 0, 1)
	b := must[campaign.EnrolResult](t)(r.Book().Enrol(campaign.Enrolment{Advocate: "ann"}, now))
	b = must[campaign.AttributeResult](t)(b.Attribute(campaign.Attribution{Friend: "f", Code: mustCode(b, "ann")}, now))
	_, res, err := b.Qualify(campaign.Purchase{Order: "o", Friend: "f", Total: dec("1")}, now)
	if err != nil || res.Reason != campaign.NoReason {
		t.Fatalf("Qualify = %+v, %v", res, err)
	}
	// Bad input records nothing.
	for _, p := range []campaign.Purchase{
		{Order: "", Friend: "f", Total: dec("1")},
		{Order: "o", Friend: "", Total: dec("1")},
		{Order: "o", Friend: "f", Total: dec("-1")},
		{Order: "o", Friend: "f", Total: dec("1"), Lines: []campaign.Line{{SKU: "x", Qty: -1}}},
	} {
		if nb, _, err := b.Qualify(p, now); !errors.Is(err, campaign.ErrInvalidInput) || !nb.Equal(b) {
			t.Fatalf("Qualify(%+v) = %v, want ErrInvalidInput", p, err)
		}
	}
}

// Referral rewards are granted exactly once per friend, whatever the
// order of enrolments, attributions, purchases (retried or not), refunds
// and cancellations: every friend's reward entries net to one reward or
// to nothing, advocates never pass their limit, and the book is the fold
// of its entries.
func checkReferralOnce(t *rapid.T) {
	cfg := friendsConfig()
	cfg.Qualify = "order.Total >= 10"
	cfg.From, cfg.Until, cfg.WithinDays = time.Time{}, time.Time{}, 0
	cfg.MaxPerAdvocate = rapid.IntRange(0, 3).Draw(t, "max")
	cfg.PerPeriod = rapid.IntRange(0, 2).Draw(t, "perPeriod")
	if cfg.PerPeriod == 0 {
		cfg.Period = campaign.NoPeriod
	}
	r, err := campaign.CompileReferrals(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b := r.Book()
	var entries []campaign.Entry
	advocates := []string{"a1", "a2"}
	friends := []string{"f1", "f2", "f3", "f4", "a2"}
	now := march1
	orders := map[string]campaign.Purchase{}
	var orderIDs []string
	keep := func(nb campaign.ReferralBook, es []campaign.Entry, err error) {
		if err != nil && !errors.Is(err, campaign.ErrRefused) && !errors.Is(err, campaign.ErrUnknown) && !errors.Is(err, campaign.ErrTooLarge) {
			t.Fatal(err)
		}
		if err == nil {
			b, entries = nb, append(entries, es...)
		} else if !nb.Equal(b) {
			t.Fatal("a refused operation changed the book")
		}
	}
	t.Repeat(map[string]func(*rapid.T){
		"enrol": func(t *rapid.T) {
			nb, res, err := b.Enrol(campaign.Enrolment{Advocate: rapid.SampledFrom(advocates).Draw(t, "advocate")}, now)
			keep(nb, res.Entries, err)
		},
		"attribute": func(t *rapid.T) {
			code, ok := b.CodeOf(rapid.SampledFrom(advocates).Draw(t, "advocate"))
			if !ok {
				return // not applicable now: a no-op (a skip here can leave a fuzzed run with no action to take)
			}
			nb, res, err := b.Attribute(campaign.Attribution{Friend: rapid.SampledFrom(friends).Draw(t, "friend"), Code: code}, now)
			keep(nb, res.Entries, err)
		},
		"buy": func(t *rapid.T) {
			p := campaign.Purchase{Order: fmt.Sprintf("o%d", len(orderIDs)), Friend: rapid.SampledFrom(friends).Draw(t, "friend"),
				Total: decimal.NewFromInt(int64(rapid.IntRange(0, 30).Draw(t, "total")))}
			if len(orderIDs) > 0 && rapid.Bool().Draw(t, "retry") {
				p = orders[rapid.SampledFrom(orderIDs).Draw(t, "order")]
			} else {
				orders[p.Order] = p
				orderIDs = append(orderIDs, p.Order)
			}
			nb, res, err := b.Qualify(p, now)
			keep(nb, res.Entries, err)
		},
		"refund": func(t *rapid.T) {
			if len(orderIDs) == 0 {
				return // not applicable now: a no-op (a skip here can leave a fuzzed run with no action to take)
			}
			o := rapid.SampledFrom(orderIDs).Draw(t, "order")
			nb, res, err := b.Refund(campaign.OrderRefund{ID: fmt.Sprintf("r%d", len(entries)), Order: o,
				Amount: decimal.NewFromInt(int64(rapid.IntRange(1, 30).Draw(t, "amount")))}, now)
			keep(nb, res.Entries, err)
		},
		"cancel": func(t *rapid.T) {
			if len(orderIDs) == 0 {
				return // not applicable now: a no-op (a skip here can leave a fuzzed run with no action to take)
			}
			nb, res, err := b.Cancel(rapid.SampledFrom(orderIDs).Draw(t, "order"), now)
			keep(nb, res.Entries, err)
		},
		"tick": func(t *rapid.T) { now = now.AddDate(0, 0, rapid.IntRange(1, 20).Draw(t, "days")) },
		"": func(t *rapid.T) {
			net := map[string]decimal.Decimal{} // friend → points net of clawbacks
			rewards := map[string]int{}         // friend → reward records
			advocate := map[string]int{}        // advocate → net rewards
			for _, e := range entries {
				switch {
				case e.Kind == campaign.RewardEntry && e.Role == campaign.Friend:
					rewards[e.Customer]++
					net[e.Customer] = net[e.Customer].Add(e.Amount)
				case e.Kind == campaign.ClawbackEntry && e.Role == campaign.Friend:
					net[e.Customer] = net[e.Customer].Add(e.Amount)
				case e.Kind == campaign.RewardEntry && e.Role == campaign.Advocate && e.Reason == campaign.NoReason:
					advocate[e.Customer]++
				case e.Kind == campaign.ClawbackEntry && e.Role == campaign.Advocate:
					advocate[e.Customer]--
				}
			}
			for f, n := range rewards {
				if n > 1 || !(net[f].IsZero() || net[f].Equal(cfg.FriendReward.Points)) {
					t.Fatalf("friend %s: %d rewards, %s points net", f, n, net[f])
				}
			}
			for a, n := range advocate {
				if n != b.Rewards(a) || cfg.MaxPerAdvocate > 0 && n > cfg.MaxPerAdvocate {
					t.Fatalf("advocate %s: %d rewards (book %d, limit %d)", a, n, b.Rewards(a), cfg.MaxPerAdvocate)
				}
			}
			got, err := r.Replay(entries)
			if err != nil || !got.Equal(b) {
				t.Fatalf("Replay: %v", err)
			}
			loaded, err := r.Load(b.Snapshot())
			if err != nil || !loaded.Equal(b) {
				t.Fatalf("Load(Snapshot()): %v\n%s\n%s", err, loaded, b)
			}
		},
	})
}

func TestReferralOnce(t *testing.T) { rapid.Check(t, checkReferralOnce) }

func FuzzReferralOnce(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkReferralOnce)) }
