package loyalty

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/loyalkit/loyalkit/internal/decbound"
	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/internal/enum"
	"github.com/loyalkit/loyalkit/internal/name"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// Config is a loyalty programme as the shop defines it, in Go or JSON.
// [Compile] checks it and turns it into an immutable [Program].
type Config struct {
	Name     string `json:"name"`
	Currency string `json:"currency"`
	// TimeZone is the IANA zone dates are read in (expiry at the end of a
	// month, birthdays, tier windows). Required.
	TimeZone string `json:"time_zone"`
	// PointsPlaces is how many decimal places points keep (0: whole
	// points); Rounding how earned points are rounded to them.
	PointsPlaces int32    `json:"points_places"`
	Rounding     Rounding `json:"rounding,omitempty"`
	// MoneyPlaces is how many decimal places the currency's money keeps
	// (2 for EUR, 0 for JPY): refunds by line and the money of partly
	// cancelled redemptions are rounded down to it.
	MoneyPlaces int32 `json:"money_places"`
	// StrictRules makes a rule that fails at run time fail the operation
	// ([ErrRule]); by default it contributes nothing, its trace step says
	// why, Result.RuleFailures lists it, and the operation goes on.
	StrictRules bool `json:"strict_rules,omitempty"`
	// Rules are the programme's rules, evaluated on [Facts].
	Rules []rules.Rule `json:"rules"`
	// Goals are the programme's stamp cards, targets and challenges (see
	// [Goal]); rules see them as goals["<id>"].
	Goals []Goal `json:"goals,omitempty"`
	// Tiers, lowest first. The first is the tier everyone starts in.
	Tiers []Tier `json:"tiers,omitempty"`
	// TierWindowMonths is the rolling window tiers qualify over (e.g. 12).
	TierWindowMonths int `json:"tier_window_months,omitempty"`
	// TierGraceDays is how long a customer keeps a tier after they stop
	// qualifying for it, before a tier review demotes them.
	TierGraceDays int    `json:"tier_grace_days,omitempty"`
	Expiry        Expiry `json:"expiry"`
	// PendingDays: earned points become available this many days after
	// the purchase, so returns inside the window cancel them cleanly.
	PendingDays int              `json:"pending_days,omitempty"`
	Redemption  RedemptionPolicy `json:"redemption"`
	// RefundOfSpent says what happens when a refund claws back points the
	// customer has already spent.
	RefundOfSpent RefundPolicy `json:"refund_of_spent,omitempty"`
}

// Tier is a level of the programme. A customer qualifies for it with at
// least MinSpend spent or MinOrders orders in the tier window (a zero
// threshold is not a criterion; a tier with neither is the base tier).
type Tier struct {
	Name      string          `json:"name"`
	MinSpend  decimal.Decimal `json:"min_spend,omitzero"`
	MinOrders int             `json:"min_orders,omitempty"`
}

// Expiry is when earned points expire.
type Expiry struct {
	Kind   ExpiryKind `json:"kind,omitempty"`
	Months int        `json:"months,omitempty"` // for AfterMonths
}

// ExpiryKind is the closed set of expiry policies.
type ExpiryKind uint8

// The expiry policies. The zero value is [Never].
const (
	Never       ExpiryKind = iota // points never expire
	AfterMonths                   // N calendar months after earning; a day the target month lacks expires at its end
	EndOfMonth                    // at the end of the month of earning
	EndOfYear                     // at the end of the year of earning
)

var expiryNames = [...]string{"never", "after_months", "end_of_month", "end_of_year"}

func (k ExpiryKind) String() string               { return enum.String(k, "ExpiryKind", expiryNames[:]) }
func (k ExpiryKind) MarshalText() ([]byte, error) { return enum.Marshal("loyalty", k, expiryNames[:]) }
func (k *ExpiryKind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Parse[ExpiryKind]("loyalty", "expiry kind", string(b), expiryNames[:], true)
	return err
}

