// Package inputerr is the one definition of the public packages'
// InputError (metrics.InputError, segment.InputError): which function and
// which field an input error is about.
//
// Each public package instantiates [Error] with a marker type of its own,
// which gives the messages their prefix and the error its sentinel, and
// exports the instance under an alias:
//
//	type InputError = inputerr.Error[inputPkg]
//
// so each package's InputError stays a type of its own (errors.As with a
// *metrics.InputError does not match a segment error) while the code is
// written once.
package inputerr

import "fmt"

// Package is what a public package's marker type says about its input
// errors: Name prefixes their messages ("metrics"), Sentinel is what they
// unwrap to (metrics.ErrInput). The marker is an empty struct type.
type Package interface {
	Name() string
	Sentinel() error
}

// Error says which function and which field an input error is about; it
// reads "NAME: Func: Field Message" and unwraps to P's sentinel.
type Error[P Package] struct {
	Func    string // the function or method that refused the input: "Summarizer.Add"
	Field   string // the argument or field at fault: "Amount"
	Message string // what is wrong with it: "is negative (-1) for customer \"a\""
}

func (e *Error[P]) Error() string {
	var p P
	return fmt.Sprintf("%s: %s: %s %s", p.Name(), e.Func, e.Field, e.Message)
}

// Unwrap is P's sentinel, so that errors.Is(err, metrics.ErrInput) holds.
func (e *Error[P]) Unwrap() error {
	var p P
	return p.Sentinel()
}

// New is an *Error[P] about fn's field, its message formatted from format
// and args as by fmt.Sprintf.
func New[P Package](fn, field, format string, args ...any) error {
	return &Error[P]{Func: fn, Field: field, Message: fmt.Sprintf(format, args...)}
}
