package raffle

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
	"strconv"

	"github.com/loyalkit/loyalkit/internal/idsort"
)

// Entry is one participant as the draw sees them: an id and a number of
// tickets (a positive integer; weights are whole tickets, never
// fractions, so that the draw is exactly proportional to them).
type Entry struct {
	ID      string `json:"id"`
	Tickets int64  `json:"tickets"`
}

// Winner is one winner, in the order drawn.
type Winner struct {
	ID      string `json:"id"`
	Tickets int64  `json:"tickets"`
}

// MinSeedLen is the shortest seed a draw takes: 16 bytes (128 bits), so
// that the seed cannot be guessed from its commitment.
const MinSeedLen = 16

// digestHeader opens the participants' digest and the key derivation:
// the protocol's version.
const digestHeader = "loyalkit raffle v1\n"

// Commit is the commitment a shop publishes before the draw: the SHA-256
// of the seed, in lower-case hex (what `sha256sum` prints for a file
// holding the seed's bytes).
func Commit(seed []byte) string {
	h := sha256.Sum256(seed)
	return hex.EncodeToString(h[:])
}

// Redraw is the draw itself, on the participants drawn among, as anyone
// re-running it from a published record does: it sorts the entries by ID,
// digests them and draws the winners from the seed (see the package
// documentation for the protocol). It returns the winners in draw order and
// the participants' digest.
func Redraw(seed []byte, entries []Entry, winners int) ([]Winner, string, error) {
	const fn = "Redraw"
	if err := checkDraw(fn, seed, len(entries), winners); err != nil {
		return nil, "", err
	}
	ids := make([]string, len(entries))
	all := make([]int64, len(entries))
	for i, e := range entries {
		if err := checkEntry(fn, "entries", i, e.ID, e.Tickets); err != nil {
			return nil, "", err
		}
		ids[i], all[i] = e.ID, e.Tickets
	}
	srt, dup := idsort.Sort(ids)
	if dup[0] >= 0 {
		return nil, "", dupErr(fn, "entries", ids, dup)
	}
	p := newPool(&srt, all)
	return p.draw(fn, seed, winners)
}

// pool is the participants drawn among, in id order: the positions in
// the sorted ids of those with tickets, and their tickets.
type pool struct {
	srt     *idsort.Sorted
	pos     []int32
	tickets []int64
}

// newPool keeps the sorted ids whose tickets (all, by input index) are
// positive.
func newPool(srt *idsort.Sorted, all []int64) *pool {
	p := &pool{srt: srt, pos: make([]int32, 0, srt.Len()), tickets: make([]int64, 0, srt.Len())}
	for k := range srt.Len() {
		if t := all[srt.Index(k)]; t > 0 {
			p.pos = append(p.pos, int32(k))
			p.tickets = append(p.tickets, t)
		}
	}
	return p
}

// id is the j-th participant's id.
func (p *pool) id(j int) string { return p.srt.ID(int(p.pos[j])) }

// checkDraw refuses what no draw can take.
func checkDraw(fn string, seed []byte, n, winners int) error {
	switch {
	case len(seed) < MinSeedLen:
		return inputErr(fn, "seed", "has %d bytes, needs at least %d", len(seed), MinSeedLen)
	case winners <= 0:
		return inputErr(fn, "Winners", "must be positive, got %d", winners)
	case n == 0:
		return inputErr(fn, "participants", "is empty")
	case n >= math.MaxInt32:
		return inputErr(fn, "participants", "has %d entries, at most %d are drawn among", n, math.MaxInt32-1)
	}
	return nil
}

// checkEntry refuses an empty id and tickets that are not positive.
func checkEntry(fn, field string, i int, id string, tickets int64) error {
	switch {
	case id == "":
		return inputErr(fn, fieldAt(field, i, "ID"), "is empty")
	case tickets <= 0:
		return inputErr(fn, fieldAt(field, i, "Tickets"), "must be positive, got %d (%q)", tickets, id)
	}
	return nil
}

// dupErr is the error about two participants with the same id.
func dupErr(fn, field string, ids []string, dup [2]int) error {
	return inputErr(fn, fieldAt(field, dup[1], "ID"), "%q repeats %s[%d]", ids[dup[1]], field, dup[0])
}

func fieldAt(field string, i int, sub string) string {
	return field + "[" + strconv.Itoa(i) + "]." + sub
}

