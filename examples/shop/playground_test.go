package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/rules"
)

// The playground's endpoints through HTTP on a real server: the page and
// its files, the environment, checks (every problem placed under its rule
// or setting, the same as a refused save), tries, recorded orders, and bad
// input (a 4xx naming the field). The page itself is tested in a browser
// (playground_browser_test.go).

// programWith is programme.json with its rules replaced.
func programWith(t *testing.T, rules string) json.RawMessage {
	t.Helper()
	var cfg map[string]json.RawMessage
	if err := json.Unmarshal(programJSON(t), &cfg); err != nil {
		t.Fatal(err)
	}
	cfg["rules"] = json.RawMessage(rules)
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// placed is a rule error as an editor places it.
type placed struct {
	Index        int
	ID, Part     string
	Line, Column int
	Caret        string
	Message      string // a part of the message
}

func placedOf(ps []ruleProblem) []placed {
	var out []placed
	for _, p := range ps {
		out = append(out, placed{p.Index, p.Err.RuleID, string(p.Err.Part), p.Err.Line, p.Err.Column, p.Caret, p.Err.Message})
	}
	return out
}

func TestPlaygroundCheck(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ts := startServer(t, tempDB(t), clock, nil)
	ok := `{"id":"ok","kind":"accrual","value":"1"}`
	tests := []struct {
		name, reason string
		program      json.RawMessage
		ok           bool
		rules        []placed
		fields       []string // field: a part of the message
	}{
		{"example", "programme.json compiles", programJSON(t), true, nil, nil},
		{"type error", "the caret under column 7 of the when",
			programWith(t, `[`+ok+`,{"id":"promo","kind":"accrual","when":"order.Chanel == \"app\"","value":"1"}]`), false,
			[]placed{{1, "promo", "when", 1, 7, "      ^", "has no field Chanel"}}, nil},
		{"second line", "a position on line 2 points into line 2",
			programWith(t, `[{"id":"two","kind":"accrual","when":"order.Total > 0 &&\n  order.Totl > 0","value":"1"}]`), false,
			[]placed{{0, "two", "when", 2, 9, "        ^", "has no field Totl"}}, nil},
		{"tab", "a tab before the column is kept in the caret line",
			programWith(t, `[{"id":"tab","kind":"accrual","value":"\torder.Totl"}]`), false,
			[]placed{{0, "tab", "value", 1, 8, "\t      ^", "has no field Totl"}}, nil},
		{"syntax", "an expression cut short: the caret where the library points",
			programWith(t, `[{"id":"cut","kind":"accrual","value":"order.Total *"}]`), false,
			[]placed{{0, "cut", "value", 1, 13, "            ^", "unexpected token EOF"}}, nil},
		{"two rules, two errors", "each under its own rule",
			programWith(t, `[{"id":"a","kind":"accrual","value":"order.Totl"},`+ok+`,{"id":"c","kind":"gift","value":"1"}]`), false,
			[]placed{{0, "a", "value", 1, 7, "      ^", "Totl"}, {2, "c", "value", 1, 1, "^", "string"}}, nil},
		{"duplicate after a clean rule", "the repeat gets the duplicate error and its own",
			programWith(t, `[{"id":"a","kind":"accrual","value":"1"},`+ok+`,{"id":"a","kind":"accrual","value":"order.Totl"}]`), false,
			[]placed{{2, "a", "definition", 0, 0, "", "duplicate id"}, {2, "a", "value", 1, 7, "      ^", "Totl"}}, nil},
		{"duplicate after a bad rule", "the first keeps its error, the repeat gets the duplicate",
			programWith(t, `[{"id":"a","kind":"accrual","value":"order.Totl"},{"id":"a","kind":"accrual","value":"1"}]`), false,
			[]placed{{0, "a", "value", 1, 7, "      ^", "Totl"}, {1, "a", "definition", 0, 0, "", "duplicate id"}}, nil},
		{"no ids", "rules without an id are told apart by their errors",
			programWith(t, `[{"kind":"accrual","value":"1"},{"kind":"accrual","value":"order.Totl"}]`), false,
			[]placed{{0, "", "definition", 0, 0, "", "id is empty"}, {1, "", "definition", 0, 0, "", "id is empty"},
				{1, "", "value", 1, 7, "      ^", "Totl"}}, nil},
		{"settings and rules", "both lists at once",
			json.RawMessage(`{"name":"x","rules":[{"id":"r","kind":"accrual","value":"order.Totl"}],"redemption":{"point_value":"-1"}}`), false,
			[]placed{{0, "r", "value", 1, 7, "      ^", "Totl"}},
			[]string{"currency: is required", "time_zone: is required", "redemption.point_value: -1 is negative"}},
		{"settings only", "", json.RawMessage(`{"name":"x","currency":"KZT","time_zone":"Mars/Olympus","rules":[]}`), false,
			nil, []string{"time_zone: \"Mars/Olympus\" is not a known zone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got checkView
			ts.must(http.StatusOK, "POST", "/api/playground/check", tt.program, &got)
			if got.OK != tt.ok {
				t.Errorf("%s: ok %v, want %v", tt.reason, got.OK, tt.ok)
			}
			gotRules := placedOf(got.RuleErrors)
			if len(gotRules) != len(tt.rules) {
				t.Fatalf("%s: rule errors\n got  %+v\n want %+v", tt.reason, gotRules, tt.rules)
			}
			for i, w := range tt.rules {
				g := gotRules[i]
				if !strings.Contains(g.Message, w.Message) {
					t.Errorf("%s: rule error %d message %q, want it to contain %q", tt.reason, i, g.Message, w.Message)
				}
				g.Message = w.Message
				if g != w {
					t.Errorf("%s: rule error %d\n got  %+v\n want %+v", tt.reason, i, g, w)
				}
			}
			var gotFields []string
			for _, f := range got.FieldErrors {
				gotFields = append(gotFields, f.Field+": "+f.Message)
			}
			if len(gotFields) != len(tt.fields) {
				t.Fatalf("%s: field errors %q, want %q", tt.reason, gotFields, tt.fields)
			}
			for i, w := range tt.fields {
				if !strings.HasPrefix(gotFields[i], w) {
					t.Errorf("%s: field error %d %q, want it to start %q", tt.reason, i, gotFields[i], w)
				}
			}

			// Saving it gives the same errors, or saves it.
			var e errorBody
			if tt.ok {
				ts.must(http.StatusCreated, "PUT", "/v1/program", tt.program, nil)
				return
			}
			ts.must(http.StatusUnprocessableEntity, "PUT", "/v1/program", tt.program, &e)
			if a, b := asJSON(got.RuleErrors), asJSON(e.Error.RuleErrors); a != b {
				t.Errorf("the save's rule errors differ from the check's:\n check %s\n save  %s", a, b)
			}
			if a, b := asJSON(got.FieldErrors), asJSON(e.Error.FieldErrors); a != b {
				t.Errorf("the save's field errors differ from the check's:\n check %s\n save  %s", a, b)
			}
		})
	}
}

// asJSON is v as JSON, an empty list as null.
func asJSON(v any) string {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.Len() == 0 {
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "error: " + err.Error()
	}
	return string(b)
}

func TestPlaygroundEnv(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ts := startServer(t, tempDB(t), clock, nil)
	var env envView
	ts.must(http.StatusOK, "GET", "/api/playground/env", nil, &env)

	types := map[string]string{}
	var walk func([]fieldView)
	walk = func(fs []fieldView) {
		for _, f := range fs {
			types[f.Path] = f.Type
			walk(f.Fields)
		}
	}
	walk(env.Fields)
	for path, typ := range map[string]string{
		"customer": "loyalty.CustomerFacts", "customer.LifetimeSpend": "decimal.Decimal", "customer.Birthday": "time.Time",
		"customer.Attributes": "map[string]string", "order.Lines": "[]*loyalty.Line", ".Price": "decimal.Decimal",
		".Qty": "int", ".Category": "string", "event.Kind": "string", "now": "time.Time",
	} {
		if types[path] != typ {
			t.Errorf("field %s has type %q, want %q", path, types[path], typ)
		}
	}
	if _, ok := types["occasion"]; ok {
		t.Errorf("an unexported field is listed")
	}
	sigs := map[string][]string{}
	for _, h := range env.Helpers {
		sigs[h.Name] = h.Signatures
	}
	for name, want := range map[string]string{
		"floor": "floor(decimal.Decimal) decimal.Decimal", "isBirthday": "isBirthday(time.Time, time.Time, int) bool",
		"any": "any(list, predicate) bool", "withinHours": "withinHours(time.Time, string, string) bool",
	} {
		if !slices.Contains(sigs[name], want) {
			t.Errorf("helper %s: signatures %q, want %q among them", name, sigs[name], want)
		}
	}
	for _, tt := range []struct {
		what      string
		got, want []string
	}{
		{"kinds", env.Kinds, []string{"accrual", "discount", "gift", "tier"}},
		{"units", env.Units, []string{"percent", "amount"}},
		{"stackings", env.Stackings, []string{"stack", "exclusive", "best_of"}},
		{"statuses", env.Statuses, []string{"unset", "inactive", "false", "shadowed", "outdone", "capped", "applied", "failed", "not_applicable", "unknown", "limited"}},
	} {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s %q, want %q", tt.what, tt.got, tt.want)
		}
	}
}

