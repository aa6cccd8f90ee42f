package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
)

// The programme is what staff configure: rules, tiers, expiry, redemption
// policy (a loyalty.Config, as JSON). Every revision saved is kept in the
// programs table; the newest is in force. Each server compiles it once per
// revision, and every operation checks in its transaction that the revision
// it ran under is still the newest, so two servers never write under two
// programmes.

// programRevision is a compiled programme and its revision.
type programRevision struct {
	revision int64
	program  *loyalty.Program
	config   []byte // as stored
}

// errNoProgram: no programme has been saved yet.
var errNoProgram = errors.New("no programme yet: PUT one to /v1/program first")

// errProgramChange: the new programme cannot read the stored accounts.
var errProgramChange = errors.New("the new programme cannot read the stored accounts: currency, points places, money places and tiers cannot change once customers have accounts")

// Program is the programme in force, compiled.
func (s *Store) Program(ctx context.Context) (*programRevision, error) {
	var revision sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(revision) FROM programs`).Scan(&revision); err != nil {
		return nil, fmt.Errorf("store: reading the programme: %w", err)
	}
	if !revision.Valid {
		return nil, errNoProgram
	}
	s.mu.Lock()
	cur := s.current
	s.mu.Unlock()
	if cur != nil && cur.revision == revision.Int64 {
		return cur, nil
	}
	var config []byte
	if err := s.db.QueryRowContext(ctx, `SELECT config FROM programs WHERE revision = ?`, revision.Int64).Scan(&config); err != nil {
		return nil, fmt.Errorf("store: reading programme revision %d: %w", revision.Int64, err)
	}
	p, err := compileProgram(config)
	if err != nil {
		return nil, fmt.Errorf("store: programme revision %d: %w", revision.Int64, err)
	}
	rev := &programRevision{revision: revision.Int64, program: p, config: config}
	s.mu.Lock()
	if s.current == nil || s.current.revision < rev.revision {
		s.current = rev
	}
	s.mu.Unlock()
	return rev, nil
}

// compileProgram decodes a stored programme and compiles it.
func compileProgram(config []byte) (*loyalty.Program, error) {
	var c loyalty.Config
	if err := json.Unmarshal(config, &c); err != nil {
		return nil, err
	}
	return loyalty.Compile(c)
}

// SaveProgram compiles c and, if it compiles and differs from the
// programme in force, stores it as the next revision. It returns the
// revision in force afterwards and whether it is new. The compile error
// (a *rules.CompileError inside, with every bad rule) is returned as it is.
// A programme that could not read the stored accounts (another currency,
// points or money places, or tiers) is refused with errProgramChange.
func (s *Store) SaveProgram(ctx context.Context, c loyalty.Config) (revision int64, created bool, err error) {
	p, err := loyalty.Compile(c)
	if err != nil {
		return 0, false, err
	}
	config, err := json.Marshal(c)
	if err != nil {
		return 0, false, fmt.Errorf("store: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, fmt.Errorf("store: %w", err)
	}
	defer tx.Rollback()
	var current []byte
	switch err := tx.QueryRowContext(ctx, `SELECT revision, config FROM programs ORDER BY revision DESC LIMIT 1`).Scan(&revision, &current); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return 0, false, fmt.Errorf("store: %w", err)
	case bytes.Equal(current, config):
		return revision, false, nil // saving the same programme again changes nothing
	}
	// Every stored snapshot was made under a programme with the same
	// currency, places and tiers as the one in force, so one is enough to
	// tell whether the new programme can read them all.
	var snapshot []byte
	switch err := tx.QueryRowContext(ctx, `SELECT snapshot FROM accounts LIMIT 1`).Scan(&snapshot); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return 0, false, fmt.Errorf("store: %w", err)
	default:
		if _, err := p.LoadSnapshot(snapshot); errors.Is(err, loyalty.ErrProgramMismatch) {
			return 0, false, errProgramChange
		} else if err != nil {
			return 0, false, fmt.Errorf("store: %w", err)
		}
	}
	revision++
	if _, err := tx.ExecContext(ctx, `INSERT INTO programs (revision, config, created_at) VALUES (?, ?, ?)`,
		revision, config, time.Now().UTC().Format(timeFormat)); err != nil {
		return 0, false, fmt.Errorf("store: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("store: %w", err)
	}
	return revision, true, nil
}
