package rules

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// divPrecision is the number of decimal places a division keeps (rounded
// half away from zero). Money that divides exactly (x / 100) is unchanged.
const divPrecision = 16

var (
	decType   = reflect.TypeOf(decimal.Decimal{})
	boolType  = reflect.TypeOf(false)
	intType   = reflect.TypeOf(0)
	floatType = reflect.TypeOf(0.0)
)

// toDec converts an operand of a money operator to a decimal. Floats come
// only from float64 facts (literals are decimals already, see exactLiterals).
func toDec(v any) (decimal.Decimal, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x, nil
	case int:
		return decimal.NewFromInt(int64(x)), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return decimal.Decimal{}, fmt.Errorf("non-finite number %v", x)
		}
		return decimal.NewFromFloat(x), nil
	}
	return decimal.Decimal{}, fmt.Errorf("%T is not a number", v)
}

func dec2(p []any) (a, b decimal.Decimal, err error) {
	if a, err = toDec(p[0]); err != nil {
		return
	}
	b, err = toDec(p[1])
	return
}

// pairTypes lists the operand pairs every money operator accepts, with the
// given result type: decimal with decimal, int or float64, in both orders.
func pairTypes(result reflect.Type) []any {
	pairs := [][2]reflect.Type{
		{decType, decType}, {decType, intType}, {intType, decType},
		{decType, floatType}, {floatType, decType},
	}
	out := make([]any, len(pairs))
	for i, p := range pairs {
		out[i] = reflect.New(reflect.FuncOf([]reflect.Type{p[0], p[1]}, []reflect.Type{result}, false)).Interface()
	}
	return out
}

var errDivZero = errors.New("division by zero")

// moneyOps returns the expr options that make money exact: every arithmetic
// and comparison operator is overloaded for decimals (both operand orders),
// so `order.Total * 0.05` and `order.Total == 1234.56` compute in decimal.
func moneyOps() []expr.Option {
	arith := func(f func(a, b decimal.Decimal) (decimal.Decimal, error)) func(p ...any) (any, error) {
		return func(p ...any) (any, error) {
			a, b, err := dec2(p)
			if err != nil {
				return nil, err
			}
			return f(a, b)
		}
	}
	cmp := func(f func(c int) bool) func(p ...any) (any, error) {
		return func(p ...any) (any, error) {
			a, b, err := dec2(p)
			if err != nil {
				return nil, err
			}
			return f(a.Cmp(b)), nil
		}
	}
	ops := []struct {
		op string
		fn func(p ...any) (any, error)
	}{
		{"+", arith(func(a, b decimal.Decimal) (decimal.Decimal, error) { return a.Add(b), nil })},
		{"-", arith(func(a, b decimal.Decimal) (decimal.Decimal, error) { return a.Sub(b), nil })},
		{"*", arith(func(a, b decimal.Decimal) (decimal.Decimal, error) { return a.Mul(b), nil })},
		{"/", arith(func(a, b decimal.Decimal) (decimal.Decimal, error) {
			if b.IsZero() {
				return decimal.Decimal{}, errDivZero
			}
			return a.DivRound(b, divPrecision), nil
		})},
		{"%", arith(func(a, b decimal.Decimal) (decimal.Decimal, error) {
			if b.IsZero() {
				return decimal.Decimal{}, errDivZero
			}
			return a.Mod(b), nil
		})},
		{"==", cmp(func(c int) bool { return c == 0 })},
		{"!=", cmp(func(c int) bool { return c != 0 })},
		{"<", cmp(func(c int) bool { return c < 0 })},
		{"<=", cmp(func(c int) bool { return c <= 0 })},
		{">", cmp(func(c int) bool { return c > 0 })},
		{">=", cmp(func(c int) bool { return c >= 0 })},
	}
	var opts []expr.Option
	for _, o := range ops {
		opts = append(opts, expr.Function(moneyFuncs[o.op].name, o.fn, pairTypes(moneyFuncs[o.op].result)...))
	}
	opts = append(opts, expr.Function(negName, func(p ...any) (any, error) {
		return p[0].(decimal.Decimal).Neg(), nil
	}, new(func(decimal.Decimal) decimal.Decimal)))
	return opts
}

// moneyFuncs maps each overloaded operator to the hidden function it is
// rewritten to and that function's result type. The names start with "_"
// so that rule authors cannot call them (see the guard).
var moneyFuncs = map[string]struct {
	name   string
	result reflect.Type
}{
	"+": {"_add", decType}, "-": {"_sub", decType}, "*": {"_mul", decType},
	"/": {"_div", decType}, "%": {"_mod", decType},
	"==": {"_eq", boolType}, "!=": {"_ne", boolType}, "<": {"_lt", boolType},
	"<=": {"_le", boolType}, ">": {"_gt", boolType}, ">=": {"_ge", boolType},
}

const negName = "_neg"

