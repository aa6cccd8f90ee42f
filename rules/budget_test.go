package rules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// budgetFacts are shopFacts with what shared budgets granted.
type budgetFacts struct {
	shopFacts
	grants map[string]decimal.Decimal
}

func (f budgetFacts) Granted(budget string) (decimal.Decimal, bool) {
	g, ok := f.grants[budget]
	return g, ok
}

// TestBudgets: a budgeted rule's value is cut to its grant; with nothing
// granted it is limited, shadows nothing and outdoes nothing; its step's
// Computed is what it asked.
func TestBudgets(t *testing.T) {
	defs := []rules.Rule{
		{ID: "spring", Kind: rules.Accrual, Value: "order.Total / 10", Budget: "spring"}, // asks 123.456
		{ID: "promo", Kind: rules.Accrual, Stacking: rules.BestOf, Value: "100", Budget: "promo"},
		{ID: "fallback", Kind: rules.Accrual, Stacking: rules.BestOf, Value: "60"},
		{ID: "sale", Kind: rules.Discount, Unit: rules.Amount, Stacking: rules.Exclusive, Priority: 2, Value: "50", Budget: "sale"},
		{ID: "usual", Kind: rules.Discount, Unit: rules.Amount, Stacking: rules.Exclusive, Priority: 1, Value: "5"},
	}
	set, err := rules.Compile[budgetFacts](defs)
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		Status          rules.Status
		Value, Computed string
		By, Reason      string
	}
	for _, tc := range []struct {
		name             string
		grants           map[string]decimal.Decimal
		want             map[string]step
		points, discount string
	}{
		{"all granted", map[string]decimal.Decimal{"spring": d("500"), "promo": d("100"), "sale": d("50")}, map[string]step{
			"spring":   {rules.StatusApplied, "123.456", "123.456", "", ""},
			"promo":    {rules.StatusApplied, "100", "100", "", ""},
			"fallback": {rules.StatusOutdone, "0", "60", "promo", ""},
			"sale":     {rules.StatusApplied, "50", "50", "", ""},
			"usual":    {rules.StatusShadowed, "0", "0", "sale", ""},
		}, "223.456", "50"},
		{"part granted", map[string]decimal.Decimal{"spring": d("40"), "promo": d("70"), "sale": d("20")}, map[string]step{
			"spring":   {rules.StatusCapped, "40", "123.456", "budget", "budget spring: 40 granted"},
			"promo":    {rules.StatusCapped, "70", "100", "budget", "budget promo: 70 granted"},
			"fallback": {rules.StatusOutdone, "0", "60", "promo", ""},
			"sale":     {rules.StatusCapped, "20", "50", "budget", "budget sale: 20 granted"},
			"usual":    {rules.StatusShadowed, "0", "0", "sale", ""},
		}, "110", "20"},
		{"exhausted: the rest goes on", map[string]decimal.Decimal{"spring": d("0"), "promo": d("0"), "sale": d("0")}, map[string]step{
			"spring":   {rules.StatusLimited, "0", "123.456", "budget", "budget spring: nothing granted"},
			"promo":    {rules.StatusLimited, "0", "100", "budget", "budget promo: nothing granted"},
			"fallback": {rules.StatusApplied, "60", "60", "", ""},
			"sale":     {rules.StatusLimited, "0", "50", "budget", "budget sale: nothing granted"},
			"usual":    {rules.StatusApplied, "5", "5", "", ""},
		}, "60", "5"},
		{"no grant given (a quote)", nil, map[string]step{
			"spring":   {rules.StatusLimited, "0", "123.456", "budget", "budget spring: no grant given"},
			"promo":    {rules.StatusLimited, "0", "100", "budget", "budget promo: no grant given"},
			"fallback": {rules.StatusApplied, "60", "60", "", ""},
			"sale":     {rules.StatusLimited, "0", "50", "budget", "budget sale: no grant given"},
			"usual":    {rules.StatusApplied, "5", "5", "", ""},
		}, "60", "5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := set.Eval(budgetFacts{shopFacts: sampleFacts(), grants: tc.grants})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]step{}
			for _, st := range out.Trace {
				got[st.RuleID] = step{st.Status, st.Value.String(), st.Computed.String(), st.By, st.Reason}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("steps (-want +got):\n%s", diff)
			}
			if !out.Points.Equal(d(tc.points)) || !out.Discount.Equal(d(tc.discount)) {
				t.Errorf("points %s discount %s, want %s %s", out.Points, out.Discount, tc.points, tc.discount)
			}
		})
	}
}

func TestBudgetDefinitions(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule rules.Rule
		want string // in the error; "" for none
	}{
		{"accrual", rules.Rule{ID: "r", Kind: rules.Accrual, Value: "1", Budget: "spring"}, ""},
		{"discount", rules.Rule{ID: "r", Kind: rules.Discount, Unit: rules.Amount, Value: "1", Budget: "spring"}, ""},
		{"gift", rules.Rule{ID: "r", Kind: rules.Gift, Value: `"mug"`, Budget: "spring"}, "only for accrual and discount"},
		{"white space", rules.Rule{ID: "r", Kind: rules.Accrual, Value: "1", Budget: " "}, "budget"},
		{"control character", rules.Rule{ID: "r", Kind: rules.Accrual, Value: "1", Budget: "a\x00b"}, "budget"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.Compile[budgetFacts]([]rules.Rule{tc.rule})
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, rules.ErrInvalidRule)) {
				t.Errorf("%v, want %q", err, tc.want)
			}
		})
	}
	// Facts that carry no grants cannot have budgeted rules.
	_, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, Value: "1", Budget: "spring"}})
	if err == nil || !strings.Contains(err.Error(), "Budgeter") {
		t.Errorf("a budget over facts without a Budgeter: %v", err)
	}
}
