package rules

import (
	"fmt"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"github.com/shopspring/decimal"
)

// Threshold is one comparison in a condition of a number in the facts
// with a constant, `Field Op Value`, the field on the left: what a
// customer must reach (or stay under) to meet the condition.
type Threshold struct {
	// Field is the field as the condition names it: `Spend`,
	// `customer.Orders`, `Counters["visits"]`.
	Field string
	// Op is ">=", ">", "<=", "<" or "==".
	Op string
	// Value is the constant, exactly as written (`0.1` is one tenth), or
	// computed from constants (`100 * 12`).
	Value decimal.Decimal
	// Integer says the field is a whole number (an int); otherwise it is a
	// decimal.
	Integer bool
	read    *vm.Program // reads Field from the facts
}

// MaxClauses bounds the alternatives [Condition.Thresholds] expands a
// condition into: `(a || b) && (c || d)` is four.
const MaxClauses = 64

// flippedOps turns `Value Op Field` into `Field Op' Value`.
var flippedOps = map[string]string{">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "=="}

// thresholds reads a compiled, type-checked condition as an OR of ANDs of
// thresholds on numeric fields (int or decimal); false when it is
// anything else or expands past MaxClauses.
func (e *env) thresholds(n ast.Node) ([][]Threshold, bool) {
	var op string
	var l, r ast.Node
	switch x := n.(type) {
	case *ast.BinaryNode:
		switch x.Operator {
		case "||", "or", "&&", "and":
			a, ok1 := e.thresholds(x.Left)
			b, ok2 := e.thresholds(x.Right)
			if !ok1 || !ok2 {
				return nil, false
			}
			if x.Operator == "||" || x.Operator == "or" {
				return append(a, b...), len(a)+len(b) <= MaxClauses
			}
			if len(a)*len(b) > MaxClauses {
				return nil, false
			}
			var out [][]Threshold
			for _, p := range a {
				for _, q := range b {
					out = append(out, append(append([]Threshold(nil), p...), q...))
				}
			}
			return out, true
		}
		op, l, r = x.Operator, x.Left, x.Right
	case *ast.CallNode:
		if len(x.Arguments) != 2 {
			return nil, false
		}
		op, l, r = hiddenOps[calleeName(x)], x.Arguments[0], x.Arguments[1]
	default:
		return nil, false
	}
	flipped, ok := flippedOps[op]
	if !ok {
		return nil, false
	}
	if v, ok := constDec(r); ok && isField(l) {
		return e.threshold(l, op, v)
	}
	if v, ok := constDec(l); ok && isField(r) {
		return e.threshold(r, flipped, v)
	}
	return nil, false
}

func (e *env) threshold(field ast.Node, op string, v decimal.Decimal) ([][]Threshold, bool) {
	read, err := compiler.Compile(&parser.Tree{Node: field, Source: file.NewSource("")}, e.cfg)
	if err != nil {
		return nil, false
	}
	return [][]Threshold{{{Field: field.String(), Op: op, Value: v, Integer: field.Type() == intType, read: read}}}, true
}

// isField says whether n reads a number straight from the facts: a name,
// or a chain of field and constant-key accesses (`Counters["visits"]`).
func isField(n ast.Node) bool {
	if t := n.Type(); t != intType && t != decType {
		return false
	}
	return isPath(n)
}

func isPath(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return true
	case *ast.MemberNode:
		if x.Optional || x.Method {
			return false
		}
		switch x.Property.(type) {
		case *ast.StringNode, *ast.IntegerNode:
			return isPath(x.Node)
		}
	}
	return false
}

// Thresholds returns the condition in disjunctive normal form when it is
// made only of thresholds — comparisons of a numeric field (int or
// decimal) with a constant — joined by && and ||: a list of alternatives,
// any of which meets the condition, each a list of thresholds that must
// all hold. ok is false for any other condition (a helper call, a string
// comparison, a negation) or one that expands past [MaxClauses]. The
// result is the caller's to keep.
func (c *Condition[F]) Thresholds() (dnf [][]Threshold, ok bool) {
	if !c.dnfOK {
		return nil, false
	}
	out := make([][]Threshold, len(c.dnf))
	for i, clause := range c.dnf {
		out[i] = append([]Threshold(nil), clause...)
	}
	return out, true
}

// Measure reads a threshold's field from prepared facts: t must come from
// this condition's [Condition.Thresholds].
func (c *Condition[F]) Measure(t Threshold, p Prepared[F]) (decimal.Decimal, error) {
	if t.read == nil || p.env == nil {
		return decimal.Decimal{}, fmt.Errorf("%w: condition %q: a threshold of another condition, or facts not prepared", ErrEval, c.id)
	}
	m := c.run.get()
	v, err := run(m, t.read, p.env)
	c.run.put(m)
	if err != nil {
		return decimal.Decimal{}, evalError(c.id, PartWhen, c.src, err)
	}
	return toDec(v)
}
