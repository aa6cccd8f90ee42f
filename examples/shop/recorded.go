package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// The shop's history as a backtest reads it (loyalty.Recorded), rebuilt
// from the ledger the store keeps: every operation's record entry holds
// what it was asked (an order's total, lines and the redemption that paid
// for it; a refund's order and amount or lines; a redemption's points, in
// its redeem entries), except what the ledger does not keep:
//
//   - an order's channel and coupon: replayed without them;
//   - an event's kind and attributes: the record keeps a fingerprint of
//     them, so the kind is found by matching it against the kinds the
//     compared programmes' rules run on (an event with attributes, or of a
//     kind no rule of either programme runs on, matches none and is not
//     replayed: it is counted);
//   - the customer's profile as each operation saw it: the profile as it
//     is now is used;
//   - the order total a redemption was asked for: the total of the order
//     it paid for, when one did.
//
// A captured hold is replayed as a redemption of the captured points at
// the capture, under the hold's id (the id its order names); holds and
// releases reserve nothing a backtest counts. Expiry and tier reviews are
// not replayed: the backtest runs its own, at the instants they fall due.
// Each customer's operations come together, in the order the ledger wrote
// them (an operation dated a little before the one written before it, as
// two concurrent requests can be, is dated at that one's time), so the
// log suits loyalty.BacktestConfig.Grouped.

// replayStats is what rebuilding the log found.
type replayStats struct {
	// Skipped counts the stored operations not replayed, by reason.
	Skipped map[string]int
	// KindsFound counts the events whose kind was recovered.
	KindsFound int
	// Redated counts the operations dated at the one before them.
	Redated int
}

// The reasons an operation is not replayed.
const (
	skipMaintenance = "expiry and tier reviews: the backtest runs its own"
	skipHold        = "holds and releases: a captured hold is replayed as a redemption"
	skipEventKind   = "events whose kind the ledger does not keep (with attributes, or of a kind no rule of either programme runs on)"
	skipOther       = "other operations (cancelled redemptions)"
)

// recordedLog streams the stored history, customer by customer. kinds
// are the event kinds to recover events' kinds from; currency is the
// programmes' currency. The error, if any, is reported through errp once
// the sequence ends (the sequence then stops early).
func (s *Store) recordedLog(ctx context.Context, kinds []string, currency string, stats *replayStats, errp *error) iter.Seq[loyalty.Recorded] {
	return func(yield func(loyalty.Recorded) bool) {
		fp, err := newEventKinds(kinds, currency)
		if err != nil {
			*errp = err
			return
		}
		rows, err := s.db.QueryContext(ctx, `SELECT customer, body FROM entries ORDER BY customer, seq`)
		if err != nil {
			*errp = fmt.Errorf("store: reading the ledger: %w", err)
			return
		}
		defer rows.Close()
		var cur string
		var entries []loyalty.Entry
		flush := func() bool {
			if len(entries) == 0 {
				return true
			}
			cust, err := s.profile(ctx, cur)
			if err != nil {
				*errp = err
				return false
			}
			for _, r := range recordedOps(cust, entries, fp, stats) {
				if !yield(r) {
					return false
				}
			}
			entries = entries[:0]
			return true
		}
		for rows.Next() {
			if err := ctx.Err(); err != nil {
				*errp = err
				return
			}
			var customer string
			var body []byte
			if err := rows.Scan(&customer, &body); err != nil {
				*errp = fmt.Errorf("store: reading the ledger: %w", err)
				return
			}
			if customer != cur {
				if !flush() {
					return
				}
				cur = customer
			}
			var e loyalty.Entry
			if err := json.Unmarshal(body, &e); err != nil {
				*errp = fmt.Errorf("store: entry of %s: %w", customer, err)
				return
			}
			entries = append(entries, e)
		}
		if err := rows.Err(); err != nil {
			*errp = fmt.Errorf("store: reading the ledger: %w", err)
			return
		}
		flush()
	}
}

// profile is a customer's stored profile (only the id when none is).
func (s *Store) profile(ctx context.Context, customer string) (loyalty.Customer, error) {
	c := loyalty.Customer{ID: customer}
	var profile []byte
	err := s.db.QueryRowContext(ctx, `SELECT profile FROM customers WHERE id = ?`, customer).Scan(&profile)
	switch {
	case err == nil:
		if err := json.Unmarshal(profile, &c); err != nil {
			return c, fmt.Errorf("store: customer %s: %w", customer, err)
		}
		c.ID = customer
	case !errors.Is(err, sql.ErrNoRows):
		return c, fmt.Errorf("store: reading customer %s: %w", customer, err)
	}
	return c, nil
}

