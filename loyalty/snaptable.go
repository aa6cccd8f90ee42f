package loyalty

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/shopspring/decimal"
)

// The account's records are stored in a snapshot as tables, one per kind
// of record, column by column. Each column is one or more lanes of
// integers (a string is its offset and length in the table's blob, a
// decimal its exponent, kind, and coefficient or blob offset and length, a
// time its seconds and nanoseconds), and each lane is stored as its
// smallest value and every value's difference from it, in the fewest
// bytes (0, 1, 2, 4 or 8) that hold the largest difference. Loading checks
// every lane that decoding relies on (each index below its table's length,
// each time in range, each string inside the blob), most often from the
// lane's smallest value and width alone, and decodes nothing else: a row
// is decoded when the account first reads its block (persist.Lazy), and
// its decoding cannot fail.
//
// What a record stores is written once, as its fields method, which both
// the writer and the reader (and the schema below) visit.

type tableID uint8

const (
	tLots tableID = iota
	tOrders
	tInfos // an order's orderInfo: a list of 0 or 1
	tLines
	tReturned // an order's units returned per line
	tHolds
	tOps
	tGifts
	tTaken
	tRefunded
	numTables
)

var tableNames = [numTables]string{"lots", "orders", "order infos", "order lines", "returned units",
	"holds", "operations", "gifts", "taken points", "refunded orders"}

// colKind is what a column stores, and so its lanes.
type colKind uint8

const (
	cInt  colKind = iota // an int64
	cIdx                 // an index below or at a limit (limit)
	cSpan                // the start and count of rows of another table
	cTime                // seconds since 1970 and nanoseconds (the zero time is year 1)
	cDec                 // exponent, kind (decInt64, decPos, decNeg), and coefficient or blob offset, and blob length
	cStr                 // blob offset and length
	cBool                // 0 or 1
)

var colLanes = [...]int{cInt: 1, cIdx: 1, cSpan: 2, cTime: 2, cDec: 4, cStr: 2, cBool: 1}

// A decimal's kind.
const (
	decInt64 = iota // the coefficient fits an int64
	decPos          // a positive coefficient's big-endian bytes are in the blob
	decNeg          // a negative one's
)

// limit bounds an index (cIdx) or a span (cSpan). An index below the rows
// of table (or at most them, when oneBased: 0 is none), or at most max
// when table is numTables. A span's rows are table's, at most max of them.
type limit struct {
	table    tableID
	oneBased bool
	max      uint32
}

// count is the limit of a count that indexes nothing.
var count = limit{table: numTables, max: math.MaxInt32}

// fields is what a record's fields method visits its fields with: the
// writer, the reader and the schema.
type fields interface {
	int(p *int64)
	idx(p *int, l limit)
	time(p *time.Time)
	dec(p *decimal.Decimal)
	sum(p *decsum.Sum)
	str(p *string)
	bool(p *bool)
	// span is an index range into table t (rows start..start+n-1).
	span(start, n *int, t tableID)
	// list is a list of rows of table t, at most max of them: n is the
	// writer's length; the reader calls alloc with the stored length,
	// then each visits row i of the list.
	list(t tableID, max uint32, n int, alloc func(n int), each func(i int, f fields))
}

func intField(f fields, p *int) {
	v := int64(*p)
	f.int(&v)
	*p = int(v)
}

func enumField[T ~uint8](f fields, p *T, last T) {
	v := int(*p)
	f.idx(&v, limit{table: numTables, max: uint32(last)})
	*p = T(v)
}

func (l *lot) fields(f fields) {
	f.str(&l.id)
	f.str(&l.order)
	f.str(&l.rule)
	f.int(&l.earned)
	f.int(&l.remaining)
	f.time(&l.earnedAt)
	f.time(&l.availableAt)
	f.time(&l.expiresAt)
}

