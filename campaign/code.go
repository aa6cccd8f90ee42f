package campaign

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"github.com/loyalkit/loyalkit/internal/canon"
)

// Alphabet is the characters generated codes are written with: the
// digits 2–9 and the capital letters without I, L and O — nothing a
// customer can take for another (0/O, 1/I/L). It has 31 characters, a
// prime, which is what makes the check character catch every single
// mistyped character and every swap of two characters.
const Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

const radix = len(Alphabet) // 31

// alphaIndex maps a byte to its value in Alphabet, or 0xFF.
var alphaIndex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for i := 0; i < radix; i++ {
		t[Alphabet[i]] = byte(i)
	}
	return t
}()

// Code lengths: the body of a generated code (without prefix and check
// character) has MinLength..MaxLength characters; DefaultLength when
// CodeFormat.Length is 0.
const (
	MinLength     = 4
	MaxLength     = 12
	DefaultLength = 10
	// MaxPrefix is the longest prefix, in bytes.
	MaxPrefix = 12
	// maxInput is the longest user input Normalize and validation read;
	// longer input is Malformed without being looked at.
	maxInput = 64
	// guessFactor: a format must have at least this many possible codes
	// per code issued, so a guessed code is valid at most once in 1,000.
	guessFactor = 1000
)

// CodeFormat is the shape of a campaign's generated codes: Prefix (0 to
// MaxPrefix capital letters and digits, the campaign's mark: "SPR"), then
// Length characters of [Alphabet], then one check character. Codes are
// written and compared normalised ([Normalize]); display them in groups
// as you like ("SPR-7KQ4-XP9M-3"): dashes and spaces are ignored.
//
// Give each campaign its own prefix: a well-formed code with another
// prefix is then refused as [OtherCampaign] rather than [UnknownCode]. A
// code typed without its prefix is read as the campaign's.
type CodeFormat struct {
	Prefix string `json:"prefix,omitempty"`
	Length int    `json:"length,omitempty"` // 0: DefaultLength
}

func (f CodeFormat) length() int {
	if f.Length == 0 {
		return DefaultLength
	}
	return f.Length
}

// Validate checks the format.
func (f CodeFormat) Validate() error {
	var errs []error
	if n := f.length(); n < MinLength || n > MaxLength {
		errs = append(errs, fieldErr("length", "%d is outside %d..%d", f.Length, MinLength, MaxLength))
	}
	if len(f.Prefix) > MaxPrefix {
		errs = append(errs, fieldErr("prefix", "%q is longer than %d", clip(f.Prefix), MaxPrefix))
	}
	for i := 0; i < len(f.Prefix); i++ {
		if c := f.Prefix[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			errs = append(errs, fieldErr("prefix", "%q: only capital letters A–Z and digits (byte %d is %q)", clip(f.Prefix), i, c))
			break
		}
	}
	return errors.Join(errs...)
}

// space is the number of possible bodies, radix^length.
func (f CodeFormat) space() uint64 {
	s := uint64(1)
	for range f.length() {
		s *= uint64(radix)
	}
	return s
}

// MaxCodes is the most codes the format can issue while keeping a
// guessed code valid at most once in 1,000 tries.
func (f CodeFormat) MaxCodes() int {
	return int(min(f.space()/guessFactor, math.MaxInt32))
}

// Normalize is what a customer typed, as codes are compared: ASCII
// letters in capitals, spaces, tabs, dashes, underscores and dots
// removed. Anything else is kept as typed (and makes the code Malformed).
// Input longer than 64 bytes is returned unchanged.
func Normalize(s string) string {
	var buf [maxInput]byte
	n, ok := normalize(&buf, s)
	if !ok {
		return s
	}
	return string(buf[:n])
}

