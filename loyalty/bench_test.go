package loyalty_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// benchConfig is a 20-rule programme in the shape of rules' benchmark set.
func benchConfig() loyalty.Config {
	c := coffeeConfig()
	c.Expiry = loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 24}
	c.Rules = []rules.Rule{
		{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total / 100) * 5"},
		{ID: "beans-x2", Kind: rules.Accrual, When: `any(order.Lines, .Category == "beans")`,
			Value: `floor(sum(filter(order.Lines, .Category == "beans"), .Price * .Qty) / 100) * 5`},
		{ID: "cakes-x2", Kind: rules.Accrual, When: `any(order.Lines, .Category == "cakes")`,
			Value: `floor(sum(filter(order.Lines, .Category == "cakes"), .Price * .Qty) / 100) * 5`},
		{ID: "gold-bonus", Kind: rules.Accrual, When: `customer.Tier == "gold"`, Value: "order.Total * 0.02"},
		{ID: "app", Kind: rules.Accrual, When: `order.Channel == "app"`, Value: "20"},
		{ID: "big", Kind: rules.Accrual, Stacking: rules.BestOf, When: "order.Total >= 5000", Value: "50"},
		{ID: "promo", Kind: rules.Accrual, Stacking: rules.BestOf, When: "order.Total >= 1000", Value: "order.Total * 0.01"},
		{ID: "tenth", Kind: rules.Accrual, When: "customer.LifetimeOrders == 10", Value: "100"},
		{ID: "window-regular", Kind: rules.Accrual, When: "customer.WindowOrders >= 20", Value: "10"},
		{ID: "birthday-week", Kind: rules.Accrual, When: "isBirthday(customer.Birthday, now, 7)", Value: "200"},
		{ID: "ladder-4", Kind: rules.Discount, Unit: rules.Percent, Priority: 4, Stacking: rules.Exclusive, When: "customer.LifetimeSpend >= 200000", Value: "15"},
		{ID: "ladder-3", Kind: rules.Discount, Unit: rules.Percent, Priority: 3, Stacking: rules.Exclusive, When: "customer.LifetimeSpend >= 100000", Value: "10"},
		{ID: "ladder-2", Kind: rules.Discount, Unit: rules.Percent, Priority: 2, Stacking: rules.Exclusive, When: "customer.LifetimeSpend >= 50000", Value: "5"},
		{ID: "ladder-1", Kind: rules.Discount, Unit: rules.Percent, Priority: 1, Stacking: rules.Exclusive, When: "customer.LifetimeSpend >= 10000", Value: "3"},
		{ID: "coupon", Kind: rules.Discount, Unit: rules.Amount, Priority: 5, When: `order.Coupon == "WELCOME"`, Value: "100"},
		{ID: "mug", Kind: rules.Gift, When: `any(order.Lines, .Category == "beans") && order.Total >= 10000`, Value: `"mug"`},
		{ID: "cake", Kind: rules.Gift, When: `isBirthday(customer.Birthday, now, 0)`, Value: `"cake"`},
		{ID: "tier-gold", Kind: rules.Tier, When: "customer.WindowSpend >= 20000", Value: `"gold"`},
		{ID: "expecting", Kind: rules.Gift, When: `customer.Attributes["expecting"] == "yes"`, Value: `"baby-kit"`},
		{ID: "review", Kind: rules.Accrual, On: []string{"review"}, Value: "30"},
	}
	return c
}

// openAccount builds, through the public API, an account from n
// purchases twelve hours apart, with a monthly expiry run as a host would
// schedule it.
func openAccount(tb testing.TB, p *loyalty.Program, n int) (loyalty.Account, []loyalty.Entry, time.Time) {
	var a loyalty.Account
	var log []loyalty.Entry
	now := time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)
	c := loyalty.Customer{ID: "c"}
	for i := range n {
		acc, r, err := p.Purchase(a, c, loyalty.Order{ID: fmt.Sprint("seed-", i), Total: decimal.NewFromInt(1000)}, now)
		if err != nil {
			tb.Fatal(err)
		}
		a, log = acc, append(log, r.Entries...)
		now = now.Add(12 * time.Hour)
		if i%60 == 59 {
			if a, r, err = p.Expire(a, now); err != nil {
				tb.Fatal(err)
			}
			log = append(log, r.Entries...)
		}
	}
	return a, log, now
}

func benchOrder(i int) loyalty.Order {
	return loyalty.Order{ID: fmt.Sprint("b-", i), Total: decimal.RequireFromString("12400"), Channel: "app", Lines: []loyalty.Line{
		{SKU: "latte", Category: "drinks", Qty: 2, Price: decimal.NewFromInt(1200)},
		{SKU: "beans", Category: "beans", Qty: 1, Price: decimal.NewFromInt(10000)}}}
}

// chained runs op the way a host does: each call on the account the
// previous one returned, i counting from 1, at advancing by step. The
// account starts as the 1,000-purchase one and goes back to that start
// every 100 calls, so it stays near that size however long the benchmark
// runs.
func chained(b *testing.B, step time.Duration, op func(p *loyalty.Program, a loyalty.Account, i int, at time.Time) (loyalty.Account, loyalty.Result, error)) {
	chainedOn(b, mustProgram(b, benchConfig()), step, op)
}

