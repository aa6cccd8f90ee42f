package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// allowedBuiltins are the expr builtins a rule may use: len, and the
// per-line predicates over a slice (`any(order.Lines, .Category == "x")`).
var allowedBuiltins = map[string]bool{
	"len": true, "any": true, "all": true, "none": true, "one": true,
	"count": true, "sum": true, "filter": true,
}

// checkSource bounds an expression before it is parsed: its length and
// the nesting of brackets (deep nesting overflows the parser's stack).
func checkSource(src string, l Limits) (msg string, at int) {
	if len(src) > l.MaxSourceLen {
		return fmt.Sprintf("expression is %d bytes, the limit is %d", len(src), l.MaxSourceLen), -1
	}
	depth := 0
	var quote rune
	escaped := false
	for i, r := range []rune(src) {
		switch {
		case quote != 0:
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r == quote:
				quote = 0
			}
		case r == '"' || r == '\'' || r == '`':
			quote = r
		case r == '(' || r == '[' || r == '{':
			depth++
			if depth > l.MaxDepth {
				return fmt.Sprintf("nesting deeper than %d", l.MaxDepth), i
			}
		case r == ')' || r == ']' || r == '}':
			depth--
		}
	}
	return "", 0
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
