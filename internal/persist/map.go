package persist

import (
	"hash/maphash"
	"slices"
)

const (
	fanBits = 4
	fan     = 1 << fanBits
)

// Map is a persistent map from string keys: a three-level trie of
// 16×16×16 buckets chosen by the key's hash, so that a change copies three
// small nodes. The zero value is empty. Like Vector,
// it is a value: changing a copy leaves the original unchanged.
type Map[V any] struct {
	root *mapNode[V]
	n    int
}

type mapNode[V any] struct {
	owner    *Owner
	children [fan]*midNode[V]
}

type midNode[V any] struct {
	owner    *Owner
	children [fan]*mapLeaf[V]
}

// mapLeaf holds its first few items in small, in the order they came;
// past smallLeaf it spills them into buckets by the key's hash. A map of
// a few hundred keys (an account's operations) then makes a leaf of a
// few words per new key, not one of sixteen buckets.
type mapLeaf[V any] struct {
	owner      *Owner
	small      []mapItem[V]
	buckets    *[fan][]mapItem[V] // nil: the items are in small
	fresh      uint16             // bucket k's slice was allocated under owner: writable in place
	smallFresh bool               // small was allocated under owner
	// inline holds small while it has at most two items: a new leaf
	// and its first items in one allocation.
	inline [2]mapItem[V]
}

// smallLeaf is how many items a leaf keeps in small before it spills.
const smallLeaf = 8

type mapItem[V any] struct {
	key string
	val V
}

// seedFixed is the hash seed every Map uses (maps from one process can
// then share nodes); it is set once, at package initialisation, and never
// changes. Maps have no iteration, so nothing depends on its value.
var seedFixed = maphash.MakeSeed()

func (m Map[V]) slot(key string) (int, int, int) {
	h := maphash.String(seedFixed, key)
	return int(h & (fan - 1)), int((h >> fanBits) & (fan - 1)), int((h >> (2 * fanBits)) & (fan - 1))
}

// Len is the number of keys.
func (m Map[V]) Len() int { return m.n }

// Get returns the value for key.
func (m Map[V]) Get(key string) (V, bool) {
	var zero V
	if m.root == nil {
		return zero, false
	}
	i, j, k := m.slot(key)
	mid := m.root.children[i]
	if mid == nil || mid.children[j] == nil {
		return zero, false
	}
	leaf := mid.children[j]
	items := leaf.small
	if leaf.buckets != nil {
		items = leaf.buckets[k]
	}
	for _, it := range items {
		if it.key == key {
			return it.val, true
		}
	}
	return zero, false
}

// Set sets key to v under o.
func (m *Map[V]) Set(key string, v V, o *Owner) { m.set(key, v, o, true) }

// Insert sets key to v under o if key is not in the map, and reports
// whether it was not (one lookup instead of a Get and a Set).
func (m *Map[V]) Insert(key string, v V, o *Owner) bool { return m.set(key, v, o, false) }

func (m *Map[V]) set(key string, v V, o *Owner, replace bool) bool {
	if m.root == nil || m.root.owner != o {
		n := &mapNode[V]{owner: o}
		if m.root != nil {
			n.children = m.root.children
		}
		m.root = n
	}
	i, j, k := m.slot(key)
	mid := m.root.children[i]
	if mid == nil || mid.owner != o {
		n := &midNode[V]{owner: o}
		if mid != nil {
			n.children = mid.children
		}
		mid = n
		m.root.children[i] = n
	}
	leaf := mid.children[j]
	if leaf == nil || leaf.owner != o {
		l := &mapLeaf[V]{owner: o} // fresh is 0: the slices are still shared
		l.small, l.smallFresh = l.inline[:0], true
		if leaf != nil {
			if len(leaf.small) <= len(l.inline) {
				l.small = append(l.small, leaf.small...)
			} else {
				l.small, l.smallFresh = leaf.small, false
			}
			if leaf.buckets != nil {
				b := *leaf.buckets
				l.buckets = &b
			}
		}
		leaf = l
		mid.children[j] = l
	}
	if leaf.buckets == nil {
		if done, ok := leaf.setSmall(key, v, replace); done {
			return ok
		}
		if len(leaf.small) < smallLeaf {
			if leaf.smallFresh {
				leaf.small = append(leaf.small, mapItem[V]{key, v})
			} else {
				leaf.small = append(leaf.small[:len(leaf.small):len(leaf.small)], mapItem[V]{key, v})
				leaf.smallFresh = true
			}
			m.n++
			return true
		}
		leaf.spill(m)
	}
	b := leaf.buckets[k]
	for x := range b {
		if b[x].key == key {
			if !replace {
				return false
			}
			if leaf.fresh&(1<<k) == 0 {
				b = append([]mapItem[V](nil), b...)
				leaf.buckets[k] = b
				leaf.fresh |= 1 << k
			}
			b[x].val = v
			return true
		}
	}
	if leaf.fresh&(1<<k) != 0 {
		leaf.buckets[k] = append(b, mapItem[V]{key, v})
	} else {
		leaf.buckets[k] = append(b[:len(b):len(b)], mapItem[V]{key, v})
		leaf.fresh |= 1 << k
	}
	m.n++
	return true
}

