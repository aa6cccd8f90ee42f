package loyalty

import (
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/shopspring/decimal"
)

// Backtest replays a shop's recorded history under two programmes, A
// and B, and reports them side by side ([BacktestReport]): points
// earned, redeemed and expired, money off, gifts, customers per tier and
// the tier transitions from A to B at chosen dates, the outstanding
// points and their liability over time, and the customers whose outcome
// changes.
//
// The log is read once, as a stream. Each customer's operations are
// replayed in the order of the log, which must be time order per
// customer: a customer's operation dated before their previous one is
// refused ([ErrLogOrder]); customers may interleave in any way. For each
// customer and programme, the backtest does what a host would: before
// each operation, and at each of the Dates and at End, it expires the
// points that have come due ([Program.Expire], run at the instant they
// expire, so the ledger dates each expiry right) and reviews the tier
// ([Program.ReviewTier]) at that instant, then applies the operation
// (purchase, refund, event or redemption) at its At. A retried operation (same id and payload) is
// recognised by A and not applied again under either. Programme A reads
// the log as recorded; under B:
//
//   - a refund by amount refunds the same cumulative share of the money
//     paid as under A (rounded down to B's money places; the last refund
//     of an order refunds the rest), since B may discount the order
//     differently; a refund by lines is replayed as is. A refund with
//     nothing left to refund under B is skipped and counted.
//   - redemptions follow cfg.Redemptions (under A too: see
//     [RedemptionAssumption]); a redemption not made leaves its order to
//     be paid in money.
//
// It is deterministic: the same log and configuration give the same
// report, whatever the Workers. Any error — a configuration that is not
// valid, a programme that does not compile ([ProgrammeError], listing
// every problem of both), an operation either programme refuses
// ([LogError], naming the line, the customer and the operation), an
// empty log ([ErrEmptyLog]) — returns no report at all.
//
// Its memory grows with the customers (their two accounts; an account
// of a few purchases takes some 10 to 15 KB), not with the operations;
// with a log grouped by customer (cfg.Grouped), it holds only the
// customer being replayed.
func Backtest(cfg BacktestConfig, log iter.Seq[Recorded]) (*BacktestReport, error) {
	env, err := newBacktest(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Workers > 1 {
		return env.parallel(log)
	}
	run := env.newRun()
	line := 0
	for r := range log {
		line++
		env.progress(line)
		if !env.mine(r.Customer.ID) {
			continue
		}
		if err := run.op(line, &r); err != nil {
			return nil, err
		}
	}
	if line == 0 {
		return nil, ErrEmptyLog
	}
	env.done(line)
	return run.finish()
}

// btEnv is what the runs of one backtest share, read-only.
type btEnv struct {
	cfg   BacktestConfig
	p     [2]*Program
	dates []time.Time // cfg.Dates, then End
	key   string
}

func newBacktest(cfg BacktestConfig) (*btEnv, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	compile := cfg.Compile
	if compile == nil {
		compile = func(c Config) (*Program, error) { return Compile(c) }
	}
	var errs []error
	var p [2]*Program
	for s, c := range [2]Config{cfg.A, cfg.B} {
		prog, err := compile(c)
		if err == nil && prog.usable("backtest") != nil {
			err = errors.New("the Compile function returned no programme")
		}
		if err != nil {
			errs = append(errs, &ProgrammeError{Side: sideName(s), Err: err})
		}
		p[s] = prog
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if p[0].cfg.Currency != p[1].cfg.Currency { // a Compile function may not compile the configuration it is given
		return nil, &FieldError{Field: "b.currency", Message: fmt.Sprintf("the compiled programmes count in %q and %q: the programmes must count in one currency",
			p[0].cfg.Currency, p[1].cfg.Currency)}
	}
	cfg.GiftCost = maps.Clone(cfg.GiftCost) // the caller's map may change; the backtest's may not
	env := &btEnv{cfg: cfg, p: p, dates: slices.Clone(cfg.Dates)}
	if n := len(env.dates); n == 0 || !env.dates[n-1].Equal(cfg.End) {
		env.dates = append(env.dates, cfg.End)
	}
	env.key = env.fingerprint()
	return env, nil
}

func sideName(s int) string { return string(rune('A' + s)) }

// fingerprint identifies what a report depends on, so that only reports
// of shards of the same backtest merge.
func (env *btEnv) fingerprint() string {
	f := newFingerprint('b')
	for _, p := range env.p {
		f = f.str(p.cfg.Name).str(p.compat).str(fmt.Sprint(p.cfg.Rules, p.cfg.Tiers, p.cfg.Expiry, p.cfg.Redemption.PointValue.String()))
	}
	for _, d := range env.dates {
		f = f.str(d.UTC().Format(time.RFC3339Nano))
	}
	f = f.num(int64(env.cfg.Redemptions)).str(env.cfg.Breakage.String()).num(int64(env.cfg.ExpiryBuckets)).num(int64(env.cfg.Shard.Count))
	if env.cfg.Cohorts {
		f = f.num(1)
	}
	for _, g := range slices.Sorted(maps.Keys(env.cfg.GiftCost)) {
		f = f.str(g).str(env.cfg.GiftCost[g].String())
	}
	return f.sum()
}

// mine reports whether the customer is in the configured shard.
func (env *btEnv) mine(id string) bool {
	return env.cfg.Shard.Count == 0 || ShardOf(id, env.cfg.Shard.Count) == env.cfg.Shard.Index
}

func (env *btEnv) progress(line int) {
	every := env.cfg.ProgressEvery
	if every == 0 {
		every = defaultProgressEvery
	}
	if env.cfg.Progress != nil && line%every == 0 {
		env.cfg.Progress(line)
	}
}

func (env *btEnv) done(line int) {
	if env.cfg.Progress != nil {
		env.cfg.Progress(line)
	}
}

// btRun replays some of the customers: all of a single pass, or those of
// one worker.
type btRun struct {
	env   *btEnv
	custs map[string]*btCustomer
	side  [2]*btSide
	trans [][][]int // [date][tier under A][tier under B]
	ops   OpCounts
	// customers counts them; changes are the closed customers' changes.
	customers int
	changes   []CustomerChange
	// With a log grouped by customer: the customer being replayed, and
	// the closed ones, with their last line.
	cur  *btCustomer
	done map[string]int
}

// btSide is what a run adds up for one programme.
type btSide struct {
	p                           *Program
	discount, pointsMoney, paid decsum.Sum
	gifts                       map[string]*giftTally
	red                         redemptionTally
	refundsSkipped              int
	tierCounts                  [][]int
	liab                        []*liability
	earned, redeemed, expired   unitSum
	reversed, repaid, debt      unitSum
	writtenOff                  unitSum
	cells                       *cohortCells
}

type giftTally struct{ given, back int }

type redemptionTally struct {
	recorded, made, refused int
	pointsRecorded, points  decsum.Sum
}

// btCustomer is one customer's state under both programmes.
type btCustomer struct {
	id   string
	acc  [2]Account
	at   time.Time // the customer's last operation, on line
	line int
	// maintained is when expiry and tier review last ran, per programme.
	maintained [2]time.Time
	next       int // the next date to count them at
	// skipped are the redemptions not made under each programme, by id.
	skipped [2]map[string]struct{}
	// What each programme gave them in money: the rules' discounts and
	// the points' money; gifts given less taken back, and their cost.
	moneyOff [2]decsum.Sum
	gifts    [2]int
	giftCost [2]decsum.Sum
}

func (env *btEnv) newRun() *btRun {
	run := &btRun{env: env, custs: map[string]*btCustomer{}, trans: make([][][]int, len(env.dates)), done: map[string]int{}}
	last := len(env.dates) - 1
	for s, p := range env.p {
		sd := &btSide{p: p, gifts: map[string]*giftTally{}, tierCounts: make([][]int, len(env.dates)), liab: make([]*liability, len(env.dates))}
		for k, d := range env.dates {
			sd.tierCounts[k] = make([]int, len(p.cfg.Tiers)+1)
			sd.liab[k] = p.newLiability(d, env.cfg.ExpiryBuckets, k == last)
		}
		if env.cfg.Cohorts {
			cells := newCohortCells(p, env.cfg.End)
			sd.cells = &cells
		}
		run.side[s] = sd
	}
	for k := range run.trans {
		run.trans[k] = make([][]int, len(env.p[0].cfg.Tiers)+1)
		for i := range run.trans[k] {
			run.trans[k][i] = make([]int, len(env.p[1].cfg.Tiers)+1)
		}
	}
	return run
}

// op replays one recorded operation.
func (run *btRun) op(line int, r *Recorded) error {
	env := run.env
	fail := func(prog string, err error) error {
		return &LogError{Line: line, Customer: r.Customer.ID, Op: r.op(), Programme: prog, Err: err}
	}
	field := func(name, format string, args ...any) error {
		return fail("", &FieldError{Field: name, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case r.Customer.ID == "":
		return field("customer.id", "is empty")
	case r.Kind != OpPurchase && r.Kind != OpRefund && r.Kind != OpEvent && r.Kind != OpRedeem && r.Kind != OpReverse:
		return field("kind", "%v is not one a backtest replays (purchase, refund, event, redeem, reverse)", r.Kind)
	case checkTime("backtest", "at", r.At) != nil:
		return field("at", "is zero or outside years 1..9000")
	case r.At.After(env.cfg.End):
		return field("at", "%s is after the backtest's end %s", r.At.Format(time.RFC3339Nano), env.cfg.End.Format(time.RFC3339Nano))
	}
	c := run.custs[r.Customer.ID]
	if env.cfg.Grouped && c == nil {
		if ended, done := run.done[r.Customer.ID]; done {
			return notGrouped(line, r, ended)
		}
		if cur := run.cur; cur != nil { // the previous customer's operations are over
			if err := run.close(cur); err != nil {
				return &LogError{Line: line, Customer: cur.id, Err: err}
			}
			delete(run.custs, cur.id)
			run.done[cur.id] = cur.line
		}
	}
	if c == nil {
		c = &btCustomer{id: r.Customer.ID}
		// The customer's accounts are the run's alone, and any error but a
		// refused redemption stops it: their operations write in place.
		c.acc[0].owner, c.acc[1].owner = new(persist.Owner), new(persist.Owner)
		// No one reads their entries but the cohorts, when asked for.
		c.acc[0].scratch, c.acc[1].scratch = scratchNoEntries, scratchNoEntries
		if env.cfg.Cohorts {
			c.acc[0].scratch, c.acc[1].scratch = scratchKeepEntries, scratchKeepEntries
		}
		// Not a customer yet at the dates before their first operation.
		c.next = sort.Search(len(env.dates), func(k int) bool { return !env.dates[k].Before(r.At) })
		run.custs[c.id] = c
		run.customers++
		run.cur = c
	} else if r.At.Before(c.at) {
		return fail("", fmt.Errorf("%w: at %s is before the customer's operation on line %d at %s", ErrLogOrder,
			r.At.Format(time.RFC3339Nano), c.line, c.at.Format(time.RFC3339Nano)))
	}
	c.at, c.line = r.At, line
	for c.next < len(env.dates)-1 && env.dates[c.next].Before(r.At) {
		if err := run.checkpoint(c, c.next); err != nil {
			return fail("", err)
		}
		c.next++
	}
	for s := range run.side {
		if err := run.maintain(c, s, r.At); err != nil {
			return fail(sideName(s), err)
		}
	}
	var ref btRef
	for s := range run.side {
		dup, err := run.apply(c, s, r, &ref)
		if err != nil {
			return fail(sideName(s), err)
		}
		if dup && s == 0 { // a retry A recognised: B has it too
			run.ops.Duplicates++
			return nil
		}
	}
	switch r.Kind {
	case OpPurchase:
		run.ops.Purchases++
	case OpRefund:
		run.ops.Refunds++
	case OpEvent:
		run.ops.Events++
	case OpRedeem:
		run.ops.Redemptions++
	case OpReverse:
		run.ops.Reversals++
	}
	return nil
}

// notGrouped is the error of a customer coming back on line in a log
// said to be grouped by customer, their operations having ended on line
// ended.
func notGrouped(line int, r *Recorded, ended int) error {
	return &LogError{Line: line, Customer: r.Customer.ID, Op: r.op(), Err: fmt.Errorf(
		"%w: the log was said to be grouped by customer, and the customer's operations ended on line %d", ErrLogOrder, ended)}
}

// btRef is what programme A did with an operation that B reads it
// against.
type btRef struct {
	// A refund: the order's money paid and refunded so far under A.
	paid, refunded decimal.Decimal
	// A redemption: the share of the available points it spent under A,
	// as recorded ÷ available (den 0: nothing available).
	shareNum, shareDen decimal.Decimal
}

// apply replays r under programme s; dup reports a retry.
func (run *btRun) apply(c *btCustomer, s int, r *Recorded, ref *btRef) (dup bool, err error) {
	sd, p := run.side[s], run.side[s].p
	a := c.acc[s]
	var res Result
	switch r.Kind {
	case OpPurchase:
		o := r.Order
		if _, skipped := c.skipped[s][o.Redemption]; skipped && o.Redemption != "" {
			o.Redemption = "" // the redemption was not made: paid in money
		}
		if a, res, err = p.Purchase(a, r.Customer, o, r.At); err != nil || res.Duplicate {
			return res.Duplicate, err
		}
		sd.discount.Add(res.Discount)
		sd.paid.Add(res.Money)
		c.moneyOff[s].Add(res.Discount)
		run.gifts(c, s, res.Gifts, 1)
	case OpRefund:
		rf := r.Refund
		if s == 1 && len(rf.Lines) == 0 {
			amount, ok := run.scaledRefund(&a, rf, ref)
			if !ok {
				sd.refundsSkipped++
				return false, nil
			}
			rf.Amount = amount
		}
		if a, res, err = p.Refund(a, r.Customer, rf, r.At); err != nil || res.Duplicate {
			return res.Duplicate, err
		}
		if s == 0 {
			o, _ := a.order(rf.Order)
			ref.paid, ref.refunded = o.paid, o.refunded
		}
		sd.paid.Sub(res.Money)
		run.gifts(c, s, res.GiftsBack, -1)
	case OpEvent:
		if a, res, err = p.Event(a, r.Customer, r.Event, r.At); err != nil || res.Duplicate {
			return res.Duplicate, err
		}
		run.gifts(c, s, res.Gifts, 1)
	case OpReverse:
		if a, res, err = p.Reverse(a, r.Customer, r.Reversal, r.At); err != nil || res.Duplicate {
			return res.Duplicate, err
		}
		run.gifts(c, s, res.GiftsBack, -1)
	case OpRedeem:
		var made bool
		if a, res, made, err = run.redeem(c, s, r, ref); err != nil || res.Duplicate || !made {
			return res.Duplicate, err
		}
		sd.pointsMoney.Add(res.Discount)
		c.moneyOff[s].Add(res.Discount)
	}
	if sd.cells != nil {
		sd.cells.entries(&a, res.Entries)
	}
	c.acc[s] = a
	return false, nil
}

// scaledRefund is the amount B refunds for a refund by amount: the same
// cumulative share of the order's money paid as under A.
func (run *btRun) scaledRefund(a *Account, rf Refund, ref *btRef) (decimal.Decimal, bool) {
	o, ok := a.order(rf.Order)
	if !ok || !ref.paid.IsPositive() {
		return rf.Amount, true // let the programme refuse it, naming why
	}
	target := o.paid
	if ref.refunded.LessThan(ref.paid) {
		target, _ = o.paid.Mul(ref.refunded).QuoRem(ref.paid, run.side[1].p.cfg.MoneyPlaces)
	}
	amount := target.Sub(o.refunded)
	return amount, amount.IsPositive()
}

// redeem makes a recorded redemption under programme s as the
// assumption says; made is false when it is not made (too few points,
// the policy), which is not an error.
func (run *btRun) redeem(c *btCustomer, s int, r *Recorded, ref *btRef) (Account, Result, bool, error) {
	sd, p, a := run.side[s], run.side[s].p, c.acc[s]
	rd := r.Redemption
	op := "redeem:" + rd.ID
	if s == 0 { // the recorded redemption must be one A could be asked for
		if err := p.checkRedemption(op, rd); err != nil {
			return a, Result{}, false, err
		}
	}
	if _, ok := a.op(op); ok { // a retry of a redemption made: nothing more to do
		return a, Result{Op: op, Duplicate: true}, false, nil
	}
	b := a.balance(r.At)
	net := b.available - a.debt
	pts := rd.Points
	switch run.env.cfg.Redemptions {
	case RedeemCapped:
		if have := p.dec(max(net, 0)); pts.GreaterThan(have) {
			pts = have
		}
	case RedeemSameShare:
		switch {
		case s == 0:
			ref.shareNum, ref.shareDen = rd.Points, p.dec(max(net, 0))
		case ref.shareDen.IsPositive():
			pts, _ = ref.shareNum.Mul(p.dec(max(net, 0))).QuoRem(ref.shareDen, p.cfg.PointsPlaces)
		default: // no points under A: no share to redeem
			pts = decimal.Zero
		}
	}
	if run.env.cfg.Redemptions != RedeemAsRecorded {
		pts = p.capToOrder(pts, rd.OrderTotal)
	}
	pts = pts.RoundDown(p.cfg.PointsPlaces)
	sd.red.recorded++
	sd.red.pointsRecorded.Add(rd.Points)
	refuse := func() (Account, Result, bool, error) {
		sd.red.refused++
		if c.skipped[s] == nil {
			c.skipped[s] = map[string]struct{}{}
		}
		c.skipped[s][rd.ID] = struct{}{}
		return a, Result{}, false, nil
	}
	if !pts.IsPositive() {
		return refuse()
	}
	rd.Points = pts
	own := a.owner
	a.owner = nil // a refusal may come after the redemption's first entry: a's blocks must stay as they are
	ac, res, err := p.Redeem(a, r.Customer, rd, r.At)
	a.owner, ac.owner = own, own
	switch {
	case errors.Is(err, ErrInsufficientPoints) || errors.Is(err, ErrPolicy):
		return refuse()
	case err != nil:
		return a, Result{}, false, err
	}
	sd.red.made++
	sd.red.points.Add(pts)
	return ac, res, true, nil
}

// capToOrder caps the points of a redemption for an order of total
// goods (when given) to those whose money the programme lets pay for it:
// the total, or its maximum share of it.
func (p *Program) capToOrder(pts, total decimal.Decimal) decimal.Decimal {
	value := p.cfg.Redemption.PointValue
	if !total.IsPositive() || !value.IsPositive() {
		return pts
	}
	most := total
	if share := p.cfg.Redemption.MaxShare; share.IsPositive() {
		most = total.Mul(share)
	}
	if limit, _ := most.QuoRem(value, p.cfg.PointsPlaces); pts.GreaterThan(limit) {
		return limit
	}
	return pts
}

// gifts counts gifts given (sign 1) or taken back (−1) under programme s.
func (run *btRun) gifts(c *btCustomer, s int, gs []string, sign int) {
	sd := run.side[s]
	for _, g := range gs {
		t := sd.gifts[g]
		if t == nil {
			t = &giftTally{}
			sd.gifts[g] = t
		}
		if sign > 0 {
			t.given++
		} else {
			t.back++
		}
		c.gifts[s] += sign
		if cost, ok := run.env.cfg.GiftCost[g]; ok {
			if sign > 0 {
				c.giftCost[s].Add(cost)
			} else {
				c.giftCost[s].Sub(cost)
			}
		}
	}
}

// maintain expires the points due and reviews the tier of the
// customer's account under programme s up to at, as a host with an exact
// expiry job would: each expiry runs at the instant the points expire
// (or at the customer's last maintenance, for points given back into a
// lot already past its expiry), so that the ledger dates it right. The
// operations are called only when they have something to do (otherwise
// they return the account unchanged).
func (run *btRun) maintain(c *btCustomer, s int, at time.Time) error {
	sd, p := run.side[s], run.side[s].p
	a := c.acc[s]
	if a.entries == 0 {
		return nil
	}
	for {
		due, ok := nextDue(&a, at)
		if !ok {
			break
		}
		if due.Before(c.maintained[s]) {
			due = c.maintained[s]
		}
		na, res, err := p.Expire(a, due)
		if err != nil {
			return err
		}
		if sd.cells != nil {
			sd.cells.entries(&na, res.Entries)
		}
		a = na
	}
	if len(p.cfg.Tiers) > 1 && p.tierRank(a.tier) > 0 && p.tierRank(p.qualifying(&a, at)) < p.tierRank(a.tier) {
		na, _, err := p.ReviewTier(a, at)
		if err != nil {
			return err
		}
		a = na
	}
	c.acc[s], c.maintained[s] = a, at
	return nil
}

// nextDue is the earliest expiry, at or before at, of the lots with
// points left.
func nextDue(a *Account, at time.Time) (time.Time, bool) {
	var first time.Time
	for l := range a.expiringBy(at) {
		if first.IsZero() || l.expiresAt.Before(first) {
			first = l.expiresAt
		}
	}
	return first, !first.IsZero()
}

// checkpoint counts the customer at date k under both programmes, after
// expiring and reviewing up to it.
func (run *btRun) checkpoint(c *btCustomer, k int) error {
	d := run.env.dates[k]
	var tier [2]int
	for s, sd := range run.side {
		if err := run.maintain(c, s, d); err != nil {
			return fmt.Errorf("programme %s at %s: %w", sideName(s), d.Format(time.RFC3339Nano), err)
		}
		a := &c.acc[s]
		sd.liab[k].add(a)
		tier[s] = sd.p.tierRank(a.tier) + 1
		sd.tierCounts[k][tier[s]]++
	}
	run.trans[k][tier[0]][tier[1]]++
	return nil
}

// finish counts every customer at the remaining dates and End, and
// returns the run's report.
func (run *btRun) finish() (*BacktestReport, error) {
	ids := make([]string, 0, len(run.custs))
	for id := range run.custs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := run.close(run.custs[id]); err != nil {
			return nil, &LogError{Customer: id, Err: err}
		}
	}
	rep := run.newReport()
	rep.Changes = run.changes
	slices.SortFunc(rep.Changes, func(x, y CustomerChange) int { return strings.Compare(x.Customer, y.Customer) })
	run.fill(rep)
	return rep, nil
}

// close counts a customer whose operations are all replayed at the
// remaining dates and End, and adds their outcome.
func (run *btRun) close(c *btCustomer) error {
	for ; c.next < len(run.env.dates); c.next++ {
		if err := run.checkpoint(c, c.next); err != nil {
			return err
		}
	}
	var out [2]CustomerOutcome
	for s, sd := range run.side {
		a := &c.acc[s]
		t := a.totals
		sd.earned.add(t.earned)
		sd.redeemed.add(t.redeemed)
		sd.expired.add(t.expired)
		sd.reversed.add(t.reversed)
		sd.repaid.add(t.repaid)
		sd.debt.add(a.debt)
		sd.writtenOff.add(t.writtenOff)
		out[s] = run.outcome(c, s)
	}
	if ch, changed := change(c.id, out); changed {
		run.changes = append(run.changes, ch)
	}
	return nil
}

// outcome is what programme s gave the customer, as of End.
func (run *btRun) outcome(c *btCustomer, s int) CustomerOutcome {
	p, a := run.side[s].p, &c.acc[s]
	b := a.balance(run.env.cfg.End)
	outstanding := p.dec(b.available + b.pending + b.held)
	o := CustomerOutcome{Earned: p.dec(a.totals.earned), Redeemed: p.dec(a.totals.redeemed), Expired: p.dec(a.totals.expired),
		Outstanding: outstanding, MoneyOff: c.moneyOff[s].Value(), Gifts: c.gifts[s], GiftCost: c.giftCost[s].Value(), Tier: a.tier}
	o.Benefit = o.MoneyOff.Add(o.GiftCost).Add(outstanding.Mul(p.cfg.Redemption.PointValue))
	return o
}
