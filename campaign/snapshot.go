package campaign

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/internal/canon"
	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/shopspring/decimal"
)

// Snapshots. A state's snapshot is a compact binary value the host stores
// next to the state's version, so that loading does not replay every
// entry: load it, then Resume the entries written after it. Its layout:
//
//	"LKCS" | format version (1) | kind ('B' budget, 'C' coupons,
//	'R' referrals) | the configuration's compatibility key | ledger |
//	entries | head | records… | SHA-256 (first 8 bytes) of all before
//
// A snapshot is bound to its configuration's compatibility key (a budget's
// id, unit, currency, places, period and zone; a campaign's id and code
// format): loading it under another is [ErrMismatch]. Anything else that
// does not read back — truncated, changed, of an unknown version — is
// [ErrSnapshot]. Counters derived from the records (per-period grants,
// uses per code and per customer, advocates' rewards) are rebuilt, not
// stored.

const (
	snapMagic   = "LKCS"
	snapVersion = 1
	snapSum     = 8
)

type snapWriter struct{ b []byte }

func (w *snapWriter) str(s string)          { w.b = canon.AppendStr(w.b, s) }
func (w *snapWriter) num(n int64)           { w.b = binary.AppendVarint(w.b, n) }
func (w *snapWriter) time(t time.Time)      { w.b = canon.AppendTime(w.b, t) }
func (w *snapWriter) dec(d decimal.Decimal) { w.str(d.String()) }
func (w *snapWriter) flag(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

func newSnapWriter(kind byte, compat string, c *chain) *snapWriter {
	w := &snapWriter{b: make([]byte, 0, 256)}
	w.b = append(append(w.b, snapMagic...), snapVersion, kind)
	w.str(compat)
	w.str(c.ledger)
	w.num(int64(c.entries))
	w.b = append(w.b, c.head[:]...)
	return w
}

func (w *snapWriter) done() []byte {
	sum := sha256.Sum256(w.b)
	return append(w.b, sum[:snapSum]...)
}

// snapReader reads what snapWriter wrote; the first problem sticks.
type snapReader struct {
	b   []byte
	err error
}

var errShort = errors.New("truncated")

func (r *snapReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *snapReader) num() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length, at most what the rest could hold (each item takes
// at least one byte), so that a forged length cannot make a huge
// allocation.
func (r *snapReader) count() int {
	v := r.num()
	if v < 0 || v > int64(len(r.b)) {
		r.fail(fmt.Errorf("count %d out of range", v))
		return 0
	}
	return int(v)
}

func (r *snapReader) str() string {
	v, k := binary.Uvarint(r.b)
	if k <= 0 || v > uint64(len(r.b)-k) {
		r.fail(errShort)
		return ""
	}
	r.b = r.b[k:]
	n := int(v)
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *snapReader) byte() byte {
	if len(r.b) == 0 {
		r.fail(errShort)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *snapReader) flag() bool {
	switch r.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	r.fail(errors.New("bad flag"))
	return false
}

func (r *snapReader) time() time.Time {
	switch r.byte() {
	case 0:
		return time.Time{}
	case 1:
		sec := r.num()
		ns, n := binary.Uvarint(r.b)
		if n <= 0 || ns >= 1e9 {
			r.fail(errors.New("bad instant"))
			return time.Time{}
		}
		r.b = r.b[n:]
		return time.Unix(sec, int64(ns)).UTC()
	}
	r.fail(errors.New("bad instant"))
	return time.Time{}
}

func (r *snapReader) dec() decimal.Decimal {
	s := r.str()
	if r.err != nil {
		return decimal.Zero
	}
	if len(s) > 40 {
		r.fail(errors.New("decimal too long"))
		return decimal.Zero
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		r.fail(err)
	}
	return d
}

// openSnapshot checks a snapshot's frame, kind, key and checksum, and
// returns a reader of its records and its chain.
func openSnapshot(data []byte, kind byte, compat, ledger string) (*snapReader, chain, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrSnapshot, fmt.Sprintf(format, args...))
	}
	if len(data) < len(snapMagic)+2+snapSum || string(data[:len(snapMagic)]) != snapMagic {
		return nil, chain{}, bad("not a campaign snapshot")
	}
	body, sum := data[:len(data)-snapSum], data[len(data)-snapSum:]
	if h := sha256.Sum256(body); string(h[:snapSum]) != string(sum) {
		return nil, chain{}, bad("checksum mismatch: changed or truncated")
	}
	if v := body[len(snapMagic)]; v != snapVersion {
		return nil, chain{}, bad("format version %d, this code reads %d", v, snapVersion)
	}
	if k := body[len(snapMagic)+1]; k != kind {
		return nil, chain{}, bad("a snapshot of kind %q, not %q", k, kind)
	}
	r := &snapReader{b: body[len(snapMagic)+2:]}
	key, led := r.str(), r.str()
	c := chain{ledger: led, entries: r.count()}
	if len(r.b) < hashLen {
		r.fail(errShort)
	} else {
		copy(c.head[:], r.b[:hashLen])
		r.b = r.b[hashLen:]
	}
	if r.err != nil {
		return nil, chain{}, bad("%v", r.err)
	}
	if key != compat || led != ledger {
		return nil, chain{}, fmt.Errorf("%w: the snapshot is of %s under another configuration", ErrMismatch, led)
	}
	return r, c, nil
}

func (r *snapReader) finish() error {
	if r.err == nil && len(r.b) != 0 {
		r.fail(fmt.Errorf("%d bytes left over", len(r.b)))
	}
	if r.err != nil {
		return fmt.Errorf("%w: %v", ErrSnapshot, r.err)
	}
	return nil
}

// Snapshot writes the budget's state.
func (b Budget) Snapshot() []byte {
	compat := ""
	if b.def != nil {
		compat = b.def.compat
	}
	w := newSnapWriter('B', compat, &b.chain)
	w.num(int64(b.list.Len()))
	for _, r := range b.list.All {
		w.str(r.id)
		w.str(r.fp)
		w.str(r.customer)
		w.str(r.order)
		w.num(r.asked)
		w.num(r.granted)
		w.num(r.released)
		w.time(r.period)
		w.time(r.at)
		w.b = append(w.b, byte(r.reason))
	}
	w.num(int64(len(b.relIDs())))
	for _, id := range b.relIDs() {
		rec, _ := b.rels.Get(id)
		w.str(id)
		w.str(rec.fp)
		w.num(int64(rec.res))
		w.num(rec.amount)
	}
	return w.done()
}

// LoadBudget reads a snapshot made by [Budget.Snapshot] under cfg (or a
// compatible configuration).
func LoadBudget(cfg BudgetConfig, data []byte) (Budget, error) {
	b, err := NewBudget(cfg)
	if err != nil {
		return Budget{}, err
	}
	r, c, err := openSnapshot(data, 'B', b.def.compat, b.def.ledger)
	if err != nil {
		return Budget{}, err
	}
	b.chain = c
	o := new(persist.Owner)
	n := r.count()
	for i := 0; i < n && r.err == nil; i++ {
		rec := resRec{id: r.str(), fp: r.str(), customer: r.str(), order: r.str(), asked: r.num(), granted: r.num(), released: r.num(),
			period: r.time(), at: r.time(), reason: Reason(r.byte())}
		switch {
		case rec.asked <= 0 || rec.asked > maxUnits || rec.granted < 0 || rec.granted > rec.asked || rec.released < 0 ||
			rec.released > rec.granted || rec.reason > OutsideWindows || (rec.granted < rec.asked) != (rec.reason != NoReason):
			r.fail(fmt.Errorf("reservation %q out of range", rec.id))
		case !b.res.Insert(rec.id, b.list.Len(), o):
			r.fail(fmt.Errorf("reservation %q twice", rec.id))
		}
		b.list.Push(rec, o)
		b.granted += rec.granted - rec.released
		b.addPeriod(rec.period, rec.granted-rec.released, o)
	}
	n = r.count()
	for i := 0; i < n && r.err == nil; i++ {
		id, rec := r.str(), relRec{fp: r.str(), res: int(r.num()), amount: r.num()}
		if rec.res < 0 || rec.res >= b.list.Len() || rec.amount < 0 {
			r.fail(fmt.Errorf("release %q out of range", id))
			break
		}
		if _, dup := b.rels.Get(id); dup {
			r.fail(fmt.Errorf("release %q twice", id))
		}
		b.rels.Set(id, rec, o)
		b.relList.Push(id, o)
	}
	if b.granted > maxUnits {
		r.fail(errors.New("grants exceed 2^53 units"))
	}
	if err := r.finish(); err != nil {
		return Budget{}, err
	}
	return b, nil
}

// relIDs lists the release ids in ledger order.
func (b *Budget) relIDs() []string {
	out := make([]string, 0, b.relList.Len())
	for _, id := range b.relList.All {
		out = append(out, id)
	}
	return out
}

// opSet is the operation ids (and payload fingerprints) of a book's
// cancellations and refunds, in ledger order.
type opSet struct {
	m    persist.Map[string]
	list persist.Vector[string]
}

func (s *opSet) Get(op string) (string, bool) { return s.m.Get(op) }

func (s *opSet) Insert(op, fp string, o *persist.Owner) bool {
	if !s.m.Insert(op, fp, o) {
		return false
	}
	s.list.Push(op, o)
	return true
}

func (s *opSet) write(w *snapWriter) {
	w.num(int64(s.list.Len()))
	for _, op := range s.list.All {
		fp, _ := s.m.Get(op)
		w.str(op)
		w.str(fp)
	}
}

func (s *opSet) read(r *snapReader, o *persist.Owner) {
	n := r.count()
	for i := 0; i < n && r.err == nil; i++ {
		if op, fp := r.str(), r.str(); !s.Insert(op, fp, o) {
			r.fail(fmt.Errorf("operation %q twice", op))
		}
	}
}

// Snapshot writes the book's state.
func (b CouponBook) Snapshot() []byte {
	compat := ""
	if b.c != nil {
		compat = b.c.compat
	}
	w := newSnapWriter('C', compat, &b.chain)
	w.num(int64(b.list.Len()))
	for _, u := range b.list.All {
		w.str(u.order)
		w.str(u.code)
		w.str(u.customer)
		w.str(u.fp)
		w.dec(u.total)
		w.dec(u.refunded)
		w.time(u.at)
		w.flag(u.undone)
	}
	b.ops.write(w)
	return w.done()
}

// Load reads a snapshot made by [CouponBook.Snapshot] under this campaign
// (or one with the same id and code format: batches may have been added).
func (c *Coupons) Load(data []byte) (CouponBook, error) {
	b := c.Book()
	r, ch, err := openSnapshot(data, 'C', c.compat, c.ledger)
	if err != nil {
		return CouponBook{}, err
	}
	b.chain = ch
	o := new(persist.Owner)
	n := r.count()
	for i := 0; i < n && r.err == nil; i++ {
		u := useRec{order: r.str(), code: r.str(), customer: r.str(), fp: r.str(), total: r.dec(), refunded: r.dec(), at: r.time(), undone: r.flag()}
		switch {
		case u.order == "" || u.code == "" || u.customer == "" || u.total.IsNegative() || u.refunded.IsNegative() || u.refunded.GreaterThan(u.total):
			r.fail(fmt.Errorf("use of order %q out of range", u.order))
		case !b.orders.Insert(u.order, b.list.Len(), o):
			r.fail(fmt.Errorf("order %q twice", u.order))
		}
		b.list.Push(u, o)
		if !u.undone {
			b.count(u.code, u.customer, 1, o)
		}
	}
	b.ops.read(r, o)
	if err := r.finish(); err != nil {
		return CouponBook{}, err
	}
	return b, nil
}

// Snapshot writes the book's state.
func (b ReferralBook) Snapshot() []byte {
	compat := ""
	if b.r != nil {
		compat = b.r.compat()
	}
	w := newSnapWriter('R', compat, &b.chain)
	w.num(int64(b.advList.Len()))
	for _, a := range b.advList.All {
		w.str(a.id)
		w.str(a.code)
		w.str(a.key)
		w.str(a.fp)
		w.time(a.at)
	}
	w.num(int64(b.friendLst.Len()))
	for _, f := range b.friendLst.All {
		for _, s := range [...]string{f.id, f.key, f.advocate, f.code, f.fp, f.order, f.qfp} {
			w.str(s)
		}
		w.time(f.at)
		w.dec(f.total)
		w.dec(f.refunded)
		w.time(f.period)
		w.flag(f.clawed)
		for _, s := range f.rewards {
			w.str(s.entry)
			w.dec(s.points)
			w.str(s.gift)
			w.b = append(w.b, byte(s.reason))
			w.flag(s.granted)
			w.flag(s.clawed)
		}
	}
	b.ops.write(w)
	return w.done()
}

// compat is what a referral book's entries depend on: the campaign and
// its code format.
func (r *Referrals) compat() string {
	return newFingerprint('r').str(r.cfg.Campaign).str(r.cfg.Format.Prefix).num(int64(r.cfg.Format.length())).sum()
}

// Load reads a snapshot made by [ReferralBook.Snapshot] under this
// programme (or one with the same campaign id and code format).
func (r *Referrals) Load(data []byte) (ReferralBook, error) {
	b := r.Book()
	rd, ch, err := openSnapshot(data, 'R', r.compat(), r.ledger)
	if err != nil {
		return ReferralBook{}, err
	}
	b.chain = ch
	o := new(persist.Owner)
	n := rd.count()
	for i := 0; i < n && rd.err == nil; i++ {
		a := advRec{id: rd.str(), code: rd.str(), key: rd.str(), fp: rd.str(), at: rd.time()}
		if !b.codes.Insert(a.code, a.id, o) || !b.advocates.Insert(a.id, b.advList.Len(), o) {
			rd.fail(fmt.Errorf("advocate %q or code %q twice", a.id, a.code))
		}
		b.advList.Push(a, o)
	}
	n = rd.count()
	for i := 0; i < n && rd.err == nil; i++ {
		f := friendRec{id: rd.str(), key: rd.str(), advocate: rd.str(), code: rd.str(), fp: rd.str(), order: rd.str(), qfp: rd.str(),
			at: rd.time(), total: rd.dec(), refunded: rd.dec(), period: rd.time(), clawed: rd.flag()}
		for k := range f.rewards {
			f.rewards[k] = sideRec{entry: rd.str(), points: rd.dec(), gift: rd.str(), reason: Reason(rd.byte()), granted: rd.flag(), clawed: rd.flag()}
		}
		fi := b.friendLst.Len()
		adv, ok := b.codes.Get(f.code)
		switch {
		case !ok || adv != f.advocate || f.id == f.advocate:
			rd.fail(fmt.Errorf("friend %q of unknown or own code %q", f.id, f.code))
		case !b.friends.Insert(f.id, fi, o) || f.key != "" && !b.keys.Insert(f.key, f.id, o):
			rd.fail(fmt.Errorf("friend %q twice", f.id))
		case f.order != "" && !b.orders.Insert(f.order, fi, o):
			rd.fail(fmt.Errorf("order %q twice", f.order))
		case f.total.IsNegative() || f.refunded.IsNegative() || f.refunded.GreaterThan(f.total):
			rd.fail(fmt.Errorf("friend %q's order out of range", f.id))
		}
		if s := f.rewards[1]; s.granted && !s.clawed && rd.err == nil {
			ai, _ := b.advocates.Get(f.advocate)
			b.advList.Mut(ai, o).rewards++
			k := f.advocate + "\x00" + periodKey(f.period)
			c, _ := b.inPeriod.Get(k)
			b.inPeriod.Set(k, c+1, o)
		}
		b.friendLst.Push(f, o)
	}
	b.ops.read(rd, o)
	if err := rd.finish(); err != nil {
		return ReferralBook{}, err
	}
	return b, nil
}
