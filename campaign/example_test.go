package campaign_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/campaign"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// A beauty salon's spring: a budget of bonus points that runs out, a
// coupon, a referral. Each state is a value the host stores with its
// version; each operation returns entries to persist.
func Example() {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

	// A budget: 150 bonus points for the whole campaign.
	budget, err := campaign.NewBudget(campaign.BudgetConfig{ID: "spring-bonus", Unit: campaign.Points, Total: decimal.NewFromInt(150)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, order := range []string{"o1", "o2", "o3"} {
		var g campaign.Grant
		budget, g, _ = budget.Reserve(campaign.Reservation{ID: order + "/bonus", Amount: decimal.NewFromInt(60)}, now)
		fmt.Println(order, "bonus granted", g.Amount, g.Reason)
	}

	// Coupons: ten single-use codes from a seed, one use per customer.
	coupons, err := campaign.CompileCoupons(campaign.CouponConfig{
		Campaign: "spring", Format: campaign.CodeFormat{Prefix: "SPR", Length: 8}, UsesPerCode: 1, PerCustomer: 1,
		ValidUntil: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
		Batches:    []campaign.Batch{{ID: "flyers", Seed: []byte("a secret seed of 16+ bytes"), Count: 10}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	code := coupons.Codes("flyers")[0]
	book := coupons.Book()
	book, _, err = book.Use(campaign.CouponUse{Order: "o1", Code: code, Customer: "ann"}, now)
	fmt.Println("ann uses a code:", err)
	_, _, err = book.Use(campaign.CouponUse{Order: "o2", Code: code, Customer: "bea"}, now)
	fmt.Println("bea uses it again:", campaign.ReasonOf(err))

	// A referral: ann brings bea; bea's first visit of 40 or more rewards both.
	referrals, err := campaign.CompileReferrals(campaign.ReferralConfig{
		Campaign: "friends", Format: campaign.CodeFormat{Prefix: "FR", Length: 6}, Seed: []byte("another secret, 16+ bytes"),
		Qualify:        "order.Total >= 40",
		AdvocateReward: campaign.Reward{Points: decimal.NewFromInt(300)},
		FriendReward:   campaign.Reward{Gift: "hand-cream"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	refs := referrals.Book()
	refs, en, _ := refs.Enrol(campaign.Enrolment{Advocate: "ann"}, now)
	refs, _, _ = refs.Attribute(campaign.Attribution{Friend: "bea", Code: en.Code}, now)
	_, q, _ := refs.Qualify(campaign.Purchase{Order: "o2", Friend: "bea", Total: decimal.NewFromInt(55)}, now)
	for _, r := range q.Rewards {
		fmt.Printf("%v %s: %s points, gift %q\n", r.Role, r.Customer, r.Points, r.Gift)
	}
	// Output:
	// o1 bonus granted 60 none
	// o2 bonus granted 60 none
	// o3 bonus granted 30 exhausted
	// ann uses a code: <nil>
	// bea uses it again: used_up
	// friend bea: 0 points, gift "hand-cream"
	// advocate ann: 300 points, gift ""
}

// A loyalty rule paid from a campaign budget: the rule names the budget
// (rules.Rule.Budget) and each order carries what the budget granted it
// (loyalty.Order.Grants). The host quotes the purchase without a grant to
// learn what the rule would give (its trace step's Computed), reserves
// that from the budget, and buys with the grant. When the budget is
// exhausted the grant is 0: the rule gives nothing, its trace says why,
// and the purchase goes on.
func ExampleBudget_Reserve_withLoyalty() {
	p, err := loyalty.Compile(loyalty.Config{
		Name: "salon", Currency: "EUR", TimeZone: "Europe/Berlin",
		Rules: []rules.Rule{
			{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"},
			{ID: "spring-double", Kind: rules.Accrual, Value: "floor(order.Total)", Budget: "spring"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	budget, err := campaign.NewBudget(campaign.BudgetConfig{ID: "spring", Unit: campaign.Points, Total: decimal.NewFromInt(100)})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	c := loyalty.Customer{ID: "ann"}
	step := func(r loyalty.Result, id string) rules.Step {
		i := slices.IndexFunc(r.Trace, func(st rules.Step) bool { return st.RuleID == id })
		return r.Trace[i]
	}
	var acc loyalty.Account
	for _, o := range []loyalty.Order{{ID: "o1", Total: decimal.NewFromInt(80)}, {ID: "o2", Total: decimal.NewFromInt(50)}, {ID: "o3", Total: decimal.NewFromInt(30)}} {
		// 1. What would the campaign rule give?
		q, err := p.Quote(acc, c, o, now)
		if err != nil {
			fmt.Println(err)
			return
		}
		want := step(q, "spring-double").Computed
		// 2. Reserve it. 3. Buy with the grant. In production, the budget's
		// entries, the account's entries and both new versions are written
		// in one transaction (see the package documentation).
		var g campaign.Grant
		budget, g, err = budget.Reserve(campaign.Reservation{ID: o.ID + "/spring", Amount: want, Customer: "ann", Order: o.ID}, now)
		if err != nil {
			fmt.Println(err)
			return
		}
		o.Grants = loyalty.Grants{"spring": g.Amount}
		var r loyalty.Result
		acc, r, err = p.Purchase(acc, c, o, now)
		if err != nil {
			fmt.Println(err)
			return
		}
		st := step(r, "spring-double")
		fmt.Printf("%s: wanted %s, granted %s (%v), earned %s, rule %s\n", o.ID, want, g.Amount, g.Reason, r.Points, strings.TrimSpace(st.Status.String()+" "+st.Reason))
	}
	// When o1 is refunded in full, its grant goes back to the budget.
	budget, rel, err := budget.Release(campaign.Release{ID: "refund-o1", Reservation: "o1/spring"}, now)
	fmt.Println("released", rel.Amount, "remaining", budget.Remaining(now), err)
	// Output:
	// o1: wanted 80, granted 80 (none), earned 160, rule applied
	// o2: wanted 50, granted 20 (exhausted), earned 70, rule capped budget spring: 20 granted
	// o3: wanted 30, granted 0 (exhausted), earned 30, rule limited budget spring: nothing granted
	// released 80 remaining 80 <nil>
}

// A budget per calendar month in the shop's zone: 10 gifts a month,
// whole gifts only.
func ExampleBudgetConfig_perPeriod() {
	b, err := campaign.NewBudget(campaign.BudgetConfig{ID: "gifts", Unit: campaign.Gifts, PerPeriod: decimal.NewFromInt(10),
		Period: campaign.Month, TimeZone: "Europe/Berlin", Policy: campaign.AllOrNothing})
	if err != nil {
		fmt.Println(err)
		return
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	lastOfMarch := time.Date(2026, 3, 31, 23, 30, 0, 0, berlin)
	b, g, _ := b.Reserve(campaign.Reservation{ID: "r1", Amount: decimal.NewFromInt(8)}, lastOfMarch)
	fmt.Println(g.Amount, g.Reason, g.Period.In(berlin).Format(time.DateOnly))
	b, g, _ = b.Reserve(campaign.Reservation{ID: "r2", Amount: decimal.NewFromInt(3)}, lastOfMarch)
	fmt.Println(g.Amount, g.Reason)
	_, g, _ = b.Reserve(campaign.Reservation{ID: "r3", Amount: decimal.NewFromInt(3)}, lastOfMarch.Add(time.Hour))
	fmt.Println(g.Amount, g.Reason, g.Period.In(berlin).Format(time.DateOnly))

	_, err = campaign.NewBudget(campaign.BudgetConfig{ID: "gifts", Unit: campaign.Gifts, Total: decimal.NewFromInt(-5)})
	fmt.Println(errors.Is(err, campaign.ErrInvalidInput), err)
	// Output:
	// 8 none 2026-03-01
	// 0 period_exhausted
	// 3 none 2026-04-01
	// true campaign: total -5 is negative
}

// Codes for print: reproducible from the seed, grouped for reading; what
// a customer types back is normalised.
func ExampleGenerateCodes() {
	f := campaign.CodeFormat{Prefix: "SPR", Length: 8}
	codes, err := campaign.GenerateCodes(f, []byte("a secret seed of 16+ bytes"), 3, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range codes {
		fmt.Println(c[:3] + "-" + c[3:7] + "-" + c[7:])
	}
	typed := "spr " + codes[0][3:7] + "-" + codes[0][7:]
	fmt.Println(f.CheckFormat(typed))
	_, err = campaign.GenerateCodes(f, []byte("short"), 3, nil)
	fmt.Println(err)
	// Output:
	// SPR-5XT3-JY29J
	// SPR-Z5C6-AY6DZ
	// SPR-RA6Z-PBA4M
	// SPR5XT3JY29J none
	// campaign: seed is 5 bytes; at least 16 are needed (a secret from crypto/rand)
}

// Checking a code at the till, with the reason when it is refused.
func ExampleCouponBook_Check() {
	coupons, err := campaign.CompileCoupons(campaign.CouponConfig{
		Campaign: "spring", Format: campaign.CodeFormat{Prefix: "SPR", Length: 8}, UsesPerCode: 1,
		ValidFrom: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
		Batches: []campaign.Batch{{ID: "vip", Seed: []byte("a secret seed of 16+ bytes"), Customers: []string{"ann", "bea"}}},
		Codes:   []campaign.FixedCode{{Code: "WELCOME", Uses: 100}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	annCode := coupons.Codes("vip")[0]
	book := coupons.Book()
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	for _, try := range []struct{ code, customer string }{
		{annCode, "ann"},
		{annCode, "bea"},
		{"welcome", "bea"},
		{annCode[:5] + "X" + annCode[6:], "ann"},
		{"SUM1234", "ann"},
	} {
		v := book.Check(try.code, try.customer, now)
		fmt.Println(try.customer, v.Reason, v.Left)
	}
	fmt.Println(book.Check(annCode, "ann", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)).Reason)
	// Output:
	// ann none 1
	// bea wrong_customer 0
	// bea none 100
	// ann bad_check 0
	// ann unknown_code 0
	// expired
}

// A referral clawed back: the qualifying order is refunded in full, and
// the result lists what to reverse.
func ExampleReferralBook_Refund() {
	referrals, err := campaign.CompileReferrals(campaign.ReferralConfig{
		Campaign: "friends", Format: campaign.CodeFormat{Prefix: "FR", Length: 6}, Seed: []byte("another secret, 16+ bytes"),
		AdvocateReward: campaign.Reward{Points: decimal.NewFromInt(300)}, FriendReward: campaign.Reward{Points: decimal.NewFromInt(100)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	refs := referrals.Book()
	refs, en, _ := refs.Enrol(campaign.Enrolment{Advocate: "ann"}, now)
	_, _, err = refs.Attribute(campaign.Attribution{Friend: "ann", Code: en.Code}, now)
	fmt.Println(campaign.ReasonOf(err))
	refs, _, _ = refs.Attribute(campaign.Attribution{Friend: "bea", Code: en.Code}, now)
	refs, _, _ = refs.Qualify(campaign.Purchase{Order: "o7", Friend: "bea", Total: decimal.NewFromInt(60)}, now)
	refs, r, _ := refs.Refund(campaign.OrderRefund{ID: "rf1", Order: "o7", Amount: decimal.NewFromInt(60)}, now)
	for _, c := range r.Clawbacks {
		fmt.Println("reverse", c.Points, "of", c.Reward, "from", c.Customer)
	}
	_, q, _ := refs.Qualify(campaign.Purchase{Order: "o8", Friend: "bea", Total: decimal.NewFromInt(60)}, now)
	fmt.Println(q.Reason)
	// Output:
	// self_referral
	// reverse 100 of qualify:o7/0 from bea
	// reverse 300 of qualify:o7/1 from ann
	// already_rewarded
}
