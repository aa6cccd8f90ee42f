package loyalty

import "time"

// Redeem spends available points (never pending ones, nor ones past their
// expiry), soonest to expire first.
func (p *Program) Redeem(a Account, c Customer, r Redemption, now time.Time) (Account, Result, error) {
	op := "redeem:" + r.ID
	pol := p.cfg.Redemption
	switch {
	case r.ID == "":
		return a, Result{}, opErr(op, ErrInvalidInput, "redemption id is required")
	case !r.Points.IsPositive():
		return a, Result{}, opErr(op, ErrInvalidInput, "points %s must be positive", r.Points)
	case !r.Points.Equal(r.Points.RoundDown(p.cfg.PointsPlaces)):
		return a, Result{}, opErr(op, ErrInvalidInput, "points %s have more than %d decimal places", r.Points, p.cfg.PointsPlaces)
	case r.Points.GreaterThan(p.dec(maxUnits)):
		return a, Result{}, opErr(op, ErrInvalidInput, "points %s are more than the ledger holds", r.Points)
	case r.OrderTotal.IsNegative():
		return a, Result{}, opErr(op, ErrInvalidInput, "order total %s is negative", r.OrderTotal)
	}
	if err := p.checkCurrency(op, r.Currency); err != nil {
		return a, Result{}, err
	}
	fp := r.fingerprint()
	t, dup, err := p.begin(a, op, OpRedeem, fp, now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	want, _ := p.units(r.Points) // checked above
	b := a.balance(now)
	net := b.available - a.debt
	netPoints := p.dec(net)
	money := r.Points.Mul(pol.PointValue)
	switch {
	case !pol.PointValue.IsPositive():
		return a, Result{}, opErr(op, ErrPolicy, "the programme has no point value: redemption is off")
	case want > net:
		return a, Result{}, opErr(op, ErrInsufficientPoints, "%s asked, %s available (%s pending)", r.Points, netPoints,
			p.dec(b.pending))
	case netPoints.LessThan(pol.MinBalance):
		return a, Result{}, opErr(op, ErrPolicy, "available balance %s is below the minimum %s", netPoints, pol.MinBalance)
	case r.OrderTotal.IsPositive() && pol.MaxShare.IsPositive() && money.GreaterThan(r.OrderTotal.Mul(pol.MaxShare)):
		return a, Result{}, opErr(op, ErrPolicy, "paying %s with points is more than the maximum share %s of the order %s", money, pol.MaxShare, r.OrderTotal)
	}
	if err := t.add(Entry{Kind: Record, Money: money, Fingerprint: fp}); err != nil {
		return a, Result{}, err
	}
	lots := func(yield func(*lot) bool) {
		for l := range t.acc.openLots() {
			if !now.Before(l.availableAt) && (l.expiresAt.IsZero() || now.Before(l.expiresAt)) && !yield(l) {
				return
			}
		}
	}
	if _, err := t.take(lots, want, Redeem, ""); err != nil {
		return a, Result{}, err
	}
	res := t.result()
	res.Discount = money
	return t.acc, res, nil
}

// CancelRedemption undoes redemption id (the order it paid for was
// cancelled): the points go back into the lots they came from, with those
// lots' expiry (points whose lot has expired since are past expiry again,
// and the next Expire run takes them), and any debt is paid from them
// first. Result.Points is the points restored; Result.Discount the money
// the redemption had paid, now owed again. The operation id is
// "unredeem:<id>": cancelling twice returns the first result.
func (p *Program) CancelRedemption(a Account, c Customer, id string, now time.Time) (Account, Result, error) {
	op := "unredeem:" + id
	if id == "" {
		return a, Result{}, opErr(op, ErrInvalidInput, "redemption id is required")
	}
	t, dup, err := p.begin(a, op, OpCancelRedemption, "", now)
	if err != nil || dup != nil {
		return a, deref(dup), err
	}
	rec, ok := a.op("redeem:" + id)
	if !ok {
		return a, Result{}, opErr(op, ErrUnknownRedemption, "no redemption %q on this account", id)
	}
	redeemed := a.opEntries(rec)
	if err := t.add(Entry{Kind: Record, Money: redeemed[0].Money, Discount: redeemed[0].Money}); err != nil {
		return a, Result{}, err
	}
	for _, e := range redeemed {
		if e.Kind != Redeem {
			continue
		}
		back := Entry{Kind: Restore, Points: e.Points.Neg(), Lot: e.Lot}
		if err := t.add(back); err != nil {
			return a, Result{}, err
		}
		pts, _ := p.units(back.Points)
		if err := p.repayDebt(t, e.Lot, pts, ""); err != nil {
			return a, Result{}, err
		}
	}
	return t.acc, t.result(), nil
}
