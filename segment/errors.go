package segment

import (
	"errors"

	"github.com/loyalkit/loyalkit/internal/inputerr"
)

// ErrInput is the sentinel every input error unwraps to.
var ErrInput = errors.New("segment: invalid input")

// InputError says which function and which field an input error is about:
// its fields are Func (the function or method: "ProfileBuilder.Add"), Field
// (the argument or field at fault: "At") and Message (what is wrong). It
// reads "segment: Func: Field Message" and unwraps to [ErrInput]; get it
// with errors.As(err, new(*segment.InputError)).
//
// It is written once, in an internal package, for segment and metrics; each
// package's InputError is still a type of its own.
type InputError = inputerr.Error[inputPkg]

// inputPkg gives segment's input errors their prefix and sentinel.
type inputPkg struct{}

func (inputPkg) Name() string    { return "segment" }
func (inputPkg) Sentinel() error { return ErrInput }

func inputErr(fn, field, format string, args ...any) error {
	return inputerr.New[inputPkg](fn, field, format, args...)
}
