package rules_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// limitFacts are shopFacts whose customer has used some of each limited
// rule: used[id] applications and spent[id] points or money.
type limitFacts struct {
	shopFacts
	used  map[string]int
	spent map[string]decimal.Decimal
}

func (f limitFacts) LimitLeft(id string, l rules.Limit) rules.Left {
	return rules.Left{Times: l.Times - f.used[id], Amount: l.Amount.Sub(f.spent[id]),
		Used: fmt.Sprintf("%d of %d", f.used[id], l.Times)}
}

func TestLimits(t *testing.T) {
	defs := []rules.Rule{
		{ID: "review", Kind: rules.Accrual, Value: "30", Limit: rules.Limit{Times: 1, Per: rules.Month}},
		{ID: "spend", Kind: rules.Accrual, Value: "order.Total / 10", Limit: rules.Limit{Amount: d("200"), Per: rules.Rolling, Days: 30}},
		{ID: "gift", Kind: rules.Gift, Value: `"mug"`, Limit: rules.Limit{Times: 2}},
		{ID: "big", Kind: rules.Accrual, Stacking: rules.BestOf, Value: "100", Limit: rules.Limit{Amount: d("150")}},
		{ID: "small", Kind: rules.Accrual, Stacking: rules.BestOf, Value: "60"},
	}
	set, err := rules.Compile[limitFacts](defs)
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		Status rules.Status
		Value  string
		By     string
	}
	for _, tc := range []struct {
		name   string
		used   map[string]int
		spent  map[string]decimal.Decimal
		want   map[string]step
		points string
	}{
		{"nothing used", nil, nil, map[string]step{
			"review": {rules.StatusApplied, "30", ""}, "spend": {rules.StatusApplied, "123.456", ""},
			"gift": {rules.StatusApplied, "0", ""}, "big": {rules.StatusApplied, "100", ""}, "small": {rules.StatusOutdone, "0", "big"},
		}, "253.456"},
		{"each at or near its limit", map[string]int{"review": 1, "gift": 2}, map[string]decimal.Decimal{"spend": d("150"), "big": d("100")}, map[string]step{
			"review": {rules.StatusLimited, "0", ""}, "spend": {rules.StatusCapped, "50", "limit"},
			"gift": {rules.StatusLimited, "0", ""}, "big": {rules.StatusOutdone, "0", "small"}, "small": {rules.StatusApplied, "60", ""},
		}, "110"},
		{"an amount used up", nil, map[string]decimal.Decimal{"spend": d("200")}, map[string]step{
			"review": {rules.StatusApplied, "30", ""}, "spend": {rules.StatusLimited, "0", ""},
			"gift": {rules.StatusApplied, "0", ""}, "big": {rules.StatusApplied, "100", ""}, "small": {rules.StatusOutdone, "0", "big"},
		}, "130"},
	} {
		out, err := set.Eval(limitFacts{shopFacts: sampleFacts(), used: tc.used, spent: tc.spent})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]step{}
		for _, st := range out.Trace {
			got[st.RuleID] = step{st.Status, st.Value.String(), st.By}
			if st.Status == rules.StatusLimited && !strings.Contains(st.Reason, "of") {
				t.Errorf("%s: %s is limited without a reason: %q", tc.name, st.RuleID, st.Reason)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: steps (-want +got):\n%s", tc.name, diff)
		}
		if !out.Points.Equal(d(tc.points)) {
			t.Errorf("%s: points %s, want %s", tc.name, out.Points, tc.points)
		}
		if wantGift := tc.want["gift"].Status == rules.StatusApplied; (len(out.Gifts) == 1) != wantGift {
			t.Errorf("%s: gifts %v", tc.name, out.Gifts)
		}
	}
}

// describedFacts are limitFacts that leave Left.Used empty and say what
// was used only when asked (rules.UsageDescriber), counting the asks.
type describedFacts struct {
	limitFacts
	asked *[]string
}

func (f describedFacts) LimitLeft(id string, l rules.Limit) rules.Left {
	left := f.limitFacts.LimitLeft(id, l)
	left.Used = ""
	return left
}

func (f describedFacts) LimitUsed(id string, l rules.Limit) string {
	*f.asked = append(*f.asked, id)
	return fmt.Sprintf("%d of %d, described", f.used[id], l.Times)
}

