package touch

import (
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

// Customer is what a plan knows of one customer as of its date. Only ID
// is required; each reason reads its own parts, and a part left zero
// (no birthday on file, no account) never makes a reason match.
type Customer struct {
	ID string
	// Birthday is a calendar date: its month and day are read in its own
	// location (store it as midnight of the date, in any zone). Zero:
	// unknown.
	Birthday time.Time
	// Registered is the instant the customer joined; its date is read in
	// the programme's zone. Zero: unknown.
	Registered time.Time
	// Profile is their purchases as of the date (segment.ProfileBuilder),
	// for NearSegment and the touch rules. Its ID, when set, must be ID.
	Profile segment.Profile
	// Rhythm is their purchase days (a [RhythmBuilder]'s), for Lapsed. Its
	// ID, when set, must be ID.
	Rhythm Rhythm
	// Summary is their history in a model's form (metrics.Summarizer as of
	// the date), for Dormant; a zero Unit means none. Its ID, when set,
	// must be ID.
	Summary metrics.CustomerSummary
	// Account is their loyalty account, for Expiring, TierAtRisk,
	// NearTier; nil: none.
	Account *loyalty.Account
	// Value is what the host says the customer is worth, in money: for
	// instance their CLV from metrics.CLV (expected margin over a horizon,
	// which already weighs their probability of being alive), rounded to
	// cents. It ranks the plan (see [Plan]). Zero: nothing known.
	Value decimal.Decimal
	// Attributes are the host's free attributes, for the touch rules:
	// `Attributes["channel"] == "sms"`.
	Attributes map[string]string
}

// Rhythm is a customer's purchase days, as of a date: how many, the
// last one, and the typical gap between them (see [LapseRule]).
type Rhythm struct {
	ID string
	// PurchaseDays is the number of distinct days with a purchase.
	PurchaseDays int
	// Last is the last purchase day, a calendar date (midnight in the
	// zone it was read in; its own location gives its date). Zero: none.
	Last time.Time
	// TypicalGap is the median number of days between consecutive
	// purchase days (for an even number of gaps, the mean of the two
	// middle ones, rounded up); 0 with fewer than two purchase days.
	TypicalGap int
}

// Contact is one past contact from the host's record: the customer was
// contacted at At for Reason (and Rule, for a touch rule). A touch with
// several reasons is one contact per reason, all at the same instant
// ([Touch.Contacts]).
type Contact struct {
	Customer string    `json:"customer"`
	At       time.Time `json:"at"`
	Reason   Reason    `json:"reason"`
	Rule     string    `json:"rule,omitempty"`
}
