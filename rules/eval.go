package rules

import (
	"fmt"
	"slices"

	"github.com/expr-lang/expr/vm"
	"github.com/loyalkit/loyalkit/internal/name"
	"github.com/shopspring/decimal"
)

var hundred = decimal.NewFromInt(100)

// Eval evaluates the set on one facts value. It never panics. A rule that
// fails at run time (division by zero, the memory budget) or produces a
// value that cannot be posted is contained: it contributes nothing, its
// step is [StatusFailed] with the [*RuleError] naming it, and the error is
// listed in [Outcome].Failures; the other rules are evaluated as usual.
// Under [Strict] the first such failure is returned instead, with no
// outcome. A rule that needs an unknown value is [StatusUnknown], in both
// modes. Eval returns an error whatever the mode for problems that are not
// about one rule (a negative discount base). The combination semantics are
// listed in the package documentation.
func (s *Set[F]) Eval(f F) (Outcome, error) {
	var env any
	if s.byPointer {
		box := s.boxes.Get().(*F)
		*box = f
		defer s.unbox(box)
		env = box
	} else {
		env = f
	}
	now := f.EvalTime()
	base := f.DiscountBase()
	if base.IsNegative() {
		return Outcome{}, fmt.Errorf("%w: discount base %s is negative", ErrEval, base)
	}
	var occasion string
	if s.occasions {
		if o, ok := env.(Occasioner); ok {
			occasion = o.Occasion()
		}
	}
	var size Sizer
	sized := false
	if s.sizer {
		size, sized = env.(Sizer)
	}
	n, spent := 0, 0
	if sized {
		n = max(size.EvalSize(), 0)
	}
	m := s.run.get()
	defer s.run.put(m)
	out := Outcome{Trace: make([]Step, len(s.rules))}
	var exclusiveBy [Tier + 1]string
	var bestAt [Tier + 1]int // index+1 of the best best-of step per kind
	for i := range s.rules {
		r := &s.rules[i]
		st := &out.Trace[i]
		st.RuleID, st.Version, st.Kind = r.ID, r.Version, r.Kind
		switch {
		case !r.From.IsZero() && now.Before(r.From), !r.Until.IsZero() && !now.Before(r.Until):
			st.Status = StatusInactive
			continue
		case len(r.On) > 0 && !slices.Contains(r.On, occasion):
			st.Status = StatusNotApplicable
			continue
		case exclusiveBy[r.Kind] != "":
			st.Status, st.By = StatusShadowed, exclusiveBy[r.Kind]
			continue
		}
		stop, left, cuts := limited(env, r, st, s.describer)
		if stop {
			continue
		}
		if sized {
			steps := r.cost.at(n)
			if re := s.overBudget(r, steps, spent, n); re != nil {
				if s.contain(&out, st, re) {
					return Outcome{}, re
				}
				continue
			}
			spent += steps
		}
		v, re := s.decide(m, r, env)
		if re == nil && v == nil {
			st.Status = StatusFalse
			continue
		}
		if re == nil {
			re = s.apply(&out, st, r, v, base)
		}
		if re == nil {
			cut(env, r, st, &left, cuts, s.describer)
			if budgetCut(env, r, st) {
				continue // nothing granted: like a limit reached
			}
		}
		if re != nil {
			if s.contain(&out, st, re) {
				return Outcome{}, re
			}
			continue
		}
		if r.Stacking == BestOf {
			if b := bestAt[r.Kind]; b == 0 || st.Value.GreaterThan(out.Trace[b-1].Value) {
				bestAt[r.Kind] = i + 1
			}
		}
		if r.Stacking == Exclusive || r.Kind == Tier {
			exclusiveBy[r.Kind] = r.ID
		}
	}
	s.total(&out, bestAt, base)
	return out, nil
}

// unbox clears a box Eval used, so that it keeps nothing of the facts
// alive, and returns it to the pool.
func (s *Set[F]) unbox(box *F) {
	var zero F
	*box = zero
	s.boxes.Put(box)
}

// apply records the value of a rule whose condition held on its step (and
// a gift or tier on the outcome). A value that cannot be posted is an
// error, and leaves st and out as they were.
func (s *Set[F]) apply(out *Outcome, st *Step, r *compiled, v any, base decimal.Decimal) *RuleError {
	switch r.Kind {
	case Gift, Tier:
		text, _ := v.(string)
		if err := name.Check(text); err != nil {
			return resultError(r, "the %v %q %v", r.Kind, clip(text), err)
		}
		st.Status, st.Text = StatusApplied, text
		if r.Kind == Gift {
			out.Gifts = append(out.Gifts, text)
		} else {
			out.Tier = text
		}
		return nil
	}
	amount, re := s.amount(r, v, base)
	if re != nil {
		return re
	}
	st.Status, st.Computed, st.Value = StatusApplied, amount, amount
	if r.Cap.IsPositive() && amount.GreaterThan(r.Cap) {
		st.Value, st.Status = r.Cap, StatusCapped
	}
	return nil
}

