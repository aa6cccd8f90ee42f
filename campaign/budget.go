package campaign

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/decbound"
	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/shopspring/decimal"
)

// BudgetConfig is what a campaign may give away in total: points, money
// off or gifts, overall, per calendar period, or per explicit window.
// A plain value, in Go or JSON; [NewBudget] checks it.
type BudgetConfig struct {
	// ID names the budget (in entries as "budget:<id>"). Required.
	ID   string `json:"id"`
	Unit Unit   `json:"unit"`
	// Currency is the money's currency: required for [Money], refused
	// for the other units.
	Currency string `json:"currency,omitempty"`
	// Places is how many decimal places amounts keep (0..8; 0 for gifts):
	// an amount with more places is refused, never rounded.
	Places int32 `json:"places,omitempty"`
	// Total is the overall cap (zero: none).
	Total decimal.Decimal `json:"total,omitzero"`
	// PerPeriod is the cap of each Period (zero: none); both or neither
	// must be set, and TimeZone with them.
	PerPeriod decimal.Decimal `json:"per_period,omitzero"`
	Period    Period          `json:"period,omitempty"`
	// Windows are explicit spans, each with its own cap, instead of a
	// Period; they may not overlap. A reservation at an instant no window
	// holds is granted 0 ([OutsideWindows]).
	Windows []Window `json:"windows,omitempty"`
	// TimeZone is the IANA zone calendar periods are read in.
	TimeZone string `json:"time_zone,omitempty"`
	// Policy is what a reservation gets when less is left than it asks:
	// [Partial] (the default) grants what is left, [AllOrNothing] grants 0.
	Policy GrantPolicy `json:"policy,omitempty"`
}

// Validate checks the configuration; every problem is reported at once,
// each a *FieldError. A budget needs at least one cap; caps must be
// positive.
func (c BudgetConfig) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) { errs = append(errs, fieldErr(field, format, args...)) }
	if err := checkID("id", c.ID); err != nil {
		errs = append(errs, err)
	}
	switch {
	case c.Unit == UnitUnset:
		bad("unit", "is required: points, money or gifts")
	case c.Unit > Gifts:
		bad("unit", "unknown value %d", c.Unit)
	case c.Unit == Money && c.Currency == "":
		bad("currency", "is required for a money budget")
	case c.Unit != Money && c.Currency != "":
		bad("currency", "%q is set on a %v budget: only money has a currency", c.Currency, c.Unit)
	}
	if c.Places < 0 || c.Places > 8 {
		bad("places", "%d is outside 0..8", c.Places)
	} else if c.Unit == Gifts && c.Places != 0 {
		bad("places", "must be 0 for gifts: they are counted whole")
	}
	places := max(0, min(c.Places, 8))
	amount := func(field string, d decimal.Decimal) {
		switch _, ok := toUnits(d, places); {
		case d.IsNegative():
			bad(field, "%s is negative", decbound.Show(d))
		case !ok:
			bad(field, "%s is not a whole number of %d-place units of at most 2^53", decbound.Show(d), places)
		}
	}
	amount("total", c.Total)
	amount("per_period", c.PerPeriod)
	if err := periodErr("period", c.Period); err != nil {
		errs = append(errs, err)
	}
	switch {
	case c.Period != NoPeriod && !c.PerPeriod.IsPositive():
		bad("per_period", "must be positive with a period (%v)", c.Period)
	case c.Period == NoPeriod && !c.PerPeriod.IsZero():
		bad("period", "is required with per_period")
	case c.Period != NoPeriod && len(c.Windows) > 0:
		bad("windows", "cannot be combined with a calendar period: use one or the other")
	}
	if c.Period != NoPeriod && c.Period <= Year {
		if _, err := loadZone("time_zone", c.TimeZone, true); err != nil {
			errs = append(errs, err)
		}
	} else if c.TimeZone != "" {
		if _, err := loadZone("time_zone", c.TimeZone, false); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, checkWindows("windows", c.Windows)...)
	for i, w := range c.Windows {
		if _, ok := toUnits(w.Cap, places); !ok {
			bad("windows", "[%d] cap %s is not a whole number of %d-place units of at most 2^53", i, decbound.Show(w.Cap), places)
		}
	}
	if c.Total.IsZero() && c.PerPeriod.IsZero() && len(c.Windows) == 0 {
		bad("total", "is required (or per_period, or windows): a budget without a cap is no budget")
	}
	if c.Policy > AllOrNothing {
		bad("policy", "unknown value %d", c.Policy)
	}
	return errors.Join(errs...)
}