func (o *order) fields(f fields) {
	f.str(&o.id)
	f.time(&o.at)
	f.dec(&o.paid)
	f.sum(&o.cum)
	f.dec(&o.refunded)
	f.dec(&o.returnedGoods)
	f.bool(&o.inRefunded)
	f.int(&o.earned)
	f.int(&o.reversed)
	f.int(&o.pointsBack)
	f.str(&o.tierBefore)
	f.str(&o.promotedTo)
	f.list(tReturned, math.MaxInt32, len(o.returned), func(n int) { o.returned = make([]int, n) },
		func(i int, f fields) { intField(f, &o.returned[i]) })
	n := 0
	if o.info != nil {
		n = 1
	}
	f.list(tInfos, 1, n, func(int) { o.info = new(orderInfo) }, func(_ int, f fields) { o.info.fields(f) })
}

func (in *orderInfo) fields(f fields) {
	f.dec(&in.goods)
	f.dec(&in.discount)
	f.dec(&in.pointsPaid)
	f.idx(&in.paidWith, limit{table: tOps, oneBased: true})
	f.int(&in.paidPoints)
	f.list(tLines, math.MaxInt32, len(in.lines), func(n int) { in.lines = make([]Line, n) }, func(i int, f fields) {
		l := &in.lines[i]
		f.str(&l.SKU)
		f.str(&l.Category)
		intField(f, &l.Qty)
		f.dec(&l.Price)
	})
}

func (h *hold) fields(f fields) {
	f.str(&h.op)
	f.str(&h.order)
	f.int(&h.points)
	f.dec(&h.money)
	f.time(&h.until)
	enumField(f, &h.state, holdReleased)
}

func (r *opRecord) fields(f fields) {
	f.str(&r.id)
	enumField(f, &r.kind, OpRelease)
	f.str(&r.fingerprint)
	f.idx(&r.n, count)
	f.span(&r.lot0, &r.lots, tLots)
	f.idx(&r.order, limit{table: tOrders, oneBased: true})
	f.idx(&r.hold, limit{table: tHolds, oneBased: true})
	f.int(&r.points)
	f.dec(&r.discount)
	f.dec(&r.money)
	f.int(&r.pointsBack)
	f.list(tGifts, math.MaxInt32, len(r.gifts), func(n int) { r.gifts = make([]string, n) },
		func(i int, f fields) { f.str(&r.gifts[i]) })
	f.str(&r.tier)
	f.bool(&r.tierChanged)
	f.bool(&r.first)
	f.list(tTaken, math.MaxInt32, len(r.taken), func(n int) { r.taken = make(takenList, n) }, func(i int, f fields) {
		t := &r.taken[i]
		f.idx(&t.lot, limit{table: tLots})
		f.int(&t.pts)
		f.int(&t.back)
	})
}

func refundedFields(i *int, f fields) { f.idx(i, limit{table: tOrders}) }

// column is one column of a table's schema.
type column struct {
	kind colKind
	lim  limit
}

// schema is every table's columns, in the order the fields methods visit
// them. It is computed once and never changes.
var schema = func() (s [numTables][]column) {
	var seen [numTables]bool
	visit := func(t tableID, fn func(fields)) {
		seen[t] = true
		fn(&schemaFields{t: t, s: &s, seen: &seen})
	}
	visit(tLots, func(f fields) { new(lot).fields(f) })
	visit(tOrders, func(f fields) { new(order).fields(f) })
	visit(tHolds, func(f fields) { new(hold).fields(f) })
	visit(tOps, func(f fields) { new(opRecord).fields(f) })
	visit(tRefunded, func(f fields) { refundedFields(new(int), f) })
	return s
}()

// schemaFields records the columns a fields method visits.
type schemaFields struct {
	t    tableID
	s    *[numTables][]column
	seen *[numTables]bool
}

func (f *schemaFields) add(k colKind, l limit) { f.s[f.t] = append(f.s[f.t], column{k, l}) }
func (f *schemaFields) int(*int64)             { f.add(cInt, limit{}) }
func (f *schemaFields) idx(_ *int, l limit)    { f.add(cIdx, l) }
func (f *schemaFields) time(*time.Time)        { f.add(cTime, limit{}) }
func (f *schemaFields) dec(*decimal.Decimal)   { f.add(cDec, limit{}) }
func (f *schemaFields) sum(*decsum.Sum)        { f.add(cDec, limit{}) }
func (f *schemaFields) str(*string)            { f.add(cStr, limit{}) }
func (f *schemaFields) bool(*bool)             { f.add(cBool, limit{}) }
func (f *schemaFields) span(_, _ *int, t tableID) {
	f.add(cSpan, limit{table: t, max: math.MaxInt32})
}

