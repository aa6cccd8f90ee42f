package rules

import (
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
var walks = map[string]bool{"any": true, "all": true, "none": true, "one": true, "count": true, "sum": true, "filter": true}

func estimate(root ast.Node) cost {
	var c cost
	ast.Walk(&root, visitFunc(func(m *ast.Node) {
		c.fixed++
		switch n := (*m).(type) {
		case *ast.BuiltinNode:
			if walks[n.Name] {
				c.perElem++
			}
		case *ast.PredicateNode:
			ast.Walk(&n.Node, visitFunc(func(*ast.Node) { c.perElem++ }))
		}
	}))
	return c
}