// draw draws winners among participants sorted by id (distinct, tickets
// positive), as the package documentation says.
func (p *pool) draw(fn string, seed []byte, winners int) ([]Winner, string, error) {
	tickets := p.tickets
	if winners > len(tickets) {
		return nil, "", inputErr(fn, "Winners", "is %d, but only %d participants are eligible", winners, len(tickets))
	}
	var total int64
	for _, t := range tickets {
		if t > math.MaxInt64-total {
			return nil, "", inputErr(fn, "Tickets", "add up to more than %d", int64(math.MaxInt64))
		}
		total += t
	}
	digest := p.digest()
	s := newStream(seed, digest)
	f := newFenwick(tickets)
	out := make([]Winner, 0, winners)
	for range winners {
		i := f.find(s.below(uint64(total)))
		out = append(out, Winner{ID: p.id(i), Tickets: tickets[i]})
		f.add(i, -tickets[i])
		total -= tickets[i]
	}
	return out, hex.EncodeToString(digest[:]), nil
}

// digest is the participants' digest: the SHA-256 of the header line,
// then one line per participant in id order, "<bytes in id>:<id>:<tickets>\n"
// (lengths and tickets in decimal).
func (p *pool) digest() [sha256.Size]byte {
	h := sha256.New()
	buf := make([]byte, 0, 64<<10)
	buf = append(buf, digestHeader...)
	for j, k := range p.pos {
		buf = strconv.AppendInt(buf, int64(p.srt.IDLen(int(k))), 10)
		buf = append(buf, ':')
		buf = p.srt.AppendID(buf, int(k))
		buf = append(buf, ':')
		buf = strconv.AppendInt(buf, p.tickets[j], 10)
		buf = append(buf, '\n')
		if len(buf) > 60<<10 {
			flush(h, buf)
			buf = buf[:0]
		}
	}
	flush(h, buf)
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

func flush(h hash.Hash, b []byte) { h.Write(b) }

// stream is the draw's random numbers: SHA-256 in counter mode under a key
// that binds the seed and the participants' digest.
//
//	key   = SHA-256(header ‖ "key\n" ‖ uint64(len(seed)) ‖ seed ‖ digest)
//	block = SHA-256(key ‖ uint64(counter)), counter = 0, 1, 2, …
//
// (integers as 8 bytes big-endian); each block gives four 64-bit words,
// big-endian, in order.
type stream struct {
	key     [sha256.Size]byte
	counter uint64
	block   [sha256.Size]byte
	next    int // the next word of block; 4: draw a new block
}

func newStream(seed []byte, digest [sha256.Size]byte) *stream {
	h := sha256.New()
	h.Write([]byte(digestHeader + "key\n"))
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(seed))))
	h.Write(seed)
	h.Write(digest[:])
	s := &stream{next: 4}
	h.Sum(s.key[:0])
	return s
}

// word is the stream's next 64-bit word.
func (s *stream) word() uint64 {
	if s.next == 4 {
		var in [sha256.Size + 8]byte
		copy(in[:], s.key[:])
		binary.BigEndian.PutUint64(in[sha256.Size:], s.counter)
		s.block = sha256.Sum256(in[:])
		s.counter++
		s.next = 0
	}
	w := binary.BigEndian.Uint64(s.block[8*s.next:])
	s.next++
	return w
}

// below is a uniform integer in [0, n), n > 0, without bias: a word is
// taken when it falls below the largest multiple of n that 64 bits hold
// (otherwise the next word is tried: at most half of the words are ever
// refused), and reduced mod n.
func (s *stream) below(n uint64) uint64 {
	// 2^64 mod n, computed as (2^64 − n) mod n.
	rem := (-n) % n
	for {
		w := s.word()
		if w <= math.MaxUint64-rem {
			return w % n
		}
	}
}

// fenwick is a binary indexed tree over the tickets: prefix sums and
// updates in O(log n), so each winner is found and removed in O(log n).
type fenwick struct {
	tree []int64 // 1-based
	top  int     // the highest power of two ≤ n
}

func newFenwick(w []int64) *fenwick {
	n := len(w)
	f := &fenwick{tree: make([]int64, n+1), top: 1}
	for i := 1; i <= n; i++ {
		f.tree[i] += w[i-1]
		if j := i + i&-i; j <= n {
			f.tree[j] += f.tree[i]
		}
	}
	for f.top*2 <= n {
		f.top *= 2
	}
	return f
}

// add adds d to the weight of participant i (0-based).
func (f *fenwick) add(i int, d int64) {
	for j := i + 1; j < len(f.tree); j += j & -j {
		f.tree[j] += d
	}
}

// find is the participant (0-based) whose tickets hold ticket u (0-based):
// the first i with w[0] + … + w[i] > u. u must be below the total.
func (f *fenwick) find(u uint64) int {
	pos := 0
	v := int64(u)
	for step := f.top; step > 0; step >>= 1 {
		if next := pos + step; next < len(f.tree) && f.tree[next] <= v {
			pos = next
			v -= f.tree[next]
		}
	}
	return pos
}
