package loyalty

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// ErrCorruptLedger is what [Program.Replay] and [Program.Resume] return
// for entries these operations did not write: changed, removed, reordered,
// inserted or renamed entries, another customer's entries, amounts out of
// range. The error names the entry and why; it also unwraps to a more
// specific sentinel where there is one (ErrRefundTooLarge, …).
var ErrCorruptLedger = errors.New("loyalty: corrupt ledger")

// The ledger is a hash chain: each entry's Hash is SHA-256 (the first 16
// bytes, in hex) of the previous entry's hash and of the entry's content
// (every field but Hash, in a fixed binary encoding, instants in UTC,
// decimals by value). A changed, removed, reordered or inserted entry
// breaks the chain at that entry; [Account.Head] is the hash of the last
// entry, for the host to store next to the account and compare.
const hashLen = 16

type chainHash [hashLen]byte

// Head is the hash of the account's last entry ("" for a new account):
// store it with the account, and a replay of the stored entries must end
// at the same head.
func (a Account) Head() string {
	if a.entries == 0 {
		return ""
	}
	return hex.EncodeToString(a.head[:])
}

// link is the hash of e chained after prev.
func link(prev chainHash, e *Entry) chainHash {
	var buf [512]byte
	b := append(buf[:0], prev[:]...)
	b = appendEntry(b, e)
	sum := sha256.Sum256(b)
	return chainHash(sum[:hashLen])
}

// appendEntry appends e's content (all but Hash) to b.
func appendEntry(b []byte, e *Entry) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	at := func(t time.Time) {
		if t.IsZero() {
			b = append(b, 0)
			return
		}
		b = append(b, 1)
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	}
	dec := func(d decimal.Decimal) {
		f := fingerprinter{b: b}
		b = f.dec(d).b
	}
	str(e.ID)
	str(e.Customer)
	str(e.Op)
	b = append(b, byte(e.OpKind), byte(e.Kind))
	dec(e.Points)
	str(e.Lot)
	str(e.RuleID)
	at(e.At)
	at(e.AvailableAt)
	at(e.ExpiresAt)
	str(e.Order)
	dec(e.Money)
	dec(e.PointsPaid)
	dec(e.Held)
	str(e.Ref)
	b = binary.AppendUvarint(b, uint64(len(e.Lines)))
	for _, l := range e.Lines {
		str(l.SKU)
		str(l.Category)
		b = binary.AppendVarint(b, int64(l.Qty))
		dec(l.Price)
	}
	dec(e.Discount)
	b = binary.AppendUvarint(b, uint64(len(e.Gifts)))
	for _, g := range e.Gifts {
		str(g)
	}
	str(e.Tier)
	str(e.Fingerprint)
	return b
}

// chain links e after the account's head: an operation's entry gets its
// Hash; a replayed one must carry the hash its content and place give.
func (a *Account) chain(e *Entry, replay bool) error {
	h := link(a.head, e)
	if !replay {
		e.Hash = hex.EncodeToString(h[:])
	} else if !hashIs(e.Hash, h) {
		return errors.New("its hash does not match its content and place: it, or an entry before it, was changed, removed or inserted")
	}
	a.head = h
	return nil
}

// hashIs reports whether s is h in hex, without allocating.
func hashIs(s string, h chainHash) bool {
	var buf [2 * hashLen]byte
	hex.Encode(buf[:], h[:])
	return s == string(buf[:])
}

// opPrefixes are the id prefixes of each operation kind.
var opPrefixes = [...]string{OpPurchase: "order:", OpRefund: "refund:", OpRedeem: "redeem:", OpExpire: "expire:",
	OpEvent: "event:", OpReview: "review:", OpCancelRedemption: "unredeem:", OpHold: "hold:", OpCapture: "capture:",
	OpRelease: "release:"}

// entryOps are, per entry kind, the operations that write it.
var entryOps = [...]uint16{
	Record:        1<<OpPurchase | 1<<OpRefund | 1<<OpRedeem | 1<<OpExpire | 1<<OpEvent | 1<<OpReview | 1<<OpCancelRedemption | 1<<OpHold | 1<<OpCapture | 1<<OpRelease,
	Earn:          1<<OpPurchase | 1<<OpEvent,
	Repay:         1<<OpPurchase | 1<<OpEvent | 1<<OpCancelRedemption | 1<<OpRefund, // points given back pay a debt too
	Settle:        1<<OpPurchase | 1<<OpEvent | 1<<OpCancelRedemption | 1<<OpRefund,
	Redeem:        1<<OpRedeem | 1<<OpCapture,
	Expire:        1 << OpExpire,
	Reverse:       1 << OpRefund,
	Debt:          1 << OpRefund,
	WriteOffEntry: 1 << OpRefund,
	TierChange:    1<<OpPurchase | 1<<OpRefund | 1<<OpReview | 1<<OpEvent,
	Restore:       1<<OpCancelRedemption | 1<<OpRefund,
}

// checkPlace checks that e belongs where it is: its operation id fits its
// kind, the operation writes entries of its kind, its id is the
// operation's and its position in it (n, from 0), and it is the account's
// customer's.
func (a *Account) checkPlace(e *Entry, n int) error {
	if int(e.OpKind) >= len(opPrefixes) || e.OpKind == OpUnset || !strings.HasPrefix(e.Op, opPrefixes[e.OpKind]) {
		return fmt.Errorf("operation %q is not of kind %v", e.Op, e.OpKind)
	}
	if int(e.Kind) >= len(entryOps) || entryOps[e.Kind]&(1<<e.OpKind) == 0 {
		return fmt.Errorf("a %v operation does not write %v entries", e.OpKind, e.Kind)
	}
	if len(e.ID) <= len(e.Op) || e.ID[:len(e.Op)] != e.Op || e.ID[len(e.Op)] != '/' || e.ID[len(e.Op)+1:] != itoa(n) {
		return fmt.Errorf("entry %q is not entry %d of operation %q", e.ID, n, e.Op)
	}
	if a.entries > 0 && e.Customer != a.customer {
		return fmt.Errorf("entry %q is customer %q's, the account is %q's", e.ID, e.Customer, a.customer)
	}
	a.customer = e.Customer
	return nil
}

// itoa is strconv.Itoa without allocating for small numbers.
func itoa(n int) string {
	if n >= 0 && n < len(smallInts) {
		return smallInts[n]
	}
	return strconv.Itoa(n)
}

var smallInts = func() (s [64]string) {
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return s
}()
