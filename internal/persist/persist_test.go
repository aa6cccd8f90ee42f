package persist

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"
)

// Changing a copy never changes the original, and both read back what a
// plain slice and map would hold.
func TestPersistence(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		type version struct {
			v     Vector[int]
			m     Map[int]
			slice []int
			plain map[string]int
		}
		// The first version is empty or lazy: the changes then start on
		// blocks that no reader has made yet.
		n := rapid.IntRange(0, 1300).Draw(t, "lazy")
		first := version{v: Lazy(n, func(first int, xs []int) {
			for j := range xs {
				xs[j] = (first + j) * 7
			}
		}), plain: map[string]int{}}
		for i := range n {
			first.slice = append(first.slice, i*7)
		}
		versions := []version{first}
		for range rapid.IntRange(1, 60).Draw(t, "steps") {
			base := versions[rapid.IntRange(0, len(versions)-1).Draw(t, "base")]
			nv := version{v: base.v, m: base.m, slice: append([]int(nil), base.slice...), plain: map[string]int{}}
			for k, x := range base.plain {
				nv.plain[k] = x
			}
			o := new(Owner)
			for range rapid.IntRange(1, 40).Draw(t, "changes") {
				x := rapid.Int().Draw(t, "x")
				switch {
				case len(nv.slice) > 0 && rapid.Bool().Draw(t, "set"):
					i := rapid.IntRange(0, len(nv.slice)-1).Draw(t, "i")
					*nv.v.Mut(i, o) = x
					nv.slice[i] = x
				default:
					nv.v.Push(x, o)
					nv.slice = append(nv.slice, x)
				}
				k := fmt.Sprint(rapid.IntRange(0, 300).Draw(t, "key"))
				changeMap(t, &nv.m, nv.plain, k, x, o, rapid.Bool().Draw(t, "insert"))
			}
			versions = append(versions, nv)
			for vi, ver := range versions {
				if ver.v.Len() != len(ver.slice) || ver.m.Len() != len(ver.plain) {
					t.Fatalf("version %d: lengths %d/%d, %d/%d", vi, ver.v.Len(), len(ver.slice), ver.m.Len(), len(ver.plain))
				}
				for i, x := range ver.slice {
					if ver.v.At(i) != x {
						t.Fatalf("version %d: [%d] = %d, want %d", vi, i, ver.v.At(i), x)
					}
				}
				from := rapid.IntRange(0, len(ver.slice)).Draw(t, "from")
				to := rapid.IntRange(from, len(ver.slice)).Draw(t, "to")
				var chunked []int
				ver.v.Chunks(from, to, func(xs []int) { chunked = append(chunked, xs...) })
				if !slices.Equal(chunked, ver.slice[from:to]) {
					t.Fatalf("version %d: Chunks(%d, %d) = %v, want %v", vi, from, to, chunked, ver.slice[from:to])
				}
				for k, x := range ver.plain {
					if got, ok := ver.m.Get(k); !ok || got != x {
						t.Fatalf("version %d: %q = %d, %v; want %d", vi, k, got, ok, x)
					}
				}
			}
		}
	})
}

// TestVectorAcrossNodes grows a vector past several 1,024-element nodes,
// branches it, and changes both branches: each keeps its own values.
func TestVectorAcrossNodes(t *testing.T) {
	var base Vector[int]
	o := new(Owner)
	for i := range 5000 {
		base.Push(i, o)
	}
	a, b := base, base
	oa, ob := new(Owner), new(Owner)
	for i := 0; i < 5000; i += 97 {
		*a.Mut(i, oa) = -i
		*b.Mut(i, ob) = i * 2
	}
	a.Push(-1, oa)
	for i := range 5000 {
		wantA, wantB := i, i
		if i%97 == 0 {
			wantA, wantB = -i, i*2
		}
		if base.At(i) != i || a.At(i) != wantA || b.At(i) != wantB {
			t.Fatalf("[%d]: base %d a %d b %d", i, base.At(i), a.At(i), b.At(i))
		}
	}
	if a.Len() != 5001 || b.Len() != 5000 || base.Len() != 5000 {
		t.Fatalf("lengths %d %d %d", a.Len(), b.Len(), base.Len())
	}
}

// TestConcurrentAppend appends to one shared version from several
// goroutines at once (run it with -race): one of them may append in place,
// the others copy, and every version reads back its own elements.
func TestConcurrentAppend(t *testing.T) {
	var base Vector[int]
	o := new(Owner)
	for i := range 1030 { // a partly filled block in a second node
		base.Push(i, o)
	}
	const workers = 8
	out := make([]Vector[int], workers)
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			v, ow := base, new(Owner)
			for k := range 40 {
				v.Push(w*1000+k, ow)
			}
			out[w] = v
		}()
	}
	for range workers {
		<-done
	}
	for w, v := range out {
		for i := range v.Len() {
			want := i
			if i >= 1030 {
				want = w*1000 + i - 1030
			}
			if v.At(i) != want {
				t.Fatalf("worker %d: [%d] = %d, want %d", w, i, v.At(i), want)
			}
		}
	}
	if base.Len() != 1030 || base.At(1029) != 1029 {
		t.Fatalf("base changed: len %d", base.Len())
	}
}

