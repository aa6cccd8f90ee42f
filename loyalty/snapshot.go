package loyalty

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/canon"
	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/shopspring/decimal"
)

// The snapshot format: the magic, a format version, the programme binding
// (compatKey), the account's scalars (header), its records as tables (see
// snaptable.go), and a CRC-32C of everything before it. The header's
// numbers are varints, strings and byte strings length-prefixed, times
// seconds and nanoseconds since 1970 (UTC), decimals a coefficient and an
// exponent.
const (
	snapshotMagic   = "LKSNAP"
	snapshotVersion = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Snapshot encodes the account so that a host can store it next to its
// entries and load it later with [Program.LoadSnapshot] instead of
// replaying every entry. Its size grows with what the account keeps (its
// lots, orders, holds, and one record per operation for retries), not with
// the number of entries. The format is versioned and checksummed, and
// bound to the programme the account was made under.
//
// An account's records are stored column by column, so that loading
// checks them in a few tight loops and decodes each block of records only
// when the account first reads it: loading costs little more than reading
// the bytes, and an operation on the loaded account decodes the few
// blocks it touches.
func (a Account) Snapshot() []byte {
	w := snapWriter{b: make([]byte, 0, 64+a.lots.Len()*64+a.orders.Len()*48+a.opList.Len()*64)}
	w.b = append(w.b, snapshotMagic...)
	w.uint(snapshotVersion)
	w.str(a.prog)
	w.str(a.customer)
	w.str(string(a.head[:]))
	w.uint(uint64(a.entries))
	w.str(a.lastOp)
	w.int(int64(a.places))
	w.uint(uint64(a.firstOpen))
	w.uint(uint64(a.firstHold))
	w.bool(a.lotsUnsorted)
	w.bool(a.unsorted)
	w.str(a.tier)
	w.time(a.tierSince)
	w.time(a.tierLapsed)
	w.int(a.debt)
	w.uint(uint64(a.orderN))
	w.time(a.first)
	w.time(a.last)
	for _, u := range [...]units{a.totals.earned, a.totals.redeemed, a.totals.expired, a.totals.reversed, a.totals.repaid, a.totals.debt, a.totals.writtenOff} {
		w.int(u)
	}
	w.uint(uint64(a.refundN))
	w.dec(a.spend.Value())
	w.bool(a.usesUnsorted)
	var tw tablesWriter
	tw.init(tLots, a.lots.Len())
	a.lots.Chunks(0, a.lots.Len(), func(ls []lot) {
		for i := range ls {
			ls[i].fields(tw.row(tLots))
		}
	})
	tw.init(tOrders, a.orders.Len())
	a.orders.Chunks(0, a.orders.Len(), func(os []order) {
		for i := range os {
			os[i].fields(tw.row(tOrders))
		}
	})
	a.holds.Chunks(0, a.holds.Len(), func(hs []hold) {
		for i := range hs {
			hs[i].fields(tw.row(tHolds))
		}
	})
	tw.init(tOps, a.opList.Len())
	a.opList.Chunks(0, a.opList.Len(), func(rs []opRecord) {
		for i := range rs {
			rs[i].fields(tw.row(tOps))
		}
	})
	for _, i := range a.refundedOrders.All {
		refundedFields(&i, tw.row(tRefunded))
	}
	byID := make([]int, a.opList.Len())
	for i := range byID {
		byID[i] = i
	}
	slices.SortFunc(byID, func(i, j int) int { return strings.Compare(a.opList.Ptr(i).id, a.opList.Ptr(j).id) })
	tw.init(tOpsByID, len(byID))
	for _, i := range byID {
		opsByIDFields(&i, tw.row(tOpsByID))
	}
	tw.init(tUses, a.uses.Len())
	a.uses.Chunks(0, a.uses.Len(), func(us []ruleUse) {
		for i := range us {
			us[i].fields(tw.row(tUses))
		}
	})
	for _, t := range a.ruleTotals() {
		t.fields(tw.row(tTotals))
	}
	w.b = tw.appendTo(w.b)
	return binary.LittleEndian.AppendUint32(w.b, crc32.Checksum(w.b, castagnoli))
}

// LoadSnapshot decodes a snapshot made by [Account.Snapshot]. A snapshot
// that is truncated, corrupted or of an unknown format version is
// [ErrSnapshot]; one made under a programme with another currency, points
// or money places or tiers is [ErrProgramMismatch]. Fold the entries
// written after the snapshot with [Program.Resume].
//
// Every value a later read relies on (each index, time, string and list)
// is checked here, so that a snapshot that loads never makes a later read
// or operation fail; the records themselves are decoded as they are read.
// The loaded account (and the accounts operations make from it) keeps a
// copy of b's bytes, not b.
func (p *Program) LoadSnapshot(b []byte) (Account, error) {
	if err := p.bind(&Account{}, "load"); err != nil {
		return Account{}, err
	}
	a, err := p.loadSnapshot(b)
	if err != nil {
		return Account{}, err
	}
	return a, nil
}

func (p *Program) loadSnapshot(b []byte) (Account, error) {
	var a Account
	if len(b) < len(snapshotMagic)+5 || string(b[:len(snapshotMagic)]) != snapshotMagic {
		return a, fmt.Errorf("%w: not a loyalty snapshot", ErrSnapshot)
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return a, fmt.Errorf("%w: checksum mismatch (corrupted or truncated)", ErrSnapshot)
	}
	r := snapReader{s: string(body), i: len(snapshotMagic)}
	if v := r.uint(); r.err == nil && v != snapshotVersion {
		return a, fmt.Errorf("%w: format version %d, this code reads %d", ErrSnapshot, v, snapshotVersion)
	}
	a.prog = r.str()
	if r.err == nil && a.prog != p.compat && a.prog != "" { // "": a new account, bound to none yet
		return a, fmt.Errorf("%w: the snapshot was made under programme %s, this is %s", ErrProgramMismatch, a.prog, p.compat)
	}
	a.customer = r.str()
	if head := r.str(); len(head) == hashLen {
		a.head = chainHash([]byte(head))
	} else {
		r.fail("a head of %d bytes", len(head))
	}
	a.entries = r.count(math.MaxInt32)
	a.lastOp = r.str()
	a.places = int32(r.int())
	if r.err == nil && a.places != p.cfg.PointsPlaces && a.prog != "" {
		r.fail("points places %d", a.places)
	}
	a.firstOpen = r.count(math.MaxInt32)
	a.firstHold = r.count(math.MaxInt32)
	a.lotsUnsorted = r.bool()
	a.unsorted = r.bool()
	a.tier = r.str()
	a.tierSince = r.time()
	a.tierLapsed = r.time()
	a.debt = r.int()
	a.orderN = r.count(math.MaxInt32)
	a.first = r.time()
	a.last = r.time()
	for _, u := range [...]*units{&a.totals.earned, &a.totals.redeemed, &a.totals.expired, &a.totals.reversed, &a.totals.repaid, &a.totals.debt, &a.totals.writtenOff} {
		*u = r.int()
	}
	a.refundN = r.count(math.MaxInt32)
	a.spend.Add(r.dec())
	a.usesUnsorted = r.bool()
	if r.err != nil {
		return Account{}, r.err
	}
	tb := &tables{s: r.s}
	end, err := tb.load(r.i)
	if err != nil {
		return Account{}, err
	}
	if end != len(r.s) {
		return Account{}, fmt.Errorf("%w: %d bytes after the end", ErrSnapshot, len(r.s)-end)
	}
	a.lots = lazyTable(tb, tLots, (*lot).fields)
	a.orders = lazyTable(tb, tOrders, (*order).fields)
	a.holds = lazyTable(tb, tHolds, (*hold).fields)
	a.opList = lazyTable(tb, tOps, (*opRecord).fields)
	a.refundedOrders = lazyTable(tb, tRefunded, func(i *int, f fields) { refundedFields(i, f) })
	totals := make([]totalRow, tb.tabs[tTotals].rows) // few: one per limited rule
	for i := range totals {
		tb.read(tTotals, i, totals[i].fields)
	}
	if rule, ok := repeated(totals); ok {
		return Account{}, fmt.Errorf("%w: rule %q's total repeats", ErrSnapshot, rule)
	}
	a.useTotals = useTotalList{rows: totals}
	keyOf := a.useTotals.keys()
	a.uses = lazyTable(tb, tUses, func(u *ruleUse, f fields) {
		u.fields(f)
		u.setAmount(u.amount)
		u.key = keyOf(u.rule)
	})
	if r.err != nil {
		return Account{}, r.err
	}
	if a.prog == "" && (a.entries != 0 || a.opList.Len() != 0) {
		return Account{}, fmt.Errorf("%w: an account with entries bound to no programme", ErrSnapshot)
	}
	if err := tb.checkAccount(&a); err != nil {
		return Account{}, err
	}
	a.loadedOps = &opsByID{tb: tb}
	if err := a.loadedOps.check(); err != nil {
		return Account{}, err
	}
	return a, nil
}

// lazyTable is table t as a vector whose blocks are decoded when read.
func lazyTable[T any](tb *tables, t tableID, fields func(*T, fields)) persist.Vector[T] {
	return persist.Lazy(tb.tabs[t].rows, func(first int, items []T) {
		r := &rowReader{tb: tb, t: t}
		if len(items) <= maxBlock {
			r.vals = make([][maxBlock + 1]int64, len(tb.tabs[t].lanes))
			tb.readBlock(t, first, len(items), r.vals)
		}
		for j := range items {
			r.row, r.j, r.k = first+j, j, 0
			fields(&items[j], r)
		}
	})
}

// checkAccount checks what the columns alone do not: the header's indexes
// into the tables, the last operation, and that no order has more lines
// returned than it has lines. With the tables' own checks, a snapshot that
// loads cannot make a later operation fail on a missing lot, order or
// hold.
func (tb *tables) checkAccount(a *Account) error {
	nl, nh, nr := tb.tabs[tLots].rows, tb.tabs[tHolds].rows, tb.tabs[tOps].rows
	switch {
	case a.firstOpen > nl || a.firstHold > nh:
		return fmt.Errorf("%w: the first open lot or hold is out of range", ErrSnapshot)
	case a.lastOp != "" && (nr == 0 || tb.str(tOps, opIDLane, nr-1) != a.lastOp):
		return fmt.Errorf("%w: the last operation is not the last record", ErrSnapshot)
	}
	returned, info, lines := tb.column(tOrders, cSpan, tReturned), tb.column(tOrders, cSpan, tInfos), tb.column(tInfos, cSpan, tLines)
	for i := range tb.tabs[tOrders].rows {
		_, nret := tb.span(tOrders, returned, i)
		if nret == 0 {
			continue
		}
		nlines := 0
		if k, n := tb.span(tOrders, info, i); n > 0 {
			_, nlines = tb.span(tInfos, lines, k)
		}
		if nret > nlines {
			return fmt.Errorf("%w: the orders table, row %d: %d lines returned of %d", ErrSnapshot, i, nret, nlines)
		}
	}
	return nil
}

type snapWriter struct{ b []byte }

func (w *snapWriter) uint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *snapWriter) int(v int64)   { w.b = binary.AppendVarint(w.b, v) }
func (w *snapWriter) str(s string)  { w.b = canon.AppendStr(w.b, s) }
func (w *snapWriter) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

