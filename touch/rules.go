package touch

import (
	"errors"
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// Rule is a host-defined touch: when its condition holds for a customer
// (written like any rule condition, over [Facts]), they are listed with a
// Why of reason RuleMatched naming the rule. JSON-friendly.
type Rule struct {
	// ID names the rule in plans, contacts and errors. Required, unique.
	ID string `json:"id"`
	// When is the condition: `"lapsed" in Reasons && Segment == "vip"`,
	// `OrdersInPeriod == 0 && Orders >= 5`.
	When string `json:"when"`
	// CoolDownDays: a customer contacted for this rule is not listed for
	// it again within this many days (0: no cool-down).
	CoolDownDays int `json:"cool_down_days,omitempty"`
	// Description is free text for people.
	Description string `json:"description,omitempty"`
}

// Facts is what touch rules see of a customer, by these names. A date
// that is not known (no birthday on file, no purchase yet) is a zero
// time, which date helpers treat as unknown: a rule that needs it does not
// match.
type Facts struct {
	ID string
	// Now is the plan's instant, in the programme's zone.
	Now                                time.Time `expr:"now"`
	Birthday, Registered, LastPurchase time.Time
	// From the profile (segment.Profile): lifetime and recent-period
	// orders and spend, returns, complaints, RFM scores (0 when not
	// scored) and the host's counters.
	Orders, OrdersInPeriod int
	Spend, SpendInPeriod   decimal.Decimal
	Returns, Complaints    int
	R, F, M                int
	Counters               map[string]int
	// PurchaseDays is the number of distinct purchase days (the rhythm's).
	PurchaseDays int
	// Segment is the customer's segment under Config.NearSegment's
	// segmentation ("" without one); Tier their loyalty tier ("" without
	// an account).
	Segment, Tier string
	// Points is the available balance now; ExpiringPoints the points that
	// expire in Config.Expiring's window (zero without an account or
	// without Expiring).
	Points, ExpiringPoints decimal.Decimal
	// Value is Customer.Value.
	Value decimal.Decimal
	// Reasons are the names of the built-in reasons found for the customer
	// ("birthday", "lapsed", …; before cool-downs).
	Reasons []string
	// Attributes are Customer.Attributes.
	Attributes map[string]string
}

// compiledRule is a rule and its condition.
type compiledRule struct {
	Rule
	cond *rules.Condition[Facts]
}

// compileRules compiles the touch rules; every problem at once: the
// rules' errors in one *rules.CompileError (each naming the touch rule and
// the line:column), joined with the input errors about ids and
// cool-downs.
func compileRules(fn string, rs []Rule) ([]compiledRule, error) {
	var errs []error
	if len(rs) > maxRules {
		return nil, inputErr(fn, "Rules", "has %d rules, at most %d", len(rs), maxRules)
	}
	ce := &rules.CompileError{}
	seen := map[string]bool{}
	out := make([]compiledRule, 0, len(rs))
	for i, r := range rs {
		field := fmt.Sprintf("Rules[%d]", i)
		switch {
		case r.ID == "":
			errs = append(errs, inputErr(fn, field+".ID", "is empty"))
			continue
		case seen[r.ID]:
			errs = append(errs, inputErr(fn, field+".ID", "%q is a duplicate", r.ID))
			continue
		case r.CoolDownDays < 0:
			errs = append(errs, inputErr(fn, field+".CoolDownDays", "must not be negative, got %d", r.CoolDownDays))
		case r.When == "":
			errs = append(errs, inputErr(fn, field+".When", "is empty (rule %q)", r.ID))
			continue
		}
		seen[r.ID] = true
		c, err := rules.CompileCondition[Facts](r.ID, r.When)
		if err != nil {
			var one *rules.CompileError
			if !errors.As(err, &one) {
				errs = append(errs, err)
				continue
			}
			for _, re := range one.Errors {
				re.Subject = "touch rule"
				ce.Errors = append(ce.Errors, re)
			}
			continue
		}
		out = append(out, compiledRule{Rule: r, cond: c})
	}
	if len(ce.Errors) > 0 {
		errs = append(errs, ce)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