func (f *schemaFields) list(t tableID, max uint32, _ int, alloc func(int), each func(int, fields)) {
	f.add(cSpan, limit{table: t, max: max})
	if !f.seen[t] {
		f.seen[t] = true
		alloc(1)
		each(0, &schemaFields{t: t, s: f.s, seen: f.seen})
	}
}

// tableWriter collects a table's rows while the account is written: one
// slice of values per lane.
type tableWriter struct {
	rows  int
	lanes [][]int64
	blob  []byte
}

type tablesWriter [numTables]tableWriter

// row appends a row to table t, written by fn.
func (w *tablesWriter) row(t tableID, fn func(fields)) {
	w.init(t)
	fn(&rowWriter{w: w, t: t})
	w[t].rows++
}

// init makes table t's lanes.
func (w *tablesWriter) init(t tableID) {
	if w[t].lanes == nil {
		n := 0
		for _, c := range schema[t] {
			n += colLanes[c.kind]
		}
		w[t].lanes = make([][]int64, n)
	}
}

// appendTo appends every table: its rows, its blob's length and the
// blob, then each lane's smallest value, width and values.
func (w *tablesWriter) appendTo(b []byte) []byte {
	for t := range w {
		w.init(tableID(t))
		tw := &w[t]
		b = binary.AppendUvarint(b, uint64(tw.rows))
		b = binary.AppendUvarint(b, uint64(len(tw.blob)))
		b = append(b, tw.blob...)
		for _, vs := range tw.lanes {
			lo, hi := int64(0), int64(0)
			if len(vs) > 0 {
				lo, hi = vs[0], vs[0]
			}
			for _, v := range vs {
				lo, hi = min(lo, v), max(hi, v)
			}
			w := laneWidth(uint64(hi) - uint64(lo))
			b = append(binary.AppendVarint(b, lo), byte(w))
			for _, v := range vs {
				d := uint64(v) - uint64(lo)
				switch w {
				case 1:
					b = append(b, byte(d))
				case 2:
					b = binary.LittleEndian.AppendUint16(b, uint16(d))
				case 4:
					b = binary.LittleEndian.AppendUint32(b, uint32(d))
				case 8:
					b = binary.LittleEndian.AppendUint64(b, d)
				}
			}
		}
	}
	return b
}

// laneWidth is the fewest bytes of 0, 1, 2, 4 and 8 that hold d.
func laneWidth(d uint64) int {
	switch {
	case d == 0:
		return 0
	case d <= math.MaxUint8:
		return 1
	case d <= math.MaxUint16:
		return 2
	case d <= math.MaxUint32:
		return 4
	}
	return 8
}

type rowWriter struct {
	w *tablesWriter
	t tableID
	k int // the next lane
}

func (r *rowWriter) put(vs ...int64) {
	tw := &r.w[r.t]
	for _, v := range vs {
		tw.lanes[r.k] = append(tw.lanes[r.k], v)
		r.k++
	}
}

func (r *rowWriter) int(p *int64)                  { r.put(*p) }
func (r *rowWriter) idx(p *int, _ limit)           { r.put(int64(*p)) }
func (r *rowWriter) span(start, n *int, _ tableID) { r.put(int64(*start), int64(*n)) }
func (r *rowWriter) time(p *time.Time)             { r.put(p.Unix(), int64(p.Nanosecond())) }

func (r *rowWriter) dec(p *decimal.Decimal) {
	if p.NumDigits() <= 18 {
		r.put(int64(p.Exponent()), decInt64, p.CoefficientInt64(), 0)
		return
	}
	c := p.Coefficient()
	kind := int64(decPos)
	if c.Sign() < 0 {
		kind = decNeg
	}
	off, n := r.blob(c.Bytes())
	r.put(int64(p.Exponent()), kind, off, n)
}

func (r *rowWriter) sum(p *decsum.Sum) {
	v := p.Value()
	r.dec(&v)
}