// normalize writes s normalised into buf; false if s is too long.
func normalize(buf *[maxInput]byte, s string) (int, bool) {
	if len(s) > maxInput {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '_' || c == '.' || c == '\t':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return n, true
}

// checkChar is the value of the check character of body (values in
// Alphabet): the c that makes Σ (i+1)·body[i] + (n+1)·c ≡ 0 (mod 31).
// With distinct non-zero weights modulo a prime, a single changed
// character or two swapped characters always change the sum.
func checkChar(body []byte) byte {
	s := 0
	for i, v := range body {
		s += (i + 1) * int(v)
	}
	return byte((radix - s%radix) % radix * inverse[len(body)+1] % radix)
}

// inverse[w] is w⁻¹ modulo 31 (w^29, by Fermat), for the weights 1..30.
var inverse = func() (t [radix]int) {
	for w := 1; w < radix; w++ {
		t[w] = 1
		for range radix - 2 {
			t[w] = t[w] * w % radix
		}
	}
	return t
}()

// parsed is a normalised code split into its parts.
type parsed struct {
	norm   [maxInput]byte
	n      int
	body   uint64 // the body's value (base 31), valid when reason is NoReason
	reason Reason
}

func (p *parsed) text() []byte { return p.norm[:p.n] }

// parse normalises s and checks it against f: shape, characters, check
// character, prefix. It does not allocate.
//
// Input of the campaign's length that starts with its prefix, or of the
// length without the prefix, is read as the campaign's code: [NoReason],
// [BadCheck], or [Malformed] for a character outside the alphabet. Longer
// input whose end is a well-formed body and check character after 1 to
// MaxPrefix capitals and digits is [OtherCampaign]; anything else is
// [Malformed].
func (f CodeFormat) parse(s string, p *parsed) {
	n, ok := normalize(&p.norm, s)
	p.n = n
	if !ok {
		p.reason = Malformed
		return
	}
	f.parseNormal(p)
}

// parseNormal is parse on p.norm[:p.n], normalised already.
func (f CodeFormat) parseNormal(p *parsed) {
	n := p.n
	l := f.length()
	pl := len(f.Prefix)
	var vals [MaxLength + 1]byte
	ours := n == l+1 || n == pl+l+1 && string(p.norm[:pl]) == f.Prefix
	if !ours && (n <= l+1 || n > MaxPrefix+l+1) {
		p.reason = Malformed
		return
	}
	for i, c := range p.norm[n-l-1 : n] {
		v := alphaIndex[c]
		if v == 0xFF {
			p.reason = Malformed
			return
		}
		vals[i] = v
	}
	good := checkChar(vals[:l]) == vals[l]
	switch {
	case ours && !good:
		p.reason = BadCheck
		return
	case !ours:
		p.reason = OtherCampaign
		for _, c := range p.norm[:n-l-1] {
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				p.reason = Malformed
			}
		}
		if !good {
			p.reason = Malformed
		}
		return
	}
	var v uint64
	for _, x := range vals[:l] {
		v = v*uint64(radix) + uint64(x)
	}
	p.body, p.reason = v, NoReason
}

// CheckFormat normalises s and says whether it is a well-formed code of
// format f: [NoReason], or [Malformed], [BadCheck] or [OtherCampaign]. It
// does not say whether the code was issued (see [Coupons.Check]).
func (f CodeFormat) CheckFormat(s string) (normalised string, r Reason) {
	var p parsed
	if f.parse(s, &p); len(s) > maxInput {
		return s, p.reason
	}
	return string(p.text()), p.reason
}

// appendCode appends the code of body value v: prefix, body, check.
func (f CodeFormat) appendCode(b []byte, v uint64) []byte {
	l := f.length()
	var vals [MaxLength]byte
	for i := l - 1; i >= 0; i-- {
		vals[i] = byte(v % uint64(radix))
		v /= uint64(radix)
	}
	b = append(b, f.Prefix...)
	for _, x := range vals[:l] {
		b = append(b, Alphabet[x])
	}
	return append(b, Alphabet[checkChar(vals[:l])])
}

// stream is the deterministic generator codes are drawn from: SHA-256 in
// counter mode, block i = SHA-256(key ‖ i), where the key is SHA-256 of a
// domain label, the format and the seed. The same seed and format always
// give the same stream, on every platform and Go version.
type stream struct {
	in  [sha256.Size + 8]byte // key ‖ counter
	ctr uint64
	buf [sha256.Size]byte
	pos int
}

func newStream(f CodeFormat, seed []byte) *stream {
	h := sha256.New()
	h.Write([]byte("loyalkit/campaign/codes/v1\x00"))
	h.Write(canon.AppendStr(nil, f.Prefix))
	h.Write(binary.AppendUvarint(nil, uint64(f.length())))
	h.Write(seed)
	s := &stream{pos: sha256.Size}
	h.Sum(s.in[:0])
	return s
}

// digit draws a uniform value in 0..30: a byte below 248 (8 × 31), mod 31.
func (s *stream) digit() byte {
	for {
		if s.pos == sha256.Size {
			binary.BigEndian.PutUint64(s.in[sha256.Size:], s.ctr)
			s.ctr++
			s.buf = sha256.Sum256(s.in[:])
			s.pos = 0
		}
		b := s.buf[s.pos]
		s.pos++
		if b < 248 {
			return b % byte(radix)
		}
	}
}

// body draws one body value.
func (s *stream) body(l int) uint64 {
	var v uint64
	for range l {
		v = v*uint64(radix) + uint64(s.digit())
	}
	return v
}

// MinSeed is the shortest seed, in bytes: a seed is a secret (anyone who
// has it can list the codes), so make it 16 bytes or more from
// crypto/rand and keep it with the host's secrets.
const MinSeed = 16

