// Package persist holds persistent (immutable, structurally shared)
// collections: a value can be "changed" into a new value in about O(log n)
// while the old one stays valid, so that operations can take an account by
// value and return a new one without copying it whole.
//
// A batch of changes (one operation, or a whole replay) runs under an
// Owner: blocks created under the owner are changed in place for the rest
// of the batch, so that n changes cost n small writes, not n copies.
package persist

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
	items [blockSize]T
}

type node[T any] struct {
	owner  *Owner
	blocks [nodeSize]*block[T]
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
	return &v.nodes[i>>(blockBits+nodeBits)].blocks[(i>>blockBits)&(nodeSize-1)].items[i&(blockSize-1)]
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

// Mut returns a pointer to element i that may be written under o: the
// table, the node and the block are copied unless o already owns them.
func (v *Vector[T]) Mut(i int, o *Owner) *T {
	if v.owner != o {
		v.nodes = append(make([]*node[T], 0, len(v.nodes)+1), v.nodes...)
		v.owner = o
	}
	ni := i >> (blockBits + nodeBits)
	nd := v.nodes[ni]
	if nd.owner != o {
		c := *nd
		c.owner = o
		nd = &c
		v.nodes[ni] = nd
	}
	bi := (i >> blockBits) & (nodeSize - 1)
	b := nd.blocks[bi]
	if b == nil {
		b = &block[T]{owner: o}
		nd.blocks[bi] = b
	} else if b.owner != o {
		c := *b
		c.owner = o
		b = &c
		nd.blocks[bi] = b
	}
	return &b.items[i&(blockSize-1)]
}

// Push appends x under o.
func (v *Vector[T]) Push(x T, o *Owner) {
	if v.n&(blockSize*nodeSize-1) == 0 {
		if v.owner != o {
			v.nodes = append(make([]*node[T], 0, len(v.nodes)+1), v.nodes...)
			v.owner = o
		}
		v.nodes = append(v.nodes, &node[T]{owner: o})
	}
	v.n++
	*v.Mut(v.n-1, o) = x
}
