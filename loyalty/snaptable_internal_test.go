package loyalty

import (
	"errors"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/internal/decbound"
	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// The load's checks refuse each kind of value a decoding would trip on,
// in tables written with one such value (the writer writes what it is
// given; the account never holds these).
func TestSnapshotTableChecks(t *testing.T) {
	lots := func(w *tablesWriter, n int) {
		for range n {
			new(lot).fields(w.row(tLots))
		}
	}
	for _, tc := range []struct {
		name string
		bad  bool
		fill func(w *tablesWriter)
	}{
		{"an operation's lots inside the lots", false, func(w *tablesWriter) {
			lots(w, 3)
			(&opRecord{id: "a", lot0: 1, lots: 2}).fields(w.row(tOps))
		}},
		{"an operation's lots past the lots", true, func(w *tablesWriter) {
			lots(w, 3)
			(&opRecord{id: "a", lot0: 2, lots: 2}).fields(w.row(tOps))
		}},
		{"a taken lot past the lots", true, func(w *tablesWriter) {
			lots(w, 3)
			(&opRecord{id: "a", taken: takenList{{lot: 3}}}).fields(w.row(tOps))
		}},
		{"an order paid with an operation past the operations", true, func(w *tablesWriter) {
			(&order{id: "o", info: &orderInfo{paidWith: 2}}).fields(w.row(tOrders))
			(&opRecord{id: "a"}).fields(w.row(tOps))
		}},
		{"an operation of an unknown kind", true, func(w *tablesWriter) {
			(&opRecord{id: "a", kind: OpReverse + 1}).fields(w.row(tOps))
		}},
		{"a reversal past the operations", true, func(w *tablesWriter) {
			(&opRecord{id: "a", kind: OpEvent, reversedBy: 2}).fields(w.row(tOps))
		}},
		{"a refunded order past the orders", true, func(w *tablesWriter) {
			i := 0
			refundedFields(&i, w.row(tRefunded))
		}},
	} {
		var w tablesWriter
		tc.fill(&w)
		for i := range w.tabs[tOps].rows { // an index by id that is right
			opsByIDFields(&i, w.row(tOpsByID))
		}
		tb := &tables{s: string(w.appendTo(nil))}
		_, err := tb.load(0)
		if got := err != nil; got != tc.bad || got && !errors.Is(err, ErrSnapshot) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestSnapshotExponentBound: a snapshot whose decimal has an exponent past
// maxSnapExp (a stored order's money, or the header's lifetime spend) is
// refused when loaded, quickly: summing from it would never end.
func TestSnapshotExponentBound(t *testing.T) {
	p, err := Compile(Config{Name: "exp", Currency: "EUR", MoneyPlaces: 2, TimeZone: "UTC",
		Rules: []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := p.Purchase(Account{}, Customer{ID: "c"}, Order{ID: "o1", Total: decimal.NewFromInt(10)}, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, exp := range []int32{maxSnapExp, -maxSnapExp, maxSnapExp + 1, -maxSnapExp - 1, 2147483647} {
		b := a
		b.orders.Mut(0, new(persist.Owner)).paid = decimal.New(1, exp)
		_, err := p.LoadSnapshot(b.Snapshot())
		if want := exp > maxSnapExp || exp < -maxSnapExp; want != errors.Is(err, ErrSnapshot) {
			t.Errorf("an order's money of exponent %d: %v", exp, err)
		}
		// a decimal of the header (the lifetime spend) is read by snapReader.dec
		var w snapWriter
		w.dec(decimal.New(7, exp))
		r := snapReader{s: string(w.b)}
		d := r.dec()
		if want := exp > maxSnapExp || exp < -maxSnapExp; want != (r.err != nil) || !want && !d.Equal(decimal.New(7, exp)) {
			t.Errorf("a header decimal of exponent %d: %s, %v", exp, decbound.Show(d), r.err)
		}
	}
}
