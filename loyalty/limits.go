package loyalty

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// Per-customer limits on rules (rules.Limit) are counted from the
// customer's own ledger: the record of every purchase and event lists the
// limited rules that applied on it and what each gave (Entry.Uses), and
// the account keeps those uses. So a replay counts the same, a retry
// counts nothing twice, and a limit is a property of the ledger, not of
// the host's bookkeeping.
//
// What counts:
//   - a use is the rule's value as its trace step shows it (points for an
//     accrual rule before the share paid in points scales them, money for
//     a discount; nothing for a gift or tier rule: Times counts those);
//   - a calendar period (day, week from Monday, month, quarter, year) is
//     the one, in the programme's zone, that holds the operation's time,
//     and counts every use in it — also those of orders dated after the
//     one being evaluated, so a late-dated order cannot take the customer
//     past the limit;
//   - a rolling limit of D days counts the uses less than D days (in the
//     programme's zone) either side of the operation: for operations in
//     time order that is "the last D days", and a late-dated one cannot
//     push any D-day window past the limit;
//   - ever counts every use;
//   - the uses of an order refunded in full no longer count (the refund
//     that completes it gives them back); a partial refund changes
//     nothing (of a goal's steps, it takes back the part returned: see
//     goals_refund.go).

// RuleUse is one application of a limited rule, on the record of the
// purchase or event it applied on: the rule and what it gave (points or
// money; zero for gift and tier rules).
type RuleUse struct {
	Rule   string          `json:"rule"`
	Amount decimal.Decimal `json:"amount,omitzero"`
}

// ruleUse is a RuleUse as the account keeps it.
type ruleUse struct {
	rule   string
	at     time.Time
	amount decimal.Decimal
	order  int  // 1 + the index of the order it applied on; 0: an event
	undone bool // its order was refunded in full: it no longer counts
	// key is 1 + the index of the rule's row in the account's useTotals
	// (rows are only ever appended, so it stays right in every later
	// version): a span's count adds the use to its rule's count by it,
	// without comparing names. 0: a snapshot's use of a rule with no total
	// row, counted by name.
	key int32
	// sum is amount as a decsum.Sum, converted once when the use is
	// folded or read from a snapshot: a span's count adds it.
	sum decsum.Sum
}

// newRuleUse is the use of rule (whose total has key) at at, of amount,
// on order (see ruleUse).
func newRuleUse(rule string, key int32, at time.Time, amount decimal.Decimal, order int) ruleUse {
	u := ruleUse{rule: rule, key: key, at: at, order: order}
	u.setAmount(amount)
	return u
}

// setAmount sets the use's amount, and its sum with it.
func (u *ruleUse) setAmount(d decimal.Decimal) { u.amount, u.sum = d, decsum.Of(d) }

// useTotal is what a limited rule has given in all, less what refunds
// gave back.
type useTotal struct {
	n      int
	amount decsum.Sum
}

// limitView counts an account's uses for the rules engine (Facts holds
// it; see Facts.LimitLeft), all at one time.
type limitView struct {
	p *Program
	a *Account
	// spans are the calendar periods at the evaluation's time, made once
	// for all the limits and goals of one evaluation, and counts the uses
	// in each span, counted once.
	spans  [rules.Year + 1]struct{ from, to time.Time }
	counts []spanCounts
	// ownSpans says the account's span memos are this view's copy, which
	// it may change (see remember).
	ownSpans bool
}

// LimitLeft says how much of a limited rule's limit is left for the
// customer (rules.Limiter): the programme counts it from the account.
// Its Used is empty: [Facts.LimitUsed] says what was used, which the rules
// ask only when the trace shows it (rules.UsageDescriber).
func (f Facts) LimitLeft(ruleID string, l rules.Limit) rules.Left {
	if f.limits == nil { // facts made by hand: nothing used
		return rules.Left{Times: l.Times, Amount: l.Amount}
	}
	return f.limits.left(ruleID, l, f.Now)
}

func (v *limitView) left(id string, l rules.Limit, now time.Time) rules.Left {
	n, sum := v.used(id, l, now)
	left := rules.Left{Times: l.Times - n}
	if l.Amount.IsPositive() {
		left.Amount = decsum.Of(l.Amount).Minus(sum).Value()
	}
	return left // Used: the rules ask LimitUsed when the trace shows it
}

