// Command shop is a reference loyalty backend for a shop, built on
// loyalkit: an HTTP JSON API over SQLite that a till, a web shop and staff
// tools call. See README.md for the endpoints, a curl session and the
// storage and concurrency design.
//
//	go run .                          # listens on 127.0.0.1:8080, data in ./shop.db
//	go run . -addr :9000 -db /var/lib/shop/loyalty.db
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // programme time zones work on machines without a zone database
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (port 0: any free port, logged at start)")
	dbPath := flag.String("db", "shop.db", "SQLite database file, created on first start")
	snapshotEvery := flag.Int64("snapshot-every", 32, "write an account's snapshot when it is this many entries past the stored one")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, log, *addr, *dbPath, *snapshotEvery); err != nil {
		log.Error("shop stopped", "err", err)
		os.Exit(1)
	}
}

// run serves until ctx is cancelled (SIGINT, SIGTERM), then stops
// accepting connections, lets the requests in flight finish (up to 10 s)
// and closes the database.
func run(ctx context.Context, log *slog.Logger, addr, dbPath string, snapshotEvery int64) error {
	store, err := OpenStore(ctx, dbPath, log)
	if err != nil {
		return err
	}
	defer store.Close()
	store.SnapshotEvery = snapshotEvery

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           NewServer(store, log).Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", dbPath)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
