package touch

import (
	"errors"

	"github.com/loyalkit/loyalkit/internal/inputerr"
)

// ErrInput is the sentinel every input error unwraps to.
var ErrInput = errors.New("touch: invalid input")

// InputError says which function and which field an input error is about
// (Func "Compile", Field "Limits.Daily" or "customers[3].Summary.Unit",
// and the Message). It reads "touch: Func: Field Message" and unwraps to
// [ErrInput].
type InputError = inputerr.Error[inputPkg]

type inputPkg struct{}

func (inputPkg) Name() string    { return "touch" }
func (inputPkg) Sentinel() error { return ErrInput }

func inputErr(fn, field, format string, args ...any) error {
	return inputerr.New[inputPkg](fn, field, format, args...)
}
