package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"modernc.org/sqlite"
)

// Store keeps the shop's loyalty data in one SQLite file and applies
// ledger operations to it with optimistic concurrency, following the
// recipe of the loyalty package ("Storage, versions and concurrency"):
//
//  1. read the account's snapshot and version, and the entries written
//     after the snapshot; load and resume them;
//  2. run the operation (a pure function of the library);
//  3. in one transaction: check the programme in force is still the one
//     the operation ran under, move the account row from the version read
//     to the new one (UPDATE … WHERE version = read), insert the entries
//     and the response, update the order row;
//  4. if the version moved (another request, or another server on the same
//     file, got there first), start again at 1. The retried operation is
//     then applied to the newer account, or recognised by the library as
//     already applied, and the stored response is returned.
//
// Several Stores (several processes, or several *sql.DB in one) may share
// one database file. A Store is safe for concurrent use.
type Store struct {
	db  *sql.DB
	log *slog.Logger

	// SnapshotEvery is how many entries an account may move past its
	// stored snapshot before a new snapshot is written with the operation
	// (1: every operation). Loading reads the snapshot and folds the
	// entries after it, so a larger value writes less and reads a little
	// more.
	SnapshotEvery int64
	// MaxAttempts is how many times an operation is run on a fresh read
	// when other writers keep moving the account; then it fails with
	// errBusy (HTTP 503).
	MaxAttempts int
	// Fault, when set, is called at every write step of an operation's
	// transaction ("begin", "account", "entry 1", …, "operation", "order",
	// "commit", and "committed" after the commit); an error it returns
	// aborts the operation there, as a crash would. Tests use it.
	Fault func(step string) error

	// Retries counts the operations run again because the account moved
	// under them (a figure to watch: many mean hot accounts).
	Retries atomic.Int64

	mu      sync.Mutex
	current *programRevision // the last programme compiled, by revision
}

// errRetry says the account or the programme moved under an operation:
// run it again on a fresh read.
var errRetry = errors.New("store: the account changed meanwhile")

// errBusy: an operation lost the race MaxAttempts times.
var errBusy = errors.New("store: too much contention on this account, retry later")

// timeFormat is how instants are stored as text: UTC with a fixed width,
// so that text order is time order.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// OpenStore opens (creating it if needed) the SQLite database at path and
// brings its schema up to date.
func OpenStore(ctx context.Context, path string, log *slog.Logger) (*Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store: database path %q must not contain ? or #", path)
	}
	// WAL lets readers run beside the one writer; transactions begin
	// IMMEDIATE (they take the write lock at BEGIN, waiting up to the busy
	// timeout), so two writers never deadlock upgrading a read lock.
	dsn := "file:" + path + "?_txlock=immediate&_busy_timeout=10000&_journal_mode=WAL&_synchronous=NORMAL"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db, log: log, SnapshotEvery: 32, MaxAttempts: 64}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Operation is one ledger operation on one customer's account, as a
// handler describes it to the store.
type Operation struct {
	Customer string
	Now      time.Time
	// Run applies the operation with the library. It is called once per
	// attempt, on the freshest account, and must be a pure function of
	// its arguments.
	Run func(p *loyalty.Program, a loyalty.Account, c loyalty.Customer, now time.Time) (loyalty.Account, loyalty.Result, error)
	// Render is the response to an applied operation; it is stored with
	// the operation and returned as it was to any retry.
	Render func(p *loyalty.Program, r loyalty.Result, a loyalty.Account, now time.Time) any
}

// Reply is an operation's response.
type Reply struct {
	Body []byte // JSON
	// Replayed is set when Body is the stored response of an earlier
	// request for the same operation.
	Replayed bool
	Result   loyalty.Result
}

// Apply runs op until it is applied, refused (the library's error, with
// nothing stored) or has lost the race MaxAttempts times. A refusal is
// returned only when the account is still at the version it was judged
// on; otherwise the operation is judged again on the newer account. An
// operation the library recognises as already applied returns the
// response stored with it (Reply.Replayed).
func (s *Store) Apply(ctx context.Context, op Operation) (Reply, error) {
	attempts := max(s.MaxAttempts, 1)
	for attempt := 1; ; attempt++ {
		reply, err := s.applyOnce(ctx, op)
		if !errors.Is(err, errRetry) {
			return reply, err
		}
		if attempt >= attempts {
			return Reply{}, errBusy
		}
		s.Retries.Add(1)
		// Back off a little, more after each lost race, with jitter so
		// that the losers do not collide again.
		wait := time.Duration(rand.Int64N(int64(min(attempt, 10))*int64(time.Millisecond))) + 50*time.Microsecond
		select {
		case <-ctx.Done():
			return Reply{}, ctx.Err()
		case <-time.After(wait):
		}
	}
}

