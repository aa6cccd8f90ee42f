package loyalty

import (
	"fmt"
	"slices"
	"time"
)

// Reversal takes back what an event gave: a referral reward whose
// qualifying order was refunded (campaign's Clawback), a review reward
// for a review the shop removed. ID makes it once-only (a campaign
// Clawback's Entry is a good one); Event is the event's id (Event.ID).
type Reversal struct {
	ID    string `json:"id"`
	Event string `json:"event"`
}

func (r Reversal) fingerprint() string {
	return newFingerprint('v').str(r.ID).str(r.Event).sum()
}

// Reverse takes back what event r.Event gave the customer: the points it
// earned, from its own lots first, then from others (soonest to expire
// first), and what the customer has already spent becomes debt or is
// written off, by the programme's policy (as a refund does); its gifts are
// listed in Result.GiftsBack. An event is reversed once: another reversal
// of it is [ErrReversed]; an event the account never recorded is
// [ErrUnknownEvent]. A tier the event's rules granted is not taken back
// here (the next [Program.ReviewTier] decides it), and the event's uses
// of limited rules still count: a reward taken back does not free its
// limit.
func (p *Program) Reverse(a Account, c Customer, r Reversal, now time.Time) (Account, Result, error) {
	op := opPrefixes[OpReverse] + r.ID
	if err := p.usable(op); err != nil {
		return a, Result{}, err
	}
	if r.ID == "" || r.Event == "" {
		return a, Result{}, opErr(op, ErrInvalidInput, "reversal id and event are required")
	}
	t, dup, err := p.begin(a, c.ID, op, OpReverse, r.fingerprint(), now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	evOp := opPrefixes[OpEvent] + r.Event
	ev, ok := a.op(evOp)
	switch {
	case !ok || ev.kind != OpEvent:
		return a, Result{}, opErr(op, ErrUnknownEvent, "event %q was never recorded on this account", r.Event)
	case ev.reversedBy != 0:
		return a, Result{}, opErr(op, ErrReversed, "event %q was reversed by %s", r.Event, a.opList.At(ev.reversedBy-1).id)
	}
	if err := t.add(Entry{Kind: Record, Ref: evOp, Gifts: ev.gifts, Fingerprint: t.fp}); err != nil {
		return a, Result{}, opCause(op, ErrInvalidInput, err)
	}
	if ev.points > 0 {
		if err := p.claw(t, t.acc.opLots(evOp), ev.points, "", evOp); err != nil {
			return a, Result{}, err
		}
	}
	acc, res := t.finish()
	return acc, res, nil
}

// reversal folds the record of a reversal: the event it names is reversed
// by it, once, and the gifts it lists are the event's.
func (f *fold) reversal(e *Entry) error {
	a := f.a
	k, ok := a.opIndex(e.Ref)
	if !ok || a.opList.At(k).kind != OpEvent {
		return fmt.Errorf("%w: reversal %s names %q, which is not an event on the account", ErrUnknownEvent, e.Op, e.Ref)
	}
	ev := f.mutOp(k)
	switch {
	case ev.reversedBy != 0:
		return fmt.Errorf("%w: %s reverses %s a second time", ErrReversed, e.Op, e.Ref)
	case !slices.Equal(e.Gifts, ev.gifts):
		return fmt.Errorf("reversal %s takes back gifts %q, event %s gave %q", e.Op, e.Gifts, e.Ref, ev.gifts)
	}
	ev.reversedBy = a.opList.Len() // 1 + the index of the reversal's record, the last
	return nil
}

// takeBackEvent counts pts more points taken back (reversed, recorded as
// debt or written off) for the event a reversal's entry names: never
// more than the event earned, and only by the reversal of it.
func (f *fold) takeBackEvent(e *Entry, pts units) error {
	a := f.a
	k, ok := a.opIndex(e.Ref)
	if !ok || a.opList.At(k).reversedBy != a.opList.Len() {
		return fmt.Errorf("%s takes back points for %q, which it does not reverse", e.Op, e.Ref)
	}
	ev := f.mutOp(k)
	if pts > ev.points-ev.takenBack {
		return fmt.Errorf("takes back %s points for %s, which has %s earned and not taken back",
			toDecimal(pts, a.places), e.Ref, toDecimal(ev.points-ev.takenBack, a.places))
	}
	ev.takenBack += pts
	return nil
}
