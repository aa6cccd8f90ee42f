package idsort

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// want is the order a stable comparison sort gives.
func want(ids []string) []int32 {
	out := make([]int32, len(ids))
	for i := range out {
		out[i] = int32(i)
	}
	slices.SortStableFunc(out, func(a, b int32) int { return strings.Compare(ids[a], ids[b]) })
	return out
}

func TestOrder(t *testing.T) {
	long := func(n int, prefix string) []string {
		r := rand.New(rand.NewPCG(1, uint64(n)))
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s%d", prefix, r.IntN(n/3+1)) // many duplicates
		}
		return out
	}
	tests := []struct {
		name   string
		ids    []string
		reason string
	}{
		{"empty", nil, "nothing to sort"},
		{"padding", []string{"ab\x00", "ab", "a", "ab\x00\x00", ""}, "a zero byte sorts after the end of the id"},
		{"shared prefix", long(10000, "customer-0000"), "the first eight bytes tell nothing apart: a second radix level"},
		{"short", long(20000, ""), "ids of 1 to 5 digits, many ties: kept in input order"},
		{"ties past eight bytes", append(long(5000, "abcdefgh"), long(5000, "abcdefgh\x00")...), "ends inside the second chunk"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			order, dup := Order(tc.ids)
			if diff := cmp.Diff(want(tc.ids), order); diff != "" {
				t.Errorf("Order mismatch (-want +got) [%s]:\n%s", tc.reason, diff)
			}
			checkDup(t, tc.ids, dup)
			checkIDs(t, tc.ids)
		})
	}
}

func checkOrder(t *rapid.T) {
	// Few letters, so that prefixes are shared and ties are common; the
	// length crosses 8- and 16-byte chunks.
	id := rapid.StringOfN(rapid.RuneFrom([]rune{0, 'a', 'b', 0xff}), 0, 20, -1)
	ids := rapid.SliceOfN(id, 0, 5000).Draw(t, "ids")
	got, dup := Order(ids)
	if w := want(ids); !slices.Equal(got, w) {
		t.Fatalf("Order(%q) = %v, want %v", ids, got, w)
	}
	checkDup(t, ids, dup)
	checkIDs(t, ids)
}

// checkIDs: Sort's AppendID gives back each id, in sorted order.
func checkIDs(t interface{ Fatalf(string, ...any) }, ids []string) {
	s, _ := Sort(ids)
	var buf []byte
	for k := range s.Len() {
		buf = s.AppendID(buf[:0], k)
		if id := ids[s.Index(k)]; string(buf) != id {
			t.Fatalf("AppendID(%d) = %q, want %q", k, buf, id)
		}
		if k > 0 && s.Equal(k) != (ids[s.Index(k)] == ids[s.Index(k-1)]) {
			t.Fatalf("Equal(%d) = %v for %q and %q", k, s.Equal(k), ids[s.Index(k-1)], ids[s.Index(k)])
		}
	}
}

// checkDup: dup names two equal ids exactly when there are some.
func checkDup(t interface{ Fatalf(string, ...any) }, ids []string, dup [2]int) {
	seen := map[string]bool{}
	any := false
	for _, id := range ids {
		any = any || seen[id]
		seen[id] = true
	}
	switch {
	case !any && dup != [2]int{-1, -1}:
		t.Fatalf("no duplicates, yet dup = %v", dup)
	case any && (dup[0] < 0 || dup[0] >= dup[1] || ids[dup[0]] != ids[dup[1]]):
		t.Fatalf("duplicates, yet dup = %v", dup)
	}
}

func TestOrderProperty(t *testing.T) { rapid.Check(t, checkOrder) }
func FuzzOrder(f *testing.F)         { f.Fuzz(rapid.MakeFuzz(checkOrder)) }

func BenchmarkOrder(b *testing.B) {
	for _, c := range []struct {
		name   string
		format string
	}{{"1M/c%07d", "c%07d"}, {"1M/customer-%09d", "customer-%09d"}} {
		// In random order, each id allocated in turn (as a host reading
		// them from its database would).
		r := rand.New(rand.NewPCG(1, 2))
		ids := make([]string, 1_000_000)
		for i, k := range r.Perm(len(ids)) {
			ids[i] = fmt.Sprintf(c.format, k)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Order(ids)
			}
		})
	}
}
