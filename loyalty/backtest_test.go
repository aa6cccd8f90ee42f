package loyalty_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// shopA is a point per whole euro, a mug with orders of 100 or more, gold
// from 300 spent in 12 months, points expiring after 6 months and worth
// 0.01 each; shopB doubles the points, drops the mug and makes gold
// cheaper (200).
func shopA() loyalty.Config {
	return loyalty.Config{Name: "one-point", Currency: "EUR", TimeZone: "Europe/Berlin", MoneyPlaces: 2,
		Rules: []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"},
			{ID: "mug", Kind: rules.Gift, When: "order.Total >= 100", Value: `"mug"`}},
		Tiers:            []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: d("300")}},
		TierWindowMonths: 12, TierGraceDays: 30,
		Expiry:     loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 6},
		Redemption: loyalty.RedemptionPolicy{PointValue: d("0.01")}}
}

func shopB() loyalty.Config {
	c := shopA()
	c.Name = "double"
	c.Rules = []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "2 * floor(order.Total)"}}
	c.Tiers = []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: d("200")}}
	return c
}

func day25(m time.Month, day int) time.Time { return time.Date(2025, m, day, 12, 0, 0, 0, time.UTC) }

// shopLog is two customers' half year: c1 buys for 120, redeems 100
// points and buys for 150 with them; c2 buys for 80, returns half, buys
// for 200.
func shopLog() []loyalty.Recorded {
	c1, c2 := loyalty.Customer{ID: "c1"}, loyalty.Customer{ID: "c2"}
	return []loyalty.Recorded{
		{Kind: loyalty.OpPurchase, At: day25(1, 5), Customer: c1, Order: loyalty.Order{ID: "o1", Total: d("120")}},
		{Kind: loyalty.OpPurchase, At: day25(1, 9), Customer: c2, Order: loyalty.Order{ID: "o2", Total: d("80")}},
		{Kind: loyalty.OpRedeem, At: day25(2, 1), Customer: c1, Redemption: loyalty.Redemption{ID: "x1", Points: d("100"), OrderTotal: d("150")}},
		{Kind: loyalty.OpPurchase, At: day25(2, 1), Customer: c1, Order: loyalty.Order{ID: "o3", Total: d("150"), Redemption: "x1"}},
		{Kind: loyalty.OpRefund, At: day25(2, 10), Customer: c2, Refund: loyalty.Refund{ID: "r1", Order: "o2", Amount: d("40")}},
		{Kind: loyalty.OpPurchase, At: day25(3, 1), Customer: c2, Order: loyalty.Order{ID: "o4", Total: d("200")}},
	}
}

func shopBacktest() loyalty.BacktestConfig {
	return loyalty.BacktestConfig{A: shopA(), B: shopB(), End: day25(12, 31), Dates: []time.Time{day25(2, 15), day25(6, 1)},
		Redemptions: loyalty.RedeemSameShare, GiftCost: map[string]decimal.Decimal{"mug": d("4")}}
}