// LimitUsed says what was used of a limited rule's limit, for the trace
// (rules.UsageDescriber): "2 of 2 this month", "4500 of 5000 within 30
// days".
func (f Facts) LimitUsed(ruleID string, l rules.Limit) string {
	var n int
	var sum decsum.Sum
	if f.limits != nil {
		n, sum = f.limits.used(ruleID, l, f.Now)
	}
	if l.Times > 0 && n >= l.Times || !l.Amount.IsPositive() {
		return strconv.Itoa(n) + " of " + strconv.Itoa(l.Times) + " " + periodPhrase(l)
	}
	return sum.Value().String() + " of " + l.Amount.String() + " " + periodPhrase(l)
}

// periodPhrases are the phrases of the calendar periods, made once.
var periodPhrases = func() (out [rules.Rolling]string) {
	for p := range out {
		out[p] = "this " + rules.Period(p).String()
	}
	out[rules.Ever] = "in all"
	return out
}()

func periodPhrase(l rules.Limit) string {
	if l.Per == rules.Rolling || int(l.Per) >= len(periodPhrases) {
		return "within " + strconv.Itoa(l.Days) + " days"
	}
	return periodPhrases[l.Per]
}

// used is the uses of rule id that count at now under limit l, and what
// they gave.
func (v *limitView) used(id string, l rules.Limit, now time.Time) (int, decsum.Sum) {
	a := v.a
	if l.Per == rules.Ever {
		t, _ := a.useTotals.get(id)
		return t.n, t.amount
	}
	key := spanKey{l.Per, l.Days}
	var sc *spanCounts
	for i := range v.counts {
		if v.counts[i].span == key {
			sc = &v.counts[i]
			break
		}
	}
	if sc == nil { // one scan of the span counts every rule and goal in it
		v.counts = append(v.counts, v.count(key, l, now))
		sc = &v.counts[len(v.counts)-1]
	}
	if i := a.useTotals.row(id); i >= 0 && i < len(sc.byRow) {
		return sc.byRow[i].n, sc.byRow[i].sum
	}
	for _, c := range sc.other {
		if c.key == id {
			return c.n, c.sum
		}
	}
	return 0, decsum.Sum{}
}

// spanKey names a span of uses: a period, and a rolling one's days.
type spanKey struct {
	per  rules.Period
	days int
}

type useCount struct {
	key string // in spanCounts.other: the rule
	n   int
	sum decsum.Sum
}

// spanCounts are the counts of the uses in a span: byRow by their rules'
// rows in the account's useTotals, other (of a snapshot's uses whose rule
// has no row: rare) by rule.
type spanCounts struct {
	span  spanKey
	byRow []useCount
	other []useCount
}

// count counts the uses of every rule and goal in the span of l at now.
// Uses in time order (the usual case) are found by binary search and
// read a block at a time without comparing their times; and the account
// remembers each span's counts (Account.spanMemos), so that the next
// operation, in the same span or one moved on, adds the uses since and
// takes off those the span left behind instead of counting it again.
func (v *limitView) count(key spanKey, l rules.Limit, now time.Time) spanCounts {
	a := v.a
	from, to := v.span(l, now)
	sc := spanCounts{span: key}
	n := a.uses.Len()
	if a.usesUnsorted { // every use, comparing times
		sc.byRow = make([]useCount, len(a.useTotals.rows))
		v.add(&sc, 0, n, 1, func(u *ruleUse) bool { return !u.at.Before(from) && u.at.Before(to) })
		return sc
	}
	starts := func(i int) bool { return !a.uses.Ptr(i).at.Before(from) }
	ends := func(i int) bool { return !a.uses.Ptr(i).at.Before(to) }
	m := a.spanMemo(key)
	moved := m != nil && m.edits == a.usesEdits && !from.Before(m.from) && !to.Before(m.to) &&
		m.hi <= n && len(m.counts.byRow) <= len(a.useTotals.rows)
	var lo, hi int
	if moved { // the span moved on from the memo's (or not): its ends are at or after the memo's, usually near
		lo = gallop(m.lo, n, starts)
		hi = gallop(max(lo, m.hi), n, ends)
		moved = lo <= m.hi // else they have nothing in common
	} else {
		lo = sort.Search(n, starts)
		hi = lo + sort.Search(n-lo, func(i int) bool { return ends(lo + i) })
	}
	switch {
	case moved: // the memo's counts, less the uses before the new start, with the uses after the memo's end
		sc.byRow = make([]useCount, len(a.useTotals.rows))
		copy(sc.byRow, m.counts.byRow)
		for _, c := range m.counts.other { // counted by name: by row, if their rule has one since
			if i := a.useTotals.row(c.key); i >= 0 {
				sc.byRow[i].n += c.n
				sc.byRow[i].sum.AddSum(c.sum)
			} else {
				sc.other = append(sc.other, c)
			}
		}
		v.add(&sc, m.lo, lo, -1, nil)
		v.add(&sc, m.hi, hi, 1, nil)
	case lo < hi:
		sc.byRow = make([]useCount, len(a.useTotals.rows))
		v.add(&sc, lo, hi, 1, nil)
	}
	if m == nil || !from.Before(m.from) { // a span further back (a streak's) is not kept
		v.remember(spanMemo{from: from, to: to, lo: lo, hi: hi, edits: a.usesEdits, counts: sc})
	}
	return sc
}

