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
	if err := p.usable(op); err != nil {
		return a, Result{}, err
	}
	if ev.Kind == OccasionPurchase {
		return a, Result{}, opErr(op, ErrInvalidInput, "an event cannot be of kind %q: purchases are Purchase", ev.Kind)
	}
	if ev.ID == "" || ev.Kind == "" {
		return a, Result{}, opErr(op, ErrInvalidInput, "event id and kind are required")
	}
	if err := ev.Grants.check(); err != nil {
		return a, Result{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	t, dup, err := p.begin(a, c.ID, op, OpEvent, ev.fingerprint(), now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	f := p.facts(&t.acc, c, now, ev.Kind)
	f.Event = EventFacts{Kind: ev.Kind, Attributes: ev.Attributes}
	f.grants = ev.Grants
	out, err := p.evaluate(op, f)
	if err != nil {
		return a, Result{}, err
	}
	if err := t.add(Entry{Kind: Record, Gifts: out.Gifts, Uses: p.ruleUses(out), Fingerprint: t.fp}); err != nil {
		return a, Result{}, err
	}
	if err := p.earn(t, out, p.roundPoints(out.Points), ""); err != nil {
		return a, Result{}, err
	}
	if err := p.promote(t, out, "", now); err != nil {
		return a, Result{}, err
	}
	acc, r := t.finish()
	r.Trace, r.RuleFailures = out.Trace, out.Failures
	if acc.scratch != scratchNoEntries { // Earned is read from the entries
		r.Earned = p.earnings(out, r.Entries, decimal.Zero, decimal.Zero)
	}
	return acc, r, nil
}