func (s *Store) applyOnce(ctx context.Context, op Operation) (Reply, error) {
	prog, err := s.Program(ctx)
	if err != nil {
		return Reply{}, err
	}
	st, err := s.load(ctx, prog.program, op.Customer)
	if err != nil {
		return Reply{}, err
	}
	next, res, err := op.Run(prog.program, st.account, st.customer, op.Now)
	if err != nil {
		// A refusal must be about the current account, not one another
		// request has since moved on from (it may have freed the points,
		// or applied this very operation).
		if moved, verr := s.moved(ctx, op.Customer, st.version); verr != nil {
			return Reply{}, verr
		} else if moved {
			return Reply{}, errRetry
		}
		return Reply{}, err
	}
	if res.Duplicate {
		// Applied before: the response stored with it is the answer.
		body, ok, err := s.storedResponse(ctx, op.Customer, res.Op)
		if err != nil {
			return Reply{}, err
		}
		if ok {
			return Reply{Body: body, Replayed: true, Result: res}, nil
		}
	}
	body, err := json.Marshal(op.Render(prog.program, res, next, op.Now))
	if err != nil {
		return Reply{}, fmt.Errorf("store: rendering %s: %w", res.Op, err)
	}
	if res.Duplicate || len(res.Entries) == 0 {
		return Reply{Body: body, Replayed: res.Duplicate, Result: res}, nil
	}
	if err := s.commit(ctx, prog, st, op.Customer, next, res, body); err != nil {
		return Reply{}, err
	}
	return Reply{Body: body, Result: res}, nil
}

// accountState is what an operation read.
type accountState struct {
	account         loyalty.Account
	customer        loyalty.Customer
	exists          bool  // the account has a row
	version         int64 // the version read: the write is conditional on it
	snapshotVersion int64 // the version the stored snapshot is at
}

// load reads a customer's profile and account: the stored snapshot,
// brought up to date with the entries written after it.
func (s *Store) load(ctx context.Context, p *loyalty.Program, customer string) (accountState, error) {
	st := accountState{customer: loyalty.Customer{ID: customer}}
	var profile []byte
	switch err := s.db.QueryRowContext(ctx, `SELECT profile FROM customers WHERE id = ?`, customer).Scan(&profile); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return st, fmt.Errorf("store: reading customer %s: %w", customer, err)
	default:
		if err := json.Unmarshal(profile, &st.customer); err != nil {
			return st, fmt.Errorf("store: customer %s: %w", customer, err)
		}
		st.customer.ID = customer
	}
	// One statement reads the version and the snapshot together; entries
	// never change once written, so the tail read next is consistent with
	// them even if other writers move on meanwhile.
	var snapshot []byte
	err := s.db.QueryRowContext(ctx, `SELECT version, snapshot, snapshot_version FROM accounts WHERE customer = ?`, customer).
		Scan(&st.version, &snapshot, &st.snapshotVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("store: reading account %s: %w", customer, err)
	}
	st.exists = true
	a, err := p.LoadSnapshot(snapshot)
	if err != nil {
		return st, fmt.Errorf("store: account %s: %w", customer, err)
	}
	if st.version > st.snapshotVersion {
		tail, err := s.entries(ctx, customer, st.snapshotVersion, st.version)
		if err != nil {
			return st, err
		}
		if a, err = p.Resume(a, tail); err != nil {
			return st, fmt.Errorf("store: account %s: resuming %d entries after the snapshot: %w", customer, len(tail), err)
		}
	}
	if a.Version() != st.version {
		return st, fmt.Errorf("store: account %s: version %d stored, %d after loading", customer, st.version, a.Version())
	}
	st.account = a
	return st, nil
}

