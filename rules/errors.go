package rules

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors: callers branch on them with errors.Is; a [*RuleError]
// wraps one of them and adds the rule, the expression and the position.
var (
	// ErrInvalidRule: a rule definition is malformed (missing id, duplicate
	// id, unknown kind, unit or stacking, an impossible window or cap).
	ErrInvalidRule = errors.New("rules: invalid rule")
	// ErrSyntax: an expression does not parse.
	ErrSyntax = errors.New("rules: syntax error")
	// ErrType: an expression does not type-check against the facts, or its
	// result type does not fit the rule's kind.
	ErrType = errors.New("rules: type error")
	// ErrForbidden: an expression uses something rules may not use (method
	// calls, ranges, let, $env, nested predicates, builtins outside the
	// allowlist) or is beyond the size limits.
	ErrForbidden = errors.New("rules: forbidden construct")
	// ErrInexact: an expression would compute money in float64.
	ErrInexact = errors.New("rules: inexact arithmetic")
	// ErrEval: a rule failed while being evaluated (division by zero, the
	// memory budget, a recovered panic).
	ErrEval = errors.New("rules: evaluation failed")
	// ErrResult: a rule produced a value that cannot be posted (negative,
	// above the limit, a percent over 100, an empty gift or tier).
	ErrResult = errors.New("rules: invalid result")
	// ErrUnknown: a rule needed a value that is unknown, such as a zero
	// time.Time (a birthday not on file) given to a date helper. The rule
	// does not apply ([StatusUnknown]); it is not a failure.
	ErrUnknown = errors.New("rules: unknown value")
)

// Part names which part of a rule an error is about.
type Part string

// The parts of a rule an error can point at.
const (
	PartDefinition Part = "definition"
	PartWhen       Part = "when"
	PartValue      Part = "value"
)

// RuleError is one problem with one rule: which rule, which expression,
// where in it (1-based line and column, 0 when not about a position) and
// what. It unwraps to one of the sentinel errors.
type RuleError struct {
	// Subject is what RuleID names ("rule" when empty; "condition" for
	// CompileCondition, or what the caller calls its conditions).
	Subject string
	RuleID  string
	Part    Part
	Line    int
	Column  int
	Message string
	// Source is the expression line the position points into, if any.
	Source string
	Err    error // the sentinel
}

func (e *RuleError) Error() string {
	var b strings.Builder
	subject := e.Subject
	if subject == "" {
		subject = "rule"
	}
	fmt.Fprintf(&b, "rules: %s %q %s", subject, e.RuleID, e.Part)
	if e.Line > 0 {
		fmt.Fprintf(&b, " %d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	if e.Line > 0 && e.Source != "" {
		b.WriteString("\n | ")
		b.WriteString(e.Source)
		b.WriteString("\n | ")
		b.WriteString(strings.Repeat(".", max(e.Column-1, 0)))
		b.WriteString("^")
	}
	return b.String()
}

func (e *RuleError) Unwrap() error { return e.Err }

// brief is the error on one line without the rule: the part, the position
// and the message, as a trace step shows it.
func (e *RuleError) brief() string {
	s := string(e.Part)
	if e.Line > 0 {
		s += fmt.Sprintf(" %d:%d", e.Line, e.Column)
	}
	return s + ": " + e.Message
}

// CompileError holds every problem [Compile] found, in rule order.
type CompileError struct {
	Errors []*RuleError
}

func (e *CompileError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, r := range e.Errors {
		parts[i] = r.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap lets errors.Is and errors.As look at every rule error.
func (e *CompileError) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, r := range e.Errors {
		out[i] = r
	}
	return out
}

// sourceLine returns the 1-based line of src.
func sourceLine(src string, line int) string {
	for i, l := range strings.Split(src, "\n") {
		if i+1 == line {
			return l
		}
	}
	return ""
}
