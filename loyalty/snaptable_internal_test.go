package loyalty

import (
	"errors"
	"testing"
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
