package rules

import (
	"strings"

	"github.com/expr-lang/expr/ast"
)

// Reads reports whether some rule of the set may read the facts at path:
// a field by its expression name ("customer", "customer.MonthSpend"),
// a path below it, or a path above it read as a whole (a rule that hands
// `customer` to a helper reads every field of it). A host that computes
// some facts at a cost can leave out those no rule reads. The answer errs
// on the side of true: an access the engine cannot name (an index that is
// not a constant string) reads the whole of what it indexes.
func (s *Set[F]) Reads(path string) bool {
	for _, r := range s.reads {
		if r == path || under(path, r) || under(r, path) {
			return true
		}
	}
	return false
}

// under reports whether path is strictly below parent.
func under(path, parent string) bool {
	return len(path) > len(parent) && path[len(parent)] == '.' && strings.HasPrefix(path, parent)
}

// readPaths adds to paths the facts each tree reads: the longest chain of
// constant member names from an identifier of the environment (the
// identifiers a call names are helpers, not facts; the ones under a
// predicate's # are its elements'). n is how many reads the trees make
// (a path read twice counts twice).
func readPaths(paths []string, roots ...ast.Node) (_ []string, n int) {
	for _, root := range roots {
		if root == nil {
			continue
		}
		// Walk visits a node's children before it: a chain's inner links
		// are known when the outer one is visited, so mark them as read
		// through it and name only the outermost.
		inner := map[ast.Node]bool{}
		var found []ast.Node
		ast.Walk(&root, visitFunc(func(node *ast.Node) {
			switch n := (*node).(type) {
			case *ast.CallNode:
				inner[n.Callee] = true
			case *ast.MemberNode:
				if _, ok := chainPath(n); ok {
					inner[n.Node] = true
					found = append(found, n)
				}
			case *ast.IdentifierNode:
				found = append(found, n)
			}
		}))
		for _, node := range found {
			if inner[node] {
				continue
			}
			p, ok := chainPath(node)
			if !ok {
				continue
			}
			n++
			if !contains(paths, p) {
				paths = append(paths, p)
			}
		}
	}
	return paths, n
}

// chainPath is the path a chain of constant member names from an
// identifier reads ("customer.Tier"), or false when n is no such chain.
func chainPath(n ast.Node) (string, bool) {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return x.Value, true
	case *ast.MemberNode:
		name, ok := x.Property.(*ast.StringNode)
		if !ok {
			return "", false
		}
		parent, ok := chainPath(x.Node)
		if !ok {
			return "", false
		}
		return parent + "." + name.Value, true
	}
	return "", false
}

func contains(paths []string, p string) bool {
	for _, q := range paths {
		if q == p {
			return true
		}
	}
	return false
}
