package touch

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/internal/idsort"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// Planner is a compiled [Config]: it makes the day's [Plan]. It is
// immutable and safe for concurrent use.
type Planner struct {
	cfg      Config
	loc      *time.Location
	rules    []compiledRule
	ruleKey  map[string]int // rule id → its cool-down key
	tiers    []loyalty.Tier
	tierRank map[string]int
	horizon  int // the days of past contacts that matter
}

// Compile checks cfg (an [*InputError] naming the field) and compiles its
// touch rules (a rules error naming the rule and the line:column; every
// problem at once).
func Compile(cfg Config) (*Planner, error) {
	const fn = "Compile"
	if err := cfg.validate(fn); err != nil {
		return nil, err
	}
	crs, err := compileRules(fn, cfg.Rules)
	if err != nil {
		return nil, err
	}
	p := &Planner{cfg: cfg, loc: cfg.Location, rules: crs, ruleKey: map[string]int{}}
	// Copies of the parts, so that changing the Config after Compile
	// changes nothing here.
	p.cfg.Rules = slices.Clone(cfg.Rules)
	p.cfg.Birthday, p.cfg.Anniversary, p.cfg.Expiring = clone(cfg.Birthday), clone(cfg.Anniversary), clone(cfg.Expiring)
	p.cfg.Lapsed, p.cfg.Dormant, p.cfg.TierAtRisk = clone(cfg.Lapsed), clone(cfg.Dormant), clone(cfg.TierAtRisk)
	p.cfg.NearTier, p.cfg.NearSegment = clone(cfg.NearTier), clone(cfg.NearSegment)
	if p.loc == nil {
		p.loc = time.UTC
		if cfg.Program != nil {
			p.loc = cfg.Program.Location()
		}
	}
	for i, r := range crs {
		p.ruleKey[r.ID] = int(numReasons) + i
	}
	if cfg.Program != nil {
		p.tiers = cfg.Program.Config().Tiers
		p.tierRank = map[string]int{}
		for i, t := range p.tiers {
			p.tierRank[t.Name] = i
		}
	}
	p.horizon = cfg.Limits.PeriodDays
	for r := Birthday; r < RuleMatched; r++ {
		if p.on(r) {
			p.horizon = max(p.horizon, p.cfg.coolDown(r))
		}
	}
	for _, r := range crs {
		p.horizon = max(p.horizon, r.CoolDownDays)
	}
	return p, nil
}

// clone is a copy of *x, or nil.
func clone[T any](x *T) *T {
	if x == nil {
		return nil
	}
	c := *x
	return &c
}

// on reports whether a built-in reason is switched on.
func (p *Planner) on(r Reason) bool {
	c := &p.cfg
	switch r {
	case Birthday:
		return c.Birthday != nil
	case Anniversary:
		return c.Anniversary != nil
	case Expiring:
		return c.Expiring != nil
	case Lapsed:
		return c.Lapsed != nil
	case Dormant:
		return c.Dormant != nil
	case TierAtRisk:
		return c.TierAtRisk != nil
	case NearTier:
		return c.NearTier != nil
	case NearSegment:
		return c.NearSegment != nil
	}
	return false
}

// Location is the zone the planner reads dates in.
func (p *Planner) Location() *time.Location { return p.loc }

// Plan is whom to contact on a day, most valuable first.
//
// A touch's value is the customer's Value plus, when points expiring is
// among its reasons, PointValue × those points: the money the customer is
// worth plus the money the reminder puts back in play. Touches are ranked
// by value, highest first, then by customer id; the first Limits.Daily
// are listed. The ranking is a total order on the customers, so the plan
// does not depend on the order of the customers or contacts given.
type Plan struct {
	AsOf    time.Time
	Touches []Touch
	// Candidates is how many customers had at least one reason before
	// cool-downs and limits; CooledDown how many reasons a cool-down
	// removed; OverLimit how many customers Limits.PerCustomer left out,
	// OverCap how many Limits.Daily did.
	Candidates, CooledDown, OverLimit, OverCap int
	// Failures are the touch rules and the segmentation that failed at run
	// time for some customers (those customers were judged without them),
	// in rule order, the segmentation last.
	Failures []Failure
}

// Touch is one customer to contact, the reasons and the value that put
// them on the list.
type Touch struct {
	Customer string          `json:"customer"`
	Value    decimal.Decimal `json:"value"`
	Why      []Why           `json:"why"`
}

// Contacts is the touch as the host records it once made: one contact per
// reason, at at.
func (t Touch) Contacts(at time.Time) []Contact {
	out := make([]Contact, len(t.Why))
	for i, w := range t.Why {
		out[i] = Contact{Customer: t.Customer, At: at, Reason: w.Reason, Rule: w.Rule}
	}
	return out
}

