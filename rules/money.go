package rules

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
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
		return bounded(decimal.NewFromFloat(x))
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
			d, err := f(a, b)
			if err != nil {
				return nil, err
			}
			return bounded(d)
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
	opts = append(opts, expr.Function("_in", inDec))
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
	// bad is the first literal that cannot be read exactly or is beyond
	// the decimal bound, and why: compile reports it.
	bad    ast.Node
	badMsg string
	badErr error // the sentinel
}

// refuse records the first problem compile must report.
func (p *exactLiterals) refuse(sentinel error, n ast.Node, format string, args ...any) {
	if p.bad == nil {
		p.bad, p.badMsg, p.badErr = n, fmt.Sprintf(format, args...), sentinel
	}
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
		text := ""
		if loc.From >= 0 && loc.To <= len(p.src) && loc.From < loc.To {
			text = strings.ReplaceAll(string(p.src[loc.From:loc.To]), "_", "")
		} else if v := x.Value; v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			// A float made by expr's checker from an int literal (in
			// max(0, 0.5)): it has no source text, and is a whole number.
			text = strconv.FormatFloat(v, 'f', 0, 64)
		}
		d, err := decimal.NewFromString(text)
		switch {
		case err != nil:
			p.refuse(ErrType, n, "the number %s cannot be read exactly (a rule's numbers have at most %d digits before the decimal point and %d after it)",
				clip(text), maxWholeDigits, maxFracDigits)
		case !inBounds(d):
			p.refuse(ErrType, n, "the number %s is out of range (at most %d digits before the decimal point and %d after it)",
				clip(text), maxWholeDigits, maxFracDigits)
		}
		return d, true
	}
	return decimal.Decimal{}, false
}

func isDec(n ast.Node) bool   { return n.Type() == decType }
func isInt(n ast.Node) bool   { return n.Type() == intType }
func isFloat(n ast.Node) bool { return n.Type() == floatType }

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
		if n.Operator == "in" && (isDec(n.Left) || hasDec(n.Right)) {
			*node = p.call(n, "_in", boolType, n.Left, n.Right)
			return
		}
		if isDec(n.Left) || isDec(n.Right) {
			if _, ok := n.Left.(*ast.IntegerNode); ok {
				d, _ := p.literal(n.Left)
				n.Left = p.constDec(n.Left, d)
			}
			if _, ok := n.Right.(*ast.IntegerNode); ok {
				d, _ := p.literal(n.Right)
				n.Right = p.constDec(n.Right, d)
			}
			if f, ok := moneyFuncs[n.Operator]; ok && f.result == decType && (isFloat(n.Left) || isFloat(n.Right)) {
				p.refuse(ErrInexact, n, "%s between a decimal and a float64 fact is inexact (the float is not the decimal it looks like); make the fact a decimal.Decimal", n.Operator)
				return
			}
			if f, ok := moneyFuncs[n.Operator]; ok && isNumber(n.Left) && isNumber(n.Right) {
				*node = p.call(n, f.name, f.result, n.Left, n.Right)
			}
			return
		}
		if n.Operator == "in" && hasDec(n.Right) {
			*node = p.call(n, "_in", boolType, n.Left, n.Right)
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
		if len(n.Arguments) == 0 { // len(), sum(): the checker reports the arity
			return
		}
		if a, ok := n.Arguments[0].(*ast.ArrayNode); ok && n.Name == "sum" && hasDec(a) {
			for _, x := range a.Nodes {
				if isFloat(x) {
					p.refuse(ErrInexact, x, "a float64 fact in a sum of decimals is inexact; make the fact a decimal.Decimal")
				}
			}
		}
		if n.Name == "sum" && len(n.Arguments) == 1 && (isDec(n) || hasDec(n.Arguments[0])) { // sum(xs) = sum(xs, #)
			elem := &ast.PointerNode{}
			elem.SetType(decType)
			n.Arguments = append(n.Arguments, &ast.PredicateNode{Node: elem})
		}
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

// hasDec says whether the collection n may hold decimals: an array of
// decimals, or an array literal with a decimal element.
func hasDec(n ast.Node) bool {
	if t := n.Type(); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem() == decType {
		return true
	}
	if a, ok := n.(*ast.ArrayNode); ok {
		for _, x := range a.Nodes {
			if isDec(x) {
				return true
			}
		}
	}
	return false
}

// inDec is `x in xs` where a decimal takes part: numbers compare by value
// (1234.560 is 1234.56 and 5 is 5.0), as == does; anything else compares
// as expr's == would.
func inDec(p ...any) (any, error) {
	xs := reflect.ValueOf(p[1])
	if xs.Kind() != reflect.Slice && xs.Kind() != reflect.Array {
		return nil, fmt.Errorf("in: %T is not a list", p[1])
	}
	x, xNum := p[0], isNum(p[0])
	for i := range xs.Len() {
		e := xs.Index(i).Interface()
		if xNum && isNum(e) {
			a, b, err := dec2([]any{x, e})
			if err != nil {
				return nil, err
			}
			if a.Equal(b) {
				return true, nil
			}
			continue
		}
		if t := reflect.TypeOf(x); !isNum(e) && reflect.TypeOf(e) == t && (t == nil || t.Comparable()) && e == x {
			return true, nil
		}
	}
	return false, nil
}

func isNum(v any) bool {
	switch v.(type) {
	case decimal.Decimal, int, float64:
		return true
	}
	return false
}

func isIntLiteral(n ast.Node) bool { _, ok := n.(*ast.IntegerNode); return ok }

// sumAdd is the step of the decimal fold that sum(xs, body) becomes; the
// accumulator is untyped inside reduce, so it takes any.
func sumAdd(p ...any) (any, error) {
	a, b, err := dec2(p)
	if err != nil {
		return nil, err
	}
	return bounded(a.Add(b))
}
