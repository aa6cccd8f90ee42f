package loyalty_test

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// A backtest replays a recorded history under the current programme (A)
// and a proposed one (B): here, double points without the mug, and gold
// from 200 instead of 300. Customers are assumed to redeem the same share
// of their points as they did.
func ExampleBacktest() {
	base := loyalty.Config{Name: "one-point", Currency: "EUR", TimeZone: "Europe/Berlin", MoneyPlaces: 2,
		Rules: []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"},
			{ID: "mug", Kind: rules.Gift, When: "order.Total >= 100", Value: `"mug"`}},
		Tiers:            []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: decimal.NewFromInt(300)}},
		TierWindowMonths: 12,
		Expiry:           loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 6},
		Redemption:       loyalty.RedemptionPolicy{PointValue: decimal.RequireFromString("0.01")}}
	double := base
	double.Name = "double"
	double.Rules = []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "2 * floor(order.Total)"}}
	double.Tiers = []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: decimal.NewFromInt(200)}}

	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 12, 0, 0, 0, time.UTC) }
	eur := decimal.RequireFromString
	c1, c2 := loyalty.Customer{ID: "c1"}, loyalty.Customer{ID: "c2"}
	history := []loyalty.Recorded{
		{Kind: loyalty.OpPurchase, At: day(1, 5), Customer: c1, Order: loyalty.Order{ID: "o1", Total: eur("120")}},
		{Kind: loyalty.OpPurchase, At: day(1, 9), Customer: c2, Order: loyalty.Order{ID: "o2", Total: eur("80")}},
		{Kind: loyalty.OpRedeem, At: day(2, 1), Customer: c1, Redemption: loyalty.Redemption{ID: "x1", Points: eur("100"), OrderTotal: eur("150")}},
		{Kind: loyalty.OpPurchase, At: day(2, 1), Customer: c1, Order: loyalty.Order{ID: "o3", Total: eur("150"), Redemption: "x1"}},
		{Kind: loyalty.OpRefund, At: day(2, 10), Customer: c2, Refund: loyalty.Refund{ID: "r1", Order: "o2", Amount: eur("40")}},
		{Kind: loyalty.OpPurchase, At: day(3, 1), Customer: c2, Order: loyalty.Order{ID: "o4", Total: eur("200")}},
	}
	cfg := loyalty.BacktestConfig{A: base, B: double, End: day(4, 1), Dates: []time.Time{day(2, 15)},
		Redemptions: loyalty.RedeemSameShare, GiftCost: map[string]decimal.Decimal{"mug": eur("4")}}
	r, err := loyalty.Backtest(cfg, slices.Values(history))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("assumption:", r.Assumption)
	fmt.Printf("%-12s %8s %8s\n", "", r.A.Programme, r.B.Programme)
	row := func(name string, a, b decimal.Decimal) { fmt.Printf("%-12s %8s %8s\n", name, a, b) }
	row("earned", r.A.Earned, r.B.Earned)
	row("redeemed", r.A.Redeemed, r.B.Redeemed)
	row("outstanding", r.A.Outstanding, r.B.Outstanding)
	row("money off", r.A.MoneyOff, r.B.MoneyOff)
	row("gift cost", r.A.GiftCost, r.B.GiftCost)
	row("liability", r.A.Liability[1].Liability, r.B.Liability[1].Liability)
	fmt.Println("gold on 15 Feb:", r.A.TierCounts[0][2], "vs", r.B.TierCounts[0][2])
	for _, c := range r.Changes {
		fmt.Printf("%s: %s → %s, gains %s\n", c.Customer, c.A.Tier, c.B.Tier, c.Gain)
	}

	// A refund of an order the log never bought is refused, with its line.
	history = append(history, loyalty.Recorded{Kind: loyalty.OpRefund, At: day(3, 2), Customer: c2,
		Refund: loyalty.Refund{ID: "r2", Order: "o9", Amount: eur("5")}})
	_, err = loyalty.Backtest(cfg, slices.Values(history))
	fmt.Println(errors.Is(err, loyalty.ErrUnknownOrder), err)
	// Output:
	// assumption: each recorded redemption spends the share of the available points it spent under programme A
	//              one-point   double
	// earned            549     1096
	// redeemed          100      200
	// outstanding       409      816
	// money off           1        2
	// gift cost          12        0
	// liability        4.09     8.16
	// gold on 15 Feb: 0 vs 1
	// c1: member → gold, gains -5.33
	// c2: member → gold, gains -1.6
	// true loyalty: backtest log line 7 (customer "c2", refund:r2) under programme A: loyalty: unknown order: refund:r2: order "o9" was never purchased on this account
}

