package loyalty

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"
	"time"

	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/shopspring/decimal"
)

// The account's records are stored in a snapshot as tables, one per kind
// of record, column by column. Each column is one or more lanes of
// integers (a string is where it ends in its column's text, which follows
// the lane; a decimal its exponent, kind, and coefficient or offset and
// length in the table's blob; a time its seconds and nanoseconds), and
// each lane is stored as its
// smallest value and every value's difference from it, in the fewest
// bytes (0, 1, 2, 4 or 8) that hold the largest difference. Loading checks
// every lane that decoding relies on (each index below its table's length,
// each time in range, each string inside its text), most often from the
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
	tOpsByID // the operations' indexes in the order of their ids
	tUses    // the uses of limited rules
	tTotals  // what each limited rule gave in all
	numTables
)

var tableNames = [numTables]string{"lots", "orders", "order infos", "order lines", "returned units",
	"holds", "operations", "gifts", "taken points", "refunded orders", "operations by id", "rule uses", "rule totals"}

// colKind is what a column stores, and so its lanes.
type colKind uint8

const (
	cInt  colKind = iota // an int64
	cIdx                 // an index below or at a limit (limit)
	cSpan                // the start and count of rows of another table
	cTime                // seconds since 1970 and nanoseconds (the zero time is year 1)
	cDec                 // exponent, kind (decInt64, decPos, decNeg), and coefficient or blob offset, and blob length
	cStr                 // where it ends in the column's text
	cBool                // 0 or 1
)

var colLanes = [...]int{cInt: 1, cIdx: 1, cSpan: 2, cTime: 2, cDec: 4, cStr: 1, cBool: 1}

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
// The writer only reads the fields (an account may be read by several
// goroutines at once); the reader sets them.
type fields interface {
	int(p *int64)
	num(p *int) // an int of any value
	idx(p *int, l limit)
	enum(p *uint8, last uint8)
	time(p *time.Time)
	dec(p *decimal.Decimal)
	sum(p *decsum.Sum)
	str(p *string)
	bool(p *bool)
	// span is an index range into table t (rows start..start+n-1).
	span(start, n *int, t tableID)
	// list opens a list of n rows of table t, at most max of them, and
	// returns its length, and true when the reader must make the list.
	// Then elem(t, i) visits row i of the list.
	list(t tableID, max uint32, n int) (int, bool)
	elem(t tableID, i int) fields
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
	f.span(&o.use0, &o.nuses, tUses)
	if n, mk := f.list(tReturned, math.MaxInt32, len(o.returned)); mk {
		o.returned = make([]int, n)
	}
	for i := range o.returned {
		f.elem(tReturned, i).num(&o.returned[i])
	}
	n := 0
	if o.info != nil {
		n = 1
	}
	if _, mk := f.list(tInfos, 1, n); mk {
		o.info = new(orderInfo)
	}
	if o.info != nil {
		o.info.fields(f.elem(tInfos, 0))
	}
}

func (in *orderInfo) fields(f fields) {
	f.dec(&in.goods)
	f.dec(&in.discount)
	f.dec(&in.pointsPaid)
	f.idx(&in.paidWith, limit{table: tOps, oneBased: true})
	f.int(&in.paidPoints)
	if n, mk := f.list(tLines, math.MaxInt32, len(in.lines)); mk {
		in.lines = make([]Line, n)
	}
	for i := range in.lines {
		l, f := &in.lines[i], f.elem(tLines, i)
		f.str(&l.SKU)
		f.str(&l.Category)
		f.num(&l.Qty)
		f.dec(&l.Price)
	}
}

func (h *hold) fields(f fields) {
	f.str(&h.op)
	f.str(&h.order)
	f.int(&h.points)
	f.dec(&h.money)
	f.time(&h.until)
	f.enum((*uint8)(&h.state), uint8(holdReleased))
}