// TestBacktestByHand checks a small backtest against numbers worked out
// by hand (see the comments).
func TestBacktestByHand(t *testing.T) {
	r, err := loyalty.Backtest(shopBacktest(), slices.Values(shopLog()))
	if err != nil {
		t.Fatal(err)
	}
	type side struct {
		Earned, Redeemed, Expired, Reversed, Outstanding, PointsMoney, Paid, GiftCost string
		Tiers                                                                         [][]int
		Outstandings                                                                  []string
	}
	view := func(s loyalty.BacktestSide) side {
		v := side{Earned: s.Earned.String(), Redeemed: s.Redeemed.String(), Expired: s.Expired.String(), Reversed: s.Reversed.String(),
			Outstanding: s.Outstanding.String(), PointsMoney: s.PointsMoney.String(), Paid: s.Paid.String(), GiftCost: s.GiftCost.String(),
			Tiers: s.TierCounts}
		for _, l := range s.Liability {
			v.Outstandings = append(v.Outstandings, l.Outstanding.String())
		}
		return v
	}
	// A: c1 earns 120, redeems 100 (1.00), earns 149 on the 149 paid of o3;
	// c2 earns 80, 40 are reversed by the refund of half, earns 200. Two
	// mugs for c1 and one for c2, at 4. Every lot expires by September.
	// Outstanding on 15 Feb: 20 + 149 + 40; on 1 Jun also 200.
	wantA := side{Earned: "549", Redeemed: "100", Expired: "409", Reversed: "40", Outstanding: "0", PointsMoney: "1",
		Paid: "509", GiftCost: "12", Tiers: [][]int{{0, 2, 0}, {0, 2, 0}, {0, 2, 0}}, Outstandings: []string{"209", "409", "0"}}
	// B: c1 earns 240 and redeems the same share, 100/120 of 240 = 200
	// (2.00); o3 paid 148 earns 2 × 150 × 148/150 = 296 and makes c1 gold
	// (268 spent). c2 earns 160, half of it reversed, 400 on o4: gold by
	// June.
	wantB := side{Earned: "1096", Redeemed: "200", Expired: "816", Reversed: "80", Outstanding: "0", PointsMoney: "2",
		Paid: "508", GiftCost: "0", Tiers: [][]int{{0, 1, 1}, {0, 0, 2}, {0, 0, 2}}, Outstandings: []string{"416", "816", "0"}}
	if diff := cmp.Diff(wantA, view(r.A)); diff != "" {
		t.Errorf("A mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantB, view(r.B)); diff != "" {
		t.Errorf("B mismatch (-want +got):\n%s", diff)
	}
	if want := [][]int{{0, 0, 0}, {0, 1, 1}, {0, 0, 0}}; !cmp.Equal(want, r.Transitions[0]) {
		t.Errorf("transitions on 15 Feb: want %v, got %v", want, r.Transitions[0])
	}
	// c1: A gave 1.00 off and two mugs (9), B 2.00 off: −7. c2: a mug (4)
	// against nothing: −4.
	var gains []string
	for _, c := range r.Changes {
		gains = append(gains, c.Customer+" "+c.Gain.String()+" "+c.A.Tier+"→"+c.B.Tier)
	}
	if want := []string{"c1 -7 member→gold", "c2 -4 member→gold"}; !cmp.Equal(want, gains) {
		t.Errorf("changes: want %q, got %q", want, gains)
	}
	if r.Losers != 2 || r.Gainers != 0 || !r.NetGain.Equal(d("-11")) {
		t.Errorf("gainers %d, losers %d, net %s; want 0, 2, -11", r.Gainers, r.Losers, r.NetGain)
	}
	if want := (loyalty.OpCounts{Purchases: 4, Refunds: 1, Redemptions: 1}); r.Ops != want {
		t.Errorf("ops %+v, want %+v", r.Ops, want)
	}
	_, losers := r.Top(1)
	if len(losers) != 1 || losers[0].Customer != "c1" {
		t.Errorf("Top(1) losers = %+v, want c1", losers)
	}
}

// TestBacktestAssumptions: what B redeems for c1's recorded 100 points
// (c1 has 240 under B, 120 under A) under each assumption.
func TestBacktestAssumptions(t *testing.T) {
	tests := []struct {
		name       string
		assumption loyalty.RedemptionAssumption
		points     string // recorded
		value      string // B's point value
		wantB      string // points B redeems
		refused    int
		reason     string
	}{
		{"as recorded", loyalty.RedeemAsRecorded, "100", "0.01", "100", 0, "the recorded points"},
		{"same share", loyalty.RedeemSameShare, "100", "0.01", "200", 0, "100/120 of 240"},
		{"capped, enough", loyalty.RedeemCapped, "100", "0.01", "100", 0, "B has 240"},
		{"as recorded, B with no point value", loyalty.RedeemAsRecorded, "100", "0", "0", 1, "B refuses: redemption is off; o3 is paid in money"},
		{"same share capped to the order", loyalty.RedeemSameShare, "100", "1", "150", 0, "200 points at 1.00 would pay 200 of an order of 150"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := shopBacktest()
			cfg.Redemptions = tt.assumption
			cfg.B.Redemption.PointValue = d(tt.value)
			log := shopLog()
			log[2].Redemption.Points = d(tt.points)
			r, err := loyalty.Backtest(cfg, slices.Values(log))
			if err != nil {
				t.Fatal(err)
			}
			if got := r.B.Redemptions; !got.Points.Equal(d(tt.wantB)) || got.Refused != tt.refused {
				t.Errorf("B redeemed %s (refused %d), want %s (%d): %s", got.Points, got.Refused, tt.wantB, tt.refused, tt.reason)
			}
			if !r.A.Redemptions.Points.Equal(d(tt.points)) {
				t.Errorf("A redeemed %s, want the recorded %s", r.A.Redemptions.Points, tt.points)
			}
			if r.Assumption != tt.assumption.Describe() || r.Redemptions != tt.assumption {
				t.Errorf("the report states %v %q", r.Redemptions, r.Assumption)
			}
		})
	}
}

