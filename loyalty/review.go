package loyalty

import "time"

// ReviewTier demotes a customer who no longer qualifies for their tier
// once TierGraceDays have passed since they last qualified for it (their
// promotion, or a purchase with which they still qualified). Run it at
// period ends; running it again for the same now adds nothing (as with
// Expire, a further run at the same instant gets the id "review:<now>#2").
func (p *Program) ReviewTier(a Account, now time.Time) (Account, Result, error) {
	if err := p.usable("review"); err != nil {
		return a, Result{}, err
	}
	scratch := a
	q := p.qualifying(&scratch, now)
	demote := a.tier != "" && p.tierRank(q) < p.tierRank(a.tier) && !now.Before(addDays(a.tierSince, p.cfg.TierGraceDays, p.loc))
	t, done, err := p.scheduled(a, "review:"+now.UTC().Format(time.RFC3339Nano), OpReview, now, demote)
	if err != nil || done != nil {
		return a, deref(done), err
	}
	if err := t.add(Entry{Kind: Record}); err != nil {
		return a, Result{}, err
	}
	if err := t.add(Entry{Kind: TierChange, Tier: q}); err != nil {
		return a, Result{}, err
	}
	return t.acc, t.result(), nil
}
