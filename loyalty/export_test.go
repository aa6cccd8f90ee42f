package loyalty

import "slices"

// OpenLotOrder returns the ids of the open lots as openLots yields them
// and as sorting all of them by redeemOrder gives them, for tests.
func OpenLotOrder(a Account) (walked, sorted []string) {
	var all []*lot
	for l := range a.openLots() {
		walked = append(walked, l.id)
	}
	for i := range a.lots.Len() {
		if l := a.lots.Ptr(i); l.remaining > 0 {
			all = append(all, l)
		}
	}
	slices.SortStableFunc(all, redeemOrder)
	for _, l := range all {
		sorted = append(sorted, l.id)
	}
	return walked, sorted
}
