package loyalty_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// The examples of the operations below share one programme and one
// customer, set up by opsShop and opsCustomer.

// opsShop is a clothes shop's programme: a point per euro of goods (scaled
// by the money paid), 50 points for a product review, a tote bag with
// orders of 100 or more, points expiring at the end of the year, a point
// paying 0.10 for at most half an order, and a gold tier for 500 spent in
// the last 12 months, kept for 30 days after the customer stops
// qualifying.
func opsShop() (*loyalty.Program, error) {
	return loyalty.Compile(loyalty.Config{
		Name: "shop", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin",
		Rules: []rules.Rule{
			{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"},
			{ID: "review", Kind: rules.Accrual, On: []string{"review"}, Value: "50"},
			{ID: "tote", Kind: rules.Gift, When: "order.Total >= 100", Value: `"tote-bag"`},
		},
		Tiers:            []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: decimal.NewFromInt(500)}},
		TierWindowMonths: 12, TierGraceDays: 30,
		Expiry:     loyalty.Expiry{Kind: loyalty.EndOfYear},
		Redemption: loyalty.RedemptionPolicy{PointValue: decimal.RequireFromString("0.10"), MaxShare: decimal.RequireFromString("0.5")},
	})
}

// opsCustomer is the customer of the examples, and opsDay a day of 2026
// at noon UTC.
var opsCustomer = loyalty.Customer{ID: "c1"}

func opsDay(m time.Month, day int) time.Time { return time.Date(2026, m, day, 12, 0, 0, 0, time.UTC) }

// opsMember is the shop's programme and the account of a customer who
// spent 200 on 2 March (order "o0"), earning 200 points.
func opsMember() (*loyalty.Program, loyalty.Account, error) {
	p, err := opsShop()
	if err != nil {
		return nil, loyalty.Account{}, err
	}
	a, _, err := p.Purchase(loyalty.Account{}, opsCustomer, loyalty.Order{ID: "o0", Total: decimal.NewFromInt(200)}, opsDay(3, 2))
	return p, a, err
}

