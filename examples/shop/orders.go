package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// The orders table keeps, per order, what the retention figures need (when
// it was bought, the money paid and refunded) and the rules' trace that
// answers "why did I get these points?". It is written in the same
// transaction as the ledger entries, from the account the operation
// returned, so it always agrees with the ledger.

// orderOf is the order a purchase or a refund concerns ("" for other
// operations).
func orderOf(res loyalty.Result) string {
	for _, e := range res.Entries {
		if e.Kind == loyalty.Record && (e.OpKind == loyalty.OpPurchase || e.OpKind == loyalty.OpRefund) {
			return e.Order
		}
	}
	return ""
}

// upsertOrder writes the order's row: inserted by its purchase (with the
// trace), its refunded money updated by each refund.
func upsertOrder(ctx context.Context, tx *sql.Tx, customer, id string, a loyalty.Account, res loyalty.Result) error {
	var sum *loyalty.OrderSummary
	for _, o := range a.Orders() {
		if o.ID == id {
			sum = &o
			break
		}
	}
	if sum == nil {
		return fmt.Errorf("store: order %s of %s is not in the account", id, customer)
	}
	var trace []byte
	if res.Trace != nil {
		var err error
		if trace, err = json.Marshal(res.Trace); err != nil {
			return fmt.Errorf("store: trace of %s: %w", id, err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO orders (customer, id, at, paid, refunded, trace) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (customer, id) DO UPDATE SET paid = excluded.paid, refunded = excluded.refunded`,
		customer, id, sum.At.UTC().Format(timeFormat), sum.Paid.String(), sum.Refunded.String(), trace)
	if err != nil {
		return retryable(fmt.Errorf("store: order %s of %s: %w", id, customer, err))
	}
	return nil
}

// StoredOrder is one row of the orders table.
type StoredOrder struct {
	Customer, ID   string
	At             time.Time
	Paid, Refunded decimal.Decimal
	Trace          json.RawMessage // the purchase's []rules.Step, as JSON
}

var errNotFound = errors.New("not found")

// Order reads one order.
func (s *Store) Order(ctx context.Context, customer, id string) (StoredOrder, error) {
	o := StoredOrder{Customer: customer, ID: id}
	var at, paid, refunded string
	var trace []byte
	err := s.db.QueryRowContext(ctx, `SELECT at, paid, refunded, trace FROM orders WHERE customer = ? AND id = ?`, customer, id).
		Scan(&at, &paid, &refunded, &trace)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("order %s of customer %s: %w", id, customer, errNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("store: reading order %s: %w", id, err)
	}
	if err := o.parse(at, paid, refunded); err != nil {
		return o, err
	}
	o.Trace = trace
	return o, nil
}

// Orders streams every stored order (without traces), in time order. The
// error, if any, is reported through errp once the sequence ends.
func (s *Store) Orders(ctx context.Context, errp *error) iter.Seq[StoredOrder] {
	return func(yield func(StoredOrder) bool) {
		rows, err := s.db.QueryContext(ctx, `SELECT customer, id, at, paid, refunded FROM orders ORDER BY at, customer, id`)
		if err != nil {
			*errp = fmt.Errorf("store: reading orders: %w", err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			var o StoredOrder
			var at, paid, refunded string
			if err := rows.Scan(&o.Customer, &o.ID, &at, &paid, &refunded); err != nil {
				*errp = fmt.Errorf("store: reading orders: %w", err)
				return
			}
			if err := o.parse(at, paid, refunded); err != nil {
				*errp = err
				return
			}
			if !yield(o) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			*errp = fmt.Errorf("store: reading orders: %w", err)
		}
	}
}

func (o *StoredOrder) parse(at, paid, refunded string) error {
	var err error
	if o.At, err = time.Parse(timeFormat, at); err != nil {
		return fmt.Errorf("store: order %s: %w", o.ID, err)
	}
	if o.Paid, err = decimal.NewFromString(paid); err != nil {
		return fmt.Errorf("store: order %s: %w", o.ID, err)
	}
	if o.Refunded, err = decimal.NewFromString(refunded); err != nil {
		return fmt.Errorf("store: order %s: %w", o.ID, err)
	}
	return nil
}

// RecentOrders reads the newest n orders (without traces), newest first.
func (s *Store) RecentOrders(ctx context.Context, n int) ([]StoredOrder, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT customer, id, at, paid, refunded FROM orders ORDER BY at DESC, customer, id LIMIT ?`, n)
	if err != nil {
		return nil, fmt.Errorf("store: reading orders: %w", err)
	}
	defer rows.Close()
	var out []StoredOrder
	for rows.Next() {
		var o StoredOrder
		var at, paid, refunded string
		if err := rows.Scan(&o.Customer, &o.ID, &at, &paid, &refunded); err != nil {
			return nil, fmt.Errorf("store: reading orders: %w", err)
		}
		if err := o.parse(at, paid, refunded); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
