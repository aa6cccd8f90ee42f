package loyalty

import (
	"time"

	"github.com/loyalkit/loyalkit/internal/decbound"
	"github.com/loyalkit/loyalkit/internal/enum"
	"github.com/shopspring/decimal"
)

// Hold reserves points for an order while it is being paid: the points
// stop being available (to other holds and redemptions) until the hold is
// captured ([Program.Capture], the points are spent), released
// ([Program.Release]), or lapses at Until — a hold neither captured nor
// released by then stops holding by itself, with no operation needed
// (every operation takes now, and compares). Order and OrderTotal are the
// order it pays for (the programme's maximum share applies to
// OrderTotal); Currency, when set, must be the programme's.
//
// Give Until, or For: how long the hold lasts from the instant it is
// first made. For suits a host that sets deadlines from its own clock ("15
// minutes"): a retry with the same For is the same hold, where a deadline
// recomputed at the retry would be another payload ([ErrConflict]).
type Hold struct {
	ID         string          `json:"id"`
	Order      string          `json:"order,omitempty"`
	Points     decimal.Decimal `json:"points"`
	OrderTotal decimal.Decimal `json:"order_total,omitzero"`
	Currency   string          `json:"currency,omitempty"`
	Until      time.Time       `json:"until,omitzero"`
	For        time.Duration   `json:"for,omitempty"`
}

// HoldInfo is a hold as [Account.Holds] lists it.
type HoldInfo struct {
	ID, Order string
	Points    decimal.Decimal
	Money     decimal.Decimal // what the points pay
	Until     time.Time
	State     string // "open", "captured" or "released"
	Holding   bool   // open and not lapsed at the instant asked
}

// Holds lists the account's holds, oldest first, as they are at now.
func (a Account) Holds(now time.Time) []HoldInfo {
	out := make([]HoldInfo, 0, a.holds.Len())
	for _, h := range a.holds.All {
		out = append(out, HoldInfo{ID: h.op[len("hold:"):], Order: h.order, Points: toDecimal(h.points, a.places), Money: h.money,
			Until: h.until, State: h.state.String(), Holding: h.holding(now)})
	}
	return out
}

// Capture spends a hold's points: all of them, or Points (fewer) — the
// rest is released. ID is the hold's id.
type Capture struct {
	ID     string          `json:"id"`
	Points decimal.Decimal `json:"points,omitzero"`
}

// hold is a Hold as the account keeps it.
type hold struct {
	op, order string // op is the hold's operation id, "hold:<id>"
	points    units
	money     decimal.Decimal
	until     time.Time
	state     holdState
}

// holdState is where a hold is: open (holding until it lapses), captured
// or released.
type holdState uint8

const (
	holdOpen holdState = iota
	holdCaptured
	holdReleased
)

var holdNames = [...]string{"open", "captured", "released"}

func (s holdState) String() string { return enum.String(s, "holdState", holdNames[:]) }

// holding reports whether the hold still holds at now.
func (h *hold) holding(now time.Time) bool { return h.state == holdOpen && now.Before(h.until) }

// held is the points reserved by holds at now.
func (a *Account) held(now time.Time) units {
	var sum units
	for i := a.firstHold; i < a.holds.Len(); i++ {
		if h := a.holds.Ptr(i); h.holding(now) {
			sum += h.points
		}
	}
	return sum
}

// holdOf finds the hold made by operation "hold:<id>".
func (a *Account) holdOf(id string) (*hold, bool) {
	r, ok := a.op("hold:" + id)
	if !ok || r.hold == 0 {
		return nil, false
	}
	return a.holds.Ptr(r.hold - 1), true
}

