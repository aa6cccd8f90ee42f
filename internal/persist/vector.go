// Package persist holds persistent (immutable, structurally shared)
// collections: a value can be "changed" into a new value in about O(log n)
// while the old one stays valid, so that operations can take an account by
// value and return a new one without copying it whole.
//
// A batch of changes (one operation, or a whole replay) runs under an
// Owner: blocks created under the owner are changed in place for the rest
// of the batch, so that n changes cost n small writes, not n copies.
//
// Appending is cheaper still: every block and node counts the slots any
// version has filled, and a version whose length is that count claims the
// next slot with an atomic compare-and-swap and writes it in place. No
// other version can see that slot (they are all shorter), so the first
// version to append to a shared tail pays nothing and the others copy, as
// before. Versions may be appended to from several goroutines at once.
package persist

import "sync/atomic"

// Owner marks the blocks one batch of changes may change in place. Make a
// new one (new(Owner)) for each batch; never share it between goroutines.
type Owner struct{ _ byte }

const (
	blockBits = 4 // 16 elements a block
	blockSize = 1 << blockBits
	nodeBits  = 6 // 64 blocks a node: 1,024 elements
	nodeSize  = 1 << nodeBits
)

type block[T any] struct {
	owner *Owner
	used  atomic.Int32 // slots filled by some version; only ever grows
	// claimer is the owner that appended the last slots in place, from
	// slot claimFrom: only its versions can see them, so it may change
	// them in place too. Both are written only by the claimer.
	claimer   atomic.Pointer[Owner]
	claimFrom int32
	items     [blockSize]T
}

type node[T any] struct {
	owner  *Owner
	used   atomic.Int32 // blocks filled by some version; only ever grows
	blocks [nodeSize]atomic.Pointer[block[T]]
	// lazy makes the blocks of a lazy vector that are still nil: every
	// copy of the node shares it, and a block it makes has no owner, so
	// copies that make the same block get equal blocks.
	lazy *lazy[T]
}

// lazy is the fill function of a lazy vector and its length.
type lazy[T any] struct {
	n    int
	fill func(first int, items []T)
}

// block returns block bi of the node, making it if the vector is lazy
// and no reader has yet. Readers in several goroutines may make it at
// once: the first to store it wins and the others use that one.
func (nd *node[T]) block(ni, bi int) *block[T] {
	b := nd.blocks[bi].Load()
	if b != nil || nd.lazy == nil {
		return b
	}
	first := (ni<<nodeBits | bi) << blockBits
	k := min(nd.lazy.n-first, blockSize)
	b = &block[T]{}
	nd.lazy.fill(first, b.items[:k])
	b.used.Store(int32(k))
	if !nd.blocks[bi].CompareAndSwap(nil, b) {
		b = nd.blocks[bi].Load()
	}
	return b
}

// Vector is a persistent slice: a table of nodes of blocks, so that a
// change copies one block, one node and the table (n/1,024 pointers).
// The zero value is empty. A Vector is a value: copying it is cheap and
// changing a copy leaves the original unchanged.
type Vector[T any] struct {
	nodes []*node[T]
	n     int
	owner *Owner // the owner of the nodes table itself
}

// Len is the number of elements.
func (v Vector[T]) Len() int { return v.n }

// Ptr returns a pointer to element i for reading only.
func (v Vector[T]) Ptr(i int) *T {
	ni := i >> (blockBits + nodeBits)
	return &v.nodes[ni].block(ni, (i>>blockBits)&(nodeSize-1)).items[i&(blockSize-1)]
}

// At returns element i.
func (v Vector[T]) At(i int) T { return *v.Ptr(i) }

// All yields the elements in order.
func (v Vector[T]) All(yield func(int, T) bool) {
	for i := range v.n {
		if !yield(i, *v.Ptr(i)) {
			return
		}
	}
}

// Chunks calls f with the elements from..to-1 in order, a block (up to
// 16 elements) at a time, for loops that need no per-element lookup. f
// must not keep or change the slices.
func (v Vector[T]) Chunks(from, to int, f func([]T)) {
	for i := max(from, 0); i < min(to, v.n); {
		ni := i >> (blockBits + nodeBits)
		b := v.nodes[ni].block(ni, (i>>blockBits)&(nodeSize-1))
		end := min(to, v.n, (i|(blockSize-1))+1)
		f(b.items[i&(blockSize-1) : end-(i&^(blockSize-1))])
		i = end
	}
}

// visible is how many of the slots of size starting at element start
// this version holds: a copy reads only those (the others may be being
// written by a version that claimed them).
func (v Vector[T]) visible(start, size int) int { return min(max(v.n-start, 0), size) }

// ownTable makes the nodes table writable under o.
func (v *Vector[T]) ownTable(o *Owner) {
	if v.owner != o {
		v.nodes = append(make([]*node[T], 0, len(v.nodes)+1), v.nodes...)
		v.owner = o
	}
}

