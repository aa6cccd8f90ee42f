package pipeline

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// SyntheticProgrammes are two programmes to backtest synthetic logs with:
// A, a point per whole euro, a mug with orders of 100 or more, 25 points
// a review, gold from 500 spent in 12 months, points expiring after 12
// months, 0.01 a point (at most half an order); B, double points, gold
// from 300 with 5 % off for gold customers, points expiring by
// loyalty.EndOfYear, the same mug and review bonus.
func SyntheticProgrammes() (a, b loyalty.Config) {
	a = loyalty.Config{Name: "one", Currency: "EUR", TimeZone: "Europe/Berlin", MoneyPlaces: 2,
		Rules: []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"},
			{ID: "mug", Kind: rules.Gift, When: "order.Total >= 100", Value: `"mug"`},
			{ID: "review", Kind: rules.Accrual, On: []string{"review"}, Value: "25"}},
		Tiers:            []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: decimal.NewFromInt(500)}},
		TierWindowMonths: 12, TierGraceDays: 30,
		Expiry:     loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 12},
		Redemption: loyalty.RedemptionPolicy{PointValue: decimal.RequireFromString("0.01"), MaxShare: decimal.RequireFromString("0.5")}}
	b = a
	b.Name = "double"
	b.Rules = []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "2 * floor(order.Total)"},
		{ID: "gold-5", Kind: rules.Discount, Unit: rules.Percent, When: `customer.Tier == "gold"`, Value: "5"},
		{ID: "mug", Kind: rules.Gift, When: "order.Total >= 100", Value: `"mug"`},
		{ID: "review", Kind: rules.Accrual, On: []string{"review"}, Value: "25"}}
	b.Tiers = []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: decimal.NewFromInt(300)}}
	b.Expiry = loyalty.Expiry{Kind: loyalty.EndOfYear}
	return a, b
}

// SyntheticBacktest is a backtest of [SyntheticProgrammes] over the
// synthetic logs' two years (2024 and 2025): monthly dates, redemptions
// capped, mugs at 3.50, a breakage of 0.2, earn cohorts.
func SyntheticBacktest() loyalty.BacktestConfig {
	a, b := SyntheticProgrammes()
	cfg := loyalty.BacktestConfig{A: a, B: b, End: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Redemptions: loyalty.RedeemCapped,
		GiftCost: map[string]decimal.Decimal{"mug": decimal.RequireFromString("3.50")}, Breakage: decimal.RequireFromString("0.2"), Cohorts: true}
	for m := range 24 {
		cfg.Dates = append(cfg.Dates, time.Date(2024, time.Month(m+2), 1, 0, 0, 0, 0, time.UTC))
	}
	return cfg
}