// MapOf builds the map n Inserts build, and refuses a repeated key.
func TestMapOf(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		keys := rapid.SliceOfDistinct(rapid.StringN(0, 12, -1), func(s string) string { return s }).Draw(t, "keys")
		m, ok := MapOf(len(keys), func(i int) string { return keys[i] }, func(i int) int { return i })
		if !ok || m.Len() != len(keys) {
			t.Fatalf("MapOf: ok=%v len %d, want %d", ok, m.Len(), len(keys))
		}
		for i, k := range keys {
			if v, found := m.Get(k); !found || v != i {
				t.Fatalf("Get(%q) = %d, %v; want %d", k, v, found, i)
			}
		}
		if _, found := m.Get("\xff not a key"); found {
			t.Fatal("found a key never put")
		}
		// a later change copies: the built map is unchanged
		o := new(Owner)
		m2 := m
		if m2.Insert("\xff new", -1, o) && len(keys) > 0 {
			m2.Set(keys[0], -2, o)
			if v, _ := m.Get(keys[0]); v != 0 {
				t.Fatalf("changing a copy changed the built map: %d", v)
			}
		}
		if len(keys) > 0 {
			dup := append(slices.Clone(keys), keys[len(keys)-1])
			if _, ok := MapOf(len(dup), func(i int) string { return dup[i] }, func(i int) int { return i }); ok {
				t.Fatal("MapOf accepted a repeated key")
			}
		}
	})
}

// Build makes the vector n Pushes make, and it stays persistent: a
// change or append to one copy leaves the built vector and other copies
// as they were, across block and node boundaries.
func TestBuild(t *testing.T) {
	for _, n := range []int{0, 1, 15, 16, 17, 1023, 1024, 1025, 3000} {
		v := Build(n, func(i int, x *int) { *x = i * 3 })
		if v.Len() != n {
			t.Fatalf("n=%d: Len %d", n, v.Len())
		}
		for i := range n {
			if v.At(i) != i*3 {
				t.Fatalf("n=%d: [%d] = %d", n, i, v.At(i))
			}
		}
		a, b := v, v
		oa, ob := new(Owner), new(Owner)
		a.Push(-1, oa)
		b.Push(-2, ob)
		a.Push(-3, oa)
		if n > 0 {
			*a.Mut(n-1, oa) = -4
			*b.Mut(0, ob) = -5
		}
		if a.At(n) != -1 || a.At(n+1) != -3 || b.At(n) != -2 || a.Len() != n+2 || b.Len() != n+1 || v.Len() != n {
			t.Fatalf("n=%d: appends a %d %d, b %d", n, a.At(n), a.At(n+1), b.At(n))
		}
		for i := range n {
			if v.At(i) != i*3 {
				t.Fatalf("n=%d: the built vector changed at %d: %d", n, i, v.At(i))
			}
		}
		if n > 0 && (a.At(n-1) != -4 || b.At(0) != -5 || (n > 1 && a.At(0) != 0) || (n > 1 && b.At(n-1) != (n-1)*3)) {
			t.Fatalf("n=%d: changes leaked between copies", n)
		}
	}
}

// Readers in several goroutines may make a lazy vector's blocks at once
// (run with -race), each block is made at most once per node unless two
// readers race for it, and every reader sees the same elements.
func TestLazyConcurrentReads(t *testing.T) {
	const n = 3000
	var calls atomic.Int32
	v := Lazy(n, func(first int, xs []int) {
		calls.Add(1)
		for j := range xs {
			xs[j] = first + j
		}
	})
	if calls.Load() != 0 {
		t.Fatal("Lazy made blocks before any read")
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range n {
				i := (k*31 + g*997) % n
				if got := v.At(i); got != i {
					t.Errorf("At(%d) = %d", i, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	blocks := (n + blockSize - 1) / blockSize
	if c := int(calls.Load()); c < blocks || c > 4*blocks {
		t.Fatalf("fill called %d times for %d blocks", c, blocks)
	}
	before := calls.Load()
	_ = v.At(n - 1)
	if calls.Load() != before {
		t.Fatal("a block read twice was made twice")
	}
}

// TestMapSpills: leaves that outgrow their few inline items spill into
// buckets, in place or on a copy, and every version keeps its own keys
// and values: thousands of keys, a few owners, versions branched from
// earlier ones (before and after their leaves spilled).
func TestMapSpills(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		type version struct {
			m     Map[int]
			plain map[string]int
		}
		versions := []version{{plain: map[string]int{}}}
		for range rapid.IntRange(1, 6).Draw(t, "steps") {
			base := versions[rapid.IntRange(0, len(versions)-1).Draw(t, "base")]
			nv := version{m: base.m, plain: maps.Clone(base.plain)}
			o := new(Owner)
			n := rapid.IntRange(1, 4000).Draw(t, "changes")
			seed := rapid.IntRange(0, 1<<20).Draw(t, "seed")
			for i := range n {
				k := fmt.Sprint((seed + i*7919) % 6000)
				x := seed ^ i
				changeMap(t, &nv.m, nv.plain, k, x, o, i%3 == 0)
			}
			versions = append(versions, nv)
			for vi, ver := range versions {
				if ver.m.Len() != len(ver.plain) {
					t.Fatalf("version %d: %d keys, want %d", vi, ver.m.Len(), len(ver.plain))
				}
				for k, x := range ver.plain {
					if got, ok := ver.m.Get(k); !ok || got != x {
						t.Fatalf("version %d: %q = %d, %v; want %d", vi, k, got, ok, x)
					}
				}
				if _, ok := ver.m.Get("6001"); ok {
					t.Fatalf("version %d: found a key never put", vi)
				}
			}
		}
	})
}

// changeMap sets k to x in m under o, and in plain, its model: with
// Insert (which adds a new key only, and says whether it did) or Set.
func changeMap(t *rapid.T, m *Map[int], plain map[string]int, k string, x int, o *Owner, insert bool) {
	if !insert {
		m.Set(k, x, o)
		plain[k] = x
		return
	}
	_, had := plain[k]
	if m.Insert(k, x, o) == had {
		t.Fatalf("Insert(%q) reported %v with the key present: %v", k, !had, had)
	}
	if !had {
		plain[k] = x
	}
}
