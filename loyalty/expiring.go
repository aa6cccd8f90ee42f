package loyalty

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// ExpiringPoints are points that will expire together, at At, unless
// they are spent first.
type ExpiringPoints struct {
	At     time.Time
	Points decimal.Decimal
}

// Expiring lists the points that will expire after now and by until,
// soonest first, grouped by expiry instant: what a shop shows as "200
// points expire on 31 March". Pending points are included (they expire
// all the same); points already past their expiry are Balance's
// Expiring until [Program.Expire] runs.
func (a Account) Expiring(now, until time.Time) []ExpiringPoints {
	type due struct {
		at  time.Time
		pts units
	}
	var lots []due
	for l := range a.expiringBy(until) {
		if l.expiresAt.After(now) {
			lots = append(lots, due{l.expiresAt, l.remaining})
		}
	}
	slices.SortStableFunc(lots, func(x, y due) int { return x.at.Compare(y.at) })
	var out []ExpiringPoints
	for k := 0; k < len(lots); {
		sum, j := lots[k].pts, k+1
		for ; j < len(lots) && lots[j].at.Equal(lots[k].at); j++ {
			sum += lots[j].pts
		}
		out = append(out, ExpiringPoints{At: lots[k].at, Points: toDecimal(sum, a.places)})
		k = j
	}
	return out
}