// SyntheticRecorded is a log of about n recorded operations by n/20
// customers over 2024 and 2025, from a seeded generator (the same seed
// gives the same log): purchases of 5 to 300 euros (some of several
// items, some paid in part with points redeemed at the same instant, the
// redemption first), refunds by amount (at most a quarter of the order,
// twice at most) or by items, reviews, stand-alone redemptions, and now
// and then a host's retry (the same operation twice). Each customer's
// operations are in time order, at distinct instants but for a
// redemption and the purchase it pays for, which [SortOps] puts in the
// same order; customers interleave by time.
func SyntheticRecorded(n int, seed uint64) []loyalty.Recorded {
	rng := rand.New(rand.NewPCG(seed, 17))
	customers := max(1, n/20)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int64(2 * 365 * 24 * time.Hour / time.Second)
	type order struct {
		id                   string
		cents, left, refunds int
		lines                bool
	}
	log := make([]loyalty.Recorded, 0, n+n/10)
	for c := range customers {
		cust := loyalty.Customer{ID: "c" + strconv.Itoa(c)}
		k := max(1, n/customers+rng.IntN(11)-5)
		// k distinct instants over the two years, in order.
		secs := make([]int64, k)
		for i := range secs {
			secs[i] = rng.Int64N(span)
		}
		slices.Sort(secs)
		secs = slices.Compact(secs)
		var orders []*order
		for i, s := range secs {
			at := start.Add(time.Duration(s) * time.Second)
			id := strconv.Itoa(i)
			switch x := rng.IntN(20); {
			case x < 12 || len(orders) == 0:
				cents := 500 + rng.IntN(29500)
				o := &order{id: "o" + id, cents: cents}
				ord := loyalty.Order{ID: o.id, Total: decimal.New(int64(cents), -2)}
				if q := rng.IntN(4); q > 1 { // q items, returnable one by one
					price := cents / q
					o.cents, o.left, o.lines = price*q, q, true
					ord.Total = decimal.New(int64(o.cents), -2)
					ord.Lines = []loyalty.Line{{SKU: "item", Qty: q, Price: decimal.New(int64(price), -2)}}
				}
				if o.cents >= 2000 && rng.IntN(5) == 0 { // paid in part with points
					log = append(log, loyalty.Recorded{Kind: loyalty.OpRedeem, At: at, Customer: cust, Redemption: loyalty.Redemption{
						ID: "x" + id, Points: decimal.NewFromInt(int64(50 + rng.IntN(o.cents/2-49))), OrderTotal: ord.Total}})
					ord.Redemption = "x" + id
				}
				orders = append(orders, o)
				log = append(log, loyalty.Recorded{Kind: loyalty.OpPurchase, At: at, Customer: cust, Order: ord})
			case x < 15:
				o := orders[rng.IntN(len(orders))]
				switch {
				case o.lines && o.left > 0:
					log = append(log, loyalty.Recorded{Kind: loyalty.OpRefund, At: at, Customer: cust, Refund: loyalty.Refund{ID: "r" + id, Order: o.id,
						Lines: []loyalty.RefundLine{{SKU: "item", Qty: 1}}}})
					o.left--
				case !o.lines && o.refunds < 2 && o.cents >= 8:
					log = append(log, loyalty.Recorded{Kind: loyalty.OpRefund, At: at, Customer: cust, Refund: loyalty.Refund{ID: "r" + id, Order: o.id,
						Amount: decimal.New(int64(1+rng.IntN(o.cents/4)), -2)}})
					o.refunds++
				default:
					continue
				}
			case x < 17:
				log = append(log, loyalty.Recorded{Kind: loyalty.OpEvent, At: at, Customer: cust, Event: loyalty.Event{ID: "e" + id, Kind: "review"}})
			default:
				log = append(log, loyalty.Recorded{Kind: loyalty.OpRedeem, At: at, Customer: cust, Redemption: loyalty.Redemption{
					ID: "x" + id, Points: decimal.NewFromInt(int64(100 + rng.IntN(900)))}})
			}
			if rng.IntN(50) == 0 {
				log = append(log, log[len(log)-1])
			}
		}
	}
	slices.SortStableFunc(log, func(x, y loyalty.Recorded) int { return x.At.Compare(y.At) })
	return log
}

// WriteRecorded writes log as JSON lines into files log-0.jsonl … under
// dir, shuffled (seeded) and dealt over the files, with a blank line in
// each: the order and the split the pipeline must not depend on.
func WriteRecorded(dir string, log []loyalty.Recorded, files int, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	order := rand.New(rand.NewPCG(seed, 3)).Perm(len(log))
	ws := make([]*bufio.Writer, files)
	fs := make([]*os.File, files)
	for i := range fs {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("log-%d.jsonl", i)))
		if err != nil {
			return err
		}
		fs[i], ws[i] = f, bufio.NewWriter(f)
		ws[i].WriteString("\n")
	}
	for j, i := range order {
		b, err := json.Marshal(log[i])
		if err != nil {
			return err
		}
		w := ws[j%files]
		w.Write(b)
		w.WriteByte('\n')
	}
	for i, w := range ws {
		if err := w.Flush(); err != nil {
			fs[i].Close()
			return err
		}
		if err := fs[i].Close(); err != nil {
			return err
		}
	}
	return nil
}
