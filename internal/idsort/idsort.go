// Package idsort sorts a million customer ids fast: touches and raffles
// sort their input by id (to find duplicates, and so that nothing depends
// on the order the host gave), and a comparison sort of 1,000,000
// strings takes about half a second on the development machine. Order
// radix-sorts the ids eight bytes at a time instead, so that the order is
// exactly that of strings.Compare at a fraction of the cost.
package idsort

import (
	"cmp"
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
}

// item is an id's index and sixteen bytes of it from the current
// offset, big-endian, zero-padded: most ids differ within the sixteen
// bytes after their common prefix, so most are sorted without reading
// them again (in sorted order, which would read memory at random).
type item struct {
	k0, k1 uint64
	i      int32
}

func (a item) cmp(b item) int { return cmp.Or(cmp.Compare(a.k0, b.k0), cmp.Compare(a.k1, b.k1)) }

// Order returns the permutation that sorts ids as strings.Compare does:
// ids[out[0]] ≤ ids[out[1]] ≤ …; equal ids keep their input order. It
// needs len(ids) < 2^31.
func Order(ids []string) []int32 {
	items := make([]item, len(ids))
	for i := range items {
		items[i].i = int32(i)
	}
	tmp := make([]item, len(ids))
	s := sorter{ids: ids}
	if len(ids) >= radixMin {
		s.count = new([1 << 16]int)
	}
	s.sortRun(items, tmp, commonPrefix(ids))
	out := make([]int32, len(ids))
	for k, it := range items {
		out[k] = it.i
	}
	return out
}

// sortRun sorts items, whose ids agree on their first off bytes, by the
// rest of their ids.
func (s *sorter) sortRun(items, tmp []item, off int) {
	ids := s.ids
	if len(items) < small {
		slices.SortStableFunc(items, func(a, b item) int { return strings.Compare(ids[a.i][off:], ids[b.i][off:]) })
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
