package loyalty_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// The amounts of an order, worked through: 10,000 of goods, a 5 % rules'
// discount, 1,000 points paying 1,000; the customer pays 8,500 in money,
// which is what earns points, counts toward spend, and what refunds are
// measured against.
func Example_moneySemantics() {
	dec := decimal.RequireFromString
	p, err := loyalty.Compile(loyalty.Config{
		Name: "shop", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin",
		Rules: []rules.Rule{
			{ID: "five-percent", Kind: rules.Accrual, Value: "order.Total * 0.05"},
			{ID: "bulk", Kind: rules.Discount, Unit: rules.Percent, When: "order.Total >= 10000", Value: "5"},
			{ID: "welcome", Kind: rules.Accrual, On: []string{"registration"}, Value: "2000"},
		},
		Redemption: loyalty.RedemptionPolicy{PointValue: dec("1")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := loyalty.Customer{ID: "c1"}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	a, _, err := p.Event(loyalty.Account{}, c, loyalty.Event{ID: "reg", Kind: "registration"}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _, err = p.Redeem(a, c, loyalty.Redemption{ID: "pay-1", Points: dec("1000")}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	a, r, err := p.Purchase(a, c, loyalty.Order{ID: "o1", Total: dec("10000"), Redemption: "pay-1"}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("goods", r.Entries[0].Money, "discount", r.Discount, "points paid", r.Entries[0].PointsPaid, "money paid", r.Money)
	fmt.Println("points earned", r.Points, "(500 on the goods × 8500/10000)")
	spend, _ := a.Spend()
	fmt.Println("lifetime spend", spend)
	a, r, err = p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: dec("4250")}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("refund of half the money: points taken back", r.Points, "points paid given back", r.PointsBack)
	a, r, err = p.Refund(a, c, loyalty.Refund{ID: "r2", Order: "o1", Amount: dec("4250")}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("refund of the rest: points taken back", r.Points, "points paid given back", r.PointsBack)
	fmt.Println("balance", a.Balance(now).Available)
	// Output:
	// goods 10000 discount 500 points paid 1000 money paid 8500
	// points earned 425 (500 on the goods × 8500/10000)
	// lifetime spend 8500
	// refund of half the money: points taken back 212 points paid given back 500
	// refund of the rest: points taken back 213 points paid given back 500
	// balance 2000
}

// The checkout flow: quote the basket, hold the points the customer wants
// to pay with, capture them when the payment succeeds, record the
// purchase; a return gives the points back. A hold that is neither
// captured nor released stops holding at its Until.
func ExampleProgram_Hold() {
	dec := decimal.RequireFromString
	p, err := loyalty.Compile(loyalty.Config{
		Name: "shop", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin",
		Rules:      []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total / 10)"}},
		Redemption: loyalty.RedemptionPolicy{PointValue: dec("0.10"), MaxShare: dec("0.5")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := loyalty.Customer{ID: "c1"}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o0", Total: dec("2000")}, now.AddDate(0, 0, -1))
	if err != nil {
		fmt.Println(err)
		return
	}

	basket := loyalty.Order{ID: "o1", Total: dec("100"), Redemption: "h1"}
	a, h, err := p.Hold(a, c, loyalty.Hold{ID: "h1", Order: "o1", Points: dec("150"), OrderTotal: basket.Total, Until: now.Add(15 * time.Minute)}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("held 150 points, paying", h.Discount, "- available now", a.Balance(now).Available, "held", a.Balance(now).Held)
	q, err := p.Quote(a, c, basket, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("quote: pay", q.Money, "earn", q.Points)
	fmt.Println("if unpaid, at", now.Add(15*time.Minute).Format(time.Kitchen), "the hold lapses: available", a.Balance(now.Add(15*time.Minute)).Available)

	a, _, err = p.Capture(a, c, loyalty.Capture{ID: "h1"}, now.Add(2*time.Minute)) // the payment went through
	if err != nil {
		fmt.Println(err)
		return
	}
	a, r, err := p.Purchase(a, c, basket, now.Add(2*time.Minute))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("paid", r.Money, "earned", r.Points, "- available", a.Balance(now.Add(2*time.Minute)).Available)
	_, back, err := p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Amount: r.Money}, now.Add(time.Hour))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("returned: points back", back.PointsBack, "points taken back", back.Points)
	// Output:
	// held 150 points, paying 15 - available now 50 held 150
	// quote: pay 85 earn 8
	// if unpaid, at 12:15PM the hold lapses: available 200
	// paid 85 earned 8 - available 58
	// returned: points back 150 points taken back 8
}

// A rule that fails at run time does not stop the checkout: it contributes
// nothing, its step in the trace says why, and Result.RuleFailures lists
// it for the host to alert on. A trace read back from JSON explains a
// result later.
func Example_ruleFailure() {
	p, err := loyalty.Compile(loyalty.Config{
		Name: "shop", Currency: "EUR", TimeZone: "Europe/Berlin",
		Rules: []rules.Rule{
			{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total / 10)"},
			{ID: "per-line", Kind: rules.Accrual, Value: "order.Total / len(order.Lines)"},
			{ID: "birthday", Kind: rules.Accrual, When: "isBirthday(customer.Birthday, now, 3)", Value: "100"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	_, r, err := p.Purchase(loyalty.Account{}, loyalty.Customer{ID: "c1"}, loyalty.Order{ID: "o1", Total: decimal.NewFromInt(250)}, now)
	fmt.Println("points", r.Points, "error", err)
	if err != nil {
		return
	}
	for _, f := range r.RuleFailures {
		fmt.Println("alert:", f.RuleID, f.Part)
	}
	stored, err := json.Marshal(r.Trace)
	if err != nil {
		fmt.Println(err)
		return
	}
	var trace []rules.Step
	if err := json.Unmarshal(stored, &trace); err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range trace {
		fmt.Println(st.RuleID, st.Status)
	}
	// Output:
	// points 25 error <nil>
	// alert: per-line value
	// base applied
	// per-line failed
	// birthday unknown
}

// Storing an account: the entries of each operation and, next to them, a
// snapshot and its version, in one transaction conditional on the version
// read. Loading is the snapshot and the entries written after it.
func ExampleAccount_Snapshot() {
	p, err := loyalty.Compile(loyalty.Config{
		Name: "shop", Currency: "EUR", TimeZone: "Europe/Berlin",
		Rules: []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := loyalty.Customer{ID: "c1"}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	a, _, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: decimal.NewFromInt(40)}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	stored, version := a.Snapshot(), a.Version() // UPDATE accounts SET snapshot=?, version=? WHERE id=? AND version=<read>

	_, r, err := p.Purchase(a, c, loyalty.Order{ID: "o2", Total: decimal.NewFromInt(2)}, now) // its entries are stored, the snapshot is not (yet)
	if err != nil {
		fmt.Println(err)
		return
	}

	loaded, err := p.LoadSnapshot(stored)
	if err != nil {
		fmt.Println(err)
		return
	}
	current, err := p.Resume(loaded, r.Entries) // the entries written after the snapshot
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("version", version, "→", current.Version(), "balance", current.Balance(now).Available)
	// Output:
	// version 2 → 4 balance 42
}
