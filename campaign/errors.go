package campaign

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error an operation returns unwraps to one of
// them, and the state passed in is left as it was: nothing is recorded.
var (
	// ErrInvalidInput: a configuration or input that cannot be right (a
	// negative amount, an empty id, overlapping windows). A *FieldError
	// names the field.
	ErrInvalidInput = errors.New("campaign: invalid input")
	// ErrConflict: an operation id reused with another payload.
	ErrConflict = errors.New("campaign: operation id reused with a different payload")
	// ErrRefused: a business refusal (a coupon code expired, a customer
	// referred twice); a *RefusedError carries the [Reason].
	ErrRefused = errors.New("campaign: refused")
	// ErrUnknown: a release, cancellation or refund that names a
	// reservation or order the state does not know.
	ErrUnknown = errors.New("campaign: unknown reservation or order")
	// ErrTooLarge: a release larger than what is left of a grant, a refund
	// larger than what is left of an order.
	ErrTooLarge = errors.New("campaign: amount larger than what is left")
	// ErrMismatch: a state, snapshot or entry made under another
	// configuration (another budget or campaign id, unit, places, prefix).
	ErrMismatch = errors.New("campaign: state made under another configuration")
	// ErrCorruptLedger: entries these operations did not write (changed,
	// removed, reordered, inserted; amounts that do not add up).
	ErrCorruptLedger = errors.New("campaign: corrupt ledger")
	// ErrSnapshot: a snapshot that cannot be read.
	ErrSnapshot = errors.New("campaign: unreadable snapshot")
)

// FieldError is a configuration or input problem with one field.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return fmt.Sprintf("campaign: %s %s", e.Field, e.Message) }

// Unwrap returns [ErrInvalidInput].
func (e *FieldError) Unwrap() error { return ErrInvalidInput }

// OpError is a refused operation: which one (its operation id, such as
// "reserve:o1"), the sentinel it unwraps to, and why.
type OpError struct {
	Op  string
	Err error
	Msg string
}

func (e *OpError) Error() string { return fmt.Sprintf("%v: %s: %s", e.Err, e.Op, e.Msg) }

// Unwrap returns the sentinel.
func (e *OpError) Unwrap() error { return e.Err }

// RefusedError is a business refusal of a coupon or referral operation:
// the [Reason] a host branches on and a message for people. It unwraps to
// [ErrRefused].
type RefusedError struct {
	Op     string
	Reason Reason
	Msg    string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("campaign: %s refused (%v): %s", e.Op, e.Reason, e.Msg)
}

// Unwrap returns [ErrRefused].
func (e *RefusedError) Unwrap() error { return ErrRefused }

// ReasonOf is the reason of a refusal (a *RefusedError in err's chain), or
// [NoReason].
func ReasonOf(err error) Reason {
	var re *RefusedError
	if errors.As(err, &re) {
		return re.Reason
	}
	return NoReason
}

func opErr(op string, sentinel error, format string, args ...any) error {
	return &OpError{Op: op, Err: sentinel, Msg: fmt.Sprintf(format, args...)}
}

func refuse(op string, r Reason, format string, args ...any) error {
	return &RefusedError{Op: op, Reason: r, Msg: fmt.Sprintf(format, args...)}
}

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}