func (r *rowWriter) str(p *string) {
	tw := &r.w[r.t]
	off := int64(len(tw.blob))
	tw.blob = append(tw.blob, *p...)
	r.put(off, int64(len(*p)))
}

// blob appends s to the table's blob and returns its offset and length.
func (r *rowWriter) blob(s []byte) (int64, int64) {
	tw := &r.w[r.t]
	off := int64(len(tw.blob))
	tw.blob = append(tw.blob, s...)
	return off, int64(len(s))
}

func (r *rowWriter) bool(p *bool) {
	if *p {
		r.put(1)
	} else {
		r.put(0)
	}
}

func (r *rowWriter) list(t tableID, _ uint32, n int, _ func(int), each func(int, fields)) {
	start := r.w[t].rows
	r.span(&start, &n, t)
	for i := range n {
		r.w.row(t, func(f fields) { each(i, f) })
	}
}

// tables is a loaded snapshot's tables: where each one's blob and lanes
// are in s, checked by load.
type tables struct {
	s    string
	tabs [numTables]tableAt
}

type tableAt struct {
	rows       int
	blob, blen int // the blob's offset in s and its length
	lanes      []lane
	first      []int // each column's first lane
}

// lane is where a lane's values are in s, their width and the value they
// are differences from.
type lane struct {
	at, w int
	base  int64
}

// get is the lane's value for row i.
func (l *lane) get(s string, i int) int64 {
	o := l.at + i*l.w
	var d uint64
	switch l.w {
	case 1:
		d = uint64(s[o])
	case 2:
		d = uint64(s[o]) | uint64(s[o+1])<<8
	case 4:
		d = uint64(le32(s, o))
	case 8:
		d = uint64(le32(s, o)) | uint64(le32(s, o+4))<<32
	}
	return int64(uint64(l.base) + d)
}

// bounds is the least and the most a lane's values can be from its base
// and width alone, or ok false when they do not fit an int64.
func (l *lane) bounds() (lo, hi int64, ok bool) {
	if l.w == 8 {
		return 0, 0, false
	}
	hi = l.base + int64(uint64(1)<<(8*l.w)-1)
	return l.base, hi, hi >= l.base
}

// values writes the lane's values for rows from..from+len(dst)-1 to dst:
// the checks read lanes in chunks through it, one loop per width.
func (l *lane) values(s string, from int, dst []int64) {
	o, base := l.at+from*l.w, uint64(l.base)
	switch l.w {
	case 0:
		for i := range dst {
			dst[i] = l.base
		}
	case 1:
		for i := range dst {
			dst[i] = int64(base + uint64(s[o+i]))
		}
	case 2:
		for i := range dst {
			dst[i] = int64(base + (uint64(s[o+2*i]) | uint64(s[o+2*i+1])<<8))
		}
	case 4:
		for i := range dst {
			dst[i] = int64(base + uint64(le32(s, o+4*i)))
		}
	default:
		for i := range dst {
			dst[i] = int64(base + (uint64(le32(s, o+8*i)) | uint64(le32(s, o+8*i+4))<<32))
		}
	}
}

// chunk is how many rows the checks read at a time.
const chunk = 256

// within reports whether every value of the lane over rows is in lo..hi.
func (l *lane) within(s string, rows int, lo, hi int64) bool {
	if a, b, ok := l.bounds(); ok && a >= lo && b <= hi {
		return true // its base and width say so
	}
	var vs [chunk]int64
	for from := 0; from < rows; from += chunk {
		v := vs[:min(chunk, rows-from)]
		l.values(s, from, v)
		for _, x := range v {
			if x < lo || x > hi {
				return false
			}
		}
	}
	return true
}

// pairs reports whether ok holds for the values of lanes a and b in
// every row.
func pairs(s string, a, b *lane, rows int, ok func(x, y int64) bool) bool {
	var xs, ys [chunk]int64
	for from := 0; from < rows; from += chunk {
		n := min(chunk, rows-from)
		a.values(s, from, xs[:n])
		b.values(s, from, ys[:n])
		for i := range n {
			if !ok(xs[i], ys[i]) {
				return false
			}
		}
	}
	return true
}