// Quote prices a basket at the till — points, discount, gifts, the money to
// charge — without recording anything; quoting an order already bought
// returns that purchase, marked Duplicate.
func ExampleProgram_Quote() {
	p, a, err := opsMember()
	if err != nil {
		fmt.Println(err)
		return
	}
	basket := loyalty.Order{ID: "o1", Total: decimal.NewFromInt(120)}
	q, err := p.Quote(a, opsCustomer, basket, opsDay(6, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("quote: pay", q.Money, "earn", q.Points, "gifts", q.Gifts, "- version still", a.Version())
	a, _, err = p.Purchase(a, opsCustomer, basket, opsDay(6, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	q, err = p.Quote(a, opsCustomer, basket, opsDay(6, 2))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("quoted again after the purchase: duplicate", q.Duplicate, "earned", q.Points)
	// Output:
	// quote: pay 120 earn 120 gifts [tote-bag] - version still 3
	// quoted again after the purchase: duplicate true earned 120
}

// Redeem spends points for money off an order; the order names the
// redemption, so its points count as paying and the customer earns only on
// the money they pay. The programme's policy caps the share of an order
// points may pay.
func ExampleProgram_Redeem() {
	p, a, err := opsMember()
	if err != nil {
		fmt.Println(err)
		return
	}
	now := opsDay(6, 1)
	_, _, err = p.Redeem(a, opsCustomer, loyalty.Redemption{ID: "too-much", Points: decimal.NewFromInt(200), OrderTotal: decimal.NewFromInt(30)}, now)
	fmt.Println(errors.Is(err, loyalty.ErrPolicy), err)

	a, r, err := p.Redeem(a, opsCustomer, loyalty.Redemption{ID: "pay-1", Points: decimal.NewFromInt(150), OrderTotal: decimal.NewFromInt(50)}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("150 points pay", r.Discount, "- available", a.Balance(now).Available)
	a, r, err = p.Purchase(a, opsCustomer, loyalty.Order{ID: "o1", Total: decimal.NewFromInt(50), Redemption: "pay-1"}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("order of 50: pay", r.Money, "earn", r.Points, "- available", a.Balance(now).Available)
	// Output:
	// true loyalty: refused by the redemption policy: redeem:too-much: paying 20 with points is more than the maximum share 0.5 of the order 30
	// 150 points pay 15 - available 50
	// order of 50: pay 35 earn 35 - available 85
}

// CancelRedemption puts a redemption's points back, into the lots they came
// from, when the order they were to pay for is cancelled.
func ExampleProgram_CancelRedemption() {
	p, a, err := opsMember()
	if err != nil {
		fmt.Println(err)
		return
	}
	now := opsDay(6, 1)
	a, _, err = p.Redeem(a, opsCustomer, loyalty.Redemption{ID: "pay-1", Points: decimal.NewFromInt(150)}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("redeemed: available", a.Balance(now).Available)
	a, r, err := p.CancelRedemption(a, opsCustomer, "pay-1", now.Add(time.Hour))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("cancelled: points back", r.Points, "money owed again", r.Discount, "- available", a.Balance(now).Available)
	// Output:
	// redeemed: available 50
	// cancelled: points back 150 money owed again 15 - available 200
}

// A purchase paid partly with points, returned in two parts by lines. Each
// refund takes back its share of the points earned and gives back its
// share of the points that paid; the gift is listed to take back once the
// whole order is returned.
func ExampleProgram_Refund() {
	p, a, err := opsMember()
	if err != nil {
		fmt.Println(err)
		return
	}
	now := opsDay(6, 1)
	a, _, err = p.Redeem(a, opsCustomer, loyalty.Redemption{ID: "pay-1", Points: decimal.NewFromInt(100)}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	a, r, err := p.Purchase(a, opsCustomer, loyalty.Order{ID: "o1", Total: decimal.NewFromInt(150), Redemption: "pay-1", Lines: []loyalty.Line{
		{SKU: "shirt", Qty: 2, Price: decimal.NewFromInt(60)},
		{SKU: "cap", Qty: 1, Price: decimal.NewFromInt(30)},
	}}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("goods 150, 100 points paying 10: paid", r.Money, "earned", r.Points, "gifts", r.Gifts)

	for _, rf := range []loyalty.Refund{
		{ID: "r1", Order: "o1", Lines: []loyalty.RefundLine{{SKU: "shirt", Qty: 1}}},
		{ID: "r2", Order: "o1", Lines: []loyalty.RefundLine{{SKU: "shirt", Qty: 1}, {SKU: "cap", Qty: 1}}},
	} {
		a, r, err = p.Refund(a, opsCustomer, rf, now.AddDate(0, 0, 7))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(rf.ID, "refunds", r.Money, "- points taken back", r.Points, "points given back", r.PointsBack, "gifts to take back", r.GiftsBack)
	}
	fmt.Println("available", a.Balance(now.AddDate(0, 0, 7)).Available)
	// Output:
	// goods 150, 100 points paying 10: paid 140 earned 140 gifts [tote-bag]
	// r1 refunds 56 - points taken back 56 points given back 40 gifts to take back []
	// r2 refunds 84 - points taken back 84 points given back 60 gifts to take back [tote-bag]
	// available 200
}

// Hold, then Capture when the payment goes through: capturing fewer points
// than held (the customer removed an item) frees the rest. The order names
// the hold.
func ExampleProgram_Capture() {
	p, a, err := opsMember()
	if err != nil {
		fmt.Println(err)
		return
	}
	now := opsDay(6, 1)
	a, _, err = p.Hold(a, opsCustomer, loyalty.Hold{ID: "h1", Order: "o1", Points: decimal.NewFromInt(150), For: 15 * time.Minute}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("held", a.Balance(now).Held, "- available", a.Balance(now).Available)
	paid := now.Add(2 * time.Minute)
	a, r, err := p.Capture(a, opsCustomer, loyalty.Capture{ID: "h1", Points: decimal.NewFromInt(100)}, paid)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("captured 100 paying", r.Discount, "- held", a.Balance(paid).Held, "available", a.Balance(paid).Available)
	a, r, err = p.Purchase(a, opsCustomer, loyalty.Order{ID: "o1", Total: decimal.NewFromInt(40), Redemption: "h1"}, paid)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("order of 40: pay", r.Money, "earn", r.Points, "- available", a.Balance(paid).Available)
	// Output:
	// held 150 - available 50
	// captured 100 paying 10 - held 0 available 100
	// order of 40: pay 30 earn 30 - available 130
}

// Release ends a hold when the payment fails: its points are available
// again, and the hold can no longer be captured.
func ExampleProgram_Release() {
	p, a, err := opsMember()
	if err != nil {
		fmt.Println(err)
		return
	}
	now := opsDay(6, 1)
	a, _, err = p.Hold(a, opsCustomer, loyalty.Hold{ID: "h1", Order: "o1", Points: decimal.NewFromInt(150), For: 15 * time.Minute}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("held", a.Balance(now).Held, "- available", a.Balance(now).Available)
	a, _, err = p.Release(a, opsCustomer, "h1", now.Add(time.Minute)) // the card was declined
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("released: held", a.Balance(now).Held, "available", a.Balance(now).Available)
	_, _, err = p.Capture(a, opsCustomer, loyalty.Capture{ID: "h1"}, now.Add(2*time.Minute))
	fmt.Println(errors.Is(err, loyalty.ErrHoldResolved), err)
	// Output:
	// held 150 - available 50
	// released: held 0 available 200
	// true loyalty: hold already captured or released: capture:h1: hold "h1" was released
}

// Event awards what the rules give on a non-purchase occasion: the review
// rule runs on "review" events (its On), the purchase rules do not. The
// event id makes it once-only.
func ExampleProgram_Event() {
	p, a, err := opsMember()
	if err != nil {
		fmt.Println(err)
		return
	}
	review := loyalty.Event{ID: "review-o0", Kind: "review", Attributes: map[string]string{"order": "o0"}}
	a, r, err := p.Event(a, opsCustomer, review, opsDay(3, 9))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("review earned", r.Points, "- available", a.Balance(opsDay(3, 9)).Available)
	for _, st := range r.Trace {
		fmt.Println(" ", st.RuleID, st.Status)
	}
	_, r, err = p.Event(a, opsCustomer, review, opsDay(3, 10))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("sent again: duplicate", r.Duplicate, "earned", r.Points)
	// Output:
	// review earned 50 - available 250
	//   base not_applicable
	//   review applied
	//   tote not_applicable
	// sent again: duplicate true earned 50
}

// Reverse takes back what an event gave: here a review reward for a
// review the shop removed (a referral reward clawed back by the campaign
// package is reversed the same way, its Clawback.Entry as the id). Once
// per event; a retry returns the original.
func ExampleProgram_Reverse() {
	p, a, err := opsMember()
	if err != nil {
		fmt.Println(err)
		return
	}
	a, r, err := p.Event(a, opsCustomer, loyalty.Event{ID: "review-o0", Kind: "review"}, opsDay(3, 9))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("review earned", r.Points, "- available", a.Balance(opsDay(3, 9)).Available)
	a, r, err = p.Reverse(a, opsCustomer, loyalty.Reversal{ID: "removed-review-o0", Event: "review-o0"}, opsDay(4, 9))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("reversed", r.Points, "- available", a.Balance(opsDay(4, 9)).Available)
	_, _, err = p.Reverse(a, opsCustomer, loyalty.Reversal{ID: "again", Event: "review-o0"}, opsDay(4, 10))
	fmt.Println(errors.Is(err, loyalty.ErrReversed), err)
	// Output:
	// review earned 50 - available 250
	// reversed 50 - available 200
	// true loyalty: already reversed: reverse:again: event "review-o0" was reversed by reverse:removed-review-o0
}

// Expire, run after the end of the year, expires the points earned that
// year that were not spent. Until it runs they show as Expiring; a second
// run at the same instant adds nothing.
func ExampleProgram_Expire() {
	p, a, err := opsMember()
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _, err = p.Redeem(a, opsCustomer, loyalty.Redemption{ID: "pay-1", Points: decimal.NewFromInt(80)}, opsDay(6, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range a.Expiring(opsDay(6, 1), opsDay(12, 31).AddDate(0, 0, 1)) {
		fmt.Println(e.Points, "points expire at", e.At.In(p.Location()).Format(time.DateTime))
	}
	jan15 := time.Date(2027, 1, 15, 3, 0, 0, 0, time.UTC) // the nightly job
	b := a.Balance(jan15)
	fmt.Println("on 15 January, before the run: available", b.Available, "expiring", b.Expiring)
	a, r, err := p.Expire(a, jan15)
	if err != nil {
		fmt.Println(err)
		return
	}
	b = a.Balance(jan15)
	fmt.Println("expired", r.Points, "- available", b.Available, "expiring", b.Expiring)
	_, r, err = p.Expire(a, jan15)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("run again: duplicate", r.Duplicate)
	// Output:
	// 120 points expire at 2027-01-01 00:00:00
	// on 15 January, before the run: available 0 expiring 120
	// expired 120 - available 0 expiring 0
	// run again: duplicate true
}

// ReviewTier, run at period ends, demotes a customer TierGraceDays after
// they stopped qualifying: here the order that made them gold rolls out of
// the 12-month window on 10 January 2027, and they keep gold for 30 days.
func ExampleProgram_ReviewTier() {
	p, err := opsShop()
	if err != nil {
		fmt.Println(err)
		return
	}
	a, r, err := p.Purchase(loyalty.Account{}, opsCustomer, loyalty.Order{ID: "o1", Total: decimal.NewFromInt(600)}, opsDay(1, 10))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("spent 600 on 10 January 2026:", r.Tier, "changed", r.TierChanged)
	for _, end := range []time.Time{
		time.Date(2027, 1, 1, 0, 0, 0, 0, p.Location()),
		time.Date(2027, 2, 1, 0, 0, 0, 0, p.Location()),
		time.Date(2027, 3, 1, 0, 0, 0, 0, p.Location()),
	} {
		a, r, err = p.ReviewTier(a, end)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("review on", end.Format(time.DateOnly)+":", a.Tier(), "changed", r.TierChanged)
	}
	// Output:
	// spent 600 on 10 January 2026: gold changed true
	// review on 2027-01-01: gold changed false
	// review on 2027-02-01: gold changed false
	// review on 2027-03-01: member changed true
}

// The account is the fold of its entries: a host that stores every
// operation's entries can replay them into the same account, ending at the
// same head (the hash it stores with the account).
func ExampleProgram_Replay() {
	p, err := opsShop()
	if err != nil {
		fmt.Println(err)
		return
	}
	var stored []loyalty.Entry // what the host inserted, operation by operation
	a, r, err := p.Purchase(loyalty.Account{}, opsCustomer, loyalty.Order{ID: "o1", Total: decimal.NewFromInt(200)}, opsDay(3, 2))
	if err != nil {
		fmt.Println(err)
		return
	}
	stored = append(stored, r.Entries...)
	a, r, err = p.Redeem(a, opsCustomer, loyalty.Redemption{ID: "pay-1", Points: decimal.NewFromInt(50)}, opsDay(4, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	stored = append(stored, r.Entries...)
	a, r, err = p.Refund(a, opsCustomer, loyalty.Refund{ID: "r1", Order: "o1", Amount: decimal.NewFromInt(20)}, opsDay(4, 2))
	if err != nil {
		fmt.Println(err)
		return
	}
	stored = append(stored, r.Entries...)

	replayed, err := p.Replay(stored)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(stored), "entries; same account:", replayed.Equal(a), "same head:", replayed.Head() == a.Head())
	fmt.Println("balance", replayed.Balance(opsDay(4, 2)).Available, "version", replayed.Version())
	// Output:
	// 7 entries; same account: true same head: true
	// balance 130 version 7
}

// Resume brings a stored snapshot up to date with the entries written
// after it (the host need not write a snapshot on every operation).
func ExampleProgram_Resume() {
	p, a, err := opsMember()
	if err != nil {
		fmt.Println(err)
		return
	}
	snapshot := a.Snapshot() // stored with version a.Version()
	var later []loyalty.Entry
	a, r, err := p.Event(a, opsCustomer, loyalty.Event{ID: "review-o0", Kind: "review"}, opsDay(3, 9))
	if err != nil {
		fmt.Println(err)
		return
	}
	later = append(later, r.Entries...)
	a, r, err = p.Purchase(a, opsCustomer, loyalty.Order{ID: "o1", Total: decimal.NewFromInt(30)}, opsDay(3, 20))
	if err != nil {
		fmt.Println(err)
		return
	}
	later = append(later, r.Entries...)

	loaded, err := p.LoadSnapshot(snapshot)
	if err != nil {
		fmt.Println(err)
		return
	}
	current, err := p.Resume(loaded, later)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("snapshot at version", loaded.Version(), "+", len(later), "entries → version", current.Version())
	fmt.Println("same account:", current.Equal(a), "balance", current.Balance(opsDay(3, 20)).Available)
	// Output:
	// snapshot at version 3 + 4 entries → version 7
	// same account: true balance 280
}
