package loyalty

import (
	"encoding/hex"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

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

// Rechain recomputes the hashes of entries in order, as a forger who
// knows the scheme would: what is left to catch a forgery is the fold's
// own checks and the head the host stored.
func Rechain(entries []Entry) {
	var head chainHash
	for i := range entries {
		entries[i].Hash = ""
		head = link(head, &entries[i])
		entries[i].Hash = hex.EncodeToString(head[:])
	}
}

// WindowSpend is the tier window's spend and orders at now, for the state
// machine's independent model.
func WindowSpend(p *Program, a Account, now time.Time) (decimal.Decimal, int) {
	s, n := p.window(&a, now)
	return s.Value(), n
}

// pow10 is 10^i for the property tests' ranges of coefficients.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// ReadAllFacts makes p compute every customer fact whether its rules
// read it or not, for tests comparing with what they read.
func ReadAllFacts(p *Program) {
	p.reads = factReads{balance: true, window: true, month: true, lifetime: true}
}

// FactsComputed names the costly customer facts p computes.
func FactsComputed(p *Program) []string {
	var out []string
	for _, f := range []struct {
		name string
		on   bool
	}{{"balance", p.reads.balance}, {"window", p.reads.window}, {"month", p.reads.month}, {"lifetime", p.reads.lifetime}} {
		if f.on {
			out = append(out, f.name)
		}
	}
	return out
}
