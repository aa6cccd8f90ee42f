package loyalty

import (
	"fmt"
	"testing"

	"github.com/loyalkit/loyalkit/internal/persist"
)

func TestRepeatedTotals(t *testing.T) {
	for _, n := range []int{0, 1, 16, 17, 1000} {
		rows := make([]totalRow, n)
		for i := range rows {
			rows[i].rule = fmt.Sprint("r", i)
		}
		if r, ok := repeated(rows); ok {
			t.Errorf("%d distinct rules: %q repeats", n, r)
		}
		if n < 2 {
			continue
		}
		rows[n-1].rule = rows[n/2-1].rule
		if r, ok := repeated(rows); !ok || r != rows[n/2-1].rule {
			t.Errorf("%d rules, the last repeating %q: %q %v", n, rows[n/2-1].rule, r, ok)
		}
	}
}

// TestUseTotalsCopyOnWrite: a new version's writes never reach the
// version it was made from.
func TestUseTotalsCopyOnWrite(t *testing.T) {
	o1, o2 := new(persist.Owner), new(persist.Owner)
	var v1 useTotalList
	a1, key := v1.mut("a", o1)
	a1.n = 1
	v2 := v1
	a2, key2 := v2.mut("a", o2)
	a2.n = 2
	b2, keyB := v2.mut("b", o2)
	b2.n = 5
	if key != 1 || key2 != 1 || keyB != 2 {
		t.Errorf("keys %d %d %d, want 1 1 2: a rule's key is its row, and stays", key, key2, keyB)
	}
	if a, _ := v1.get("a"); a.n != 1 || len(v1.rows) != 1 {
		t.Errorf("the first version changed: %+v", v1.rows)
	}
	if a, _ := v2.get("a"); a.n != 2 {
		t.Errorf("the second version: %+v", v2.rows)
	}
}

// TestUseTotalKeys: a snapshot's uses find their keys (1 + their rule's
// row) among a few rows and among many (through a map), and 0 for a rule
// with no row.
func TestUseTotalKeys(t *testing.T) {
	for _, n := range []int{0, 3, 16, 17, 200} {
		var l useTotalList
		for i := range n {
			l.rows = append(l.rows, totalRow{rule: fmt.Sprint("r", i)})
		}
		keyOf := l.keys()
		for i := range n {
			if k := keyOf(fmt.Sprint("r", i)); k != int32(i+1) {
				t.Errorf("%d rows: r%d has key %d, want %d", n, i, k, i+1)
			}
		}
		if k := keyOf("other"); k != 0 {
			t.Errorf("%d rows: a rule with no row has key %d", n, k)
		}
	}
}
