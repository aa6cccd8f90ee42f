package raffle

import (
	"errors"

	"github.com/loyalkit/loyalkit/internal/inputerr"
)

// ErrInput is the sentinel every input error unwraps to.
var ErrInput = errors.New("raffle: invalid input")

// ErrMismatch: a record does not match the seed, the participants or the
// winners it is checked against ([Verify]).
var ErrMismatch = errors.New("raffle: the record does not check out")

// InputError says which function and which field an input error is about
// (Func "Draw", Field "participants[3].Tickets", and the Message). It reads
// "raffle: Func: Field Message" and unwraps to [ErrInput].
type InputError = inputerr.Error[inputPkg]

type inputPkg struct{}

func (inputPkg) Name() string    { return "raffle" }
func (inputPkg) Sentinel() error { return ErrInput }

func inputErr(fn, field, format string, args ...any) error {
	return inputerr.New[inputPkg](fn, field, format, args...)
}
