package loyalty_test

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// benchProgrammes are the two programmes of the backtest benchmark: a
// point per whole euro, gold from 500 spent in 12 months, points expiring
// after 12 months; and double points with gold from 300.
func benchProgrammes() (a, b loyalty.Config) {
	a = loyalty.Config{Name: "one", Currency: "EUR", TimeZone: "Europe/Berlin", MoneyPlaces: 2,
		Rules:            []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"}},
		Tiers:            []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: decimal.NewFromInt(500)}},
		TierWindowMonths: 12, TierGraceDays: 30,
		Expiry:     loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 12},
		Redemption: loyalty.RedemptionPolicy{PointValue: decimal.RequireFromString("0.01")}}
	b = a
	b.Name = "double"
	b.Rules = []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "2 * floor(order.Total)"}}
	b.Tiers = []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: decimal.NewFromInt(300)}}
	return a, b
}

// synthLog yields n purchases by customers shoppers, made on the fly
// (a million stored would take half a gigabyte): round robin over the
// customers, evenly spread over two years from 1 January 2023, so that
// each customer's purchases are in time order; amounts of 5 to 200 euros
// from a seeded generator.
func synthLog(n, customers int) iter.Seq[loyalty.Recorded] {
	return synthLogOrdered(n, customers, false)
}

// synthLogOrdered is synthLog, or, grouped, the same purchases customer
// by customer (as an export sorted by customer is).
func synthLogOrdered(n, customers int, grouped bool) iter.Seq[loyalty.Recorded] {
	ids := make([]string, customers)
	for i := range ids {
		ids[i] = "c" + strconv.Itoa(i)
	}
	orders := make([]string, n/customers+1)
	for i := range orders {
		orders[i] = "o" + strconv.Itoa(i)
	}
	start := time.Date(2023, 1, 1, 8, 0, 0, 0, time.UTC)
	step := 2 * 365 * 24 * time.Hour / time.Duration(n)
	return func(yield func(loyalty.Recorded) bool) {
		rng := rand.New(rand.NewPCG(1, 1))
		per := n / customers
		for j := range n {
			i := j // round robin: purchase i is customer i % customers's (i / customers)th
			if grouped {
				i = j%per*customers + j/per
			}
			r := loyalty.Recorded{Kind: loyalty.OpPurchase, At: start.Add(time.Duration(i) * step), Customer: loyalty.Customer{ID: ids[i%customers]},
				Order: loyalty.Order{ID: orders[i/customers], Total: decimal.New(int64(500+rng.IntN(19500)), -2)}}
			if !yield(r) {
				return
			}
		}
	}
}

func benchDates() []time.Time {
	var dates []time.Time
	for m := range 24 {
		dates = append(dates, time.Date(2023, time.Month(m+2), 1, 0, 0, 0, 0, time.UTC))
	}
	return dates
}

// BenchmarkBacktest replays synthetic purchases under two programmes:
// 1,000,000 purchases by 20,000 customers (50 each over two years), with
// 24 monthly dates, on one goroutine and on two workers, interleaved
// (every customer's accounts kept to the end) and grouped by customer
// (each dropped once replayed); and 100,000 by 2,000 for a quicker look.
func BenchmarkBacktest(b *testing.B) {
	a, bb := benchProgrammes()
	for _, size := range []struct{ n, customers int }{{100_000, 2_000}, {1_000_000, 20_000}} {
		for _, run := range []struct {
			name    string
			workers int
			grouped bool
		}{{"workers=1", 1, false}, {"workers=2", 2, false}, {"grouped/workers=1", 1, true}, {"grouped/workers=2", 2, true}} {
			b.Run(fmt.Sprintf("purchases=%d/%s", size.n, run.name), func(b *testing.B) {
				cfg := loyalty.BacktestConfig{A: a, B: bb, End: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Dates: benchDates(),
					Redemptions: loyalty.RedeemAsRecorded, Workers: run.workers, Grouped: run.grouped}
				log := synthLogOrdered(size.n, size.customers, run.grouped)
				b.ReportAllocs()
				for b.Loop() {
					r, err := loyalty.Backtest(cfg, log)
					if err != nil {
						b.Fatal(err)
					}
					if r.Ops.Purchases != size.n {
						b.Fatalf("%d purchases replayed", r.Ops.Purchases)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size.n), "ns/purchase")
			})
		}
	}
}

// BenchmarkBacktestPurchasesOnly is the same million purchases applied
// with Program.Purchase alone, under both programmes, on one goroutine:
// what the backtest costs beyond the ledger's own work.
func BenchmarkBacktestPurchasesOnly(b *testing.B) {
	a, bb := benchProgrammes()
	pa, pb := mustProgram(b, a), mustProgram(b, bb)
	const n, customers = 1_000_000, 20_000
	log := synthLog(n, customers)
	b.ReportAllocs()
	for b.Loop() {
		accs := make([][2]loyalty.Account, customers)
		i := 0
		for r := range log {
			acc := &accs[i%customers]
			var err error
			if acc[0], _, err = pa.Purchase(acc[0], r.Customer, r.Order, r.At); err != nil {
				b.Fatal(err)
			}
			if acc[1], _, err = pb.Purchase(acc[1], r.Customer, r.Order, r.At); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
}

// BenchmarkLiability values 1,000,000 accounts: 50,000 distinct accounts
// of one to five purchases each (some with points pending, some past
// expiry), each yielded 20 times — a million distinct accounts would take
// about 13 GB (see the README) — into 12 monthly expiry buckets.
func BenchmarkLiability(b *testing.B) {
	a, _ := benchProgrammes()
	a.PendingDays = 14
	p := mustProgram(b, a)
	const distinct, repeat = 50_000, 20
	accounts := make([]loyalty.Account, distinct)
	rng := rand.New(rand.NewPCG(2, 2))
	start := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range accounts {
		c := loyalty.Customer{ID: "c" + strconv.Itoa(i)}
		at := start.Add(time.Duration(rng.IntN(300*24)) * time.Hour)
		for k := range 1 + rng.IntN(5) {
			var err error
			accounts[i], _, err = p.Purchase(accounts[i], c, loyalty.Order{ID: strconv.Itoa(k), Total: decimal.New(int64(500+rng.IntN(19500)), -2)}, at)
			if err != nil {
				b.Fatal(err)
			}
			at = at.Add(time.Duration(rng.IntN(90*24)) * time.Hour)
		}
	}
	all := func(yield func(loyalty.Account) bool) {
		for range repeat {
			for _, a := range accounts {
				if !yield(a) {
					return
				}
			}
		}
	}
	cfg := loyalty.LiabilityConfig{At: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), Breakage: decimal.RequireFromString("0.3")}
	runtime.GC() // the set-up's garbage is not the liability's
	b.ReportAllocs()
	for b.Loop() {
		r, err := p.Liability(all, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if r.Accounts != distinct*repeat {
			b.Fatalf("%d accounts", r.Accounts)
		}
	}
}
