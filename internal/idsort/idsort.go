// Package idsort sorts a million customer ids fast: touches and raffles
// sort their input by id (to find duplicates, and so that nothing depends
// on the order the host gave), and a comparison sort of 1,000,000
// strings takes about half a second on the development machine. [Sort]
// radix-sorts the ids sixteen bytes at a time after their common prefix
// instead, so that the order is exactly that of strings.Compare at a
// fraction of the cost, and keeps those bytes, so that a short id can be
// read back in sorted order without touching its string (reading a
// million strings in sorted order reads memory at random, and costs as
// much as the sort).
package idsort

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
)

// small is the run length under which a comparison sort of the ids is
// cheaper than a radix pass; under radixMin the keys are sorted by
// comparison (a pass costs a clear of its 2^16 counters).
const (
	small    = 64
	radixMin = 4096
)

// sorter holds what the runs share.
type sorter struct {
	ids   []string
	count *[1 << 16]int
	dup   [2]int // two input indexes of equal ids, or −1
}

// found records a and b, input indexes of equal ids, unless a pair is
// already recorded.
func (s *sorter) found(a, b int32) {
	if s.dup[0] < 0 {
		s.dup = [2]int{int(min(a, b)), int(max(a, b))}
	}
}

// item is an id's index and sixteen bytes of it from the current
// offset, big-endian, zero-padded: most ids differ within the sixteen
// bytes after their common prefix, so most are sorted without reading
// them again (in sorted order, which would read memory at random).
type item struct {
	k0, k1 uint64
	i      int32
	n      int32 // the id's length
}

func (a item) cmp(b item) int { return cmp.Or(cmp.Compare(a.k0, b.k0), cmp.Compare(a.k1, b.k1)) }

// Sorted is ids in the order strings.Compare puts them in (equal ids in
// their input order).
type Sorted struct {
	ids    []string
	prefix int // the length of the prefix all ids share
	keyed  bool
	items  []item
}

// Sort sorts ids (without changing them). dup is two input indexes
// i < j of equal ids when there are any (found while sorting, without
// comparing neighbours again), else {−1, −1}. It needs len(ids) < 2^31
// and ids shorter than 2^31 bytes.
func Sort(ids []string) (s Sorted, dup [2]int) {
	items := make([]item, len(ids))
	for i := range items {
		items[i].i = int32(i)
		items[i].n = int32(len(ids[i]))
	}
	tmp := make([]item, len(ids))
	st := sorter{ids: ids, dup: [2]int{-1, -1}}
	if len(ids) >= radixMin {
		st.count = new([1 << 16]int)
	}
	prefix := commonPrefix(ids)
	st.sortRun(items, tmp, prefix)
	return Sorted{ids: ids, prefix: prefix, keyed: len(ids) >= small, items: items}, st.dup
}

// Order is the permutation that sorts ids: ids[order[0]] ≤ ids[order[1]]
// ≤ …, and dup as [Sort] says.
func Order(ids []string) (order []int32, dup [2]int) {
	s, dup := Sort(ids)
	out := make([]int32, len(ids))
	for k := range out {
		out[k] = s.Index(k)
	}
	return out, dup
}

// Len is the number of ids.
func (s *Sorted) Len() int { return len(s.items) }

// Index is the input index of the k-th id in sorted order.
func (s *Sorted) Index(k int) int32 { return s.items[k].i }

// ID is the k-th id in sorted order.
func (s *Sorted) ID(k int) string { return s.ids[s.items[k].i] }

// IDLen is the length of the k-th id in sorted order.
func (s *Sorted) IDLen(k int) int { return int(s.items[k].n) }

// Equal reports whether the k-th id in sorted order (k ≥ 1) equals the
// one before it: from the bytes the sort kept when they hold both ids,
// else by comparing them.
func (s *Sorted) Equal(k int) bool {
	a, b := &s.items[k-1], &s.items[k]
	if a.n != b.n {
		return false
	}
	if s.keyed && int(a.n) <= s.prefix+16 {
		return a.k0 == b.k0 && a.k1 == b.k1
	}
	return s.ids[a.i] == s.ids[b.i]
}

