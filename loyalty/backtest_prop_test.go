package loyalty_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// btProgramme draws a small programme: one or two accrual rules, maybe a
// discount and a gift, tiers, an expiry, pending days and a redemption
// policy. Every programme drawn counts in EUR in one zone.
func btProgramme(t *rapid.T, name, zone string) loyalty.Config {
	factor := rapid.SampledFrom([]string{"1", "2", "0.5"}).Draw(t, name+".factor")
	c := loyalty.Config{Name: name, Currency: "EUR", TimeZone: zone, MoneyPlaces: 2,
		PointsPlaces: rapid.Int32Range(0, 2).Draw(t, name+".places"),
		Rules:        []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "order.Total * " + factor}},
		Redemption: loyalty.RedemptionPolicy{PointValue: d(rapid.SampledFrom([]string{"0", "0.01", "0.1"}).Draw(t, name+".value")),
			MaxShare: d(rapid.SampledFrom([]string{"0", "0.5"}).Draw(t, name+".share"))},
		PendingDays:   rapid.SampledFrom([]int{0, 0, 14}).Draw(t, name+".pending"),
		RefundOfSpent: rapid.SampledFrom([]loyalty.RefundPolicy{loyalty.RecordDebt, loyalty.WriteOff}).Draw(t, name+".refund"),
	}
	if rapid.Bool().Draw(t, name+".bonus") {
		c.Rules = append(c.Rules, rules.Rule{ID: "review", Kind: rules.Accrual, On: []string{"review"}, Value: "25"})
	}
	if rapid.Bool().Draw(t, name+".discount") {
		c.Rules = append(c.Rules, rules.Rule{ID: "gold-5", Kind: rules.Discount, Unit: rules.Percent, When: `customer.Tier == "gold"`, Value: "5"})
	}
	if rapid.Bool().Draw(t, name+".gift") {
		c.Rules = append(c.Rules, rules.Rule{ID: "mug", Kind: rules.Gift, When: "order.Total >= 100", Value: `"mug"`})
	}
	if rapid.Bool().Draw(t, name+".tiers") {
		c.Tiers = []loyalty.Tier{{Name: "member"}, {Name: "gold", MinSpend: d(rapid.SampledFrom([]string{"150", "300"}).Draw(t, name+".gold"))}}
		c.TierWindowMonths, c.TierGraceDays = rapid.IntRange(1, 6).Draw(t, name+".window"), rapid.IntRange(0, 40).Draw(t, name+".grace")
	}
	switch rapid.IntRange(0, 3).Draw(t, name+".expiry") {
	case 1:
		c.Expiry = loyalty.Expiry{Kind: loyalty.AfterMonths, Months: rapid.IntRange(1, 4).Draw(t, name+".months")}
	case 2:
		c.Expiry = loyalty.Expiry{Kind: loyalty.EndOfMonth}
	case 3:
		c.Expiry = loyalty.Expiry{Kind: loyalty.EndOfYear}
	}
	return c
}

