package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// The playground's backtest through HTTP: the stored history rebuilt
// from the ledger and replayed under the programme in force and the
// edited one.

// seedHistory stores a small history under programme.json (5 points per
// 100 tenge, double on beans, a birthday bonus and cake, gold from
// 20,000 with 5 % off, points after 14 days, 1 tenge a point, points pay
// at most half an order), each purchase's points a whole number under
// both programmes, so that doubling the rules doubles them exactly:
//
//	aigerim  o1 12,000 (1,080 points), her birthday (300 and a cake),
//	         200 points redeemed for o2 of 2,400 (110 points on the 2,200
//	         paid), half of o1 refunded
//	bob      b1 5,000 (250), 100 points held and captured for b2 of 1,000
//	         (45 on the 900 paid), a hold released, a review event with
//	         attributes (its kind is not in the ledger)
//	carol    c1 25,000 (1,250: gold), c2 2,000 at 5 % off (95)
//
// 3,130 points earned in all. Points expire after six months: the batch
// runs on 5 September, when those of 2 and 3 March have expired. The
// clock is left at end.
func seedHistory(t *testing.T, ts *testServer, clock *testClock, end time.Time) {
	t.Helper()
	day := func(m time.Month, d int) { clock.Set(time.Date(2026, m, d, 6, 0, 0, 0, time.UTC)) }
	post := func(path, body string) { ts.must(http.StatusOK, "POST", path, body, nil) }
	ts.must(http.StatusCreated, "PUT", "/v1/program", programJSON(t), nil)
	ts.must(http.StatusOK, "PUT", "/v1/customers/aigerim", `{"birthday":"1994-05-12"}`, nil)

	day(3, 2)
	post("/v1/customers/aigerim/purchases", `{"id":"o1","total":"12000","lines":[{"sku":"latte","category":"drinks","qty":2,"price":"1200"},{"sku":"beans","category":"beans","qty":1,"price":"9600"}]}`)
	post("/v1/customers/aigerim/events", `{"id":"birthday-2026","kind":"birthday"}`)
	day(3, 3)
	post("/v1/customers/bob/purchases", `{"id":"b1","total":"5000"}`)
	post("/v1/customers/carol/purchases", `{"id":"c1","total":"25000"}`)
	day(3, 20)
	post("/v1/customers/bob/holds", `{"id":"h1","order":"b2","points":"100","order_total":"1000"}`)
	post("/v1/customers/bob/holds/h1/capture", ``)
	post("/v1/customers/bob/purchases", `{"id":"b2","total":"1000","redemption":"h1"}`)
	post("/v1/customers/bob/holds", `{"id":"h2","order":"b3","points":"50","order_total":"500"}`)
	post("/v1/customers/bob/holds/h2/release", ``)
	post("/v1/customers/bob/events", `{"id":"rev-1","kind":"review","attributes":{"stars":"5"}}`)
	post("/v1/customers/carol/purchases", `{"id":"c2","total":"2000"}`)
	day(4, 1)
	post("/v1/customers/aigerim/redemptions", `{"id":"x1","points":"200","order_total":"2400"}`)
	post("/v1/customers/aigerim/purchases", `{"id":"o2","total":"2400","redemption":"x1"}`)
	day(4, 5)
	post("/v1/customers/aigerim/refunds", `{"id":"r1","order":"o1","amount":"6000"}`)
	day(9, 5) // the points of March's first days expire
	post("/v1/batch/expire-and-review", ``)
	clock.Set(end)
}

// doubled is programme.json with every accrual rule's points doubled.
func doubled(t *testing.T) json.RawMessage {
	return programWith(t, `[
		{"id":"base","kind":"accrual","value":"floor(order.Total / 100) * 10"},
		{"id":"beans-x2","kind":"accrual","when":"any(order.Lines, .Category == \"beans\")","value":"floor(sum(filter(order.Lines, .Category == \"beans\"), .Price * .Qty) / 100) * 10"},
		{"id":"gold-5","kind":"discount","when":"customer.Tier == \"gold\"","value":"5","unit":"percent"},
		{"id":"tenth-visit","kind":"accrual","when":"order.Number == 10","value":"200"},
		{"id":"birthday","kind":"accrual","value":"600","on":["birthday"]},
		{"id":"birthday-cake","kind":"gift","value":"\"cake-slice\"","on":["birthday"]}]`)
}

