package loyalty

import (
	"time"

	"github.com/loyalkit/loyalkit/internal/enum"
	"github.com/shopspring/decimal"
)

// Entry is one line of the append-only points ledger. Operations return
// entries for the host to persist; the account is the fold of its entries
// ([Program.Replay]). IDs are deterministic: the operation id and the
// entry's position in it, so a retried operation yields the same ids.
type Entry struct {
	ID string `json:"id"`
	// Customer is the customer the account belongs to (Customer.ID of
	// its first operation).
	Customer string `json:"customer"`
	// Op is the operation that wrote the entry: "order:<id>",
	// "refund:<id>", "redeem:<id>", "unredeem:<id>", "hold:<id>",
	// "capture:<id>", "release:<id>", "event:<id>", "expire:<time>",
	// "review:<time>".
	Op     string    `json:"op"`
	OpKind OpKind    `json:"op_kind"`
	Kind   EntryKind `json:"kind"`
	// Points is the change to the customer's points, signed: positive for
	// earnings, negative for redemptions, expiry, reversals and debt; 0 for
	// records and tier changes.
	Points decimal.Decimal `json:"points"`
	// Lot is the earning (its entry id) the points come from or go to.
	Lot    string    `json:"lot,omitempty"`
	RuleID string    `json:"rule_id,omitempty"`
	At     time.Time `json:"at"`
	// AvailableAt and ExpiresAt are set on earnings; ExpiresAt also on a
	// hold's record (when the hold lapses).
	AvailableAt time.Time `json:"available_at,omitzero"`
	ExpiresAt   time.Time `json:"expires_at,omitzero"`
	// Order is the order a purchase, refund or earning concerns.
	Order string `json:"order,omitempty"`
	// Money is, on an operation's record: the goods' total before
	// discounts (purchase), the money refunded (refund), the money the
	// points pay (redemption, hold, capture, cancelled redemption).
	Money decimal.Decimal `json:"money,omitzero"`
	// PointsPaid is the money a purchase's points paid (on its record):
	// Money − Discount − PointsPaid is the money the customer paid.
	PointsPaid decimal.Decimal `json:"points_paid,omitzero"`
	// Held is the points a hold reserves (on its record); ExpiresAt is
	// then when the hold lapses.
	Held decimal.Decimal `json:"held,omitzero"`
	// Ref is the operation this one refers to: the redemption or capture
	// that paid for a purchase, the hold a capture or release resolves,
	// the redemption a Restore puts points back from.
	Ref string `json:"ref,omitempty"`
	// Lines are a purchase's lines (on its record), so that refunds can be
	// made by line, or the lines a refund by line returned (on its record).
	Lines []Line `json:"lines,omitempty"`
	// Discount and Gifts are what a purchase's rules granted (on its
	// record), so a retry can return them.
	Discount decimal.Decimal `json:"discount,omitzero"`
	Gifts    []string        `json:"gifts,omitempty"`
	// Uses are the limited rules that applied on a purchase or event (on
	// its record), and what each gave: what the rules' limits count.
	Uses []RuleUse `json:"uses,omitempty"`
	// Goals are what a purchase added to the programme's goals (on its
	// record).
	Goals []GoalStep `json:"goals,omitempty"`
	// Tier is the new tier (tier entries), or on a purchase's record the
	// tier the purchase still qualifies for (it restarts the grace period).
	Tier string `json:"tier,omitempty"`
	// Fingerprint identifies the operation's payload (on its record), so
	// that reusing an id with another payload is caught.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Hash chains the entry to the one before it (see [ErrCorruptLedger]
	// and [Account.Head]): a replay refuses an entry whose hash does not
	// match.
	Hash string `json:"hash"`
}

// EntryKind is the closed set of ledger entry kinds.
type EntryKind uint8

// The entry kinds. The zero value is unset.
const (
	EntryUnset    EntryKind = iota
	Record                  // the operation itself: its id, payload fingerprint, order money
	Earn                    // points earned into a new lot
	Repay                   // earned points taken off their lot to pay a debt (with Settle)
	Settle                  // the debt paid by a Repay: +points, so the two legs net to zero
	Redeem                  // points spent
	Expire                  // the unspent remainder of a lot expired
	Reverse                 // points clawed back by a refund
	Debt                    // a refund's shortfall recorded as debt (negative balance)
	WriteOffEntry           // a refund's shortfall written off (the customer keeps it)
	TierChange              // the customer's tier changed
	Restore                 // redeemed points put back into their lot (a cancelled redemption)
)

var entryNames = [...]string{"unset", "record", "earn", "repay", "settle", "redeem", "expire", "reverse", "debt", "write_off", "tier", "restore"}

func (k EntryKind) String() string               { return enum.String(k, "EntryKind", entryNames[:]) }
func (k EntryKind) MarshalText() ([]byte, error) { return enum.Marshal("loyalty", k, entryNames[:]) }
func (k *EntryKind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Parse[EntryKind]("loyalty", "entry kind", string(b), entryNames[:], false)
	return err
}

// OpKind is the closed set of operations.
type OpKind uint8

// The operations.
const (
	OpUnset OpKind = iota
	OpPurchase
	OpRefund
	OpRedeem
	OpExpire
	OpEvent
	OpReview
	OpCancelRedemption
	OpHold
	OpCapture
	OpRelease
	OpReverse
)

var opNames = [...]string{"unset", "purchase", "refund", "redeem", "expire", "event", "review", "cancel_redemption", "hold", "capture", "release", "reverse"}

func (k OpKind) String() string               { return enum.String(k, "OpKind", opNames[:]) }
func (k OpKind) MarshalText() ([]byte, error) { return enum.Marshal("loyalty", k, opNames[:]) }
func (k *OpKind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Parse[OpKind]("loyalty", "operation kind", string(b), opNames[:], false)
	return err
}
