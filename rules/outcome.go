package rules

import (
	"fmt"
	"strings"

	"github.com/loyalkit/loyalkit/internal/enum"
	"github.com/shopspring/decimal"
)

// Outcome is what a [Set] decided for one facts value. It is written to
// JSON and read back unchanged (decimals compare equal with Equal; a step's
// Error and the same entry in Failures come back as two equal values).
type Outcome struct {
	// Points is the sum of the accrual rules' contributions (unrounded: the
	// programme applies its own points precision).
	Points decimal.Decimal `json:"points"`
	// Discount is the money off the discount base, never more than it.
	Discount decimal.Decimal `json:"discount"`
	// Gifts are the gift identifiers of the applied gift rules, in
	// evaluation order (a gift given by two rules appears twice).
	Gifts []string `json:"gifts,omitempty"`
	// Tier is the tier the first applied tier rule asks for, or "".
	Tier string `json:"tier,omitempty"`
	// Trace has one step per rule, in evaluation order.
	Trace []Step `json:"trace"`
	// Failures lists the errors of the rules that failed at run time
	// ([StatusFailed]), in evaluation order; the same errors are on their
	// steps. Empty under [Strict], where a failure is returned by Eval.
	Failures []*RuleError `json:"failures,omitempty"`
}

// Step explains what one rule did in one evaluation. In JSON its fields
// are snake_case; a zero Value or Computed and an empty Text, By or Error
// are left out.
type Step struct {
	RuleID  string `json:"rule_id"`
	Version int    `json:"version,omitempty"`
	Kind    Kind   `json:"kind"`
	Status  Status `json:"status"`
	// Value is what the rule contributed: points, or money for a discount
	// (a percent discount is converted to money on the discount base).
	Value decimal.Decimal `json:"value,omitzero"`
	// Computed is the value before the rule's cap, the order total or a
	// best-of comparison limited it; equal to Value when nothing did.
	Computed decimal.Decimal `json:"computed,omitzero"`
	// Text is the gift or tier a gift or tier rule produced.
	Text string `json:"text,omitempty"`
	// By names the rule that shadowed or outdid this one, or is "limit"
	// when the rule's Limit cut its value.
	By string `json:"by,omitempty"`
	// Reason is, for a [StatusLimited] rule or one its Limit cut, what the
	// customer has used of the limit ("1 of 1 this month").
	Reason string `json:"reason,omitempty"`
	// Error is why a [StatusFailed] or [StatusUnknown] rule did not apply:
	// the rule, the part, the position and the message (for an unknown
	// value: which helper and argument). Nil for the other statuses.
	Error *RuleError `json:"error,omitempty"`
}

// Status is what happened to a rule in an evaluation.
type Status uint8

// The statuses a step can have.
const (
	StatusUnset         Status = iota
	StatusInactive             // outside its From/Until window; not evaluated
	StatusFalse                // its condition was false
	StatusShadowed             // an earlier exclusive rule of its kind applied (see By); not evaluated
	StatusOutdone              // a best-of rule whose value lost to another best-of rule (see By)
	StatusCapped               // applied, but limited by its cap or by the discount base
	StatusApplied              // applied in full
	StatusFailed               // its condition or value failed at run time (see Error); contributed nothing
	StatusNotApplicable        // its On does not list the facts' occasion; not evaluated
	StatusUnknown              // it needed an unknown value (see Error); did not apply, not a failure
	StatusLimited              // the customer has had what its Limit allows (see Reason); not evaluated
)

var statusNames = [...]string{"unset", "inactive", "false", "shadowed", "outdone", "capped", "applied", "failed", "not_applicable", "unknown", "limited"}

func (s Status) String() string { return enum.String(s, "Status", statusNames[:]) }

// MarshalText writes the status name, for JSON traces; a value without a
// name is an error.
func (s Status) MarshalText() ([]byte, error) { return enum.Marshal("rules", s, statusNames[:]) }

// UnmarshalText reads a status name; an unknown name is an error.
func (s *Status) UnmarshalText(b []byte) (err error) {
	*s, err = enum.Parse[Status]("rules", "status", string(b), statusNames[:], false)
	return err
}

// String renders a step on one line, as the examples print traces.
func (st Step) String() string {
	s := fmt.Sprintf("%-22s %-8s %-8s", st.RuleID, st.Kind, st.Status)
	switch {
	case st.Text != "":
		s += " " + st.Text
	case st.Status == StatusApplied || st.Status == StatusCapped:
		s += " " + st.Value.String()
		if !st.Computed.Equal(st.Value) {
			s += " (computed " + st.Computed.String() + ")"
		}
	}
	if st.By != "" {
		s += " by " + st.By
	}
	if st.Error != nil {
		s += " " + st.Error.brief()
	}
	return strings.TrimRight(s, " ")
}