// Failure is a touch rule (or the segmentation, Rule "segment") that
// failed at run time: for how many customers, and the error for the first
// of them in input order.
type Failure struct {
	Rule      string
	Customers int
	First     error
}

// Count is how many touches of a plan have a reason (and rule).
type Count struct {
	Reason  Reason
	Rule    string
	Touches int
}

// Counts counts the plan's touches by reason, in reason order (touch rules
// by id).
func (p Plan) Counts() []Count {
	var out []Count
	for _, t := range p.Touches {
		for _, w := range t.Why {
			i := slices.IndexFunc(out, func(c Count) bool { return c.Reason == w.Reason && c.Rule == w.Rule })
			if i < 0 {
				out = append(out, Count{Reason: w.Reason, Rule: w.Rule})
				i = len(out) - 1
			}
			out[i].Touches++
		}
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(a.Reason, b.Reason), cmp.Compare(a.Rule, b.Rule)) })
	return out
}

// pastIndex is the past contacts of each customer, by input index: the
// contacts of customer i are pairs[at[i]-1 …] while their customer is i
// (at[i] = 0: none). It is made by sorting the customers' ids together
// with the contacts' (the sort that finds repeated customer ids anyway),
// so that no customer is looked up by id.
type pastIndex struct {
	at    []int32
	pairs []pastPair
}

type pastPair struct {
	customer int32
	contactDay
}

// of is customer i's past contacts.
func (x *pastIndex) of(i int) []pastPair {
	if len(x.at) == 0 || x.at[i] == 0 {
		return nil
	}
	lo := int(x.at[i]) - 1
	hi := lo
	for hi < len(x.pairs) && x.pairs[hi].customer == int32(i) {
		hi++
	}
	return x.pairs[lo:hi]
}

// contactDay is a past contact as the plan uses it: its day and its
// cool-down key (a reason, numReasons + a rule's index, or −1 for a rule
// the planner does not know).
type contactDay struct {
	day int32
	key int32
}

// Plan makes the plan for the day of asOf (in the programme's zone) from
// the customers and the host's record of past contacts (contacts after
// asOf, and those too old to matter, are ignored). It changes neither.
//
// An empty or repeated customer id, a nested ID (Profile, Rhythm, Summary)
// that is not the customer's, a summary in another time unit than the
// Dormant model, an account under another programme, or a contact without
// a customer, an instant or a valid reason is an error naming the field
// (customers[i]… or contacts[i]…).
func (p *Planner) Plan(asOf time.Time, customers []Customer, contacts []Contact) (Plan, error) {
	const fn = "Plan"
	if asOf.IsZero() {
		return Plan{}, inputErr(fn, "asOf", "is zero")
	}
	j := p.newJudge(asOf)
	past, err := p.index(asOf, j.today, contacts)
	if err != nil {
		return Plan{}, err
	}
	if j.past, err = join(customers, past); err != nil {
		return Plan{}, err
	}

	workers := max(1, min(p.cfg.Workers, len(customers)/1024+1))
	parts := make([]part, workers)
	if workers == 1 {
		parts[0] = j.judgeAll(customers, 0, len(customers)) // in the caller's goroutine
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			lo, hi := w*len(customers)/workers, (w+1)*len(customers)/workers
			wg.Add(1)
			go func() {
				defer wg.Done()
				parts[w] = j.judgeAll(customers, lo, hi)
			}()
		}
		wg.Wait()
	}

	plan := Plan{AsOf: asOf}
	cands := parts[0].cands
	fails := make([]failAcc, len(p.rules)+1)
	for w, pt := range parts {
		if pt.err != nil {
			return Plan{}, pt.err // the first part's error is the earliest customer's
		}
		if w > 0 {
			cands = append(cands, pt.cands...)
		}
		plan.Candidates += pt.candidates
		plan.CooledDown += pt.cooled
		plan.OverLimit += pt.overLimit
		for k, f := range pt.fails {
			if f.n > 0 && fails[k].n == 0 {
				fails[k].first, fails[k].at = f.first, f.at
			}
			fails[k].n += f.n
		}
	}
	for k, f := range fails {
		if f.n == 0 {
			continue
		}
		name := "segment"
		if k < len(p.rules) {
			name = p.rules[k].ID
		}
		plan.Failures = append(plan.Failures, Failure{Rule: name, Customers: f.n, First: f.first})
	}
	// The most valuable first, ties by id: a total order on the customers.
	better := func(a, b *candidate) bool {
		if c := a.value.Cmp(b.value); c != 0 {
			return c > 0
		}
		return customers[a.i].ID < customers[b.i].ID
	}
	top := topN(cands, p.cfg.Limits.Daily, better)
	plan.OverCap = len(cands) - len(top)
	// The reasons of those listed, found again in full (the first pass
	// kept only which ones, to judge a million customers without keeping
	// a million lists of reasons).
	plan.Touches = make([]Touch, len(top))
	spare := part{fails: make([]failAcc, len(p.rules)+1)}
	for k, c := range top {
		why, _, err := j.reasons(&customers[c.i], int(c.i), nil, 0, &spare)
		if err != nil {
			return Plan{}, err
		}
		kept := why[:0]
		for _, w := range why {
			if c.keys.has(p.key(w)) {
				kept = append(kept, w)
			}
		}
		plan.Touches[k] = Touch{Customer: customers[c.i].ID, Value: c.value, Why: kept}
	}
	return plan, nil
}