// load reads the tables from s at i and checks them (see check). It
// returns where they end.
func (tb *tables) load(i int) (int, error) {
	s := tb.s
	for t := range numTables {
		ta := &tb.tabs[t]
		rows, n := uvarint(s[i:])
		if n <= 0 || rows > uint64(len(s)-i) {
			return i, fmt.Errorf("%w: at byte %d: the %s table's length", ErrSnapshot, i, tableNames[t])
		}
		i += n
		blen, n := uvarint(s[i:])
		if n <= 0 || blen > uint64(len(s)-i-n) {
			return i, fmt.Errorf("%w: at byte %d: the %s table's blob", ErrSnapshot, i, tableNames[t])
		}
		i += n
		ta.rows, ta.blob, ta.blen = int(rows), i, int(blen)
		i += int(blen)
		ta.first = make([]int, len(schema[t]))
		for k, c := range schema[t] {
			ta.first[k] = len(ta.lanes)
			for range colLanes[c.kind] {
				base, n := varint(s[i:])
				if n <= 0 || i+n >= len(s) {
					return i, fmt.Errorf("%w: at byte %d: a lane of the %s table", ErrSnapshot, i, tableNames[t])
				}
				i += n
				w := int(s[i])
				i++
				if w != laneWidth(uint64(1)<<(8*w)-1) || uint64(len(s)-i) < rows*uint64(w) {
					return i, fmt.Errorf("%w: at byte %d: a lane of the %s table is truncated or of width %d", ErrSnapshot, i, tableNames[t], w)
				}
				ta.lanes = append(ta.lanes, lane{at: i, w: w, base: base})
				i += int(rows) * w
			}
		}
	}
	for t := range numTables {
		if err := tb.check(tableID(t)); err != nil {
			return i, err
		}
	}
	return i, nil
}

// check checks every value of table t that decoding relies on: indexes
// below their table's length, spans inside their table, times in years 1
// to 9999, strings and long coefficients inside the blob, decimal kinds
// and booleans known, exponents and lengths that fit. Any other value
// decodes to something.
func (tb *tables) check(t tableID) error {
	s, ta := tb.s, &tb.tabs[t]
	for k, c := range schema[t] {
		ls := ta.lanes[ta.first[k]:]
		ok := true
		switch c.kind {
		case cIdx:
			most := int64(c.lim.max)
			if c.lim.table != numTables {
				most = int64(tb.tabs[c.lim.table].rows)
				if !c.lim.oneBased {
					most--
				}
			}
			ok = ls[0].within(s, ta.rows, 0, most)
		case cSpan:
			rows := int64(tb.tabs[c.lim.table].rows)
			ok = ls[0].within(s, ta.rows, 0, rows) && ls[1].within(s, ta.rows, 0, min(rows, int64(c.lim.max)))
			if _, hi0, ok0 := ls[0].bounds(); ok && (!ok0 || hi0+int64(c.lim.max) > rows) {
				ok = pairs(s, &ls[0], &ls[1], ta.rows, func(start, n int64) bool { return start+n <= rows })
			}
		case cTime:
			ok = ls[0].within(s, ta.rows, minSnapTime, maxSnapTime) && ls[1].within(s, ta.rows, 0, 1e9-1)
		case cDec:
			ok = ls[0].within(s, ta.rows, math.MinInt32, math.MaxInt32) && ls[1].within(s, ta.rows, decInt64, decNeg)
			if lo, hi, ok1 := ls[1].bounds(); ok && (!ok1 || lo != decInt64 || hi != decInt64) {
				for i := range ta.rows { // some are long: rare
					if ls[1].get(s, i) != decInt64 && !inBlob(ls[2].get(s, i), ls[3].get(s, i), ta.blen) {
						ok = false
						break
					}
				}
			}
		case cStr:
			ok = inBlobAll(s, ls, ta.rows, ta.blen)
		case cBool:
			ok = ls[0].within(s, ta.rows, 0, 1)
		}
		if !ok {
			return fmt.Errorf("%w: the %s table, column %d: a value out of range", ErrSnapshot, tableNames[t], k+1)
		}
	}
	return nil
}

