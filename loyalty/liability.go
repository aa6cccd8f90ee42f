package loyalty

import (
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/shopspring/decimal"
)

// LiabilityConfig says how [Program.Liability] values the points
// customers hold.
type LiabilityConfig struct {
	// At is the instant the accounts are as of (required): points are
	// classified at it, and an account with points earned after it is
	// refused.
	At time.Time `json:"at"`
	// PointValue is the money one point is worth; zero: the programme's
	// Redemption.PointValue.
	PointValue decimal.Decimal `json:"point_value,omitzero"`
	// Breakage is the expected share of the outstanding points that will
	// never be redeemed, in [0, 1] (see [Development.Breakage] for an
	// estimate from the programme's own history). Zero: every point is
	// expected to be redeemed.
	Breakage decimal.Decimal `json:"breakage,omitzero"`
	// Buckets is how many calendar months of expiry are reported one by
	// one, At's month first (0: 12); points expiring later are in Later.
	Buckets int `json:"buckets,omitempty"`
}

// defaultBuckets is LiabilityConfig.Buckets when zero.
const defaultBuckets = 12

// Validate checks the configuration; every problem is reported.
func (c LiabilityConfig) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if err := checkTime("liability", "at", c.At); err != nil {
		bad("at", "is required, in years 1..9000: the instant the accounts are as of")
	}
	if c.PointValue.IsNegative() {
		bad("point_value", "%s is negative", c.PointValue)
	}
	if c.Breakage.IsNegative() || c.Breakage.GreaterThan(decimal.NewFromInt(1)) {
		bad("breakage", "%s is outside [0, 1]: it is the share of the points expected never to be redeemed", c.Breakage)
	}
	if c.Buckets < 0 || c.Buckets > maxMonths {
		bad("buckets", "%d is outside 0..%d", c.Buckets, maxMonths)
	}
	return errors.Join(errs...)
}

// LiabilityReport is what the points customers hold at an instant owe:
// the points by state and by the month they expire in, their value at a
// money value per point, and the liability once the expected breakage is
// taken off (Liability = Outstanding × PointValue × (1 − Breakage)).
// Points and money are exact; Value and Liability keep every decimal
// place the product has (round them for display only), so the buckets
// add up to the totals exactly.
type LiabilityReport struct {
	At       time.Time
	Currency string
	// PointValue and Breakage are the ones the report was valued at.
	PointValue, Breakage decimal.Decimal
	Accounts             int
	// The points by state at At: Available can be redeemed now (Held
	// excluded), Pending becomes available later, Held is reserved by
	// open holds. Outstanding is their sum: what the programme owes.
	Available, Pending, Held, Outstanding decimal.Decimal
	// PastExpiry are points past their expiry that no [Program.Expire]
	// run has expired yet: not owed, not in Outstanding.
	PastExpiry decimal.Decimal
	// Debt is the points customers owe (refunds of spent points under
	// RecordDebt): reported, not netted against Outstanding.
	Debt decimal.Decimal
	// Value is Outstanding × PointValue; Liability is Value × (1 −
	// Breakage).
	Value, Liability decimal.Decimal
	// Buckets split Outstanding by when it expires: Buckets[0] is At's
	// calendar month (in the programme's zone), Buckets[1] the next, …;
	// Later the points expiring after the last bucket, NoExpiry those that
	// never expire.
	Buckets         []LiabilityBucket
	Later, NoExpiry LiabilityBucket
}

// LiabilityBucket is the outstanding points that expire in (From, To]
// (the first bucket: after At), and what they are worth. Points that
// "expire at the end of March" expire at the first instant of April, so
// they are in March's bucket.
type LiabilityBucket struct {
	From, To                 time.Time
	Points, Value, Liability decimal.Decimal
}

// Liability values the points held in accounts as of cfg.At (see
// [LiabilityReport]). The accounts are read once, as a stream; each must
// have been made under this programme (or one with the same currency,
// points places and tiers: [ErrProgramMismatch]) and hold no points
// earned after At ([ErrInvalidInput]); the error names the account by its
// index in the stream and its customer. It allocates a few hundred bytes,
// however many accounts there are.
func (p *Program) Liability(accounts iter.Seq[Account], cfg LiabilityConfig) (LiabilityReport, error) {
	if err := p.usable("liability"); err != nil {
		return LiabilityReport{}, err
	}
	if err := cfg.Validate(); err != nil {
		return LiabilityReport{}, err
	}
	acc := p.newLiability(cfg.At, cfg.Buckets, true)
	i := 0
	for a := range accounts {
		if err := acc.check(&a); err != nil {
			return LiabilityReport{}, fmt.Errorf("loyalty: liability: accounts[%d] (customer %q): %w", i, a.customer, err)
		}
		acc.add(&a)
		i++
	}
	return acc.report(p.pointValue(cfg.PointValue), cfg.Breakage), nil
}

// pointValue is v, or the programme's point value when v is zero.
func (p *Program) pointValue(v decimal.Decimal) decimal.Decimal {
	if v.IsZero() {
		return p.cfg.Redemption.PointValue
	}
	return v
}

// liability adds up accounts' points at an instant: by state always, by
// expiry month when buckets is set (that walks the open lots; by state
// alone reads the account's balance).
type liability struct {
	p                                    *Program
	at                                   time.Time
	atMonth                              int
	buckets                              bool
	accounts                             int
	available, pending, held, past, debt unitSum
	bucket                               []unitSum
	later, never                         unitSum
	lastExp                              time.Time // the last expiry bucketed, and its bucket (a cache)
	lastK                                int
}

