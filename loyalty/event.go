package loyalty

import (
	"time"

	"github.com/shopspring/decimal"
)

// Event evaluates the rules on a non-purchase event (registration,
// birthday, review, survey answered, a referred customer's first
// purchase…) and awards what they give. The event id makes it once-only:
// use "birthday-2026" to reward a birthday once a year.
func (p *Program) Event(a Account, c Customer, ev Event, now time.Time) (Account, Result, error) {
	op := "event:" + ev.ID
	if ev.ID == "" || ev.Kind == "" {
		return a, Result{}, opErr(op, ErrInvalidInput, "event id and kind are required")
	}
	fp := ev.fingerprint()
	t, dup, err := p.begin(a, op, OpEvent, fp, now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	if err := t.add(Entry{Kind: Record, Fingerprint: fp}); err != nil {
		return a, Result{}, err
	}
	f := p.facts(&t.acc, c, now)
	f.Event = EventFacts{Kind: ev.Kind, Attributes: ev.Attributes}
	out, err := p.rules.Eval(f)
	if err != nil {
		return a, Result{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	t.annotate(decimal.Decimal{}, out.Gifts)
	if err := p.earn(t, out, p.roundPoints(out.Points), ""); err != nil {
		return a, Result{}, err
	}
	if err := p.promote(t, out, "", now); err != nil {
		return a, Result{}, err
	}
	r := t.result()
	r.Trace = out.Trace
	return t.acc, r, nil
}
