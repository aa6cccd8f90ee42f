package loyalty

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"slices"

	"github.com/loyalkit/loyalkit/internal/canon"
	"github.com/shopspring/decimal"
)

// fingerprinter builds the fingerprint of an operation's payload: every
// field in a fixed order, strings length-prefixed, decimals by value (10
// and 10.00 are the same amount), attributes by sorted key, hashed with
// SHA-256. A retry with an equal payload has the same fingerprint; any
// other payload, a different one.
//
// It is a value: each method returns it with more written, and the result
// must be kept (f = f.str(…)). Two chains from one value write into the
// same buffer, so build one chain at a time.
type fingerprinter struct{ b []byte }

func (f fingerprinter) str(s string) fingerprinter {
	f.b = canon.AppendStr(f.b, s)
	return f
}

func (f fingerprinter) num(i int64) fingerprinter {
	f.b = binary.AppendVarint(f.b, i)
	return f
}

func (f fingerprinter) dec(d decimal.Decimal) fingerprinter {
	f.b = canon.AppendDec(f.b, d)
	return f
}

func (f fingerprinter) attrs(m map[string]string) fingerprinter {
	f = f.num(int64(len(m)))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		f = f.str(k).str(m[k])
	}
	return f
}

// grants adds g, when there are any (a payload without grants has the
// fingerprint it had before grants existed).
func (f fingerprinter) grants(g Grants) fingerprinter {
	if len(g) == 0 {
		return f
	}
	f = f.str("grants").num(int64(len(g)))
	for _, k := range slices.Sorted(maps.Keys(g)) {
		f = f.str(k).dec(g[k])
	}
	return f
}

func (f fingerprinter) sum() string {
	h := sha256.Sum256(f.b)
	return hex.EncodeToString(h[:12])
}

func newFingerprint(kind byte) fingerprinter {
	f := fingerprinter{b: make([]byte, 0, 256)}
	f.b = append(f.b, kind)
	return f
}

func (o Order) fingerprint() string {
	f := newFingerprint('o').str(o.ID).str(o.Currency).dec(o.Total).str(o.Channel).str(o.Coupon).str(o.Redemption).num(int64(len(o.Lines)))
	for _, l := range o.Lines {
		f = f.str(l.SKU).str(l.Category).num(int64(l.Qty)).dec(l.Price)
	}
	return f.grants(o.Grants).sum()
}

func (r Refund) fingerprint() string {
	f := newFingerprint('r').str(r.ID).str(r.Order).dec(r.Amount).num(int64(len(r.Lines)))
	for _, l := range r.Lines {
		f = f.str(l.SKU).num(int64(l.Qty))
	}
	return f.sum()
}

func (r Redemption) fingerprint() string {
	return newFingerprint('p').str(r.ID).dec(r.Points).dec(r.OrderTotal).str(r.Currency).sum()
}

func (e Event) fingerprint() string {
	return newFingerprint('e').str(e.ID).str(e.Kind).attrs(e.Attributes).grants(e.Grants).sum()
}