// gallop is the first i in [start, n) for which at holds (at false, then
// true, as sort.Search needs), or n: it looks at start, start+1, +3, +7 …
// and searches the last step, so an answer near start costs a few looks.
func gallop(start, n int, at func(int) bool) int {
	if start >= n || at(start) {
		return start
	}
	lo, step := start, 1 // at(lo) is false
	for {
		next := lo + step
		if next >= n || at(next) { // the answer is in lo+1..min(next, n)
			end := min(next, n)
			return lo + 1 + sort.Search(end-lo-1, func(i int) bool { return at(lo + 1 + i) })
		}
		lo, step = next, 2*step
	}
}

// add adds sign × the uses lo..hi-1 (those in keeps, when given) to
// their rules' counts in sc; undone uses count for nothing.
func (v *limitView) add(sc *spanCounts, lo, hi, sign int, keeps func(*ruleUse) bool) {
	a := v.a
	a.uses.Chunks(lo, hi, func(us []ruleUse) {
		for i := range us {
			u := &us[i]
			if u.undone || keeps != nil && !keeps(u) {
				continue
			}
			var c *useCount
			if k := int(u.key) - 1; k >= 0 && k < len(sc.byRow) {
				c = &sc.byRow[k]
			} else {
				c = sc.byName(u.rule, &a.useTotals)
			}
			c.n += sign
			if sign > 0 {
				c.sum.AddSum(u.sum)
			} else {
				c.sum.SubSum(u.sum)
			}
		}
	})
}

// spanMemo is a span's counts as an account keeps them (Account.spanMemos):
// the span [from, to), the uses in it (lo..hi-1: the uses are in time
// order) and the account's usesEdits then. The uses are only appended
// to, and any change to one counted (a refund in full undoing it, a
// refund taking back goal steps) counts in usesEdits, so while that is
// the same the counts of lo..hi-1 still hold.
type spanMemo struct {
	from, to time.Time
	lo, hi   int
	edits    int
	counts   spanCounts
}

// spanMemo is the account's memo of span key, or nil.
func (a *Account) spanMemo(key spanKey) *spanMemo {
	for i := range a.spanMemos {
		if a.spanMemos[i].counts.span == key {
			return &a.spanMemos[i]
		}
	}
	return nil
}

// remember keeps m as the account's memo of its span. The memos are
// shared with the versions the account was made from: the first memo a
// view keeps copies them (once a view), and no memo's counts are changed
// once kept.
func (v *limitView) remember(m spanMemo) {
	a := v.a
	if !v.ownSpans {
		a.spanMemos = append(make([]spanMemo, 0, len(a.spanMemos)+1), a.spanMemos...)
		v.ownSpans = true
	}
	if old := a.spanMemo(m.counts.span); old != nil {
		*old = m
		return
	}
	a.spanMemos = append(a.spanMemos, m)
}

// byName is the count of a use whose key is unknown: its rule's row's,
// or one in other.
func (sc *spanCounts) byName(rule string, t *useTotalList) *useCount {
	if i := t.row(rule); i >= 0 && i < len(sc.byRow) {
		return &sc.byRow[i]
	}
	for i := range sc.other {
		if sc.other[i].key == rule {
			return &sc.other[i]
		}
	}
	sc.other = append(sc.other, useCount{key: rule})
	return &sc.other[len(sc.other)-1]
}

// span is limitPeriod, made once per calendar period for the view (its
// evaluations are all at one time).
func (v *limitView) span(l rules.Limit, now time.Time) (time.Time, time.Time) {
	if l.Per == rules.Rolling || l.Per == rules.Ever {
		return v.p.limitPeriod(l, now)
	}
	s := &v.spans[l.Per]
	if s.from.IsZero() {
		s.from, s.to = v.p.limitPeriod(l, now)
	}
	return s.from, s.to
}