// CountOperations is the number of operations stored: what a backtest
// would read, at most.
func (s *Store) CountOperations(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM operations`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: counting operations: %w", err)
	}
	return n, nil
}

// storedOp is one operation of a customer's ledger: its id, its record
// and the points its redeem entries spent.
type storedOp struct {
	op     string
	kind   loyalty.OpKind
	record loyalty.Entry
	spent  decimal.Decimal
}

// recordedOps is one customer's ledger (every entry, in order) as the
// operations a backtest replays.
func recordedOps(cust loyalty.Customer, entries []loyalty.Entry, fp *eventKinds, stats *replayStats) []loyalty.Recorded {
	var ops []storedOp
	at := map[string]int{}
	for _, e := range entries {
		i, ok := at[e.Op]
		if !ok {
			i = len(ops)
			at[e.Op] = i
			ops = append(ops, storedOp{op: e.Op, kind: e.OpKind})
		}
		switch e.Kind {
		case loyalty.Record:
			ops[i].record = e
		case loyalty.Redeem:
			ops[i].spent = ops[i].spent.Sub(e.Points) // redeem entries are negative
		}
	}
	// The order total each redemption or capture paid for.
	orderTotal := map[string]decimal.Decimal{}
	for _, o := range ops {
		if o.kind == loyalty.OpPurchase && o.record.Ref != "" {
			orderTotal[o.record.Ref] = o.record.Money
		}
	}
	var out []loyalty.Recorded
	var last time.Time
	for _, o := range ops {
		rec := o.record
		r := loyalty.Recorded{Kind: o.kind, At: rec.At, Customer: cust}
		switch o.kind {
		case loyalty.OpPurchase:
			r.Order = loyalty.Order{ID: rec.Order, Total: rec.Money, Lines: rec.Lines, Redemption: redemptionOf(rec)}
		case loyalty.OpRefund:
			r.Refund = loyalty.Refund{ID: strings.TrimPrefix(o.op, "refund:"), Order: rec.Order}
			if len(rec.Lines) > 0 {
				for _, l := range rec.Lines {
					r.Refund.Lines = append(r.Refund.Lines, loyalty.RefundLine{SKU: l.SKU, Qty: l.Qty})
				}
			} else {
				r.Refund.Amount = rec.Money
			}
		case loyalty.OpRedeem:
			r.Redemption = loyalty.Redemption{ID: strings.TrimPrefix(o.op, "redeem:"), Points: o.spent, OrderTotal: orderTotal[o.op]}
		case loyalty.OpCapture:
			// Replayed as a redemption under the hold's id, which the
			// order it paid for names.
			r.Kind = loyalty.OpRedeem
			r.Redemption = loyalty.Redemption{ID: strings.TrimPrefix(o.op, "capture:"), Points: o.spent, OrderTotal: orderTotal[o.op]}
		case loyalty.OpEvent:
			id := strings.TrimPrefix(o.op, "event:")
			kind, ok := fp.kind(cust.ID, id, rec.Fingerprint, rec.At)
			if !ok {
				stats.skip(skipEventKind)
				continue
			}
			stats.KindsFound++
			r.Event = loyalty.Event{ID: id, Kind: kind}
		case loyalty.OpExpire, loyalty.OpReview:
			stats.skip(skipMaintenance)
			continue
		case loyalty.OpHold, loyalty.OpRelease:
			stats.skip(skipHold)
			continue
		default:
			stats.skip(skipOther)
			continue
		}
		if r.At.Before(last) {
			r.At = last
			stats.Redated++
		}
		last = r.At
		out = append(out, r)
	}
	return out
}

func (st *replayStats) skip(why string) {
	if st.Skipped == nil {
		st.Skipped = map[string]int{}
	}
	st.Skipped[why]++
}

// eventKinds recovers an event's kind from the fingerprint its record
// keeps: the fingerprint of its id, kind and attributes, which a
// programme without rules computes for each kind tried.
type eventKinds struct {
	kinds []string
	p     *loyalty.Program
}

func newEventKinds(kinds []string, currency string) (*eventKinds, error) {
	p, err := loyalty.Compile(loyalty.Config{Name: "event kinds", Currency: currency, TimeZone: "UTC"})
	if err != nil {
		return nil, fmt.Errorf("a programme to recover event kinds: %w", err)
	}
	return &eventKinds{kinds: kinds, p: p}, nil
}

// kind is the kind, among those tried, of event id whose record has the
// fingerprint fp.
func (k *eventKinds) kind(customer, id, fp string, at time.Time) (string, bool) {
	if fp == "" {
		return "", false
	}
	for _, kind := range k.kinds {
		_, res, err := k.p.Event(loyalty.Account{}, loyalty.Customer{ID: customer}, loyalty.Event{ID: id, Kind: kind}, at)
		if err != nil {
			continue
		}
		for _, e := range res.Entries {
			if e.Kind == loyalty.Record && e.Fingerprint == fp {
				return kind, true
			}
		}
	}
	return "", false
}

// eventKindsOf are the event kinds the programmes' rules run on, sorted.
func eventKindsOf(cs ...loyalty.Config) []string {
	var out []string
	for _, c := range cs {
		for _, r := range c.Rules {
			for _, on := range r.On {
				if on != loyalty.OccasionPurchase && on != "" && !slices.Contains(out, on) {
					out = append(out, on)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}