// AppendID appends the k-th id in sorted order to dst: from the bytes the
// sort kept when they hold all of it, else from the id itself.
func (s *Sorted) AppendID(dst []byte, k int) []byte {
	it := &s.items[k]
	if !s.keyed || int(it.n) > s.prefix+16 {
		return append(dst, s.ids[it.i]...)
	}
	dst = append(dst, s.ids[0][:s.prefix]...)
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], it.k0)
	binary.BigEndian.PutUint64(b[8:], it.k1)
	return append(dst, b[:int(it.n)-s.prefix]...)
}

// sortRun sorts items, whose ids agree on their first off bytes, by the
// rest of their ids.
func (s *sorter) sortRun(items, tmp []item, off int) {
	ids := s.ids
	if len(items) < small {
		slices.SortStableFunc(items, func(a, b item) int { return strings.Compare(ids[a.i][off:], ids[b.i][off:]) })
		for k := 1; k < len(items); k++ {
			if ids[items[k].i] == ids[items[k-1].i] {
				s.found(items[k-1].i, items[k].i)
			}
		}
		return
	}
	var any1 uint64
	for k := range items {
		id := ids[items[k].i]
		items[k].k0, items[k].k1 = chunk(id, off), chunk(id, off+8)
		any1 |= items[k].k1
	}
	if len(items) < radixMin {
		slices.SortStableFunc(items, item.cmp)
	} else {
		if any1 != 0 {
			s.radix(items, tmp, 1)
		}
		s.radix(items, tmp, 0)
	}
	for lo := 0; lo < len(items); {
		hi := lo + 1
		for hi < len(items) && items[hi].k0 == items[lo].k0 && items[hi].k1 == items[lo].k1 {
			hi++
		}
		if hi-lo > 1 {
			s.sortTies(items[lo:hi], tmp[lo:hi], off)
		}
		lo = hi
	}
}

// sortTies sorts items whose ids agree on their first off+16 bytes (zero
// padding included): the ids that end within those bytes come first,
// shortest first (a zero-padded "ab" is "ab" < "ab\x00"), then the longer
// ones by their remaining bytes.
func (s *sorter) sortTies(items, tmp []item, off int) {
	ids := s.ids
	// Stable partition: ended ids first.
	n := 0
	for _, it := range items {
		if len(ids[it.i]) <= off+16 {
			tmp[n] = it
			n++
		}
	}
	m := n
	for _, it := range items {
		if len(ids[it.i]) > off+16 {
			tmp[m] = it
			m++
		}
	}
	copy(items, tmp[:len(items)])
	slices.SortStableFunc(items[:n], func(a, b item) int { return cmp.Compare(len(ids[a.i]), len(ids[b.i])) })
	for k := 1; k < n; k++ { // equal in every byte up to off+16, and as long: equal
		if len(ids[items[k].i]) == len(ids[items[k-1].i]) {
			s.found(items[k-1].i, items[k].i)
		}
	}
	if len(items)-n > 1 {
		s.sortRun(items[n:], tmp[n:], off+16)
	}
}

// commonPrefix is the length of the prefix all ids share.
func commonPrefix(ids []string) int {
	if len(ids) == 0 {
		return 0
	}
	n := len(ids[0])
	for _, id := range ids[1:] {
		n = min(n, len(id))
		for n > 0 && id[:n] != ids[0][:n] {
			n--
		}
	}
	return n
}

// chunk is bytes off..off+8 of s, big-endian, zero-padded.
func chunk(s string, off int) uint64 {
	var k uint64
	for j := range 8 {
		k <<= 8
		if off+j < len(s) {
			k |= uint64(s[off+j])
		}
	}
	return k
}

// radix sorts items by k0 or k1 (which), stably: least significant 16 bits first,
// skipping the passes where every key has the same digit.
func (s *sorter) radix(items, tmp []item, which int) {
	key := func(it *item) uint64 {
		if which == 1 {
			return it.k1
		}
		return it.k0
	}
	count := s.count
	src, dst := items, tmp
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for k := range src {
			count[(key(&src[k])>>shift)&0xffff]++
		}
		if count[(key(&src[0])>>shift)&0xffff] == len(src) {
			continue
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for k := range src {
			d := (key(&src[k]) >> shift) & 0xffff
			dst[count[d]] = src[k]
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &items[0] {
		copy(items, src)
	}
}