// RedemptionPolicy is how points pay for orders.
type RedemptionPolicy struct {
	// PointValue is the money one point pays for. Required to redeem.
	PointValue decimal.Decimal `json:"point_value"`
	// MaxShare is the largest share of an order payable with points (0.5:
	// half); zero means the whole order.
	MaxShare decimal.Decimal `json:"max_share,omitzero"`
	// MinBalance is the available balance a customer needs before they can
	// redeem at all.
	MinBalance decimal.Decimal `json:"min_balance,omitzero"`
}

// RefundPolicy is what a refund does with points already spent.
type RefundPolicy uint8

// The refund policies. The zero value is [RecordDebt].
const (
	RecordDebt RefundPolicy = iota // a debt (negative balance) that later earnings pay off
	WriteOff                       // clamp at zero and record the shortfall as written off
)

var refundNames = [...]string{"record_debt", "write_off"}

func (p RefundPolicy) String() string { return enum.String(p, "RefundPolicy", refundNames[:]) }
func (p RefundPolicy) MarshalText() ([]byte, error) {
	return enum.Marshal("loyalty", p, refundNames[:])
}
func (p *RefundPolicy) UnmarshalText(b []byte) (err error) {
	*p, err = enum.Parse[RefundPolicy]("loyalty", "refund policy", string(b), refundNames[:], true)
	return err
}

// Rounding is how earned points are rounded to the programme's places.
type Rounding uint8

// The rounding modes. The zero value is [Down].
const (
	Down   Rounding = iota // toward zero: never award a fraction that was not earned
	HalfUp                 // half away from zero
)

var roundingNames = [...]string{"down", "half_up"}

func (r Rounding) String() string               { return enum.String(r, "Rounding", roundingNames[:]) }
func (r Rounding) MarshalText() ([]byte, error) { return enum.Marshal("loyalty", r, roundingNames[:]) }
func (r *Rounding) UnmarshalText(b []byte) (err error) {
	*r, err = enum.Parse[Rounding]("loyalty", "rounding", string(b), roundingNames[:], true)
	return err
}

// The longest periods a programme may set (100 years), so that every
// instant an operation computes stays one JSON can carry.
const (
	maxMonths = 1200
	maxDays   = 36600
)

// Program is a compiled, immutable programme, safe for concurrent use.
type Program struct {
	cfg     Config
	compat  string // what an account made under it is bound to (see compatKey)
	loc     *time.Location
	rules   ruleSet
	tierMin []decsum.Sum // the tiers' MinSpend, to compare with window sums
	small   []decimal.Decimal
	goals   *rules.Set[Facts] // the goals' Counts and Step, one rule a goal
	// goalSteps are the goals' Steps alone, which refunds evaluate again
	// (goalTakeBacks); nil without goals.
	goalSteps *rules.Set[Facts]
	goalKeyOf map[string]goalKeys // each goal's keys among the account's uses
	// reads are the customer facts that cost something to compute and
	// that some rule or goal reads (the others are left zero).
	reads factReads
	// purchaseEntries is room for the entries of most purchases: a
	// record, an earning per accrual rule, a tier change, a repayment.
	purchaseEntries int
	streaks         map[string]bool // the goals whose Streak rules read
	// limited lists the rules with a Limit, whose uses records list.
	limited   map[string]bool
	hasLimits bool
	// txns are operations' txns to reuse (see txn.finish): an operation
	// under way is over 800 bytes, most of them the account's copy.
	txns sync.Pool
}

