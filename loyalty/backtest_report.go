package loyalty

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// BacktestReport is two programmes side by side over one log (see
// [Backtest]). Points and money are exact decimals; counts are of
// customers or operations.
type BacktestReport struct {
	End time.Time
	// Dates are the instants counted: the configured dates, then End.
	Dates []time.Time
	// Redemptions is the assumption made about redemptions, and
	// Assumption says it in a sentence.
	Redemptions RedemptionAssumption
	Assumption  string
	// ShardCount and Shards say which customers the report covers: the
	// shards (of ShardCount) merged into it; nil when it covers them all.
	ShardCount int
	Shards     []int
	// Customers is the number of customers replayed; Ops the operations
	// replayed, by kind.
	Customers int
	Ops       OpCounts
	A, B      BacktestSide
	// Transitions[d][i][j] is the number of customers in tier A.Tiers[i]
	// under A and B.Tiers[j] under B at Dates[d].
	Transitions [][][]int
	// Changes are the customers whose outcome differs between A and B
	// (points earned, redeemed, expired or outstanding, money off, gifts,
	// tier or benefit), in customer id order. Gainers and Losers count
	// those whose benefit is higher and lower under B; NetGain is the sum
	// of the gains.
	Changes         []CustomerChange
	Gainers, Losers int
	NetGain         decimal.Decimal
	key             string
}

// OpCounts are a backtest's operations by kind; Duplicates are retries
// (an operation id and payload seen before), applied once.
type OpCounts struct {
	Purchases, Refunds, Events, Redemptions, Reversals, Duplicates int
}

// BacktestSide is what one programme did over the log.
type BacktestSide struct {
	Programme  string
	Currency   string
	PointValue decimal.Decimal
	// Points, over every customer's account at End: earned, redeemed (net
	// of points given back), expired, reversed by refunds, repaid against
	// debts, owed as debt, written off, and outstanding (available,
	// pending and held).
	Earned, Redeemed, Expired, Reversed, Repaid, Debt, WrittenOff, Outstanding decimal.Decimal
	// Money: the rules' discounts on purchases, the money the redeemed
	// points paid when redeemed, their sum (MoneyOff), and the money
	// customers paid, net of refunds.
	Discount, PointsMoney, MoneyOff, Paid decimal.Decimal
	// Gifts are counted by name; GiftCost is the cost of the gifts kept
	// (given less taken back) that BacktestConfig.GiftCost prices.
	Gifts    []GiftCount
	GiftCost decimal.Decimal
	// Redemptions are the recorded redemptions and what became of them
	// under this programme's assumption; RefundsSkipped the refunds by
	// amount that had nothing left to refund.
	Redemptions    RedemptionCounts
	RefundsSkipped int
	// Tiers are the tier names, "" (no tier) first; TierCounts[d][i] the
	// customers in Tiers[i] at Dates[d] (customers whose first operation
	// is after a date are not counted at it).
	Tiers      []string
	TierCounts [][]int
	// Liability[d] is the outstanding points at Dates[d] by state and
	// their liability at PointValue less BacktestConfig.Breakage; the last
	// (End) is also split by expiry month.
	Liability []LiabilityReport
	// Development is the programme's earn cohorts as of End, when
	// BacktestConfig.Cohorts is set.
	Development *Development
}

// GiftCount is how many of one gift a programme gave and took back (with
// the returned order), and, when priced, the cost of those kept.
type GiftCount struct {
	Gift             string
	Given, TakenBack int
	Priced           bool
	Cost             decimal.Decimal
}

// RedemptionCounts are the recorded redemptions under one programme:
// how many were made and how many refused (too few points, the policy),
// the points the log recorded and the points actually redeemed.
type RedemptionCounts struct {
	Recorded, Made, Refused int
	PointsRecorded, Points  decimal.Decimal
}

// CustomerChange is one customer whose outcome differs between the
// programmes. Gain is B.Benefit − A.Benefit.
type CustomerChange struct {
	Customer string
	A, B     CustomerOutcome
	Gain     decimal.Decimal
}

// CustomerOutcome is what a programme gave one customer, as of End:
// points earned, redeemed, expired and outstanding; money off (discounts
// and the money their points paid); gifts kept and their cost; their
// tier; and Benefit, all that in money: MoneyOff + GiftCost +
// Outstanding × the programme's point value.
type CustomerOutcome struct {
	Earned, Redeemed, Expired, Outstanding decimal.Decimal
	MoneyOff                               decimal.Decimal
	Gifts                                  int
	GiftCost                               decimal.Decimal
	Tier                                   string
	Benefit                                decimal.Decimal
}