// entries reads a customer's entries with after < seq <= upTo, in order.
func (s *Store) entries(ctx context.Context, customer string, after, upTo int64) ([]loyalty.Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT body FROM entries WHERE customer = ? AND seq > ? AND seq <= ? ORDER BY seq`,
		customer, after, upTo)
	if err != nil {
		return nil, fmt.Errorf("store: reading entries of %s: %w", customer, err)
	}
	defer rows.Close()
	var out []loyalty.Entry
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("store: reading entries of %s: %w", customer, err)
		}
		var e loyalty.Entry
		if err := json.Unmarshal(body, &e); err != nil {
			return nil, fmt.Errorf("store: entry of %s: %w", customer, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reading entries of %s: %w", customer, err)
	}
	return out, nil
}

// commit writes an applied operation in one transaction, conditional on
// the account version and the programme revision it read.
func (s *Store) commit(ctx context.Context, prog *programRevision, st accountState, customer string,
	next loyalty.Account, res loyalty.Result, body []byte) (err error) {
	if next.Version() != st.version+int64(len(res.Entries)) {
		return fmt.Errorf("store: %s on %s: version %d + %d entries != %d", res.Op, customer, st.version, len(res.Entries), next.Version())
	}
	step := func(name string) error {
		if s.Fault != nil {
			if err := s.Fault(name); err != nil {
				return fmt.Errorf("store: %s on %s aborted at %q: %w", res.Op, customer, name, err)
			}
		}
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return retryable(fmt.Errorf("store: begin: %w", err))
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := step("begin"); err != nil {
		return err
	}
	var revision int64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(revision) FROM programs`).Scan(&revision); err != nil {
		return retryable(fmt.Errorf("store: %w", err))
	}
	if revision != prog.revision {
		return errRetry // staff saved a new programme meanwhile: run again under it
	}

	now := time.Now().UTC().Format(timeFormat)
	var result sql.Result
	switch snapshotDue := next.Version()-st.snapshotVersion >= max(s.SnapshotEvery, 1); {
	case !st.exists:
		result, err = tx.ExecContext(ctx, `INSERT INTO accounts (customer, version, snapshot, snapshot_version, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (customer) DO NOTHING`,
			customer, next.Version(), next.Snapshot(), next.Version(), now)
	case snapshotDue:
		result, err = tx.ExecContext(ctx, `UPDATE accounts SET version = ?, snapshot = ?, snapshot_version = ?, updated_at = ?
			WHERE customer = ? AND version = ?`,
			next.Version(), next.Snapshot(), next.Version(), now, customer, st.version)
	default:
		result, err = tx.ExecContext(ctx, `UPDATE accounts SET version = ?, updated_at = ? WHERE customer = ? AND version = ?`,
			next.Version(), now, customer, st.version)
	}
	if err != nil {
		return retryable(fmt.Errorf("store: writing account %s: %w", customer, err))
	}
	if n, err := result.RowsAffected(); err != nil {
		return fmt.Errorf("store: %w", err)
	} else if n == 0 {
		return errRetry
	}
	if err := step("account"); err != nil {
		return err
	}

	for i, e := range res.Entries {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("store: entry %s: %w", e.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO entries (customer, id, seq, op, body) VALUES (?, ?, ?, ?, ?)`,
			customer, e.ID, st.version+int64(i)+1, e.Op, b); err != nil {
			return retryable(fmt.Errorf("store: entry %s of %s: %w", e.ID, customer, err))
		}
		if err := step(fmt.Sprintf("entry %d", i+1)); err != nil {
			return err
		}
	}

	if _, err := tx.ExecContext(ctx, `INSERT INTO operations (customer, op, status, response, created_at) VALUES (?, ?, 200, ?, ?)`,
		customer, res.Op, body, now); err != nil {
		return retryable(fmt.Errorf("store: operation %s of %s: %w", res.Op, customer, err))
	}
	if err := step("operation"); err != nil {
		return err
	}

	if order := orderOf(res); order != "" {
		if err := upsertOrder(ctx, tx, customer, order, next, res); err != nil {
			return err
		}
		if err := step("order"); err != nil {
			return err
		}
	}

	if err := step("commit"); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return retryable(fmt.Errorf("store: commit: %w", err))
	}
	return step("committed")
}

// retryable turns SQLite's "busy" and "locked" (another writer held the
// lock past the busy timeout) into errRetry; other errors stay as they are.
func retryable(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return fmt.Errorf("%w (%v)", errRetry, err)
		}
	}
	return err
}

// moved reports whether the customer's account is no longer at version.
func (s *Store) moved(ctx context.Context, customer string, version int64) (bool, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT version FROM accounts WHERE customer = ?`, customer).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return version != 0, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: reading account %s: %w", customer, err)
	}
	return v != version, nil
}

// storedResponse is the response stored with an applied operation.
func (s *Store) storedResponse(ctx context.Context, customer, op string) ([]byte, bool, error) {
	var body []byte
	err := s.db.QueryRowContext(ctx, `SELECT response FROM operations WHERE customer = ? AND op = ?`, customer, op).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: reading operation %s of %s: %w", op, customer, err)
	}
	return body, true, nil
}

// Account is a customer's current account (empty for a customer with no
// operations yet), its profile and the programme it was read under.
func (s *Store) Account(ctx context.Context, customer string) (loyalty.Account, loyalty.Customer, *programRevision, error) {
	prog, err := s.Program(ctx)
	if err != nil {
		return loyalty.Account{}, loyalty.Customer{}, nil, err
	}
	st, err := s.load(ctx, prog.program, customer)
	return st.account, st.customer, prog, err
}

// Ledger is every entry of a customer, in the order written.
func (s *Store) Ledger(ctx context.Context, customer string) ([]loyalty.Entry, error) {
	return s.entries(ctx, customer, 0, 1<<62)
}

// Customers lists the customers that have an account, in id order.
func (s *Store) Customers(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT customer FROM accounts ORDER BY customer`)
	if err != nil {
		return nil, fmt.Errorf("store: listing accounts: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: listing accounts: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SaveCustomer stores a customer's profile (what rules see beyond the
// ledger: birthday, registration date, attributes).
func (s *Store) SaveCustomer(ctx context.Context, c loyalty.Customer) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO customers (id, profile) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET profile = excluded.profile`, c.ID, b)
	if err != nil {
		return fmt.Errorf("store: saving customer %s: %w", c.ID, err)
	}
	return nil
}
