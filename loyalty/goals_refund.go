package loyalty

import (
	"fmt"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// A partial refund takes back part of what its order added to the goals;
// a full refund takes back all of it (and the completions the order made).
//
// The part is found by evaluating the goal's Step again, on the order as
// it was before the refund and as it is after it (the lines returned so
// far removed; the total less the refunded share of the money paid, in
// goods), with the customer as the refund sees them and the order's own
// time. The step the order still counts is scaled by after/before and
// rounded down to 16 decimal places (the rules' division):
//   - a spend target (Step order.Total) loses the refunded share;
//   - a stamp card counting coffees loses the stamps of the coffees
//     returned, and nothing when a croissant is returned;
//   - a visit (Step 1) loses nothing until the order is refunded in full;
//   - a refund by amount names no lines: a step counting lines loses
//     nothing until the order is refunded in full.
//
// What is taken back is written on the refund's record (Entry.Goals, the
// amount taken back), so a replay takes back the same. A completion stays
// recorded until its own order is refunded in full; a stamp card's next
// stamps first make up what a refund took back of a card already filled.

// goalPlaces are the decimal places a step scaled by a refund keeps.
const goalPlaces = 16

// goalTakeBacks is what a partial refund takes back of each goal step
// order o (as it is before the refund) added; after is the order after it
// (refunded, returned, returnedGoods updated) and c the customer.
func (p *Program) goalTakeBacks(a *Account, c Customer, o, after *order) []GoalStep {
	if len(p.cfg.Goals) == 0 || o.nuses == 0 || after.fullyReturned() {
		return nil
	}
	var steps map[string][2]decimal.Decimal // goal → step before, after
	var out []GoalStep
	for i := o.use0; i < o.use0+o.nuses; i++ {
		u := a.uses.Ptr(i)
		id, ok := strings.CutPrefix(u.rule, goalKeyPrefix)
		if !ok || u.undone || !u.amount.IsPositive() {
			continue
		}
		if steps == nil {
			steps = p.goalStepsAround(a, c, o, after)
		}
		s, ok := steps[id]
		if !ok || !s[0].IsPositive() || s[1].IsNegative() || s[1].GreaterThanOrEqual(s[0]) {
			continue // the step cannot say what was returned: nothing until the full refund
		}
		keep, _ := u.amount.Mul(s[1]).QuoRem(s[0], goalPlaces) // rounded down
		if back := u.amount.Sub(keep); back.IsPositive() {
			out = append(out, GoalStep{Goal: id, Amount: back})
		}
	}
	return out
}

// goalStepsAround evaluates every goal's Step on order o before and after
// a refund; a goal whose step fails or gives no number is left out.
func (p *Program) goalStepsAround(a *Account, c Customer, o, after *order) map[string][2]decimal.Decimal {
	i, _ := a.orderIndex(o.id)
	f := p.facts(a, c, o.at, OccasionPurchase) // the same customer facts for both: only the order differs
	f.limits = nil
	var out map[string][2]decimal.Decimal
	for k, od := range []*order{o, after} {
		f.Order = OrderFacts{ID: o.id, Total: od.remainingGoods(), PointsPaid: o.pointsPaid(), Number: i + 1, Lines: od.remainingLines()}
		res, err := p.goalSteps.Eval(f)
		if err != nil {
			return nil
		}
		for j, g := range p.cfg.Goals {
			st := res.Trace[j]
			if st.Status != rules.StatusApplied && st.Status != rules.StatusCapped {
				continue
			}
			if out == nil {
				out = make(map[string][2]decimal.Decimal, len(p.cfg.Goals))
			}
			s := out[g.ID]
			s[k] = st.Value
			out[g.ID] = s
		}
	}
	return out
}

// remainingGoods is the goods of the order not refunded: its goods less
// the refunded share of the money paid (for an order paid without money,
// less the goods returned).
func (o *order) remainingGoods() decimal.Decimal {
	goods := o.goods()
	if !o.paid.IsPositive() {
		return goods.Sub(o.returnedGoods)
	}
	if o.refunded.IsZero() {
		return goods
	}
	return goods.Mul(o.paid.Sub(o.refunded)).DivRound(o.paid, 16)
}

// remainingLines are the order's lines less the units returned (lines all
// returned are left out).
func (o *order) remainingLines() []*Line {
	ls := o.lines()
	out := make([]*Line, 0, len(ls))
	for i, l := range ls {
		if i < len(o.returned) {
			l.Qty -= o.returned[i]
		}
		if l.Qty > 0 {
			out = append(out, &l)
		}
	}
	return out
}

// goalStepRules are the goals' Steps alone, always applying: what a
// refund evaluates again (see goalTakeBacks).
func goalStepRules(gs []Goal) []rules.Rule {
	out := goalRules(gs)
	for i := range out {
		out[i].When, out[i].From, out[i].Until = "", time.Time{}, time.Time{}
	}
	return out
}

// foldGoalTakeBacks folds what a refund's record takes back of the goal
// steps of its order od.
func (f *fold) foldGoalTakeBacks(e *Entry, od *order) error {
	a := f.a
	for _, g := range e.Goals {
		if g.Goal == "" || !g.Amount.IsPositive() || g.Completed != 0 {
			return fmt.Errorf("refund %s: a take-back of goal %q of %s (completed %d)", e.Op, g.Goal, g.Amount, g.Completed)
		}
		key, found := f.p.keysOf(g.Goal).steps, false
		for i := od.use0; i < od.use0+od.nuses && !found; i++ {
			if u := a.uses.Ptr(i); u.rule == key && !u.undone {
				if g.Amount.GreaterThan(u.amount) {
					return fmt.Errorf("refund %s takes back %s of goal %q, order %s added %s", e.Op, g.Amount, g.Goal, od.id, u.amount)
				}
				u = a.uses.Mut(i, f.o)
				u.setAmount(u.amount.Sub(g.Amount))
				a.usesEdits++
				t, _ := a.useTotals.mut(key, f.o)
				t.amount.Sub(g.Amount)
				found = true
			}
		}
		if !found {
			return fmt.Errorf("refund %s takes back goal %q, to which order %s added nothing", e.Op, g.Goal, od.id)
		}
	}
	return nil
}