func (o CustomerOutcome) equal(x CustomerOutcome) bool {
	return o.Earned.Equal(x.Earned) && o.Redeemed.Equal(x.Redeemed) && o.Expired.Equal(x.Expired) &&
		o.Outstanding.Equal(x.Outstanding) && o.MoneyOff.Equal(x.MoneyOff) && o.Gifts == x.Gifts &&
		o.GiftCost.Equal(x.GiftCost) && o.Tier == x.Tier && o.Benefit.Equal(x.Benefit)
}

// change is the customer's change, if the outcomes differ.
func change(id string, out [2]CustomerOutcome) (CustomerChange, bool) {
	if out[0].equal(out[1]) {
		return CustomerChange{}, false
	}
	return CustomerChange{Customer: id, A: out[0], B: out[1], Gain: out[1].Benefit.Sub(out[0].Benefit)}, true
}

// Top returns the n customers who gain the most under B and the n who
// lose the most, biggest first (ties by customer id).
func (r *BacktestReport) Top(n int) (gainers, losers []CustomerChange) {
	cs := slices.Clone(r.Changes)
	slices.SortStableFunc(cs, func(x, y CustomerChange) int { return y.Gain.Cmp(x.Gain) })
	for _, c := range cs {
		if len(gainers) == n || !c.Gain.IsPositive() {
			break
		}
		gainers = append(gainers, c)
	}
	for i := len(cs) - 1; i >= 0 && len(losers) < n && cs[i].Gain.IsNegative(); i-- {
		losers = append(losers, cs[i])
	}
	return gainers, losers
}

// newReport is an empty report of the run's backtest.
func (run *btRun) newReport() *BacktestReport {
	env := run.env
	r := &BacktestReport{End: env.cfg.End, Dates: slices.Clone(env.dates), Redemptions: env.cfg.Redemptions,
		Assumption: env.cfg.Redemptions.Describe(), key: env.key, NetGain: decimal.Zero}
	if env.cfg.Shard.Count > 0 {
		r.ShardCount, r.Shards = env.cfg.Shard.Count, []int{env.cfg.Shard.Index}
	}
	return r
}

// fill sets the report's sums from the run's.
func (run *btRun) fill(r *BacktestReport) {
	r.Customers, r.Ops, r.Transitions = run.customers, run.ops, run.trans
	for _, c := range r.Changes {
		r.NetGain = r.NetGain.Add(c.Gain)
		switch c.Gain.Sign() {
		case 1:
			r.Gainers++
		case -1:
			r.Losers++
		}
	}
	for s, sd := range run.side {
		side := &r.A
		if s == 1 {
			side = &r.B
		}
		*side = run.sideReport(sd)
	}
}

func (run *btRun) sideReport(sd *btSide) BacktestSide {
	p, places := sd.p, sd.p.cfg.PointsPlaces
	out := BacktestSide{Programme: p.cfg.Name, Currency: p.cfg.Currency, PointValue: p.cfg.Redemption.PointValue,
		Earned: sd.earned.decimal(places), Redeemed: sd.redeemed.decimal(places), Expired: sd.expired.decimal(places),
		Reversed: sd.reversed.decimal(places), Repaid: sd.repaid.decimal(places), Debt: sd.debt.decimal(places),
		WrittenOff: sd.writtenOff.decimal(places), Discount: sd.discount.Value(), PointsMoney: sd.pointsMoney.Value(),
		Paid: sd.paid.Value(), GiftCost: decimal.Zero, RefundsSkipped: sd.refundsSkipped, TierCounts: sd.tierCounts,
		Redemptions: RedemptionCounts{Recorded: sd.red.recorded, Made: sd.red.made, Refused: sd.red.refused,
			PointsRecorded: sd.red.pointsRecorded.Value(), Points: sd.red.points.Value()}}
	out.MoneyOff = out.Discount.Add(out.PointsMoney)
	out.Tiers = []string{""}
	for _, t := range p.cfg.Tiers {
		out.Tiers = append(out.Tiers, t.Name)
	}
	for _, g := range slices.Sorted(maps.Keys(sd.gifts)) {
		t := sd.gifts[g]
		gc := GiftCount{Gift: g, Given: t.given, TakenBack: t.back, Cost: decimal.Zero}
		if cost, ok := run.env.cfg.GiftCost[g]; ok {
			gc.Priced, gc.Cost = true, cost.Mul(decimal.NewFromInt(int64(t.given-t.back)))
			out.GiftCost = out.GiftCost.Add(gc.Cost)
		}
		out.Gifts = append(out.Gifts, gc)
	}
	for _, l := range sd.liab {
		out.Liability = append(out.Liability, l.report(p.cfg.Redemption.PointValue, run.env.cfg.Breakage))
	}
	out.Outstanding = out.Liability[len(out.Liability)-1].Outstanding
	if sd.cells != nil {
		d := sd.cells.development()
		out.Development = &d
	}
	return out
}

