package rules

import (
	"errors"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/loyalkit/loyalkit/internal/checked"
)

// errIntOverflow is what integer arithmetic that leaves int64 fails with:
// expr's own would wrap around silently (9223372036854775807 + 1 is
// negative), and a rule would decide on a wrong number.
var errIntOverflow = errors.New("integer overflow")

// intFuncs maps the integer operators that can overflow to their checked
// hidden functions.
var intFuncs = map[string]string{"+": "_iadd", "-": "_isub", "*": "_imul"}

// checkedAdd, checkedSub and checkedMul are int arithmetic that fails
// with errIntOverflow where expr's would wrap around.
func checkedAdd(a, b int) (int, error) { return overflowed(checked.Add(a, b)) }
func checkedSub(a, b int) (int, error) { return overflowed(checked.Sub(a, b)) }
func checkedMul(a, b int) (int, error) { return overflowed(checked.Mul(a, b)) }

func overflowed(v int, ok bool) (int, error) {
	if !ok {
		return 0, errIntOverflow
	}
	return v, nil
}

// intOps returns the expr functions the checked integer operators are
// rewritten to (see exactLiterals).
func intOps() []expr.Option {
	two := func(f func(a, b int) (int, error)) func(p ...any) (any, error) {
		return func(p ...any) (any, error) { return f(p[0].(int), p[1].(int)) }
	}
	return []expr.Option{
		expr.Function("_iadd", two(checkedAdd), new(func(int, int) int)),
		expr.Function("_isub", two(checkedSub), new(func(int, int) int)),
		expr.Function("_imul", two(checkedMul), new(func(int, int) int)),
		expr.Function("_ineg", func(p ...any) (any, error) { return checkedSub(0, p[0].(int)) }, new(func(int) int)),
		// _isumadd is the step of sum(xs, body) over integers; the
		// accumulator is untyped inside reduce.
		expr.Function("_isumadd", func(p ...any) (any, error) {
			a, ok1 := p[0].(int)
			b, ok2 := p[1].(int)
			if !ok1 || !ok2 {
				return nil, errors.New("sum of non-integers")
			}
			return checkedAdd(a, b)
		}),
		expr.Function("_int", func(p ...any) (any, error) {
			if i, ok := p[0].(int); ok {
				return i, nil
			}
			return nil, errors.New("not an integer")
		}, new(func(any) int)),
	}
}

// checkInts rewrites integer arithmetic that can overflow into calls of
// the checked functions; it returns whether it changed node.
func (p *exactLiterals) checkInts(node *ast.Node) bool {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		if f, ok := intFuncs[n.Operator]; ok && isInt(n.Left) && isInt(n.Right) {
			*node = p.call(n, f, intType, n.Left, n.Right)
			return true
		}
	case *ast.UnaryNode:
		if n.Operator == "-" && isInt(n.Node) {
			if _, lit := n.Node.(*ast.IntegerNode); !lit { // -5 stays a literal
				*node = p.call(n, "_ineg", intType, n.Node)
				return true
			}
		}
	case *ast.BuiltinNode:
		if n.Name == "sum" && len(n.Arguments) == 1 && isInt(n) { // sum(xs) = sum(xs, #)
			elem := &ast.PointerNode{}
			elem.SetType(intType)
			n.Arguments = append(n.Arguments, &ast.PredicateNode{Node: elem})
		}
		if n.Name == "sum" && len(n.Arguments) == 2 {
			if pred, ok := n.Arguments[1].(*ast.PredicateNode); ok && isInt(pred.Node) {
				add := p.call(pred.Node, "_isumadd", intType, &ast.PointerNode{Name: "acc"}, pred.Node)
				zero := &ast.IntegerNode{Value: 0}
				zero.SetType(intType)
				fold := &ast.BuiltinNode{Name: "reduce", Arguments: []ast.Node{n.Arguments[0], &ast.PredicateNode{Node: add}, zero}}
				fold.SetLocation(n.Location())
				*node = p.call(n, "_int", intType, fold)
				return true
			}
		}
	}
	return false
}
