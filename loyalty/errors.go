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
)

// FieldError is a configuration or input problem with one field.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return fmt.Sprintf("loyalty: %s %s", e.Field, e.Message) }

func (e *FieldError) Unwrap() error { return ErrInvalidInput }

// OpError is a refused operation: which one, and why (it unwraps to a
// sentinel).
type OpError struct {
	Op  string // the operation id
	Err error
	Msg string
}

func (e *OpError) Error() string { return fmt.Sprintf("%v: %s: %s", e.Err, e.Op, e.Msg) }

func (e *OpError) Unwrap() error { return e.Err }

func opErr(op string, sentinel error, format string, args ...any) error {
	return &OpError{Op: op, Err: sentinel, Msg: fmt.Sprintf(format, args...)}
}