func TestPlaygroundPageAndProgram(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ts := startServer(t, tempDB(t), clock, nil)
	for _, tt := range []struct {
		path, status, contentType, contains string
	}{
		{"/playground", "200", "text/html", `<script src="/playground/app.js" defer></script>`},
		{"/playground/app.js", "200", "text/javascript", `"/api/playground/check"`},
		{"/playground/style.css", "200", "text/css", ".rule"},
		{"/playground/nothing.js", "404", "application/json", "no_route"},
	} {
		r := ts.do("GET", tt.path, nil)
		if fmt.Sprint(r.Status) != tt.status || !strings.HasPrefix(r.Header.Get("Content-Type"), tt.contentType) || !strings.Contains(string(r.Body), tt.contains) {
			t.Errorf("GET %s: %d %q, want %s %s containing %q", tt.path, r.Status, r.Header.Get("Content-Type"), tt.status, tt.contentType, tt.contains)
		}
		if r.Status == 200 && !strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("GET %s: no Content-Security-Policy", tt.path)
		}
	}

	type programView struct {
		Revision int64           `json:"revision"`
		Source   string          `json:"source"`
		Program  json.RawMessage `json:"program"`
	}
	var p programView
	ts.must(http.StatusOK, "GET", "/api/playground/program", nil, &p)
	if p.Source != "example" || p.Revision != 0 || !strings.Contains(string(p.Program), `"Kofe Almaty"`) {
		t.Errorf("with no programme saved: %s %d %.60s, want the example", p.Source, p.Revision, p.Program)
	}
	ts.must(http.StatusCreated, "PUT", "/v1/program", programWith(t, `[{"id":"one","kind":"accrual","value":"1"}]`), nil)
	ts.must(http.StatusOK, "GET", "/api/playground/program", nil, &p)
	if p.Source != "saved" || p.Revision != 1 || !strings.Contains(string(p.Program), `"one"`) {
		t.Errorf("after a save: %s %d %.60s, want revision 1", p.Source, p.Revision, p.Program)
	}
}