// time writes 0 for the zero time, else 1, seconds and nanoseconds.
func (w *snapWriter) time(t time.Time) { w.b = canon.AppendTime(w.b, t) }

// dec writes the exponent, then 0 and the int64 coefficient, or 1 and the
// coefficient's sign and big-endian bytes.
func (w *snapWriter) dec(d decimal.Decimal) {
	w.int(int64(d.Exponent()))
	if d.NumDigits() <= 18 {
		w.b = append(w.b, 0)
		w.int(d.CoefficientInt64())
		return
	}
	c := d.Coefficient()
	w.b = append(w.b, 1)
	w.bool(c.Sign() < 0)
	w.str(string(c.Bytes()))
}

// snapReader reads what snapWriter wrote from s (strings are slices of
// it: one allocation for them all). The first problem is kept in err and
// every later read returns zero values.
type snapReader struct {
	s   string
	i   int
	err error
}

func (r *snapReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: at byte %d: %s", ErrSnapshot, r.i, fmt.Sprintf(format, args...))
	}
	r.s = r.s[:r.i] // nothing more to read: every later read is a zero value
}

func (r *snapReader) left() int { return len(r.s) - r.i }

func (r *snapReader) uint() uint64 {
	if r.i < len(r.s) && r.s[r.i] < 0x80 { // one byte: most numbers
		r.i++
		return uint64(r.s[r.i-1])
	}
	if r.err != nil {
		return 0
	}
	v, n := uvarint(r.s[r.i:])
	if n <= 0 {
		r.fail("bad number")
		return 0
	}
	r.i += n
	return v
}