// btLog draws a log of up to n operations by a few customers, in time
// order per customer (and overall): purchases (some paid with a
// redemption just before), refunds by amount of the customer's orders,
// reviews, and redemptions. Some are bad on purpose (a refund of an
// unknown order, a refund larger than what is left, money in another
// currency) so that the backtest and the one-by-one replay must fail
// alike too.
func btLog(t *rapid.T, start time.Time, n int) []loyalty.Recorded {
	customers := rapid.IntRange(1, 5).Draw(t, "customers")
	ops := rapid.IntRange(1, n).Draw(t, "ops")
	orders := map[string][]string{}
	totals := map[string]int{}
	units := map[string]int{}       // items left to return, by order
	events := map[string][]string{} // events not reversed, by customer
	at := start
	var log []loyalty.Recorded
	for i := range ops {
		at = at.Add(time.Duration(rapid.IntRange(0, 20*24).Draw(t, "hours")) * time.Hour)
		c := loyalty.Customer{ID: fmt.Sprint("c", rapid.IntRange(1, customers).Draw(t, "customer"))}
		id := fmt.Sprint(i)
		switch k := rapid.IntRange(0, 9).Draw(t, "kind"); {
		case k < 5:
			cents := rapid.IntRange(0, 40000).Draw(t, "cents")
			o := loyalty.Order{ID: "o" + id, Total: decimal.New(int64(cents), -2)}
			if qty := rapid.IntRange(0, 3).Draw(t, "units"); qty > 0 { // an order of qty items, returnable by line
				cents -= cents % qty
				o.Total = decimal.New(int64(cents), -2)
				o.Lines = []loyalty.Line{{SKU: "item", Qty: qty, Price: decimal.New(int64(cents/qty), -2)}}
				units[o.ID] = qty
			}
			if cents >= 1000 && rapid.IntRange(0, 3).Draw(t, "paid with points") == 0 {
				// At most 200 points, and at most a point per 20 cents: at 0.10 a point they pay at most half.
				log = append(log, loyalty.Recorded{Kind: loyalty.OpRedeem, At: at, Customer: c, Redemption: loyalty.Redemption{
					ID: "x" + id, Points: decimal.NewFromInt(int64(rapid.IntRange(1, min(200, cents/20)).Draw(t, "points"))), OrderTotal: o.Total}})
				o.Redemption = "x" + id
			}
			totals[o.ID] = cents
			orders[c.ID] = append(orders[c.ID], o.ID)
			log = append(log, loyalty.Recorded{Kind: loyalty.OpPurchase, At: at, Customer: c, Order: o})
		case k < 7:
			os := orders[c.ID]
			if len(os) == 0 {
				continue
			}
			order := os[rapid.IntRange(0, len(os)-1).Draw(t, "order")]
			if left, ok := units[order]; ok { // return some of its items
				if left == 0 {
					continue
				}
				n := rapid.IntRange(1, left).Draw(t, "return")
				units[order] -= n
				log = append(log, loyalty.Recorded{Kind: loyalty.OpRefund, At: at, Customer: c, Refund: loyalty.Refund{ID: "r" + id, Order: order,
					Lines: []loyalty.RefundLine{{SKU: "item", Qty: n}}}})
				break
			}
			cents := totals[order] / 3 // a third or less: two refunds stay below what was paid
			if cents < 1 {
				continue
			}
			log = append(log, loyalty.Recorded{Kind: loyalty.OpRefund, At: at, Customer: c, Refund: loyalty.Refund{ID: "r" + id, Order: order,
				Amount: decimal.New(int64(rapid.IntRange(1, cents).Draw(t, "refund cents")), -2)}})
		case k < 8:
			if es := events[c.ID]; len(es) > 0 && rapid.IntRange(0, 2).Draw(t, "reverse") == 0 { // a review removed: its reward reversed
				j := rapid.IntRange(0, len(es)-1).Draw(t, "event")
				log = append(log, loyalty.Recorded{Kind: loyalty.OpReverse, At: at, Customer: c, Reversal: loyalty.Reversal{ID: "v" + id, Event: es[j]}})
				events[c.ID] = slices.Delete(es, j, j+1)
				break
			}
			log = append(log, loyalty.Recorded{Kind: loyalty.OpEvent, At: at, Customer: c, Event: loyalty.Event{ID: "e" + id, Kind: "review"}})
			events[c.ID] = append(events[c.ID], "e"+id)
		default:
			log = append(log, loyalty.Recorded{Kind: loyalty.OpRedeem, At: at, Customer: c, Redemption: loyalty.Redemption{
				ID: "x" + id, Points: decimal.NewFromInt(int64(rapid.IntRange(1, 300).Draw(t, "points")))}})
		}
		if len(log) > 0 && rapid.IntRange(0, 25).Draw(t, "retry") == 0 { // a host's retry, recorded twice
			log = append(log, log[len(log)-1])
		}
	}
	// One log in five has a bad operation somewhere: a refund of an
	// unknown order, or an order in another currency.
	if len(log) > 0 && rapid.IntRange(0, 4).Draw(t, "bad") == 0 {
		i := rapid.IntRange(0, len(log)-1).Draw(t, "bad at")
		bad := log[i]
		if rapid.Bool().Draw(t, "bad refund") {
			bad.Kind, bad.Refund = loyalty.OpRefund, loyalty.Refund{ID: "bad", Order: "nope", Amount: d("1")}
		} else {
			bad.Kind, bad.Order = loyalty.OpPurchase, loyalty.Order{ID: "bad", Total: d("10"), Currency: "USD"}
		}
		log = slices.Insert(log, i, bad)
	}
	return log
}

