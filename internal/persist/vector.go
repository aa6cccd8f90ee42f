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

const blockBits = 4
const blockSize = 1 << blockBits

type block[T any] struct {
	owner *Owner
	items [blockSize]T
}

// Vector is a persistent slice. The zero value is empty. A Vector is a
// value: copying it is cheap and changing a copy leaves the original
// unchanged.
type Vector[T any] struct {
	blocks []*block[T]
	n      int
	owner  *Owner // the owner of the blocks slice itself
}

// Len is the number of elements.
func (v Vector[T]) Len() int { return v.n }

// At returns element i.
func (v Vector[T]) At(i int) T { return v.blocks[i>>blockBits].items[i&(blockSize-1)] }

// Ptr returns a pointer to element i for reading only.
func (v Vector[T]) Ptr(i int) *T { return &v.blocks[i>>blockBits].items[i&(blockSize-1)] }

// All yields the elements in order.
func (v Vector[T]) All(yield func(int, T) bool) {
	for i := range v.n {
		if !yield(i, v.At(i)) {
			return
		}
	}
}

// own makes the block table writable under o.
func (v *Vector[T]) own(o *Owner) {
	if v.owner != o {
		v.blocks = append(make([]*block[T], 0, len(v.blocks)+1), v.blocks...)
		v.owner = o
	}
}

// Mut returns a pointer to element i that may be written under o: the
// block is copied unless o already owns it.
func (v *Vector[T]) Mut(i int, o *Owner) *T {
	v.own(o)
	b := v.blocks[i>>blockBits]
	if b.owner != o {
		c := *b
		c.owner = o
		b = &c
		v.blocks[i>>blockBits] = b
	}
	return &b.items[i&(blockSize-1)]
}

// Push appends x under o.
func (v *Vector[T]) Push(x T, o *Owner) {
	v.own(o)
	if v.n&(blockSize-1) == 0 {
		v.blocks = append(v.blocks, &block[T]{owner: o})
	}
	v.n++
	*v.Mut(v.n-1, o) = x
}