func (r *snapReader) int() int64 {
	u := r.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// count reads a length or index of at most limit.
func (r *snapReader) count(limit int) int {
	v := r.uint()
	if v > uint64(limit) {
		r.fail("%d is more than %d", v, limit)
		return 0
	}
	return int(v)
}

func (r *snapReader) bool() bool {
	switch r.uint() {
	case 0:
		return false
	case 1:
		return true
	}
	r.fail("bad bool")
	return false
}

func (r *snapReader) str() string {
	n := r.count(math.MaxInt32)
	if n > r.left() {
		r.fail("a string of %d bytes, %d left", n, r.left())
	}
	if r.err != nil {
		return ""
	}
	s := r.s[r.i : r.i+n]
	r.i += n
	return s
}

func (r *snapReader) time() time.Time {
	if !r.bool() {
		return time.Time{}
	}
	sec, nsec := r.int(), r.uint()
	if nsec >= 1e9 || sec < minSnapTime || sec > maxSnapTime {
		r.fail("bad time")
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

// The instants a snapshot may hold: years 1 to 9999.
var (
	minSnapTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxSnapTime = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
)

func (r *snapReader) dec() decimal.Decimal {
	exp := r.int()
	if exp < -maxSnapExp || exp > maxSnapExp {
		r.fail("bad exponent")
		return decimal.Zero
	}
	if r.bool() {
		neg := r.bool()
		c := new(big.Int).SetBytes([]byte(r.str()))
		if neg {
			c.Neg(c)
		}
		return decimal.NewFromBigInt(c, int32(exp))
	}
	c := r.int()
	if c == 0 {
		return decimal.Decimal{}
	}
	return decimal.New(c, int32(exp))
}

// maxSnapExp bounds the exponents of a snapshot's decimals. The numbers
// the operations take have at most 60 digits either side of the point
// (decbound), and what the ledger computes from them (sums, shares,
// points times their value) stays far within this; an exponent of 2³¹ − 1,
// a few bytes, would make the first sum built from it two billion digits
// long.
const maxSnapExp = 1000

// uvarint is binary.Uvarint on a string.
func uvarint(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if b < 0x80 {
			if i == binary.MaxVarintLen64-1 && b > 1 {
				return 0, -1
			}
			return x | uint64(b)<<shift, i + 1
		}
		x |= uint64(b&0x7f) << shift
		shift += 7
	}
	return 0, 0
}

// varint is binary.Varint on a string.
func varint(s string) (int64, int) {
	u, n := uvarint(s)
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v, n
}