// Validate checks the configuration without compiling the rules.
func (c Config) Validate() error {
	if err := decbound.Within(reflect.ValueOf(c), "config"); err != nil { // first: the checks below write numbers out
		return &FieldError{Field: "config", Message: err.Error()}
	}
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if c.Name == "" {
		bad("name", "is required: it names the programme in errors and in the fingerprint of every operation")
	}
	if c.Currency == "" {
		bad("currency", "is required (such as EUR or KZT): accounts are bound to it, so points earned in one currency are never read in another")
	}
	if c.TimeZone == "" {
		bad("time_zone", "is required (an IANA name such as Europe/Berlin)")
	} else if _, err := time.LoadLocation(c.TimeZone); err != nil {
		bad("time_zone", "%q is not a known zone", c.TimeZone)
	}
	if c.PointsPlaces < 0 || c.PointsPlaces > 8 {
		bad("points_places", "%d is outside 0..8", c.PointsPlaces)
	}
	if c.MoneyPlaces < 0 || c.MoneyPlaces > 8 {
		bad("money_places", "%d is outside 0..8", c.MoneyPlaces)
	}
	if c.Rounding > HalfUp {
		bad("rounding", "unknown value %d", c.Rounding)
	}
	seen := map[string]bool{}
	for i, t := range c.Tiers {
		switch err := name.Check(t.Name); {
		case err != nil:
			bad("tiers", "[%d] name %q %v", i, t.Name, err)
		case seen[t.Name]:
			bad("tiers", "[%d] %q is a duplicate", i, t.Name)
		case t.MinSpend.IsNegative() || t.MinOrders < 0:
			bad("tiers", "[%d] %q has a negative threshold", i, t.Name)
		case i > 0 && t.MinSpend.IsZero() && t.MinOrders == 0:
			bad("tiers", "[%d] %q has no threshold; only the first tier may", i, t.Name)
		}
		seen[t.Name] = true
	}
	if len(c.Tiers) > 1 && c.TierWindowMonths <= 0 {
		bad("tier_window_months", "must be positive when there are tiers")
	}
	if c.TierWindowMonths < 0 || c.TierWindowMonths > maxMonths {
		bad("tier_window_months", "%d is outside 0..%d", c.TierWindowMonths, maxMonths)
	}
	if c.TierGraceDays < 0 || c.TierGraceDays > maxDays {
		bad("tier_grace_days", "%d is outside 0..%d", c.TierGraceDays, maxDays)
	}
	if c.PendingDays < 0 || c.PendingDays > maxDays {
		bad("pending_days", "%d is outside 0..%d", c.PendingDays, maxDays)
	}
	switch {
	case c.Expiry.Kind > EndOfYear:
		bad("expiry.kind", "unknown value %d", c.Expiry.Kind)
	case c.Expiry.Kind == AfterMonths && (c.Expiry.Months <= 0 || c.Expiry.Months > maxMonths):
		bad("expiry.months", "must be in 1..%d for after_months", maxMonths)
	}
	r := c.Redemption
	if r.PointValue.IsNegative() {
		bad("redemption.point_value", "%s is negative: it is the money one point pays", r.PointValue)
	}
	if r.MaxShare.IsNegative() || r.MaxShare.GreaterThan(decimal.NewFromInt(1)) {
		bad("redemption.max_share", "%s is outside [0, 1]: it is the largest share of an order points may pay (0: no limit)", r.MaxShare)
	}
	if r.MinBalance.IsNegative() {
		bad("redemption.min_balance", "%s is negative: it is the balance a customer needs before redeeming", r.MinBalance)
	}
	if c.RefundOfSpent > WriteOff {
		bad("refund_of_spent", "unknown value %d", c.RefundOfSpent)
	}
	validateGoals(c.Goals, bad)
	return errors.Join(errs...)
}

// Compile validates the configuration and compiles its rules against
// [Facts]. Every problem is reported at once.
func Compile(c Config, opts ...rules.Option) (*Program, error) {
	return compile(c, opts, func(rs []rules.Rule, opts []rules.Option) (ruleSet, error) {
		s, err := rules.Compile[Facts](rs, opts...)
		if err != nil {
			return nil, err
		}
		return plainSet{s}, nil
	})
}