// pastContact is a contact that matters to the plan.
type pastContact struct {
	customer string
	contactDay
}

// index validates the contacts and keeps those within the horizon before
// today, up to asOf.
func (p *Planner) index(asOf time.Time, today int, contacts []Contact) ([]pastContact, error) {
	const fn = "Plan"
	var past []pastContact
	for i, c := range contacts {
		field := func(f string) string { return fmt.Sprintf("contacts[%d].%s", i, f) }
		switch {
		case c.Customer == "":
			return nil, inputErr(fn, field("Customer"), "is empty")
		case c.At.IsZero():
			return nil, inputErr(fn, field("At"), "is zero (customer %q)", c.Customer)
		case !c.Reason.valid():
			return nil, inputErr(fn, field("Reason"), "%v is not a reason (customer %q)", c.Reason, c.Customer)
		case c.Reason == RuleMatched && c.Rule == "":
			return nil, inputErr(fn, field("Rule"), "is empty for a rule contact (customer %q)", c.Customer)
		}
		day := calendar.DayIndex(c.At, p.loc)
		if c.At.After(asOf) || today-day >= p.horizon {
			continue
		}
		key := int32(c.Reason)
		if c.Reason == RuleMatched {
			key = -1
			if k, ok := p.ruleKey[c.Rule]; ok {
				key = int32(k)
			}
		}
		past = append(past, pastContact{c.Customer, contactDay{day: int32(day), key: key}})
	}
	return past, nil
}

// join checks the customers' ids (not empty, not repeated) and gives each
// customer their past contacts, by sorting all the ids at once: a
// contact's customer is the customer whose id sorts next to it.
func join(customers []Customer, past []pastContact) (*pastIndex, error) {
	const fn = "Plan"
	n := len(customers)
	ids := make([]string, n+len(past))
	for i := range customers {
		if customers[i].ID == "" {
			return nil, inputErr(fn, fmt.Sprintf("customers[%d].ID", i), "is empty")
		}
		ids[i] = customers[i].ID
	}
	for k, c := range past {
		ids[n+k] = c.customer
	}
	srt, _ := idsort.Sort(ids)
	x := &pastIndex{}
	if len(past) > 0 {
		x.at = make([]int32, n)
		x.pairs = make([]pastPair, 0, len(past))
	}
	cust := -1 // the customer of the current run of equal ids
	for k := range srt.Len() {
		i := int(srt.Index(k))
		if k == 0 || !srt.Equal(k) {
			cust = -1
		}
		switch {
		case i < n && cust >= 0: // customers come first in a run: the sort is stable
			return nil, inputErr(fn, fmt.Sprintf("customers[%d].ID", i), "%q repeats customers[%d]", ids[i], cust)
		case i < n:
			cust = i
		case cust >= 0:
			if x.at[cust] == 0 {
				x.at[cust] = int32(len(x.pairs) + 1)
			}
			x.pairs = append(x.pairs, pastPair{int32(cust), past[i-n].contactDay})
		}
	}
	return x, nil
}

// judge is what judging a customer needs on the plan's day.
type judge struct {
	p          *Planner
	now        time.Time // asOf in the programme's zone
	today      int       // its day number (calendar.DayIndex)
	y          int       // its year
	expUntil   time.Time // the end of the expiry window
	review     time.Time // the next tier review
	reviewDays int       // days from today to it
	past       *pastIndex
}

func (p *Planner) newJudge(asOf time.Time) *judge {
	now := asOf.In(p.loc)
	y, m, d := now.Date()
	j := &judge{p: p, now: now, today: calendar.DayIndex(asOf, p.loc), y: y}
	if e := p.cfg.Expiring; e != nil {
		j.expUntil = calendar.DayStart(y, m, d+e.Days+1, p.loc)
	}
	if r := p.cfg.TierAtRisk; r != nil {
		j.review = calendar.PeriodStart(now, r.ReviewMonths, 1)
		j.reviewDays = calendar.DayIndex(j.review, p.loc) - j.today
	}
	return j
}

// candidate is a customer with reasons left after cool-downs and the
// per-customer limit: which ones (their cool-down keys), and the value.
type candidate struct {
	i     int32
	keys  keySet
	value decimal.Decimal
}

