// Package canon writes values in the canonical byte form that loyalkit's
// fingerprints, hash chains and snapshot headers share (package loyalty's
// ledger and package campaign's): strings length-prefixed, instants as
// seconds and nanoseconds (the same instant in any zone gives the same
// bytes), decimals by value (10 and 10.00 give the same bytes). Changing
// any of these changes every stored hash: they are fixed.
package canon

import (
	"encoding/binary"
	"encoding/hex"
	"math/big"
	"time"

	"github.com/shopspring/decimal"
)

// AppendStr appends s, length-prefixed.
func AppendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// AppendTime appends 0 for the zero time, else 1, seconds and nanoseconds.
func AppendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	b = binary.AppendVarint(append(b, 1), t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// AppendDec appends d by value: its coefficient with trailing zeros
// stripped, and its exponent.
func AppendDec(b []byte, d decimal.Decimal) []byte {
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
	return binary.AppendVarint(AppendStr(b, c.String()), e)
}

// HexIs reports whether s is h (at most 32 bytes) in lower-case hex,
// without allocating.
func HexIs(s string, h []byte) bool {
	var buf [64]byte
	if len(h) > len(buf)/2 || len(s) != 2*len(h) {
		return false
	}
	hex.Encode(buf[:], h)
	return s == string(buf[:2*len(h)])
}