// ownNode makes node ni writable under o.
func (v *Vector[T]) ownNode(ni int, o *Owner) *node[T] {
	nd := v.nodes[ni]
	if nd.owner != o {
		v.ownTable(o)
		k := v.visible(ni<<(blockBits+nodeBits), nodeSize<<blockBits)
		c := &node[T]{owner: o, lazy: nd.lazy}
		nb := (k + blockSize - 1) >> blockBits
		for bi := range nb {
			c.blocks[bi].Store(nd.blocks[bi].Load())
		}
		c.used.Store(int32(nb))
		nd = c
		v.nodes[ni] = nd
	}
	return nd
}

// Mut returns a pointer to element i (i < Len) that may be written under
// o: the table, the node and the block are copied unless o owns them.
func (v *Vector[T]) Mut(i int, o *Owner) *T {
	ni, bi := i>>(blockBits+nodeBits), (i>>blockBits)&(nodeSize-1)
	b := v.nodes[ni].block(ni, bi)
	if b.owner != o && (b.claimer.Load() != o || int32(i&(blockSize-1)) < b.claimFrom) {
		nd := v.ownNode(ni, o)
		k := v.visible(i&^(blockSize-1), blockSize)
		c := &block[T]{owner: o}
		copy(c.items[:k], b.items[:k])
		c.used.Store(int32(k))
		b = c
		nd.blocks[bi].Store(b)
	}
	return &b.items[i&(blockSize-1)]
}

// Push appends x under o.
func (v *Vector[T]) Push(x T, o *Owner) {
	i := v.n
	ni, bi, slot := i>>(blockBits+nodeBits), (i>>blockBits)&(nodeSize-1), i&(blockSize-1)
	if bi == 0 && slot == 0 { // a new node
		v.ownTable(o)
		v.nodes = append(v.nodes, &node[T]{owner: o})
	}
	nd := v.nodes[ni]
	if slot == 0 { // a new block: claim its place in the node, or own the node
		b := &block[T]{owner: o}
		if nd.owner != o && !nd.used.CompareAndSwap(int32(bi), int32(bi+1)) {
			nd = v.ownNode(ni, o)
		}
		nd.used.Store(int32(bi + 1))
		nd.blocks[bi].Store(b)
	}
	b := nd.block(ni, bi)
	switch {
	case b.owner == o:
		b.used.Store(int32(slot + 1))
		b.items[slot] = x
	case b.used.CompareAndSwap(int32(slot), int32(slot+1)):
		if b.claimer.Load() != o {
			b.claimFrom = int32(slot)
			b.claimer.Store(o)
		}
		b.items[slot] = x
	default:
		*v.Mut(i, o) = x // while v.n is i, Mut copies only the slots before i
	}
	v.n++
}

// Build returns a vector of n elements, each written by fill in order, in
// a few allocations (all blocks in one, all nodes in one): for decoding a
// stored vector. No owner owns the result, so any change copies.
func Build[T any](n int, fill func(i int, x *T)) Vector[T] {
	var v Vector[T]
	if n <= 0 {
		return v
	}
	nb := (n + blockSize - 1) >> blockBits
	blocks := make([]block[T], nb)
	nodes := make([]node[T], (nb+nodeSize-1)>>nodeBits)
	v.nodes = make([]*node[T], len(nodes))
	for i := range nodes {
		v.nodes[i] = &nodes[i]
	}
	for bi := range blocks {
		b := &blocks[bi]
		k := min(n-bi<<blockBits, blockSize)
		for j := range k {
			fill(bi<<blockBits+j, &b.items[j])
		}
		b.used.Store(int32(k))
		nd := &nodes[bi>>nodeBits]
		nd.blocks[bi&(nodeSize-1)].Store(b)
		nd.used.Add(1)
	}
	v.n = n
	return v
}

// Lazy returns a vector of n elements whose blocks fill makes when they
// are first read or changed: fill(first, items) writes the elements
// first..first+len(items)-1 into items. fill must not fail, must give the
// same elements each time it is called for a block, and may be called
// from several goroutines at once (by readers of copies of the vector).
// It is for decoding a stored vector that has been checked already: the
// vector costs its nodes (n/1,024 of them) until it is read.
func Lazy[T any](n int, fill func(first int, items []T)) Vector[T] {
	var v Vector[T]
	if n <= 0 {
		return v
	}
	nb := (n + blockSize - 1) >> blockBits
	nodes := make([]node[T], (nb+nodeSize-1)>>nodeBits)
	v.nodes = make([]*node[T], len(nodes))
	lz := &lazy[T]{n: n, fill: fill}
	for i := range nodes {
		nodes[i].lazy = lz
		nodes[i].used.Store(int32(min(nb-i<<nodeBits, nodeSize)))
		v.nodes[i] = &nodes[i]
	}
	v.n = n
	return v
}
