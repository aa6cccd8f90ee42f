package touch_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/internal/benchcpu"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/loyalkit/loyalkit/touch"
	"github.com/shopspring/decimal"
)

// synthetic is n customers as of asOf, in random order: 80 % with a
// birthday on file, all registered, 1 to 20 purchase days with their
// rhythm, profile and weekly summary, a value; every hundredth with a
// loyalty account (one purchase a month for a year) — and a contact
// record of one customer in ten in the last fortnight.
func synthetic(b *testing.B, n int, asOf time.Time, p *loyalty.Program) ([]touch.Customer, []touch.Contact) {
	r := rand.New(rand.NewPCG(11, 13))
	cs := make([]touch.Customer, n)
	var contacts []touch.Contact
	day := func(back int) time.Time { return asOf.AddDate(0, 0, -back) }
	var accounts []*loyalty.Account
	for k := range 20 { // a few account shapes, shared: building a million accounts is not what is measured
		// k+1 purchases a month apart, the last k weeks ago: some gold and
		// about to lose it, some close to gold, some far.
		var a loyalty.Account
		for m := range k + 1 {
			var err error
			a, _, err = p.Purchase(a, loyalty.Customer{ID: "x"}, loyalty.Order{ID: fmt.Sprint("o", m), Total: decimal.NewFromInt(int64(1000 + 250*k))}, day(7*k+30*(k-m)))
			if err != nil {
				b.Fatal(err)
			}
		}
		accounts = append(accounts, &a)
	}
	for i, id := range r.Perm(n) {
		c := touch.Customer{ID: fmt.Sprintf("c%07d", id), Registered: day(r.IntN(3000)), Value: decimal.New(int64(r.IntN(1_000_000)), -2)}
		if r.IntN(5) > 0 {
			c.Birthday = time.Date(1950+r.IntN(55), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		}
		days := 1 + r.IntN(20)
		gap := 3 + r.IntN(60)
		since := r.IntN(400)
		c.Rhythm = touch.Rhythm{ID: c.ID, PurchaseDays: days, TypicalGap: gap, Last: day(since)}
		if days == 1 {
			c.Rhythm.TypicalGap = 0
		}
		span := (days - 1) * gap
		c.Summary = metrics.CustomerSummary{ID: c.ID, Frequency: days - 1, Recency: float64(span) / 7, T: float64(span+since) / 7, Unit: metrics.Weeks}
		inPeriod := 0
		if since < 91 {
			inPeriod = min(days, 1+r.IntN(12))
		}
		c.Profile = segment.Profile{ID: c.ID, Orders: days, Spend: decimal.NewFromInt(int64(days * (20 + r.IntN(400)))),
			OrdersInPeriod: inPeriod, SpendInPeriod: decimal.NewFromInt(int64(inPeriod * (20 + r.IntN(800)))), DaysSinceLast: since,
			Counters: map[string]int{"stamps": r.IntN(10)}}
		if i%100 == 0 {
			c.Account = accounts[r.IntN(len(accounts))]
		}
		if i%10 == 0 {
			contacts = append(contacts, touch.Contact{Customer: c.ID, At: day(r.IntN(14)), Reason: touch.Reason(1 + r.IntN(8))})
		}
		cs[i] = c
	}
	return cs, contacts
}

// BenchmarkPlan: today's plan for a million customers held in memory,
// with every reason on (accounts for one in a hundred), a segmentation, a
// touch rule, 100,000 past contacts and a daily cap of 5,000; then each
// reason alone, to see what it costs.
func BenchmarkPlan(b *testing.B) {
	asOf := noon(2026, 3, 29)
	p := shop(b, loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 12})
	cs, contacts := synthetic(b, 1_000_000, asOf, p)
	seg, err := segment.Compile([]segment.Definition{
		{Name: "vip", When: "SpendInPeriod >= 5000 || OrdersInPeriod >= 10"},
		{Name: "current", When: "OrdersInPeriod >= 1"},
	}, "lapsed")
	if err != nil {
		b.Fatal(err)
	}
	cfg := touch.Config{
		Program:     p,
		Birthday:    &touch.DateWindow{Days: 7, CoolDownDays: 300},
		Anniversary: &touch.DateWindow{Days: 3, CoolDownDays: 300},
		Expiring:    &touch.ExpiryWindow{Days: 14, CoolDownDays: 14},
		Lapsed:      &touch.LapseRule{Factor: 2, MinDays: 14, FallbackDays: 90, MaxDays: 365, CoolDownDays: 30},
		Dormant:     &touch.PAliveRule{Model: metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks}, Below: 0.2, CoolDownDays: 60},
		TierAtRisk:  &touch.TierReview{ReviewMonths: 1, Days: 14, CoolDownDays: 7},
		NearTier:    &touch.TierGap{Within: 0.2, CoolDownDays: 30},
		NearSegment: &touch.SegmentGap{Segmentation: seg, Within: 0.1, CoolDownDays: 30},
		Rules:       []touch.Rule{{ID: "skipped-a-quarter", When: "Orders >= 10 && OrdersInPeriod == 0", CoolDownDays: 30}},
		Limits:      touch.Limits{PerCustomer: 2, PeriodDays: 7, Daily: 5000},
		PointValue:  decimal.New(1, -2),
	}
	// Each reason alone, to see what each costs.
	one := func(set func(*touch.Config)) touch.Config {
		c := touch.Config{Program: p, Limits: cfg.Limits}
		set(&c)
		return c
	}
	for _, r := range []struct {
		name string
		cfg  touch.Config
	}{
		{"none", one(func(c *touch.Config) {})},
		{"birthday", one(func(c *touch.Config) { c.Birthday = cfg.Birthday })},
		{"anniversary", one(func(c *touch.Config) { c.Anniversary = cfg.Anniversary })},
		{"expiring", one(func(c *touch.Config) { c.Expiring = cfg.Expiring })},
		{"lapsed", one(func(c *touch.Config) { c.Lapsed = cfg.Lapsed })},
		{"dormant", one(func(c *touch.Config) { c.Dormant = cfg.Dormant })},
		{"tiers", one(func(c *touch.Config) { c.TierAtRisk, c.NearTier = cfg.TierAtRisk, cfg.NearTier })},
		{"segment", one(func(c *touch.Config) { c.NearSegment = cfg.NearSegment })},
		{"rule", one(func(c *touch.Config) { c.Rules = cfg.Rules })},
	} {
		planner, err := touch.Compile(r.cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("1M/only="+r.name, func(b *testing.B) {
			b.ReportAllocs()
			defer benchcpu.Start(b)()
			for b.Loop() {
				plan, err := planner.Plan(asOf, cs, contacts)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(plan.Candidates), "candidates")
			}
		})
	}
	for _, workers := range []int{1, 2} {
		cfg.Workers = workers
		planner, err := touch.Compile(cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("1M/workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			defer benchcpu.Start(b)()
			for b.Loop() {
				plan, err := planner.Plan(asOf, cs, contacts)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(plan.Candidates), "candidates")
				if len(plan.Touches) != cfg.Limits.Daily {
					b.Fatalf("%d touches", len(plan.Touches))
				}
			}
		})
	}
}
