package rules

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
)

// Sizer is an optional interface for [Facts]: facts that implement it say
// how long the longest collection a rule can iterate is (an order's
// lines), so that [Set.Eval] can bound a rule's cost before running it.
// Facts that do not implement it are evaluated without the step budget.
type Sizer interface {
	// EvalSize is the length of the longest collection in the facts.
	EvalSize() int
}

// cost estimates the steps one evaluation of an expression takes on facts
// whose collections have at most n elements: fixed + perElem × n. Rules
// cannot nest a predicate in a predicate (nor use ranges), so no rule is
// worse than linear in n: perElem counts the nodes of every predicate and
// one per builtin that walks a collection, fixed every node.
type cost struct{ fixed, perElem int }

func (c cost) at(n int) int {
	if n > 0 && c.perElem > 0 && n > (1<<62)/c.perElem {
		return 1 << 62
	}
	return c.fixed + c.perElem*n
}

func (c cost) plus(d cost) cost { return cost{c.fixed + d.fixed, c.perElem + d.perElem} }

// walks are the builtins that visit every element of their collection.
// The money rewriting turns sum into reduce, and `in` on decimals into _in.
var walks = map[string]bool{"any": true, "all": true, "none": true, "one": true, "count": true, "sum": true, "filter": true, "reduce": true}

// walksCollection says whether n visits every element of a collection:
// a walking builtin, or `in` over a list that is not written out in the
// rule (a list literal is bounded by the source).
func walksCollection(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.BuiltinNode:
		return walks[x.Name]
	case *ast.BinaryNode:
		return (x.Operator == "in" || x.Operator == "not in") && isList(x.Right)
	case *ast.CallNode:
		return calleeName(x) == "_in" && len(x.Arguments) == 2 && isList(x.Arguments[1])
	}
	return false
}

func isList(n ast.Node) bool {
	if _, literal := n.(*ast.ArrayNode); literal {
		return false
	}
	t := n.Type()
	return t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array)
}

// nestedWalk finds a walk over a collection inside a predicate, after
// the money rewriting (which turns sum(xs) into a reduce with a
// predicate): its cost would grow with the square of the collection, past
// what the step budget estimates, so rules may not write it.
func nestedWalk(root ast.Node) ast.Node {
	var found ast.Node
	ast.Walk(&root, visitFunc(func(m *ast.Node) {
		pred, ok := (*m).(*ast.PredicateNode)
		if !ok || found != nil {
			return
		}
		ast.Walk(&pred.Node, visitFunc(func(k *ast.Node) {
			if found == nil && walksCollection(*k) {
				found = *k
			}
		}))
	}))
	return found
}

func estimate(root ast.Node) cost {
	var c cost
	ast.Walk(&root, visitFunc(func(m *ast.Node) {
		c.fixed++
		if walksCollection(*m) {
			c.perElem++
		}
		switch n := (*m).(type) {
		case *ast.PredicateNode:
			ast.Walk(&n.Node, visitFunc(func(*ast.Node) { c.perElem++ }))
		}
	}))
	return c
}
