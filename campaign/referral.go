package campaign

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/canon"
	"github.com/loyalkit/loyalkit/internal/name"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// ReferralConfig is a referral programme ("bring a friend"): each
// advocate gets a code; a new customer who registers with it is
// attributed to the advocate; the friend's first qualifying purchase
// rewards both sides, once. A plain value; [CompileReferrals] checks it.
type ReferralConfig struct {
	// Campaign names the programme (in entries as "referrals:<campaign>").
	Campaign string     `json:"campaign"`
	Format   CodeFormat `json:"format"`
	// Seed derives each advocate's code (at least MinSeed bytes, a secret).
	Seed []byte `json:"seed"`
	// From (inclusive) and Until (exclusive) bound when friends may be
	// attributed; a zero bound is open.
	From  time.Time `json:"from,omitzero"`
	Until time.Time `json:"until,omitzero"`
	// Qualify is the condition a friend's purchase must meet to reward the
	// referral, over [QualifyFacts] (`order.Total >= 50`), compiled and
	// type-checked by package rules; empty: every purchase qualifies (the
	// host then reports only the purchases it deems qualifying).
	Qualify string `json:"qualify,omitempty"`
	// WithinDays is how long after the attribution the qualifying
	// purchase may come (0: no limit), in calendar days in TimeZone (UTC
	// when it is empty): with 30, a friend attributed on 2 March may
	// qualify until the end of 31 March.
	WithinDays int `json:"within_days,omitempty"`
	// AdvocateReward and FriendReward are what each side gets; at least
	// one must give something.
	AdvocateReward Reward `json:"advocate_reward"`
	FriendReward   Reward `json:"friend_reward"`
	// MaxPerAdvocate is how many referrals one advocate may be rewarded
	// for, overall (0: no limit); PerPeriod how many in each Period, read
	// in TimeZone (0: no limit). Rewards clawed back free their place.
	MaxPerAdvocate int    `json:"max_per_advocate,omitempty"`
	PerPeriod      int    `json:"per_period,omitempty"`
	Period         Period `json:"period,omitempty"`
	TimeZone       string `json:"time_zone,omitempty"`
}

// Reward is what one side of a referral gets: Points (to post to the
// customer's loyalty account, e.g. as an Event whose id is the reward
// entry's id) and/or a Gift.
type Reward struct {
	Points decimal.Decimal `json:"points,omitzero"`
	Gift   string          `json:"gift,omitempty"`
}

func (r Reward) empty() bool { return r.Points.IsZero() && r.Gift == "" }

// QualifyFacts is what a referral's qualification condition sees: the
// friend's purchase as `order`, the friend as `friend`, and `now`.
type QualifyFacts struct {
	Order  PurchaseFacts `expr:"order"`
	Friend FriendFacts   `expr:"friend"`
	Now    time.Time     `expr:"now"`
}

// PurchaseFacts is a friend's purchase as the condition sees it.
type PurchaseFacts struct {
	ID      string
	Total   decimal.Decimal
	Lines   []Line
	Channel string
}

// FriendFacts is the friend as the condition sees them: DaysSinceReferral
// is the calendar days since the attribution (in the programme's zone).
type FriendFacts struct {
	ID                string
	Advocate          string
	DaysSinceReferral int
}

// Line is one line of a purchase: Qty units of SKU at Price.
type Line struct {
	SKU      string          `json:"sku"`
	Category string          `json:"category,omitempty"`
	Qty      int             `json:"qty"`
	Price    decimal.Decimal `json:"price"`
}

// Validate checks the configuration, the condition's syntax and types
// included; every problem is reported at once.
func (c ReferralConfig) Validate() error {
	_, err := c.compile()
	return err
}

