package metrics

import (
	"errors"
	"fmt"
)

// ErrInput is the sentinel every input error unwraps to: an impossible
// count, an empty sample, a score outside its scale, a rate that looks like
// a percent, an unsorted log.
var ErrInput = errors.New("metrics: invalid input")

// ErrFit is returned when a model cannot be fitted: too little data, or an
// optimisation that does not converge.
var ErrFit = errors.New("metrics: fit failed")

// InputError says which function and which field an input error is about.
type InputError struct {
	Func    string
	Field   string
	Message string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("metrics: %s: %s %s", e.Func, e.Field, e.Message)
}

func (e *InputError) Unwrap() error { return ErrInput }

func inputErr(fn, field, format string, args ...any) error {
	return &InputError{Func: fn, Field: field, Message: fmt.Sprintf(format, args...)}
}