// TestLimitUsageDescribed: facts that are a UsageDescriber are asked
// what was used of exactly the rules whose trace shows it (limited, or
// cut to what is left), and the trace shows what they say.
func TestLimitUsageDescribed(t *testing.T) {
	defs := []rules.Rule{
		{ID: "review", Kind: rules.Accrual, Value: "30", Limit: rules.Limit{Times: 1, Per: rules.Month}},
		{ID: "spend", Kind: rules.Accrual, Value: "order.Total / 10", Limit: rules.Limit{Amount: d("200"), Per: rules.Rolling, Days: 30}},
		{ID: "open", Kind: rules.Accrual, Value: "1", Limit: rules.Limit{Times: 5}},
	}
	set, err := rules.Compile[describedFacts](defs)
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	f := describedFacts{limitFacts{shopFacts: sampleFacts(), used: map[string]int{"review": 1}, spent: map[string]decimal.Decimal{"spend": d("150")}}, &asked}
	out, err := set.Eval(f)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, st := range out.Trace {
		reasons[st.RuleID] = st.Status.String() + ": " + st.Reason
	}
	want := map[string]string{"review": "limited: 1 of 1, described", "spend": "capped: 0 of 0, described", "open": "applied: "}
	if diff := cmp.Diff(want, reasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"review", "spend"}, asked); diff != "" {
		t.Errorf("asked about (-want +got):\n%s", diff)
	}
}

func TestLimitDefinitions(t *testing.T) {
	for _, tc := range []struct {
		limit rules.Limit
		kind  rules.Kind
		want  string // in the error; "" for none
	}{
		{rules.Limit{Times: 1, Per: rules.Week}, rules.Accrual, ""},
		{rules.Limit{Amount: d("5"), Per: rules.Rolling, Days: 7}, rules.Discount, ""},
		{rules.Limit{Times: -1}, rules.Accrual, "negative"},
		{rules.Limit{Amount: d("-1")}, rules.Accrual, "negative"},
		{rules.Limit{Per: rules.Month}, rules.Accrual, "times or an amount"},
		{rules.Limit{Amount: d("5")}, rules.Gift, "only for accrual and discount"},
		{rules.Limit{Times: 1, Per: rules.Rolling}, rules.Accrual, "days from 1"},
		{rules.Limit{Times: 1, Per: rules.Month, Days: 3}, rules.Accrual, "only for per rolling"},
		{rules.Limit{Times: 1, Per: rules.Period(42)}, rules.Accrual, "unknown limit period"},
	} {
		r := rules.Rule{ID: "r", Kind: tc.kind, Value: "1", Limit: tc.limit}
		switch tc.kind {
		case rules.Gift:
			r.Value = `"mug"`
		case rules.Discount:
			r.Unit = rules.Amount
		}
		_, err := rules.Compile[limitFacts]([]rules.Rule{r})
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, rules.ErrInvalidRule)) {
			t.Errorf("%+v: %v, want %q", tc.limit, err, tc.want)
		}
	}
	// Facts that do not count cannot have limited rules.
	_, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, Value: "1", Limit: rules.Limit{Times: 1}}})
	if err == nil || !strings.Contains(err.Error(), "Limiter") {
		t.Errorf("limit over facts without a Limiter: %v", err)
	}
	// In JSON a limit reads by name, and an unknown period is refused.
	var r rules.Rule
	if err := r.UnmarshalJSON([]byte(`{"id":"x","kind":"accrual","value":"1","limit":{"times":1,"per":"month"}}`)); err != nil || r.Limit.Per != rules.Month {
		t.Errorf("limit from JSON: %+v %v", r.Limit, err)
	}
	if err := r.UnmarshalJSON([]byte(`{"id":"x","kind":"accrual","value":"1","limit":{"times":1,"per":"mnoth"}}`)); err == nil || !strings.Contains(err.Error(), "month") {
		t.Errorf("unknown period: %v", err)
	}
}

// An unknown field in a rule's JSON is refused, with the nearest field:
// a misspelt "wen" would otherwise make a rule that always applies.
func TestRuleUnknownField(t *testing.T) {
	for _, tc := range []struct{ json, want string }{
		{`{"id":"x","kind":"accrual","wen":"order.Total > 100","value":"1"}`, `rule "x": unknown field "wen": did you mean when?`},
		{`{"id":"x","kind":"accrual","value":"1","limit":{"tims":1}}`, `unknown field "tims": did you mean times?`},
		{`{"id":"x","kind":"accrual","value":"1","colour":"red"}`, `unknown field "colour" (fields: id,`},
	} {
		var r rules.Rule
		if err := r.UnmarshalJSON([]byte(tc.json)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.json, err, tc.want)
		}
	}
}
