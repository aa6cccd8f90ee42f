package rules

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser/lexer"
)

// allowedBuiltins are the expr builtins a rule may use: len, and the
// per-line predicates over a slice (`any(order.Lines, .Category == "x")`).
var allowedBuiltins = map[string]bool{
	"len": true, "any": true, "all": true, "none": true, "one": true,
	"count": true, "sum": true, "filter": true,
}

// checkSource bounds an expression before it is parsed: its length and
// the nesting of brackets (deep nesting overflows the parser's stack). It
// counts the brackets of expr's own tokens, so brackets inside strings
// (raw or quoted, with any escapes) and comments never count and none can
// be hidden from it. A source the lexer refuses is left to the parser,
// which reports the same error with its position.
func checkSource(src string, l Limits) (msg string, at int) {
	if len(src) > l.MaxSourceLen {
		return fmt.Sprintf("expression is %d bytes, the limit is %d", len(src), l.MaxSourceLen), -1
	}
	depth := 0
	eachToken(src, func(t lexer.Token) bool {
		if t.Kind != lexer.Bracket {
			return true
		}
		switch t.Value {
		case "(", "[", "{":
			depth++
			if depth > l.MaxDepth {
				msg, at = fmt.Sprintf("nesting deeper than %d", l.MaxDepth), t.From
				return false
			}
		default:
			depth--
		}
		return true
	})
	return msg, at
}

// eachToken calls f with expr's tokens of src, in order, until f returns
// false, the source ends, or the lexer fails (the parser reports that).
func eachToken(src string, f func(lexer.Token) bool) {
	lx := lexer.New()
	lx.Reset(file.NewSource(src))
	for {
		t, err := lx.Next()
		if err != nil || t.Kind == lexer.EOF || !f(t) {
			return
		}
	}
}

// guard walks a parsed expression (as written, before any rewriting) and
// records the first construct rules may not use.
type guard struct {
	msg string
	at  ast.Node
}

func (g *guard) fail(n ast.Node, format string, args ...any) {
	if g.msg == "" {
		g.msg, g.at = fmt.Sprintf(format, args...), n
	}
}

func (g *guard) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.CallNode:
		switch c := n.Callee.(type) {
		case *ast.IdentifierNode:
			if !helperNames[c.Value] {
				g.fail(n, "function %s is not allowed (allowed: %s)", c.Value, allowedList())
			}
		default:
			g.fail(n, "method calls are not allowed")
		}
	case *ast.MemberNode:
		if n.Method {
			g.fail(n, "method calls are not allowed")
		}
	case *ast.BuiltinNode:
		if !allowedBuiltins[n.Name] {
			g.fail(n, "builtin %s is not allowed (allowed: %s)", n.Name, allowedList())
		}
	case *ast.PredicateNode:
		nested := false
		ast.Walk(&n.Node, visitFunc(func(m *ast.Node) {
			if _, ok := (*m).(*ast.PredicateNode); ok {
				nested = true
			}
		}))
		if nested {
			g.fail(n, "a predicate inside a predicate is not allowed")
		}
	case *ast.VariableDeclaratorNode:
		g.fail(n, "let is not allowed")
	case *ast.SequenceNode:
		g.fail(n, "sequences (;) are not allowed")
	case *ast.MapNode:
		g.fail(n, "map literals are not allowed")
	case *ast.BinaryNode:
		switch n.Operator {
		case "..":
			g.fail(n, "ranges (..) are not allowed")
		case "matches":
			g.fail(n, "matches is not allowed")
		case "**", "^":
			g.fail(n, "powers are not allowed")
		}
	case *ast.PointerNode:
		if n.Name != "" {
			g.fail(n, "#%s is not allowed", n.Name)
		}
	case *ast.IdentifierNode:
		if strings.HasPrefix(n.Value, "$") {
			g.fail(n, "%s is not allowed", n.Value)
		}
	}
}

type visitFunc func(*ast.Node)

