package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
)

// A programme that does not compile is refused with every problem at
// once, as the library reports them (loyalty.Compile: the settings'
// *loyalty.FieldError values and the rules' *rules.CompileError), each
// placed where an editor shows it: a rule error with the index of its
// rule in the programme's list, a settings error with its field. PUT
// /v1/program and the playground's check and try give the same list.

// ruleProblem is one rule error, with the index of its rule in the
// programme's list (-1 when it is about the list as a whole) and a caret
// line that points at its column under its source line.
type ruleProblem struct {
	Index int
	Caret string
	Err   *rules.RuleError
}

// MarshalJSON writes the library's JSON of the rule error with rule_index
// and caret added: {"rule_index":2,"caret":"      ^","rule_id":…}.
func (p ruleProblem) MarshalJSON() ([]byte, error) {
	if p.Err == nil {
		return nil, errors.New("a rule problem without its error")
	}
	b, err := json.Marshal(p.Err)
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf(`{"rule_index":%d,`, p.Index)
	if p.Caret != "" {
		c, _ := json.Marshal(p.Caret)
		head += `"caret":` + string(c) + ","
	}
	return append([]byte(head), b[1:]...), nil // b is an object with rule_id, part and message
}

// UnmarshalJSON reads what MarshalJSON writes.
func (p *ruleProblem) UnmarshalJSON(b []byte) error {
	var x struct {
		Index int    `json:"rule_index"`
		Caret string `json:"caret"`
	}
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	p.Index, p.Caret, p.Err = x.Index, x.Caret, new(rules.RuleError)
	return p.Err.UnmarshalJSON(b)
}

// fieldProblem is one error in the programme's settings.
type fieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// caret is the line that puts a ^ under the error's column of its source
// line (columns count runes, as the rules package does; tabs are kept so
// that the caret lines up under them), or "" when the error has no
// position.
func caret(e *rules.RuleError) string {
	if e.Line < 1 || e.Column < 1 || e.Source == "" {
		return ""
	}
	var b strings.Builder
	n := 0
	for _, r := range e.Source {
		if n == e.Column-1 {
			break
		}
		if r == '\t' {
			b.WriteRune('\t')
		} else {
			b.WriteRune(' ')
		}
		n++
	}
	b.WriteString(strings.Repeat(" ", e.Column-1-n)) // a position just past the end
	b.WriteByte('^')
	return b.String()
}

// programError sorts the problems of a programme that did not compile
// (rs are its rules, in the order sent) into a 422, or returns nil when
// err holds none.
func programError(rs []rules.Rule, err error) *apiError {
	var rerrs []*rules.RuleError
	var fields []fieldProblem
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case *rules.CompileError:
			rerrs = append(rerrs, x.Errors...)
			return
		case *rules.RuleError:
			rerrs = append(rerrs, x)
			return
		case *loyalty.FieldError:
			fields = append(fields, fieldProblem{Field: x.Field, Message: x.Message})
			return
		case interface{ Unwrap() []error }:
			for _, c := range x.Unwrap() {
				walk(c)
			}
			return
		}
		if u := errors.Unwrap(e); u != nil {
			walk(u)
		}
	}
	walk(err)
	if len(rerrs) == 0 && len(fields) == 0 {
		return nil
	}
	ae := &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input", Fields: fields,
		Message: "the programme's settings are refused: see field_errors"}
	if len(rerrs) > 0 {
		ae.Code, ae.Message = "invalid_rules", "the programme's rules do not compile: see rule_errors"
		if len(fields) > 0 {
			ae.Message += " and field_errors"
		}
	}
	for i, at := range ruleIndexes(rs, rerrs) {
		ae.Rules = append(ae.Rules, ruleProblem{Index: at, Caret: caret(rerrs[i]), Err: rerrs[i]})
	}
	return ae
}

// ruleIndexes finds the rule each error is about. Errors name rules by id;
// when ids are unique that is the answer. When several rules share an id
// (or have none), the errors still come in rule order (rules.CompileError),
// and each is given to the first of those rules, from the previous error's
// rule on, that reports it when compiled alone; an error no rule reports
// alone is about the set (a duplicate id): it goes to the first repeat of
// the id from there. -1: no rule has the id. At most maxAlone rules are
// compiled alone (a programme of a thousand rules with one id costs no
// more than a few ordinary ones); past that, an error goes to the first
// rule with its id from the previous error's rule on.
func ruleIndexes(rs []rules.Rule, errs []*rules.RuleError) []int {
	const maxAlone = 64
	compiled := 0
	byID := map[string][]int{}
	for i, r := range rs {
		byID[r.ID] = append(byID[r.ID], i)
	}
	alone := map[int][]*rules.RuleError{} // the errors of rule i compiled alone, not yet matched
	aloneErrs := func(i int) []*rules.RuleError {
		if errs, ok := alone[i]; ok {
			return errs
		}
		if compiled++; compiled > maxAlone {
			return nil
		}
		_, err := rules.Compile[loyalty.Facts]([]rules.Rule{rs[i]})
		var ce *rules.CompileError
		if errors.As(err, &ce) {
			alone[i] = ce.Errors
		} else {
			alone[i] = []*rules.RuleError{}
		}
		return alone[i]
	}
	out := make([]int, len(errs))
	from := 0
	for k, e := range errs {
		at := byID[e.RuleID]
		out[k] = -1
		switch {
		case len(at) == 1:
			out[k] = at[0]
		case len(at) > 1:
		find:
			for _, i := range at {
				if i < from {
					continue
				}
				for j, x := range aloneErrs(i) {
					if sameRuleError(x, e) {
						alone[i] = append(alone[i][:j:j], alone[i][j+1:]...)
						out[k] = i
						break find
					}
				}
			}
			if out[k] < 0 {
				first := at[1:]
				if compiled > maxAlone {
					first = at
				}
				for _, i := range first {
					if i >= from {
						out[k] = i
						break
					}
				}
			}
		}
		if out[k] >= 0 {
			from = out[k]
		}
	}
	return out
}

func sameRuleError(a, b *rules.RuleError) bool {
	return a.RuleID == b.RuleID && a.Part == b.Part && a.Line == b.Line && a.Column == b.Column &&
		a.Message == b.Message && a.Source == b.Source && a.Err == b.Err
}