// Hold reserves points for an order being paid. The same checks as
// [Program.Redeem] apply (point value, minimum balance, maximum share of
// the order), against the available points less the debt and less what
// other holds reserve. Result.Discount is the money the points will pay.
// The hold reserves an amount, not particular lots: points that expire
// or are clawed back by a refund while it holds can make the capture fail
// with [ErrInsufficientPoints].
func (p *Program) Hold(a Account, c Customer, h Hold, now time.Time) (Account, Result, error) {
	op := "hold:" + h.ID
	if err := p.usable(op); err != nil {
		return a, Result{}, err
	}
	r := Redemption{ID: h.ID, Points: h.Points, OrderTotal: h.OrderTotal, Currency: h.Currency}
	if err := p.checkRedemption(op, r); err != nil {
		return a, Result{}, err
	}
	if (h.For != 0) == !h.Until.IsZero() || h.For < 0 || h.For > maxDays*24*time.Hour {
		return a, Result{}, opErr(op, ErrInvalidInput, "give until or a positive for (at most %d days), not both: until %s, for %v",
			maxDays, h.Until.Format(time.RFC3339), h.For)
	}
	t, dup, err := p.begin(a, c.ID, op, OpHold, h.fingerprint(), now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	if h.For != 0 {
		h.Until = now.Add(h.For)
	}
	if err := checkTime(op, "until", h.Until); err != nil {
		return a, Result{}, err
	}
	if !h.Until.After(now) {
		return a, Result{}, opErr(op, ErrInvalidInput, "until %s is not after now %s", h.Until.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	money, err := p.redeemable(t, r, 0)
	if err != nil {
		return a, Result{}, err
	}
	if err := t.add(Entry{Kind: Record, Order: h.Order, Money: money, Held: h.Points, ExpiresAt: h.Until, Fingerprint: t.fp}); err != nil {
		return a, Result{}, err
	}
	acc, res := t.finish()
	return acc, res, nil
}

// Capture spends a hold's points as a redemption (soonest-expiring lots
// first) when the order is paid. Capturing fewer points than held
// releases the rest. A hold that has lapsed ([ErrHoldLapsed]) or was
// released ([ErrHoldResolved]) cannot be captured; capturing twice
// returns the first result. Result.Discount is the money the captured
// points pay; the order they pay for names the hold's id in its
// [Order].Redemption (as it would a redemption's).
func (p *Program) Capture(a Account, c Customer, cp Capture, now time.Time) (Account, Result, error) {
	op := "capture:" + cp.ID
	if err := p.usable(op); err != nil {
		return a, Result{}, err
	}
	if !decbound.OK(cp.Points) {
		return a, Result{}, opCause(op, ErrInvalidInput, decbound.Err("points", cp.Points))
	}
	if cp.ID == "" || cp.Points.IsNegative() {
		return a, Result{}, opErr(op, ErrInvalidInput, "hold id is required and points %s must not be negative", cp.Points)
	}
	t, dup, err := p.begin(a, c.ID, op, OpCapture, newFingerprint('c').str(cp.ID).dec(cp.Points).sum(), now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	h, err := p.unresolvedHold(a, op, cp.ID)
	if err != nil {
		return a, Result{}, err
	}
	if !h.holding(now) {
		return a, Result{}, opErr(op, ErrHoldLapsed, "hold %q lapsed at %s", cp.ID, h.until.Format(time.RFC3339Nano))
	}
	want := h.points
	if cp.Points.IsPositive() {
		if want, err = p.units(cp.Points); err != nil || want > h.points {
			return a, Result{}, opErr(op, ErrInvalidInput, "captures %s points, the hold has %s", cp.Points, p.dec(h.points))
		}
	}
	money := h.money
	if want != h.points {
		money = p.dec(want).Mul(p.cfg.Redemption.PointValue)
	}
	b := a.balance(now)
	others := a.held(now) - h.points // what the other holds reserve
	if free := b.available + b.held - others - a.debt; want > free {
		return a, Result{}, opErr(op, ErrInsufficientPoints, "the hold has %s points, %s are still available", p.dec(want), p.dec(max(free, 0)))
	}
	if err := t.add(Entry{Kind: Record, Order: h.order, Money: money, Ref: h.op, Fingerprint: t.fp}); err != nil {
		return a, Result{}, err
	}
	if err := t.spend(want); err != nil {
		return a, Result{}, err
	}
	acc, res := t.finish()
	return acc, res, nil
}

// Release ends a hold without spending its points (the order was not
// paid with them). Releasing a hold that has lapsed is allowed and
// records the release; releasing a captured one is [ErrHoldResolved].
func (p *Program) Release(a Account, c Customer, id string, now time.Time) (Account, Result, error) {
	op := "release:" + id
	if err := p.usable(op); err != nil {
		return a, Result{}, err
	}
	if id == "" {
		return a, Result{}, opErr(op, ErrInvalidInput, "hold id is required")
	}
	t, dup, err := p.begin(a, c.ID, op, OpRelease, "", now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	h, err := p.unresolvedHold(a, op, id)
	if err != nil {
		return a, Result{}, err
	}
	if err := t.add(Entry{Kind: Record, Order: h.order, Ref: h.op}); err != nil {
		return a, Result{}, err
	}
	acc, res := t.finish()
	return acc, res, nil
}

// unresolvedHold finds a hold neither captured nor released (it may have
// lapsed).
func (p *Program) unresolvedHold(a Account, op, id string) (*hold, error) {
	h, ok := a.holdOf(id)
	switch {
	case !ok:
		return nil, opErr(op, ErrUnknownHold, "no hold %q on this account", id)
	case h.state != holdOpen:
		return nil, opErr(op, ErrHoldResolved, "hold %q was %v", id, h.state)
	}
	return h, nil
}

func (h Hold) fingerprint() string {
	return newFingerprint('h').str(h.ID).str(h.Order).dec(h.Points).dec(h.OrderTotal).str(h.Currency).
		num(h.Until.UnixNano()).num(int64(h.Until.Year())).num(int64(h.For)).sum()
}
