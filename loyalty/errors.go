package loyalty

import (
	"errors"
	"fmt"
)

// Sentinel errors: every refusal unwraps to one of them, and the account
// the caller holds is untouched.
var (
	ErrInvalidInput       = errors.New("loyalty: invalid input")
	ErrConflict           = errors.New("loyalty: operation id reused with a different payload")
	ErrUnknownOrder       = errors.New("loyalty: unknown order")
	ErrRefundTooLarge     = errors.New("loyalty: refund larger than what is left of the order")
	ErrInsufficientPoints = errors.New("loyalty: insufficient points")
	ErrPolicy             = errors.New("loyalty: refused by the redemption policy")
	ErrUnknownTier        = errors.New("loyalty: unknown tier")
	ErrCurrency           = errors.New("loyalty: money in another currency than the programme's")
	ErrUnknownRedemption  = errors.New("loyalty: unknown redemption")
	ErrUnknownHold        = errors.New("loyalty: unknown hold")
	ErrUnknownEvent       = errors.New("loyalty: unknown event")
	ErrReversed           = errors.New("loyalty: already reversed")
	ErrHoldResolved       = errors.New("loyalty: hold already captured or released")
	ErrHoldLapsed         = errors.New("loyalty: hold lapsed")
	// ErrProgramMismatch: an account or snapshot made under another
	// programme (another currency, points places, money places or tiers).
	ErrProgramMismatch = errors.New("loyalty: account made under another programme")
	// ErrSnapshot: a snapshot that cannot be read (corrupted, truncated,
	// or of a format version this code does not know).
	ErrSnapshot = errors.New("loyalty: unreadable snapshot")
	// ErrRule: a rule failed at run time and the programme is strict
	// (Config.StrictRules); the error also unwraps to the rule's
	// *rules.RuleError.
	ErrRule = errors.New("loyalty: a rule failed")
)

// FieldError is a configuration or input problem with one field.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return fmt.Sprintf("loyalty: %s %s", e.Field, e.Message) }

func (e *FieldError) Unwrap() error { return ErrInvalidInput }

// OpError is a refused operation: which one, and why. It unwraps to a
// sentinel (Err) and, when another error caused it, to that cause too, so
// errors.Is and errors.As see both.
type OpError struct {
	Op    string // the operation id
	Err   error  // the sentinel
	Msg   string
	Cause error // what caused it, if anything (e.g. a *rules.RuleError)
}

func (e *OpError) Error() string { return fmt.Sprintf("%v: %s: %s", e.Err, e.Op, e.Msg) }

// Unwrap returns the sentinel and the cause.
func (e *OpError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

func opErr(op string, sentinel error, format string, args ...any) error {
	return &OpError{Op: op, Err: sentinel, Msg: fmt.Sprintf(format, args...)}
}

// opCause is opErr for an error caused by err: the message is err's, and
// err stays reachable through errors.Is and errors.As.
func opCause(op string, sentinel, err error) error {
	return &OpError{Op: op, Err: sentinel, Msg: err.Error(), Cause: err}
}
