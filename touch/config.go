package touch

import (
	"math"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

// Config says whom to contact and how often. Each built-in reason is
// switched on by setting its part (nil: off); Limits are required. A
// cool-down of 0 days means none.
type Config struct {
	// Location is the programme's time zone: "today", the days of
	// registration and of contacts, expiry windows and tier reviews are
	// read in it. nil: the Program's zone when Program is set, else UTC.
	Location *time.Location
	// Program is the loyalty programme the customers' accounts belong to.
	// Required by TierAtRisk and NearTier.
	Program *loyalty.Program

	Birthday    *DateWindow
	Anniversary *DateWindow
	Expiring    *ExpiryWindow
	Lapsed      *LapseRule
	Dormant     *PAliveRule
	TierAtRisk  *TierReview
	NearTier    *TierGap
	NearSegment *SegmentGap
	NearGoal    *GoalGap
	// Rules are the host's own touch rules, on top of the built-in ones.
	Rules []Rule

	Limits Limits
	// PointValue is the money one point is worth: points about to expire
	// add PointValue × points to a customer's value (zero: they add
	// nothing). Not negative.
	PointValue decimal.Decimal
	// Strict makes a touch rule or segment condition that fails at run
	// time fail the plan; by default it is counted in Plan.Failures and
	// that customer is judged without it.
	Strict bool
	// Workers is how many goroutines judge the customers (0 or 1: the
	// caller's only). The plan is the same for any number.
	Workers int
}

// DateWindow lists customers whose birthday or registration anniversary
// falls within the next Days days, today included (0: today only).
type DateWindow struct {
	Days         int
	CoolDownDays int
}

// ExpiryWindow lists customers with points that expire within the next
// Days days: by the end of the day Days days after today (0: by the end of
// today), at least MinPoints of them (zero: any).
type ExpiryWindow struct {
	Days         int
	MinPoints    decimal.Decimal
	CoolDownDays int
}

// LapseRule lists customers who are late by their own rhythm.
//
// A customer's typical gap is the median number of days between their
// consecutive purchase days (for an even number of gaps, the mean of the
// two middle ones, rounded up). They are lapsed when the days since their
// last purchase day reach Factor × typical gap (rounded up), and at least
// MinDays; a customer who bought on fewer than MinPurchaseDays days has no
// rhythm yet, and is lapsed after FallbackDays instead (0: never). Past
// MaxDays (0: no limit) a customer is taken as gone and no longer listed.
type LapseRule struct {
	// Factor is how far beyond the typical gap is "well beyond": 2 means
	// twice the typical gap. At least 1.
	Factor float64
	// MinDays is the fewest days since the last purchase that count as
	// lapsed, however short the typical gap.
	MinDays int
	// MinPurchaseDays is the fewest purchase days that make a rhythm
	// (0: 3, that is two gaps; at least 2).
	MinPurchaseDays int
	FallbackDays    int
	MaxDays         int
	CoolDownDays    int
}

// PAliveRule lists customers whose probability of being alive, from a fitted
// BG/NBD, MBG/NBD or Pareto/NBD model, is below Below. The customers'
// summaries (Customer.Summary) must be in the model's time unit and made
// as of the plan's date (metrics.SummaryConfig.CalibrationEnd).
type PAliveRule struct {
	Model        metrics.PurchaseModel
	Below        float64 // in (0, 1]
	CoolDownDays int
}

// TierReview lists customers who will lose their tier at the next tier
// review unless they buy: the programme reviews tiers at the start of
// every period of ReviewMonths calendar months (1, 2, 3, 4, 6 or 12: a
// review on the 1st of every month, quarter, year…), and they are listed
// from Days days before it.
type TierReview struct {
	ReviewMonths int
	Days         int
	CoolDownDays int
}

// TierGap lists customers close to the next tier: what the tier window lacks
// is at most Within of the next tier's threshold (0.2: within 20 %).
type TierGap struct {
	Within       float64 // in (0, 1]
	CoolDownDays int
}

// GoalGap lists customers close to completing one of the programme's
// goals (loyalty.Goal: a stamp card, a target in a period, a challenge):
// what is left is at most Within of the target (0.2: a card of 6 with 5
// stamps). Required: Program.
type GoalGap struct {
	Within       float64 // in (0, 1]
	CoolDownDays int
}

// SegmentGap lists customers close to the next segment up (the boundary
// customers of segment.Segmentation.Boundaries): their distance to it is
// at most Within. Segments are decided on Customer.Profile.
type SegmentGap struct {
	Segmentation *segment.Segmentation
	Within       float64 // in (0, 1]
	CoolDownDays int
}

// Limits bound how often customers are contacted. All three are required:
// a list of whom to contact must say how many.
type Limits struct {
	// PerCustomer is the most touches a customer gets in any PeriodDays
	// consecutive days, counting the host's record of past contacts: a
	// touch is a day with at least one contact.
	PerCustomer int
	PeriodDays  int
	// Daily is the most customers listed in one plan: the most valuable
	// first.
	Daily int
}

// validate checks cfg; errors name the field.
func (cfg *Config) validate(fn string) error {
	bad := func(field, format string, args ...any) error { return inputErr(fn, field, format, args...) }
	nonNeg := func(field string, v int) error {
		if v < 0 {
			return bad(field, "must not be negative, got %d", v)
		}
		return nil
	}
	share := func(field string, v float64) error {
		if !(v > 0 && v <= 1) {
			return bad(field, "%v is outside (0, 1]", v)
		}
		return nil
	}
	var checks []error
	add := func(errs ...error) { checks = append(checks, errs...) }
	l := cfg.Limits
	switch {
	case l.PerCustomer <= 0:
		add(bad("Limits.PerCustomer", "must be positive, got %d", l.PerCustomer))
	case l.PeriodDays <= 0:
		add(bad("Limits.PeriodDays", "must be positive, got %d", l.PeriodDays))
	case l.Daily <= 0:
		add(bad("Limits.Daily", "must be positive, got %d", l.Daily))
	}
	if d := cfg.Birthday; d != nil {
		add(nonNeg("Birthday.Days", d.Days), nonNeg("Birthday.CoolDownDays", d.CoolDownDays))
	}
	if d := cfg.Anniversary; d != nil {
		add(nonNeg("Anniversary.Days", d.Days), nonNeg("Anniversary.CoolDownDays", d.CoolDownDays))
	}
	if e := cfg.Expiring; e != nil {
		add(nonNeg("Expiring.Days", e.Days), nonNeg("Expiring.CoolDownDays", e.CoolDownDays))
		if e.MinPoints.IsNegative() {
			add(bad("Expiring.MinPoints", "must not be negative, got %s", e.MinPoints))
		}
	}
	if r := cfg.Lapsed; r != nil {
		if !(r.Factor >= 1) || math.IsInf(r.Factor, 0) {
			add(bad("Lapsed.Factor", "must be at least 1, got %v", r.Factor))
		}
		add(nonNeg("Lapsed.MinDays", r.MinDays), nonNeg("Lapsed.FallbackDays", r.FallbackDays),
			nonNeg("Lapsed.MaxDays", r.MaxDays), nonNeg("Lapsed.CoolDownDays", r.CoolDownDays))
		if r.MinPurchaseDays == 1 || r.MinPurchaseDays < 0 {
			add(bad("Lapsed.MinPurchaseDays", "must be 0 (3) or at least 2, got %d", r.MinPurchaseDays))
		}
	}
	if d := cfg.Dormant; d != nil {
		switch {
		case d.Model == nil:
			add(bad("Dormant.Model", "is nil"))
		case d.Model.ModelUnit() <= 0:
			add(bad("Dormant.Model", "has no time unit (%v)", d.Model.ModelUnit()))
		}
		add(share("Dormant.Below", d.Below), nonNeg("Dormant.CoolDownDays", d.CoolDownDays))
	}
	tiers := cfg.TierAtRisk != nil || cfg.NearTier != nil || cfg.NearGoal != nil
	if tiers && cfg.Program == nil {
		add(bad("Program", "is required by TierAtRisk, NearTier and NearGoal"))
	}
	if n := cfg.NearGoal; n != nil {
		add(share("NearGoal.Within", n.Within), nonNeg("NearGoal.CoolDownDays", n.CoolDownDays))
	}
	if r := cfg.TierAtRisk; r != nil {
		if r.ReviewMonths <= 0 || 12%r.ReviewMonths != 0 {
			add(bad("TierAtRisk.ReviewMonths", "must be 1, 2, 3, 4, 6 or 12, got %d", r.ReviewMonths))
		}
		add(nonNeg("TierAtRisk.Days", r.Days), nonNeg("TierAtRisk.CoolDownDays", r.CoolDownDays))
	}
	if n := cfg.NearTier; n != nil {
		add(share("NearTier.Within", n.Within), nonNeg("NearTier.CoolDownDays", n.CoolDownDays))
	}
	if n := cfg.NearSegment; n != nil {
		if n.Segmentation == nil {
			add(bad("NearSegment.Segmentation", "is nil"))
		}
		add(share("NearSegment.Within", n.Within), nonNeg("NearSegment.CoolDownDays", n.CoolDownDays))
	}
	if cfg.PointValue.IsNegative() {
		add(bad("PointValue", "must not be negative, got %s", cfg.PointValue))
	}
	add(nonNeg("Workers", cfg.Workers))
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

// coolDown is the cool-down of a built-in reason, in days.
func (cfg *Config) coolDown(r Reason) int {
	switch r {
	case Birthday:
		return cfg.Birthday.CoolDownDays
	case Anniversary:
		return cfg.Anniversary.CoolDownDays
	case Expiring:
		return cfg.Expiring.CoolDownDays
	case Lapsed:
		return cfg.Lapsed.CoolDownDays
	case Dormant:
		return cfg.Dormant.CoolDownDays
	case TierAtRisk:
		return cfg.TierAtRisk.CoolDownDays
	case NearTier:
		return cfg.NearTier.CoolDownDays
	case NearSegment:
		return cfg.NearSegment.CoolDownDays
	case NearGoal:
		return cfg.NearGoal.CoolDownDays
	}
	return 0
}