// btConfig draws a backtest of two programmes over the log's period.
func btConfig(t *rapid.T, start time.Time) loyalty.BacktestConfig {
	zone := rapid.SampledFrom([]string{"UTC", "Europe/Berlin"}).Draw(t, "zone")
	cfg := loyalty.BacktestConfig{A: btProgramme(t, "A", zone), B: btProgramme(t, "B", zone),
		End:         start.AddDate(0, rapid.IntRange(30, 40).Draw(t, "months"), 0),
		Redemptions: rapid.SampledFrom([]loyalty.RedemptionAssumption{loyalty.RedeemAsRecorded, loyalty.RedeemCapped, loyalty.RedeemSameShare}).Draw(t, "assumption"),
		GiftCost:    map[string]decimal.Decimal{"mug": d("3.50")},
		Breakage:    d(rapid.SampledFrom([]string{"0", "0.25"}).Draw(t, "breakage")),
		Cohorts:     rapid.Bool().Draw(t, "cohorts"),
	}
	for m := range rapid.IntRange(0, 30).Draw(t, "dates") {
		cfg.Dates = append(cfg.Dates, start.AddDate(0, m, 3))
	}
	return cfg
}

var btStart = time.Date(2024, 11, 20, 9, 30, 0, 0, time.UTC)

var reportOpts = cmp.Options{cmpopts.IgnoreUnexported(loyalty.BacktestReport{}), cmpopts.EquateEmpty()}

// checkBacktestOneByOne: a backtest's report is what applying the
// operations one by one, as the documentation describes, gives — and
// both refuse a log at the same line.
func checkBacktestOneByOne(t *rapid.T) {
	cfg := btConfig(t, btStart)
	log := btLog(t, btStart, 40)
	got, err := loyalty.Backtest(cfg, slices.Values(log))
	if len(log) == 0 {
		if !errors.Is(err, loyalty.ErrEmptyLog) || got != nil {
			t.Fatalf("an empty log: %v", err)
		}
		return
	}
	want, wantErr := oneByOne(cfg, log)
	if wantErr != nil {
		var le *loyalty.LogError
		if !errors.As(err, &le) || le.Line != wantErr.line {
			t.Fatalf("one by one fails on line %d (%v); the backtest: %v", wantErr.line, wantErr.err, err)
		}
		if !strings.Contains(le.Err.Error(), wantErr.err.Error()) {
			t.Fatalf("the backtest's error %q does not say the one-by-one replay's %q", le.Err, wantErr.err)
		}
		if got != nil {
			t.Fatalf("a failed backtest returned a report")
		}
		return
	}
	if err != nil {
		t.Fatalf("Backtest: %v (one by one succeeded)", err)
	}
	if diff := want.compare(got); diff != "" {
		t.Fatalf("Backtest mismatch with one by one (-want +got):\n%s", diff)
	}
}

func TestBacktestOneByOne(t *testing.T) { rapid.Check(t, checkBacktestOneByOne) }
func FuzzBacktestOneByOne(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkBacktestOneByOne)) }

