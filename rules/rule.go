package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/enum"
	"github.com/shopspring/decimal"
)

// Rule is one loyalty rule as shop staff write it. It is a plain value with
// JSON tags, so a rule list can live in a config file or a database row;
// [Compile] turns a list of rules into an immutable, type-checked [Set].
type Rule struct {
	// ID names the rule in errors, traces and ledger entries. Required and
	// unique within a set.
	ID string `json:"id"`
	// Version is the host's revision counter for the rule; it is copied into
	// traces so an outcome can name the exact rule text that produced it.
	Version int `json:"version,omitempty"`
	// Kind says what the rule produces. Required.
	Kind Kind `json:"kind"`
	// When is a boolean condition over the facts; empty means always.
	When string `json:"when,omitempty"`
	// Value is the rule's result: points for [Accrual], a percent or an
	// amount (see Unit) for [Discount], a gift identifier (string) for
	// [Gift], a tier name (string) for [Tier].
	Value string `json:"value"`
	// Unit says how a [Discount] value is read: percent of the discount base
	// or a money amount. Required for discounts, rejected for other kinds.
	Unit Unit `json:"unit,omitempty"`
	// Priority orders evaluation: higher first; equal priorities keep the
	// order of the list.
	Priority int `json:"priority,omitempty"`
	// Stacking says how the rule combines with other rules of its kind.
	// The zero value is [Stack].
	Stacking Stacking `json:"stacking,omitempty"`
	// From and Until bound when the rule is active: From inclusive, Until
	// exclusive, compared with the facts' evaluation time. Zero means open.
	From  time.Time `json:"from,omitzero"`
	Until time.Time `json:"until,omitzero"`
	// On lists the occasions the rule applies to (such as "purchase" or
	// "review"), compared exactly with the facts' [Occasioner.Occasion];
	// empty means every occasion. A rule with On needs a facts type that
	// implements [Occasioner]. Entries are non-empty, distinct and at most
	// 64 bytes.
	On []string `json:"on,omitempty"`
	// Cap, when positive, is the most the rule may contribute to one
	// evaluation: points for accrual, money for a discount. Zero means no cap.
	Cap decimal.Decimal `json:"cap,omitzero"`
	// Limit, when not zero, bounds what the rule may give one customer
	// per period (see [Limit]); the facts count.
	Limit Limit `json:"limit,omitzero"`
	// Budget, when set, names the shared budget the rule pays from (an
	// accrual or discount rule): its value is cut to what the facts say
	// the budget granted (see [Budgeter]).
	Budget string `json:"budget,omitempty"`
	// Description is free text for people; the engine ignores it.
	Description string `json:"description,omitempty"`
}

// UnmarshalJSON reads a rule; an error names the rule (by its id, when
// the JSON has one) and the field: `rules: rule "bday": rules: unknown
// kind "points" (valid: accrual, discount, gift, tier)`.
func (r *Rule) UnmarshalJSON(b []byte) error {
	type plain Rule
	var p plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a misspelt "wen" must not make a rule that always applies
	err := dec.Decode(&p)
	if name, ok := strings.CutPrefix(fmt.Sprint(err), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		err = fmt.Errorf("unknown field %q (fields: %s)", clip(name), strings.Join(ruleFields, ", "))
		if near := enum.Nearest(name, ruleFields); near != "" {
			err = fmt.Errorf("unknown field %q: did you mean %s? (fields: %s)", clip(name), near, strings.Join(ruleFields, ", "))
		}
	}
	if err != nil {
		var id struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(b, &id) != nil || id.ID == "" {
			return fmt.Errorf("rules: rule without an id: %w", err)
		}
		return fmt.Errorf("rules: rule %q: %w", clip(id.ID), err)
	}
	*r = Rule(p)
	return nil
}

// ruleFields are the JSON fields of a rule (and of its limit), for the
// error on an unknown one.
var ruleFields = []string{"id", "version", "kind", "when", "value", "unit", "priority", "stacking", "from", "until",
	"on", "cap", "limit", "description", "times", "amount", "per", "days"}

// Kind is the closed set of things a rule can produce.
type Kind uint8

// The rule kinds. The zero value is unset and rejected by [Compile].
const (
	KindUnset Kind = iota
	Accrual        // points earned
	Discount       // a discount on the order
	Gift           // a gift identifier
	Tier           // a tier the customer should hold
)

var kindNames = [...]string{"", "accrual", "discount", "gift", "tier"}

func (k Kind) String() string { return enum.String(k, "Kind", kindNames[:]) }

// MarshalText writes the kind's name; an unset or unknown kind is an error.
func (k Kind) MarshalText() ([]byte, error) {
	if k == KindUnset {
		return nil, fmt.Errorf("rules: cannot marshal an unset kind")
	}
	return enum.Marshal("rules", k, kindNames[:])
}

// UnmarshalText reads a kind's name; an unknown name is an error.
func (k *Kind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Parse[Kind]("rules", "kind", string(b), kindNames[:], false)
	return err
}

// Stacking is how a rule combines with the other rules of its kind.
// The semantics are listed in the package documentation.
type Stacking uint8

// The stacking choices. The zero value is [Stack].
const (
	Stack     Stacking = iota // add to the other applied rules of the kind
	Exclusive                 // apply, and shadow every later rule of the kind
	BestOf                    // only the largest best-of value of the kind counts
)

var stackingNames = [...]string{"stack", "exclusive", "best_of"}

func (s Stacking) String() string { return enum.String(s, "Stacking", stackingNames[:]) }

// MarshalText writes the stacking's name; an unknown value is an error.
func (s Stacking) MarshalText() ([]byte, error) { return enum.Marshal("rules", s, stackingNames[:]) }

// UnmarshalText reads a stacking name; "" is [Stack]; unknown is an error.
func (s *Stacking) UnmarshalText(b []byte) (err error) {
	*s, err = enum.Parse[Stacking]("rules", "stacking", string(b), stackingNames[:], true)
	return err
}

// Unit says how a discount rule's value is read.
type Unit uint8

// The discount units. The zero value is unset: required for discounts.
const (
	UnitUnset Unit = iota
	Percent        // percent of the discount base, 0..100
	Amount         // a money amount
)

var unitNames = [...]string{"", "percent", "amount"}

func (u Unit) String() string { return enum.String(u, "Unit", unitNames[:]) }

// MarshalText writes the unit's name ("" for unset).
func (u Unit) MarshalText() ([]byte, error) { return enum.Marshal("rules", u, unitNames[:]) }

// UnmarshalText reads a unit name; unknown is an error.
func (u *Unit) UnmarshalText(b []byte) (err error) {
	*u, err = enum.Parse[Unit]("rules", "unit", string(b), unitNames[:], true)
	return err
}
