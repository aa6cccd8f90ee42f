package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// balanceResponse is GET /balance.
type balanceResponse struct {
	Balance       balanceView     `json:"balance"`
	Expiring      []expiringView  `json:"expiring"`
	LifetimeSpend decimal.Decimal `json:"lifetime_spend"`
	Orders        int             `json:"orders"`
	Version       int64           `json:"version"`
}

// ledgerResponse is GET /ledger.
type ledgerResponse struct {
	Entries []loyalty.Entry `json:"entries"`
}

var dec = decimal.RequireFromString

var snapEvery int64 = 5

// checkDec fails unless got == want (as decimals).
func checkDec(t *testing.T, what string, got decimal.Decimal, want string) {
	t.Helper()
	if !got.Equal(dec(want)) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// checkBalance fails unless the balance is the one given.
func checkBalance(t *testing.T, step string, b balanceView, available, pending, held string, tier string) {
	t.Helper()
	checkDec(t, step+": available", b.Available, available)
	checkDec(t, step+": pending", b.Pending, pending)
	checkDec(t, step+": held", b.Held, held)
	if b.Tier != tier {
		t.Errorf("%s: tier %q, want %q", step, b.Tier, tier)
	}
}

// TestQuickstartStory runs examples/quickstart's story through HTTP on a
// real server on 127.0.0.1 with a temporary database, checks every figure
// the quickstart prints, then restarts the server on the same file and
// checks that nothing was lost.
func TestQuickstartStory(t *testing.T) {
	path := tempDB(t)
	clock := &testClock{}
	// Snapshots every 5 entries: loading goes through snapshot + tail.
	small := func(s *Store) { s.SnapshotEvery = snapEvery }
	ts := startServer(t, path, clock, small)
	almaty, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		t.Fatal(err)
	}
	at := func(m time.Month, d, h, min int) { clock.Set(time.Date(2026, m, d, h, min, 0, 0, almaty)) }
	const c = "/v1/customers/aigerim"

	ts.must(http.StatusConflict, "POST", c+"/purchases", `{"id":"o0","total":"100"}`, nil) // no programme yet
	ts.must(http.StatusCreated, "PUT", "/v1/program", programJSON(t), nil)
	ts.must(http.StatusOK, "PUT", "/v1/program", programJSON(t), nil) // the same again: no new revision
	ts.must(http.StatusOK, "PUT", c, `{"birthday":"1994-05-12"}`, nil)

	latte := loyalty.Line{SKU: "latte", Category: "drinks", Qty: 2, Price: dec("1200")}
	beans := loyalty.Line{SKU: "ethiopia-250g", Category: "beans", Qty: 1, Price: dec("9600")}
	var r resultView

	at(3, 2, 9, 0)
	ts.must(200, "POST", c+"/purchases", loyalty.Order{ID: "o1", Total: dec("12000"), Lines: []loyalty.Line{latte, beans}}, &r)
	checkDec(t, "o1 points", r.Points, "1080")
	checkBalance(t, "o1", r.Balance, "0", "1080", "0", "silver")

	at(3, 20, 17, 0)
	o2 := loyalty.Order{ID: "o2", Total: dec("9600"), Lines: []loyalty.Line{beans}}
	first := ts.must(200, "POST", c+"/purchases", o2, &r)
	checkDec(t, "o2 points", r.Points, "960")
	checkBalance(t, "o2", r.Balance, "1080", "960", "0", "gold")
	if !r.TierChanged {
		t.Error("o2: tier_changed not set on the promotion to gold")
	}

	at(4, 1, 8, 0)
	ts.must(200, "POST", c+"/purchases", loyalty.Order{ID: "o3", Total: dec("2400"), Lines: []loyalty.Line{latte}}, &r)
	checkDec(t, "o3 points", r.Points, "114")
	checkDec(t, "o3 discount", r.Discount, "120")
	checkDec(t, "o3 money", r.Money, "2280")
	checkBalance(t, "o3", r.Balance, "1080", "1074", "0", "gold")

	var trace struct {
		Paid  decimal.Decimal `json:"paid"`
		Trace []struct {
			RuleID string `json:"rule_id"`
			Status string `json:"status"`
			Value  string `json:"value"`
		} `json:"trace"`
	}
	ts.must(200, "GET", c+"/orders/o3/trace", nil, &trace)
	checkDec(t, "o3 paid", trace.Paid, "2280")
	applied := map[string]string{}
	for _, st := range trace.Trace {
		if st.Status == "applied" {
			applied[st.RuleID] = st.Value
		}
	}
	if len(trace.Trace) != 6 || applied["base"] != "120" || applied["gold-5"] != "120" || len(applied) != 2 {
		t.Errorf("trace of o3: %d steps, applied %v; want 6 steps, base 120 and gold-5 120 applied", len(trace.Trace), applied)
	}

	at(4, 3, 12, 0)
	ts.must(200, "POST", c+"/refunds", loyalty.Refund{ID: "r1", Order: "o1", Amount: dec("6000")}, &r)
	checkDec(t, "r1 points taken back", r.Points, "540")
	checkBalance(t, "r1", r.Balance, "540", "1074", "0", "gold")

	at(4, 10, 9, 0)
	ts.must(200, "POST", c+"/redemptions", loyalty.Redemption{ID: "x1", Points: dec("500"), OrderTotal: dec("1200")}, &r)
	checkDec(t, "x1 money paid by points", r.Discount, "500")
	checkBalance(t, "x1", r.Balance, "1000", "114", "0", "gold")

	at(4, 11, 9, 0)
	var e errorBody
	ts.must(http.StatusUnprocessableEntity, "POST", c+"/redemptions", loyalty.Redemption{ID: "x2", Points: dec("600"), OrderTotal: dec("1000")}, &e)
	if e.Error.Code != "redemption_policy" {
		t.Errorf("x2: code %q, want redemption_policy", e.Error.Code)
	}

	at(5, 12, 10, 0)
	ts.must(200, "POST", c+"/events", loyalty.Event{ID: "birthday-2026", Kind: "birthday"}, &r)
	checkDec(t, "birthday points", r.Points, "300")
	if len(r.Gifts) != 1 || r.Gifts[0] != "cake-slice" {
		t.Errorf("birthday gifts %v, want [cake-slice]", r.Gifts)
	}
	checkBalance(t, "birthday", r.Balance, "1414", "0", "0", "gold")

	at(5, 13, 10, 0)
	again := ts.must(200, "POST", c+"/purchases", o2, nil) // a retried webhook
	if !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("o2 again: replayed %q, body\n%s\nwant the original\n%s", again.Header.Get("Idempotent-Replayed"), again.Body, first.Body)
	}
	o2.Total = dec("9601")
	ts.must(http.StatusConflict, "POST", c+"/purchases", o2, &e) // the same id, another body

	at(5, 20, 13, 0)
	o4 := loyalty.Order{ID: "o4", Total: dec("4800"), Redemption: "h1",
		Lines: []loyalty.Line{{SKU: "latte", Category: "drinks", Qty: 4, Price: dec("1200")}}}
	ts.must(200, "POST", c+"/holds", holdRequest{ID: "h1", Order: "o4", Points: dec("800"), OrderTotal: dec("4800")}, &r)
	checkDec(t, "h1 money the points pay", r.Discount, "800")
	checkBalance(t, "h1", r.Balance, "614", "0", "800", "gold")
	var q quoteView
	ts.must(200, "POST", c+"/quote", o4, &q)
	checkDec(t, "quote discount", q.Discount, "240")
	checkDec(t, "quote money", q.Money, "3760")
	checkDec(t, "quote points", q.Points, "188")

	at(5, 20, 13, 1)
	ts.must(200, "POST", c+"/holds/h1/capture", nil, &r)
	checkBalance(t, "capture", r.Balance, "614", "0", "0", "gold")
	ts.must(200, "POST", c+"/purchases", o4, &r)
	checkDec(t, "o4 points", r.Points, "188")
	checkDec(t, "o4 money", r.Money, "3760")
	checkBalance(t, "o4", r.Balance, "614", "188", "0", "gold")

	at(5, 22, 10, 0)
	ts.must(200, "POST", c+"/refunds", loyalty.Refund{ID: "r2", Order: "o4", Lines: []loyalty.RefundLine{{SKU: "latte", Qty: 2}}}, &r)
	checkDec(t, "r2 points taken back", r.Points, "94")
	checkDec(t, "r2 points given back", r.PointsBack, "400")
	checkBalance(t, "r2", r.Balance, "1014", "94", "0", "gold")

	at(9, 1, 0, 0)
	var bal balanceResponse
	ts.must(200, "GET", c+"/balance?days=121", nil, &bal)
	want := []expiringView{{"2026-09-20T17:00:00+05:00", dec("600")}, {"2026-10-01T08:00:00+05:00", dec("114")},
		{"2026-11-12T10:00:00+05:00", dec("300")}, {"2026-11-20T13:01:00+05:00", dec("94")}}
	if len(bal.Expiring) != len(want) {
		t.Fatalf("expiring %v, want %v", bal.Expiring, want)
	}
	for i := range want {
		if bal.Expiring[i].At != want[i].At || !bal.Expiring[i].Points.Equal(want[i].Points) {
			t.Errorf("expiring[%d] = %v, want %v", i, bal.Expiring[i], want[i])
		}
	}

	at(10, 1, 0, 0)
	var batch batchView
	ts.must(200, "POST", "/v1/batch/expire-and-review", nil, &batch)
	checkDec(t, "expired", batch.ExpiredPoints, "600")
	if len(batch.Demoted) != 1 || batch.Demoted[0] != (tierMove{"aigerim", "silver"}) {
		t.Errorf("demoted %v, want aigerim to silver", batch.Demoted)
	}
	ts.must(200, "POST", "/v1/batch/expire-and-review", nil, &batch) // the same instant again: nothing more
	checkDec(t, "expired by a second run", batch.ExpiredPoints, "0")
	// The tier review demotes: net of the refunds, 19,760 was paid in the
	// last 12 months (gold needs 20,000) and the 30 days' grace are over.
	if len(batch.Demoted) != 0 {
		t.Errorf("a second run demoted %v again", batch.Demoted)
	}
	ts.must(200, "GET", c+"/balance", nil, &bal)
	checkBalance(t, "after expiry and review", bal.Balance, "508", "0", "0", "silver")
	checkDec(t, "lifetime spend", bal.LifetimeSpend, "19760")

	var ledger ledgerResponse
	ts.must(200, "GET", c+"/ledger", nil, &ledger)
	// The quickstart's 31 entries, and the review's record and tier change.
	if len(ledger.Entries) != 33 || bal.Version != 33 {
		t.Errorf("%d ledger entries, version %d; want 33", len(ledger.Entries), bal.Version)
	}
	checkAccount(t, ts, "aigerim", clock.Now())

	var ret retentionView
	ts.must(200, "GET", "/v1/metrics/retention", nil, &ret)
	if ret.Customers != 1 || ret.Orders != 4 || ret.RepeatRate == nil || *ret.RepeatRate != 1 {
		t.Errorf("retention: %d customers, %d orders, repeat rate %v; want 1, 4, 1", ret.Customers, ret.Orders, ret.RepeatRate)
	}

	// A typo in a rule: 422 with the rule, part, line and column.
	bad := `{"name":"x","currency":"KZT","time_zone":"Asia/Almaty","redemption":{"point_value":"1"},
		"rules":[{"id":"promo","kind":"accrual","when":"order.Chanel == \"app\"","value":"order.Total * 0.1"}]}`
	ts.must(http.StatusUnprocessableEntity, "PUT", "/v1/program", bad, &e)
	if e.Error.Code != "invalid_rules" || len(e.Error.RuleErrors) != 1 {
		t.Fatalf("bad programme: %+v", e)
	}
	if p := e.Error.RuleErrors[0]; p.Index != 0 || p.Err.RuleID != "promo" || p.Err.Part != "when" || p.Err.Line != 1 || p.Err.Column != 7 || p.Caret != "      ^" {
		t.Errorf("rule error %+v %+v, want rule 0, promo when 1:7 and a caret under column 7", p, p.Err)
	}
	// Another currency cannot read the stored accounts.
	var cfg map[string]any
	json.Unmarshal(programJSON(t), &cfg)
	cfg["currency"] = "EUR"
	ts.must(http.StatusConflict, "PUT", "/v1/program", cfg, &e)

	// Restart: a new server on the same file sees the same account.
	ts.Close()
	ts2 := startServer(t, path, clock, small)
	var bal2 balanceResponse
	ts2.must(200, "GET", c+"/balance", nil, &bal2)
	checkBalance(t, "after restart", bal2.Balance, "508", "0", "0", "silver")
	var ledger2 ledgerResponse
	ts2.must(200, "GET", c+"/ledger", nil, &ledger2)
	if len(ledger2.Entries) != len(ledger.Entries) {
		t.Errorf("after restart: %d entries, want %d", len(ledger2.Entries), len(ledger.Entries))
	}
}

