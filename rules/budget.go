package rules

import (
	"fmt"
	"reflect"

	"github.com/loyalkit/loyalkit/internal/name"
	"github.com/shopspring/decimal"
)

// A rule with a Budget pays from a budget shared by many customers (a
// campaign's, see the campaign package): what it may give on one
// evaluation is what the budget granted it, which the host reserved
// beforehand and passes in the facts. The rule's value is computed as
// usual and then cut to the grant: the step is StatusCapped (By "budget")
// when part was granted, StatusLimited when nothing was (the budget is
// exhausted, or no grant was given), and the rest of the evaluation goes
// on. Either way the step's Computed is the value before the cut: what a
// quote asks the budget for.

// Budgeter is an optional interface for [Facts] that carry what shared
// budgets granted the evaluation: Eval asks it about every rule with a
// Budget once the rule's value is known. A set with budgeted rules needs
// facts that implement it (with a value receiver).
type Budgeter interface {
	// Granted is what budget granted this evaluation, and whether the
	// host gave a grant for it at all.
	Granted(budget string) (amount decimal.Decimal, given bool)
}

var budgeterType = reflect.TypeFor[Budgeter]()

// checkBudget lists what is wrong with a rule's budget.
func checkBudget(r Rule, budgeter bool, bad func(string, ...any)) {
	switch {
	case r.Budget == "":
	case !budgeter:
		bad("budget needs facts that implement rules.Budgeter")
	case r.Kind != Accrual && r.Kind != Discount:
		bad("budget is only for accrual and discount rules, not %v", r.Kind)
	default:
		if err := name.Check(r.Budget); err != nil {
			bad("budget %q %v", clip(r.Budget), err)
		}
	}
}

// budgetCut cuts an applied step's value to what its rule's budget
// granted; it reports whether nothing was granted (the step is then
// StatusLimited).
func budgetCut(env any, r *compiled, st *Step) (limited bool) {
	if r.Budget == "" || st.Status != StatusApplied && st.Status != StatusCapped {
		return false
	}
	var grant decimal.Decimal
	given := false
	if b, ok := env.(Budgeter); ok {
		grant, given = b.Granted(r.Budget)
	}
	switch {
	case !st.Value.GreaterThan(grant):
		return false
	case !given:
		st.Value, st.Status, st.By, st.Reason = decimal.Zero, StatusLimited, "budget", fmt.Sprintf("budget %s: no grant given", r.Budget)
		return true
	case !grant.IsPositive():
		st.Value, st.Status, st.By, st.Reason = decimal.Zero, StatusLimited, "budget", fmt.Sprintf("budget %s: nothing granted", r.Budget)
		return true
	}
	st.Value, st.Status, st.By, st.Reason = grant, StatusCapped, "budget", fmt.Sprintf("budget %s: %s granted", r.Budget, grant)
	return false
}