// compile validates c and compiles its rules with compileRules.
func compile(c Config, opts []rules.Option, compileRules func([]rules.Rule, []rules.Option) (ruleSet, error)) (*Program, error) {
	err := c.Validate()
	if c.StrictRules {
		opts = append(slices.Clip(opts), rules.Strict())
	}
	set, rerr := compileRules(occasions(c.Rules), opts)
	goals, gerr := rules.Compile[Facts](goalRules(c.Goals), opts...)
	var steps *rules.Set[Facts]
	if gerr == nil && len(c.Goals) > 0 { // the Steps compiled above: no new errors
		steps, gerr = rules.Compile[Facts](goalStepRules(c.Goals), opts...)
	}
	if err != nil || rerr != nil || gerr != nil {
		return nil, errors.Join(err, rerr, gerr)
	}
	if err := checkGoalRefs(c.Rules, c.Goals); err != nil {
		return nil, err
	}
	loc, _ := time.LoadLocation(c.TimeZone)
	c = c.clone()
	p := &Program{cfg: c, compat: c.compatKey(), loc: loc, rules: set, goals: goals, goalSteps: steps, tierMin: make([]decsum.Sum, len(c.Tiers)), small: smallDecimals(c.PointsPlaces)}
	for i, t := range c.Tiers {
		p.tierMin[i].Add(t.MinSpend)
	}
	p.streaks = streaksRead(c.Rules)
	p.reads = factsRead(set, goals, steps)
	p.purchaseEntries = 3
	for _, r := range c.Rules {
		if r.Kind == rules.Accrual && p.purchaseEntries < 8 {
			p.purchaseEntries++
		}
	}
	p.goalKeyOf = make(map[string]goalKeys, len(c.Goals))
	for _, g := range c.Goals {
		p.goalKeyOf[g.ID] = goalKeys{goalKey(g.ID), goalDoneKey(g.ID)}
	}
	p.limited = map[string]bool{}
	for _, r := range c.Rules {
		if !r.Limit.IsZero() {
			p.limited[r.ID], p.hasLimits = true, true
		}
	}
	return p, nil
}

// Config returns a copy of the programme's configuration: changing it
// does not change the programme.
func (p *Program) Config() Config {
	if p == nil {
		return Config{}
	}
	return p.cfg.clone()
}

// clone is a deep copy of c.
func (c Config) clone() Config {
	c.Tiers = slices.Clone(c.Tiers)
	c.Goals = slices.Clone(c.Goals)
	c.Rules = slices.Clone(c.Rules)
	for i := range c.Rules {
		c.Rules[i].On = slices.Clone(c.Rules[i].On)
	}
	return c
}

// occasions is the rules as the engine runs them: a rule that names no
// occasion runs on purchases.
func occasions(rs []rules.Rule) []rules.Rule {
	out := slices.Clone(rs)
	for i := range out {
		if len(out[i].On) == 0 {
			out[i].On = []string{OccasionPurchase}
		}
	}
	return out
}

// compatKey identifies what an account's contents depend on: currency,
// points and money places, and the tiers' names in order. Accounts and
// snapshots made under one programme can be used under another with the
// same key (rules, expiry, redemption and tier thresholds may change).
func (c Config) compatKey() string {
	f := newFingerprint('k').str(c.Currency).num(int64(c.PointsPlaces)).num(int64(c.MoneyPlaces)).num(int64(len(c.Tiers)))
	for _, t := range c.Tiers {
		f = f.str(t.Name)
	}
	return f.sum()
}

// Location is the programme's time zone.
func (p *Program) Location() *time.Location {
	if p == nil || p.loc == nil {
		return time.UTC
	}
	return p.loc
}

// roundPoints applies the programme's points precision and rounding.
func (p *Program) roundPoints(d decimal.Decimal) decimal.Decimal {
	if p.cfg.Rounding == HalfUp {
		return d.Round(p.cfg.PointsPlaces)
	}
	return d.RoundDown(p.cfg.PointsPlaces)
}

// expiresAt is when points earned at t expire (zero: never).
func (p *Program) expiresAt(t time.Time) time.Time {
	switch p.cfg.Expiry.Kind {
	case AfterMonths:
		return monthsAfter(t, p.cfg.Expiry.Months, p.loc)
	case EndOfMonth:
		return endOfMonth(t, p.loc)
	case EndOfYear:
		return endOfYear(t, p.loc)
	}
	return time.Time{}
}

// availableAt is when points earned at t stop being pending.
func (p *Program) availableAt(t time.Time) time.Time {
	if p.cfg.PendingDays == 0 {
		return t
	}
	return addDays(t, p.cfg.PendingDays, p.loc)
}
