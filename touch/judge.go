package touch

import (
	"errors"
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

// extra is what judging found besides the reasons.
type extra struct {
	expiring decimal.Decimal // points in the expiry window
}

// reasons appends to why (whose first start are other customers') the
// reasons found for customer c (input index i); contained failures go to
// pt.
func (j *judge) reasons(c *Customer, i int, why []Why, start int, pt *part) ([]Why, extra, error) {
	const fn = "Plan"
	p, cfg := j.p, &j.p.cfg
	var ex extra
	field := func(f string) string { return fmt.Sprintf("customers[%d].%s", i, f) }
	for _, n := range []struct{ field, id string }{{"Profile.ID", c.Profile.ID}, {"Rhythm.ID", c.Rhythm.ID}, {"Summary.ID", c.Summary.ID}} {
		if n.id != "" && n.id != c.ID {
			return why, ex, inputErr(fn, field(n.field), "is %q, the customer is %q", n.id, c.ID)
		}
	}
	if w := cfg.Birthday; w != nil && !c.Birthday.IsZero() {
		by, bm, bd := c.Birthday.Date()
		y, m, d, n := nextAnniversary(bm, bd, by, j.y, j.today)
		if n-j.today <= w.Days {
			why = append(why, Why{Reason: Birthday, Date: calendar.DayStart(y, m, d, p.loc), Days: n - j.today, Years: y - by})
		}
	}
	if w := cfg.Anniversary; w != nil && !c.Registered.IsZero() {
		ry, rm, rd := c.Registered.In(p.loc).Date()
		y, m, d, n := nextAnniversary(rm, rd, ry+1, j.y, j.today)
		if n-j.today <= w.Days {
			why = append(why, Why{Reason: Anniversary, Date: calendar.DayStart(y, m, d, p.loc), Days: n - j.today, Years: y - ry})
		}
	}
	if e := cfg.Expiring; e != nil && c.Account != nil {
		eps := c.Account.Expiring(j.now, j.expUntil)
		sum := decimal.Zero
		for _, ep := range eps {
			sum = sum.Add(ep.Points)
		}
		ex.expiring = sum
		if sum.IsPositive() && sum.Cmp(e.MinPoints) >= 0 {
			last := calendar.DayIndex(eps[0].At.Add(-time.Nanosecond), p.loc)
			why = append(why, Why{Reason: Expiring, Points: sum, Date: eps[0].At.In(p.loc), Days: last - j.today})
		}
	}
	if r := cfg.Lapsed; r != nil && !c.Rhythm.Last.IsZero() {
		if w, ok := j.lapsed(r, c.Rhythm); ok {
			why = append(why, w)
		}
	}
	if d := cfg.Dormant; d != nil && c.Summary.Unit != 0 {
		s := &c.Summary
		if u := d.Model.ModelUnit(); s.Unit != u {
			return why, ex, inputErr(fn, field("Summary.Unit"), "is %v, the Dormant model is in %v: mixing units would scale every prediction", s.Unit, u)
		}
		if pa := d.Model.PAlive(s.Frequency, s.Recency, s.T); pa < d.Below {
			why = append(why, Why{Reason: Dormant, PAlive: pa})
		}
	}
	if c.Account != nil && p.tiers != nil && (cfg.TierAtRisk != nil || cfg.NearTier != nil) {
		var err error
		if why, err = j.tiers(c, why); err != nil {
			return why, ex, fmt.Errorf("touch: %s: %s: %w", fn, field("Account"), err)
		}
	}
	if g := cfg.NearGoal; g != nil && c.Account != nil {
		progress, err := cfg.Program.Progress(*c.Account, j.now)
		if err != nil {
			return why, ex, fmt.Errorf("touch: %s: %s: %w", fn, field("Account"), err)
		}
		for _, gp := range progress {
			if !gp.Left.IsPositive() || !gp.Target.IsPositive() {
				continue
			}
			if dist := gp.Left.Div(gp.Target).InexactFloat64(); dist <= g.Within {
				why = append(why, Why{Reason: NearGoal, Goal: gp.ID, Points: gp.Left, Date: gp.Ends, Distance: dist})
			}
		}
	}
	segmentName := ""
	if s := cfg.NearSegment; s != nil {
		name, w, err := j.segment(s, &c.Profile)
		switch {
		case err != nil && cfg.Strict:
			return why, ex, fmt.Errorf("touch: %s: customers[%d] (%q): %w", fn, i, c.ID, err)
		case err != nil:
			pt.fail(len(p.rules), i, err)
		case w.Reason != 0:
			why = append(why, w)
		}
		segmentName = name
	}
	if len(p.rules) > 0 {
		j.fill(&pt.facts, c, why[start:], segmentName, ex)
		prep := rules.PrepareRef(&pt.facts)
		for k, r := range p.rules {
			ok, err := r.cond.Match(prep)
			switch {
			case errors.Is(err, rules.ErrUnknown):
			case err != nil && cfg.Strict:
				return why, ex, fmt.Errorf("touch: %s: customers[%d] (%q): %w", fn, i, c.ID, err)
			case err != nil:
				pt.fail(k, i, err)
			case ok:
				why = append(why, Why{Reason: RuleMatched, Rule: r.ID})
			}
		}
	}
	return why, ex, nil
}

func (pt *part) fail(k, i int, err error) {
	f := &pt.fails[k]
	if f.n == 0 {
		f.first, f.at = err, i
	}
	f.n++
}

// lapsed judges a customer's rhythm (see LapseRule).
func (j *judge) lapsed(r *LapseRule, rh Rhythm) (Why, bool) {
	since := j.today - dateDay(rh.Last)
	if since < 0 || (r.MaxDays > 0 && since > r.MaxDays) {
		return Why{}, false
	}
	minDays := r.MinPurchaseDays
	if minDays == 0 {
		minDays = 3
	}
	var threshold, gap int
	switch {
	case rh.PurchaseDays >= minDays && rh.TypicalGap > 0:
		gap = rh.TypicalGap
		threshold = max(ceilMul(r.Factor, gap), r.MinDays)
	case rh.PurchaseDays >= 1 && r.FallbackDays > 0:
		threshold = max(r.FallbackDays, r.MinDays)
	default:
		return Why{}, false
	}
	if since < threshold {
		return Why{}, false
	}
	return Why{Reason: Lapsed, Days: since, Gap: gap, Threshold: threshold}, true
}

// ceilMul is ⌈f × n⌉ for f ≥ 1 and n ≥ 1, exact for the factors people
// write (2, 1.5, 3): the product is rounded to 1e-9 first, so 1.1 × 10
// (11.000000000000002 in float64) is 11.
func ceilMul(f float64, n int) int {
	x := f * float64(n)
	r := float64(int64(x*1e9+0.5)) / 1e9
	c := int(r)
	if float64(c) < r {
		c++
	}
	return c
}

// tiers judges the tier reasons: at risk at the next review, near the
// next tier.
func (j *judge) tiers(c *Customer, why []Why) ([]Why, error) {
	p, cfg := j.p, &j.p.cfg
	tier := c.Account.Tier()
	if r := cfg.TierAtRisk; r != nil && tier != "" && j.reviewDays <= r.Days {
		o, err := p.cfg.Program.TierOutlook(*c.Account, j.review)
		if err != nil {
			return why, err
		}
		if t := p.tiers[p.tierRank[tier]]; o.Demote {
			spend, orders, _ := need(t, o)
			if spend.IsPositive() || orders > 0 {
				why = append(why, Why{Reason: TierAtRisk, From: tier, To: o.Qualifies, Date: j.review, Days: j.reviewDays, Spend: spend, Orders: orders})
			}
		}
	}
	if n := cfg.NearTier; n != nil {
		rank, ok := p.tierRank[tier]
		if !ok {
			rank = -1
		}
		for next := rank + 1; next < len(p.tiers); next++ {
			t := p.tiers[next]
			if !t.MinSpend.IsPositive() && t.MinOrders <= 0 {
				continue // reached only by a rule: nothing to say
			}
			o, err := p.cfg.Program.TierOutlook(*c.Account, j.now)
			if err != nil {
				return why, err
			}
			spend, orders, dist := need(t, o)
			if dist > 0 && dist <= n.Within {
				why = append(why, Why{Reason: NearTier, From: tier, To: t.Name, Spend: spend, Orders: orders, Distance: dist})
			}
			break
		}
	}
	return why, nil
}

// need is what the window of o lacks for tier t: the spend (money paid)
// and the orders (0 where the tier has no such threshold), and the
// relative distance, the smaller of need/threshold over the tier's
// thresholds (either qualifies).
func need(t loyalty.Tier, o loyalty.TierOutlook) (spend decimal.Decimal, orders int, dist float64) {
	dist = -1
	if t.MinSpend.IsPositive() {
		spend = decimal.Max(decimal.Zero, t.MinSpend.Sub(o.WindowSpend))
		dist = spend.Div(t.MinSpend).InexactFloat64()
	}
	if t.MinOrders > 0 {
		orders = max(0, t.MinOrders-o.WindowOrders)
		if d := float64(orders) / float64(t.MinOrders); dist < 0 || d < dist {
			dist = d
		}
	}
	return spend, orders, dist
}

// fill sets *f to what the touch rules see of c, reusing f's Reasons.
func (j *judge) fill(f *Facts, c *Customer, why []Why, segmentName string, ex extra) {
	pr := &c.Profile
	reasons := f.Reasons[:0]
	for _, w := range why {
		reasons = append(reasons, w.Reason.String())
	}
	*f = Facts{ID: c.ID, Now: j.now, Birthday: c.Birthday, Registered: c.Registered, LastPurchase: c.Rhythm.Last,
		Orders: pr.Orders, OrdersInPeriod: pr.OrdersInPeriod, Spend: pr.Spend, SpendInPeriod: pr.SpendInPeriod,
		Returns: pr.Returns, Complaints: pr.Complaints, R: pr.R, F: pr.F, M: pr.M, Counters: pr.Counters,
		PurchaseDays: c.Rhythm.PurchaseDays, Segment: segmentName, ExpiringPoints: ex.expiring, Value: c.Value,
		Attributes: c.Attributes, Reasons: reasons}
	if c.Account != nil {
		f.Tier = c.Account.Tier()
		f.Points = c.Account.Balance(j.now).Available
	}
}

// segment assigns the customer's segment and judges their distance to the
// nearest segment above theirs whose condition is made of thresholds (as
// segment.Segmentation.Boundaries does).
func (j *judge) segment(s *SegmentGap, pr *segment.Profile) (string, Why, error) {
	name, b, near, err := s.Segmentation.Near(pr, s.Within)
	if err != nil || !near {
		return name, Why{}, err
	}
	return name, Why{Reason: NearSegment, From: name, To: b.To, Missing: b.Missing, Distance: b.Distance}, nil
}
