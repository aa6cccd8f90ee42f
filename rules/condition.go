package rules

import (
	"fmt"

	"github.com/expr-lang/expr/vm"
)

// Condition is one compiled boolean expression over facts of type F, for
// callers that need only a yes or no (segments, eligibility checks). It is
// immutable and safe for concurrent use.
type Condition[F any] struct {
	id, src string
	prog    *vm.Program
	run     *runner
	dnf     [][]Threshold // see Thresholds
	dnfOK   bool
}

// CompileCondition compiles one condition under the same rules, limits and
// helpers as a [Set]; id names it in errors.
func CompileCondition[F any](id, src string, opts ...Option) (*Condition[F], error) {
	o := buildOptions(opts)
	e, err := newEnv[F](o.limits)
	if err != nil {
		return nil, err
	}
	p, _, re := e.compile(id, PartWhen, src, boolTypes, "a bool")
	if re != nil {
		re.Subject = "condition"
		return nil, &CompileError{Errors: []*RuleError{re}}
	}
	c := &Condition[F]{id: id, src: src, prog: p, run: newRunner(o.limits.MemoryBudget)}
	c.dnf, c.dnfOK = e.thresholds(p.Node())
	return c, nil
}

// ID returns the name the condition was compiled with.
func (c *Condition[F]) ID() string { return c.id }

// Prepared is a facts value made ready for evaluation: the facts are
// copied once into an interface value, which conditions then read without
// copying again. Prepare a value once to match it against many conditions.
type Prepared[F any] struct{ env any }

// Prepare readies f for [Condition.Match].
func Prepare[F any](f F) Prepared[F] { return Prepared[F]{env: f} }

// Match evaluates the condition on prepared facts. It reads the facts
// without allocating when the condition reads only plain fields. A run-time
// failure is a [*RuleError] wrapping [ErrEval]; a condition that needs an
// unknown value (a zero date given to a date helper) returns false and a
// [*RuleError] wrapping [ErrUnknown].
func (c *Condition[F]) Match(p Prepared[F]) (bool, error) {
	if p.env == nil {
		return false, fmt.Errorf("%w: condition %q: facts not prepared", ErrEval, c.id)
	}
	m := c.run.get()
	v, err := run(m, c.prog, p.env)
	c.run.put(m)
	if err != nil {
		return false, evalError(c.id, PartWhen, c.src, err)
	}
	return v == true, nil
}
