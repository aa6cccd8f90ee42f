package touch_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/loyalkit/loyalkit/touch"
)

// FuzzRule: any touch rule text either compiles or is refused with
// errors that name the rule and point inside the text; what compiles plans
// (or fails in strict mode with an error) without panicking, and lists
// only the customers given.
func FuzzRule(f *testing.F) {
	for _, s := range []string{
		`"lapsed" in Reasons && SpendInPeriod >= 1000`, `Counters["stamps"] >= 9`, "nearAnniversary(Birthday, now, 0, 7)",
		"daysSince(LastPurchase, now) > 90", "Spend / Orders > 100", `Attributes["channel"] == "sms"`, "Orders +", "Oders > 1",
		"len(Reasons) > 1 || Value > 100.50", `Segment == "vip" and Tier != ""`, "now.Year() > 2000", "",
	} {
		f.Add(s)
	}
	cs := []touch.Customer{
		{ID: "a", Birthday: time.Date(1990, 4, 1, 0, 0, 0, 0, time.UTC), Profile: segment.Profile{Orders: 3, Spend: d("1500.50"), Counters: map[string]int{"stamps": 9}}},
		{ID: "b", Rhythm: touch.Rhythm{PurchaseDays: 3, TypicalGap: 4, Last: midnight(2026, 1, 1)}, Attributes: map[string]string{"channel": "sms"}},
		{ID: "c"},
	}
	f.Fuzz(func(t *testing.T, when string) {
		for _, strict := range []bool{false, true} {
			p, err := touch.Compile(touch.Config{Limits: roomy, Location: berlin, Strict: strict, Lapsed: &touch.LapseRule{Factor: 2},
				Rules: []touch.Rule{{ID: "fuzz", When: when}}})
			if err != nil {
				var ce *rules.CompileError
				if when != "" && !errors.As(err, &ce) {
					t.Fatalf("%q: %v is not a CompileError", when, err)
				}
				if ce != nil {
					for _, re := range ce.Errors {
						if re.RuleID != "fuzz" || re.Subject != "touch rule" || re.Line < 0 || re.Line > strings.Count(when, "\n")+1 {
							t.Fatalf("%q: error %+v does not name the rule or points outside the text", when, re)
						}
					}
				}
				return
			}
			plan, err := p.Plan(noon(2026, 3, 29), cs, nil)
			if err != nil {
				if !strict {
					t.Fatalf("%q: a contained rule failed the plan: %v", when, err)
				}
				continue
			}
			for _, tc := range plan.Touches {
				if !strings.Contains("abc", tc.Customer) || len(tc.Why) == 0 {
					t.Fatalf("%q: touch %+v", when, tc)
				}
			}
		}
	})
}
