package metrics

import (
	"errors"

	"github.com/loyalkit/loyalkit/internal/inputerr"
)

// ErrInput is the sentinel every input error unwraps to: an impossible
// count, an empty sample, a score outside its scale, a rate that looks like
// a percent, an unsorted log.
var ErrInput = errors.New("metrics: invalid input")

// ErrFit is returned when a model cannot be fitted: too little data, or an
// optimisation that does not converge.
var ErrFit = errors.New("metrics: fit failed")

// InputError says which function and which field an input error is about:
// its fields are Func (the function or method: "Summarizer.Add"), Field
// (the argument or field at fault: "Amount") and Message (what is wrong).
// It reads "metrics: Func: Field Message" and unwraps to [ErrInput]; get it
// with errors.As(err, new(*metrics.InputError)).
//
// It is written once, in an internal package, for metrics and segment; each
// package's InputError is still a type of its own.
type InputError = inputerr.Error[inputPkg]

// inputPkg gives metrics' input errors their prefix and sentinel.
type inputPkg struct{}

func (inputPkg) Name() string    { return "metrics" }
func (inputPkg) Sentinel() error { return ErrInput }

func inputErr(fn, field, format string, args ...any) error {
	return inputerr.New[inputPkg](fn, field, format, args...)
}
