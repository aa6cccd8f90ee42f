package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// faultInjector aborts the write step it is armed for, once.
type faultInjector struct {
	armed atomic.Pointer[string]
	mu    sync.Mutex
	seen  []string // every step reached, when recording
}

var errInjected = errors.New("injected fault")

func (f *faultInjector) hook(step string) error {
	f.mu.Lock()
	f.seen = append(f.seen, step)
	f.mu.Unlock()
	if p := f.armed.Load(); p != nil && *p == step && f.armed.CompareAndSwap(p, nil) {
		return errInjected
	}
	return nil
}

func (f *faultInjector) arm(step string) { f.armed.Store(&step) }

func (f *faultInjector) steps() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]string(nil), f.seen...)
	f.seen = nil
	return out
}

// dbState is what the database holds about one customer.
type dbState struct {
	Ledger     []byte // the entries as JSON
	Version    int64
	Operations int
	Orders     int
}

func readState(t *testing.T, ts *testServer, customer string) dbState {
	t.Helper()
	entries, err := ts.store.Ledger(t.Context(), customer)
	if err != nil {
		t.Fatal(err)
	}
	var st dbState
	st.Ledger, _ = json.Marshal(entries)
	db := ts.store.db
	db.QueryRow(`SELECT COALESCE(MAX(version), 0) FROM accounts WHERE customer = ?`, customer).Scan(&st.Version)
	db.QueryRow(`SELECT COUNT(*) FROM operations WHERE customer = ?`, customer).Scan(&st.Operations)
	db.QueryRow(`SELECT COUNT(*) FROM orders WHERE customer = ?`, customer).Scan(&st.Orders)
	return st
}

// TestPurchaseFaults aborts the transaction of a purchase at every write
// step, in turn (as a crash there would), restarts the server on the same
// file, and checks that the state is as if the purchase happened once
// (aborted after the commit) or not at all (before it), and that retrying
// the request completes it with exactly the response and the ledger of a
// run without faults. It does so for a new customer (the account row is
// inserted) and one with history (the row is updated), with a snapshot
// written by the purchase and without.
func TestPurchaseFaults(t *testing.T) {
	for _, tc := range []struct {
		name          string
		history       bool
		snapshotEvery int64
	}{
		{"new customer", false, 1},
		{"history, snapshot written", true, 1},
		{"history, no snapshot", true, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			purchase := `{"id":"o1","total":"12000","lines":[{"sku":"latte","category":"drinks","qty":2,"price":"1200"},{"sku":"beans","category":"beans","qty":1,"price":"9600"}]}`
			setup := func(f *faultInjector) (*testServer, string) {
				path := tempDB(t)
				ts := startServer(t, path, clock, func(s *Store) { s.SnapshotEvery = tc.snapshotEvery; s.Fault = f.hook })
				ts.must(http.StatusCreated, "PUT", "/v1/program", programJSON(t), nil)
				if tc.history {
					ts.must(200, "POST", "/v1/customers/c1/purchases", `{"id":"o0","total":"3000"}`, nil)
					ts.must(200, "POST", "/v1/customers/c1/events", `{"id":"e0","kind":"review"}`, nil)
				}
				f.steps()
				return ts, path
			}

			// The reference: the purchase without faults, recording its steps.
			ref := &faultInjector{}
			rts, _ := setup(ref)
			before := readState(t, rts, "c1")
			want := rts.must(200, "POST", "/v1/customers/c1/purchases", purchase, nil)
			steps := ref.steps()
			after := readState(t, rts, "c1")
			rts.Close()
			if len(steps) < 6 || steps[0] != "begin" || steps[len(steps)-1] != "committed" {
				t.Fatalf("write steps %q: want begin, account, entries, operation, order, commit, committed", steps)
			}
			if after.Operations != before.Operations+1 || after.Orders != before.Orders+1 || after.Version <= before.Version {
				t.Fatalf("the reference purchase wrote %+v over %+v", after, before)
			}

			for _, step := range steps {
				t.Run(step, func(t *testing.T) {
					f := &faultInjector{}
					ts, path := setup(f)
					f.arm(step)
					if r := ts.do("POST", "/v1/customers/c1/purchases", purchase); r.Status != http.StatusInternalServerError {
						t.Fatalf("aborted at %q: status %d, want 500; %s", step, r.Status, r.Body)
					}
					ts.Close() // the crash; then a restart on the same file
					ts = startServer(t, path, clock, func(s *Store) { s.SnapshotEvery = tc.snapshotEvery })
					got, wantState := readState(t, ts, "c1"), before
					if step == "committed" {
						wantState = after // the commit happened, the response was lost
					}
					if !bytes.Equal(got.Ledger, wantState.Ledger) || got.Version != wantState.Version ||
						got.Operations != wantState.Operations || got.Orders != wantState.Orders {
						t.Fatalf("after an abort at %q and a restart: version %d, %d operations, %d orders, ledger\n%s\nwant version %d, %d, %d, ledger\n%s",
							step, got.Version, got.Operations, got.Orders, got.Ledger, wantState.Version, wantState.Operations, wantState.Orders, wantState.Ledger)
					}
					if got.Version > 0 {
						checkAccount(t, ts, "c1", clock.Now())
					}

					// The client retries: the purchase completes, once.
					r := ts.must(200, "POST", "/v1/customers/c1/purchases", purchase, nil)
					if !bytes.Equal(r.Body, want.Body) {
						t.Errorf("the retry answered\n%s\nwant\n%s", r.Body, want.Body)
					}
					if replayed := r.Header.Get("Idempotent-Replayed") == "true"; replayed != (step == "committed") {
						t.Errorf("Idempotent-Replayed %v after an abort at %q", replayed, step)
					}
					final := readState(t, ts, "c1")
					if !bytes.Equal(final.Ledger, after.Ledger) || final.Version != after.Version ||
						final.Operations != after.Operations || final.Orders != after.Orders {
						t.Errorf("after the retry: %s\nwant the reference %s", fmt.Sprint(final.Version, final.Operations, final.Orders), fmt.Sprint(after.Version, after.Operations, after.Orders))
					}
					checkAccount(t, ts, "c1", clock.Now())
				})
			}
		})
	}
}