// budgetDef is a checked configuration.
type budgetDef struct {
	cfg       BudgetConfig
	loc       *time.Location
	total     int64 // 0: none
	perPeriod int64 // 0: none
	windows   []Window
	caps      []int64 // the windows' caps, in units
	ledger    string
	compat    string // what the entries' meaning depends on (see compatKey)
}

// compatKey identifies what a budget's entries depend on: the id, unit,
// currency, places, period kind and zone. Caps, windows and the policy
// may change ([Budget.WithConfig]); entries keep what they were granted.
func (c BudgetConfig) compatKey() string {
	return newFingerprint('b').str(c.ID).num(int64(c.Unit)).str(c.Currency).num(int64(c.Places)).
		num(int64(c.Period)).str(c.TimeZone).sum()
}

func newBudgetDef(c BudgetConfig) (*budgetDef, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.Windows = sortedWindows(c.Windows)
	loc, _ := loadZone("time_zone", c.TimeZone, false)
	d := &budgetDef{cfg: c, loc: loc, windows: c.Windows, ledger: "budget:" + c.ID, compat: c.compatKey()}
	d.total, _ = toUnits(c.Total, c.Places)
	d.perPeriod, _ = toUnits(c.PerPeriod, c.Places)
	for _, w := range c.Windows {
		u, _ := toUnits(w.Cap, c.Places)
		d.caps = append(d.caps, u)
	}
	return d, nil
}

// Budget is a campaign budget's state: what has been granted, overall and
// per period, and every reservation, so that a retried reservation gets
// its first grant back. It is an immutable value: operations return a new
// Budget and never change the one passed in, so a Budget may be shared
// between goroutines. It is the fold of its entries ([ReplayBudget]).
//
// The zero Budget is not usable: make one with [NewBudget].
type Budget struct {
	def *budgetDef
	chain
	granted int64                  // net of releases, in units
	periods persist.Map[int64]     // period (or window) start → granted in it, net
	res     persist.Map[int]       // reservation id → index in list
	list    persist.Vector[resRec] // reservations, in ledger order
	rels    persist.Map[relRec]    // release id → what it did
	relList persist.Vector[string] // release ids, in ledger order
}

// resRec is one reservation as the budget keeps it.
type resRec struct {
	id, fp, customer, order  string
	asked, granted, released int64
	period, at               time.Time
	reason                   Reason
}

// relRec is one release.
type relRec struct {
	fp     string
	res    int   // index of the reservation
	amount int64 // released, positive
}

// NewBudget checks cfg and returns an empty budget.
func NewBudget(cfg BudgetConfig) (Budget, error) {
	d, err := newBudgetDef(cfg)
	if err != nil {
		return Budget{}, err
	}
	return Budget{def: d, chain: chain{ledger: d.ledger}}, nil
}

// Reservation asks a budget for Amount (> 0, within the budget's places)
// under the host's id: an order and the rule it rewards ("o1/double-march"),
// a gift's line. Customer, Order and Currency are recorded and
// fingerprinted; Currency, when set, must be the budget's.
type Reservation struct {
	ID       string          `json:"id"`
	Amount   decimal.Decimal `json:"amount"`
	Customer string          `json:"customer,omitempty"`
	Order    string          `json:"order,omitempty"`
	Currency string          `json:"currency,omitempty"`
}

func (r Reservation) fingerprint() string {
	return newFingerprint('R').str(r.ID).dec(r.Amount).str(r.Customer).str(r.Order).str(r.Currency).sum()
}

// Grant is what a reservation got: Amount of the Asked (0 ≤ Amount ≤
// Asked). Reason says why it is less ([Exhausted], [PeriodExhausted],
// [OutsideWindows]); a smaller grant is not an error, and the caller's
// purchase goes on with it. Period is the start of the period or window
// the grant counts in (zero without one).
type Grant struct {
	Op      string
	Asked   decimal.Decimal
	Amount  decimal.Decimal
	Reason  Reason
	Period  time.Time
	Entries []Entry
	// Duplicate: the reservation had been made; this is its first grant,
	// without its entries (the host has them), and nothing was added.
	Duplicate bool
}

