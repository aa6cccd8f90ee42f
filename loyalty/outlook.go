package loyalty

import (
	"time"

	"github.com/shopspring/decimal"
)

// TierOutlook is where a customer stands against the programme's tiers at
// an instant, with no operation between now and then: what their tier
// window will hold, which tier it qualifies for, and whether a tier review
// run then would demote them. Package touch reads it to warn a customer
// whose tier is at risk, or who is close to the next one.
type TierOutlook struct {
	// At is the instant looked at.
	At time.Time
	// Tier is the account's tier; Qualifies the tier the window ending at
	// At qualifies for ("" for both without tiers).
	Tier, Qualifies string
	// WindowSpend and WindowOrders are what the tier window ending at At
	// holds of the orders already made: money paid net of refunds, and
	// orders not wholly returned.
	WindowSpend  decimal.Decimal
	WindowOrders int
	// Demote says that [Program.ReviewTier] at At would demote the
	// customer to Qualifies.
	Demote bool
}

// TierOutlook looks at the account's tier standing at the instant at
// (usually a future tier review, or now), as [Program.ReviewTier] would at
// that instant if no operation came before it. It reads the account and
// changes nothing.
func (p *Program) TierOutlook(a Account, at time.Time) (TierOutlook, error) {
	if err := p.bind(&a, "tier outlook"); err != nil {
		return TierOutlook{}, err
	}
	if err := checkTime("tier outlook", "at", at); err != nil {
		return TierOutlook{}, err
	}
	out := TierOutlook{At: at, Tier: a.tier}
	if len(p.cfg.Tiers) == 0 {
		return out, nil
	}
	scratch := a
	spend, n := p.window(&scratch, at)
	out.WindowSpend, out.WindowOrders = spend.Value(), n
	out.Qualifies = p.tierFor(spend, n)
	if a.tier != "" && p.tierRank(out.Qualifies) < p.tierRank(a.tier) {
		lapsed := p.lapsedAt(&scratch, at)
		out.Demote = !at.Before(addDays(lapsed, p.cfg.TierGraceDays, p.loc))
	}
	return out, nil
}
