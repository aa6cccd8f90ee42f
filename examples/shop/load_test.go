package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// loadProgram is the load test's programme: points available at once (no
// pending days) so that redemptions and holds find points, a gold tier
// with a discount, a reward for reviews.
const loadProgram = `{
  "name": "load", "currency": "KZT", "time_zone": "Asia/Almaty", "money_places": 2,
  "rules": [
    {"id": "base", "kind": "accrual", "value": "floor(order.Total / 100) * 5"},
    {"id": "gold-5", "kind": "discount", "unit": "percent", "when": "customer.Tier == \"gold\"", "value": "5"},
    {"id": "tenth", "kind": "accrual", "when": "order.Number == 10", "value": "100"},
    {"id": "review", "kind": "accrual", "on": ["review"], "value": "50"}
  ],
  "tiers": [{"name": "silver"}, {"name": "gold", "min_spend": "50000"}],
  "tier_window_months": 12, "tier_grace_days": 30,
  "expiry": {"kind": "after_months", "months": 6},
  "redemption": {"point_value": "1", "max_share": "0.5"}
}`

// loadOps is how many operations the load test runs: 10,000, or 2,000
// under the race detector (which slows SQLite's pure-Go code about
// tenfold); SHOP_LOAD_OPS overrides both.
func loadOps(t *testing.T) int {
	if s := os.Getenv("SHOP_LOAD_OPS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("SHOP_LOAD_OPS=%q: %v", s, err)
		}
		return n
	}
	if raceEnabled {
		return 2000
	}
	return 10000
}

// sentOp is an operation a client sent, as the model will run it again.
type sentOp struct {
	kind string // purchase, refund, event, redeem, hold, capture, release
	path string
	body []byte
}

// loadState is what the clients saw, shared between them.
type loadState struct {
	mu       sync.Mutex
	orders   map[string][]loyalty.Order // accepted orders per customer
	accepted map[[2]string]sentOp       // (customer, op id) → the request
	first    map[[2]string][]byte       // (customer, op id) → the first 200 response
	ops      atomic.Int64               // operations started
	requests atomic.Int64
	dups     atomic.Int64 // duplicate requests sent
	refused  atomic.Int64
}