func (f visitFunc) Visit(n *ast.Node) { f(n) }

// allowedList names every callable, from the two allowlists themselves.
func allowedList() string {
	names := slices.Sorted(maps.Keys(helperNames))
	names = append(names, slices.Sorted(maps.Keys(allowedBuiltins))...)
	return strings.Join(names, ", ")
}

// floatArithmetic finds arithmetic left in float64 after the money
// rewriting: it can only come from float64 facts or from int arithmetic
// that expr widens (such as int ** int), and it is never exact.
func floatArithmetic(root ast.Node) ast.Node {
	var found ast.Node
	ast.Walk(&root, visitFunc(func(m *ast.Node) {
		if found != nil {
			return
		}
		switch n := (*m).(type) {
		case *ast.BinaryNode:
			switch n.Operator {
			case "+", "-", "*", "/", "%", "**", "^":
				if n.Type() == floatType {
					found = n
				}
			}
		case *ast.UnaryNode:
			if n.Operator == "-" && n.Type() == floatType {
				found = n
			}
		case *ast.BuiltinNode:
			if n.Name == "sum" && n.Type() == floatType {
				found = n
			}
		}
	}))
	return found
}

// untypedArithmetic finds, after the money rewriting, arithmetic or an
// ordering whose operand is not a known number: an operand whose type
// expr cannot tell (a ?: whose branches differ, such as `c ? 1 : 1.5`, or
// a list literal of mixed elements), which expr would compute in int64
// with wrap-around or in float64; and arithmetic on times and durations,
// which saturates at ±292 years. Each is refused with what to write
// instead.
func untypedArithmetic(root ast.Node) (at ast.Node, msg string) {
	ast.Walk(&root, visitFunc(func(m *ast.Node) {
		if at != nil {
			return
		}
		var operands []ast.Node
		switch n := (*m).(type) {
		case *ast.BinaryNode:
			switch n.Operator {
			case "+", "-", "*", "/", "%", "<", "<=", ">", ">=":
				operands = []ast.Node{n.Left, n.Right}
			case "==", "!=":
				if isNumber(n.Left) || isNumber(n.Right) {
					operands = []ast.Node{n.Left, n.Right}
				}
			case "in", "not in":
				// A number of unknown type compares by type in expr's ==
				// (1.0 is not 1): a ?: of mixed types on either side.
				sides := []ast.Node{n.Left}
				if a, ok := n.Right.(*ast.ArrayNode); ok {
					sides = append(sides, a.Nodes...)
				}
				for _, o := range sides {
					if _, isNil := o.(*ast.NilNode); !isNil && o.Type() != nil && o.Type().Kind() == reflect.Interface {
						at, msg = o, "cannot tell whether this is a whole number or a decimal (the branches of ?: differ), so `in` cannot compare it by value; make them the same type, e.g. with dec(x)"
						return
					}
				}
			}
			for _, o := range operands {
				if t := o.Type(); t == timeType || t == durationType {
					if n.Operator == "+" || n.Operator == "-" || n.Operator == "*" || n.Operator == "/" || n.Operator == "%" {
						at, msg = n, "arithmetic on dates and durations is not allowed; use daysSince, daysUntil or yearsSince"
						return
					}
				}
			}
		case *ast.UnaryNode:
			if n.Operator == "-" || n.Operator == "+" {
				operands = []ast.Node{n.Node}
			}
		case *ast.BuiltinNode:
			if n.Name == "sum" {
				operands = []ast.Node{n}
			}
		}
		for _, o := range operands {
			if t := o.Type(); t == nil || t.Kind() == reflect.Interface {
				at, msg = o, "cannot tell whether this is a whole number or a decimal (the branches of ?: or the elements of a list differ); make them the same type, e.g. with dec(x)"
				return
			}
		}
	}))
	return at, msg
}

var (
	timeType     = reflect.TypeOf(time.Time{})
	durationType = reflect.TypeOf(time.Duration(0))
)
