package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Server is the shop's loyalty API over a Store. Its clock is a field so
// that tests can run a story over months; in production it is time.Now.
type Server struct {
	store *Store
	log   *slog.Logger
	// Now is the server's clock: every operation is dated by it.
	Now func() time.Time
	// MaxBody is the largest request body accepted (bytes), and
	// MaxProgramBody the largest programme (PUT /v1/program), which may
	// hold many rules.
	MaxBody, MaxProgramBody int64
	// HoldFor is how long a hold lasts when the request gives no until.
	HoldFor time.Duration
	// BacktestMaxOps is the most stored operations the playground's
	// backtest replays in a request; backtests lets one run at a time.
	BacktestMaxOps int
	backtests      chan struct{}
}

// NewServer returns a server over store with the defaults: the wall
// clock, 64 KiB bodies (1 MiB programmes), 15-minute holds, backtests of
// up to 20,000 operations, one at a time.
func NewServer(store *Store, log *slog.Logger) *Server {
	return &Server{store: store, log: log, Now: time.Now, MaxBody: 64 << 10, MaxProgramBody: 1 << 20, HoldFor: 15 * time.Minute,
		BacktestMaxOps: defaultBacktestMaxOps, backtests: make(chan struct{}, 1)}
}

// Handler is the API, with Go 1.22 method and wildcard patterns.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.health)

	mux.HandleFunc("GET /v1/program", s.getProgram)
	mux.HandleFunc("PUT /v1/program", s.putProgram)
	mux.HandleFunc("PUT /v1/customers/{customer}", s.putCustomer)

	mux.HandleFunc("POST /v1/customers/{customer}/quote", s.quote)
	mux.HandleFunc("POST /v1/customers/{customer}/holds", s.hold)
	mux.HandleFunc("POST /v1/customers/{customer}/holds/{hold}/capture", s.capture)
	mux.HandleFunc("POST /v1/customers/{customer}/holds/{hold}/release", s.release)
	mux.HandleFunc("POST /v1/customers/{customer}/purchases", s.purchase)
	mux.HandleFunc("POST /v1/customers/{customer}/refunds", s.refund)
	mux.HandleFunc("POST /v1/customers/{customer}/redemptions", s.redeem)
	mux.HandleFunc("POST /v1/customers/{customer}/events", s.event)

	mux.HandleFunc("GET /v1/customers/{customer}/balance", s.balance)
	mux.HandleFunc("GET /v1/customers/{customer}/ledger", s.ledger)
	mux.HandleFunc("GET /v1/customers/{customer}/orders/{order}/trace", s.trace)

	mux.HandleFunc("POST /v1/batch/expire-and-review", s.expireAndReview)
	mux.HandleFunc("GET /v1/metrics/retention", s.retention)

	s.routePlayground(mux)

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, &apiError{Status: http.StatusNotFound, Code: "no_route",
			Message: "no such endpoint: " + r.Method + " " + r.URL.Path})
	})
	return s.middleware(mux)
}

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLogger
)

// middleware gives every request an id (the client's X-Request-Id when
// it is a valid id, else a random one), echoes it, logs the request with
// it, limits the body, and turns a panic into a 500 (a bug: the library
// does not panic on user input, and neither should the handlers).
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if checkID("request id", id) != nil {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		log := s.log.With("request_id", id)
		ctx := context.WithValue(context.WithValue(r.Context(), keyRequestID, id), keyLogger, log)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-Id", id)
		limit := s.MaxBody
		if r.URL.Path == "/v1/program" || strings.HasPrefix(r.URL.Path, "/api/playground/") {
			limit = s.MaxProgramBody
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic", "panic", p)
				if sw.status == 0 {
					writeError(sw, r, &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"})
				}
			}
			log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
				"duration_ms", float64(time.Since(start).Microseconds())/1000)
		}()
		next.ServeHTTP(sw, r)
	})
}

// statusWriter remembers the status written, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// requestID is the request's id.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

// logger is the request's logger (with its id).
func logger(r *http.Request) *slog.Logger {
	if l, ok := r.Context().Value(keyLogger).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.store.db.PingContext(r.Context()); err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok"})
}
