package segment

import (
	"errors"
	"fmt"
)

// ErrInput is the sentinel every input error unwraps to.
var ErrInput = errors.New("segment: invalid input")

// InputError says which function and field an input error is about.
type InputError struct {
	Func, Field, Message string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("segment: %s: %s %s", e.Func, e.Field, e.Message)
}

func (e *InputError) Unwrap() error { return ErrInput }

func inputErr(fn, field, format string, args ...any) error {
	return &InputError{Func: fn, Field: field, Message: fmt.Sprintf(format, args...)}
}