// exactLiterals is the repeatable expr patcher that makes money exact. It
// does all the rewriting itself, typing every node it creates, so that the
// result does not depend on the order patchers run in:
//
//  0. a binary operator with a decimal operand becomes a call to the
//     hidden decimal function for it (`a * b` → `_mul(a, b)`);
//  1. every float literal becomes a decimal constant read from the source
//     text, so 0.1 is exactly 0.1 and `0.1 + 0.2` adds decimals instead of
//     being folded in float64 by the optimizer;
//  2. an integer literal beside a decimal operand becomes a decimal
//     constant (saves a conversion at every run);
//  3. `/` between two integers divides exactly in decimal (expr would give a
//     float64): a literal side becomes a decimal, otherwise the left side is
//     wrapped in dec();
//  4. unary minus on a decimal becomes a call to a negation;
//  5. sum(xs, body) whose body is a decimal is rewritten to a decimal fold;
//  6. integer +, -, * and unary minus, and sum over integers, become
//     checked calls that fail on int64 overflow instead of wrapping.
//
// Whatever float64 arithmetic is left afterwards is reported by the guard.
type exactLiterals struct {
	src     []rune
	changed bool
}

func (p *exactLiterals) Reset()             { p.changed = false }
func (p *exactLiterals) ShouldRepeat() bool { return p.changed }

func (p *exactLiterals) constDec(n ast.Node, d decimal.Decimal) ast.Node {
	c := &ast.ConstantNode{Value: d}
	c.SetLocation(n.Location())
	c.SetType(decType)
	p.changed = true
	return c
}

func (p *exactLiterals) literal(n ast.Node) (decimal.Decimal, bool) {
	switch x := n.(type) {
	case *ast.IntegerNode:
		return decimal.NewFromInt(int64(x.Value)), true
	case *ast.FloatNode:
		loc := x.Location()
		if loc.From >= 0 && loc.To <= len(p.src) && loc.From < loc.To {
			text := strings.ReplaceAll(string(p.src[loc.From:loc.To]), "_", "")
			if d, err := decimal.NewFromString(text); err == nil {
				return d, true
			}
		}
		return decimal.NewFromFloat(x.Value), true
	}
	return decimal.Decimal{}, false
}

func isDec(n ast.Node) bool { return n.Type() == decType }
func isInt(n ast.Node) bool { return n.Type() == intType }

// isNumber: the operand types the money functions are registered for.
func isNumber(n ast.Node) bool {
	t := n.Type()
	return t == decType || t == intType || t == floatType
}

func (p *exactLiterals) Visit(node *ast.Node) {
	if p.checkInts(node) {
		return
	}
	switch n := (*node).(type) {
	case *ast.FloatNode:
		d, _ := p.literal(n)
		*node = p.constDec(n, d)
	case *ast.BinaryNode:
		if isDec(n.Left) || isDec(n.Right) {
			if _, ok := n.Left.(*ast.IntegerNode); ok {
				d, _ := p.literal(n.Left)
				n.Left = p.constDec(n.Left, d)
			}
			if _, ok := n.Right.(*ast.IntegerNode); ok {
				d, _ := p.literal(n.Right)
				n.Right = p.constDec(n.Right, d)
			}
			if f, ok := moneyFuncs[n.Operator]; ok && isNumber(n.Left) && isNumber(n.Right) {
				*node = p.call(n, f.name, f.result, n.Left, n.Right)
			}
			return
		}
		if n.Operator == "/" && isInt(n.Left) && isInt(n.Right) {
			switch {
			case isIntLiteral(n.Right):
				d, _ := p.literal(n.Right)
				n.Right = p.constDec(n.Right, d)
			case isIntLiteral(n.Left):
				d, _ := p.literal(n.Left)
				n.Left = p.constDec(n.Left, d)
			default:
				n.Left = p.call(n.Left, "dec", decType, n.Left)
			}
			*node = p.call(n, "_div", decType, n.Left, n.Right)
		}
	case *ast.UnaryNode:
		if n.Operator == "-" && isDec(n.Node) {
			*node = p.call(n, negName, decType, n.Node)
		}
	case *ast.BuiltinNode:
		if n.Name == "sum" && len(n.Arguments) == 2 {
			pred, ok := n.Arguments[1].(*ast.PredicateNode)
			if !ok || !isDec(pred.Node) {
				return
			}
			add := p.call(pred.Node, "_sumadd", decType, &ast.PointerNode{Name: "acc"}, pred.Node)
			zero := &ast.ConstantNode{Value: decimal.Zero}
			fold := &ast.BuiltinNode{Name: "reduce", Arguments: []ast.Node{n.Arguments[0], &ast.PredicateNode{Node: add}, zero}}
			fold.SetLocation(n.Location())
			// reduce's result is untyped; dec() types it back as a decimal.
			*node = p.call(n, "dec", decType, fold)
		}
	}
}

// call builds a typed call of a hidden or helper function in place of at.
func (p *exactLiterals) call(at ast.Node, name string, result reflect.Type, args ...ast.Node) ast.Node {
	c := &ast.CallNode{Callee: &ast.IdentifierNode{Value: name}, Arguments: args}
	c.SetLocation(at.Location())
	c.SetType(result)
	p.changed = true
	return c
}

func isIntLiteral(n ast.Node) bool { _, ok := n.(*ast.IntegerNode); return ok }

// sumAdd is the step of the decimal fold that sum(xs, body) becomes; the
// accumulator is untyped inside reduce, so it takes any.
func sumAdd(p ...any) (any, error) {
	a, b, err := dec2(p)
	if err != nil {
		return nil, err
	}
	return a.Add(b), nil
}