// checkBacktestShards: the shards of a backtest merged, and a run on
// several workers, give the single pass's report.
func checkBacktestShards(t *rapid.T) {
	cfg := btConfig(t, btStart)
	log := btLog(t, btStart, 40)
	single, err := loyalty.Backtest(cfg, slices.Values(log))
	if err != nil {
		t.Skip("a log the backtest refuses (checkBacktestOneByOne checks those)")
	}
	n := rapid.IntRange(2, 4).Draw(t, "shards")
	var parts []*loyalty.BacktestReport
	for i := range n {
		c := cfg
		c.Shard = loyalty.Shard{Index: i, Count: n}
		r, err := loyalty.Backtest(c, slices.Values(log))
		if err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		parts = append(parts, r)
	}
	order := rapid.Permutation(parts).Draw(t, "merge order")
	merged, err := loyalty.MergeBacktests(order...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(single, merged, reportOpts); diff != "" {
		t.Fatalf("MergeBacktests(shards) mismatch with the single pass (-want +got):\n%s", diff)
	}
	c := cfg
	c.Workers = rapid.IntRange(2, 3).Draw(t, "workers")
	par, err := loyalty.Backtest(c, slices.Values(log))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(single, par, reportOpts); diff != "" {
		t.Fatalf("Backtest(Workers %d) mismatch with the single pass (-want +got):\n%s", c.Workers, diff)
	}
}

func TestBacktestShards(t *testing.T) { rapid.Check(t, checkBacktestShards) }

// checkBacktestGrouped: a log grouped by customer replayed with Grouped
// (customers closed as the next one starts) gives the report it gives
// without; a log that is not grouped is refused with Grouped, at the line
// where a customer comes back.
func checkBacktestGrouped(t *rapid.T) {
	cfg := btConfig(t, btStart)
	log := btLog(t, btStart, 40)
	back := 0 // the first line where a customer comes back, if any
	seen := map[string]bool{}
	for i, r := range log {
		if seen[r.Customer.ID] && log[i-1].Customer.ID != r.Customer.ID && back == 0 {
			back = i + 1
		}
		seen[r.Customer.ID] = true
	}
	grouped := cfg
	grouped.Grouped = true
	grouped.Workers = rapid.IntRange(0, 2).Draw(t, "workers")
	if back > 0 {
		_, err := loyalty.Backtest(grouped, slices.Values(log))
		var le *loyalty.LogError
		if errors.As(err, &le) && le.Line < back {
			return // an error before the customer comes back (checkBacktestOneByOne checks those)
		}
		if !errors.Is(err, loyalty.ErrLogOrder) || le.Line != back {
			t.Fatalf("a log where a customer comes back on line %d, replayed as grouped: %v", back, err)
		}
		slices.SortStableFunc(log, func(x, y loyalty.Recorded) int { return strings.Compare(x.Customer.ID, y.Customer.ID) })
	}
	want, err := loyalty.Backtest(cfg, slices.Values(log))
	got, gotErr := loyalty.Backtest(grouped, slices.Values(log))
	if err != nil || gotErr != nil {
		if err == nil || gotErr == nil || err.Error() != gotErr.Error() {
			t.Fatalf("errors differ: %v, grouped %v", err, gotErr)
		}
		return
	}
	if diff := cmp.Diff(want, got, reportOpts); diff != "" {
		t.Fatalf("Backtest(Grouped) mismatch (-want +got):\n%s", diff)
	}
}

func TestBacktestGrouped(t *testing.T) { rapid.Check(t, checkBacktestGrouped) }
func FuzzBacktestShards(f *testing.F)  { f.Fuzz(rapid.MakeFuzz(checkBacktestShards)) }

// checkBacktestSelf: a programme backtested against itself differs in
// nothing.
func checkBacktestSelf(t *rapid.T) {
	cfg := btConfig(t, btStart)
	cfg.B = cfg.A
	log := btLog(t, btStart, 40)
	r, err := loyalty.Backtest(cfg, slices.Values(log))
	if err != nil {
		t.Skip("a log the backtest refuses")
	}
	if len(r.Changes) != 0 || r.Gainers != 0 || r.Losers != 0 || !r.NetGain.IsZero() {
		t.Fatalf("A vs A: %d changes (%d gainers, %d losers, net %s): %+v", len(r.Changes), r.Gainers, r.Losers, r.NetGain, r.Changes)
	}
	if diff := cmp.Diff(r.A, r.B); diff != "" {
		t.Fatalf("A vs A: the sides differ (-A +B):\n%s", diff)
	}
	for d, m := range r.Transitions {
		for i := range m {
			for j := range m[i] {
				if i != j && m[i][j] != 0 {
					t.Fatalf("A vs A: %d customers move from tier %d to %d at date %d", m[i][j], i, j, d)
				}
			}
		}
	}
}

func TestBacktestSelf(t *testing.T) { rapid.Check(t, checkBacktestSelf) }

// --- the one-by-one replay ---

type logFailure struct {
	line int
	err  error
}

// oracle is the backtest done naively with the public API, one
// operation at a time, every expiry and review called unconditionally.
type oracle struct {
	cfg   loyalty.BacktestConfig
	p     [2]*loyalty.Program
	dates []time.Time
	acc   map[string]*[2]loyalty.Account
	next  map[string]int
	made  [2]map[string]bool // customer/redemption made
	side  [2]oracleSide
	trans [][][]int
	ops   loyalty.OpCounts
	money map[string]*[2]custMoney
	// entries are every entry each programme wrote, in the order written.
	entries [2][]loyalty.Entry
	// maintained is when each customer's expiry and review last ran.
	maintained [2]map[string]time.Time
}

type custMoney struct {
	off, giftCost decimal.Decimal
	gifts         int
}

type oracleSide struct {
	discount, pointsMoney, paid decimal.Decimal
	gifts                       map[string]*[2]int
	recorded, madeN, refused    int
	ptsRecorded, pts            decimal.Decimal
	refundsSkipped              int
	tierCounts                  [][]int
	bal                         [][5]decimal.Decimal // per date: available, pending, held, expiring, debt
	accounts                    []int
}

func oneByOne(cfg loyalty.BacktestConfig, log []loyalty.Recorded) (*oracle, *logFailure) {
	o := &oracle{cfg: cfg, acc: map[string]*[2]loyalty.Account{}, next: map[string]int{}, money: map[string]*[2]custMoney{}}
	for s, c := range [2]loyalty.Config{cfg.A, cfg.B} {
		p, err := loyalty.Compile(c)
		if err != nil {
			return nil, &logFailure{-1, err}
		}
		o.p[s] = p
		o.made[s] = map[string]bool{}
		o.maintained[s] = map[string]time.Time{}
	}
	o.dates = append(slices.Clone(cfg.Dates), cfg.End)
	if n := len(cfg.Dates); n > 0 && cfg.Dates[n-1].Equal(cfg.End) {
		o.dates = o.dates[:n]
	}
	for s := range o.side {
		sd := &o.side[s]
		sd.gifts = map[string]*[2]int{}
		for range o.dates {
			sd.tierCounts = append(sd.tierCounts, make([]int, len(o.p[s].Config().Tiers)+1))
			sd.bal = append(sd.bal, [5]decimal.Decimal{})
			sd.accounts = append(sd.accounts, 0)
		}
	}
	for range o.dates {
		m := make([][]int, len(cfg.A.Tiers)+1)
		for i := range m {
			m[i] = make([]int, len(cfg.B.Tiers)+1)
		}
		o.trans = append(o.trans, m)
	}
	for i := range log {
		if err := o.op(&log[i]); err != nil {
			return nil, &logFailure{i + 1, err}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(o.acc)) {
		for ; o.next[id] < len(o.dates); o.next[id]++ {
			if err := o.count(id, o.next[id]); err != nil {
				return nil, &logFailure{0, err}
			}
		}
	}
	return o, nil
}

func (o *oracle) maintain(s int, id string, a loyalty.Account, at time.Time) (loyalty.Account, error) {
	for {
		var due time.Time
		for _, l := range a.Lots() {
			if l.Remaining.IsPositive() && !l.ExpiresAt.IsZero() && !l.ExpiresAt.After(at) && (due.IsZero() || l.ExpiresAt.Before(due)) {
				due = l.ExpiresAt
			}
		}
		if due.IsZero() {
			break
		}
		if last := o.maintained[s][id]; due.Before(last) {
			due = last
		}
		var r loyalty.Result
		var err error
		if a, r, err = o.p[s].Expire(a, due); err != nil {
			return a, err
		}
		o.entries[s] = append(o.entries[s], r.Entries...)
	}
	a, r, err := o.p[s].ReviewTier(a, at)
	o.entries[s] = append(o.entries[s], r.Entries...)
	o.maintained[s][id] = at
	return a, err
}

func tierIndex(c loyalty.Config, name string) int {
	return slices.IndexFunc(c.Tiers, func(t loyalty.Tier) bool { return t.Name == name }) + 1
}

func (o *oracle) count(id string, k int) error {
	d := o.dates[k]
	var idx [2]int
	for s := range o.p {
		a, err := o.maintain(s, id, o.acc[id][s], d)
		if err != nil {
			return err
		}
		o.acc[id][s] = a
		b := a.Balance(d)
		sd := &o.side[s]
		for i, v := range []decimal.Decimal{b.Available, b.Pending, b.Held, b.Expiring, b.Debt} {
			sd.bal[k][i] = sd.bal[k][i].Add(v)
		}
		sd.accounts[k]++
		idx[s] = tierIndex(o.p[s].Config(), a.Tier())
		sd.tierCounts[k][idx[s]]++
	}
	o.trans[k][idx[0]][idx[1]]++
	return nil
}

func (o *oracle) op(r *loyalty.Recorded) error {
	id := r.Customer.ID
	if r.At.After(o.cfg.End) {
		return errors.New("after end")
	}
	if _, ok := o.acc[id]; !ok {
		o.acc[id] = &[2]loyalty.Account{}
		o.money[id] = &[2]custMoney{}
		k := 0
		for k < len(o.dates) && o.dates[k].Before(r.At) {
			k++
		}
		o.next[id] = k
	}
	for ; o.next[id] < len(o.dates)-1 && o.dates[o.next[id]].Before(r.At); o.next[id]++ {
		if err := o.count(id, o.next[id]); err != nil {
			return err
		}
	}
	for s := range o.p {
		a, err := o.maintain(s, id, o.acc[id][s], r.At)
		if err != nil {
			return err
		}
		o.acc[id][s] = a
	}
	var paidA, refundedA, shareNum, shareDen decimal.Decimal
	for s, p := range o.p {
		sd, a, cm := &o.side[s], o.acc[id][s], &o.money[id][s]
		var res loyalty.Result
		var err error
		switch r.Kind {
		case loyalty.OpPurchase:
			ord := r.Order
			if ord.Redemption != "" && !o.made[s][id+"/"+ord.Redemption] {
				ord.Redemption = ""
			}
			if a, res, err = p.Purchase(a, r.Customer, ord, r.At); err != nil {
				return err
			}
			if !res.Duplicate {
				sd.discount, sd.paid = sd.discount.Add(res.Discount), sd.paid.Add(res.Money)
				cm.off = cm.off.Add(res.Discount)
				o.gifts(s, cm, res.Gifts, 1)
			}
		case loyalty.OpRefund:
			rf := r.Refund
			if s == 1 && len(rf.Lines) == 0 {
				if i := slices.IndexFunc(a.Orders(), func(x loyalty.OrderSummary) bool { return x.ID == rf.Order }); i >= 0 && paidA.IsPositive() {
					ob := a.Orders()[i]
					target := ob.Paid
					if refundedA.LessThan(paidA) {
						target, _ = ob.Paid.Mul(refundedA).QuoRem(paidA, o.cfg.B.MoneyPlaces)
					}
					rf.Amount = target.Sub(ob.Refunded)
					if !rf.Amount.IsPositive() {
						sd.refundsSkipped++
						continue
					}
				}
			}
			if a, res, err = p.Refund(a, r.Customer, rf, r.At); err != nil {
				return err
			}
			if s == 0 {
				i := slices.IndexFunc(a.Orders(), func(x loyalty.OrderSummary) bool { return x.ID == rf.Order })
				paidA, refundedA = a.Orders()[i].Paid, a.Orders()[i].Refunded
			}
			if !res.Duplicate {
				sd.paid = sd.paid.Sub(res.Money)
				o.gifts(s, cm, res.GiftsBack, -1)
			}
		case loyalty.OpEvent:
			if a, res, err = p.Event(a, r.Customer, r.Event, r.At); err != nil {
				return err
			}
			if !res.Duplicate {
				o.gifts(s, cm, res.Gifts, 1)
			}
		case loyalty.OpReverse:
			if a, res, err = p.Reverse(a, r.Customer, r.Reversal, r.At); err != nil {
				return err
			}
			if !res.Duplicate {
				o.gifts(s, cm, res.GiftsBack, -1)
			}
		case loyalty.OpRedeem:
			rd := r.Redemption
			key := id + "/" + rd.ID
			if o.made[s][key] {
				res.Duplicate = true
				break
			}
			c := p.Config()
			places := c.PointsPlaces
			b := a.Balance(r.At)
			net := decimal.Max(b.Available.Sub(b.Debt), decimal.Zero)
			pts := rd.Points
			switch o.cfg.Redemptions {
			case loyalty.RedeemCapped:
				pts = decimal.Min(pts, net)
			case loyalty.RedeemSameShare:
				switch {
				case s == 0:
					shareNum, shareDen = rd.Points, net
				case shareDen.IsPositive():
					pts, _ = shareNum.Mul(net).QuoRem(shareDen, places)
				default:
					pts = decimal.Zero
				}
			}
			if v, total := c.Redemption.PointValue, rd.OrderTotal; o.cfg.Redemptions != loyalty.RedeemAsRecorded && total.IsPositive() && v.IsPositive() {
				if c.Redemption.MaxShare.IsPositive() {
					total = total.Mul(c.Redemption.MaxShare)
				}
				limit, _ := total.QuoRem(v, places)
				pts = decimal.Min(pts, limit)
			}
			pts = pts.RoundDown(places)
			sd.recorded++
			sd.ptsRecorded = sd.ptsRecorded.Add(rd.Points)
			made := false
			if pts.IsPositive() {
				rd.Points = pts
				var na loyalty.Account
				na, res, err = p.Redeem(a, r.Customer, rd, r.At)
				switch {
				case errors.Is(err, loyalty.ErrInsufficientPoints) || errors.Is(err, loyalty.ErrPolicy):
				case err != nil:
					return err
				default:
					a, made = na, true
				}
			}
			if !made {
				sd.refused++
				break
			}
			o.made[s][key] = true
			sd.madeN++
			sd.pts = sd.pts.Add(pts)
			sd.pointsMoney = sd.pointsMoney.Add(res.Discount)
			cm.off = cm.off.Add(res.Discount)
		}
		o.acc[id][s] = a
		o.entries[s] = append(o.entries[s], res.Entries...)
		if res.Duplicate && s == 0 {
			o.ops.Duplicates++
			return nil
		}
	}
	switch r.Kind {
	case loyalty.OpPurchase:
		o.ops.Purchases++
	case loyalty.OpRefund:
		o.ops.Refunds++
	case loyalty.OpEvent:
		o.ops.Events++
	case loyalty.OpRedeem:
		o.ops.Redemptions++
	case loyalty.OpReverse:
		o.ops.Reversals++
	}
	return nil
}

func (o *oracle) gifts(s int, cm *custMoney, gs []string, sign int) {
	for _, g := range gs {
		if o.side[s].gifts[g] == nil {
			o.side[s].gifts[g] = &[2]int{}
		}
		if sign > 0 {
			o.side[s].gifts[g][0]++
		} else {
			o.side[s].gifts[g][1]++
		}
		cm.gifts += sign
		if cost, ok := o.cfg.GiftCost[g]; ok {
			cm.giftCost = cm.giftCost.Add(cost.Mul(decimal.NewFromInt(int64(sign))))
		}
	}
}

// compare lists what the report gets wrong.
func (o *oracle) compare(r *loyalty.BacktestReport) string {
	var diffs []string
	add := func(what string, want, got any) {
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			diffs = append(diffs, what+":\n"+diff)
		}
	}
	add("customers", len(o.acc), r.Customers)
	add("ops", o.ops, r.Ops)
	add("dates", o.dates, r.Dates)
	add("transitions", o.trans, r.Transitions)
	var changes []loyalty.CustomerChange
	var outs [2]map[string]loyalty.CustomerOutcome
	for s, side := range [2]loyalty.BacktestSide{r.A, r.B} {
		sd, c := &o.side[s], o.p[s].Config()
		var tot loyalty.Totals
		for _, acc := range o.acc {
			t := acc[s].Totals()
			tot.Earned, tot.Redeemed, tot.Expired = tot.Earned.Add(t.Earned), tot.Redeemed.Add(t.Redeemed), tot.Expired.Add(t.Expired)
			tot.Reversed, tot.Repaid, tot.WrittenOff = tot.Reversed.Add(t.Reversed), tot.Repaid.Add(t.Repaid), tot.WrittenOff.Add(t.WrittenOff)
			tot.Debt = tot.Debt.Add(acc[s].Balance(o.cfg.End).Debt)
		}
		add(fmt.Sprint(s, " points"), []decimal.Decimal{tot.Earned, tot.Redeemed, tot.Expired, tot.Reversed, tot.Repaid, tot.Debt, tot.WrittenOff},
			[]decimal.Decimal{side.Earned, side.Redeemed, side.Expired, side.Reversed, side.Repaid, side.Debt, side.WrittenOff})
		add(fmt.Sprint(s, " money"), []decimal.Decimal{sd.discount, sd.pointsMoney, sd.discount.Add(sd.pointsMoney), sd.paid},
			[]decimal.Decimal{side.Discount, side.PointsMoney, side.MoneyOff, side.Paid})
		var gifts []loyalty.GiftCount
		cost := decimal.Zero
		for _, g := range slices.Sorted(maps.Keys(sd.gifts)) {
			gc := loyalty.GiftCount{Gift: g, Given: sd.gifts[g][0], TakenBack: sd.gifts[g][1]}
			if unit, ok := o.cfg.GiftCost[g]; ok {
				gc.Priced, gc.Cost = true, unit.Mul(decimal.NewFromInt(int64(gc.Given-gc.TakenBack)))
				cost = cost.Add(gc.Cost)
			}
			gifts = append(gifts, gc)
		}
		add(fmt.Sprint(s, " gifts"), gifts, side.Gifts)
		add(fmt.Sprint(s, " gift cost"), cost, side.GiftCost)
		add(fmt.Sprint(s, " redemptions"), loyalty.RedemptionCounts{Recorded: sd.recorded, Made: sd.madeN, Refused: sd.refused,
			PointsRecorded: sd.ptsRecorded, Points: sd.pts}, side.Redemptions)
		add(fmt.Sprint(s, " refunds skipped"), sd.refundsSkipped, side.RefundsSkipped)
		add(fmt.Sprint(s, " tier counts"), sd.tierCounts, side.TierCounts)
		keep := decimal.NewFromInt(1).Sub(o.cfg.Breakage)
		for k := range o.dates {
			b, l := sd.bal[k], side.Liability[k]
			out := b[0].Add(b[1]).Add(b[2])
			add(fmt.Sprint(s, " liability ", k), []any{sd.accounts[k], b[0], b[1], b[2], out, b[3], b[4], out.Mul(c.Redemption.PointValue).Mul(keep)},
				[]any{l.Accounts, l.Available, l.Pending, l.Held, l.Outstanding, l.PastExpiry, l.Debt, l.Liability})
		}
		if o.cfg.Cohorts {
			cs, err := o.p[s].NewCohorts(o.cfg.End)
			if err != nil {
				return err.Error()
			}
			for _, e := range o.entries[s] {
				if err := cs.Add(e); err != nil {
					return err.Error()
				}
			}
			want := cs.Development()
			add(fmt.Sprint(s, " development"), &want, side.Development)
		} else if side.Development != nil {
			diffs = append(diffs, "a development without Cohorts")
		}
		outs[s] = map[string]loyalty.CustomerOutcome{}
		for id, acc := range o.acc {
			a, cm := acc[s], o.money[id][s]
			b := a.Balance(o.cfg.End)
			t := a.Totals()
			out := b.Available.Add(b.Pending).Add(b.Held)
			outs[s][id] = loyalty.CustomerOutcome{Earned: t.Earned, Redeemed: t.Redeemed, Expired: t.Expired, Outstanding: out,
				MoneyOff: cm.off, Gifts: cm.gifts, GiftCost: cm.giftCost, Tier: a.Tier(),
				Benefit: cm.off.Add(cm.giftCost).Add(out.Mul(c.Redemption.PointValue))}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(o.acc)) {
		a, b := outs[0][id], outs[1][id]
		if cmp.Diff(a, b) != "" {
			changes = append(changes, loyalty.CustomerChange{Customer: id, A: a, B: b, Gain: b.Benefit.Sub(a.Benefit)})
		}
	}
	add("changes", changes, r.Changes)
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprint(diffs)
}
