package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"
)

// testClock is the servers' clock in tests: set by the test, or ticking
// one second per reading.
type testClock struct {
	mu   sync.Mutex
	t    time.Time
	tick time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.tick)
	return t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// testLogger discards logs unless SHOP_TEST_LOG=1.
func testLogger() *slog.Logger {
	if os.Getenv("SHOP_TEST_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// testServer is a real HTTP server on 127.0.0.1 over a Store on a file.
type testServer struct {
	t      testing.TB
	URL    string
	path   string
	store  *Store
	server *Server
	http   *httptest.Server
	client *http.Client
	once   sync.Once
}

// tempDB is a database path in the test's temporary directory.
func tempDB(t testing.TB) string { return filepath.Join(t.TempDir(), "shop.db") }

// startServer opens the database at path and serves it; configure, if
// not nil, adjusts the store first. The server is closed at the end of
// the test, or earlier by Close (a restart opens a new one on the path).
func startServer(t testing.TB, path string, clock *testClock, configure func(*Store)) *testServer {
	t.Helper()
	store, err := OpenStore(context.Background(), path, testLogger())
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	if configure != nil {
		configure(store)
	}
	srv := NewServer(store, testLogger())
	srv.Now = clock.Now
	hs := httptest.NewServer(srv.Handler())
	ts := &testServer{t: t, URL: hs.URL, path: path, store: store, server: srv, http: hs,
		client: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	t.Cleanup(ts.Close)
	return ts
}

// Close stops the server and closes its database.
func (ts *testServer) Close() {
	ts.once.Do(func() {
		ts.http.Close()
		ts.store.Close()
	})
}

// response is a status, headers and body.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a request. body is sent as is when it is a string or []byte,
// as JSON otherwise, and not at all when nil.
func (ts *testServer) do(method, path string, body any) response {
	ts.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	res, err := ts.client.Do(req)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		ts.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// must sends a request and fails the test unless the status is want; it
// decodes the body into out when out is not nil.
func (ts *testServer) must(want int, method, path string, body, out any) response {
	ts.t.Helper()
	r := ts.do(method, path, body)
	if r.Status != want {
		ts.t.Fatalf("%s %s: status %d, want %d; body: %s", method, path, r.Status, want, r.Body)
	}
	if out != nil {
		reflect.ValueOf(out).Elem().SetZero() // fields the body leaves out are zero, not left over
		if err := json.Unmarshal(r.Body, out); err != nil {
			ts.t.Fatalf("%s %s: decoding %s: %v", method, path, r.Body, err)
		}
	}
	return r
}

// programJSON reads programme.json, the quickstart's programme.
func programJSON(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("programme.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