// keySet is a set of cool-down keys: the built-in reasons and the rules
// (numReasons + the rule's index; at most maxRules rules).
type keySet [2]uint64

const maxRules = 128 - int(numReasons)

func (s *keySet) add(k int)     { s[k/64] |= 1 << (k % 64) }
func (s keySet) has(k int) bool { return s[k/64]&(1<<(k%64)) != 0 }

// key is a reason's cool-down key.
func (p *Planner) key(w Why) int {
	if w.Reason == RuleMatched {
		return p.ruleKey[w.Rule]
	}
	return int(w.Reason)
}

// part is what one worker found among customers[lo:hi], and the facts
// it fills for the touch rules, one customer after the other.
type part struct {
	cands                         []candidate
	candidates, cooled, overLimit int
	fails                         []failAcc
	err                           error
	facts                         Facts
}

// topN returns the n best candidates, best first: a bounded heap whose
// root is the worst kept, so that most candidates cost one comparison.
func topN(cands []candidate, n int, better func(a, b *candidate) bool) []candidate {
	if len(cands) <= n {
		slices.SortFunc(cands, func(a, b candidate) int { return cmpBy(better, &a, &b) })
		return cands
	}
	h := slices.Clone(cands[:n])
	worse := func(i, j int) bool { return better(&h[j], &h[i]) }
	down := func(i int) {
		for {
			w := i
			if l := 2*i + 1; l < n && worse(l, w) {
				w = l
			}
			if r := 2*i + 2; r < n && worse(r, w) {
				w = r
			}
			if w == i {
				return
			}
			h[i], h[w] = h[w], h[i]
			i = w
		}
	}
	for i := n/2 - 1; i >= 0; i-- {
		down(i)
	}
	for k := n; k < len(cands); k++ {
		if better(&cands[k], &h[0]) {
			h[0] = cands[k]
			down(0)
		}
	}
	slices.SortFunc(h, func(a, b candidate) int { return cmpBy(better, &a, &b) })
	return h
}

func cmpBy(better func(a, b *candidate) bool, a, b *candidate) int {
	switch {
	case better(a, b):
		return -1
	case better(b, a):
		return 1
	}
	return 0
}

type failAcc struct {
	n     int
	first error
	at    int
}

// judgeAll judges customers[lo:hi] in order; it stops at the first error.
func (j *judge) judgeAll(customers []Customer, lo, hi int) part {
	pt := part{fails: make([]failAcc, len(j.p.rules)+1), cands: make([]candidate, 0, (hi-lo)/8+16)}
	var scratch []Why
	for i := lo; i < hi; i++ {
		c := &customers[i]
		why, ex, err := j.reasons(c, i, scratch[:0], 0, &pt)
		scratch = why
		if err != nil {
			pt.err = err
			return pt
		}
		if len(why) == 0 {
			continue
		}
		pt.candidates++
		kept, ok := j.limit(i, why, &pt)
		if !ok {
			continue
		}
		cand := candidate{i: int32(i), value: c.Value}
		for _, w := range kept {
			cand.keys.add(j.p.key(w))
			if w.Reason == Expiring && j.p.cfg.PointValue.IsPositive() {
				cand.value = cand.value.Add(ex.expiring.Mul(j.p.cfg.PointValue))
			}
		}
		pt.cands = append(pt.cands, cand)
	}
	return pt
}

// limit applies the cool-downs and the per-customer limit to a
// customer's reasons: it keeps them in place (why[:len(kept)]), or
// returns false.
func (j *judge) limit(i int, why []Why, pt *part) ([]Why, bool) {
	past := j.past.of(i)
	if len(past) == 0 && j.p.cfg.Limits.PerCustomer >= 1 {
		return why, true // no contact: nothing cools down, and today is the one touch
	}
	kept := why[:0]
	for _, w := range why {
		key, cd := int32(w.Reason), 0
		if w.Reason == RuleMatched {
			k := j.p.ruleKey[w.Rule]
			key, cd = int32(k), j.p.rules[k-int(numReasons)].CoolDownDays
		} else {
			cd = j.p.cfg.coolDown(w.Reason)
		}
		cooling := false
		for _, c := range past {
			if c.key == key && j.today-int(c.day) < cd {
				cooling = true
				break
			}
		}
		if cooling {
			pt.cooled++
			continue
		}
		kept = append(kept, w)
	}
	if len(kept) == 0 {
		return nil, false
	}
	// Touch days within the period, today's included whether or not the
	// customer was already contacted today.
	period := j.p.cfg.Limits.PeriodDays
	var buf [16]int32
	days := append(buf[:0], int32(j.today))
	for _, c := range past {
		if j.today-int(c.day) < period && !slices.Contains(days, c.day) {
			days = append(days, c.day)
		}
	}
	if len(days) > j.p.cfg.Limits.PerCustomer {
		pt.overLimit++
		return nil, false
	}
	return kept, true
}
