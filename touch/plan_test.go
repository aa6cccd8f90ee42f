package touch_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/loyalkit/loyalkit/touch"
)

func TestRules(t *testing.T) {
	cfg := touch.Config{
		Lapsed: &touch.LapseRule{Factor: 2},
		Rules: []touch.Rule{
			{ID: "vip-lapsed", When: `"lapsed" in Reasons && SpendInPeriod >= 1000`},
			{ID: "birthday-week", When: "nearAnniversary(Birthday, now, 0, 7)"},
			{ID: "sms", When: `Attributes["channel"] == "sms" && Orders >= 5`},
		},
	}
	lapsed := touch.Rhythm{PurchaseDays: 4, TypicalGap: 7, Last: midnight(2026, 3, 1)}
	tests := []struct {
		name   string
		c      touch.Customer
		want   []touch.Why
		reason string
	}{
		{"lapsed VIP", touch.Customer{ID: "c", Rhythm: lapsed, Profile: segment.Profile{SpendInPeriod: d("1500")}},
			[]touch.Why{{Reason: touch.Lapsed, Days: 28, Gap: 7, Threshold: 14}, {Reason: touch.RuleMatched, Rule: "vip-lapsed"}},
			"a rule sees the built-in reasons"},
		{"lapsed, small", touch.Customer{ID: "c", Rhythm: lapsed, Profile: segment.Profile{SpendInPeriod: d("999.99")}},
			[]touch.Why{{Reason: touch.Lapsed, Days: 28, Gap: 7, Threshold: 14}}, "under 1,000"},
		{"birthday week", touch.Customer{ID: "c", Birthday: time.Date(1990, 3, 25, 0, 0, 0, 0, time.UTC)},
			[]touch.Why{{Reason: touch.RuleMatched, Rule: "birthday-week"}}, "4 days after the birthday"},
		{"no birthday on file", touch.Customer{ID: "c"}, nil, "unknown is not a match"},
		{"attributes", touch.Customer{ID: "c", Attributes: map[string]string{"channel": "sms"}, Profile: segment.Profile{Orders: 5}},
			[]touch.Why{{Reason: touch.RuleMatched, Rule: "sms"}}, "the host's attributes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := whys(t, cfg, tc.c, noon(2026, 3, 29))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got) [%s]:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestRuleErrors: every rule's problem at once, each naming the touch rule
// and the line:column.
func TestRuleErrors(t *testing.T) {
	_, err := touch.Compile(touch.Config{Limits: roomy, Rules: []touch.Rule{
		{ID: "ok", When: "Orders >= 1"},
		{ID: "typo", When: "Orders >= 1 &&\n  Oders > 2"},
		{ID: "not-bool", When: "Orders + 1"},
		{ID: "ok", When: "Orders >= 2"},
		{ID: "", When: "true"},
	}})
	var ce *rules.CompileError
	if !errors.As(err, &ce) || len(ce.Errors) != 2 {
		t.Fatalf("got %v, want two rules errors", err)
	}
	if re := ce.Errors[0]; re.RuleID != "typo" || re.Subject != "touch rule" || re.Line != 2 || re.Column != 3 || !errors.Is(re, rules.ErrType) {
		t.Errorf("first error %+v, want touch rule typo at 2:3", re)
	}
	if re := ce.Errors[1]; re.RuleID != "not-bool" || !errors.Is(re, rules.ErrType) {
		t.Errorf("second error %+v, want not-bool's type", re)
	}
	for _, field := range []string{"Rules[3].ID", "Rules[4].ID"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("%v does not name %s", err, field)
		}
	}
	if !errors.Is(err, touch.ErrInput) {
		t.Errorf("%v does not unwrap to ErrInput", err)
	}
}

// TestRuleFailure: a rule that fails at run time is counted and skipped
// (the customer keeps their other reasons); Strict fails the plan.
func TestRuleFailure(t *testing.T) {
	cfg := touch.Config{Limits: roomy, Location: berlin, Lapsed: &touch.LapseRule{Factor: 2},
		Rules: []touch.Rule{{ID: "ratio", When: "Spend / Orders > 100"}}}
	cs := []touch.Customer{
		{ID: "a", Profile: segment.Profile{Orders: 0}, Rhythm: touch.Rhythm{PurchaseDays: 3, TypicalGap: 5, Last: midnight(2026, 3, 1)}},
		{ID: "b", Profile: segment.Profile{Orders: 2, Spend: d("300")}},
		{ID: "c", Profile: segment.Profile{Orders: 0}},
	}
	p, err := touch.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := p.Plan(noon(2026, 3, 29), cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Failures) != 1 || plan.Failures[0].Rule != "ratio" || plan.Failures[0].Customers != 2 || !errors.Is(plan.Failures[0].First, rules.ErrEval) {
		t.Errorf("failures %+v, want ratio failing for 2 customers", plan.Failures)
	}
	var got []string
	for _, tc := range plan.Touches {
		got = append(got, tc.Customer+":"+tc.Why[0].Reason.String())
	}
	if diff := cmp.Diff([]string{"a:lapsed", "b:rule"}, got); diff != "" {
		t.Errorf("touches mismatch (-want +got):\n%s", diff)
	}
	cfg.Strict = true
	p, err = touch.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Plan(noon(2026, 3, 29), cs, nil); !errors.Is(err, rules.ErrEval) || !strings.Contains(err.Error(), `customers[0] ("a")`) {
		t.Errorf("strict: %v, want ErrEval naming customers[0]", err)
	}
}

// TestCoolDownsAndLimits: each limit on its own, with exact days.
func TestCoolDownsAndLimits(t *testing.T) {
	today := noon(2026, 3, 29)
	bday := time.Date(1990, 3, 30, 0, 0, 0, 0, time.UTC) // tomorrow
	base := touch.Config{Location: berlin, Birthday: &touch.DateWindow{Days: 7, CoolDownDays: 10},
		Rules: []touch.Rule{{ID: "all", When: "true", CoolDownDays: 3}}}
	c := touch.Customer{ID: "c", Birthday: bday}
	at := func(day int) time.Time { return time.Date(2026, 3, day, 9, 0, 0, 0, berlin) }
	tests := []struct {
		name     string
		limits   touch.Limits
		contacts []touch.Contact
		want     []touch.Reason
		reason   string
	}{
		{"no contacts", roomy, nil, []touch.Reason{touch.Birthday, touch.RuleMatched}, "both reasons"},
		{"birthday 9 days ago", roomy, []touch.Contact{{Customer: "c", At: at(20), Reason: touch.Birthday}},
			[]touch.Reason{touch.RuleMatched}, "29 − 20 = 9 < 10: cooling down"},
		{"birthday 10 days ago", roomy, []touch.Contact{{Customer: "c", At: at(19), Reason: touch.Birthday}},
			[]touch.Reason{touch.Birthday, touch.RuleMatched}, "10 days: cooled down"},
		{"rule 2 days ago", roomy, []touch.Contact{{Customer: "c", At: at(27), Reason: touch.RuleMatched, Rule: "all"}},
			[]touch.Reason{touch.Birthday}, "the rule's own cool-down"},
		{"another rule's contact", roomy, []touch.Contact{{Customer: "c", At: at(27), Reason: touch.RuleMatched, Rule: "gone"}},
			[]touch.Reason{touch.Birthday, touch.RuleMatched}, "a rule no longer configured cools nothing"},
		{"another customer's contact", roomy, []touch.Contact{{Customer: "d", At: at(28), Reason: touch.Birthday}},
			[]touch.Reason{touch.Birthday, touch.RuleMatched}, "contacts are per customer"},
		{"a contact after the plan's instant", roomy, []touch.Contact{{Customer: "c", At: today.Add(time.Hour), Reason: touch.Birthday}},
			[]touch.Reason{touch.Birthday, touch.RuleMatched}, "not happened yet as of the plan"},
		{"both cooling", roomy, []touch.Contact{{Customer: "c", At: at(27), Reason: touch.Birthday}, {Customer: "c", At: at(27), Reason: touch.RuleMatched, Rule: "all"}},
			nil, "nothing left"},
		{"2 per 7 days, one touch day", touch.Limits{PerCustomer: 2, PeriodDays: 7, Daily: 10},
			[]touch.Contact{{Customer: "c", At: at(23), Reason: touch.Expiring}, {Customer: "c", At: at(23), Reason: touch.Lapsed}},
			[]touch.Reason{touch.Birthday, touch.RuleMatched}, "two contacts on one day are one touch; today makes two"},
		{"2 per 7 days, two touch days", touch.Limits{PerCustomer: 2, PeriodDays: 7, Daily: 10},
			[]touch.Contact{{Customer: "c", At: at(23), Reason: touch.Expiring}, {Customer: "c", At: at(26), Reason: touch.Lapsed}},
			nil, "23 and 26 March are in the 7 days ending today: today would be a third"},
		{"2 per 7 days, one rolled out", touch.Limits{PerCustomer: 2, PeriodDays: 7, Daily: 10},
			[]touch.Contact{{Customer: "c", At: at(22), Reason: touch.Expiring}, {Customer: "c", At: at(26), Reason: touch.Lapsed}},
			[]touch.Reason{touch.Birthday, touch.RuleMatched}, "22 March is 7 days ago: outside"},
		{"already contacted today", touch.Limits{PerCustomer: 1, PeriodDays: 7, Daily: 10},
			[]touch.Contact{{Customer: "c", At: at(29).Add(-8 * time.Hour), Reason: touch.Lapsed}},
			[]touch.Reason{touch.Birthday, touch.RuleMatched}, "a second contact today adds no touch day"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			cfg.Limits = tc.limits
			p, err := touch.Compile(cfg)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := p.Plan(today, []touch.Customer{c}, tc.contacts)
			if err != nil {
				t.Fatal(err)
			}
			var got []touch.Reason
			for _, tc := range plan.Touches {
				for _, w := range tc.Why {
					got = append(got, w.Reason)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("reasons mismatch (-want +got) [%s]:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestRanking: the daily cap keeps the most valuable: Value, plus the
// expiring points at PointValue; ties by id.
func TestRanking(t *testing.T) {
	p := shop(t, loyalty.Expiry{Kind: loyalty.EndOfMonth})
	points := bought(t, p, noon(2026, 3, 10), "2000") // 100 points expiring at 1 April
	pl, err := touch.Compile(touch.Config{Program: p, Limits: touch.Limits{PerCustomer: 1, PeriodDays: 1, Daily: 3},
		PointValue: d("0.5"), Expiring: &touch.ExpiryWindow{Days: 7}, Rules: []touch.Rule{{ID: "all", When: "true"}}})
	if err != nil {
		t.Fatal(err)
	}
	cs := []touch.Customer{
		{ID: "e", Value: d("10")},
		{ID: "b", Value: d("100")},
		{ID: "a", Value: d("100")},
		{ID: "d", Value: d("20"), Account: points}, // 20 + 100 × 0.5 = 70
		{ID: "c", Value: d("60")},
	}
	plan, err := pl.Plan(noon(2026, 3, 29), cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tc := range plan.Touches {
		got = append(got, tc.Customer+" "+tc.Value.String())
	}
	if diff := cmp.Diff([]string{"a 100", "b 100", "d 70"}, got); diff != "" {
		t.Errorf("ranking mismatch (-want +got):\n%s", diff)
	}
	if plan.Candidates != 5 || plan.OverCap != 2 {
		t.Errorf("candidates %d, over the cap %d; want 5, 2", plan.Candidates, plan.OverCap)
	}
	counts := plan.Counts()
	if diff := cmp.Diff([]touch.Count{{Reason: touch.Expiring, Touches: 1}, {Reason: touch.RuleMatched, Rule: "all", Touches: 3}}, counts); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}
}

// TestBadInput: each impossible input is an InputError naming the field.
func TestBadInput(t *testing.T) {
	bg := metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks}
	with := func(f func(*touch.Config)) touch.Config {
		c := touch.Config{Limits: roomy}
		f(&c)
		return c
	}
	configs := []struct {
		cfg   touch.Config
		field string
	}{
		{touch.Config{}, "Limits.PerCustomer"},
		{with(func(c *touch.Config) { c.Limits.PeriodDays = 0 }), "Limits.PeriodDays"},
		{with(func(c *touch.Config) { c.Limits.Daily = 0 }), "Limits.Daily"},
		{with(func(c *touch.Config) { c.Birthday = &touch.DateWindow{Days: -1} }), "Birthday.Days"},
		{with(func(c *touch.Config) { c.Anniversary = &touch.DateWindow{CoolDownDays: -1} }), "Anniversary.CoolDownDays"},
		{with(func(c *touch.Config) { c.Expiring = &touch.ExpiryWindow{Days: -3} }), "Expiring.Days"},
		{with(func(c *touch.Config) { c.Expiring = &touch.ExpiryWindow{MinPoints: d("-1")} }), "Expiring.MinPoints"},
		{with(func(c *touch.Config) { c.Lapsed = &touch.LapseRule{Factor: 0.5} }), "Lapsed.Factor"},
		{with(func(c *touch.Config) { c.Lapsed = &touch.LapseRule{Factor: 2, MinPurchaseDays: 1} }), "Lapsed.MinPurchaseDays"},
		{with(func(c *touch.Config) { c.Lapsed = &touch.LapseRule{Factor: 2, FallbackDays: -1} }), "Lapsed.FallbackDays"},
		{with(func(c *touch.Config) { c.Dormant = &touch.PAliveRule{Below: 0.3} }), "Dormant.Model"},
		{with(func(c *touch.Config) { c.Dormant = &touch.PAliveRule{Model: bg, Below: 30} }), "Dormant.Below"},
		{with(func(c *touch.Config) { c.TierAtRisk = &touch.TierReview{ReviewMonths: 1} }), "Program"},
		{with(func(c *touch.Config) {
			c.Program = shop(t, loyalty.Expiry{})
			c.TierAtRisk = &touch.TierReview{ReviewMonths: 5}
		}), "TierAtRisk.ReviewMonths"},
		{with(func(c *touch.Config) { c.Program = shop(t, loyalty.Expiry{}); c.NearTier = &touch.TierGap{} }), "NearTier.Within"},
		{with(func(c *touch.Config) { c.NearSegment = &touch.SegmentGap{Within: 0.2} }), "NearSegment.Segmentation"},
		{with(func(c *touch.Config) { c.PointValue = d("-0.01") }), "PointValue"},
		{with(func(c *touch.Config) { c.Workers = -1 }), "Workers"},
		{with(func(c *touch.Config) { c.Rules = []touch.Rule{{ID: "r", When: "true", CoolDownDays: -7}} }), "Rules[0].CoolDownDays"},
	}
	for _, tc := range configs {
		t.Run(tc.field, func(t *testing.T) {
			_, err := touch.Compile(tc.cfg)
			checkField(t, err, tc.field)
		})
	}
	p, err := touch.Compile(touch.Config{Limits: roomy, Dormant: &touch.PAliveRule{Model: bg, Below: 0.3}})
	if err != nil {
		t.Fatal(err)
	}
	inputs := []struct {
		name     string
		asOf     time.Time
		cs       []touch.Customer
		contacts []touch.Contact
		field    string
	}{
		{"zero asOf", time.Time{}, nil, nil, "asOf"},
		{"empty id", noon(2026, 3, 29), []touch.Customer{{ID: "a"}, {}}, nil, "customers[1].ID"},
		{"repeated id", noon(2026, 3, 29), []touch.Customer{{ID: "a"}, {ID: "b"}, {ID: "a"}}, nil, "customers[2].ID"},
		{"model in weeks, summary in days", noon(2026, 3, 29), []touch.Customer{{ID: "a", Summary: metrics.CustomerSummary{Frequency: 1, Recency: 20, T: 90, Unit: metrics.Days}}}, nil, "customers[0].Summary.Unit"},
		{"another customer's profile", noon(2026, 3, 29), []touch.Customer{{ID: "a", Profile: segment.Profile{ID: "b"}}}, nil, "customers[0].Profile.ID"},
		{"contact without a customer", noon(2026, 3, 29), nil, []touch.Contact{{At: noon(2026, 3, 1), Reason: touch.Birthday}}, "contacts[0].Customer"},
		{"contact without an instant", noon(2026, 3, 29), nil, []touch.Contact{{Customer: "a", Reason: touch.Birthday}}, "contacts[0].At"},
		{"contact without a reason", noon(2026, 3, 29), nil, []touch.Contact{{Customer: "a", At: noon(2026, 3, 1)}}, "contacts[0].Reason"},
		{"rule contact without a rule", noon(2026, 3, 29), nil, []touch.Contact{{Customer: "a", At: noon(2026, 3, 1), Reason: touch.RuleMatched}}, "contacts[0].Rule"},
	}
	for _, tc := range inputs {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Plan(tc.asOf, tc.cs, tc.contacts)
			checkField(t, err, tc.field)
		})
	}
	// An account from another programme.
	other, err := loyalty.Compile(loyalty.Config{Name: "other", Currency: "USD", TimeZone: "UTC", Rules: []rules.Rule{{ID: "b", Kind: rules.Accrual, Value: "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	a := bought(t, other, noon(2026, 1, 1), "10")
	tp, err := touch.Compile(touch.Config{Limits: roomy, Program: shop(t, loyalty.Expiry{}), NearTier: &touch.TierGap{Within: 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tp.Plan(noon(2026, 3, 29), []touch.Customer{{ID: "a", Account: a}}, nil); !errors.Is(err, loyalty.ErrProgramMismatch) || !strings.Contains(err.Error(), "customers[0].Account") {
		t.Errorf("an account from another programme: %v", err)
	}
}

func checkField(t *testing.T, err error, field string) {
	t.Helper()
	var ie *touch.InputError
	if !errors.As(err, &ie) || ie.Field != field || !errors.Is(err, touch.ErrInput) {
		t.Fatalf("got %v, want an InputError about %s", err, field)
	}
	if !strings.HasPrefix(err.Error(), "touch: ") {
		t.Errorf("%q does not start with the package name", err)
	}
}

// TestRulesSeeOwnReasons: a rule sees the reasons found for its customer,
// not those of the customers judged before (found by the benchmark, where
// the reasons of a million customers made each rule's facts quadratic).
func TestRulesSeeOwnReasons(t *testing.T) {
	p, err := touch.Compile(touch.Config{Location: berlin, Limits: roomy, Lapsed: &touch.LapseRule{Factor: 2},
		Rules: []touch.Rule{{ID: "only-lapsed", When: `len(Reasons) == 1 && "lapsed" in Reasons`}}})
	if err != nil {
		t.Fatal(err)
	}
	late := touch.Rhythm{PurchaseDays: 4, TypicalGap: 7, Last: midnight(2026, 3, 1)}
	plan, err := p.Plan(noon(2026, 3, 29), []touch.Customer{{ID: "a", Rhythm: late}, {ID: "b"}, {ID: "c", Rhythm: late}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tc := range plan.Touches {
		for _, w := range tc.Why {
			got = append(got, tc.Customer+":"+w.Reason.String())
		}
	}
	if diff := cmp.Diff([]string{"a:lapsed", "a:rule", "c:lapsed", "c:rule"}, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestConcurrentPlans: one Planner used by four goroutines at once gives
// each the same plan (run with -race).
func TestConcurrentPlans(t *testing.T) {
	p, err := touch.Compile(touch.Config{Location: berlin, Limits: roomy, Workers: 2,
		Birthday: &touch.DateWindow{Days: 30}, Lapsed: &touch.LapseRule{Factor: 2, FallbackDays: 10},
		Rules: []touch.Rule{{ID: "two", When: `len(Reasons) == 2`}}})
	if err != nil {
		t.Fatal(err)
	}
	var cs []touch.Customer
	for i := range 3000 {
		cs = append(cs, touch.Customer{ID: fmt.Sprint("c", i), Birthday: time.Date(1980, 4, 1+i%30, 0, 0, 0, 0, time.UTC),
			Rhythm: touch.Rhythm{PurchaseDays: 1 + i%4, TypicalGap: 3, Last: midnight(2026, 3, 1+i%28)}})
	}
	want, err := p.Plan(noon(2026, 3, 29), cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got, err := p.Plan(noon(2026, 3, 29), cs, nil)
			if err == nil && !cmp.Equal(want, got) {
				err = fmt.Errorf("another plan:\n%s", cmp.Diff(want, got))
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestConfigIsCopied: changing the Config after Compile changes nothing.
func TestConfigIsCopied(t *testing.T) {
	cfg := touch.Config{Location: berlin, Limits: roomy, Birthday: &touch.DateWindow{Days: 0}}
	p, err := touch.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Birthday.Days = 30
	plan, err := p.Plan(noon(2026, 3, 29), []touch.Customer{{ID: "a", Birthday: time.Date(1990, 4, 2, 0, 0, 0, 0, time.UTC)}}, nil)
	if err != nil || len(plan.Touches) != 0 {
		t.Errorf("a window changed after Compile was used: %+v %v", plan.Touches, err)
	}
}

// TestRankingExact: values of any size and precision rank exactly, ties
// by id.
func TestRankingExact(t *testing.T) {
	values := []string{"100.5", "100.50", "1e12", "99.999999999", "99.99999999", "-5", "0", "123456789", "1234567890.5", "100.500000001"}
	var cs []touch.Customer
	for i, v := range values {
		cs = append(cs, touch.Customer{ID: fmt.Sprintf("c%d", i), Value: d(v)})
	}
	p, err := touch.Compile(touch.Config{Location: berlin, Limits: roomy, Rules: []touch.Rule{{ID: "all", When: "true"}}})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := p.Plan(noon(2026, 3, 29), cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tc := range plan.Touches {
		got = append(got, tc.Customer)
	}
	want := []string{"c2", "c8", "c7", "c9", "c0", "c1", "c3", "c4", "c6", "c5"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ranking mismatch (-want +got):\n%s", diff)
	}
}