func (p *Program) newLiability(at time.Time, n int, buckets bool) *liability {
	if n == 0 {
		n = defaultBuckets
	}
	l := &liability{p: p, at: at, atMonth: monthNumber(at, p.loc), buckets: buckets, lastK: -1}
	if buckets {
		l.bucket = make([]unitSum, n)
	}
	return l
}

// check refuses an account made under another programme, or one with
// points earned (or a purchase made) after the instant.
func (l *liability) check(a *Account) error {
	if a.prog != l.p.compat && (a.prog != "" || a.entries > 0) {
		return fmt.Errorf("%w: made under programme %s, this is %s", ErrProgramMismatch, a.prog, l.p.compat)
	}
	if a.last.After(l.at) {
		return fmt.Errorf("%w: a purchase at %s is after at %s: give the accounts as of at", ErrInvalidInput,
			a.last.Format(time.RFC3339Nano), l.at.Format(time.RFC3339Nano))
	}
	late := func(x *lot) error {
		if x.earnedAt.After(l.at) {
			return fmt.Errorf("%w: lot %s was earned at %s, after at %s: give the accounts as of at", ErrInvalidInput,
				x.id, x.earnedAt.Format(time.RFC3339Nano), l.at.Format(time.RFC3339Nano))
		}
		return nil
	}
	if n := a.lots.Len(); n > 0 && !a.lotsUnsorted {
		return late(a.lots.Ptr(n - 1)) // in time order: the last is the latest
	}
	for i := 0; i < a.lots.Len(); i++ {
		if err := late(a.lots.Ptr(i)); err != nil {
			return err
		}
	}
	return nil
}

// add adds an account's points at l.at.
func (l *liability) add(a *Account) {
	l.accounts++
	l.debt.add(a.debt)
	if !l.buckets {
		b := a.balance(l.at)
		l.available.add(b.available)
		l.pending.add(b.pending)
		l.held.add(b.held)
		l.past.add(b.expiring)
		return
	}
	var avail units
	at := l.at
	a.lots.Chunks(a.firstOpen, a.lots.Len(), func(ls []lot) {
		for i := range ls {
			x := &ls[i]
			if x.remaining <= 0 {
				continue
			}
			switch {
			case !x.expiresAt.IsZero() && !at.Before(x.expiresAt):
				l.past.add(x.remaining)
				continue
			case at.Before(x.availableAt):
				l.pending.add(x.remaining)
			default:
				avail += x.remaining
			}
			if x.expiresAt.IsZero() {
				l.never.add(x.remaining)
			} else if k := l.bucketOf(x.expiresAt); k < len(l.bucket) {
				l.bucket[k].add(x.remaining)
			} else {
				l.later.add(x.remaining)
			}
		}
	})
	held := min(a.held(at), max(avail, 0))
	l.available.add(avail - held)
	l.held.add(held)
}

// bucketOf is the bucket of points expiring at exp (after l.at): the
// calendar month of the last instant they are valid, counted from l.at's.
func (l *liability) bucketOf(exp time.Time) int {
	if exp.Equal(l.lastExp) {
		return l.lastK
	}
	k := monthNumber(exp.Add(-time.Nanosecond), l.p.loc) - l.atMonth
	l.lastExp, l.lastK = exp, k
	return k
}

// monthNumber numbers the calendar month of t in loc: year × 12 +
// month − 1.
func monthNumber(t time.Time, loc *time.Location) int {
	y, m, _ := t.In(loc).Date()
	return y*12 + int(m) - 1
}

// monthStart is the first instant of month number n in loc.
func monthStart(n int, loc *time.Location) time.Time {
	y, m := n/12, n%12
	if m < 0 {
		y, m = y-1, m+12
	}
	return time.Date(y, time.Month(m+1), 1, 0, 0, 0, 0, loc)
}

// report is the sums valued at value per point, less breakage.
func (l *liability) report(value, breakage decimal.Decimal) LiabilityReport {
	places := l.p.cfg.PointsPlaces
	keep := decimal.NewFromInt(1).Sub(breakage)
	bucket := func(from, to time.Time, s unitSum) LiabilityBucket {
		pts := s.decimal(places)
		v := pts.Mul(value)
		return LiabilityBucket{From: from, To: to, Points: pts, Value: v, Liability: v.Mul(keep)}
	}
	r := LiabilityReport{At: l.at, Currency: l.p.cfg.Currency, PointValue: value, Breakage: breakage, Accounts: l.accounts,
		Available: l.available.decimal(places), Pending: l.pending.decimal(places), Held: l.held.decimal(places),
		Outstanding: l.available.plus(l.pending).plus(l.held).decimal(places),
		PastExpiry:  l.past.decimal(places), Debt: l.debt.decimal(places)}
	r.Value = r.Outstanding.Mul(value)
	r.Liability = r.Value.Mul(keep)
	if !l.buckets {
		return r
	}
	r.Buckets = make([]LiabilityBucket, len(l.bucket))
	for k := range l.bucket {
		from := monthStart(l.atMonth+k, l.p.loc)
		if k == 0 {
			from = l.at
		}
		r.Buckets[k] = bucket(from, monthStart(l.atMonth+k+1, l.p.loc), l.bucket[k])
	}
	r.Later = bucket(monthStart(l.atMonth+len(l.bucket), l.p.loc), time.Time{}, l.later)
	r.NoExpiry = bucket(time.Time{}, time.Time{}, l.never)
	return r
}