// chainedOn is chained under programme p.
func chainedOn(b *testing.B, p *loyalty.Program, step time.Duration, op func(p *loyalty.Program, a loyalty.Account, i int, at time.Time) (loyalty.Account, loyalty.Result, error)) {
	start, _, now := openAccount(b, p, 1000)
	if n := len(start.Lots()); n < 1000 {
		b.Fatalf("%d lots", n)
	}
	b.ReportAllocs()
	a, i, at := start, 0, now
	for b.Loop() {
		i++
		if i%100 == 0 {
			a, at = start, now
		}
		at = at.Add(step)
		next, _, err := op(p, a, i, at)
		if err != nil {
			b.Fatal(err)
		}
		a = next
	}
}

// BenchmarkPurchase is a purchase as a host makes them, chained twelve
// hours apart like the ones that built the account: it keeps 1,000 to
// 1,500 open lots and no lot passes its expiry (a host runs Expire; this
// measures Purchase).
func BenchmarkPurchase(b *testing.B) {
	c := loyalty.Customer{ID: "c"}
	chained(b, 12*time.Hour, func(p *loyalty.Program, a loyalty.Account, i int, at time.Time) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, c, benchOrder(i), at)
	})
}

// BenchmarkPurchaseBirthdayOnFile is BenchmarkPurchase for a customer
// whose birthday is known: the two birthday rules evaluate to false
// instead of stopping at an unknown date (which costs an error inside the
// expression engine).
func BenchmarkPurchaseBirthdayOnFile(b *testing.B) {
	c := loyalty.Customer{ID: "c", Birthday: time.Date(1990, 8, 15, 0, 0, 0, 0, time.UTC)}
	chained(b, 12*time.Hour, func(p *loyalty.Program, a loyalty.Account, i int, at time.Time) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, c, benchOrder(i), at)
	})
}

// BenchmarkPurchaseWithExtension is BenchmarkPurchase under a programme
// compiled with CompileWith, with two more rules on the host's facts: the
// cost of the extension is the difference.
func BenchmarkPurchaseWithExtension(b *testing.B) {
	cfg := benchConfig()
	cfg.Rules = append(cfg.Rules,
		rules.Rule{ID: "lavazza", Kind: rules.Accrual, When: `any(ext.Lines, .Brand == "Lavazza")`, Value: "10"},
		rules.Rule{ID: "margin", Kind: rules.Discount, Unit: rules.Amount, When: "ext.Margin >= 0.3", Value: "50"})
	p, err := loyalty.CompileWith[shopFacts](cfg)
	if err != nil {
		b.Fatal(err)
	}
	c := loyalty.Customer{ID: "c", Ext: shopFacts{Margin: d("0.35"), Lines: []shopLine{{Brand: "Illy"}, {Brand: "Lavazza"}}}}
	chainedOn(b, p, 12*time.Hour, func(p *loyalty.Program, a loyalty.Account, i int, at time.Time) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, c, benchOrder(i), at)
	})
}