// Reserve takes up to r.Amount from the budget at now. Under [Partial] it
// grants min(asked, left), under [AllOrNothing] asked or 0, where left is
// the least of what remains of the total and of the current period's (or
// window's) cap. Every reservation is recorded, a zero grant too, so that
// a retry — the same id and payload, at any later time — returns the same
// grant and changes nothing ([Grant].Duplicate); the same id with another
// payload is [ErrConflict]. Bad input is an error and records nothing.
func (b Budget) Reserve(r Reservation, now time.Time) (Budget, Grant, error) {
	op := opPrefixes[OpReserve] + r.ID
	d, err := b.usable(op)
	if err != nil {
		return b, Grant{}, err
	}
	asked, err := d.checkReservation(op, r, now)
	if err != nil {
		return b, Grant{}, err
	}
	fp := r.fingerprint()
	if i, ok := b.res.Get(r.ID); ok {
		rec := b.list.At(i)
		if rec.fp != fp {
			return b, Grant{}, opErr(op, ErrConflict, "already reserved with a different payload")
		}
		return b, d.grantOf(op, &rec, true), nil
	}
	left, period, reason := b.left(now)
	granted := min(asked, max(left, 0))
	if d.cfg.Policy == AllOrNothing && granted < asked {
		granted = 0
	}
	if granted == asked {
		reason = NoReason
	}
	e := Entry{Op: op, OpKind: OpReserve, Kind: GrantEntry, At: now, Amount: fromUnits(granted, d.cfg.Places),
		Asked: r.Amount, Reason: reason, Period: period, Customer: r.Customer, Order: r.Order, Fingerprint: fp}
	nb, es, err := b.commit([]Entry{e})
	if err != nil {
		return b, Grant{}, err
	}
	rec := nb.list.At(nb.list.Len() - 1)
	g := d.grantOf(op, &rec, false)
	g.Entries = es
	return nb, g, nil
}

func (d *budgetDef) checkReservation(op string, r Reservation, now time.Time) (int64, error) {
	if err := checkID("reservation id", r.ID); err != nil {
		return 0, opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkTime(op, "now", now); err != nil {
		return 0, err
	}
	for _, f := range [...]struct{ name, v string }{{"customer", r.Customer}, {"order", r.Order}} {
		if err := checkOptionalID(f.name, f.v); err != nil {
			return 0, opErr(op, ErrInvalidInput, "%v", err)
		}
	}
	if r.Currency != "" && r.Currency != d.cfg.Currency {
		return 0, opErr(op, ErrInvalidInput, "currency %q is not the budget's (%q)", r.Currency, d.cfg.Currency)
	}
	u, ok := toUnits(r.Amount, d.cfg.Places)
	switch {
	case !r.Amount.IsPositive():
		return 0, opErr(op, ErrInvalidInput, "amount %s must be positive", decbound.Show(r.Amount))
	case !ok:
		return 0, opErr(op, ErrInvalidInput, "amount %s is not a whole number of %d-place units of at most 2^53", decbound.Show(r.Amount), d.cfg.Places)
	}
	return u, nil
}

// left is what a reservation at now could get, the period (or window)
// start it counts in, and which cap limits it.
func (b *Budget) left(now time.Time) (left int64, period time.Time, limit Reason) {
	d := b.def
	left, limit = maxUnits, Exhausted
	if d.total > 0 {
		left = d.total - b.granted
	}
	pcap := int64(0)
	switch {
	case len(d.windows) > 0:
		i := windowAt(d.windows, now)
		if i < 0 {
			return 0, time.Time{}, OutsideWindows
		}
		period, pcap = d.windows[i].From, d.caps[i]
	case d.cfg.Period != NoPeriod:
		period, pcap = d.cfg.Period.Start(now, d.loc), d.perPeriod
	}
	if pcap > 0 {
		used, _ := b.periods.Get(periodKey(period))
		if p := pcap - used; p < left {
			left, limit = p, PeriodExhausted
		}
	}
	return left, period, limit
}

func periodKey(t time.Time) string {
	var buf [12]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(t.Unix()))
	binary.BigEndian.PutUint32(buf[8:], uint32(t.Nanosecond()))
	return string(buf[:])
}

func (d *budgetDef) grantOf(op string, r *resRec, dup bool) Grant {
	return Grant{Op: op, Asked: fromUnits(r.asked, d.cfg.Places), Amount: fromUnits(r.granted, d.cfg.Places),
		Reason: r.reason, Period: r.period, Duplicate: dup}
}