// TestBacktestBadInput: every bad input is an error that names where it
// is, and no report.
func TestBacktestBadInput(t *testing.T) {
	c1 := loyalty.Customer{ID: "c1"}
	buy := func(id string, at time.Time) loyalty.Recorded {
		return loyalty.Recorded{Kind: loyalty.OpPurchase, At: at, Customer: c1, Order: loyalty.Order{ID: id, Total: d("50")}}
	}
	tests := []struct {
		name   string
		cfg    func(*loyalty.BacktestConfig)
		log    []loyalty.Recorded
		is     error    // errors.Is
		line   int      // the LogError's line, when it is one (-1: not one)
		says   []string // in the message
		reason string
	}{
		{name: "out of order", log: []loyalty.Recorded{buy("o1", day25(3, 1)), buy("o2", day25(2, 1))},
			is: loyalty.ErrLogOrder, line: 2, says: []string{"line 2", `customer "c1"`, "order:o2", "before the customer's operation on line 1"},
			reason: "a customer's operation dated before their previous one is refused, not reordered"},
		{name: "refund of an unknown order", log: []loyalty.Recorded{buy("o1", day25(3, 1)),
			{Kind: loyalty.OpRefund, At: day25(3, 2), Customer: c1, Refund: loyalty.Refund{ID: "r1", Order: "o9", Amount: d("5")}}},
			is: loyalty.ErrUnknownOrder, line: 2, says: []string{"line 2", "refund:r1", "under programme A", `"o9"`}},
		{name: "money in another currency", log: []loyalty.Recorded{
			{Kind: loyalty.OpPurchase, At: day25(3, 1), Customer: c1, Order: loyalty.Order{ID: "o1", Total: d("5"), Currency: "USD"}}},
			is: loyalty.ErrCurrency, line: 1, says: []string{"line 1", `"USD"`, `"EUR"`}},
		{name: "programmes in two currencies", cfg: func(c *loyalty.BacktestConfig) { c.B.Currency = "USD" },
			log: shopLog(), is: loyalty.ErrInvalidInput, line: -1, says: []string{"b.currency", `"USD"`, `"EUR"`}},
		{name: "B does not compile", cfg: func(c *loyalty.BacktestConfig) {
			c.B.Rules = append(c.B.Rules, rules.Rule{ID: "bad1", Kind: rules.Accrual, Value: "order.Nope"},
				rules.Rule{ID: "bad2", Kind: rules.Accrual, Value: `"text"`})
			c.B.TierWindowMonths = 0
		}, log: shopLog(), line: -1, says: []string{"programme B does not compile", "bad1", "bad2", "tier_window_months"},
			reason: "every problem of B at once"},
		{name: "neither compiles", cfg: func(c *loyalty.BacktestConfig) { c.A.TimeZone, c.B.TimeZone = "Mars/Olympus", "" },
			log: shopLog(), is: loyalty.ErrInvalidInput, line: -1, says: []string{"programme A", "Mars/Olympus", "programme B", "time_zone is required"}},
		{name: "empty log", log: nil, is: loyalty.ErrEmptyLog, line: -1},
		{name: "no assumption", cfg: func(c *loyalty.BacktestConfig) { c.Redemptions = loyalty.AssumptionUnset }, log: shopLog(),
			is: loyalty.ErrInvalidInput, line: -1, says: []string{"redemptions", "as_recorded"}},
		{name: "dates", cfg: func(c *loyalty.BacktestConfig) {
			c.Dates = []time.Time{day25(6, 1), day25(5, 1), day25(12, 31).AddDate(1, 0, 0)}
		},
			log: shopLog(), is: loyalty.ErrInvalidInput, line: -1, says: []string{"dates[1]", "must increase", "dates[2]", "after end"}},
		{name: "no end", cfg: func(c *loyalty.BacktestConfig) { c.End = time.Time{}; c.Dates = nil }, log: shopLog(),
			is: loyalty.ErrInvalidInput, line: -1, says: []string{"end is required"}},
		{name: "after the end", cfg: func(c *loyalty.BacktestConfig) { c.End = day25(2, 20); c.Dates = nil }, log: shopLog(),
			is: loyalty.ErrInvalidInput, line: 6, says: []string{"line 6", "at 2025-03-01", "after the backtest's end"}},
		{name: "no kind", log: []loyalty.Recorded{{At: day25(1, 1), Customer: c1}}, is: loyalty.ErrInvalidInput, line: 1,
			says: []string{"kind", "unset"}},
		{name: "a kind not replayed", log: []loyalty.Recorded{{Kind: loyalty.OpHold, At: day25(1, 1), Customer: c1}},
			is: loyalty.ErrInvalidInput, line: 1, says: []string{"kind hold is not one a backtest replays"}},
		{name: "no customer", log: []loyalty.Recorded{{Kind: loyalty.OpPurchase, At: day25(1, 1), Order: loyalty.Order{ID: "o", Total: d("1")}}},
			is: loyalty.ErrInvalidInput, line: 1, says: []string{"customer.id is empty"}},
		{name: "no time", log: []loyalty.Recorded{{Kind: loyalty.OpPurchase, Customer: c1, Order: loyalty.Order{ID: "o", Total: d("1")}}},
			is: loyalty.ErrInvalidInput, line: 1, says: []string{"at is zero"}},
		{name: "a redemption of no points", log: []loyalty.Recorded{buy("o1", day25(1, 1)),
			{Kind: loyalty.OpRedeem, At: day25(1, 2), Customer: c1, Redemption: loyalty.Redemption{ID: "x", Points: d("-5")}}},
			is: loyalty.ErrInvalidInput, line: 2, says: []string{"redeem:x", "points -5 must be positive"},
			reason: "a bad recorded redemption is an error, not a refusal the assumption absorbs"},
		{name: "a bad shard", cfg: func(c *loyalty.BacktestConfig) { c.Shard = loyalty.Shard{Index: 3, Count: 3} }, log: shopLog(),
			is: loyalty.ErrInvalidInput, line: -1, says: []string{"shard", "index 3 of 3"}},
		{name: "a negative gift cost", cfg: func(c *loyalty.BacktestConfig) { c.GiftCost = map[string]decimal.Decimal{"mug": d("-1")} },
			log: shopLog(), is: loyalty.ErrInvalidInput, line: -1, says: []string{"gift_cost[mug]", "negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := shopBacktest()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			for _, workers := range []int{1, 3} {
				cfg.Workers = workers
				r, err := loyalty.Backtest(cfg, slices.Values(tt.log))
				if err == nil || r != nil {
					t.Fatalf("Backtest(workers %d) = %v, %v; want an error and no report (%s)", workers, r, err, tt.reason)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("Backtest(workers %d) error %q is not %v", workers, err, tt.is)
				}
				var le *loyalty.LogError
				switch {
				case tt.line < 0 && errors.As(err, &le):
					t.Errorf("Backtest(workers %d) error %q names line %d; want an error of the input as a whole", workers, err, le.Line)
				case tt.line >= 0 && (!errors.As(err, &le) || le.Line != tt.line):
					t.Errorf("Backtest(workers %d) error %q; want a LogError on line %d", workers, err, tt.line)
				}
				for _, s := range tt.says {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("Backtest(workers %d) error %q does not say %q", workers, err, s)
					}
				}
				if !strings.HasPrefix(err.Error(), "loyalty: ") {
					t.Errorf("error %q does not start with the package name", err)
				}
			}
		})
	}
}

