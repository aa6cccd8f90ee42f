// Quickstart: a small coffee shop's loyalty programme, end to end. Points
// for purchases (double on beans), two tiers, a birthday gift; a few
// purchases, a partial refund, a redemption, a checkout at the till (a
// quote, points held while the customer pays, captured at payment, and
// given back on a return) and an expiry run, printing the ledger entries
// and the balance after each step, the trace that explains one order's
// outcome (read back from JSON, as a shop would store it), and the account
// stored as a snapshot.
//
//	go run ./examples/quickstart
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // the programme's zone works on machines without a zone database

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

var d = decimal.RequireFromString

// programme is what the shop configures once (it could be JSON).
var programme = loyalty.Config{
	Name: "Kofe Almaty", Currency: "KZT", MoneyPlaces: 2, TimeZone: "Asia/Almaty",
	Rules: []rules.Rule{
		{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total / 100) * 5", Description: "5 points per 100 tenge"},
		{ID: "beans-x2", Kind: rules.Accrual, When: `any(order.Lines, .Category == "beans")`,
			Value: `floor(sum(filter(order.Lines, .Category == "beans"), .Price * .Qty) / 100) * 5`, Description: "double on beans"},
		{ID: "gold-5", Kind: rules.Discount, Unit: rules.Percent, When: `customer.Tier == "gold"`, Value: "5"},
		{ID: "tenth-visit", Kind: rules.Accrual, When: "order.Number == 10", Value: "100"},
		{ID: "birthday", Kind: rules.Accrual, On: []string{"birthday"}, Value: "300"},
		{ID: "birthday-cake", Kind: rules.Gift, On: []string{"birthday"}, Value: `"cake-slice"`},
	},
	Tiers:            []loyalty.Tier{{Name: "silver"}, {Name: "gold", MinSpend: d("20000")}},
	TierWindowMonths: 12, TierGraceDays: 30,
	Expiry:      loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 6},
	PendingDays: 14,
	Redemption:  loyalty.RedemptionPolicy{PointValue: d("1"), MaxShare: d("0.5")},
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run() error {
	p, err := loyalty.Compile(programme)
	if err != nil {
		return err
	}
	loc := p.Location()
	day := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, loc) }
	customer := loyalty.Customer{ID: "aigerim", Birthday: time.Date(1994, 5, 12, 0, 0, 0, 0, time.UTC)}
	var account loyalty.Account
	var ledger []loyalty.Entry // what the shop's database would hold

	// step runs an operation the programme accepts and prints what it did;
	// a refusal ends the run.
	step := func(title string, now time.Time, op func(loyalty.Account) (loyalty.Account, loyalty.Result, error)) (loyalty.Result, error) {
		next, r, err := op(account)
		if err != nil {
			return r, fmt.Errorf("%s: %w", title, err)
		}
		fmt.Printf("\n%s — %s\n", now.Format("Jan 02 15:04"), title)
		if r.Duplicate {
			fmt.Printf("  duplicate of %s: the original result, no new entries (points %s)\n", r.Op, r.Points)
			return r, nil
		}
		account, ledger = next, append(ledger, r.Entries...)
		for _, e := range r.Entries {
			switch e.Kind {
			case loyalty.Record:
			case loyalty.TierChange:
				fmt.Printf("  %-10s → %s\n", e.Kind, e.Tier)
			default:
				fmt.Println(strings.TrimRight(fmt.Sprintf("  %-10s %8s  %s", e.Kind, signed(e.Points), e.RuleID), " "))
			}
		}
		if r.Discount.IsPositive() {
			label := "points pay" // a redemption, hold or capture
			if strings.HasPrefix(r.Op, "order:") {
				label = "discount"
			}
			fmt.Printf("  %s %s\n", label, r.Discount.StringFixed(2))
		}
		if len(r.Gifts) > 0 {
			fmt.Printf("  gifts %v\n", r.Gifts)
		}
		if r.PointsBack.IsPositive() {
			fmt.Printf("  points that paid, given back: %s\n", r.PointsBack)
		}
		b := account.Balance(now)
		fmt.Printf("  balance: %s available, %s held, %s pending; tier %s\n", b.Available, b.Held, b.Pending, account.Tier())
		return r, nil
	}
	// refusedByPolicy runs an operation the redemption policy must refuse
	// and prints why; any other outcome ends the run.
	refusedByPolicy := func(title string, now time.Time, op func(loyalty.Account) (loyalty.Account, loyalty.Result, error)) error {
		_, _, err := op(account)
		if !errors.Is(err, loyalty.ErrPolicy) {
			return fmt.Errorf("%s: want a refusal by the redemption policy, got %v", title, err)
		}
		fmt.Printf("\n%s — %s\n  refused: %v\n", now.Format("Jan 02 15:04"), title, err)
		return nil
	}
	order := func(id, total string, lines ...loyalty.Line) loyalty.Order {
		return loyalty.Order{ID: id, Total: d(total), Lines: lines}
	}
	latte := loyalty.Line{SKU: "latte", Category: "drinks", Qty: 2, Price: d("1200")}
	beans := loyalty.Line{SKU: "ethiopia-250g", Category: "beans", Qty: 1, Price: d("9600")}

	if _, err := step("order o1: 2 lattes and a bag of beans (12 000)", day(3, 2, 9), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, customer, order("o1", "12000", latte, beans), day(3, 2, 9))
	}); err != nil {
		return err
	}
	r, err := step("order o2: beans for the office (9 600) — reaches gold", day(3, 20, 17), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, customer, order("o2", "9600", beans), day(3, 20, 17))
	})
	if err != nil {
		return err
	}
	r, err = step("order o3 as gold: 2 lattes (2 400)", day(4, 1, 8), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, customer, order("o3", "2400", latte), day(4, 1, 8))
	})
	if err != nil {
		return err
	}
	// The shop keeps the trace (as JSON) to answer "why did I get these
	// points?" later.
	stored, err := json.Marshal(r.Trace)
	if err != nil {
		return err
	}
	var trace []rules.Step
	if err := json.Unmarshal(stored, &trace); err != nil {
		return err
	}
	fmt.Printf("  why (trace of o3, read back from %d bytes of JSON):\n", len(stored))
	for _, st := range trace {
		fmt.Println("    " + st.String())
	}
	if _, err := step("refund r1: half of o1 returned (6 000)", day(4, 3, 12), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Refund(a, customer, loyalty.Refund{ID: "r1", Order: "o1", Amount: d("6000")}, day(4, 3, 12))
	}); err != nil {
		return err
	}
	if _, err := step("redeem x1: 500 points off an order of 1 200", day(4, 10, 9), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Redeem(a, customer, loyalty.Redemption{ID: "x1", Points: d("500"), OrderTotal: d("1200")}, day(4, 10, 9))
	}); err != nil {
		return err
	}
	if err := refusedByPolicy("redeem x2: 600 points on a 1 000 order (over the 50 % limit)", day(4, 11, 9), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Redeem(a, customer, loyalty.Redemption{ID: "x2", Points: d("600"), OrderTotal: d("1000")}, day(4, 11, 9))
	}); err != nil {
		return err
	}
	if _, err := step("birthday", day(5, 12, 10), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Event(a, customer, loyalty.Event{ID: "birthday-2026", Kind: "birthday"}, day(5, 12, 10))
	}); err != nil {
		return err
	}
	if _, err := step("order o2 again (a retried webhook): nothing changes", day(5, 13, 10), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, customer, order("o2", "9600", beans), day(5, 13, 10))
	}); err != nil {
		return err
	}
	// At the till: a quote, the points the customer pays with held while
	// the card payment runs, captured when it succeeds, then the purchase.
	now := day(5, 20, 13)
	o4 := loyalty.Order{ID: "o4", Total: d("4800"), Lines: []loyalty.Line{{SKU: "latte", Category: "drinks", Qty: 4, Price: d("1200")}}, Redemption: "h1"}
	if _, err := step("till: hold 800 points for order o4 (4 800), 15 minutes", now, func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Hold(a, customer, loyalty.Hold{ID: "h1", Order: "o4", Points: d("800"), OrderTotal: o4.Total, Until: now.Add(15 * time.Minute)}, now)
	}); err != nil {
		return err
	}
	q, err := p.Quote(account, customer, o4, now)
	if err != nil {
		return err
	}
	fmt.Printf("  quote: goods %s − discount %s − points %s = to pay %s; earns %s points\n", o4.Total, q.Discount.StringFixed(2), d("800"), q.Money.StringFixed(2), q.Points)
	if _, err := step("till: the card payment went through — capture h1", now.Add(time.Minute), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Capture(a, customer, loyalty.Capture{ID: "h1"}, now.Add(time.Minute))
	}); err != nil {
		return err
	}
	r, err = step("till: order o4 recorded, paid partly with h1", now.Add(time.Minute), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, customer, o4, now.Add(time.Minute))
	})
	if err != nil {
		return err
	}
	fmt.Printf("  paid in money: %s\n", r.Money.StringFixed(2))
	if _, err := step("return of 2 of o4's 4 lattes", day(5, 22, 10), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Refund(a, customer, loyalty.Refund{ID: "r2", Order: "o4", Lines: []loyalty.RefundLine{{SKU: "latte", Qty: 2}}}, day(5, 22, 10))
	}); err != nil {
		return err
	}

	// The reminder the articles ask for: tell the customer before points expire.
	for _, e := range account.Expiring(day(9, 1, 0), day(12, 31, 0)) {
		fmt.Printf("reminder on 1 Sep: %s points expire on %s\n", e.Points, e.At.In(p.Location()).Format("2 Jan 2006 15:04"))
	}
	if _, err := step("expiry run: March's points are 6 months old", day(10, 1, 0), func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Expire(a, day(10, 1, 0))
	}); err != nil {
		return err
	}
	replayed, err := p.Replay(ledger)
	if err != nil {
		return err
	}
	snapshot := account.Snapshot() // what the shop stores next to the entries
	loaded, err := p.LoadSnapshot(snapshot)
	if err != nil {
		return err
	}
	t := account.Totals()
	fmt.Printf("\n%d ledger entries; replayed account equal: %v; %d-byte snapshot (version %d) loads equal: %v\n",
		len(ledger), replayed.Equal(account), len(snapshot), account.Version(), loaded.Equal(account))
	fmt.Printf("earned %s = redeemed %s + expired %s + reversed %s + balance %s\n",
		t.Earned, t.Redeemed, t.Expired, t.Reversed, account.Balance(day(10, 1, 0)).Available)

	// A typo in a rule is caught when the programme is saved, not at the till.
	bad := programme
	bad.Rules = []rules.Rule{{ID: "promo", Kind: rules.Accrual, When: `order.Chanel == "app"`, Value: "order.Total * 0.1"}}
	if _, err = loyalty.Compile(bad); err == nil {
		return errors.New("a rule with a typo was accepted")
	}
	fmt.Printf("\na rule with a typo is refused:\n%v\n", err)
	return nil
}

func signed(x decimal.Decimal) string {
	if x.IsPositive() {
		return "+" + x.String()
	}
	return x.String()
}
