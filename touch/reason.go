package touch

import (
	"fmt"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/enum"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

// Reason is why a customer is worth contacting. The zero value is unset.
type Reason uint8

// The reasons. Each built-in one is switched on by its part of [Config].
const (
	_           Reason = iota
	Birthday           // a birthday within Config.Birthday.Days
	Anniversary        // a registration anniversary within Config.Anniversary.Days
	Expiring           // points expiring within Config.Expiring.Days
	Lapsed             // days since the last purchase well beyond the customer's own rhythm
	Dormant            // P(alive) under Config.Dormant.Below
	TierAtRisk         // will lose the tier at the next review unless they buy
	NearTier           // close to the next tier
	NearSegment        // close to the next segment up
	RuleMatched        // a host-defined touch rule matched (Why.Rule names it)
	NearGoal           // a loyalty goal (a stamp card, a target) nearly complete (Why.Goal names it)
	numReasons
)

var reasonNames = [...]string{"", "birthday", "anniversary", "expiring", "lapsed", "dormant", "tier_at_risk", "near_tier", "near_segment", "rule", "near_goal"}

func (r Reason) String() string { return enum.String(r, "Reason", reasonNames[:]) }

// MarshalText writes the reason's name.
func (r Reason) MarshalText() ([]byte, error) { return enum.Marshal("touch", r, reasonNames[:]) }

// UnmarshalText reads a reason's name; an unknown name is an error that
// lists the valid ones.
func (r *Reason) UnmarshalText(b []byte) (err error) {
	*r, err = enum.Parse[Reason]("touch", "reason", string(b), reasonNames[:], false)
	return err
}

func (r Reason) valid() bool { return r > 0 && r < numReasons }

// Why is one reason to contact a customer, with the numbers behind it.
// Only the fields of its Reason are set:
//
//	Birthday     Date (the birthday this year or next, midnight in the
//	             programme's zone), Days (from today: 0 is today), Years
//	             (the age turned)
//	Anniversary  Date, Days, Years (the anniversary's number: 1, 2, …)
//	Expiring     Points (expiring in the window), Date (the first expiry
//	             instant), Days (to the last day those points can be used)
//	Lapsed       Days (since the last purchase day), Gap (the typical gap;
//	             0 when they bought on too few days to have one), Threshold
//	             (the days at which they count as lapsed)
//	Dormant      PAlive (an estimate, float64), Threshold is not used
//	TierAtRisk   From (their tier), To (the tier a review would give
//	             them), Date (the review instant), Days (days left to buy,
//	             today included), Spend and/or Orders (what keeps the
//	             tier: either one is enough; Spend is money paid)
//	NearTier     From (their tier), To (the next one), Spend and/or
//	             Orders (what it takes in the tier window, either one),
//	             Distance
//	NearSegment  From (their segment), To (the segment above), Missing
//	             (what they lack), Distance
//	RuleMatched  Rule (the touch rule's id)
//	NearGoal     Goal (the goal's id), Points (what is left to go, in the
//	             goal's own units: stamps, money), Date (when its period
//	             or challenge ends; zero for a stamp card), Distance
//
// Distance is the relative gap: what is missing divided by the threshold
// (0.1: 10 % short).
type Why struct {
	Reason    Reason          `json:"reason"`
	Rule      string          `json:"rule,omitempty"`
	Date      time.Time       `json:"date,omitzero"`
	Days      int             `json:"days,omitempty"`
	Years     int             `json:"years,omitempty"`
	Points    decimal.Decimal `json:"points,omitzero"`
	Spend     decimal.Decimal `json:"spend,omitzero"`
	Orders    int             `json:"orders,omitempty"`
	From      string          `json:"from,omitempty"`
	To        string          `json:"to,omitempty"`
	Gap       int             `json:"gap,omitempty"`
	Threshold int             `json:"threshold,omitempty"`
	PAlive    float64         `json:"p_alive,omitempty"`
	Distance  float64         `json:"distance,omitempty"`
	Missing   []segment.Gap   `json:"missing,omitempty"`
	Goal      string          `json:"goal,omitempty"`
}

// Key is what a cool-down is kept for: a reason, and for RuleMatched the
// rule's id, for NearGoal the goal's.
func (w Why) Key() (Reason, string) {
	if w.Reason == NearGoal {
		return w.Reason, w.Goal
	}
	return w.Reason, w.Rule
}

// String says it in a line: "birthday in 3 days (2028-02-29), turns 40".
func (w Why) String() string {
	date := func(t time.Time) string { return t.Format("2006-01-02") }
	in := func(days int) string {
		switch days {
		case 0:
			return "today"
		case 1:
			return "tomorrow"
		}
		return fmt.Sprintf("in %d days", days)
	}
	need := func() string {
		var parts []string
		if w.Spend.IsPositive() {
			parts = append(parts, w.Spend.String()+" more spend")
		}
		if w.Orders > 0 {
			parts = append(parts, fmt.Sprintf("%d more orders", w.Orders))
		}
		return strings.Join(parts, " or ")
	}
	switch w.Reason {
	case Birthday:
		return fmt.Sprintf("birthday %s (%s), turns %d", in(w.Days), date(w.Date), w.Years)
	case Anniversary:
		return fmt.Sprintf("%s with us %s (%s)", years(w.Years), in(w.Days), date(w.Date))
	case Expiring:
		return fmt.Sprintf("%s points expire at %s (usable %s)", w.Points, w.Date.Format("2006-01-02 15:04"), usable(w.Days))
	case Lapsed:
		if w.Gap == 0 {
			return fmt.Sprintf("%d days since the last purchase (too few purchases for a rhythm; lapsed at %d)", w.Days, w.Threshold)
		}
		return fmt.Sprintf("%d days since the last purchase, usually every %d (lapsed at %d)", w.Days, w.Gap, w.Threshold)
	case Dormant:
		return fmt.Sprintf("P(alive) %.2f", w.PAlive)
	case TierAtRisk:
		return fmt.Sprintf("keeps %s at the review on %s only with %s within %d days (else %s)", w.From, date(w.Date), need(), w.Days, w.To)
	case NearTier:
		return fmt.Sprintf("%s to reach %s", need(), w.To)
	case NearSegment:
		parts := make([]string, len(w.Missing))
		for i, g := range w.Missing {
			parts[i] = fmt.Sprintf("%s more %s", g.Need, g.Field)
			if g.Op == "<=" || g.Op == "<" {
				parts[i] = fmt.Sprintf("%s less %s", g.Need, g.Field)
			}
		}
		return fmt.Sprintf("%s to move from %s to %s", strings.Join(parts, " and "), w.From, w.To)
	case RuleMatched:
		return "rule " + w.Rule
	case NearGoal:
		if w.Date.IsZero() {
			return fmt.Sprintf("goal %s: %s to go", w.Goal, w.Points)
		}
		return fmt.Sprintf("goal %s: %s to go before %s", w.Goal, w.Points, w.Date.Format("2006-01-02 15:04"))
	}
	return w.Reason.String()
}

func usable(days int) string {
	switch days {
	case 0:
		return "today only"
	case 1:
		return "until tomorrow"
	}
	return fmt.Sprintf("for %d more days", days)
}

func years(n int) string {
	if n == 1 {
		return "1 year"
	}
	return fmt.Sprintf("%d years", n)
}