// inBlob reports whether n bytes at off are inside a blob of blen bytes.
func inBlob(off, n int64, blen int) bool {
	return off >= 0 && n >= 0 && off <= int64(blen) && n <= int64(blen)-off
}

// inBlobAll is inBlob for the offsets and lengths in lanes ls[0] and
// ls[1] in every row, from the lanes' bounds when they tell.
func inBlobAll(s string, ls []lane, rows, blen int) bool {
	lo0, hi0, ok0 := ls[0].bounds()
	lo1, hi1, ok1 := ls[1].bounds()
	if ok0 && ok1 && lo0 >= 0 && lo1 >= 0 && hi0 <= int64(blen) && hi1 <= int64(blen)-hi0 {
		return true
	}
	return pairs(s, &ls[0], &ls[1], rows, func(off, n int64) bool { return inBlob(off, n, blen) })
}

func le32(s string, i int) uint32 {
	_ = s[i+3]
	return uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16 | uint32(s[i+3])<<24
}

// rowReader reads one row of a checked table: every value it reads is in
// range, so it cannot fail.
type rowReader struct {
	tb  *tables
	t   tableID
	row int
	k   int // the next lane
}

func (r *rowReader) next() int64 {
	ta := &r.tb.tabs[r.t]
	v := ta.lanes[r.k].get(r.tb.s, r.row)
	r.k++
	return v
}

func (r *rowReader) int(p *int64)        { *p = r.next() }
func (r *rowReader) idx(p *int, _ limit) { *p = int(r.next()) }

func (r *rowReader) span(start, n *int, _ tableID) {
	*start = int(r.next())
	*n = int(r.next())
}

func (r *rowReader) time(p *time.Time) {
	sec := r.next()
	*p = time.Unix(sec, r.next()).UTC()
}

func (r *rowReader) dec(p *decimal.Decimal) {
	exp, kind, c, n := int32(r.next()), r.next(), r.next(), r.next()
	switch {
	case kind == decInt64 && c == 0:
		*p = decimal.Decimal{}
	case kind == decInt64:
		*p = decimal.New(c, exp)
	default:
		b := new(big.Int).SetBytes([]byte(r.blobAt(c, n)))
		if kind == decNeg {
			b.Neg(b)
		}
		*p = decimal.NewFromBigInt(b, exp)
	}
}

func (r *rowReader) sum(p *decsum.Sum) {
	var d decimal.Decimal
	r.dec(&d)
	*p = decsum.Sum{}
	p.Add(d)
}

func (r *rowReader) str(p *string) {
	off := r.next()
	*p = r.blobAt(off, r.next())
}

// blobAt is the blob's n bytes at off.
func (r *rowReader) blobAt(off, n int64) string {
	from := r.tb.tabs[r.t].blob + int(off)
	return r.tb.s[from : from+int(n)]
}

func (r *rowReader) bool(p *bool) { *p = r.next() == 1 }

func (r *rowReader) list(t tableID, _ uint32, _ int, alloc func(int), each func(int, fields)) {
	var start, n int
	r.span(&start, &n, t)
	if n == 0 {
		return
	}
	alloc(n)
	for i := range n {
		each(i, &rowReader{tb: r.tb, t: t, row: start + i})
	}
}

// column is the first lane of table t's first column of kind k that
// refers to table ref: for the checks that read a column without decoding
// its rows.
func (tb *tables) column(t tableID, k colKind, ref tableID) int {
	for i, c := range schema[t] {
		if c.kind == k && c.lim.table == ref {
			return tb.tabs[t].first[i]
		}
	}
	panic("loyalty: no such snapshot column") // a programming error: the schema is fixed
}

// span is the span whose first lane is k in row i of table t.
func (tb *tables) span(t tableID, k, i int) (start, n int) {
	r := rowReader{tb: tb, t: t, row: i, k: k}
	r.span(&start, &n, t)
	return start, n
}

// str is the string whose first lane is k in row i of table t.
func (tb *tables) str(t tableID, k, i int) string {
	r := rowReader{tb: tb, t: t, row: i, k: k}
	var s string
	r.str(&s)
	return s
}

// opIDLane is the first lane of an operation's id: the first field its
// fields method visits.
const opIDLane = 0
