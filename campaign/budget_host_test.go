package campaign_test

import (
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/campaign"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// This file checks the host pattern the package documentation gives for
// sharing one budget between several servers:
//
//  1. read the budget's state and version (a cached copy may be stale);
//  2. Reserve (or Release) on it;
//  3. in ONE transaction: insert the budget's entries and the customers'
//     award rows, and write the new budget WHERE its version is still the
//     one read in 1;
//  4. if no row matched, re-read and start again.
//
// The store below is that database: a compare-and-set on the version and
// unique keys on entry ids. Servers prepare operations on whatever copy
// they last read and commit them later, so any interleaving of reads,
// prepares and commits across servers can happen.

// store is the host's database.
type store struct {
	budget  campaign.Budget // the budget row (a snapshot would do as well)
	version int64
	entries []campaign.Entry
	ids     map[string]bool
	// awards are the customers' side: reservation id → points awarded
	// (net of what was released), written in the same transaction.
	awards map[string]decimal.Decimal
}

// pending is an operation a server has prepared on its copy.
type pending struct {
	read    int64 // the version it was prepared on
	budget  campaign.Budget
	entries []campaign.Entry
	resID   string
	delta   decimal.Decimal // change to the award of resID
}

// commit is step 3: all or nothing, conditional on the version.
func (s *store) commit(p pending) bool {
	if s.version != p.read {
		return false
	}
	for _, e := range p.entries {
		if s.ids[e.ID] {
			return false // the unique key refuses it: roll back
		}
	}
	for _, e := range p.entries {
		s.ids[e.ID] = true
	}
	s.entries = append(s.entries, p.entries...)
	s.budget, s.version = p.budget, p.budget.Version()
	if p.resID != "" {
		s.awards[p.resID] = s.awards[p.resID].Add(p.delta)
	}
	return true
}

// budgetModel is the reference: what a single, serial budget would grant,
// given the operations in commit order.
type budgetModel struct {
	total, perDay decimal.Decimal
	granted       decimal.Decimal
	byDay         map[string]decimal.Decimal
	grants        map[string]decimal.Decimal // reservation → net granted
	day           map[string]string
}

func (m *budgetModel) reserve(id string, asked decimal.Decimal, at time.Time) decimal.Decimal {
	if g, ok := m.grants[id]; ok {
		return g
	}
	day := at.UTC().Format(time.DateOnly)
	left := decimal.Min(m.total.Sub(m.granted), m.perDay.Sub(m.byDay[day]))
	g := decimal.Max(decimal.Zero, decimal.Min(asked, left))
	m.grants[id], m.day[id] = g, day
	m.granted = m.granted.Add(g)
	m.byDay[day] = m.byDay[day].Add(g)
	return g
}

func (m *budgetModel) release(id string) {
	g := m.grants[id]
	m.granted = m.granted.Sub(g)
	m.byDay[m.day[id]] = m.byDay[m.day[id]].Sub(g)
	m.grants[id] = decimal.Zero
}

func checkBudgetHostPattern(t *rapid.T) {
	cfg := campaign.BudgetConfig{ID: "march", Unit: campaign.Points,
		Total:     decimal.NewFromInt(int64(rapid.IntRange(1, 300).Draw(t, "total"))),
		PerPeriod: decimal.NewFromInt(int64(rapid.IntRange(1, 200).Draw(t, "perDay"))), Period: campaign.Day, TimeZone: "UTC"}
	empty, err := campaign.NewBudget(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := &store{budget: empty, ids: map[string]bool{}, awards: map[string]decimal.Decimal{}}
	model := &budgetModel{total: cfg.Total, perDay: cfg.PerPeriod, byDay: map[string]decimal.Decimal{},
		grants: map[string]decimal.Decimal{}, day: map[string]string{}}
	servers := rapid.IntRange(2, 5).Draw(t, "servers")
	copies := make([]campaign.Budget, servers) // each server's last read
	reads := make([]int64, servers)
	for i := range copies {
		copies[i] = empty
	}
	queue := make([][]pending, servers) // prepared, not yet committed
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var reserved []string // reservation ids asked so far
	asked := map[string]decimal.Decimal{}
	released := map[string]bool{}
	// commitOrder replays, in the reference model, what the store accepted.
	apply := func(p pending) {
		for _, e := range p.entries {
			switch e.Kind {
			case campaign.GrantEntry:
				id := e.Op[len("reserve:"):]
				if want := model.reserve(id, e.Asked, e.At); !want.Equal(e.Amount) {
					t.Fatalf("reservation %s granted %s, a serial budget grants %s", id, e.Amount, want)
				}
			case campaign.ReleaseEntry:
				model.release(e.Ref[len("reserve:"):])
			}
		}
	}
	t.Repeat(map[string]func(*rapid.T){
		"read": func(t *rapid.T) {
			s := rapid.IntRange(0, servers-1).Draw(t, "server")
			// A server catches up by folding the entries after its copy.
			var err error
			copies[s], err = copies[s].Resume(db.entries[reads[s]:])
			if err != nil {
				t.Fatal(err)
			}
			reads[s] = db.version
		},
		"reserve": func(t *rapid.T) {
			s := rapid.IntRange(0, servers-1).Draw(t, "server")
			var id string
			if len(reserved) > 0 && rapid.Bool().Draw(t, "retry") {
				id = rapid.SampledFrom(reserved).Draw(t, "id") // a webhook delivered again
			} else {
				id = fmt.Sprintf("o%d/bonus", len(reserved))
				reserved = append(reserved, id)
				asked[id] = decimal.NewFromInt(int64(rapid.IntRange(1, 80).Draw(t, "amount")))
			}
			nb, g, err := copies[s].Reserve(campaign.Reservation{ID: id, Amount: asked[id], Customer: "c" + id}, now)
			if err != nil {
				t.Fatal(err)
			}
			p := pending{read: reads[s], budget: nb, entries: g.Entries, resID: id}
			if !g.Duplicate {
				p.delta = g.Amount
			}
			queue[s] = append(queue[s], p)
		},
		"release": func(t *rapid.T) {
			if len(reserved) == 0 {
				return // not applicable now: a no-op (a skip here can leave a fuzzed run with no action to take)
			}
			s := rapid.IntRange(0, servers-1).Draw(t, "server")
			id := rapid.SampledFrom(reserved).Draw(t, "id")
			_, ok := copies[s].Reservation(id)
			if !ok {
				return // not applicable now: a no-op (a skip here can leave a fuzzed run with no action to take)
			}
			nb, rel, err := copies[s].Release(campaign.Release{ID: "cancel-" + id, Reservation: id}, now)
			if err != nil {
				t.Fatal(err)
			}
			p := pending{read: reads[s], budget: nb, entries: rel.Entries, resID: id}
			if !rel.Duplicate {
				p.delta = rel.Amount.Neg()
			}
			queue[s] = append(queue[s], p)
		},
		"commit": func(t *rapid.T) {
			s := rapid.IntRange(0, servers-1).Draw(t, "server")
			if len(queue[s]) == 0 {
				return // not applicable now: a no-op (a skip here can leave a fuzzed run with no action to take)
			}
			p := queue[s][0]
			queue[s] = queue[s][1:]
			if len(p.entries) == 0 {
				return // a retry recognised as done: nothing to write
			}
			if db.commit(p) {
				apply(p)
				for _, e := range p.entries {
					if e.Kind == campaign.ReleaseEntry {
						released[e.Ref] = true
					}
				}
				copies[s], reads[s] = p.budget, db.version
				return
			}
			// Step 4: the version moved; the request will be retried (a later
			// "reserve" or "release" of the same id).
		},
		"tick": func(t *rapid.T) {
			now = now.Add(time.Duration(rapid.IntRange(1, 30).Draw(t, "hours")) * time.Hour)
		},
		"": func(t *rapid.T) {
			// Never over-granted, overall or in any day.
			if db.budget.Granted().GreaterThan(cfg.Total) {
				t.Fatalf("granted %s over the total %s", db.budget.Granted(), cfg.Total)
			}
			days := map[string]decimal.Decimal{}
			sum := decimal.Zero
			for _, e := range db.entries {
				d := e.Period.UTC().Format(time.DateOnly)
				days[d] = days[d].Add(e.Amount)
				sum = sum.Add(e.Amount)
			}
			for d, g := range days {
				if g.GreaterThan(cfg.PerPeriod) {
					t.Fatalf("day %s granted %s over its cap %s", d, g, cfg.PerPeriod)
				}
			}
			// The customers got exactly what the budget granted.
			awarded := decimal.Zero
			for _, a := range db.awards {
				awarded = awarded.Add(a)
			}
			if !awarded.Equal(sum) || !sum.Equal(db.budget.Granted()) {
				t.Fatalf("awarded %s, entries sum %s, budget says %s", awarded, sum, db.budget.Granted())
			}
			// The stored budget is the fold of the stored entries.
			replayed, err := campaign.ReplayBudget(cfg, db.entries)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(db.budget, replayed); diff != "" {
				t.Fatalf("ReplayBudget mismatch (-want +got):\n%s", diff)
			}
			// A snapshot loads back to the same budget.
			loaded, err := campaign.LoadBudget(cfg, db.budget.Snapshot())
			if err != nil || !loaded.Equal(db.budget) {
				t.Fatalf("LoadBudget(Snapshot()): %v\n%s\n%s", err, loaded, db.budget)
			}
			if db.budget.Version() != int64(len(db.entries)) {
				t.Fatalf("version %d, %d entries", db.budget.Version(), len(db.entries))
			}
		},
	})
}

func TestBudgetHostPattern(t *testing.T) { rapid.Check(t, checkBudgetHostPattern) }

func FuzzBudgetHostPattern(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkBudgetHostPattern)) }