// setSmall sets key in a leaf that keeps its items in small, when key
// is there (done; ok: it was set, else it is kept for Insert).
func (l *mapLeaf[V]) setSmall(key string, v V, replace bool) (done, ok bool) {
	for x := range l.small {
		if l.small[x].key != key {
			continue
		}
		if !replace {
			return true, false
		}
		if !l.smallFresh {
			l.small = slices.Clone(l.small)
			l.smallFresh = true
		}
		l.small[x].val = v
		return true, true
	}
	return false, false
}

// spill moves a full leaf's small items into buckets, allocated now: every
// bucket is then writable in place.
func (l *mapLeaf[V]) spill(m *Map[V]) {
	l.buckets = new([fan][]mapItem[V])
	for _, it := range l.small {
		_, _, k := m.slot(it.key)
		l.buckets[k] = append(l.buckets[k], it)
	}
	l.fresh = 1<<fan - 1
	l.small, l.smallFresh = nil, false
}

// MapOf builds a map of n keys at once: key(i) and val(i) for i < n. It
// hashes every key once and gives each bucket its exact room in one shared
// array, which is much cheaper than n Inserts. It reports false (and an
// empty map) if a key repeats. The map's nodes have no owner: any later
// change copies what it changes.
func MapOf[V any](n int, key func(int) string, val func(int) V) (Map[V], bool) {
	var m Map[V]
	if n == 0 {
		return m, true
	}
	slots := make([]uint16, n)
	var counts [fan * fan * fan]int32
	for i := range n {
		a, b, c := m.slot(key(i))
		s := uint16(a<<(2*fanBits) | b<<fanBits | c)
		slots[i] = s
		counts[s]++
	}
	items := make([]mapItem[V], n)
	var start [fan * fan * fan]int32
	sum := int32(0)
	for s, c := range counts {
		start[s] = sum
		sum += c
	}
	m.root = &mapNode[V]{}
	leaves := make([]mapLeaf[V], 0, fan*fan)
	arrays := make([][fan][]mapItem[V], 0, fan*fan)
	for i := range n {
		s := int(slots[i])
		a, b, c := s>>(2*fanBits), (s>>fanBits)&(fan-1), s&(fan-1)
		mid := m.root.children[a]
		if mid == nil {
			mid = &midNode[V]{}
			m.root.children[a] = mid
		}
		leaf := mid.children[b]
		if leaf == nil {
			arrays = append(arrays, [fan][]mapItem[V]{})
			leaves = append(leaves, mapLeaf[V]{buckets: &arrays[len(arrays)-1]})
			leaf = &leaves[len(leaves)-1]
			mid.children[b] = leaf
		}
		bucket := leaf.buckets[c]
		if bucket == nil {
			from := start[s]
			bucket = items[from : from : from+counts[s]]
		}
		k := key(i)
		for _, it := range bucket {
			if it.key == k {
				return Map[V]{}, false
			}
		}
		leaf.buckets[c] = append(bucket, mapItem[V]{k, val(i)})
	}
	m.n = n
	return m, true
}