// Release gives back part or all of a reservation's grant: the order was
// cancelled or refunded. Amount zero gives back all that is left of it
// (and, on a reservation with nothing left, records that nothing was
// given back); Amount more than what is left is [ErrTooLarge]. The amount
// goes back to the total and to the period the grant was counted in (a
// period that has ended cannot be reserved from again, so only its history
// changes). Idempotent by Release.ID, as Reserve.
type Release struct {
	ID          string          `json:"id"`
	Reservation string          `json:"reservation"`
	Amount      decimal.Decimal `json:"amount,omitzero"`
}

func (r Release) fingerprint() string {
	return newFingerprint('L').str(r.ID).str(r.Reservation).dec(r.Amount).sum()
}

// Released is what a release did: Amount given back, Left of the grant
// after it.
type Released struct {
	Op          string
	Reservation string
	Amount      decimal.Decimal
	Left        decimal.Decimal
	Entries     []Entry
	Duplicate   bool
}

// Release gives back what rel says.
func (b Budget) Release(rel Release, now time.Time) (Budget, Released, error) {
	op := opPrefixes[OpRelease] + rel.ID
	d, err := b.usable(op)
	if err != nil {
		return b, Released{}, err
	}
	if err := checkID("release id", rel.ID); err != nil {
		return b, Released{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkID("reservation", rel.Reservation); err != nil {
		return b, Released{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkTime(op, "now", now); err != nil {
		return b, Released{}, err
	}
	amount, ok := toUnits(rel.Amount, d.cfg.Places)
	switch {
	case rel.Amount.IsNegative():
		return b, Released{}, opErr(op, ErrInvalidInput, "amount %s is negative", decbound.Show(rel.Amount))
	case !ok:
		return b, Released{}, opErr(op, ErrInvalidInput, "amount %s is not a whole number of %d-place units of at most 2^53", decbound.Show(rel.Amount), d.cfg.Places)
	}
	fp := rel.fingerprint()
	if rec, ok := b.rels.Get(rel.ID); ok {
		if rec.fp != fp {
			return b, Released{}, opErr(op, ErrConflict, "already released with a different payload")
		}
		res := b.list.At(rec.res)
		return b, Released{Op: op, Reservation: res.id, Amount: fromUnits(rec.amount, d.cfg.Places),
			Left: fromUnits(res.granted-res.released, d.cfg.Places), Duplicate: true}, nil
	}
	i, ok := b.res.Get(rel.Reservation)
	if !ok {
		return b, Released{}, opErr(op, ErrUnknown, "no reservation %q", rel.Reservation)
	}
	res := b.list.At(i)
	left := res.granted - res.released
	if rel.Amount.IsZero() {
		amount = left
	} else if amount > left {
		return b, Released{}, opErr(op, ErrTooLarge, "%s asked back, %s left of the grant", rel.Amount, fromUnits(left, d.cfg.Places))
	}
	e := Entry{Op: op, OpKind: OpRelease, Kind: ReleaseEntry, At: now, Amount: fromUnits(-amount, d.cfg.Places),
		Period: res.period, Customer: res.customer, Order: res.order, Ref: opPrefixes[OpReserve] + res.id, Fingerprint: fp}
	nb, es, err := b.commit([]Entry{e})
	if err != nil {
		return b, Released{}, err
	}
	return nb, Released{Op: op, Reservation: res.id, Amount: fromUnits(amount, d.cfg.Places),
		Left: fromUnits(left-amount, d.cfg.Places), Entries: es}, nil
}

func (b *Budget) usable(op string) (*budgetDef, error) {
	if b.def == nil {
		return nil, opErr(op, ErrInvalidInput, "the budget was not made by NewBudget, ReplayBudget or LoadBudget")
	}
	return b.def, nil
}

// commit applies an operation's entries to a copy of b.
func (b Budget) commit(es []Entry) (Budget, []Entry, error) {
	o := new(persist.Owner)
	for i := range es {
		es[i].Ledger = b.ledger
		if err := b.apply(&es[i], i, o, false); err != nil {
			return Budget{}, nil, fmt.Errorf("campaign: internal error: %w", err) // a bug: operations write only what the fold accepts
		}
	}
	return b, es, nil
}

// apply folds one entry (entry n of its operation) into b. Operations and
// replay both go through it, so a budget and the replay of its entries
// agree by construction. It checks what an entry says against the state
// (a release never gives back more than was granted), never against the
// caps, which may have changed since.
func (b *Budget) apply(e *Entry, n int, o *persist.Owner, replay bool) error {
	if err := b.place(e, n, 1<<OpReserve|1<<OpRelease, replay); err != nil {
		return err
	}
	if n != 0 {
		return fmt.Errorf("entry %q: budget operations write one entry", e.ID)
	}
	amount, ok := toUnits(e.Amount, b.def.cfg.Places)
	if !ok {
		return fmt.Errorf("entry %q: amount %s is not a whole number of %d-place units", e.ID, decbound.Show(e.Amount), b.def.cfg.Places)
	}
	switch {
	case e.Kind == GrantEntry && e.OpKind == OpReserve:
		asked, ok := toUnits(e.Asked, b.def.cfg.Places)
		if !ok || asked <= 0 || amount < 0 || amount > asked {
			return fmt.Errorf("entry %q: grant %s of %s asked is out of range", e.ID, decbound.Show(e.Amount), decbound.Show(e.Asked))
		}
		if e.Reason > OutsideWindows || (amount < asked) != (e.Reason != NoReason) {
			return fmt.Errorf("entry %q: reason %v does not fit a grant of %s of %s", e.ID, e.Reason, decbound.Show(e.Amount), decbound.Show(e.Asked))
		}
		id := e.Op[len(opPrefixes[OpReserve]):]
		if !b.res.Insert(id, b.list.Len(), o) {
			return fmt.Errorf("entry %q: reservation %q was recorded before", e.ID, id)
		}
		b.list.Push(resRec{id: id, fp: e.Fingerprint, customer: e.Customer, order: e.Order, asked: asked, granted: amount,
			period: e.Period, at: e.At, reason: e.Reason}, o)
		if b.granted += amount; b.granted > maxUnits {
			return fmt.Errorf("entry %q: the budget's grants exceed 2^53 units", e.ID)
		}
		b.addPeriod(e.Period, amount, o)
	case e.Kind == ReleaseEntry && e.OpKind == OpRelease:
		id := strings.TrimPrefix(e.Ref, opPrefixes[OpReserve])
		i, ok := b.res.Get(id)
		if !ok || id == e.Ref {
			return fmt.Errorf("entry %q: releases unknown reservation %q", e.ID, e.Ref)
		}
		res := b.list.Mut(i, o)
		if amount > 0 || res.released-amount > res.granted || !e.Period.Equal(res.period) {
			return fmt.Errorf("entry %q: release of %s does not fit reservation %q (granted %d units, %d released)", e.ID, decbound.Show(e.Amount), id, res.granted, res.released)
		}
		relID := e.Op[len(opPrefixes[OpRelease]):]
		if _, dup := b.rels.Get(relID); dup {
			return fmt.Errorf("entry %q: release %q was recorded before", e.ID, relID)
		}
		b.rels.Set(relID, relRec{fp: e.Fingerprint, res: i, amount: -amount}, o)
		b.relList.Push(relID, o)
		res.released -= amount
		b.granted += amount
		b.addPeriod(e.Period, amount, o)
	default:
		return fmt.Errorf("entry %q: a %v operation does not write %v entries", e.ID, e.OpKind, e.Kind)
	}
	return nil
}

func (b *Budget) addPeriod(p time.Time, amount int64, o *persist.Owner) {
	if p.IsZero() {
		return
	}
	k := periodKey(p)
	used, _ := b.periods.Get(k)
	b.periods.Set(k, used+amount, o)
}

// ReplayBudget rebuilds a budget from its entries, in order: the budget
// the operations returned. Entries that do not fit (a broken hash chain,
// another ledger's, a release of more than was granted) are
// [ErrCorruptLedger].
func ReplayBudget(cfg BudgetConfig, entries []Entry) (Budget, error) {
	b, err := NewBudget(cfg)
	if err != nil {
		return Budget{}, err
	}
	return b.Resume(entries)
}

// Resume folds entries written after b (the budget loaded from a snapshot)
// into a copy of b.
func (b Budget) Resume(entries []Entry) (Budget, error) {
	if _, err := b.usable("resume"); err != nil {
		return Budget{}, err
	}
	o := new(persist.Owner)
	for i := range entries {
		e := &entries[i]
		if err := b.apply(e, 0, o, true); err != nil {
			return Budget{}, fmt.Errorf("%w: entry %d: %w", ErrCorruptLedger, i, err)
		}
	}
	return b, nil
}

// WithConfig returns b under another configuration of the same budget:
// caps, windows and the policy may change (a budget topped up, a window
// added); the id, unit, currency, places, period and zone may not
// ([ErrMismatch]). What was granted stays granted, even above a lowered
// cap: later reservations get 0 until releases bring it under.
func (b Budget) WithConfig(cfg BudgetConfig) (Budget, error) {
	d, err := newBudgetDef(cfg)
	if err != nil {
		return b, err
	}
	if b.def != nil && b.def.compat != d.compat {
		return b, fmt.Errorf("%w: budget %q (%v, %d places, period %v in %q) cannot become %q (%v, %d places, period %v in %q)", ErrMismatch,
			b.def.cfg.ID, b.def.cfg.Unit, b.def.cfg.Places, b.def.cfg.Period, b.def.cfg.TimeZone, cfg.ID, cfg.Unit, cfg.Places, cfg.Period, cfg.TimeZone)
	}
	b.def = d
	b.chain.ledger = d.ledger
	return b, nil
}

// Config returns the budget's configuration.
func (b Budget) Config() BudgetConfig {
	if b.def == nil {
		return BudgetConfig{}
	}
	c := b.def.cfg
	c.Windows = append([]Window(nil), c.Windows...)
	return c
}

// Granted is what the budget has granted, net of releases.
func (b Budget) Granted() decimal.Decimal {
	if b.def == nil {
		return decimal.Zero
	}
	return fromUnits(b.granted, b.def.cfg.Places)
}

// GrantedIn is what was granted, net of releases, in the period (or
// window) holding t; the overall grant for a budget without periods.
func (b Budget) GrantedIn(t time.Time) decimal.Decimal {
	if b.def == nil {
		return decimal.Zero
	}
	var start time.Time
	switch {
	case len(b.def.windows) > 0:
		i := windowAt(b.def.windows, t)
		if i < 0 {
			return decimal.Zero
		}
		start = b.def.windows[i].From
	case b.def.cfg.Period != NoPeriod:
		start = b.def.cfg.Period.Start(t, b.def.loc)
	default:
		return b.Granted()
	}
	used, _ := b.periods.Get(periodKey(start))
	return fromUnits(used, b.def.cfg.Places)
}

// Remaining is the most a reservation at now could be granted.
func (b Budget) Remaining(now time.Time) decimal.Decimal {
	if b.def == nil {
		return decimal.Zero
	}
	left, _, _ := b.left(now)
	return fromUnits(max(left, 0), b.def.cfg.Places)
}

// ReservationInfo is a reservation as the budget records it.
type ReservationInfo struct {
	ID, Customer, Order      string
	Asked, Granted, Released decimal.Decimal
	Reason                   Reason
	Period, At               time.Time
}

// Reservation returns reservation id.
func (b Budget) Reservation(id string) (ReservationInfo, bool) {
	i, ok := b.res.Get(id)
	if !ok || b.def == nil {
		return ReservationInfo{}, false
	}
	r, p := b.list.At(i), b.def.cfg.Places
	return ReservationInfo{ID: r.id, Customer: r.customer, Order: r.order, Asked: fromUnits(r.asked, p),
		Granted: fromUnits(r.granted, p), Released: fromUnits(r.released, p), Reason: r.reason, Period: r.period, At: r.at}, true
}

// Reservations is the number of reservations recorded.
func (b Budget) Reservations() int { return b.list.Len() }

// Version is the budget's version for optimistic concurrency: the number
// of entries it is the fold of. A reservation or release raises it; a
// retry does not.
func (b Budget) Version() int64 { return int64(b.entries) }

// Head is the hash of the last entry ("" for an empty budget): a replay of
// the stored entries must end at the same head.
func (b Budget) Head() string { return b.headString() }

// Equal reports whether two budgets hold the same state (go-cmp uses it).
func (b Budget) Equal(o Budget) bool { return b.String() == o.String() }

// String is a canonical dump of the state, equal for equal budgets.
func (b Budget) String() string {
	var s strings.Builder
	id := ""
	if b.def != nil {
		id = b.def.compat
	}
	fmt.Fprintf(&s, "budget %s %s entries=%d head=%s granted=%d\n", b.ledger, id, b.entries, b.headString(), b.granted)
	for _, r := range b.list.All {
		fmt.Fprintf(&s, "res %q fp=%s cust=%q order=%q asked=%d granted=%d released=%d period=%s at=%s %v\n",
			r.id, r.fp, r.customer, r.order, r.asked, r.granted, r.released, utc(r.period), utc(r.at), r.reason)
	}
	return s.String()
}

func utc(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}