// TestBudgetConcurrentServers runs the host pattern in real goroutines
// against a store guarded by a mutex (the database's row lock): 8
// servers, 400 reservations of 1..9 points each, some delivered twice,
// against a budget of 500. Run it with -race.
func TestBudgetConcurrentServers(t *testing.T) {
	cfg := campaign.BudgetConfig{ID: "b", Unit: campaign.Points, Total: decimal.NewFromInt(500)}
	empty, err := campaign.NewBudget(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	db := &store{budget: empty, ids: map[string]bool{}, awards: map[string]decimal.Decimal{}}
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	conflicts := make([]int, 8)
	for s := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 60 {
				n := (s*37 + k*11) % 400 // ids overlap between servers: retries
				id := fmt.Sprintf("o%d", n)
				amount := decimal.NewFromInt(int64(1 + n%9))
				for {
					mu.Lock()
					b, v := db.budget, db.version // 1. read
					mu.Unlock()
					nb, g, err := b.Reserve(campaign.Reservation{ID: id, Amount: amount}, now) // 2. outside the lock
					if err != nil {
						t.Error(err)
						return
					}
					if g.Duplicate {
						break
					}
					mu.Lock()
					ok := db.commit(pending{read: v, budget: nb, entries: g.Entries, resID: id, delta: g.Amount}) // 3.
					mu.Unlock()
					if ok {
						break
					}
					if conflicts[s]++; conflicts[s] > 100_000 {
						t.Error("no progress: a server's commits keep conflicting")
						return
					}
					// 4. retry
				}
			}
		}()
	}
	wg.Wait()
	if db.budget.Granted().GreaterThan(cfg.Total) {
		t.Fatalf("over-granted: %s of %s", db.budget.Granted(), cfg.Total)
	}
	sum := decimal.Zero
	ids := make([]string, 0, len(db.awards))
	for id, a := range db.awards {
		sum = sum.Add(a)
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if !sum.Equal(db.budget.Granted()) || !db.budget.Granted().Equal(cfg.Total) {
		t.Fatalf("awards %s, granted %s, want the whole total %s", sum, db.budget.Granted(), cfg.Total)
	}
	replayed, err := campaign.ReplayBudget(cfg, db.entries)
	if err != nil || !replayed.Equal(db.budget) {
		t.Fatalf("replay: %v, equal %v", err, replayed.Equal(db.budget))
	}
}
