package raffle

import (
	"encoding/binary"
	"math"
	"testing"

	"pgregory.net/rapid"
)

// TestBelowRejects: a word in the incomplete last stretch of 2^64 (which
// mod n would favour the small values) is refused and the next one taken.
func TestBelowRejects(t *testing.T) {
	tests := []struct {
		name  string
		words [4]uint64
		n     uint64
		want  uint64
	}{
		{"2^64 mod 3 = 1: the top word is refused", [4]uint64{math.MaxUint64, 5}, 3, 2},
		{"the word below it is taken", [4]uint64{math.MaxUint64 - 1}, 3, (math.MaxUint64 - 1) % 3},
		{"n = 2^63 + 1: half the words are refused", [4]uint64{1 << 63, 1<<63 + 1, 7}, 1<<63 + 1, 1 << 63},
		{"a power of two refuses nothing", [4]uint64{math.MaxUint64}, 1 << 20, 1<<20 - 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &stream{}
			for i, w := range tc.words {
				binary.BigEndian.PutUint64(s.block[8*i:], w)
			}
			if got := s.below(tc.n); got != tc.want {
				t.Errorf("below(%d) = %d, want %d", tc.n, got, tc.want)
			}
		})
	}
}

// TestFenwick: find and add agree with a linear scan over the weights.
func TestFenwick(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := rapid.SliceOfN(rapid.Int64Range(0, 50), 1, 100).Draw(t, "weights")
		f := newFenwick(w)
		for range rapid.IntRange(1, 20).Draw(t, "steps") {
			var total int64
			for _, x := range w {
				total += x
			}
			if total == 0 {
				return
			}
			u := rapid.Int64Range(0, total-1).Draw(t, "u")
			want, v := 0, u
			for ; v >= w[want]; want++ {
				v -= w[want]
			}
			if got := f.find(uint64(u)); got != want {
				t.Fatalf("find(%d) in %v = %d, want %d", u, w, got, want)
			}
			f.add(want, -w[want])
			w[want] = 0
		}
	})
}
