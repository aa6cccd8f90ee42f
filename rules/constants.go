package rules

import (
	"fmt"
	"math"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// bound finds, in an expression after the money rewriting and type
// checking, what is bound to fail at run time whatever the facts: a
// division or modulo by a constant zero (`x / 0`, `x % 0.0`,
// `x / (1 - 1)`), and a helper given a constant argument outside what it
// accepts at run time (isBirthday's withinDays, round's places, date's
// text). It returns the earliest such node in the source and why, or nil.
//
// Constants are what [constValue] can compute: literals and the money and
// integer arithmetic the rewriting turns operators into, so `1 - 1` is a
// constant 0 although expr's optimizer (which runs later) never sees it
// as an integer subtraction.
func bound(root ast.Node) (at ast.Node, msg string) {
	refuse := func(n ast.Node, format string, args ...any) {
		if at == nil || n.Location().From < at.Location().From {
			at, msg = n, fmt.Sprintf(format, args...)
		}
	}
	zero := func(n ast.Node, op string, divisor ast.Node) {
		if v, ok := constValue(divisor); ok {
			if d, ok := v.(decimal.Decimal); ok && d.IsZero() {
				refuse(n, "%s by zero: the divisor is always 0", op)
			}
		}
	}
	ast.Walk(&root, visitFunc(func(node *ast.Node) {
		switch n := (*node).(type) {
		case *ast.BinaryNode:
			switch n.Operator {
			case "/":
				zero(n, "division", n.Right)
			case "%":
				zero(n, "modulo", n.Right)
			}
		case *ast.CallNode:
			name := calleeName(n)
			if (name == "floor" || name == "ceil") && len(n.Arguments) == 1 {
				if a, okA := constDec(n.Arguments[0]); okA {
					if _, ok := constValue(n); !ok {
						refuse(n, "%s(%s) is out of range (at most %d digits before the decimal point and %d after it)",
							name, clip(a.String()), maxWholeDigits, maxFracDigits)
					}
				}
			}
			if arithmetic(name) && len(n.Arguments) == 2 {
				a, okA := constDec(n.Arguments[0])
				b, okB := constDec(n.Arguments[1])
				if _, ok := constValue(n); okA && okB && !ok && !b.IsZero() {
					refuse(n, "this arithmetic on %s and %s is out of range (at most %d digits before the decimal point and %d after it)",
						clip(a.String()), clip(b.String()), maxWholeDigits, maxFracDigits)
				}
			}
			switch {
			case name == "_div" && len(n.Arguments) == 2:
				zero(n, "division", n.Arguments[1])
			case name == "_mod" && len(n.Arguments) == 2:
				zero(n, "modulo", n.Arguments[1])
			case name == "isBirthday" && len(n.Arguments) == 3:
				if d, ok := constDec(n.Arguments[2]); ok && (d.IsNegative() || d.GreaterThan(decimal.NewFromInt(maxWithinDays))) {
					refuse(n, "isBirthday: withinDays must be 0..%d, got %s", maxWithinDays, d)
				}
			case name == "nearAnniversary" && len(n.Arguments) == 4:
				b, ok1 := constDec(n.Arguments[2])
				a, ok2 := constDec(n.Arguments[3])
				if ok1 && ok2 && b.IsInteger() && a.IsInteger() && b.Abs().LessThan(decimal.NewFromInt(1<<20)) && a.Abs().LessThan(decimal.NewFromInt(1<<20)) {
					if m := windowDays(int(b.IntPart()), int(a.IntPart())); m != "" {
						refuse(n, "nearAnniversary: %s", m)
					}
				}
			case name == "withinHours" && len(n.Arguments) == 3:
				for _, arg := range n.Arguments[1:] {
					if v, ok := constValue(arg); ok {
						if s, ok := v.(string); ok {
							if _, err := clockMinutes(s); err != nil {
								refuse(n, "withinHours: %v", err)
							}
						}
					}
				}
			case name == "round" && len(n.Arguments) == 2:
				if d, ok := constDec(n.Arguments[1]); ok {
					if m := roundPlaces(d); m != "" {
						refuse(n, "%s", m)
					}
				}
			case name == "date" && len(n.Arguments) >= 1:
				if v, ok := constValue(n.Arguments[0]); ok {
					if s, ok := v.(string); ok {
						if _, err := parseDate(s, time.UTC); err != nil {
							refuse(n, "%v", err)
						}
					}
				}
			}
		}
	}))
	return at, msg
}

func calleeName(n *ast.CallNode) string {
	if id, ok := n.Callee.(*ast.IdentifierNode); ok {
		return id.Value
	}
	return ""
}

// roundPlaces says what is wrong with round's places, or "" (the same
// check as at run time).
func roundPlaces(d decimal.Decimal) string {
	if !d.IsInteger() {
		return fmt.Sprintf("round: places must be a whole number, got %s", d)
	}
	if d.LessThan(decimal.NewFromInt(-maxPlaces)) || d.GreaterThan(decimal.NewFromInt(maxPlaces)) {
		return fmt.Sprintf("round: places %s is outside -%d..%d", d, maxPlaces, maxPlaces)
	}
	return ""
}

func constDec(n ast.Node) (decimal.Decimal, bool) {
	v, ok := constValue(n)
	d, isDec := v.(decimal.Decimal)
	return d, ok && isDec
}

// constValue computes a constant expression: a decimal.Decimal for a
// number (int or decimal), a string, or false when n is not a constant it
// knows. It computes as the run-time functions do, but in decimals
// throughout (an integer overflow, an error at run time, is not a zero).
// The operands are literals from a bounded source, so it is cheap.
func constValue(n ast.Node) (any, bool) {
	switch x := n.(type) {
	case *ast.IntegerNode:
		return decimal.NewFromInt(int64(x.Value)), true
	case *ast.FloatNode: // rewritten to decimals; kept for safety
		if math.IsInf(x.Value, 0) || math.IsNaN(x.Value) {
			return nil, false
		}
		return decimal.NewFromFloat(x.Value), true
	case *ast.StringNode:
		return x.Value, true
	case *ast.ConstantNode:
		switch v := x.Value.(type) {
		case decimal.Decimal, string:
			return v, true
		case int:
			return decimal.NewFromInt(int64(v)), true
		}
	case *ast.UnaryNode:
		if d, ok := constDec(x.Node); ok {
			switch x.Operator {
			case "-":
				return d.Neg(), true
			case "+":
				return d, true
			}
		}
	case *ast.BinaryNode:
		return constOp(x.Operator, x.Left, x.Right)
	case *ast.CallNode:
		args, name := x.Arguments, calleeName(x)
		if arithmetic(name) && len(args) == 2 {
			return constOp(hiddenOps[name], args[0], args[1])
		}
		switch name {
		case "_neg", "_ineg", "dec", "floor", "ceil":
			if len(args) == 1 {
				if d, ok := constDec(args[0]); ok {
					switch name {
					case "_neg", "_ineg":
						return d.Neg(), true
					case "floor":
						d = d.Floor()
					case "ceil":
						d = d.Ceil()
					}
					return d, inBounds(d)
				}
			}
		}
	}
	return nil, false
}

// hiddenOps maps the hidden functions the rewriting turns operators into
// (moneyFuncs, intFuncs) back to their operators: _add and _iadd are "+",
// _ge is ">=".
var hiddenOps = func() map[string]string {
	m := map[string]string{}
	for op, f := range moneyFuncs {
		m[f.name] = op
	}
	for op, name := range intFuncs {
		m[name] = op
	}
	return m
}()

// arithmetic says whether name is a hidden arithmetic function.
func arithmetic(name string) bool {
	switch hiddenOps[name] {
	case "+", "-", "*", "/", "%":
		return true
	}
	return false
}

// constOp applies an arithmetic operator to two constants; a division or
// modulo by zero, and a result beyond the decimal bound, are not constants
// (both are reported where they are written).
func constOp(op string, l, r ast.Node) (any, bool) {
	v, ok := constOpUnbounded(op, l, r)
	if d, isDec := v.(decimal.Decimal); ok && isDec && !inBounds(d) {
		return nil, false
	}
	return v, ok
}

func constOpUnbounded(op string, l, r ast.Node) (any, bool) {
	lv, ok1 := constValue(l)
	rv, ok2 := constValue(r)
	if !ok1 || !ok2 {
		return nil, false
	}
	if ls, ok := lv.(string); ok {
		rs, ok := rv.(string)
		return ls + rs, ok && op == "+"
	}
	a, ok1 := lv.(decimal.Decimal)
	b, ok2 := rv.(decimal.Decimal)
	if !ok1 || !ok2 {
		return nil, false
	}
	switch op {
	case "+":
		return a.Add(b), true
	case "-":
		return a.Sub(b), true
	case "*":
		return a.Mul(b), true
	case "/":
		if !b.IsZero() {
			return a.DivRound(b, divPrecision), true
		}
	case "%":
		if !b.IsZero() {
			return a.Mod(b), true
		}
	}
	return nil, false
}
