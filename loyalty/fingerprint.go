package loyalty

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"math/big"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// fingerprinter builds the fingerprint of an operation's payload: every
// field in a fixed order, strings length-prefixed, decimals by value (10
// and 10.00 are the same amount), attributes by sorted key, hashed with
// SHA-256. A retry with an equal payload has the same fingerprint; any
// other payload, a different one.
type fingerprinter struct{ b []byte }

func (f *fingerprinter) str(s string) *fingerprinter {
	f.b = appendStr(f.b, s)
	return f
}

func (f *fingerprinter) num(i int64) *fingerprinter {
	f.b = binary.AppendVarint(f.b, i)
	return f
}

func (f *fingerprinter) dec(d decimal.Decimal) *fingerprinter {
	f.b = appendDec(f.b, d)
	return f
}

func (f *fingerprinter) attrs(m map[string]string) *fingerprinter {
	f.num(int64(len(m)))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		f.str(k).str(m[k])
	}
	return f
}

func (f *fingerprinter) sum() string {
	h := sha256.Sum256(f.b)
	return hex.EncodeToString(h[:12])
}

func newFingerprint(kind byte) *fingerprinter {
	f := &fingerprinter{b: make([]byte, 0, 256)}
	f.b = append(f.b, kind)
	return f
}

func (o Order) fingerprint() string {
	f := newFingerprint('o').str(o.ID).str(o.Currency).dec(o.Total).str(o.Channel).str(o.Coupon).str(o.Redemption).num(int64(len(o.Lines)))
	for _, l := range o.Lines {
		f.str(l.SKU).str(l.Category).num(int64(l.Qty)).dec(l.Price)
	}
	return f.sum()
}

func (r Refund) fingerprint() string {
	f := newFingerprint('r').str(r.ID).str(r.Order).dec(r.Amount).num(int64(len(r.Lines)))
	for _, l := range r.Lines {
		f.str(l.SKU).num(int64(l.Qty))
	}
	return f.sum()
}

func (r Redemption) fingerprint() string {
	return newFingerprint('p').str(r.ID).dec(r.Points).dec(r.OrderTotal).str(r.Currency).sum()
}

func (e Event) fingerprint() string {
	return newFingerprint('e').str(e.ID).str(e.Kind).attrs(e.Attributes).sum()
}

// The encoders the fingerprints, the ledger's hash chain and snapshots
// share: strings length-prefixed, instants as seconds and nanoseconds
// (the same instant in any zone gives the same bytes), decimals by value.

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// appendTime appends 0 for the zero time, else 1, seconds and nanoseconds.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	b = binary.AppendVarint(append(b, 1), t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// appendDec appends d by value (10 and 10.00 append the same bytes): its
// coefficient with trailing zeros stripped, and its exponent.
func appendDec(b []byte, d decimal.Decimal) []byte {
	if d.NumDigits() <= 18 { // normalise the coefficient without allocating
		c, e := d.CoefficientInt64(), int64(d.Exponent())
		if c == 0 {
			e = 0
		}
		for c != 0 && c%10 == 0 {
			c, e = c/10, e+1
		}
		return binary.AppendVarint(binary.AppendVarint(b, c), e)
	}
	c, e := d.Coefficient(), int64(d.Exponent()) // a long coefficient: strip its zeros exactly
	ten, q, r := big.NewInt(10), new(big.Int), new(big.Int)
	for c.Sign() != 0 {
		if q.QuoRem(c, ten, r); r.Sign() != 0 {
			break
		}
		c, q, e = q, c, e+1
	}
	if c.IsInt64() {
		return binary.AppendVarint(binary.AppendVarint(b, c.Int64()), e)
	}
	return binary.AppendVarint(appendStr(b, c.String()), e)
}
