// touches answers, for the 23,570 CDNOW customers on 25 March 1998, "whom
// do we contact today, and why", and draws a prize among the customers
// active in the last quarter.
//
//	go run ./examples/touches [-data DIR]
//
// DIR holds CDNOW_master.txt (default: $LOYALKIT_DATA/cdnow when set, else
// the copy in the repository).
//
// CDNOW is a purchase log and nothing more, so the example makes up the
// rest the way a shop would have it: each customer registered on the day
// of their first purchase; a loyalty programme has run since 1 January
// 1997 (a point per whole dollar, points expiring 12 months after they
// were earned, gold at $300 in 12 months, reviewed on the 1st of every
// month); no birthdays are on file, so no one is greeted (unknown dates
// never match). Customer value is each customer's expected margin over the
// next 12 months (BG/NBD + Gamma-Gamma CLV, 30 % margin), an estimate.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/raffle"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/loyalkit/loyalkit/touch"
	"github.com/shopspring/decimal"
)

func main() {
	dir := flag.String("data", "", "folder with CDNOW_master.txt")
	flag.Parse()
	if err := run(os.Stdout, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "touches:", err)
		os.Exit(1)
	}
}

// today is the day of the plan: 25 March 1998, 09:00 (the log's dates are
// read in UTC).
var today = time.Date(1998, 3, 25, 9, 0, 0, 0, time.UTC)

func run(w io.Writer, dir string) error {
	log, err := refdata.CDNOWTransactions(dir, "CDNOW_master.txt")
	if err != nil {
		return err
	}
	customers, seg, err := customersAsOf(log, today)
	if err != nil {
		return err
	}
	program, err := programme()
	if err != nil {
		return err
	}
	if err := openAccounts(program, log, customers); err != nil {
		return err
	}
	model, err := values(customers)
	if err != nil {
		return err
	}
	planner, err := touch.Compile(touch.Config{
		Program:     program,
		Location:    time.UTC,
		Anniversary: &touch.DateWindow{Days: 7, CoolDownDays: 300},
		Expiring:    &touch.ExpiryWindow{Days: 7, MinPoints: decimal.NewFromInt(100), CoolDownDays: 14},
		Lapsed:      &touch.LapseRule{Factor: 2, MinDays: 30, FallbackDays: 120, MaxDays: 365, CoolDownDays: 60},
		Dormant:     &touch.PAliveRule{Model: model, Below: 0.25, CoolDownDays: 90},
		TierAtRisk:  &touch.TierReview{ReviewMonths: 1, Days: 14, CoolDownDays: 14},
		NearTier:    &touch.TierGap{Within: 0.2, CoolDownDays: 30},
		NearSegment: &touch.SegmentGap{Segmentation: seg, Within: 0.2, CoolDownDays: 30},
		Rules: []touch.Rule{{ID: "big-spender-fading", CoolDownDays: 30,
			When: `("dormant" in Reasons || "lapsed" in Reasons) && Spend >= 1000`}},
		Limits:     touch.Limits{PerCustomer: 1, PeriodDays: 7, Daily: 500},
		PointValue: decimal.RequireFromString("0.01"),
	})
	if err != nil {
		return err
	}
	plan, err := planner.Plan(today, customers, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Touches for %s: %d customers, %d with a reason to contact, %d listed (daily cap 500, most valuable first).\n\n",
		today.Format("Monday 2 January 2006"), len(customers), plan.Candidates, len(plan.Touches))
	fmt.Fprintln(w, "reason                 touches")
	for _, c := range plan.Counts() {
		name := c.Reason.String()
		if c.Rule != "" {
			name += " " + c.Rule
		}
		fmt.Fprintf(w, "%-22s %7d\n", name, c.Touches)
	}
	fmt.Fprintf(w, "\n%-4s %-8s %9s  %s\n", "rank", "customer", "value $", "why")
	for k, t := range plan.Touches[:min(20, len(plan.Touches))] {
		whys := make([]string, len(t.Why))
		for i, why := range t.Why {
			whys[i] = why.String()
		}
		fmt.Fprintf(w, "%4d %-8s %9s  %s\n", k+1, t.Customer, t.Value.StringFixed(2), strings.Join(whys, "; "))
	}
	return draw(w, log, customers)
}

