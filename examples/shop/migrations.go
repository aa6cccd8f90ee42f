package main

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations is the database schema, one step per element, applied in
// order and never edited once released: a change to the schema is a new
// step at the end. The applied count is kept in schema_version, so a
// database created by an older build is brought up to date on start.
//
// The tables:
//
//   - programs: every programme staff saved, the newest revision is the
//     one in force. Operations check in their transaction that it is still
//     the one they ran under.
//   - customers: the profile rules may look at (birthday, attributes).
//   - accounts: one row per customer: the account's version (the number of
//     its entries, loyalty.Account.Version) and a snapshot made at
//     snapshot_version. Every write is conditional on version.
//   - entries: the ledger, stored once: the primary key is the customer and
//     the entry id the library gives (deterministic, so a retried operation
//     could never add its entries twice); seq is the entry's place in the
//     customer's ledger (1, 2, …), so the tail after a snapshot is
//     "seq > snapshot_version".
//   - operations: the response given to each operation (customer, op id),
//     returned as it was to a retry of the same request.
//   - orders: one row per order for the retention figures: when, the money
//     paid and refunded (decimal text), and the rules' trace.
var migrations = []string{
	`CREATE TABLE programs (
		revision   INTEGER PRIMARY KEY,
		config     TEXT NOT NULL,
		created_at TEXT NOT NULL
	);
	CREATE TABLE customers (
		id      TEXT PRIMARY KEY,
		profile TEXT NOT NULL
	);
	CREATE TABLE accounts (
		customer         TEXT PRIMARY KEY,
		version          INTEGER NOT NULL,
		snapshot         BLOB NOT NULL,
		snapshot_version INTEGER NOT NULL,
		updated_at       TEXT NOT NULL
	);
	CREATE TABLE entries (
		customer TEXT NOT NULL,
		id       TEXT NOT NULL,
		seq      INTEGER NOT NULL,
		op       TEXT NOT NULL,
		body     TEXT NOT NULL,
		PRIMARY KEY (customer, id),
		UNIQUE (customer, seq)
	);
	CREATE TABLE operations (
		customer   TEXT NOT NULL,
		op         TEXT NOT NULL,
		status     INTEGER NOT NULL,
		response   BLOB NOT NULL,
		created_at TEXT NOT NULL,
		PRIMARY KEY (customer, op)
	);
	CREATE TABLE orders (
		customer TEXT NOT NULL,
		id       TEXT NOT NULL,
		at       TEXT NOT NULL,
		paid     TEXT NOT NULL,
		refunded TEXT NOT NULL,
		trace    TEXT,
		PRIMARY KEY (customer, id)
	);
	CREATE INDEX orders_at ON orders (at);`,
}

// migrate applies the steps the database has not seen, each in its own
// transaction. Two processes starting at once are serialised by SQLite's
// write lock (transactions begin IMMEDIATE), and each re-reads the applied
// count inside its transaction, so a step is never applied twice.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (n INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for {
		done, err := migrateOne(ctx, db)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next step, if any; done reports there was none.
func migrateOne(ctx context.Context, db *sql.DB) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	var n int
	switch err := tx.QueryRowContext(ctx, `SELECT n FROM schema_version`).Scan(&n); err {
	case nil:
	case sql.ErrNoRows:
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (n) VALUES (0)`); err != nil {
			return false, fmt.Errorf("migrate: %w", err)
		}
	default:
		return false, fmt.Errorf("migrate: %w", err)
	}
	if n > len(migrations) {
		return false, fmt.Errorf("migrate: the database has schema version %d, newer than this build's %d", n, len(migrations))
	}
	if n == len(migrations) {
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, migrations[n]); err != nil {
		return false, fmt.Errorf("migrate: step %d: %w", n+1, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET n = ?`, n+1); err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	return false, tx.Commit()
}
