package rules

import "github.com/shopspring/decimal"

// Limits bound what rules may cost. Rules are untrusted strings written by
// shop staff, so every bound has a default; a zero field takes it.
type Limits struct {
	// MaxSourceLen is the longest expression, in bytes (default 2048).
	MaxSourceLen int
	// MaxNodes is the largest expression tree (default 200 nodes).
	MaxNodes int
	// MaxDepth is the deepest bracket nesting (default 32).
	MaxDepth int
	// MaxRules is the largest rule set (default 1000).
	MaxRules int
	// MemoryBudget is the expr VM's memory budget for one evaluation of one
	// expression, in its units of roughly one collection element
	// (default 10000). Exceeding it is an evaluation error.
	MemoryBudget uint
	// MaxRuleSteps and MaxSteps bound the estimated cost of evaluating
	// one rule, and all the rules of one Eval, on facts that implement
	// [Sizer] (defaults 100 000 and 1 000 000): a step is one expression
	// node, and a predicate over a collection of n elements costs its
	// nodes n times. A rule that would go past either budget is not run: it
	// fails with [ErrEval] (contained unless [Strict]), so a huge order
	// costs at most the budget, not a rule set times its lines.
	MaxRuleSteps int
	MaxSteps     int
	// MaxProgramNodes bounds the whole rule set: the expression nodes of
	// all its rules together (default 6 000, which keeps compiling a set
	// under ~50 ms and one evaluation under ~1 ms on orders of a few lines;
	// see BenchmarkProgramBudget). A typical rule has 5 to 30 nodes.
	MaxProgramNodes int
	// MaxValue is the largest value one rule may produce: points for an
	// accrual, money for an amount discount (default 1 000 000 000). A
	// larger result is an error, never a posting.
	MaxValue decimal.Decimal
}

// DefaultLimits are the limits [Compile] uses unless told otherwise.
func DefaultLimits() Limits {
	return Limits{
		MaxSourceLen: 2048,
		MaxNodes:     200,
		MaxDepth:     32,
		MaxRules:     1000,
		MemoryBudget: 10_000,
		MaxRuleSteps: 100_000,
		MaxSteps:     1_000_000,
		MaxValue:     decimal.NewFromInt(1_000_000_000),

		MaxProgramNodes: 6_000,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxSourceLen <= 0 {
		l.MaxSourceLen = d.MaxSourceLen
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = d.MaxNodes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxRules <= 0 {
		l.MaxRules = d.MaxRules
	}
	if l.MemoryBudget == 0 {
		l.MemoryBudget = d.MemoryBudget
	}
	if l.MaxRuleSteps <= 0 {
		l.MaxRuleSteps = d.MaxRuleSteps
	}
	if l.MaxSteps <= 0 {
		l.MaxSteps = d.MaxSteps
	}
	if l.MaxProgramNodes <= 0 {
		l.MaxProgramNodes = d.MaxProgramNodes
	}
	if !l.MaxValue.IsPositive() {
		l.MaxValue = d.MaxValue
	}
	return l
}

// Option configures [Compile] and [CompileCondition].
type Option func(*options)

type options struct {
	limits Limits
	strict bool
}

// WithLimits replaces the default limits; zero fields keep their default.
func WithLimits(l Limits) Option {
	return func(o *options) { o.limits = l }
}

// Strict makes [Set.Eval] fail closed: the first rule that fails at run
// time (an [ErrEval] or [ErrResult] error) makes Eval return that
// [*RuleError] and no outcome, as Eval did before failures were contained.
// Without it a failing rule is contained: it contributes nothing, its step
// is [StatusFailed] and the error is listed in [Outcome].Failures. A rule
// that needs an unknown value ([StatusUnknown]) is not a failure in either
// mode. Strict has no effect on [CompileCondition].
func Strict() Option {
	return func(o *options) { o.strict = true }
}

func buildOptions(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	o.limits = o.limits.withDefaults()
	return o
}