// TestBacktestProgrammeError: a programme that does not compile is a
// *ProgrammeError naming the side, unwrapping to every problem.
func TestBacktestProgrammeError(t *testing.T) {
	cfg := shopBacktest()
	cfg.B.Rules = append(cfg.B.Rules, rules.Rule{ID: "bad", Kind: rules.Accrual, Value: "order.Nope"})
	_, err := loyalty.Backtest(cfg, slices.Values(shopLog()))
	var pe *loyalty.ProgrammeError
	var re *rules.RuleError
	if !errors.As(err, &pe) || pe.Side != "B" || !errors.As(err, &re) || re.RuleID != "bad" {
		t.Fatalf("error %v: want a ProgrammeError of B unwrapping to rule bad's RuleError", err)
	}
}

// TestBacktestProgress: the callback sees the operations read, every
// ProgressEvery and at the end, on the calling goroutine, whatever the
// workers.
func TestBacktestProgress(t *testing.T) {
	for _, workers := range []int{0, 2} {
		cfg := shopBacktest()
		var got []int
		cfg.Progress, cfg.ProgressEvery, cfg.Workers = func(n int) { got = append(got, n) }, 4, workers
		if _, err := loyalty.Backtest(cfg, slices.Values(shopLog())); err != nil {
			t.Fatal(err)
		}
		if want := []int{4, 6}; !cmp.Equal(want, got) {
			t.Errorf("workers %d: progress %v, want %v", workers, got, want)
		}
	}
}