// Liability values the points customers hold on a date: by state, by the
// month they expire in, at the programme's point value, less the share
// expected never to be redeemed.
func ExampleProgram_Liability() {
	p, err := loyalty.Compile(loyalty.Config{Name: "shop", Currency: "EUR", TimeZone: "Europe/Berlin",
		Rules:       []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"}},
		Expiry:      loyalty.Expiry{Kind: loyalty.EndOfMonth},
		PendingDays: 14,
		Redemption:  loyalty.RedemptionPolicy{PointValue: decimal.RequireFromString("0.05")}})
	if err != nil {
		fmt.Println(err)
		return
	}
	var accounts []loyalty.Account
	for i, buy := range []struct {
		total string
		day   int
	}{{"120", 3}, {"80", 20}, {"45", 28}} {
		c := loyalty.Customer{ID: fmt.Sprint("c", i)}
		a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o", Total: decimal.RequireFromString(buy.total)},
			time.Date(2025, 3, buy.day, 12, 0, 0, 0, time.UTC))
		if err != nil {
			fmt.Println(err)
			return
		}
		accounts = append(accounts, a)
	}
	r, err := p.Liability(slices.Values(accounts), loyalty.LiabilityConfig{
		At: time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC), Breakage: decimal.RequireFromString("0.25"), Buckets: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("available", r.Available, "pending", r.Pending, "outstanding", r.Outstanding)
	fmt.Println("value", r.Value, "liability", r.Liability, r.Currency)
	for _, b := range r.Buckets {
		fmt.Println("expiring in", b.From.In(p.Location()).Format("January"), b.Points, "points:", b.Liability)
	}
	// Output:
	// available 120 pending 125 outstanding 245
	// value 12.25 liability 9.1875 EUR
	// expiring in March 245 points: 9.1875
	// expiring in April 0 points: 0
}

// A development follows the points of each monthly earn cohort; Breakage
// projects each cohort to its end. Here, three cohorts, the oldest
// observed for three months: by the additive method, February's 41 %
// redeemed so far gains the 10 % January redeemed in its third month;
// March's 21 % gains the 21 % January and February redeemed in their
// second month, and the 10 %.
func ExampleDevelopment_Breakage() {
	month := func(m time.Month) time.Time { return time.Date(2025, m, 1, 0, 0, 0, 0, time.UTC) }
	state := func(redeemed, earned int64) loyalty.CohortState {
		return loyalty.CohortState{Redeemed: decimal.NewFromInt(redeemed), Outstanding: decimal.NewFromInt(earned - redeemed)}
	}
	dev := loyalty.Development{Zone: "UTC", AsOf: month(4), Cohorts: []loyalty.Cohort{
		{Month: month(1), Earned: decimal.NewFromInt(1000), Ages: []loyalty.CohortState{state(200, 1000), state(400, 1000), state(500, 1000)}},
		{Month: month(2), Earned: decimal.NewFromInt(800), Ages: []loyalty.CohortState{state(150, 800), state(330, 800)}},
		{Month: month(3), Earned: decimal.NewFromInt(1200), Ages: []loyalty.CohortState{state(250, 1200)}},
	}}
	for i := range dev.Cohorts {
		dev.Cohorts[i].Latest = dev.Cohorts[i].Ages[len(dev.Cohorts[i].Ages)-1]
	}
	est, err := dev.Breakage(loyalty.AdditiveRate)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range est.Cohorts {
		fmt.Printf("%s: redeemed %.3f so far, breakage %.3f ± %.3f\n", c.Month.Format("Jan"), c.RedeemedSoFar, c.Breakage, c.StdErr)
	}
	fmt.Printf("all: breakage %.3f ± %.3f\n", est.Breakage, est.StdErr)
	// Output:
	// Jan: redeemed 0.500 so far, breakage 0.500 ± 0.000
	// Feb: redeemed 0.412 so far, breakage 0.488 ± 0.015
	// Mar: redeemed 0.208 so far, breakage 0.481 ± 0.024
	// all: breakage 0.489 ± 0.011
}
