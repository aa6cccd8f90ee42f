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
	v1.mut("a", o1).n = 1
	v2 := v1
	v2.mut("a", o2).n = 2
	v2.mut("b", o2).n = 5
	if a, _ := v1.get("a"); a.n != 1 || len(v1.rows) != 1 {
		t.Errorf("the first version changed: %+v", v1.rows)
	}
	if a, _ := v2.get("a"); a.n != 2 {
		t.Errorf("the second version: %+v", v2.rows)
	}
}
