package inputerr

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	errA = errors.New("a: invalid input")
	errB = errors.New("b: invalid input")
)

type pkgA struct{}

func (pkgA) Name() string    { return "a" }
func (pkgA) Sentinel() error { return errA }

type pkgB struct{}

func (pkgB) Name() string    { return "b" }
func (pkgB) Sentinel() error { return errB }

// Each package's errors read with its prefix, unwrap to its sentinel and
// are a type of their own.
func TestPackagesStayApart(t *testing.T) {
	a := New[pkgA]("F", "x", "is %d, want at most %d", 7, 5)
	b := New[pkgB]("G", "y", "is empty")
	tests := []struct {
		name    string
		err     error
		text    string
		is, not error
		asA     bool
	}{
		{"a", a, "a: F: x is 7, want at most 5", errA, errB, true},
		{"b", b, "b: G: y is empty", errB, errA, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.text {
				t.Errorf("Error() = %q, want %q", got, tc.text)
			}
			if !errors.Is(tc.err, tc.is) || errors.Is(tc.err, tc.not) {
				t.Errorf("errors.Is: want %v and not %v", tc.is, tc.not)
			}
			var ea *Error[pkgA]
			if got := errors.As(tc.err, &ea); got != tc.asA {
				t.Errorf("errors.As(*Error[pkgA]) = %v, want %v", got, tc.asA)
			}
		})
	}
	var eb *Error[pkgB]
	if !errors.As(b, &eb) {
		t.Fatal("errors.As(*Error[pkgB]) = false")
	}
	if diff := cmp.Diff(&Error[pkgB]{Func: "G", Field: "y", Message: "is empty"}, eb); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}