func totalsOf(v backtestView) map[string][3]string {
	out := map[string][3]string{}
	for _, r := range v.Totals {
		out[r.Key] = [3]string{r.A.String(), r.B.String(), r.Diff.String()}
	}
	return out
}

func TestPlaygroundBacktest(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	ts := startServer(t, tempDB(t), clock, nil)
	end := time.Date(2026, 9, 10, 9, 0, 0, 0, time.UTC) // March's first points have expired, not the later ones
	seedHistory(t, ts, clock, end)
	entriesBefore := countRows(t, ts, "entries")

	strict := programWith(t, `[{"id":"base","kind":"accrual","value":"floor(order.Total / 100) * 5"},
		{"id":"per-line","kind":"accrual","value":"100 / (len(order.Lines) - 2)"}]`)
	strict = json.RawMessage(strings.Replace(string(strict), `{`, `{"strict_rules":true,`, 1))
	tests := []struct {
		name, reason string
		body         string
		redemptions  string // the assumption the response states
		// totals: key → A, B, B − A
		totals  map[string][3]string
		check   func(t *testing.T, v backtestView)
		changes bool // some customers gain or lose
	}{
		{"itself", "the programme in force against itself: no difference anywhere",
			`{"program":` + string(programJSON(t)) + `}`, "capped",
			map[string][3]string{"earned": {"3130", "3130", "0"}, "gift:cake-slice": {"1", "1", "0"}},
			func(t *testing.T, v backtestView) {
				for _, r := range v.Totals {
					if !r.Diff.IsZero() || r.Change != "same" || !r.A.Equal(r.B) {
						t.Errorf("%s: %s against %s (%s %s), want no difference", r.Key, r.A, r.B, r.Diff, r.Change)
					}
				}
				for _, r := range v.Tiers {
					if r.Diff != 0 || r.Change != "same" || !r.InA || !r.InB {
						t.Errorf("tier %s: %+v, want the same under both", r.Tier, r)
					}
				}
				for i, row := range v.Moves.Counts {
					for j, n := range row {
						if i != j && n != 0 {
							t.Errorf("%d customers move from %s to %s", n, v.Moves.From[i], v.Moves.To[j])
						}
					}
				}
			}, false},
		{"double points", "every accrual doubled: twice the points earned, the same money off by the rules",
			`{"program":` + string(doubled(t)) + `}`, "capped",
			map[string][3]string{"earned": {"3130", "6260", "3130"}, "discount": {"100", "100", "0"}, "redeemed": {"300", "300", "0"}},
			func(t *testing.T, v backtestView) {
				tot := totalsOf(v)
				if a, b := tot["expired"][0], tot["expired"][1]; a == "0" || a == b {
					t.Errorf("points expired %s and %s: want some (o1's, in September), more under double points", a, b)
				}
				// Each gains the value (1 tenge a point) of the points
				// still held at the end, from o2, c2 and b2: 110, 95 and
				// 45 more.
				var gains []string
				for _, g := range v.Gainers {
					gains = append(gains, g.Customer+" "+g.Gain.String())
					if !g.Gain.Equal(g.BenefitB.Sub(g.BenefitA)) {
						t.Errorf("%s's gain %s is not %s − %s", g.Customer, g.Gain, g.BenefitB, g.BenefitA)
					}
				}
				if want := []string{"aigerim 110", "carol 95", "bob 45"}; !slices.Equal(gains, want) || v.GainersCount != 3 || v.LosersCount != 0 ||
					len(v.Losers) != 0 || !v.NetGain.Equal(decimal.NewFromInt(250)) {
					t.Errorf("gainers %q (%d), losers %d, net gain %s: want %q, no loser, 250", gains, v.GainersCount, v.LosersCount, v.NetGain, want)
				}
			}, true},
		{"as recorded", "the assumption stated is the one used",
			`{"program":` + string(doubled(t)) + `,"redemptions":"as_recorded"}`, "as_recorded",
			map[string][3]string{"earned": {"3130", "6260", "3130"}, "redemptions_made": {"2", "2", "0"}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v backtestView
			ts.must(http.StatusOK, "POST", "/api/playground/backtest", tt.body, &v)
			if !v.Replayed {
				t.Fatalf("%s: nothing replayed: %s", tt.reason, v.Message)
			}
			if v.Redemptions != tt.redemptions || v.RedemptionsDefault != (tt.redemptions == "capped") || v.Assumption == "" {
				t.Errorf("assumption %q (default %v): %q, want %q stated", v.Redemptions, v.RedemptionsDefault, v.Assumption, tt.redemptions)
			}
			if v.Customers != 3 || v.Ops != (opsView{Purchases: 6, Refunds: 1, Events: 1, Redemptions: 2}) {
				t.Errorf("%d customers, ops %+v: want 3, and 6 purchases, 1 refund, 1 event, 2 redemptions", v.Customers, v.Ops)
			}
			tot := totalsOf(v)
			for key, want := range tt.totals {
				if tot[key] != want {
					t.Errorf("%s: %s: in force, edited, difference %q, want %q", tt.reason, key, tot[key], want)
				}
			}
			if got := (v.GainersCount + v.LosersCount) > 0; got != tt.changes {
				t.Errorf("%s: %d gainers and %d losers", tt.reason, v.GainersCount, v.LosersCount)
			}
			var skipped []string
			for _, n := range v.NotReplayed {
				skipped = append(skipped, n.What)
			}
			for _, want := range []string{skipHold, skipEventKind, skipMaintenance} {
				if !slices.Contains(skipped, want) {
					t.Errorf("not replayed %q, want %q among them", skipped, want)
				}
			}
			if tt.check != nil {
				tt.check(t, v)
			}
		})
	}
	if n := countRows(t, ts, "entries"); n != entriesBefore {
		t.Errorf("the backtests wrote %d ledger entries", n-entriesBefore)
	}

	// Refusals: a 4xx naming what to fix.
	refusals := []struct {
		name, body  string
		status      int
		code, field string
		message     string
	}{
		{"does not compile", `{"program":` + string(programWith(t, `[{"id":"base","kind":"accrual","value":"order.Totl"}]`)) + `}`,
			http.StatusUnprocessableEntity, "invalid_rules", "", ""},
		{"no program", `{}`, http.StatusBadRequest, "invalid_value", "program", ""},
		{"assumption", `{"program":` + string(programJSON(t)) + `,"redemptions":"everything"}`, http.StatusUnprocessableEntity, "invalid_value", "redemptions", ""},
		{"currency", `{"program":` + strings.Replace(string(programJSON(t)), `"KZT"`, `"EUR"`, 1) + `}`, http.StatusUnprocessableEntity, "invalid_value", "program.currency", "KZT"},
		{"refused by B", `{"program":` + string(strict) + `}`, http.StatusUnprocessableEntity, "replay_refused", "program.rules[1]",
			"customer aigerim, order:o1, refused by the edited programme"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.do("POST", "/api/playground/backtest", tt.body)
			var e errorBody
			if err := json.Unmarshal(r.Body, &e); err != nil || r.Status != tt.status || e.Error.Code != tt.code || e.Error.Field != tt.field ||
				!strings.Contains(e.Error.Message, tt.message) {
				t.Fatalf("status %d, %s; want %d %s field %q, a message with %q", r.Status, r.Body, tt.status, tt.code, tt.field, tt.message)
			}
		})
	}

	// A programme that does not compile: the same rule errors as a check.
	broken := programWith(t, `[{"id":"base","kind":"accrual","value":"floor(order.Totl / 100) * 5"},{"id":"b","kind":"gift","value":"1"}]`)
	var chk checkView
	ts.must(http.StatusOK, "POST", "/api/playground/check", broken, &chk)
	var e errorBody
	ts.must(http.StatusUnprocessableEntity, "POST", "/api/playground/backtest", `{"program":`+string(broken)+`}`, &e)
	if a, b := asJSON(chk.RuleErrors), asJSON(e.Error.RuleErrors); a != b || len(chk.RuleErrors) != 2 {
		t.Errorf("the backtest's rule errors differ from the check's:\n check    %s\n backtest %s", a, b)
	}

	// Bounded: more stored operations than the server replays is refused.
	ts.server.BacktestMaxOps = 5
	r := ts.do("POST", "/api/playground/backtest", `{"program":`+string(programJSON(t))+`}`)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"backtest_too_large"`) || !strings.Contains(string(r.Body), "more than the 5") {
		t.Errorf("with a limit of 5 operations: %d %s, want 422 backtest_too_large", r.Status, r.Body)
	}
}

// TestPlaygroundBacktestEmpty: an empty store is an answer, not an
// error: nothing to replay.
func TestPlaygroundBacktestEmpty(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ts := startServer(t, tempDB(t), clock, nil)
	body := `{"program":` + string(programJSON(t)) + `}`
	for _, tt := range []struct {
		name, setup, message string
	}{
		{"no programme", "", "no programme is in force yet"},
		{"no operations", "program", "the store holds no purchases, refunds, events or redemptions yet"},
		{"a profile only", "profile", "the store holds no purchases"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			switch tt.setup {
			case "program":
				ts.must(http.StatusCreated, "PUT", "/v1/program", programJSON(t), nil)
			case "profile":
				ts.must(http.StatusOK, "PUT", "/v1/customers/aigerim", `{"birthday":"1994-05-12"}`, nil)
			}
			var v backtestView
			ts.must(http.StatusOK, "POST", "/api/playground/backtest", body, &v)
			if v.Replayed || !strings.HasPrefix(v.Message, "Nothing to replay: ") || !strings.Contains(v.Message, tt.message) {
				t.Errorf("replayed %v, %q; want nothing replayed, saying %q", v.Replayed, v.Message, tt.message)
			}
			if v.Redemptions != "capped" || !v.RedemptionsDefault || len(v.Totals) != 0 {
				t.Errorf("%+v: want the default assumption stated and no totals", v)
			}
		})
	}
	// A store whose only operation is none a backtest replays: an event
	// whose kind the ledger does not keep.
	ts.must(http.StatusOK, "POST", "/v1/customers/aigerim/events", `{"id":"rev-1","kind":"review","attributes":{"stars":"5"}}`, nil)
	var v backtestView
	ts.must(http.StatusOK, "POST", "/api/playground/backtest", body, &v)
	if v.Replayed || !strings.Contains(v.Message, "none of the 1 stored operations") || len(v.NotReplayed) != 1 || v.NotReplayed[0].What != skipEventKind {
		t.Errorf("%+v: want nothing replayed, and the event counted as not replayed", v)
	}
}

// TestPlaygroundAssumptions: the page's choice of redemption assumption
// comes from the library, with the default marked.
func TestPlaygroundAssumptions(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ts := startServer(t, tempDB(t), clock, nil)
	var env envView
	ts.must(http.StatusOK, "GET", "/api/playground/env", nil, &env)
	var got []string
	for _, a := range env.Assumptions {
		s := a.Name
		if a.Default {
			s += " (default)"
		}
		got = append(got, s)
		if !strings.HasPrefix(a.About, "each recorded redemption ") {
			t.Errorf("assumption %s is described %q", a.Name, a.About)
		}
	}
	if want := []string{"as_recorded", "capped (default)", "same_share"}; !slices.Equal(got, want) {
		t.Errorf("assumptions %q, want %q", got, want)
	}
}
