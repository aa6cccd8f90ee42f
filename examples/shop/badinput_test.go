package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestBadInput sends requests a careless or hostile client could send.
// Each must be a 4xx with a JSON error whose code says what is wrong and
// whose message is short, and nothing may be stored.
func TestBadInput(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ts := startServer(t, tempDB(t), clock, nil)
	ts.must(http.StatusCreated, "PUT", "/v1/program", programJSON(t), nil)

	long := strings.Repeat("x", 10<<10)
	hugeLines := `{"id":"o1","total":"1","lines":[` + strings.Repeat(`{"sku":"a","qty":1,"price":"1"},`, 4000) + `{"sku":"a","qty":1,"price":"1"}]}`
	const p = "/v1/customers/c1/purchases"
	tests := []struct {
		name, reason string
		method, path string
		body         string
		status       int
		code         string
	}{
		{"malformed", "a body cut short", "POST", p, `{"id":"o1",`, 400, "malformed_json"},
		{"not json", "plain text", "POST", p, `hello`, 400, "malformed_json"},
		{"trailing", "two objects", "POST", p, `{"id":"o1","total":"1"} {}`, 400, "malformed_json"},
		{"empty", "no body", "POST", p, ``, 400, "empty_body"},
		{"array", "not an object", "POST", p, `[1,2]`, 400, "invalid_type"},
		{"unknown field", "a typo must not be ignored", "POST", p, `{"id":"o1","total":"1","totl":"2"}`, 400, "unknown_field"},
		{"case", "fields are case-sensitive in spirit: Total is not total", "POST", p, `{"id":"o1","total":"1","lines":[{"sku":"a","qty":1,"price":"1","colour":"red"}]}`, 400, "unknown_field"},
		{"wrong type", "an id must be a string", "POST", p, `{"id":5,"total":"1"}`, 400, "invalid_type"},
		{"not a number", "money must be a decimal", "POST", p, `{"id":"o1","total":"ten"}`, 400, "invalid_value"},
		{"float garbage", "NaN is not money", "POST", p, `{"id":"o1","total":"NaN"}`, 400, "invalid_value"},
		{"negative total", "", "POST", p, `{"id":"o1","total":"-5"}`, 422, "negative_amount"},
		{"negative price", "", "POST", p, `{"id":"o1","total":"10","lines":[{"sku":"a","qty":1,"price":"-10"}]}`, 422, "negative_amount"},
		{"zero quantity", "", "POST", p, `{"id":"o1","total":"10","lines":[{"sku":"a","qty":0,"price":"10"}]}`, 422, "invalid_quantity"},
		{"huge exponent", "the decimal decoder's own limit", "POST", p, `{"id":"o1","total":"1e-99999999"}`, 400, "invalid_value"},
		{"small exponent", "refused before any arithmetic scales it", "POST", p, `{"id":"o1","total":"1e-50"}`, 422, "invalid_amount"},
		{"too large", "", "POST", p, `{"id":"o1","total":"1e20"}`, 422, "invalid_amount"},
		{"too precise", "", "POST", p, `{"id":"o1","total":"1.0000001"}`, 422, "invalid_amount"},
		{"huge body", "over the 64 KiB limit", "POST", p, hugeLines, 413, "body_too_large"},
		{"wrong currency", "the programme is in KZT", "POST", p, `{"id":"o1","total":"10","currency":"USD"}`, 422, "wrong_currency"},
		{"bad currency", "", "POST", p, `{"id":"o1","total":"10","currency":"usd!"}`, 422, "invalid_currency"},
		{"unicode customer", "look-alike ids are refused", "POST", "/v1/customers/" + url.PathEscape("айгерим") + "/purchases", `{"id":"o1","total":"1"}`, 422, "invalid_id"},
		{"unicode order", "", "POST", p, `{"id":"о1","total":"1"}`, 422, "invalid_id"},
		{"slash in id", "ids end up in entry ids and URLs", "POST", p, `{"id":"o/1","total":"1"}`, 422, "invalid_id"},
		{"empty id", "", "POST", p, `{"id":"","total":"1"}`, 422, "invalid_id"},
		{"10 KB customer id", "", "POST", "/v1/customers/" + long + "/purchases", `{"id":"o1","total":"1"}`, 422, "invalid_id"},
		{"10 KB order id", "", "POST", p, `{"id":"` + long + `","total":"1"}`, 422, "invalid_id"},
		{"10 KB sku", "", "POST", p, `{"id":"o1","total":"1","lines":[{"sku":"` + long + `","qty":1,"price":"1"}]}`, 422, "invalid_id"},
		{"refund both", "an amount or lines", "POST", "/v1/customers/c1/refunds", `{"id":"r1","order":"o1","amount":"1","lines":[{"sku":"a","qty":1}]}`, 422, "invalid_refund"},
		{"refund unknown order", "", "POST", "/v1/customers/c1/refunds", `{"id":"r1","order":"o1","amount":"1"}`, 404, "unknown_order"},
		{"refund negative", "", "POST", "/v1/customers/c1/refunds", `{"id":"r1","order":"o1","amount":"-1"}`, 422, "negative_amount"},
		{"redeem zero", "", "POST", "/v1/customers/c1/redemptions", `{"id":"x1","points":"0"}`, 422, "invalid_amount"},
		{"redeem too much", "no points yet", "POST", "/v1/customers/c1/redemptions", `{"id":"x1","points":"10"}`, 422, "insufficient_points"},
		{"hold negative", "", "POST", "/v1/customers/c1/holds", `{"id":"h1","points":"-1"}`, 422, "negative_amount"},
		{"capture unknown", "", "POST", "/v1/customers/c1/holds/h1/capture", ``, 404, "unknown_hold"},
		{"release with a body", "release takes no fields", "POST", "/v1/customers/c1/holds/h1/release", `{"points":"1"}`, 400, "unknown_field"},
		{"event purchase", "purchases go to /purchases", "POST", "/v1/customers/c1/events", `{"id":"e1","kind":"purchase"}`, 422, "invalid_event"},
		{"event unicode kind", "", "POST", "/v1/customers/c1/events", `{"id":"e1","kind":"день рождения"}`, 422, "invalid_id"},
		{"profile date", "", "PUT", "/v1/customers/c1", `{"birthday":"12/05/1994"}`, 422, "invalid_date"},
		{"profile field", "", "PUT", "/v1/customers/c1", `{"birthdate":"1994-05-12"}`, 400, "unknown_field"},
		{"huge programme", "over the 1 MiB limit for programmes", "PUT", "/v1/program", `{"name":"` + strings.Repeat("x", 1<<20) + `"}`, 413, "body_too_large"},
		{"programme field", "", "PUT", "/v1/program", `{"name":"x","currency":"KZT","time_zone":"UTC","rulez":[]}`, 400, "unknown_field"},
		{"programme rules", "a rule that does not type-check", "PUT", "/v1/program", `{"name":"x","currency":"KZT","time_zone":"UTC","redemption":{"point_value":"1"},"rules":[{"id":"r","kind":"accrual","value":"order.Totl"}]}`, 422, "invalid_rules"},
		{"programme enum", "an unknown expiry kind", "PUT", "/v1/program", `{"name":"x","currency":"KZT","time_zone":"UTC","expiry":{"kind":"someday"},"rules":[]}`, 400, "invalid_value"},
		{"balance days", "", "GET", "/v1/customers/c1/balance?days=-1", ``, 400, "invalid_query"},
		{"retention period", "", "GET", "/v1/metrics/retention?period=year", ``, 400, "invalid_query"},
		{"no route", "", "GET", "/v1/nothing", ``, 404, "no_route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			r := ts.do(tt.method, tt.path, body)
			if r.Status != tt.status {
				t.Fatalf("%s %s (%s): status %d, want %d; body %s", tt.method, tt.path[:min(len(tt.path), 60)], tt.reason, r.Status, tt.status, r.Body)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			var e errorBody
			if err := json.Unmarshal(r.Body, &e); err != nil {
				t.Fatalf("the error is not JSON: %v: %s", err, r.Body)
			}
			if e.Error.Code != tt.code || e.Error.Message == "" || e.RequestID == "" {
				t.Errorf("error %+v, want code %q, a message and a request id", e, tt.code)
			}
			if len(r.Body) > 1000 && tt.code != "invalid_rules" {
				t.Errorf("a %d-byte error: messages must not echo the input: %.200s…", len(r.Body), r.Body)
			}
		})
	}

	// Nothing was stored: no account, entry, operation, order, customer,
	// and the programme is still revision 1.
	for _, table := range []string{"accounts", "entries", "operations", "orders", "customers"} {
		var n int
		if err := ts.store.db.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM %s", table)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rows in %s after refused requests, want 0", n, table)
		}
	}
	prog, err := ts.store.Program(t.Context())
	if err != nil || prog.revision != 1 {
		t.Errorf("programme revision %v (%v), want 1", prog, err)
	}
	// And the server still works.
	ts.must(http.StatusOK, "POST", p, `{"id":"o1","total":"100"}`, nil)
}