func TestPlaygroundTry(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} // 14:00 in Almaty
	ts := startServer(t, tempDB(t), clock, nil)
	ts.must(http.StatusCreated, "PUT", "/v1/program", programJSON(t), nil)
	ts.must(http.StatusOK, "PUT", "/v1/customers/aigerim", `{"birthday":"1994-05-12"}`, nil)
	basket := `{"lines":[{"sku":"latte","category":"drinks","qty":2,"price":"1200"},{"sku":"beans","category":"beans","qty":1,"price":"9600"}]}`
	ts.must(http.StatusOK, "POST", "/v1/customers/aigerim/purchases", `{"id":"o1","total":"12000",`+basket[1:], nil)
	clock.Set(time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC))
	ts.must(http.StatusOK, "POST", "/v1/customers/aigerim/purchases", `{"id":"o2","total":"12000",`+basket[1:], nil)
	entriesBefore := countRows(t, ts, "entries")

	prog := string(programJSON(t))
	// A programme whose gold discount is exclusive over a second discount,
	// and whose base rule is capped.
	edited := string(programWith(t, `[
		{"id":"base","kind":"accrual","value":"floor(order.Total / 100) * 5","cap":"500"},
		{"id":"gold-5","kind":"discount","when":"customer.Tier == \"gold\"","value":"5","unit":"percent","stacking":"exclusive"},
		{"id":"all-2","kind":"discount","value":"2","unit":"percent"},
		{"id":"cake","kind":"gift","value":"\"cake-slice\"","on":["birthday"]},
		{"id":"spring","kind":"accrual","value":"10","from":"2026-06-01T00:00:00+05:00"},
		{"id":"per-line","kind":"accrual","value":"100 / (len(order.Lines) - 2)"}]`))
	type step struct{ Rule, Status, Value, Reason string }
	tests := []struct {
		name, reason string
		body         string
		points       string
		discount     string
		tier         string
		customer     string // id, tier and orders before, as "id tier orders"
		steps        []step // Reason: a prefix
	}{
		{"new sample", "a first purchase: no tier yet, no gold discount",
			`{"program":` + prog + `,"customer":{},"order":` + basket + `}`, "1080", "0", "silver", "sample  0",
			[]step{{"base", "applied", "600", "gave 600 points"}, {"beans-x2", "applied", "480", "gave 480 points"},
				{"gold-5", "false", "", "its condition (when) is false"}, {"tenth-visit", "false", "", ""},
				{"birthday", "not_applicable", "", "runs on birthday, not on purchase"}, {"birthday-cake", "not_applicable", "", ""}}},
		{"sample with history", "25,000 in three earlier orders: gold, 5 % off, points on the money paid",
			`{"program":` + prog + `,"customer":{"history":{"orders":3,"spend":"25000"}},"order":` + basket + `}`, "1026", "600", "gold", "sample gold 3",
			[]step{{"base", "applied", "600", "gave 600 points; 570 earned on the money paid"}, {"beans-x2", "applied", "480", "gave 480 points; 456 earned"},
				{"gold-5", "applied", "600", "took 600 off"}, {"tenth-visit", "false", "", ""}, {"birthday", "not_applicable", "", ""}, {"birthday-cake", "not_applicable", "", ""}}},
		{"event", "a birthday event runs the birthday rules only",
			`{"program":` + prog + `,"customer":{"birthday":"1990-03-02"},"event":{"kind":"birthday"}}`, "300", "0", "silver", "sample  0",
			[]step{{"base", "not_applicable", "", "runs on purchase, not on birthday"}, {"beans-x2", "not_applicable", "", ""}, {"gold-5", "not_applicable", "", ""},
				{"tenth-visit", "not_applicable", "", ""}, {"birthday", "applied", "300", "gave 300 points"}, {"birthday-cake", "applied", "", `gave the gift "cake-slice"`}}},
		{"stored now", "aigerim after two orders of 12,000: gold",
			`{"program":` + prog + `,"customer":{"id":"aigerim"},"order":` + basket + `}`, "1026", "600", "gold", "aigerim gold 2", nil},
		{"stored before o2", "aigerim as she was before her second order, at its time: silver, promoted by it",
			`{"program":` + prog + `,"customer":{"id":"aigerim","before":"o2"},"order":` + basket + `}`, "1080", "0", "gold", "aigerim silver 1", nil},
		{"edited programme", "cap, exclusive shadowing, inactive window and a failing rule, each with its reason",
			`{"program":` + edited + `,"customer":{"id":"aigerim"},"order":` + basket + `}`, "475", "600", "gold", "aigerim gold 2",
			[]step{{"base", "capped", "500", "gave 500 points (capped: it computed 600"}, {"gold-5", "applied", "600", "took 600 off"},
				{"all-2", "shadowed", "", "not evaluated: the exclusive rule gold-5 of its kind applied first"},
				{"cake", "not_applicable", "", "runs on birthday, not on purchase"}, {"spring", "inactive", "", "outside its active window from 2026-06-01T00:00:00+05:00"},
				{"per-line", "failed", "", "failed, and gave nothing: value"}}},
		{"at", "a time in the programme's zone: the window is open in June; 15 points on 98 paid of 100",
			`{"program":` + edited + `,"customer":{},"order":{"total":"100"},"at":"2026-06-02T10:00"}`, "14", "2", "silver", "sample  0",
			[]step{{"base", "applied", "5", ""}, {"gold-5", "false", "", ""}, {"all-2", "applied", "2", "took 2 off"}, {"cake", "not_applicable", "", ""},
				{"spring", "applied", "10", "gave 10 points"}, {"per-line", "failed", "", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				tryView
				Trace []struct {
					RuleID string `json:"rule_id"`
					Status string `json:"status"`
					Value  string `json:"value"`
					Reason string `json:"reason"`
					Index  int    `json:"rule_index"`
				} `json:"trace"`
			}
			ts.must(http.StatusOK, "POST", "/api/playground/try", tt.body, &got)
			if got.Points.String() != tt.points || got.Discount.String() != tt.discount || got.Tier != tt.tier {
				t.Errorf("%s: %s points, %s off, tier %q; want %s, %s, %q", tt.reason, got.Points, got.Discount, got.Tier, tt.points, tt.discount, tt.tier)
			}
			if c := fmt.Sprintf("%s %s %d", got.Customer.ID, got.Customer.Tier, got.Customer.Orders); c != tt.customer {
				t.Errorf("%s: the customer before was %q, want %q", tt.reason, c, tt.customer)
			}
			if tt.steps == nil {
				return
			}
			if len(got.Trace) != len(tt.steps) {
				t.Fatalf("%s: %d steps, want %d: %+v", tt.reason, len(got.Trace), len(tt.steps), got.Trace)
			}
			for i, w := range tt.steps {
				g := got.Trace[i]
				if g.RuleID != w.Rule || g.Status != w.Status || g.Value != w.Value || !strings.HasPrefix(g.Reason, w.Reason) || g.Index < 0 {
					t.Errorf("%s: step %d: %+v, want %+v (reason as a prefix) and a rule index", tt.reason, i, g, w)
				}
			}
		})
	}
	if n := countRows(t, ts, "entries"); n != entriesBefore {
		t.Errorf("trying wrote %d ledger entries", n-entriesBefore)
	}

	// Recorded orders, newest first, and one with its basket.
	var list struct {
		Orders []recordedOrderView `json:"orders"`
	}
	ts.must(http.StatusOK, "GET", "/api/playground/orders", nil, &list)
	if len(list.Orders) != 2 || list.Orders[0].Order != "o2" || list.Orders[1].Order != "o1" || list.Orders[0].At != "2026-04-02T14:00:00+05:00" {
		t.Errorf("recorded orders %+v, want o2 (2026-04-02 14:00 in Almaty) then o1", list.Orders)
	}
	var one recordedOrderView
	ts.must(http.StatusOK, "GET", "/api/playground/orders/aigerim/o1", nil, &one)
	if one.Total.String() != "12000" || len(one.Lines) != 2 || one.Lines[1].SKU != "beans" || one.At != "2026-03-02T14:00:00+05:00" {
		t.Errorf("order o1: %+v, want its total, lines and time", one)
	}
}