// BenchmarkPurchaseSameAccount makes every purchase on the same account
// value (quotes, or a host that never keeps the returned account): each
// copies the blocks it appends to, which the first one claimed.
func BenchmarkPurchaseSameAccount(b *testing.B) {
	p := mustProgram(b, benchConfig())
	a, _, now := openAccount(b, p, 1000)
	c := loyalty.Customer{ID: "c"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, _, err := p.Purchase(a, c, benchOrder(i), now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPurchaseRulesOnly is the rule evaluation a purchase does, on
// the same facts: Purchase's own cost is the difference.
func BenchmarkPurchaseRulesOnly(b *testing.B) {
	cfg := benchConfig()
	set, err := rules.Compile[loyalty.Facts](cfg.Rules)
	if err != nil {
		b.Fatal(err)
	}
	p := mustProgram(b, cfg)
	a, _, now := openAccount(b, p, 1000)
	o := benchOrder(0)
	spend, n := a.Spend()
	f := loyalty.Facts{Customer: loyalty.CustomerFacts{ID: "c", Tier: a.Tier(), LifetimeSpend: spend, LifetimeOrders: n,
		WindowSpend: spend, WindowOrders: n}, Order: loyalty.OrderFacts{ID: o.ID, Total: o.Total, Channel: o.Channel}, Now: now}
	for i := range o.Lines {
		f.Order.Lines = append(f.Order.Lines, &o.Lines[i])
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := set.Eval(f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReplay(b *testing.B) {
	p := mustProgram(b, benchConfig())
	_, log, _ := openAccount(b, p, 25_000) // 4 entries a purchase
	log = log[:100_000]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Replay(log); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(log))*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkRedeem spends 100 points at a time from the 1,000-lot account,
// chained (all at the account's last instant).
func BenchmarkRedeem(b *testing.B) {
	c := loyalty.Customer{ID: "c"}
	chained(b, 0, func(p *loyalty.Program, a loyalty.Account, i int, at time.Time) (loyalty.Account, loyalty.Result, error) {
		return p.Redeem(a, c, loyalty.Redemption{ID: fmt.Sprint("r-", i), Points: decimal.NewFromInt(100)}, at)
	})
}

// BenchmarkRefund refunds 100 (a tenth) of one of the 1,000 orders at a
// time, chained like BenchmarkRedeem.
func BenchmarkRefund(b *testing.B) {
	c := loyalty.Customer{ID: "c"}
	chained(b, 0, func(p *loyalty.Program, a loyalty.Account, i int, at time.Time) (loyalty.Account, loyalty.Result, error) {
		r := loyalty.Refund{ID: fmt.Sprint("f-", i), Order: fmt.Sprint("seed-", (i*7919)%1000), Amount: decimal.NewFromInt(100)}
		return p.Refund(a, c, r, at)
	})
}

// BenchmarkExpire expires the lots of the account's first six weeks, come
// due nine months after its last purchase (the same account every time;
// it reports how many entries a run writes).
func BenchmarkExpire(b *testing.B) {
	p := mustProgram(b, benchConfig())
	a, _, now := openAccount(b, p, 1000)
	at := now.AddDate(0, 9, 0)
	_, r, err := p.Expire(a, at)
	if err != nil || len(r.Entries) < 100 {
		b.Fatalf("%d entries, %v", len(r.Entries), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := p.Expire(a, at); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Entries)), "entries/op")
}

// BenchmarkLoad compares the two ways to get the 1,000-purchase account
// back: decoding its snapshot, and replaying its entries; then both
// followed by the purchase a host loads the account for (a loaded account
// decodes the records that purchase reads), and the encoding of the
// snapshot the host stores after an operation.
func BenchmarkLoad(b *testing.B) {
	p := mustProgram(b, benchConfig())
	a, log, now := openAccount(b, p, 1000)
	snap := a.Snapshot()
	c := loyalty.Customer{ID: "c"}
	load := func(b *testing.B) loyalty.Account {
		a, err := p.LoadSnapshot(snap)
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	replay := func(b *testing.B) loyalty.Account {
		a, err := p.Replay(log)
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	purchase := func(b *testing.B, a loyalty.Account) {
		if _, _, err := p.Purchase(a, c, benchOrder(1), now); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Snapshot", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			load(b)
		}
		b.ReportMetric(float64(len(snap)), "bytes")
	})
	b.Run("Replay", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			replay(b)
		}
		b.ReportMetric(float64(len(log)), "entries")
	})
	b.Run("SnapshotThenPurchase", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			purchase(b, load(b))
		}
	})
	b.Run("ReplayThenPurchase", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			purchase(b, replay(b))
		}
	})
	b.Run("Encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = a.Snapshot()
		}
	})
}

// BenchmarkLoadThenEncode is a host that loads the account, runs a
// purchase and stores the new snapshot: the encoding decodes every block
// the purchase did not.
func BenchmarkLoadThenEncode(b *testing.B) {
	p := mustProgram(b, benchConfig())
	a, _, now := openAccount(b, p, 1000)
	snap := a.Snapshot()
	c := loyalty.Customer{ID: "c"}
	b.ReportAllocs()
	for b.Loop() {
		loaded, err := p.LoadSnapshot(snap)
		if err != nil {
			b.Fatal(err)
		}
		next, _, err := p.Purchase(loaded, c, benchOrder(1), now)
		if err != nil {
			b.Fatal(err)
		}
		_ = next.Snapshot()
	}
}

// BenchmarkPurchaseLimits is BenchmarkPurchase under the same programme
// with five of its rules limited (an amount a month, times a month, times
// a week, an amount in any 30 days, once ever) and two goals (visits a
// month, a beans stamp card), on an account built under it: every
// purchase of its history used some of them.
func BenchmarkPurchaseLimits(b *testing.B) {
	cfg := benchConfig()
	limits := map[string]rules.Limit{
		"base":  {Amount: decimal.NewFromInt(5000), Per: rules.Month},
		"app":   {Times: 20, Per: rules.Month},
		"big":   {Times: 10, Per: rules.Week},
		"promo": {Amount: decimal.NewFromInt(1000), Per: rules.Rolling, Days: 30},
		"tenth": {Times: 1},
	}
	for i, r := range cfg.Rules {
		cfg.Rules[i].Limit = limits[r.ID]
	}
	cfg.Goals = []loyalty.Goal{
		{ID: "visits", Target: decimal.NewFromInt(10), Per: rules.Month},
		{ID: "beans", Counts: `any(order.Lines, .Category == "beans")`, Target: decimal.NewFromInt(6)},
	}
	cfg.Rules = append(cfg.Rules, rules.Rule{ID: "tenth-visit", Kind: rules.Accrual, When: `goals["visits"].Completes`, Value: "100"})
	c := loyalty.Customer{ID: "c"}
	chainedOn(b, mustProgram(b, cfg), 12*time.Hour, func(p *loyalty.Program, a loyalty.Account, i int, at time.Time) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, c, benchOrder(i), at)
	})
}