// contain records a rule's run-time error on its step: an unknown value
// makes the step [StatusUnknown]; any other error makes it [StatusFailed]
// and is added to the outcome's failures, unless the set is strict, in
// which case contain reports that Eval must return the error.
func (s *Set[F]) contain(out *Outcome, st *Step, re *RuleError) (fatal bool) {
	if re.Err == ErrUnknown {
		st.Status, st.Error = StatusUnknown, re
		return false
	}
	if s.strict {
		return true
	}
	st.Status, st.Error = StatusFailed, re
	out.Failures = append(out.Failures, re)
	return false
}

// overBudget refuses to run a rule whose estimated steps on facts of size
// n go past the rule's budget or, after the spent steps of the rules
// before it, the evaluation's.
func (s *Set[F]) overBudget(r *compiled, steps, spent, n int) *RuleError {
	switch {
	case steps > s.limits.MaxRuleSteps:
		return &RuleError{RuleID: r.ID, Part: PartDefinition, Err: ErrEval,
			Message: fmt.Sprintf("not run: about %d steps on %d elements, more than the rule budget %d", steps, n, s.limits.MaxRuleSteps)}
	case spent+steps > s.limits.MaxSteps:
		return &RuleError{RuleID: r.ID, Part: PartDefinition, Err: ErrEval,
			Message: fmt.Sprintf("not run: about %d steps on %d elements after %d by the rules before it, more than the budget %d", steps, n, spent, s.limits.MaxSteps)}
	}
	return nil
}

// decide runs a rule's condition and value: it returns nil when the
// condition is false, else the value.
func (s *Set[F]) decide(m *vm.VM, r *compiled, env any) (any, *RuleError) {
	if r.fused != nil {
		v, err := run(m, r.fused, env)
		if err == nil {
			return v, nil
		}
		// Re-run the parts alone to say which one failed, and where.
	}
	if r.when != nil {
		v, err := run(m, r.when, env)
		if err != nil {
			return nil, evalError(r.ID, PartWhen, r.When, err)
		}
		if v != true {
			return nil, nil
		}
	}
	if r.hasFixed {
		return r.fixed, nil
	}
	v, err := run(m, r.value, env)
	if err != nil {
		return nil, evalError(r.ID, PartValue, r.Value, err)
	}
	return v, nil
}

// amount validates a numeric rule result and returns it as points or
// discount money.
func (s *Set[F]) amount(r *compiled, v any, base decimal.Decimal) (decimal.Decimal, *RuleError) {
	d, err := toDec(v)
	switch {
	case err != nil:
		return d, resultError(r, "%v", err)
	case d.IsNegative():
		return d, resultError(r, "%s is negative", d)
	case r.Kind == Discount && r.Unit == Percent:
		if d.GreaterThan(hundred) {
			return d, resultError(r, "%s%% is more than 100%%", d)
		}
		return base.Mul(d).Shift(-2), nil
	case d.GreaterThan(s.limits.MaxValue):
		return d, resultError(r, "%s is above the limit %s", d, s.limits.MaxValue)
	}
	return d, nil
}

// total adds up the numeric steps: best-of losers are outdone, and
// discounts are limited, in evaluation order, to the discount base.
func (s *Set[F]) total(out *Outcome, bestAt [Tier + 1]int, base decimal.Decimal) {
	out.Points, out.Discount = decimal.Zero, decimal.Zero
	for i := range out.Trace {
		st := &out.Trace[i]
		if st.Status != StatusApplied && st.Status != StatusCapped || (st.Kind != Accrual && st.Kind != Discount) {
			continue
		}
		if s.rules[i].Stacking == BestOf && bestAt[st.Kind] != i+1 {
			st.Status, st.By, st.Value = StatusOutdone, out.Trace[bestAt[st.Kind]-1].RuleID, decimal.Zero
			continue
		}
		if st.Kind == Accrual {
			out.Points = out.Points.Add(st.Value)
			continue
		}
		if left := base.Sub(out.Discount); st.Value.GreaterThan(left) {
			st.Value, st.Status = left, StatusCapped
		}
		out.Discount = out.Discount.Add(st.Value)
	}
}

func resultError(r *compiled, format string, args ...any) *RuleError {
	return &RuleError{RuleID: r.ID, Part: PartValue, Err: ErrResult, Message: fmt.Sprintf(format, args...)}
}
