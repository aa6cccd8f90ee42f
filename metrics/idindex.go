package metrics

import (
	"hash/maphash"
	"math"
)

// idIndex maps customer ids to their positions in a Summarizer's
// histories. It is an open-addressing table with linear probing, at most
// three quarters full, whose 8-byte slots hold a position with 32 bits of
// its id's hash: a lookup hashes the id once and compares ids only where those
// bits match, a first purchase goes in the empty slot its lookup ended on,
// without hashing or probing again (a Go map would hash the id for the
// lookup and again for the assignment), and
// growing re-inserts the slots by their stored bits without rehashing a
// string. Positions are below 2³² − 1 (see maxCustomers). Its zero value
// is an empty index.
type idIndex struct {
	seed  maphash.Seed
	slots []uint64 // hash<<32 | position+1; 0 marks an empty slot
	n     int
}

// maxCustomers is the most customers an idIndex holds.
const maxCustomers = min(math.MaxInt, 1<<32-2)

// hash is the id's hash for lookup and insert.
func (x *idIndex) hash(id string) uint32 {
	if x.slots == nil {
		x.seed = maphash.MakeSeed()
		x.slots = make([]uint64, 1024)
	}
	return uint32(maphash.String(x.seed, id))
}

// lookup returns the position in hist of the id with hash h (from
// x.hash), or −1.
func (x *idIndex) lookup(h uint32, id string, ids *blocks[string]) int {
	pos, _ := x.find(h, id, ids)
	return pos
}

// find is lookup, and when the id is not there, the empty slot that
// ended the search: where insertAt puts it, hashing and probing once for
// a lookup and the insert after it.
func (x *idIndex) find(h uint32, id string, ids *blocks[string]) (pos int, slot uint32) {
	mask := uint32(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := x.slots[i]
		if sl == 0 {
			return -1, i
		}
		if uint32(sl>>32) == h {
			if pos := int(uint32(sl)) - 1; *ids.at(pos) == id {
				return pos, i
			}
		}
	}
}

// insert records an id that is not in the index, with hash h (from
// x.hash), at position pos < maxCustomers.
func (x *idIndex) insert(h uint32, pos int) {
	mask := uint32(len(x.slots) - 1)
	i := h & mask
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.insertAt(i, h, pos)
}

// insertAt is insert, for an id find did not find at slot, with no insert
// in between.
func (x *idIndex) insertAt(slot, h uint32, pos int) {
	sl := uint64(h)<<32 | uint64(pos+1)
	x.n++
	if 4*x.n <= 3*len(x.slots) {
		x.slots[slot] = sl
		return
	}
	old := x.slots
	x.slots = make([]uint64, 2*len(old))
	for _, o := range old {
		if o != 0 {
			x.place(o)
		}
	}
	x.place(sl)
}

func (x *idIndex) place(sl uint64) {
	mask := uint32(len(x.slots) - 1)
	i := uint32(sl>>32) & mask
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = sl
}
