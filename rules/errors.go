package rules

import (
	"encoding/json"
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

// sentinels names the sentinel errors for JSON.
var sentinels = []struct {
	name string
	err  error
}{
	{"invalid_rule", ErrInvalidRule}, {"syntax", ErrSyntax}, {"type", ErrType}, {"forbidden", ErrForbidden},
	{"inexact", ErrInexact}, {"eval", ErrEval}, {"result", ErrResult}, {"unknown", ErrUnknown},
}

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
	fmt.Fprintf(&b, "rules: %s %q %s", subject, clip(e.RuleID), e.Part)
	if e.Line > 0 {
		fmt.Fprintf(&b, " %d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	if e.Line > 0 && e.Source != "" {
		line, col := caretWindow(e.Source, e.Column)
		b.WriteString("\n | ")
		b.WriteString(line)
		b.WriteString("\n | ")
		b.WriteString(strings.Repeat(".", max(col-1, 0)))
		b.WriteString("^")
	}
	return b.String()
}

// caretContext is how many runes either side of the position an error
// shows of a long line.
const caretContext = 32

// caretWindow returns the part of a source line an error shows, and the
// 1-based column of the position in it: the whole line when it is short,
// else caretContext runes either side of the position, with "…" where it
// was cut.
func caretWindow(src string, col int) (string, int) {
	runes := []rune(src)
	if len(runes) <= 2*caretContext+1 || col < 1 || col > len(runes)+1 {
		return src, col
	}
	from, to := max(col-1-caretContext, 0), min(col-1+caretContext, len(runes))
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	b.WriteString(string(runes[from:to]))
	if to < len(runes) {
		b.WriteString("…")
	}
	newCol := col - from
	if from > 0 {
		newCol++ // the "…"
	}
	return b.String(), newCol
}

func (e *RuleError) Unwrap() error { return e.Err }

// ruleErrorJSON is the JSON shape of a RuleError.
type ruleErrorJSON struct {
	Subject string `json:"subject,omitempty"`
	RuleID  string `json:"rule_id"`
	Part    Part   `json:"part"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
	Source  string `json:"source,omitempty"`
	Error   string `json:"error,omitempty"`
}

// MarshalJSON writes the error as an object with the fields subject,
// rule_id, part, line, column, message and source (empty subject, zero
// line and column and empty source left out) and error, the sentinel's
// name: invalid_rule, syntax, type, forbidden, inexact, eval, result or
// unknown. An Err that is none of the sentinels and wraps none of them is
// an error.
func (e *RuleError) MarshalJSON() ([]byte, error) {
	j := ruleErrorJSON{Subject: e.Subject, RuleID: e.RuleID, Part: e.Part, Line: e.Line, Column: e.Column,
		Message: e.Message, Source: e.Source}
	if e.Err != nil {
		j.Error = sentinelName(e.Err)
		if j.Error == "" {
			return nil, fmt.Errorf("rules: cannot marshal rule error %q: %v is not a rules sentinel error", e.RuleID, e.Err)
		}
	}
	return json.Marshal(j)
}

func sentinelName(err error) string {
	for _, s := range sentinels {
		if err == s.err {
			return s.name
		}
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return ""
}

// UnmarshalJSON reads what MarshalJSON writes; Err becomes the sentinel
// named by error, so errors.Is works on a decoded error. An unknown name
// is an error.
func (e *RuleError) UnmarshalJSON(b []byte) error {
	var j ruleErrorJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	var sentinel error
	if j.Error != "" {
		for _, s := range sentinels {
			if s.name == j.Error {
				sentinel = s.err
			}
		}
		if sentinel == nil {
			return fmt.Errorf("rules: unknown error %q", j.Error)
		}
	}
	*e = RuleError{Subject: j.Subject, RuleID: j.RuleID, Part: j.Part, Line: j.Line, Column: j.Column,
		Message: j.Message, Source: j.Source, Err: sentinel}
	return nil
}

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

// sourceLine returns the 1-based line of src (without allocating).
func sourceLine(src string, line int) string {
	for i := 1; ; i++ {
		l, rest, more := strings.Cut(src, "\n")
		if i == line {
			return l
		}
		if !more {
			return ""
		}
		src = rest
	}
}