// customersAsOf builds each customer's profile (the quarter ending on
// asOf), rhythm and weekly summary from the log, and the seeds'
// segmentation (VIP: the top 2 % by spend in the quarter, or 4 purchases).
func customersAsOf(log []metrics.Purchase, asOf time.Time) ([]touch.Customer, *segment.Segmentation, error) {
	pb, err := segment.NewProfileBuilder(asOf, 91, time.UTC)
	if err != nil {
		return nil, nil, err
	}
	rb, err := touch.NewRhythmBuilder(asOf, time.UTC)
	if err != nil {
		return nil, nil, err
	}
	sm, err := metrics.NewSummarizer(metrics.SummaryConfig{CalibrationEnd: asOf, Unit: metrics.Weeks})
	if err != nil {
		return nil, nil, err
	}
	first := map[string]time.Time{}
	for _, p := range log {
		if !p.At.After(asOf) {
			if err := pb.Add(p); err != nil {
				return nil, nil, err
			}
			if err := rb.Add(p); err != nil {
				return nil, nil, err
			}
			if err := sm.Add(p); err != nil {
				return nil, nil, err
			}
			if f, ok := first[p.Customer]; !ok || p.At.Before(f) {
				first[p.Customer] = p.At
			}
		}
	}
	profiles, rhythms := pb.Profiles(), rb.Rhythms()
	summaries := map[string]metrics.CustomerSummary{}
	for _, s := range sm.Customers() {
		summaries[s.ID] = s
	}
	cs := make([]touch.Customer, len(profiles))
	for i, p := range profiles { // both sorted by id, one per customer who bought
		cs[i] = touch.Customer{ID: p.ID, Registered: first[p.ID], Profile: p, Rhythm: rhythms[i], Summary: summaries[p.ID]}
	}
	vip, err := segment.TopSpendThreshold(profiles, 0.02)
	if err != nil {
		return nil, nil, err
	}
	defs, def, err := segment.SeedSegments(segment.SeedParams{VIPSpend: vip, VIPOrders: 4, DifficultShare: 0.3, DifficultMinOrders: 3})
	if err != nil {
		return nil, nil, err
	}
	seg, err := segment.Compile(defs, def)
	return cs, seg, err
}

// programme is the loyalty programme the example's shop has run.
func programme() (*loyalty.Program, error) {
	return loyalty.Compile(loyalty.Config{
		Name: "cdnow", Currency: "USD", TimeZone: "UTC", MoneyPlaces: 2,
		Rules:            []rules.Rule{{ID: "dollar", Kind: rules.Accrual, Value: "floor(order.Total)"}},
		Tiers:            []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: decimal.NewFromInt(300)}},
		TierWindowMonths: 12, TierGraceDays: 30,
		Expiry:     loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 12},
		Redemption: loyalty.RedemptionPolicy{PointValue: decimal.RequireFromString("0.01")},
	})
}

// openAccounts runs every purchase up to today through the programme, and
// the monthly tier reviews and expiry runs, into each customer's account.
func openAccounts(p *loyalty.Program, log []metrics.Purchase, cs []touch.Customer) error {
	byID := make(map[string]*touch.Customer, len(cs))
	for i := range cs {
		byID[cs[i].ID] = &cs[i]
		cs[i].Account = &loyalty.Account{}
	}
	n := map[string]int{}
	for _, pu := range log {
		c := byID[pu.Customer]
		if c == nil || pu.At.After(today) || !pu.Amount.IsPositive() {
			continue
		}
		n[pu.Customer]++
		// Purchases at noon, so that the review at midnight on the 1st
		// sees the day before complete.
		a, _, err := p.Purchase(*c.Account, loyalty.Customer{ID: c.ID}, loyalty.Order{
			ID: fmt.Sprintf("%s-%d", c.ID, n[pu.Customer]), Total: pu.Amount}, pu.At.Add(12*time.Hour))
		if err != nil {
			return fmt.Errorf("customer %s: %w", c.ID, err)
		}
		*c.Account = a
	}
	for i := range cs {
		a := *cs[i].Account
		var err error
		for m := time.Date(1997, 2, 1, 0, 0, 0, 0, time.UTC); !m.After(today); m = m.AddDate(0, 1, 0) {
			if a, _, err = p.ReviewTier(a, m); err != nil {
				return err
			}
		}
		if a, _, err = p.Expire(a, today); err != nil {
			return err
		}
		*cs[i].Account = a
	}
	return nil
}