func (r *opRecord) fields(f fields) {
	f.str(&r.id)
	f.enum((*uint8)(&r.kind), uint8(OpReverse))
	f.str(&r.fingerprint)
	f.idx(&r.n, count)
	f.span(&r.lot0, &r.lots, tLots)
	f.idx(&r.order, limit{table: tOrders, oneBased: true})
	f.idx(&r.hold, limit{table: tHolds, oneBased: true})
	f.int(&r.points)
	f.dec(&r.discount)
	f.dec(&r.money)
	f.int(&r.pointsBack)
	if n, mk := f.list(tGifts, math.MaxInt32, len(r.gifts)); mk {
		r.gifts = make([]string, n)
	}
	for i := range r.gifts {
		f.elem(tGifts, i).str(&r.gifts[i])
	}
	f.str(&r.tier)
	f.bool(&r.tierChanged)
	f.bool(&r.first)
	f.idx(&r.reversedBy, limit{table: tOps, oneBased: true})
	f.int(&r.takenBack)
	if n, mk := f.list(tTaken, math.MaxInt32, len(r.taken)); mk {
		r.taken = make(takenList, n)
	}
	for i := range r.taken {
		t, f := &r.taken[i], f.elem(tTaken, i)
		f.idx(&t.lot, limit{table: tLots})
		f.int(&t.pts)
		f.int(&t.back)
	}
}

func refundedFields(i *int, f fields) { f.idx(i, limit{table: tOrders}) }

func (u *ruleUse) fields(f fields) {
	f.str(&u.rule)
	f.time(&u.at)
	f.dec(&u.amount)
	f.idx(&u.order, limit{table: tOrders, oneBased: true})
	f.bool(&u.undone)
}

// totalRow is a rule's useTotal with its rule, as a snapshot stores it.
type totalRow struct {
	rule string
	useTotal
}

func (t *totalRow) fields(f fields) {
	f.str(&t.rule)
	f.num(&t.n)
	f.sum(&t.amount)
}

func opsByIDFields(i *int, f fields) { f.idx(i, limit{table: tOps}) }

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
	visit(tOpsByID, func(f fields) { opsByIDFields(new(int), f) })
	visit(tUses, func(f fields) { new(ruleUse).fields(f) })
	visit(tTotals, func(f fields) { new(totalRow).fields(f) })
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
func (f *schemaFields) num(*int)               { f.add(cInt, limit{}) }
func (f *schemaFields) enum(_ *uint8, last uint8) {
	f.add(cIdx, limit{table: numTables, max: uint32(last)})
}
func (f *schemaFields) time(*time.Time)      { f.add(cTime, limit{}) }
func (f *schemaFields) dec(*decimal.Decimal) { f.add(cDec, limit{}) }
func (f *schemaFields) sum(*decsum.Sum)      { f.add(cDec, limit{}) }
func (f *schemaFields) str(*string)          { f.add(cStr, limit{}) }
func (f *schemaFields) bool(*bool)           { f.add(cBool, limit{}) }
func (f *schemaFields) span(_, _ *int, t tableID) {
	f.add(cSpan, limit{table: t, max: math.MaxInt32})
}

// list makes a list of one row the first time it meets table t, so that
// elem visits the row and records the table's columns.
func (f *schemaFields) list(t tableID, max uint32, _ int) (int, bool) {
	f.add(cSpan, limit{table: t, max: max})
	if f.seen[t] {
		return 0, false
	}
	f.seen[t] = true
	return 1, true
}

func (f *schemaFields) elem(t tableID, _ int) fields {
	return &schemaFields{t: t, s: f.s, seen: f.seen}
}

// tableWriter collects a table's rows while the account is written: one
// slice of values per lane.
type tableWriter struct {
	rows  int
	lanes [][]int64
	texts [][]string // a string lane's strings
	ends  []int64    // a string lane's text length so far
	blob  []byte
}

type tablesWriter struct {
	tabs [numTables]tableWriter
	rws  [numTables]rowWriter // each table's writer, for one row at a time
}