// TestMergeBacktestsRefuses: only the shards of one backtest merge, each
// once.
func TestMergeBacktestsRefuses(t *testing.T) {
	run := func(c loyalty.BacktestConfig) *loyalty.BacktestReport {
		r, err := loyalty.Backtest(c, slices.Values(shopLog()))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	shard := func(i, n int) *loyalty.BacktestReport {
		c := shopBacktest()
		c.Shard = loyalty.Shard{Index: i, Count: n}
		return run(c)
	}
	other := shopBacktest()
	other.Breakage = d("0.3")
	other.Shard = loyalty.Shard{Index: 1, Count: 2}
	tests := []struct {
		name    string
		reports []*loyalty.BacktestReport
		says    string
	}{
		{"none", nil, "no report"},
		{"nil", []*loyalty.BacktestReport{shard(0, 2), nil}, "reports[1] is nil"},
		{"a shard twice", []*loyalty.BacktestReport{shard(0, 2), shard(0, 2)}, "shard 0 is in two reports"},
		{"another backtest", []*loyalty.BacktestReport{shard(0, 2), run(other)}, "another backtest"},
		{"another shard count", []*loyalty.BacktestReport{shard(0, 2), shard(1, 3)}, "another backtest"},
		{"a whole report", []*loyalty.BacktestReport{run(shopBacktest()), run(shopBacktest())}, "covers every customer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := loyalty.MergeBacktests(tt.reports...)
			if err == nil || r != nil || !errors.Is(err, loyalty.ErrInvalidInput) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("MergeBacktests = %v, %v; want ErrInvalidInput saying %q", r, err, tt.says)
			}
		})
	}
	changed := shard(1, 2)
	changed.A.Liability = changed.A.Liability[:1]
	if _, err := loyalty.MergeBacktests(shard(0, 2), changed); !errors.Is(err, loyalty.ErrInvalidInput) || !strings.Contains(err.Error(), "was changed") {
		t.Errorf("merging a report cut short: %v", err)
	}
	partial, err := loyalty.MergeBacktests(shard(0, 3), shard(2, 3))
	if err != nil || partial.ShardCount != 3 || !cmp.Equal(partial.Shards, []int{0, 2}) {
		t.Fatalf("merging shards 0 and 2 of 3: %v, %+v", err, partial)
	}
	whole, err := loyalty.MergeBacktests(partial, shard(1, 3))
	if err != nil || whole.ShardCount != 0 || whole.Shards != nil {
		t.Fatalf("merging all three shards: %v, %d %v; want a report of every customer", err, whole.ShardCount, whole.Shards)
	}
}

// TestRedemptionAssumptionText: the assumption reads and writes its name,
// and an unknown one is refused with the valid names.
func TestRedemptionAssumptionText(t *testing.T) {
	for _, a := range []loyalty.RedemptionAssumption{loyalty.RedeemAsRecorded, loyalty.RedeemCapped, loyalty.RedeemSameShare} {
		b, err := a.MarshalText()
		var back loyalty.RedemptionAssumption
		if err != nil || back.UnmarshalText(b) != nil || back != a {
			t.Errorf("%v: round trip gave %v (%v)", a, back, err)
		}
	}
	var a loyalty.RedemptionAssumption
	if err := a.UnmarshalText([]byte("same-shar")); err == nil || !strings.Contains(err.Error(), "did you mean same_share") {
		t.Errorf("UnmarshalText(same-shar) = %v", err)
	}
	if err := a.UnmarshalText(nil); err == nil {
		t.Error("an empty assumption was accepted: the caller must state one")
	}
}
