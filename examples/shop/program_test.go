package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestProgramAcrossServers: two servers on one file; staff replace the
// programme through one, and the other applies the new rules from its
// next operation on (it compiles each revision once, and every write
// checks the revision it ran under is still the newest).
func TestProgramAcrossServers(t *testing.T) {
	path := tempDB(t)
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	a := startServer(t, path, clock, nil)
	b := startServer(t, path, clock, nil)
	a.must(http.StatusCreated, "PUT", "/v1/program", programJSON(t), nil)

	var r resultView
	b.must(200, "POST", "/v1/customers/c1/purchases", `{"id":"o1","total":"1000"}`, &r)
	checkDec(t, "points under revision 1", r.Points, "50")

	// Revision 2: 10 points per 100 instead of 5.
	doubled := strings.Replace(string(programJSON(t)), `"floor(order.Total / 100) * 5"`, `"floor(order.Total / 100) * 10"`, 1)
	var saved struct{ Revision int64 }
	a.must(http.StatusCreated, "PUT", "/v1/program", doubled, &saved)
	if saved.Revision != 2 {
		t.Fatalf("revision %d, want 2", saved.Revision)
	}
	b.must(200, "POST", "/v1/customers/c1/purchases", `{"id":"o2","total":"1000"}`, &r)
	checkDec(t, "points under revision 2, on the other server", r.Points, "100")

	// Another currency cannot read the stored accounts: refused, and the
	// programme in force stays revision 2.
	eur := strings.Replace(doubled, `"currency": "KZT"`, `"currency": "EUR"`, 1)
	var e errorBody
	a.must(http.StatusConflict, "PUT", "/v1/program", eur, &e)
	if e.Error.Code != "program_change" {
		t.Errorf("code %q, want program_change", e.Error.Code)
	}
	var got struct{ Revision int64 }
	b.must(200, "GET", "/v1/program", nil, &got)
	if got.Revision != 2 {
		t.Errorf("revision %d in force, want 2", got.Revision)
	}
	checkAccount(t, b, "c1", clock.Now())
}
