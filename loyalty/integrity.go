package loyalty

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/loyalkit/loyalkit/internal/canon"
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
	b = canon.AppendStr(b, e.ID)
	b = canon.AppendStr(b, e.Customer)
	b = canon.AppendStr(b, e.Op)
	b = append(b, byte(e.OpKind), byte(e.Kind))
	b = canon.AppendDec(b, e.Points)
	b = canon.AppendStr(b, e.Lot)
	b = canon.AppendStr(b, e.RuleID)
	b = canon.AppendTime(b, e.At)
	b = canon.AppendTime(b, e.AvailableAt)
	b = canon.AppendTime(b, e.ExpiresAt)
	b = canon.AppendStr(b, e.Order)
	b = canon.AppendDec(b, e.Money)
	b = canon.AppendDec(b, e.PointsPaid)
	b = canon.AppendDec(b, e.Held)
	b = canon.AppendStr(b, e.Ref)
	b = binary.AppendUvarint(b, uint64(len(e.Lines)))
	for _, l := range e.Lines {
		b = canon.AppendStr(b, l.SKU)
		b = canon.AppendStr(b, l.Category)
		b = binary.AppendVarint(b, int64(l.Qty))
		b = canon.AppendDec(b, l.Price)
	}
	b = canon.AppendDec(b, e.Discount)
	b = binary.AppendUvarint(b, uint64(len(e.Gifts)))
	for _, g := range e.Gifts {
		b = canon.AppendStr(b, g)
	}
	b = canon.AppendStr(b, e.Tier)
	b = canon.AppendStr(b, e.Fingerprint)
	if len(e.Uses) > 0 || len(e.Goals) > 0 { // after the rest, so that entries without them hash as before there were any
		b = binary.AppendUvarint(b, uint64(len(e.Uses)))
		for _, u := range e.Uses {
			b = canon.AppendStr(b, u.Rule)
			b = canon.AppendDec(b, u.Amount)
		}
		b = binary.AppendUvarint(b, uint64(len(e.Goals)))
		for _, g := range e.Goals {
			b = canon.AppendStr(b, g.Goal)
			b = canon.AppendDec(b, g.Amount)
			b = binary.AppendVarint(b, int64(g.Completed))
		}
	}
	return b
}

// chain links e after the account's head: an operation's entry gets its
// Hash; a replayed one must carry the hash its content and place give.
func (a *Account) chain(e *Entry, replay bool) error {
	h := link(a.head, e)
	if !replay {
		e.Hash = hex.EncodeToString(h[:])
	} else if !canon.HexIs(e.Hash, h[:]) {
		return errors.New("its hash does not match its content and place: it, or an entry before it, was changed, removed or inserted")
	}
	a.head = h
	return nil
}

// opPrefixes are the id prefixes of each operation kind.
var opPrefixes = [...]string{OpPurchase: "order:", OpRefund: "refund:", OpRedeem: "redeem:", OpExpire: "expire:",
	OpEvent: "event:", OpReview: "review:", OpCancelRedemption: "unredeem:", OpHold: "hold:", OpCapture: "capture:",
	OpRelease: "release:", OpReverse: "reverse:"}

// entryOps are, per entry kind, the operations that write it.
var entryOps = [...]uint16{
	Record:        1<<OpPurchase | 1<<OpRefund | 1<<OpRedeem | 1<<OpExpire | 1<<OpEvent | 1<<OpReview | 1<<OpCancelRedemption | 1<<OpHold | 1<<OpCapture | 1<<OpRelease | 1<<OpReverse,
	Earn:          1<<OpPurchase | 1<<OpEvent,
	Repay:         1<<OpPurchase | 1<<OpEvent | 1<<OpCancelRedemption | 1<<OpRefund, // points given back pay a debt too
	Settle:        1<<OpPurchase | 1<<OpEvent | 1<<OpCancelRedemption | 1<<OpRefund,
	Redeem:        1<<OpRedeem | 1<<OpCapture,
	Expire:        1 << OpExpire,
	Reverse:       1<<OpRefund | 1<<OpReverse,
	Debt:          1<<OpRefund | 1<<OpReverse,
	WriteOffEntry: 1<<OpRefund | 1<<OpReverse,
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
	if len(e.ID) <= len(e.Op) || e.ID[:len(e.Op)] != e.Op || e.ID[len(e.Op)] != '/' || !isDecimal(e.ID[len(e.Op)+1:], n) {
		return fmt.Errorf("entry %q is not entry %d of operation %q", e.ID, n, e.Op)
	}
	if a.entries > 0 && e.Customer != a.customer {
		return fmt.Errorf("entry %q is customer %q's, the account is %q's", e.ID, e.Customer, a.customer)
	}
	a.customer = e.Customer
	return nil
}

// isDecimal reports whether s is n in decimal (no sign, no leading
// zero), without allocating.
func isDecimal(s string, n int) bool {
	if n < 0 || s == "" || (len(s) > 1 && s[0] == '0') || len(s) > 19 {
		return false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v == n
}