func countRows(t *testing.T, ts *testServer, table string) int {
	t.Helper()
	var n int
	if err := ts.store.db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPlaygroundBadInput: every refusal is a 4xx whose field names what
// to fix, in its field member and in its message.
func TestPlaygroundBadInput(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ts := startServer(t, tempDB(t), clock, nil)
	ts.must(http.StatusCreated, "PUT", "/v1/program", programJSON(t), nil)
	ts.must(http.StatusOK, "POST", "/v1/customers/aigerim/purchases", `{"id":"o1","total":"100"}`, nil)
	prog := string(programJSON(t))
	rule := func(extra string) string {
		return `{"name":"x","currency":"KZT","time_zone":"UTC","rules":[{"id":"a","kind":"accrual","value":"1"},{"id":"b","kind":"accrual","value":"1"` + extra + `}]}`
	}
	try := func(rest string) string { return `{"program":` + prog + `,` + rest + `}` }
	const check, tryPath = "/api/playground/check", "/api/playground/try"
	tests := []struct {
		name, reason string
		method, path string
		body         string
		status       int
		code, field  string
	}{
		{"empty", "", "POST", check, ``, 400, "empty_body", ""},
		{"malformed", "", "POST", check, `{"name":`, 400, "malformed_json", ""},
		{"not an object", "", "POST", check, `[1]`, 400, "invalid_type", ""},
		{"unknown setting", "a typo in a setting", "POST", check, `{"name":"x","rulez":[]}`, 400, "unknown_field", "rulez"},
		{"unknown rule field", "a misspelt when must not leave the rule without a condition", "POST", check, rule(`,"wen":"false"`), 400, "unknown_field", "rules[1].wen"},
		{"case", "field names are case-sensitive", "POST", check, rule(`,"When":"false"`), 400, "unknown_field", "rules[1].When"},
		{"kind", "an unknown kind", "POST", check, `{"rules":[{"id":"a","kind":"acrual","value":"1"}]}`, 400, "invalid_value", "rules[0].kind"},
		{"date", "", "POST", check, rule(`,"from":"yesterday"`), 400, "invalid_value", "rules[1].from"},
		{"priority", "", "POST", check, rule(`,"priority":"high"`), 400, "invalid_type", "rules[1].priority"},
		{"cap", "", "POST", check, rule(`,"cap":"lots"`), 400, "invalid_value", "rules[1].cap"},
		{"on", "", "POST", check, rule(`,"on":"birthday"`), 400, "invalid_type", "rules[1].on"},
		{"rules", "not a list", "POST", check, `{"rules":{}}`, 400, "invalid_type", "rules"},
		{"rule", "not an object", "POST", check, `{"rules":[1]}`, 400, "invalid_type", "rules[0]"},
		{"tier", "", "POST", check, `{"tiers":[{"name":"a"},{"name":"b","min_spend":"much"}]}`, 400, "invalid_value", "tiers[1].min_spend"},
		{"expiry", "", "POST", check, `{"expiry":{"kind":"someday"}}`, 400, "invalid_value", "expiry.kind"},
		{"save too", "PUT /v1/program reads programmes the same way", "PUT", "/v1/program", rule(`,"wen":"false"`), 400, "unknown_field", "rules[1].wen"},

		{"try: no program", "", "POST", tryPath, `{"customer":{},"order":{}}`, 400, "invalid_value", "program"},
		{"try: bad program", "", "POST", tryPath, `{"program":` + rule(`,"wen":"x"`) + `,"customer":{},"order":{}}`, 400, "unknown_field", "program.rules[1].wen"},
		{"try: program does not compile", "", "POST", tryPath, `{"program":` + rule(`,"when":"order.Totl > 0"`) + `,"customer":{},"order":{}}`, 422, "invalid_rules", ""},
		{"try: unknown field", "", "POST", tryPath, try(`"customer":{},"order":{},"when":"now"`), 400, "unknown_field", ""},
		{"try: neither", "", "POST", tryPath, try(`"customer":{}`), 422, "invalid_try", "order"},
		{"try: both", "", "POST", tryPath, try(`"customer":{},"order":{},"event":{"kind":"birthday"}`), 422, "invalid_try", "order"},
		{"try: customer id", "", "POST", tryPath, try(`"customer":{"id":"a b"},"order":{}`), 422, "invalid_id", "customer.id"},
		{"try: unknown customer", "", "POST", tryPath, try(`"customer":{"id":"nobody"},"order":{}`), 404, "not_found", "customer.id"},
		{"try: stored with a profile", "", "POST", tryPath, try(`"customer":{"id":"aigerim","birthday":"1990-01-01"},"order":{}`), 422, "invalid_customer", "customer"},
		{"try: before without id", "", "POST", tryPath, try(`"customer":{"before":"o1"},"order":{}`), 422, "invalid_customer", "customer.before"},
		{"try: before unknown order", "", "POST", tryPath, try(`"customer":{"id":"aigerim","before":"o9"},"order":{}`), 404, "unknown_order", "customer.before"},
		{"try: birthday", "", "POST", tryPath, try(`"customer":{"birthday":"12/05/1994"},"order":{}`), 422, "invalid_date", "customer.birthday"},
		{"try: history orders", "", "POST", tryPath, try(`"customer":{"history":{"orders":101,"spend":"1"}},"order":{}`), 422, "invalid_value", "customer.history.orders"},
		{"try: history spend", "", "POST", tryPath, try(`"customer":{"history":{"orders":1,"spend":"-1"}},"order":{}`), 422, "negative_amount", "customer.history.spend"},
		{"try: total", "", "POST", tryPath, try(`"customer":{},"order":{"total":"-1"}`), 422, "negative_amount", "order.total"},
		{"try: line", "", "POST", tryPath, try(`"customer":{},"order":{"lines":[{"sku":"a","qty":0,"price":"1"}]}`), 422, "invalid_quantity", "order.lines[0].qty"},
		{"try: qty type", "", "POST", tryPath, try(`"customer":{},"order":{"lines":[{"sku":"a","qty":"two","price":"1"}]}`), 400, "invalid_type", "order.lines.qty"},
		{"try: event purchase", "", "POST", tryPath, try(`"customer":{},"event":{"kind":"purchase"}`), 422, "invalid_event", "event.kind"},
		{"try: event kind", "", "POST", tryPath, try(`"customer":{},"event":{"kind":""}`), 422, "invalid_id", "event.kind"},
		{"try: at", "", "POST", tryPath, try(`"customer":{},"order":{},"at":"tomorrow"`), 422, "invalid_date", "at"},
		{"try: total below lines", "the library's check", "POST", tryPath, try(`"customer":{},"order":{"total":"1","lines":[{"sku":"a","qty":1,"price":"5"}]}`), 422, "invalid_input", ""},

		{"orders: limit", "", "GET", "/api/playground/orders?limit=0", ``, 400, "invalid_query", "limit"},
		{"order: unknown", "", "GET", "/api/playground/orders/aigerim/o9", ``, 404, "unknown_order", ""},
		{"order: bad id", "", "GET", "/api/playground/orders/aigerim/o%2F9", ``, 422, "invalid_id", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			r := ts.do(tt.method, tt.path, body)
			if r.Status != tt.status {
				t.Fatalf("%s %s (%s): status %d, want %d; body %s", tt.method, tt.path, tt.reason, r.Status, tt.status, r.Body)
			}
			var e errorBody
			if err := json.Unmarshal(r.Body, &e); err != nil {
				t.Fatalf("the error is not JSON: %v: %s", err, r.Body)
			}
			if e.Error.Code != tt.code || e.Error.Field != tt.field {
				t.Errorf("%s: code %q field %q, want %q %q; body %s", tt.reason, e.Error.Code, e.Error.Field, tt.code, tt.field, r.Body)
			}
			if tt.field != "" && !strings.Contains(e.Error.Message, tt.field) {
				t.Errorf("the message %q does not name the field %s", e.Error.Message, tt.field)
			}
			if len(r.Body) > 1000 && tt.code != "invalid_rules" {
				t.Errorf("a %d-byte error: %.200s…", len(r.Body), r.Body)
			}
		})
	}
	var p struct {
		Revision int64 `json:"revision"`
	}
	ts.must(http.StatusOK, "GET", "/v1/program", nil, &p)
	if p.Revision != 1 {
		t.Errorf("revision %d after refused requests, want 1", p.Revision)
	}
}