// checkAccount checks one customer's stored account three ways: the
// account loaded from snapshot + tail equals the replay of every stored
// entry, and the sum of the entries' points equals the balance's points in
// lots less the debt. It returns the account.
func checkAccount(t *testing.T, ts *testServer, customer string, now time.Time) loyalty.Account {
	t.Helper()
	a, _, prog, err := ts.store.Account(t.Context(), customer)
	if err != nil {
		t.Fatalf("loading %s: %v", customer, err)
	}
	entries, err := ts.store.Ledger(t.Context(), customer)
	if err != nil {
		t.Fatal(err)
	}
	replayed, err := prog.program.Replay(entries)
	if err != nil {
		t.Fatalf("replaying %s: %v", customer, err)
	}
	if !replayed.Equal(a) {
		t.Errorf("%s: the replay of the stored entries differs from the stored account:\nreplay: %v\nstored: %v", customer, replayed, a)
	}
	sum := decimal.Zero
	for _, e := range entries {
		sum = sum.Add(e.Points)
	}
	b := a.Balance(now)
	inLots := b.Available.Add(b.Pending).Add(b.Expiring).Add(b.Held).Sub(b.Debt)
	if !sum.Equal(inLots) {
		t.Errorf("%s: the entries sum to %s, the balance is %s (available %s + pending %s + expiring %s + held %s − debt %s)",
			customer, sum, inLots, b.Available, b.Pending, b.Expiring, b.Held, b.Debt)
	}
	return a
}
