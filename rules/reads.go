package rules

import (
	"reflect"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// Reads reports whether some rule of the set may read the facts at path:
// a field by its expression name ("customer", "customer.MonthSpend"),
// a path below it, or a path above it read as a whole (a rule that hands
// `customer` to a helper reads every field of it). A host that computes
// some facts at a cost can leave out those no rule reads. The answer errs
// on the side of true: an access the engine cannot name (an index that is
// not a constant string) reads the whole of what it indexes. Fields
// promoted from an embedded struct are named without it, however the
// rule reached them.
func (s *Set[F]) Reads(path string) bool {
	for _, r := range s.reads {
		if r == "" || r == path || under(path, r) || under(r, path) {
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
// predicate's # are its elements'), named as from the facts type env
// (see canonical). n is how many reads the trees make (a path read twice
// counts twice).
func readPaths(env reflect.Type, paths []string, roots ...ast.Node) (_ []string, n int) {
	for _, root := range roots {
		if root == nil {
			continue
		}
		// Walk visits a node's children before it: a chain's inner links
		// are known when the outer one is visited, so mark them as read
		// through it and name only the outermost.
		inner := map[ast.Node]bool{}
		var found []ast.Node
		var folded []ast.Node // what the optimiser folded into a builtin, which Walk does not visit
		ast.Walk(&root, visitFunc(func(node *ast.Node) {
			switch n := (*node).(type) {
			case *ast.CallNode:
				inner[n.Callee] = true
			case *ast.BuiltinNode:
				if n.Map != nil {
					folded = append(folded, n.Map)
				}
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
			if p = canonical(env, p); !contains(paths, p) {
				paths = append(paths, p)
			}
		}
		var more int
		paths, more = readPaths(env, paths, folded...)
		n += more
	}
	return paths, n
}

// canonical names a path as its fields are reached from the facts type,
// without the names of embedded structs: an embedded struct's fields are
// read as the type's own (FactsWith[X]'s `customer` is the same field as
// `Facts.customer`). Past a map, a slice or a field the type does not
// have, the rest of the path is kept as written.
func canonical(t reflect.Type, path string) string {
	var out []string
	names := strings.Split(path, ".")
	for i, name := range names {
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			out = append(out, names[i:]...)
			break
		}
		f, ok := exprField(t, name)
		if !ok {
			out = append(out, names[i:]...)
			break
		}
		if !f.Anonymous || f.Type.Kind() != reflect.Struct && f.Type.Kind() != reflect.Pointer {
			out = append(out, name)
		}
		t = f.Type
	}
	return strings.Join(out, ".")
}

// exprField is the field expressions name name in struct t: its expr tag
// or its Go name, a field of t's own or one promoted from an embedded
// struct (nearer first, as expr finds them).
func exprField(t reflect.Type, name string) (reflect.StructField, bool) {
	var embedded []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("expr")
		if tag == "-" {
			continue
		}
		if tag == name || tag == "" && f.Name == name {
			return f, true
		}
		if f.Anonymous {
			embedded = append(embedded, f)
		}
	}
	for _, e := range embedded {
		et := e.Type
		if et.Kind() == reflect.Pointer {
			et = et.Elem()
		}
		if et.Kind() == reflect.Struct {
			if f, ok := exprField(et, name); ok {
				return f, true
			}
		}
	}
	return reflect.StructField{}, false
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