func (c ReferralConfig) compile() (*rules.Condition[QualifyFacts], error) {
	var errs []error
	bad := func(field, format string, args ...any) { errs = append(errs, fieldErr(field, format, args...)) }
	if err := checkID("campaign", c.Campaign); err != nil {
		errs = append(errs, err)
	}
	if err := c.Format.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(c.Seed) < MinSeed {
		bad("seed", "is %d bytes; at least %d are needed (a secret from crypto/rand)", len(c.Seed), MinSeed)
	}
	if err := checkSpan("until", c.From, c.Until); err != nil {
		errs = append(errs, err)
	}
	if c.WithinDays < 0 || c.WithinDays > 36600 {
		bad("within_days", "%d is outside 0..36600 (0: no limit)", c.WithinDays)
	}
	for _, side := range []struct {
		field string
		r     Reward
	}{{"advocate_reward", c.AdvocateReward}, {"friend_reward", c.FriendReward}} {
		if _, ok := toUnits(side.r.Points, 8); side.r.Points.IsNegative() || !ok {
			bad(side.field, "points %s must be at least 0, with at most 8 places", side.r.Points)
		}
		if side.r.Gift != "" {
			if err := name.Check(side.r.Gift); err != nil {
				bad(side.field, "gift %q %v", clip(side.r.Gift), err)
			}
		}
	}
	if c.AdvocateReward.empty() && c.FriendReward.empty() {
		bad("advocate_reward", "and friend_reward are both empty: a referral must reward someone")
	}
	if c.MaxPerAdvocate < 0 {
		bad("max_per_advocate", "%d is negative (0: no limit)", c.MaxPerAdvocate)
	}
	if err := periodErr("period", c.Period); err != nil {
		errs = append(errs, err)
	}
	switch {
	case c.PerPeriod < 0:
		bad("per_period", "%d is negative (0: no limit)", c.PerPeriod)
	case c.PerPeriod > 0 && c.Period == NoPeriod:
		bad("period", "is required with per_period")
	case c.PerPeriod == 0 && c.Period != NoPeriod:
		bad("per_period", "must be positive with a period (%v)", c.Period)
	}
	if _, err := loadZone("time_zone", c.TimeZone, c.Period != NoPeriod); err != nil {
		errs = append(errs, err)
	}
	var cond *rules.Condition[QualifyFacts]
	if strings.TrimSpace(c.Qualify) != "" {
		var err error
		if cond, err = rules.CompileCondition[QualifyFacts]("qualify", c.Qualify); err != nil {
			errs = append(errs, fmt.Errorf("%w: qualify: %w", ErrInvalidInput, err))
		}
	}
	return cond, errors.Join(errs...)
}

// Referrals is a compiled referral programme, immutable and safe for
// concurrent use. Its state is a [ReferralBook].
type Referrals struct {
	cfg    ReferralConfig
	cond   *rules.Condition[QualifyFacts]
	loc    *time.Location
	ledger string
}

// CompileReferrals checks cfg and compiles its condition.
func CompileReferrals(cfg ReferralConfig) (*Referrals, error) {
	cond, err := cfg.compile()
	if err != nil {
		return nil, err
	}
	cfg.Seed = slices.Clone(cfg.Seed)
	loc, _ := loadZone("time_zone", cfg.TimeZone, false)
	return &Referrals{cfg: cfg, cond: cond, loc: loc, ledger: "referrals:" + cfg.Campaign}, nil
}

// Config returns a copy of the programme's configuration.
func (r *Referrals) Config() ReferralConfig {
	c := r.cfg
	c.Seed = slices.Clone(c.Seed)
	return c
}

// codeStream is the stream advocate's codes are drawn from: the first
// draw not taken by another advocate is theirs.
func (r *Referrals) codeStream(advocate string) *stream {
	return newStream(r.cfg.Format, append(canon.AppendStr(slices.Clip(r.cfg.Seed), "advocate"), canon.AppendStr(nil, advocate)...))
}

// IdentityKey is a key for self-referral and double-referral checks made
// from a customer's e-mail address or phone number: the address trimmed
// and in lower case, or the number's digits only (a leading + dropped),
// hashed with SHA-256 under kind ("email", "phone") and salt (the host's
// secret, so that the keys stored in entries do not reveal addresses to
// whoever reads them). It returns "" for an empty value. The host may make
// keys its own way; any non-empty string works.
func IdentityKey(kind, value, salt string) string {
	switch kind {
	case "phone":
		value = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, value)
	default:
		value = strings.ToLower(strings.TrimSpace(value))
	}
	if value == "" {
		return ""
	}
	h := sha256.Sum256([]byte(kind + "\x00" + salt + "\x00" + value))
	return kind + ":" + hex.EncodeToString(h[:16])
}