// MergeBacktests merges the reports of the shards of one backtest (the
// same configuration, with Shard.Index 0 … Count−1) into the report of
// their customers together; merging every shard gives the report a
// single pass over the whole log gives. It refuses reports of different
// backtests and reports that cover a shard twice.
func MergeBacktests(reports ...*BacktestReport) (*BacktestReport, error) {
	if len(reports) == 0 {
		return nil, fmt.Errorf("%w: no report to merge", ErrInvalidInput)
	}
	seen := map[int]bool{}
	for i, r := range reports {
		if err := sameBacktest(reports, i); err != nil {
			return nil, err
		}
		switch {
		case r.ShardCount == 0 && len(reports) > 1:
			return nil, fmt.Errorf("%w: reports[%d] covers every customer already: there is nothing to merge it with", ErrInvalidInput, i)
		}
		for _, s := range r.Shards {
			if seen[s] {
				return nil, fmt.Errorf("%w: shard %d is in two reports (reports[%d] and an earlier one)", ErrInvalidInput, s, i)
			}
			seen[s] = true
		}
	}
	out := reports[0].clone()
	for _, r := range reports[1:] {
		out = out.merge(r)
		out.Shards = append(out.Shards, r.Shards...)
	}
	slices.Sort(out.Shards)
	if out.ShardCount > 0 && len(out.Shards) == out.ShardCount {
		out.ShardCount, out.Shards = 0, nil // every customer
	}
	return out, nil
}

// shape lists the lengths merge relies on: reports of one backtest have
// the same, unless a caller changed one.
func (r *BacktestReport) shape() string {
	var b strings.Builder
	fmt.Fprint(&b, len(r.Dates), len(r.Transitions))
	for _, m := range r.Transitions {
		fmt.Fprint(&b, " ", len(m))
		for _, row := range m {
			fmt.Fprint(&b, ",", len(row))
		}
	}
	for _, s := range []*BacktestSide{&r.A, &r.B} {
		fmt.Fprint(&b, "|", len(s.TierCounts), len(s.Liability), s.Development != nil)
		for _, c := range s.TierCounts {
			fmt.Fprint(&b, ",", len(c))
		}
		for _, l := range s.Liability {
			fmt.Fprint(&b, ";", len(l.Buckets))
		}
	}
	return b.String()
}

// clone is a copy of r that shares nothing merge changes.
func (r *BacktestReport) clone() *BacktestReport {
	c := *r
	c.Shards = slices.Clone(r.Shards)
	return &c
}

// merge is r and o (disjoint customers of one backtest) together, as a
// new report; its Shards are r's.
func (r *BacktestReport) merge(o *BacktestReport) *BacktestReport {
	out := r.clone()
	out.Customers += o.Customers
	out.Ops = OpCounts{Purchases: r.Ops.Purchases + o.Ops.Purchases, Refunds: r.Ops.Refunds + o.Ops.Refunds,
		Events: r.Ops.Events + o.Ops.Events, Redemptions: r.Ops.Redemptions + o.Ops.Redemptions, Reversals: r.Ops.Reversals + o.Ops.Reversals, Duplicates: r.Ops.Duplicates + o.Ops.Duplicates}
	out.A, out.B = r.A.merge(o.A), r.B.merge(o.B)
	out.Transitions = make([][][]int, len(r.Transitions))
	for d := range r.Transitions {
		out.Transitions[d] = make([][]int, len(r.Transitions[d]))
		for i := range r.Transitions[d] {
			out.Transitions[d][i] = addInts(r.Transitions[d][i], o.Transitions[d][i])
		}
	}
	out.Changes = append(slices.Clone(r.Changes), o.Changes...)
	slices.SortFunc(out.Changes, func(x, y CustomerChange) int { return strings.Compare(x.Customer, y.Customer) })
	out.Gainers, out.Losers, out.NetGain = r.Gainers+o.Gainers, r.Losers+o.Losers, r.NetGain.Add(o.NetGain)
	return out
}

func addInts(a, b []int) []int {
	out := slices.Clone(a)
	for i := range out {
		out[i] += b[i]
	}
	return out
}