// values fits BG/NBD and Gamma-Gamma on the customers' summaries as of
// today and sets each one's value: expected margin over the next 12 months
// (30 %, 1 % a month discount), rounded to cents. It returns the BG/NBD
// model for P(alive).
func values(cs []touch.Customer) (metrics.BGNBD, error) {
	sums := make([]metrics.CustomerSummary, len(cs))
	var repeat []metrics.CustomerSummary
	for i, c := range cs {
		sums[i] = c.Summary
		if c.Summary.Frequency > 0 && c.Summary.Monetary > 0 { // a few repeat days were free orders
			repeat = append(repeat, c.Summary)
		}
	}
	bg, _, err := metrics.FitBGNBD(sums)
	if err != nil {
		return bg, err
	}
	gg, _, err := metrics.FitGammaGamma(repeat)
	if err != nil {
		return bg, err
	}
	month := metrics.Horizon{Steps: 12, StepLength: 30.4375, StepUnit: metrics.Days}
	for i := range cs {
		v, err := metrics.CLV(bg, gg, cs[i].Summary, month, 0.01, 0.3)
		if err != nil {
			return bg, fmt.Errorf("customer %s: %w", cs[i].ID, err)
		}
		cs[i].Value = decimal.NewFromFloat(v).Round(2)
	}
	return bg, nil
}

// draw runs March's prize draw among the customers who bought in the
// quarter (a ticket per purchase in it, one more for being a customer),
// leaving out February's three winners.
func draw(w io.Writer, log []metrics.Purchase, march []touch.Customer) error {
	r, err := raffle.Compile[segment.Profile](raffle.Definition{ID: "fan-of-the-quarter", Eligible: "OrdersInPeriod >= 1", Winners: 3})
	if err != nil {
		return err
	}
	// February's draw, on the quarter ending 25 February.
	feb, _, err := customersAsOf(log, today.AddDate(0, -1, 0))
	if err != nil {
		return err
	}
	febSeed := []byte("cdnow-raffle/1998-02/0b1e7c4d9a2f")
	febRec, _, err := r.Draw(febSeed, participants(feb))
	if err != nil {
		return err
	}
	var exclude []string
	for _, win := range febRec.Winners {
		exclude = append(exclude, win.ID)
	}
	r, err = raffle.Compile[segment.Profile](raffle.Definition{ID: "fan-of-the-quarter", Eligible: "OrdersInPeriod >= 1", Winners: 3, Exclude: exclude})
	if err != nil {
		return err
	}
	// In real use the seed is 32 random bytes (crypto/rand) whose
	// commitment the shop published before entries closed; this one is
	// fixed so that the example prints the same every time.
	seed := []byte("cdnow-raffle/1998-03/5f3a9e61c2d8")
	rec, list, err := r.Draw(seed, participants(march))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nRaffle %q, March 1998 (February's winners %v excluded)\n", rec.Raffle, exclude)
	fmt.Fprintf(w, "  commitment published before the draw: %s\n", rec.Commitment)
	fmt.Fprintf(w, "  %d entrants: %d did not buy in the quarter ending %s, %d excluded; %d drawn among, with %d tickets\n",
		rec.Entrants, rec.Ineligible, today.Format("2 Jan 2006"), rec.Excluded, rec.Participants, rec.Tickets)
	fmt.Fprintf(w, "  participants' digest: %s\n", rec.Digest)
	fmt.Fprintf(w, "  seed revealed after the draw: %s\n", seed)
	for k, win := range rec.Winners {
		fmt.Fprintf(w, "  winner %d: customer %s (%d tickets)\n", k+1, win.ID, win.Tickets)
	}
	if err := raffle.Verify(rec, list); err != nil {
		return err
	}
	fmt.Fprintln(w, "  re-drawn from the published list and seed: the same winners")
	return nil
}

// participants enters every customer: one ticket for being a customer,
// one more per purchase in the quarter.
func participants(cs []touch.Customer) []raffle.Participant[segment.Profile] {
	out := make([]raffle.Participant[segment.Profile], len(cs))
	for i, c := range cs {
		out[i] = raffle.Participant[segment.Profile]{ID: c.ID, Tickets: 1 + int64(c.Profile.OrdersInPeriod), Facts: c.Profile}
	}
	return out
}