func TestCaret(t *testing.T) {
	tests := []struct {
		name, source string
		line, column int
		want         string
	}{
		{"first column", "order.Totl", 1, 1, "^"},
		{"after runes of two bytes", `"é" + order.Totl`, 1, 12, "           ^"},
		{"after a tab", "\t\torder.Totl", 1, 9, "\t\t      ^"},
		{"just past the end", "order.Total *", 1, 14, "             ^"},
		{"no position", "order.Totl", 0, 0, ""},
		{"no source", "", 1, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := caret(&rules.RuleError{Line: tt.line, Column: tt.column, Source: tt.source})
			if got != tt.want {
				t.Errorf("caret(%q, %d:%d) = %q, want %q", tt.source, tt.line, tt.column, got, tt.want)
			}
		})
	}
}

// TestPlaygroundPicture: the README's picture of the page is there, is a
// PNG, and stays small (made by TestPlaygroundBrowser with
// PLAYGROUND_SCREENSHOT=playground.png).
func TestPlaygroundPicture(t *testing.T) {
	b, err := os.ReadFile("playground.png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("playground.png: %v", err)
	}
	if len(b) > 200<<10 || img.Bounds().Dx() < 900 {
		t.Errorf("playground.png is %d bytes and %v: want at most 200 KiB and at least 900 pixels wide", len(b), img.Bounds())
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "](playground.png)") {
		t.Errorf("README.md does not show playground.png")
	}
}
