// Command salon tells a beauty salon's spring with loyalkit: a stamp card
// (every 6th visit a free manicure), a review reward once a month, a
// bonus paid from a campaign budget until it runs out, a coupon, a
// referral that rewards both friends (and one clawed back when the
// friend returns the order), and a first-anniversary gift given once. Run it with `go run ./examples/salon`.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/campaign"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "salon:", err)
		os.Exit(1)
	}
}

var loc, _ = time.LoadLocation("Europe/Berlin")

func day(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, loc) }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// salon is the story's state: the programme, the campaign's budget,
// coupons and referrals, and each customer's account — values the host
// would store with their versions.
type salon struct {
	out      io.Writer
	p        *loyalty.Program
	budget   campaign.Budget
	coupons  campaign.CouponBook
	refs     campaign.ReferralBook
	accounts map[string]loyalty.Account
	people   map[string]loyalty.Customer
}

func programme() loyalty.Config {
	return loyalty.Config{
		Name: "salon", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin",
		Goals: []loyalty.Goal{{ID: "visits", Target: dec("6")}}, // a stamp card: a stamp a visit
		Rules: []rules.Rule{
			{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"},
			{ID: "spring-double", Kind: rules.Accrual, Value: "floor(order.Total)", Budget: "spring"},
			{ID: "sixth-visit", Kind: rules.Discount, Unit: rules.Amount, When: `goals["visits"].Completes`, Value: "min(order.Total, 25)"},
			{ID: "coupon", Kind: rules.Discount, Unit: rules.Percent, When: `order.Coupon != ""`, Value: "10"},
			{ID: "review", Kind: rules.Accrual, On: []string{"review"}, Value: "30",
				Limit: rules.Limit{Times: 1, Per: rules.Month}},
			{ID: "anniversary", Kind: rules.Gift, On: []string{"anniversary"},
				When: "daysSince(customer.Registered, now) >= 365", Value: `"free-treatment"`, Limit: rules.Limit{Times: 1}},
			{ID: "referral", Kind: rules.Accrual, On: []string{"referral"}, Value: "300"},
		},
	}
}

func run(out io.Writer) error {
	p, err := loyalty.Compile(programme())
	if err != nil {
		return err
	}
	budget, err := campaign.NewBudget(campaign.BudgetConfig{ID: "spring-double", Unit: campaign.Points, Total: dec("150")})
	if err != nil {
		return err
	}
	coupons, err := campaign.CompileCoupons(campaign.CouponConfig{
		Campaign: "spring", Format: campaign.CodeFormat{Prefix: "SPR", Length: 8}, UsesPerCode: 1, PerCustomer: 1,
		ValidUntil: day(4, 1, 0),
		Batches:    []campaign.Batch{{ID: "flyers", Seed: []byte("the salon's flyer seed, 2026"), Count: 50}},
	})
	if err != nil {
		return err
	}
	referrals, err := campaign.CompileReferrals(campaign.ReferralConfig{
		Campaign: "friends", Format: campaign.CodeFormat{Prefix: "FR", Length: 6}, Seed: []byte("the salon's referral seed"),
		Qualify: "order.Total >= 40", AdvocateReward: campaign.Reward{Points: dec("300")}, FriendReward: campaign.Reward{Gift: "hand-cream"},
	})
	if err != nil {
		return err
	}
	s := &salon{out: out, p: p, budget: budget, coupons: coupons.Book(), refs: referrals.Book(),
		accounts: map[string]loyalty.Account{},
		people: map[string]loyalty.Customer{
			"ann": {ID: "ann", Registered: time.Date(2025, 3, 14, 0, 0, 0, 0, loc)},
			"bea": {ID: "bea", Registered: day(3, 10, 0)},
			"cat": {ID: "cat", Registered: day(3, 22, 0)},
		}}
	flyer := coupons.Codes("flyers")[0]

	fmt.Fprintln(out, "A beauty salon's spring (points: 1 a euro; spring double points from a budget of 150)")
	fmt.Fprintln(out)
	steps := []func() error{ // in time order
		func() error { return s.visit("ann", "a1", "40", "", day(3, 2, 10)) },
		func() error { return s.event("ann", "review-1", "review", day(3, 3, 18)) },
		func() error { return s.refer("ann", "bea", day(3, 9, 12)) },
		func() error { return s.visit("bea", "b1", "55", flyer, day(3, 12, 11)) },
		func() error { return s.visit("ann", "a2", "60", "", day(3, 13, 10)) },
		func() error { return s.event("ann", "anniversary-2026", "anniversary", day(3, 14, 9)) },
		func() error { return s.visit("bea", "b2", "30", flyer, day(3, 19, 11)) },
		func() error { return s.event("ann", "review-2", "review", day(3, 20, 18)) },
		func() error { return s.visit("ann", "a3", "35", "", day(3, 21, 10)) },
		func() error { return s.refer("ann", "cat", day(3, 22, 12)) },
		func() error { return s.visit("cat", "c1", "50", "", day(3, 25, 11)) },
		func() error { return s.refund("cat", "c1", "50", day(3, 27, 11)) },
		func() error { return s.visit("ann", "a4", "35", "", day(3, 28, 10)) },
		func() error { return s.event("ann", "review-3", "review", day(4, 2, 18)) },
		func() error { return s.visit("ann", "a5", "35", "", day(4, 4, 10)) },
		func() error { return s.visit("ann", "a6", "45", "", day(4, 11, 10)) },
		func() error { return s.event("ann", "anniversary-again", "anniversary", day(4, 12, 9)) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	fmt.Fprintln(out)
	for _, who := range []string{"ann", "bea", "cat"} {
		a := s.accounts[who]
		gp, err := p.Progress(a, day(4, 12, 12))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: %s points; stamp card %s of %s (%d full)\n", who, a.Balance(day(4, 12, 12)).Available, gp[0].Progress, gp[0].Target, gp[0].Completed)
	}
	fmt.Fprintf(out, "spring budget: %s of %s points given\n", s.budget.Granted(), dec("150"))
	return nil
}

// visit is a purchase: the coupon is checked and used first (a refused
// code is not applied), then the spring bonus is reserved from the
// budget at what the rule would give, then the purchase is made with the
// grant; a friend's first visit may qualify their referral.
func (s *salon) visit(who, order, total, code string, at time.Time) error {
	c := s.people[who]
	o := loyalty.Order{ID: order, Total: dec(total)}
	var notes []string
	if code != "" {
		if v := s.coupons.Check(code, who, at); v.Reason != campaign.NoReason {
			notes = append(notes, fmt.Sprintf("coupon refused: %v", v.Reason))
		} else {
			next, _, err := s.coupons.Use(campaign.CouponUse{Order: order, Code: code, Customer: who}, at)
			if err != nil {
				return err
			}
			s.coupons, o.Coupon = next, code
			notes = append(notes, "coupon 10% off")
		}
	}
	q, err := s.p.Quote(s.accounts[who], c, o, at)
	if err != nil {
		return err
	}
	want := decimal.Zero // what the budgeted rule would give: its step's Computed in a quote without a grant
	for _, st := range q.Trace {
		if st.RuleID == "spring-double" {
			want = st.Computed
		}
	}
	if want.IsPositive() {
		next, g, err := s.budget.Reserve(campaign.Reservation{ID: order + "/spring", Amount: want, Customer: who, Order: order}, at)
		if err != nil {
			return err
		}
		s.budget = next
		o.Grants = loyalty.Grants{"spring": g.Amount}
		if g.Amount.IsPositive() { // nothing granted: the rule's trace step says so (limited)
			note := fmt.Sprintf("spring bonus: %s of %s granted", g.Amount, want)
			if g.Reason != campaign.NoReason {
				note += fmt.Sprintf(" (%v)", g.Reason)
			}
			notes = append(notes, note)
		}
	}
	a, r, err := s.p.Purchase(s.accounts[who], c, o, at)
	if err != nil {
		return err
	}
	s.accounts[who] = a
	if r.Discount.IsPositive() {
		for _, st := range r.Trace {
			if st.RuleID == "sixth-visit" && st.Value.IsPositive() {
				notes = append(notes, "6th visit: free manicure "+st.Value.String())
			}
		}
	}
	s.line(at, who, fmt.Sprintf("visit %s %s EUR, pays %s", order, total, r.Money), r, notes)
	next, qr, err := s.refs.Qualify(campaign.Purchase{Order: order, Friend: who, Total: dec(total)}, at)
	if err != nil {
		return err
	}
	s.refs = next
	for _, rw := range qr.Rewards {
		if rw.Points.IsPositive() { // the advocate's points, posted as a loyalty event
			if err := s.event(rw.Customer, "referral-"+who, "referral", at); err != nil {
				return err
			}
		}
		if rw.Gift != "" {
			fmt.Fprintf(s.out, "%s %-4s referral gift: %s\n", at.Format("Jan 02"), rw.Customer, rw.Gift)
		}
	}
	return nil
}

// refund returns an order: loyalty takes its points back, and a referral
// it qualified is clawed back — the advocate's points by reversing the
// loyalty event that gave them (the clawback's entry id as the reversal's,
// so a retry is recognised).
func (s *salon) refund(who, order, amount string, at time.Time) error {
	a, r, err := s.p.Refund(s.accounts[who], s.people[who], loyalty.Refund{ID: "refund-" + order, Order: order, Amount: dec(amount)}, at)
	if err != nil {
		return err
	}
	s.accounts[who] = a
	s.line(at, who, fmt.Sprintf("refund of %s: %s EUR", order, amount), loyalty.Result{Points: r.Points.Neg()}, nil)
	next, rr, err := s.refs.Refund(campaign.OrderRefund{ID: "refund-" + order, Order: order, Amount: dec(amount)}, at)
	if err != nil {
		return err
	}
	s.refs = next
	for _, cb := range rr.Clawbacks {
		if cb.Points.IsPositive() {
			a, r, err := s.p.Reverse(s.accounts[cb.Customer], s.people[cb.Customer],
				loyalty.Reversal{ID: cb.Entry, Event: "referral-" + who}, at)
			if err != nil {
				return err
			}
			s.accounts[cb.Customer] = a
			s.line(at, cb.Customer, "referral clawed back", loyalty.Result{Points: r.Points.Neg()}, nil)
		}
		if cb.Gift != "" {
			fmt.Fprintf(s.out, "%s %-4s referral gift to take back: %s\n", at.Format("Jan 02"), cb.Customer, cb.Gift)
		}
	}
	return nil
}

func (s *salon) event(who, id, kind string, at time.Time) error {
	a, r, err := s.p.Event(s.accounts[who], s.people[who], loyalty.Event{ID: id, Kind: kind}, at)
	if err != nil {
		return err
	}
	s.accounts[who] = a
	s.line(at, who, kind, r, nil)
	return nil
}

func (s *salon) refer(advocate, friend string, at time.Time) error {
	refs, en, err := s.refs.Enrol(campaign.Enrolment{Advocate: advocate}, at)
	if err != nil {
		return err
	}
	refs, _, err = refs.Attribute(campaign.Attribution{Friend: friend, Code: en.Code}, at)
	if err != nil {
		return err
	}
	s.refs = refs
	fmt.Fprintf(s.out, "%s %-4s refers %s with code %s\n", at.Format("Jan 02"), advocate, friend, en.Code)
	if _, _, err := s.refs.Attribute(campaign.Attribution{Friend: advocate, Code: en.Code}, at); err != nil {
		fmt.Fprintf(s.out, "%s %-4s tries her own code: refused (%v)\n", at.Format("Jan 02"), advocate, campaign.ReasonOf(err))
	}
	return nil
}

// line prints one operation: what it gave and what limited it.
func (s *salon) line(at time.Time, who, what string, r loyalty.Result, notes []string) {
	for _, st := range r.Trace {
		if st.Status == rules.StatusLimited {
			notes = append(notes, fmt.Sprintf("%s limited: %s", st.RuleID, st.Reason))
		}
	}
	gifts := ""
	if len(r.Gifts) > 0 {
		gifts = ", gift " + strings.Join(r.Gifts, ", ")
	}
	fmt.Fprintf(s.out, "%s %-4s %-32s %4s points%s", at.Format("Jan 02"), who, what, r.Points, gifts)
	if len(notes) > 0 {
		fmt.Fprintf(s.out, "  [%s]", strings.Join(notes, "; "))
	}
	fmt.Fprintln(s.out)
}
