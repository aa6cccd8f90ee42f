package metrics

import (
	"fmt"
	"testing"
)

// TestIDIndex: every id inserted is found at its position through growth
// from 1,024 slots to 131,072, and ids never inserted are not; ids go in
// by insert, or (every other one) at the slot find's search ended on, as
// Summarizer.add does.
func TestIDIndex(t *testing.T) {
	var x idIndex
	var ids blocks[string]
	const n = 70000
	for i := range n {
		id := fmt.Sprint("c", i)
		h := x.hash(id)
		pos, slot := x.find(h, id, &ids)
		if pos != -1 {
			t.Fatalf("%s found before it was inserted", id)
		}
		if x.slots[slot] != 0 {
			t.Fatalf("find(%s) ended on slot %d, which is not empty", id, slot)
		}
		if i%2 == 0 {
			x.insertAt(slot, h, ids.push(id))
		} else {
			x.insert(h, ids.push(id))
		}
	}
	if len(x.slots) != 1<<17 || x.n != n {
		t.Errorf("%d slots for %d ids, want 131072 for 70000 (at most three quarters full)", len(x.slots), x.n)
	}
	for i := range n {
		id := fmt.Sprint("c", i)
		if got := x.lookup(x.hash(id), id, &ids); got != i {
			t.Fatalf("lookup(%s) = %d, want %d", id, got, i)
		}
		if got := x.lookup(x.hash(id+"x"), id+"x", &ids); got != -1 {
			t.Fatalf("lookup(%sx) = %d, want -1", id, got)
		}
	}
}

// TestIDIndexCollisions: ids with the same 32 hash bits, placed in a
// cluster that wraps around the end of the table, are told apart by
// their text.
func TestIDIndexCollisions(t *testing.T) {
	var x idIndex
	var ids blocks[string]
	x.hash("") // allocate the table
	last := uint32(len(x.slots) - 1)
	for i, id := range []string{"a", "b", "c"} {
		x.insert(last, ids.push(id)) // all hash to the last slot: b and c wrap to 0 and 1
		if got := x.lookup(last, id, &ids); got != i {
			t.Errorf("lookup(%s) = %d, want %d", id, got, i)
		}
	}
	for i, id := range []string{"a", "b", "c"} {
		if got := x.lookup(last, id, &ids); got != i {
			t.Errorf("lookup(%s) = %d, want %d", id, got, i)
		}
	}
	if got := x.lookup(last, "d", &ids); got != -1 {
		t.Errorf("lookup(d) = %d, want -1", got)
	}
	if x.slots[0] == 0 || x.slots[1] == 0 {
		t.Errorf("the cluster did not wrap around: slots 0, 1 = %x, %x", x.slots[0], x.slots[1])
	}
}
