package campaign

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/canon"
	"github.com/shopspring/decimal"
)

// Entry is one line of a campaign ledger: a budget's, a coupon book's or
// a referral book's. Operations return entries for the host to persist;
// the state is the fold of its entries ([ReplayBudget],
// [Coupons.Replay], [Referrals.Replay]). Every operation writes its
// entries with deterministic ids, "<op>/<n>" (the operation id and the
// entry's position in it), so a retried operation yields the same ids and
// a unique key on ID catches a duplicate write.
//
// Fields unused by an entry's kind are zero.
type Entry struct {
	ID string `json:"id"`
	// Ledger names the state the entry belongs to: "budget:<id>",
	// "coupons:<campaign>" or "referrals:<campaign>".
	Ledger string `json:"ledger"`
	// Op is the operation: "reserve:<id>", "release:<id>", "use:<order>",
	// "cancel:<order>", "refund:<id>", "enrol:<advocate>",
	// "attribute:<friend>", "qualify:<order>".
	Op     string    `json:"op"`
	OpKind OpKind    `json:"op_kind"`
	Kind   EntryKind `json:"kind"`
	At     time.Time `json:"at"`
	// Amount is, signed: the amount granted (grant) or given back
	// (release, negative); the money refunded (refund); the points of a
	// reward (reward) or to take back (clawback, negative).
	Amount decimal.Decimal `json:"amount,omitzero"`
	// Asked is a reservation's amount asked, a use's or qualifying order's
	// money total.
	Asked decimal.Decimal `json:"asked,omitzero"`
	// Reason says why a grant is smaller than asked, or why a reward side
	// was withheld.
	Reason Reason `json:"reason,omitempty"`
	// Period is the start of the period (or window) a grant or reward was
	// counted in.
	Period   time.Time `json:"period,omitzero"`
	Code     string    `json:"code,omitempty"`
	Customer string    `json:"customer,omitempty"`
	// Other is the other customer of a referral entry: the advocate of an
	// attribution, the friend of an advocate's reward.
	Other string `json:"other,omitempty"`
	Order string `json:"order,omitempty"`
	Role  Role   `json:"role,omitempty"`
	// Key is an identity key (referrals: the advocate's on enrolment, the
	// friend's on attribution).
	Key  string `json:"key,omitempty"`
	Gift string `json:"gift,omitempty"`
	// Ref is the entry or operation this one refers to: the reservation a
	// release gives back to, the reward a clawback takes back.
	Ref string `json:"ref,omitempty"`
	// Fingerprint identifies the operation's payload (on its first entry),
	// so that reusing an id with another payload is caught.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Hash chains the entry to the one before it: SHA-256 (16 bytes, hex)
	// of the previous hash and the entry's content. A changed, removed,
	// reordered or inserted entry breaks the chain at that entry.
	Hash string `json:"hash"`
}

// The ledger's hash chain: each entry's Hash is SHA-256 (its first 16
// bytes, in hex) of the previous entry's hash and the entry's content
// (every field but Hash, in a fixed binary encoding, instants as Unix
// seconds and nanoseconds, decimals by value).
const hashLen = 16

type chainHash [hashLen]byte

// chain is the part of a state every ledger shares: which ledger, how
// many entries it is the fold of, and the hash of the last.
type chain struct {
	ledger  string
	entries int
	head    chainHash
}

// headString is the head in hex ("" for an empty ledger).
func (c chain) headString() string {
	if c.entries == 0 {
		return ""
	}
	return hex.EncodeToString(c.head[:])
}

func link(prev chainHash, e *Entry) chainHash {
	var buf [384]byte
	b := append(buf[:0], prev[:]...)
	b = appendEntry(b, e)
	sum := sha256.Sum256(b)
	return chainHash(sum[:hashLen])
}

func appendEntry(b []byte, e *Entry) []byte {
	b = canon.AppendStr(b, e.ID)
	b = canon.AppendStr(b, e.Ledger)
	b = canon.AppendStr(b, e.Op)
	b = append(b, byte(e.OpKind), byte(e.Kind), byte(e.Reason), byte(e.Role))
	b = canon.AppendTime(b, e.At)
	b = canon.AppendDec(b, e.Amount)
	b = canon.AppendDec(b, e.Asked)
	b = canon.AppendTime(b, e.Period)
	for _, s := range [...]string{e.Code, e.Customer, e.Other, e.Order, e.Key, e.Gift, e.Ref, e.Fingerprint} {
		b = canon.AppendStr(b, s)
	}
	return b
}

// place checks that e may come next in c's ledger, as entry n of its
// operation, and chains it: an operation's entry gets its Hash, a replayed
// one must carry the hash its content and place give.
func (c *chain) place(e *Entry, n int, allowed uint16, replay bool) error {
	if e.Ledger != c.ledger {
		return fmt.Errorf("entry %q is of ledger %q, this is %q", e.ID, e.Ledger, c.ledger)
	}
	if int(e.OpKind) >= len(opPrefixes) || e.OpKind == OpUnset || allowed&(1<<e.OpKind) == 0 ||
		!strings.HasPrefix(e.Op, opPrefixes[e.OpKind]) || len(e.Op) == len(opPrefixes[e.OpKind]) {
		return fmt.Errorf("operation %q (%v) does not belong in this ledger", e.Op, e.OpKind)
	}
	if !replay {
		e.ID = e.Op + "/" + strconv.Itoa(n)
	} else if e.ID != e.Op+"/"+strconv.Itoa(n) {
		return fmt.Errorf("entry %q is not entry %d of operation %q", e.ID, n, e.Op)
	}
	if e.At.IsZero() {
		return fmt.Errorf("entry %q has no time", e.ID)
	}
	h := link(c.head, e)
	if !replay {
		e.Hash = hex.EncodeToString(h[:])
	} else if !canon.HexIs(e.Hash, h[:]) {
		return fmt.Errorf("entry %q: its hash does not match its content and place: it, or an entry before it, was changed, removed or inserted", e.ID)
	}
	c.head = h
	c.entries++
	return nil
}

// fingerprinter builds the fingerprint of an operation's payload: every
// field in a fixed order, strings length-prefixed, decimals by value (10
// and 10.00 are the same amount), hashed with SHA-256.
type fingerprinter struct{ b []byte }

func newFingerprint(kind byte) *fingerprinter {
	f := &fingerprinter{b: make([]byte, 0, 128)}
	f.b = append(f.b, kind)
	return f
}

func (f *fingerprinter) str(s string) *fingerprinter { f.b = canon.AppendStr(f.b, s); return f }
func (f *fingerprinter) dec(d decimal.Decimal) *fingerprinter {
	f.b = canon.AppendDec(f.b, d)
	return f
}
func (f *fingerprinter) num(n int64) *fingerprinter {
	f.b = binary.AppendVarint(f.b, n)
	return f
}

func (f *fingerprinter) sum() string {
	h := sha256.Sum256(f.b)
	return hex.EncodeToString(h[:12])
}

// fold applies entries in order, each with its place n in its operation
// (an operation's entries are consecutive); a refused entry is
// ErrCorruptLedger, naming its index.
func fold(entries []Entry, apply func(e *Entry, n int) error) error {
	lastOp, n := "", 0
	for i := range entries {
		e := &entries[i]
		if e.Op == lastOp {
			n++
		} else {
			lastOp, n = e.Op, 0
		}
		if err := apply(e, n); err != nil {
			return fmt.Errorf("%w: entry %d: %w", ErrCorruptLedger, i, err)
		}
	}
	return nil
}