// generate draws n distinct body values from seed, skipping any in avoid
// (sorted) and any drawn before: the i-th value is the i-th draw that is
// neither. It returns them in that order and sorted.
//
// With a code space of at least 1,000 codes per code, a repeat is rare,
// so it first takes n draws and checks them sorted; only if one repeats
// or is to be avoided does it draw again, skipping with a set.
func (f CodeFormat) generate(seed []byte, n int, avoid []uint64) (vals, sorted []uint64) {
	s := newStream(f, seed)
	l := f.length()
	vals = make([]uint64, n)
	for i := range vals {
		vals[i] = s.body(l)
	}
	sorted = slices.Clone(vals)
	slices.Sort(sorted)
	if !repeats(sorted) && !meets(sorted, avoid) {
		return vals, sorted
	}
	s = newStream(f, seed)
	seen := make(map[uint64]struct{}, n+len(avoid))
	for _, v := range avoid {
		seen[v] = struct{}{}
	}
	vals = vals[:0]
	for len(vals) < n {
		v := s.body(l)
		if _, dup := seen[v]; dup {
			continue
		}
		seen[v] = struct{}{}
		vals = append(vals, v)
	}
	sorted = append(sorted[:0], vals...)
	slices.Sort(sorted)
	return vals, sorted
}

// repeats reports whether sorted has a value twice.
func repeats(sorted []uint64) bool {
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return true
		}
	}
	return false
}

// meets reports whether two sorted lists share a value.
func meets(a, b []uint64) bool {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

// GenerateCodes returns n codes of format f drawn from seed: distinct,
// none equal to a code in avoid (normalised; codes of another shape cannot
// collide and are ignored), reproducible — the same seed, format and avoid
// list give the same codes in the same order, and a longer run begins
// with a shorter one's codes. Different seeds give unrelated codes; two
// batches are certain to be disjoint only when the second avoids the
// first.
//
// Refused: a seed shorter than [MinSeed], n < 1, and n over
// f.MaxCodes() (the format is too short for a guessed code to stay
// unlikely).
func GenerateCodes(f CodeFormat, seed []byte, n int, avoid []string) ([]string, error) {
	if err := checkGenerate(f, seed, n); err != nil {
		return nil, err
	}
	vals, _ := f.generate(seed, n, f.avoidSet(avoid))
	return f.strings(vals), nil
}

func checkGenerate(f CodeFormat, seed []byte, n int) error {
	if err := f.Validate(); err != nil {
		return err
	}
	switch {
	case len(seed) < MinSeed:
		return fieldErr("seed", "is %d bytes; at least %d are needed (a secret from crypto/rand)", len(seed), MinSeed)
	case n < 1:
		return fieldErr("count", "%d must be positive", n)
	case n > f.MaxCodes():
		return fieldErr("count", "%d is more than a %d-character code can keep unguessable (at most %d: one guess in %d may succeed); use a longer length",
			n, f.length(), f.MaxCodes(), guessFactor)
	}
	return nil
}

// avoidSet is the body values of the codes in avoid that have f's shape
// (and prefix), sorted.
func (f CodeFormat) avoidSet(avoid []string) []uint64 {
	set := make([]uint64, 0, len(avoid))
	var p parsed
	for _, c := range avoid {
		if f.parse(c, &p); p.reason == NoReason {
			set = append(set, p.body)
		}
	}
	slices.Sort(set)
	return set
}

// strings writes the codes of vals, sharing one backing array.
func (f CodeFormat) strings(vals []uint64) []string {
	size := len(f.Prefix) + f.length() + 1
	buf := make([]byte, 0, size*len(vals))
	for _, v := range vals {
		buf = f.appendCode(buf, v)
	}
	all := string(buf)
	out := make([]string, len(vals))
	for i := range out {
		out[i] = all[i*size : (i+1)*size]
	}
	return out
}

// sortedSet is a batch's codes for lookups: the body values sorted, with
// each one's position in the batch.
type sortedSet struct {
	vals []uint64
	pos  []uint32
}

func newSortedSet(vals []uint64) sortedSet {
	idx := make([]uint32, len(vals))
	for i := range idx {
		idx[i] = uint32(i)
	}
	slices.SortFunc(idx, func(a, b uint32) int {
		switch {
		case vals[a] < vals[b]:
			return -1
		case vals[a] > vals[b]:
			return 1
		}
		return 0
	})
	s := sortedSet{vals: make([]uint64, len(vals)), pos: idx}
	for i, k := range idx {
		s.vals[i] = vals[k]
	}
	return s
}

// find is the position in the batch of body v (without positions: its
// place in the sorted values), or -1.
func (s sortedSet) find(v uint64) int {
	i, ok := slices.BinarySearch(s.vals, v)
	switch {
	case !ok:
		return -1
	case s.pos == nil:
		return i
	}
	return int(s.pos[i])
}