// row appends a row to table t: the fields written to what it returns,
// until the next row of t.
func (w *tablesWriter) row(t tableID) fields {
	w.init(t, 0)
	w.tabs[t].rows++
	r := &w.rws[t]
	*r = rowWriter{w: w, t: t}
	return r
}

// init makes table t's lanes, with room for rows values each.
func (w *tablesWriter) init(t tableID, rows int) {
	tw := &w.tabs[t]
	if tw.lanes == nil {
		n := 0
		for _, c := range schema[t] {
			n += colLanes[c.kind]
		}
		tw.lanes = make([][]int64, n)
		tw.texts, tw.ends = make([][]string, n), make([]int64, n)
		arena := make([]int64, n*rows) // one allocation for the lanes
		for k := range tw.lanes {
			tw.lanes[k] = arena[k*rows : k*rows : (k+1)*rows]
		}
		strs := 0
		for _, c := range schema[t] {
			if c.kind == cStr {
				strs++
			}
		}
		texts := make([]string, strs*rows) // and one for the strings
		k := 0
		for _, c := range schema[t] {
			if c.kind == cStr {
				tw.texts[k] = texts[:0:rows]
				texts = texts[rows:]
			}
			k += colLanes[c.kind]
		}
	}
}

// appendTo appends every table: its rows, its blob's length and the
// blob, then each lane's smallest value, width and values, and a string
// lane's text.
func (w *tablesWriter) appendTo(b []byte) []byte {
	for t := range w.tabs {
		w.init(tableID(t), 0)
		tw := &w.tabs[t]
		b = binary.AppendUvarint(b, uint64(tw.rows))
		b = binary.AppendUvarint(b, uint64(len(tw.blob)))
		b = append(b, tw.blob...)
		for k, vs := range tw.lanes {
			lo, hi := int64(0), int64(0)
			if len(vs) > 0 {
				lo, hi = vs[0], vs[0]
			}
			for _, v := range vs {
				lo, hi = min(lo, v), max(hi, v)
			}
			w := laneWidth(uint64(hi) - uint64(lo))
			b = append(binary.AppendVarint(b, lo), byte(w))
			b = slices.Grow(b, len(vs)*w)
			switch w {
			case 1:
				for _, v := range vs {
					b = append(b, byte(uint64(v)-uint64(lo)))
				}
			case 2:
				for _, v := range vs {
					b = binary.LittleEndian.AppendUint16(b, uint16(uint64(v)-uint64(lo)))
				}
			case 4:
				for _, v := range vs {
					b = binary.LittleEndian.AppendUint32(b, uint32(uint64(v)-uint64(lo)))
				}
			case 8:
				for _, v := range vs {
					b = binary.LittleEndian.AppendUint64(b, uint64(v)-uint64(lo))
				}
			}
			for _, str := range tw.texts[k] {
				b = append(b, str...)
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
	tw := &r.w.tabs[r.t]
	for _, v := range vs {
		tw.lanes[r.k] = append(tw.lanes[r.k], v)
		r.k++
	}
}

func (r *rowWriter) int(p *int64)                  { r.put(*p) }
func (r *rowWriter) idx(p *int, _ limit)           { r.put(int64(*p)) }
func (r *rowWriter) num(p *int)                    { r.put(int64(*p)) }
func (r *rowWriter) enum(p *uint8, _ uint8)        { r.put(int64(*p)) }
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
	if n, ok := p.Small(); ok {
		r.put(decsum.SmallExp, decInt64, n, 0)
		return
	}
	v := p.Value()
	r.dec(&v)
}

func (r *rowWriter) str(p *string) {
	tw := &r.w.tabs[r.t]
	tw.texts[r.k] = append(tw.texts[r.k], *p)
	tw.ends[r.k] += int64(len(*p))
	r.put(tw.ends[r.k])
}

// blob appends s to the table's blob and returns its offset and length.
func (r *rowWriter) blob(s []byte) (int64, int64) {
	tw := &r.w.tabs[r.t]
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

func (r *rowWriter) list(t tableID, _ uint32, n int) (int, bool) {
	start := r.w.tabs[t].rows
	r.put(int64(start), int64(n))
	return n, false
}

func (r *rowWriter) elem(t tableID, _ int) fields { return r.w.row(t) }

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
	text  int // a string lane's text
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
				l := lane{at: i, w: w, base: base}
				i += int(rows) * w
				if c.kind == cStr && rows > 0 {
					n := l.get(s, int(rows)-1) // the text's length, if the ends are in order (check)
					if n < 0 || n > int64(len(s)-i) {
						return i, fmt.Errorf("%w: at byte %d: a text of the %s table is truncated", ErrSnapshot, i, tableNames[t])
					}
					l.text = i
					i += int(n)
				}
				ta.lanes = append(ta.lanes, l)
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
			ok = ls[0].within(s, ta.rows, -maxSnapExp, maxSnapExp) && ls[1].within(s, ta.rows, decInt64, decNeg)
			if lo, hi, ok1 := ls[1].bounds(); ok && (!ok1 || lo != decInt64 || hi != decInt64) {
				for i := range ta.rows { // some are long: rare
					if ls[1].get(s, i) != decInt64 && !inBlob(ls[2].get(s, i), ls[3].get(s, i), ta.blen) {
						ok = false
						break
					}
				}
			}
		case cStr:
			ok = ls[0].ascending(s, ta.rows)
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

// ascending reports whether the lane's values over rows never go down
// and start at 0 or more.
func (l *lane) ascending(s string, rows int) bool {
	if l.w == 0 {
		return l.base >= 0
	}
	var vs [chunk]int64
	prev := int64(0)
	for from := 0; from < rows; from += chunk {
		v := vs[:min(chunk, rows-from)]
		l.values(s, from, v)
		for _, x := range v {
			if x < prev {
				return false
			}
			prev = x
		}
	}
	return true
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
	// vals, when not nil, holds the lanes' values for a block of rows, of
	// which this row is the j-th (see readBlock).
	vals [][maxBlock + 1]int64
	j    int
	// set is the readers of one decoding, one a table, for the rows of
	// lists (nil until a list is read).
	set *readerSet
}

type readerSet struct {
	r     [numTables]rowReader
	start [numTables]int // the open list's first row
	// decs are the last decimals read, to share: a block's records often
	// hold equal amounts, and each decimal made is an allocation.
	decs [8]sharedDec
	next int
}

type sharedDec struct {
	c    int64
	exp  int32
	used bool
	d    decimal.Decimal
}

func (r *rowReader) next() int64 {
	v := r.peek(0)
	r.k++
	return v
}

// peek is the value of the row's lane k+d.
func (r *rowReader) peek(d int) int64 {
	if r.vals != nil {
		return r.vals[r.k+d][r.j+1]
	}
	return r.tb.tabs[r.t].lanes[r.k+d].get(r.tb.s, r.row)
}

// maxBlock is the most rows whose values are read at once (more are read
// a value at a time).
const maxBlock = 16

// readBlock reads the values of table t's lanes for rows first..first+n-1
// into v, a lane at a time: v[k][j+1] is lane k's value for row first+j,
// and v[k][0] its value for the row before (0 for the first row), which a
// string's start is.
func (tb *tables) readBlock(t tableID, first, n int, v [][maxBlock + 1]int64) {
	ls := tb.tabs[t].lanes
	for k := range ls {
		ls[k].values(tb.s, first, v[k][1:n+1])
		if first > 0 {
			v[k][0] = ls[k].get(tb.s, first-1)
		}
	}
}

func (r *rowReader) int(p *int64)           { *p = r.next() }
func (r *rowReader) idx(p *int, _ limit)    { *p = int(r.next()) }
func (r *rowReader) num(p *int)             { *p = int(r.next()) }
func (r *rowReader) enum(p *uint8, _ uint8) { *p = uint8(r.next()) }

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
		*p = r.shared(c, exp)
	default:
		b := new(big.Int).SetBytes([]byte(r.blobAt(c, n)))
		if kind == decNeg {
			b.Neg(b)
		}
		*p = decimal.NewFromBigInt(b, exp)
	}
}

// shared is decimal.New(c, exp), or an equal decimal the decoding made
// before.
func (r *rowReader) shared(c int64, exp int32) decimal.Decimal {
	if r.set == nil {
		r.set = new(readerSet)
	}
	set := r.set
	for i := range set.decs {
		if e := &set.decs[i]; e.used && e.c == c && e.exp == exp {
			return e.d
		}
	}
	d := decimal.New(c, exp)
	set.decs[set.next] = sharedDec{c: c, exp: exp, used: true, d: d}
	set.next = (set.next + 1) % len(set.decs)
	return d
}

func (r *rowReader) sum(p *decsum.Sum) {
	if exp, kind := r.peek(0), r.peek(1); exp == decsum.SmallExp && kind == decInt64 {
		*p = decsum.FromSmall(r.peek(2))
		r.k += colLanes[cDec]
		return
	}
	var d decimal.Decimal
	r.dec(&d)
	*p = decsum.Sum{}
	p.Add(d)
}

func (r *rowReader) str(p *string) {
	l := &r.tb.tabs[r.t].lanes[r.k]
	from, to := int64(0), int64(0)
	switch {
	case r.vals != nil:
		from, to = r.vals[r.k][r.j], r.vals[r.k][r.j+1]
	case r.row > 0:
		from, to = l.get(r.tb.s, r.row-1), l.get(r.tb.s, r.row)
	default:
		to = l.get(r.tb.s, r.row)
	}
	r.k++
	*p = r.tb.s[l.text+int(from) : l.text+int(to)]
}

// blobAt is the blob's n bytes at off.
func (r *rowReader) blobAt(off, n int64) string {
	from := r.tb.tabs[r.t].blob + int(off)
	return r.tb.s[from : from+int(n)]
}

func (r *rowReader) bool(p *bool) { *p = r.next() == 1 }

func (r *rowReader) list(t tableID, _ uint32, _ int) (int, bool) {
	start, n := int(r.next()), int(r.next())
	if n == 0 {
		return 0, false
	}
	if r.set == nil {
		r.set = new(readerSet)
	}
	r.set.start[t] = start
	return n, true
}

func (r *rowReader) elem(t tableID, i int) fields {
	c := &r.set.r[t]
	*c = rowReader{tb: r.tb, t: t, row: r.set.start[t] + i, set: r.set}
	return c
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

// opsByID finds the operations of a loaded snapshot by id, by binary
// search of its operations-by-id table. The nil *opsByID finds none.
type opsByID struct{ tb *tables }

// op is the index of the k-th operation in id order.
func (x *opsByID) op(k int) int {
	return int(x.tb.tabs[tOpsByID].lanes[0].get(x.tb.s, k))
}

func (x *opsByID) id(k int) string { return x.tb.str(tOps, opIDLane, x.op(k)) }

func (x *opsByID) find(id string) (int, bool) {
	if x == nil {
		return 0, false
	}
	n := x.tb.tabs[tOpsByID].rows
	k := sort.Search(n, func(k int) bool { return x.id(k) >= id })
	if k < n && x.id(k) == id {
		return x.op(k), true
	}
	return 0, false
}

// check checks that the table lists every operation once, in strictly
// increasing id order (so that no id repeats).
func (x *opsByID) check() error {
	n := x.tb.tabs[tOpsByID].rows
	if n != x.tb.tabs[tOps].rows {
		return fmt.Errorf("%w: %d operations by id of %d", ErrSnapshot, n, x.tb.tabs[tOps].rows)
	}
	for k := 1; k < n; k++ {
		if x.id(k-1) >= x.id(k) {
			return fmt.Errorf("%w: the operations by id are out of order or an id repeats (%q)", ErrSnapshot, x.id(k))
		}
	}
	return nil
}

// read decodes row i of table t with fn.
func (tb *tables) read(t tableID, i int, fn func(fields)) {
	fn(&rowReader{tb: tb, t: t, row: i})
}
