package rules

import (
	"reflect"
	"slices"
	"strings"

	"github.com/expr-lang/expr/conf"
)

// Helper is a function or builtin that rules may call, as an editor or a
// help page lists it.
type Helper struct {
	Name string
	// Signatures are the typed forms the type checker accepts, as Go
	// function types: floor has func(decimal.Decimal) decimal.Decimal and
	// func(int) int. Nil for the builtins (see Usage).
	Signatures []reflect.Type
	// Usage is how a builtin is written, such as "any(list, predicate)
	// bool"; empty for the other helpers, whose Signatures say it.
	Usage string
}

// builtinUsage is how each allowed builtin is called; a predicate is an
// expression over one element, written with a leading dot:
// `any(order.Lines, .Category == "beans")`.
var builtinUsage = map[string]string{
	"len":    "len(list) int",
	"any":    "any(list, predicate) bool",
	"all":    "all(list, predicate) bool",
	"none":   "none(list, predicate) bool",
	"one":    "one(list, predicate) bool",
	"count":  "count(list, predicate) int",
	"sum":    "sum(list, value) number",
	"filter": "filter(list, predicate) list",
}

// Helpers lists every function and builtin a rule may call, sorted by
// name: the allowlist [Compile] enforces, with the signatures its type
// checker uses. The slice is new on each call.
func Helpers() []Helper {
	cfg := conf.CreateNew()
	for _, op := range append(helpers(), windowHelpers()...) {
		op(cfg)
	}
	var out []Helper
	for name := range helperNames {
		h := Helper{Name: name}
		if f, ok := cfg.Functions[name]; ok {
			h.Signatures = slices.Clone(f.Types)
		}
		out = append(out, h)
	}
	for name := range allowedBuiltins {
		out = append(out, Helper{Name: name, Usage: builtinUsage[name]})
	}
	slices.SortFunc(out, func(a, b Helper) int { return strings.Compare(a.Name, b.Name) })
	return out
}
