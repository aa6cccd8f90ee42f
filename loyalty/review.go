package loyalty

import "time"

// ReviewTier demotes a customer who no longer qualifies for their tier
// once TierGraceDays have passed since they stopped qualifying for it:
// since the refund that left them below it, or the instant an order rolled
// out of the tier window and took them below it (at now − grace they still
// keep it; from the deadline on they do not). A tier that a tier rule
// granted, which the window never qualified them for, is kept for the
// grace period from the promotion, then demoted to what the window
// qualifies for; the rule grants it again at the next purchase where it
// holds. Run it at period ends; running it again for the same now adds
// nothing (as with Expire, a further run at the same instant gets the id
// "review:<now>#2").
func (p *Program) ReviewTier(a Account, now time.Time) (Account, Result, error) {
	if err := p.usable("review"); err != nil {
		return a, Result{}, err
	}
	scratch := a
	q := p.qualifying(&scratch, now)
	demote := false
	if a.tier != "" && p.tierRank(q) < p.tierRank(a.tier) {
		lapsed := p.lapsedAt(&scratch, now)
		demote = !now.Before(addDays(lapsed, p.cfg.TierGraceDays, p.loc))
	}
	t, done, err := p.scheduled(a, scheduledOp("review:", now), OpReview, now, demote)
	if err != nil || done != nil {
		return a, deref(done), err
	}
	if err := t.add(Entry{Kind: Record}); err != nil {
		return a, Result{}, err
	}
	if err := t.add(Entry{Kind: TierChange, Tier: q}); err != nil {
		return a, Result{}, err
	}
	acc, res := t.finish()
	return acc, res, nil
}