// limitPeriod is the span [from, to) of the uses that count at now.
func (p *Program) limitPeriod(l rules.Limit, now time.Time) (from, to time.Time) {
	t := now.In(p.loc)
	switch l.Per {
	case rules.Day:
		return calendar.DayStart(t.Year(), t.Month(), t.Day(), p.loc), calendar.DayStart(t.Year(), t.Month(), t.Day()+1, p.loc)
	case rules.Week:
		return calendar.WeekStart(t, 0), calendar.WeekStart(t, 1)
	case rules.Month:
		return calendar.PeriodStart(t, 1, 0), calendar.PeriodStart(t, 1, 1)
	case rules.Quarter:
		return calendar.PeriodStart(t, 3, 0), calendar.PeriodStart(t, 3, 1)
	case rules.Year:
		return calendar.PeriodStart(t, 12, 0), calendar.PeriodStart(t, 12, 1)
	}
	// Rolling: less than Days days either side (from exclusive).
	return addDays(t, -l.Days, p.loc).Add(time.Nanosecond), addDays(t, l.Days, p.loc)
}

// ruleUses is what a record lists of an evaluation: the limited rules
// that applied and what each gave.
func (p *Program) ruleUses(out rules.Outcome) []RuleUse {
	if !p.hasLimits {
		return nil
	}
	var uses []RuleUse
	for _, st := range out.Trace {
		if (st.Status == rules.StatusApplied || st.Status == rules.StatusCapped) && p.limited[st.RuleID] {
			uses = append(uses, RuleUse{Rule: st.RuleID, Amount: st.Value})
		}
	}
	return uses
}

// foldUses folds the uses on the record of a purchase or event.
// A goal's steps are kept as the uses of the goal's key (goalKey).
func (f *fold) foldUses(e *Entry) error {
	if len(e.Uses) == 0 && len(e.Goals) == 0 || e.OpKind == OpRefund && len(e.Uses) == 0 { // a refund's goals: see refund
		return nil
	}
	if e.OpKind != OpPurchase && e.OpKind != OpEvent || len(e.Goals) > 0 && e.OpKind != OpPurchase {
		return fmt.Errorf("rule uses or goal steps on the record of %s, which is not a purchase or an event", e.Op)
	}
	a := f.a
	first := a.uses.Len()
	uses := e.Uses
	if len(e.Goals) > 0 {
		uses = slices.Clone(uses)
		for _, g := range e.Goals {
			if g.Goal == "" || !g.Amount.IsPositive() {
				return fmt.Errorf("operation %s: a step of goal %q of %s", e.Op, g.Goal, g.Amount)
			}
			keys := f.p.keysOf(g.Goal)
			uses = append(uses, RuleUse{Rule: keys.steps, Amount: g.Amount})
			if g.Completed < 0 {
				return fmt.Errorf("operation %s: goal %q completed %d times", e.Op, g.Goal, g.Completed)
			}
			if g.Completed > 0 {
				uses = append(uses, RuleUse{Rule: keys.done, Amount: decimal.NewFromInt(int64(g.Completed))})
			}
		}
	}
	for _, u := range uses {
		if u.Rule == "" || u.Amount.IsNegative() {
			return fmt.Errorf("operation %s: a rule use of %q for %s", e.Op, u.Rule, u.Amount)
		}
		if n := a.uses.Len(); n > 0 && e.At.Before(a.uses.Ptr(n-1).at) {
			a.usesUnsorted = true
		}
		t, key := a.useTotals.mut(u.Rule, f.o)
		a.uses.Push(newRuleUse(u.Rule, key, e.At, u.Amount, f.rec.order), f.o)
		t.n++
		t.amount.Add(u.Amount)
	}
	if f.rec.order > 0 {
		od := a.orders.Mut(f.rec.order-1, f.o)
		od.use0, od.nuses = first, len(uses)
	}
	return nil
}

// ruleTotals is what each limited rule with uses gave, in the order of
// the rules' first uses.
func (a *Account) ruleTotals() []totalRow { return a.useTotals.rows }

// undoUses takes the uses of an order refunded in full out of the count.
func (f *fold) undoUses(od *order) {
	a := f.a
	for i := od.use0; i < od.use0+od.nuses; i++ {
		u := a.uses.Mut(i, f.o)
		if u.undone {
			continue
		}
		u.undone = true
		a.usesEdits++
		t, _ := a.useTotals.mut(u.rule, f.o)
		t.n--
		t.amount.Sub(u.amount)
	}
}