// TestLoadAndRaces runs two servers, each with its own *sql.DB, on one
// database file; 32 clients send 10,000 operations (purchases, refunds by
// amount and by lines, events, redemptions, holds captured and paid with
// or released) on 200 customers, a fifth of them on five hot customers so
// that writes collide; a sixth of the requests are sent twice, one after
// the other or at the same time, to either server. Afterwards, for every
// customer:
//
//   - the balance equals the sum of the stored entries, and the stored
//     account (snapshot + tail) equals the replay of its entries;
//   - the operations in the ledger are exactly those the clients saw
//     accepted (none lost, none applied twice, none made up);
//   - running the accepted requests again, one at a time, in the order the
//     ledger has them, through the library alone (the single-threaded
//     model), gives the same entries and the same account;
//   - every repeated request got the original response, byte for byte.
func TestLoadAndRaces(t *testing.T) {
	if testing.Short() {
		t.Skip("the load test is not short")
	}
	n := loadOps(t)
	path := tempDB(t)
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), tick: time.Second}
	snap := func(s *Store) { s.SnapshotEvery = 8 }
	a := startServer(t, path, clock, snap)
	b := startServer(t, path, clock, snap)
	a.must(http.StatusCreated, "PUT", "/v1/program", loadProgram, nil)
	servers := []*testServer{a, b}

	st := &loadState{orders: map[string][]loyalty.Order{}, accepted: map[[2]string]sentOp{}, first: map[[2]string][]byte{}}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for w := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &loadClient{t: t, st: st, servers: servers, rng: rand.New(rand.NewPCG(12, uint64(w))), worker: w}
			for st.ops.Add(1) <= int64(n) {
				if err := c.step(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	elapsed := time.Since(start)
	retries := a.store.Retries.Load() + b.store.Retries.Load()
	t.Logf("%d operations, %d requests (%d duplicates, %d refused) in %v: %.0f requests/s; %d retries after a lost race",
		n, st.requests.Load(), st.dups.Load(), st.refused.Load(), elapsed.Round(time.Millisecond),
		float64(st.requests.Load())/elapsed.Seconds(), retries)
	if retries == 0 {
		t.Error("no operation lost a race: the test did not exercise the optimistic concurrency")
	}

	// The checks, per customer.
	prog, err := a.store.Program(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	p := prog.program
	customers, err := a.store.Customers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	inLedger := 0
	now := clock.Now()
	for _, c := range customers {
		stored := checkAccount(t, a, c, now)
		entries, err := a.store.Ledger(t.Context(), c)
		if err != nil {
			t.Fatal(err)
		}
		// The ledger's operations, in the order written.
		var order []string
		byOp := map[string][]loyalty.Entry{}
		for _, e := range entries {
			if _, ok := byOp[e.Op]; !ok {
				order = append(order, e.Op)
			}
			byOp[e.Op] = append(byOp[e.Op], e)
		}
		inLedger += len(order)
		model := loyalty.Account{}
		for _, op := range order {
			sent, ok := st.accepted[[2]string{c, op}]
			if !ok {
				t.Errorf("%s: operation %s is in the ledger but no client saw it accepted", c, op)
				continue
			}
			at := byOp[op][0].At
			next, res, err := runModel(p, model, loyalty.Customer{ID: c}, sent, at)
			if err != nil || res.Duplicate {
				t.Errorf("%s: the model refused %s (%s %s) at %v: %v (duplicate %v)", c, op, sent.kind, sent.body, at, err, res.Duplicate)
				continue
			}
			got, _ := json.Marshal(byOp[op])
			want, _ := json.Marshal(res.Entries)
			if !bytes.Equal(got, want) {
				t.Errorf("%s: %s wrote\n%s\nthe model writes\n%s", c, op, got, want)
			}
			model = next
		}
		if !model.Equal(stored) {
			t.Errorf("%s: the model's account differs from the stored one:\nmodel:  %v\nstored: %v", c, model, stored)
		}
		var bal balanceResponse
		servers[len(c)%2].must(200, "GET", "/v1/customers/"+c+"/balance", nil, &bal)
		mb := model.Balance(clock.Now())
		if !bal.Balance.Available.Equal(mb.Available) || !bal.Balance.Held.Equal(mb.Held) || bal.Version != model.Version() {
			t.Errorf("%s: the API's balance %+v (version %d), the model's %+v (version %d)", c, bal.Balance, bal.Version, mb, model.Version())
		}
	}
	if inLedger != len(st.accepted) {
		t.Errorf("%d operations in the ledgers, %d accepted by the servers: some were lost", inLedger, len(st.accepted))
	}
	var stored int
	a.store.db.QueryRow(`SELECT COUNT(*) FROM operations`).Scan(&stored)
	if stored != len(st.accepted) {
		t.Errorf("%d stored responses, %d accepted operations", stored, len(st.accepted))
	}
	t.Logf("%d customers, %d accepted operations checked against the model", len(customers), len(st.accepted))
}

// runModel runs one accepted request through the library alone, as the
// server would have at instant now.
func runModel(p *loyalty.Program, a loyalty.Account, c loyalty.Customer, s sentOp, now time.Time) (loyalty.Account, loyalty.Result, error) {
	var err error
	switch s.kind {
	case "purchase":
		var o loyalty.Order
		if err = json.Unmarshal(s.body, &o); err == nil {
			return p.Purchase(a, c, o, now)
		}
	case "refund":
		var r loyalty.Refund
		if err = json.Unmarshal(s.body, &r); err == nil {
			return p.Refund(a, c, r, now)
		}
	case "event":
		var ev loyalty.Event
		if err = json.Unmarshal(s.body, &ev); err == nil {
			return p.Event(a, c, ev, now)
		}
	case "redeem":
		var x loyalty.Redemption
		if err = json.Unmarshal(s.body, &x); err == nil {
			return p.Redeem(a, c, x, now)
		}
	case "hold":
		var h holdRequest
		if err = json.Unmarshal(s.body, &h); err == nil {
			return p.Hold(a, c, loyalty.Hold{ID: h.ID, Order: h.Order, Points: h.Points, OrderTotal: h.OrderTotal,
				For: 15 * time.Minute}, now) // as the server places a hold without until
		}
	case "capture":
		return p.Capture(a, c, loyalty.Capture{ID: holdOf(s.path)}, now)
	case "release":
		return p.Release(a, c, holdOf(s.path), now)
	default:
		err = fmt.Errorf("unknown kind %q", s.kind)
	}
	return a, loyalty.Result{}, err
}

// holdOf is the hold id in /v1/customers/c/holds/{hold}/capture.
func holdOf(path string) string {
	parts := strings.Split(path, "/")
	return parts[len(parts)-2]
}

// loadClient is one of the 32 clients.
type loadClient struct {
	t       *testing.T
	st      *loadState
	servers []*testServer
	rng     *rand.Rand
	worker  int
	seq     int
}

func (c *loadClient) id(prefix string) string {
	c.seq++
	return fmt.Sprintf("%s-%d-%d", prefix, c.worker, c.seq)
}

// customer picks a customer: a fifth of the time one of five hot ones.
func (c *loadClient) customer() string {
	if c.rng.IntN(5) == 0 {
		return fmt.Sprintf("c%03d", c.rng.IntN(5))
	}
	return fmt.Sprintf("c%03d", c.rng.IntN(200))
}

func (c *loadClient) money(lo, hi int) decimal.Decimal {
	return decimal.New(int64(lo+c.rng.IntN(hi-lo+1)), 0)
}

// step sends one operation (a hold is followed by its capture and the
// purchase it pays for, or by its release).
func (c *loadClient) step() error {
	cu := c.customer()
	base := "/v1/customers/" + cu
	switch k := c.rng.IntN(100); {
	case k < 45:
		_, err := c.send(cu, "purchase", base+"/purchases", c.order(""))
		return err
	case k < 60:
		c.st.mu.Lock()
		orders := c.st.orders[cu]
		c.st.mu.Unlock()
		if len(orders) == 0 {
			_, err := c.send(cu, "purchase", base+"/purchases", c.order(""))
			return err
		}
		o := orders[c.rng.IntN(len(orders))]
		r := loyalty.Refund{ID: c.id("r"), Order: o.ID}
		if len(o.Lines) > 0 && c.rng.IntN(2) == 0 {
			l := o.Lines[c.rng.IntN(len(o.Lines))]
			r.Lines = []loyalty.RefundLine{{SKU: l.SKU, Qty: 1}}
		} else {
			r.Amount = c.money(1, 3000)
		}
		_, err := c.send(cu, "refund", base+"/refunds", r)
		return err
	case k < 70:
		_, err := c.send(cu, "event", base+"/events", loyalty.Event{ID: c.id("ev"), Kind: "review"})
		return err
	case k < 80:
		_, err := c.send(cu, "redeem", base+"/redemptions", loyalty.Redemption{ID: c.id("x"), Points: c.money(1, 300), OrderTotal: c.money(600, 2000)})
		return err
	case k < 92:
		o := c.order("")
		h := holdRequest{ID: c.id("h"), Order: o.ID, Points: c.money(1, 200), OrderTotal: o.Total}
		ok, err := c.send(cu, "hold", base+"/holds", h)
		if err != nil || !ok {
			return err
		}
		if c.rng.IntN(10) < 4 {
			_, err := c.send(cu, "release", base+"/holds/"+h.ID+"/release", nil)
			return err
		}
		if ok, err := c.send(cu, "capture", base+"/holds/"+h.ID+"/capture", nil); err != nil || !ok {
			return err
		}
		o.Redemption = h.ID
		_, err = c.send(cu, "purchase", base+"/purchases", o)
		return err
	default:
		r := c.servers[c.rng.IntN(2)].do("GET", base+"/balance", nil)
		c.st.requests.Add(1)
		if r.Status != 200 {
			return fmt.Errorf("GET %s/balance: %d %s", base, r.Status, r.Body)
		}
		return nil
	}
}

// order is a new order of one to three lines.
func (c *loadClient) order(redemption string) loyalty.Order {
	o := loyalty.Order{ID: c.id("o"), Redemption: redemption}
	for i := range 1 + c.rng.IntN(3) {
		l := loyalty.Line{SKU: fmt.Sprintf("sku%d", i), Qty: 1 + c.rng.IntN(3), Price: c.money(100, 8000)}
		o.Lines = append(o.Lines, l)
		o.Total = o.Total.Add(l.Price.Mul(decimal.New(int64(l.Qty), 0)))
	}
	return o
}

// send posts an operation, sometimes twice (one after the other, or at
// the same time), to random servers, and records what was accepted. It
// reports whether the operation was accepted.
func (c *loadClient) send(customer, kind, path string, v any) (bool, error) {
	var body []byte
	if v != nil {
		var err error
		if body, err = json.Marshal(v); err != nil {
			return false, err
		}
	}
	pick := func() *testServer { return c.servers[c.rng.IntN(2)] }
	var rs []response
	together := false // the two requests were sent at the same time
	switch d := c.rng.IntN(12); {
	case d == 0: // a client that timed out and sent it again at once
		s1, s2 := pick(), pick()
		together = true
		rs = make([]response, 2)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); rs[0] = s1.do("POST", path, body) }()
		go func() { defer wg.Done(); rs[1] = s2.do("POST", path, body) }()
		wg.Wait()
	case d == 1: // a retry after the first answer
		rs = []response{pick().do("POST", path, body), pick().do("POST", path, body)}
	default:
		rs = []response{pick().do("POST", path, body)}
	}
	c.st.requests.Add(int64(len(rs)))
	c.st.dups.Add(int64(len(rs) - 1))
	accepted := false
	for i, r := range rs {
		switch {
		case r.Status == 200:
			accepted = true
			var res resultView
			if err := json.Unmarshal(r.Body, &res); err != nil {
				return false, fmt.Errorf("%s %s: %v", path, r.Body, err)
			}
			key := [2]string{customer, res.Op}
			c.st.mu.Lock()
			if first, ok := c.st.first[key]; ok {
				if !bytes.Equal(first, r.Body) {
					c.st.mu.Unlock()
					return false, fmt.Errorf("%s %s: two responses for one operation:\n%s\n%s", path, body, first, r.Body)
				}
			} else {
				c.st.first[key] = r.Body
				c.st.accepted[key] = sentOp{kind: kind, path: path, body: body}
				if kind == "purchase" {
					var o loyalty.Order
					json.Unmarshal(body, &o)
					c.st.orders[customer] = append(c.st.orders[customer], o)
				}
			}
			c.st.mu.Unlock()
		case r.Status >= 400 && r.Status < 500:
			// A refusal (not enough points, a refund larger than what is
			// left…). After a 200 for the same request it is a bug.
			if i > 0 && rs[0].Status == 200 && !together {
				return false, fmt.Errorf("%s %s: accepted, then refused on retry: %s", path, body, r.Body)
			}
			c.st.refused.Add(1)
		default:
			return false, fmt.Errorf("%s %s: %d %s", path, body, r.Status, r.Body)
		}
	}
	return accepted, nil
}