func (s BacktestSide) merge(o BacktestSide) BacktestSide {
	out := s
	for _, f := range []struct{ dst, a, b *decimal.Decimal }{
		{&out.Earned, &s.Earned, &o.Earned}, {&out.Redeemed, &s.Redeemed, &o.Redeemed}, {&out.Expired, &s.Expired, &o.Expired},
		{&out.Reversed, &s.Reversed, &o.Reversed}, {&out.Repaid, &s.Repaid, &o.Repaid}, {&out.Debt, &s.Debt, &o.Debt},
		{&out.WrittenOff, &s.WrittenOff, &o.WrittenOff}, {&out.Outstanding, &s.Outstanding, &o.Outstanding},
		{&out.Discount, &s.Discount, &o.Discount}, {&out.PointsMoney, &s.PointsMoney, &o.PointsMoney},
		{&out.MoneyOff, &s.MoneyOff, &o.MoneyOff}, {&out.Paid, &s.Paid, &o.Paid}, {&out.GiftCost, &s.GiftCost, &o.GiftCost},
		{&out.Redemptions.PointsRecorded, &s.Redemptions.PointsRecorded, &o.Redemptions.PointsRecorded},
		{&out.Redemptions.Points, &s.Redemptions.Points, &o.Redemptions.Points},
	} {
		*f.dst = f.a.Add(*f.b)
	}
	out.Redemptions.Recorded += o.Redemptions.Recorded
	out.Redemptions.Made += o.Redemptions.Made
	out.Redemptions.Refused += o.Redemptions.Refused
	out.RefundsSkipped += o.RefundsSkipped
	gifts := map[string]GiftCount{}
	for _, g := range slices.Concat(s.Gifts, o.Gifts) {
		if prev, ok := gifts[g.Gift]; ok {
			g.Given, g.TakenBack, g.Cost = g.Given+prev.Given, g.TakenBack+prev.TakenBack, g.Cost.Add(prev.Cost)
		}
		gifts[g.Gift] = g
	}
	out.Gifts = nil
	for _, name := range slices.Sorted(maps.Keys(gifts)) {
		out.Gifts = append(out.Gifts, gifts[name])
	}
	out.TierCounts = make([][]int, len(s.TierCounts))
	for d := range s.TierCounts {
		out.TierCounts[d] = addInts(s.TierCounts[d], o.TierCounts[d])
	}
	out.Liability = make([]LiabilityReport, len(s.Liability))
	for d := range s.Liability {
		out.Liability[d] = s.Liability[d].merge(o.Liability[d])
	}
	if s.Development != nil && o.Development != nil {
		d, err := s.Development.Merge(*o.Development)
		if err == nil { // the same backtest: the same zone and end
			out.Development = &d
		}
	}
	return out
}

// merge adds the accounts of o (the same instant, programme and value).
func (l LiabilityReport) merge(o LiabilityReport) LiabilityReport {
	out := l
	out.Accounts += o.Accounts
	for _, f := range []struct{ dst, a, b *decimal.Decimal }{
		{&out.Available, &l.Available, &o.Available}, {&out.Pending, &l.Pending, &o.Pending}, {&out.Held, &l.Held, &o.Held},
		{&out.Outstanding, &l.Outstanding, &o.Outstanding}, {&out.PastExpiry, &l.PastExpiry, &o.PastExpiry},
		{&out.Debt, &l.Debt, &o.Debt}, {&out.Value, &l.Value, &o.Value}, {&out.Liability, &l.Liability, &o.Liability},
	} {
		*f.dst = f.a.Add(*f.b)
	}
	if l.Buckets != nil {
		out.Buckets = make([]LiabilityBucket, len(l.Buckets))
		for k := range l.Buckets {
			out.Buckets[k] = l.Buckets[k].merge(o.Buckets[k])
		}
	}
	out.Later, out.NoExpiry = l.Later.merge(o.Later), l.NoExpiry.merge(o.NoExpiry)
	return out
}

func (b LiabilityBucket) merge(o LiabilityBucket) LiabilityBucket {
	b.Points, b.Value, b.Liability = b.Points.Add(o.Points), b.Value.Add(o.Value), b.Liability.Add(o.Liability)
	return b
}

// sameBacktest refuses reports[i] when it is nil, of another backtest
// than reports[0], or changed after Backtest made it.
func sameBacktest(reports []*BacktestReport, i int) error {
	r := reports[i]
	switch {
	case r == nil:
		return fmt.Errorf("%w: reports[%d] is nil", ErrInvalidInput, i)
	case r.key != reports[0].key || r.ShardCount != reports[0].ShardCount:
		return fmt.Errorf("%w: reports[%d] is of another backtest (programmes, dates, assumption or shard count differ) than reports[0]", ErrInvalidInput, i)
	case r.shape() != reports[0].shape():
		return fmt.Errorf("%w: reports[%d] was changed after Backtest made it (its dates, tiers or buckets differ from reports[0]'s)", ErrInvalidInput, i)
	}
	return nil
}
