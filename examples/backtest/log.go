package main

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

type purchase = metrics.Purchase

func sliceSeq(log []loyalty.Recorded) iter.Seq[loyalty.Recorded] { return slices.Values(log) }

// giftCost is what the CD sampler given with orders of $100 or more costs
// the shop.
var giftCost = map[string]decimal.Decimal{"cd-sampler": decimal.RequireFromString("3.00")}

// programmes are the two programmes compared. A, the programme as it is:
// a point per whole dollar, half as much again for gold customers, a CD
// sampler with orders of $100 or more; silver from $100 and gold from $300
// spent in the last 12 months, kept 30 days after they stop qualifying;
// points expire 12 months after they are earned and pay $0.01 each, for
// at most half an order. B, the proposal: double points, and gold from
// $200.
func programmes() (a, b loyalty.Config) {
	a = loyalty.Config{
		Name: "A: today", Currency: "USD", TimeZone: "UTC", MoneyPlaces: 2,
		Rules: []rules.Rule{
			{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"},
			{ID: "gold-bonus", Kind: rules.Accrual, When: `customer.Tier == "gold"`, Value: "floor(order.Total / 2)"},
			{ID: "sampler", Kind: rules.Gift, When: "order.Total >= 100", Value: `"cd-sampler"`},
		},
		Tiers: []loyalty.Tier{{Name: "member"}, {Name: "silver", MinSpend: decimal.NewFromInt(100)},
			{Name: "gold", MinSpend: decimal.NewFromInt(300)}},
		TierWindowMonths: 12, TierGraceDays: 30,
		Expiry:     loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 12},
		Redemption: loyalty.RedemptionPolicy{PointValue: decimal.RequireFromString("0.01"), MaxShare: decimal.RequireFromString("0.5")},
	}
	b = a
	b.Name = "B: double"
	b.Rules = []rules.Rule{
		{ID: "base", Kind: rules.Accrual, Value: "2 * floor(order.Total)"},
		{ID: "gold-bonus", Kind: rules.Accrual, When: `customer.Tier == "gold"`, Value: "floor(order.Total)"},
		{ID: "sampler", Kind: rules.Gift, When: "order.Total >= 100", Value: `"cd-sampler"`},
	}
	b.Tiers = []loyalty.Tier{{Name: "member"}, {Name: "silver", MinSpend: decimal.NewFromInt(100)},
		{Name: "gold", MinSpend: decimal.NewFromInt(200)}}
	return a, b
}

// The synthetic behaviour (CDNOW has none of it).
const (
	seed        = 1997
	redeemFrom  = 500  // points a customer needs before redeeming
	redeemP     = 0.3  // the chance a customer who can redeems before a purchase
	returnP     = 0.03 // the chance an order is returned in part, the same day
	returnShare = "0.3"
)

// synthesise turns CDNOW's purchases (in file order: by customer, then
// date) into a recorded log with made-up redemptions and returns, made
// under programme a as the shop's programme: a customer's redemption is
// one a would have allowed. It replays them under a as it goes, with the
// expiry and tier reviews the backtest makes (at each operation and on
// the first of each month), so that a's balances are the backtest's.
func synthesise(purchases []purchase, a loyalty.Config) ([]loyalty.Recorded, *results, error) {
	p, err := loyalty.Compile(a)
	if err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	r := &results{purchases: len(purchases)}
	log := make([]loyalty.Recorded, 0, len(purchases)+len(purchases)/5)
	var acc loyalty.Account
	var c loyalty.Customer
	var reviewed time.Time
	review := func(at time.Time) error { // the tier reviews the backtest makes up to at
		for _, d := range dates {
			if d.After(reviewed) && d.Before(at) {
				if acc, _, err = p.ReviewTier(acc, d); err != nil {
					return err
				}
			}
		}
		acc, _, err = p.ReviewTier(acc, at)
		reviewed = at
		return err
	}
	k := 0
	for i, pu := range purchases {
		if pu.Customer != c.ID {
			c, acc, k, reviewed = loyalty.Customer{ID: pu.Customer}, loyalty.Account{}, 0, time.Time{}
			r.customers++
		}
		k++
		if i == 0 || pu.At.Before(r.first) {
			r.first = pu.At
		}
		if pu.At.After(r.last) {
			r.last = pu.At
		}
		at := pu.At.Add(12 * time.Hour) // at noon
		if err := review(at); err != nil {
			return nil, nil, err
		}
		order := loyalty.Order{ID: fmt.Sprint("o", k), Total: pu.Amount}
		avail := acc.Balance(at).Available.IntPart()
		// At most half the order, in hundreds of points.
		most := min(avail, pu.Amount.Mul(decimal.NewFromInt(50)).IntPart()) / 100 * 100
		if avail >= redeemFrom && most >= 100 && rng.Float64() < redeemP {
			pts := 100 * (1 + rng.Int64N(most/100))
			rd := loyalty.Redemption{ID: fmt.Sprint("x", k), Points: decimal.NewFromInt(pts), OrderTotal: pu.Amount}
			if acc, _, err = p.Redeem(acc, c, rd, at); err != nil {
				return nil, nil, fmt.Errorf("synthesising a redemption of customer %s: %w", c.ID, err)
			}
			log = append(log, loyalty.Recorded{Kind: loyalty.OpRedeem, At: at, Customer: c, Redemption: rd})
			order.Redemption = rd.ID
			r.redemptions++
		}
		var res loyalty.Result
		if acc, res, err = p.Purchase(acc, c, order, at); err != nil {
			return nil, nil, err
		}
		log = append(log, loyalty.Recorded{Kind: loyalty.OpPurchase, At: at, Customer: c, Order: order})
		if res.Money.IsPositive() && rng.Float64() < returnP {
			rf := loyalty.Refund{ID: fmt.Sprint("r", k), Order: order.ID, Amount: res.Money.Mul(decimal.RequireFromString(returnShare)).RoundDown(2)}
			if rf.Amount.IsPositive() {
				// At the till, right after the purchase: a later instant the
				// same day could come after the customer's next purchase.
				if acc, _, err = p.Refund(acc, c, rf, at); err != nil {
					return nil, nil, err
				}
				log = append(log, loyalty.Recorded{Kind: loyalty.OpRefund, At: at, Customer: c, Refund: rf})
				r.refunds++
			}
		}
	}
	return log, r, nil
}
