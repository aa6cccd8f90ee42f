package loyalty

import (
	"fmt"
	"reflect"

	"github.com/loyalkit/loyalkit/rules"
)

// FactsWith is what the rules of a programme compiled with [CompileWith]
// see: the [Facts] (customer, order, event, now) and the host's own facts
// of type X as `ext`. X is the host's struct, type-checked like the rest:
// with
//
//	type Shop struct {
//		Margin decimal.Decimal         // the customer's margin
//		Lines  []struct{ Brand string } // one per order line
//	}
//
// a rule may say `ext.Margin > 0.3` or `any(ext.Lines, .Brand == "Lavazza")`,
// and `ext.Margin > "x"` does not compile.
type FactsWith[X any] struct {
	Facts
	Ext X `expr:"ext"`
}

// EvalSize is the longest collection rules can iterate: the order lines,
// or a slice in the host's facts (at its top level or in its structs, not
// inside slice elements), for the rules engine's step budget.
func (f FactsWith[X]) EvalSize() int {
	return max(f.Facts.EvalSize(), longestSlice(reflect.ValueOf(f.Ext), 4))
}

func longestSlice(v reflect.Value, depth int) int {
	switch {
	case depth == 0 || !v.IsValid():
		return 0
	case v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface:
		if v.IsNil() {
			return 0
		}
		return longestSlice(v.Elem(), depth-1)
	case v.Kind() == reflect.Slice || v.Kind() == reflect.Array || v.Kind() == reflect.Map:
		return v.Len()
	case v.Kind() == reflect.Struct:
		n := 0
		for i := range v.NumField() {
			n = max(n, longestSlice(v.Field(i), depth-1))
		}
		return n
	}
	return 0
}

// CompileWith compiles a programme whose rules also see the host's own
// facts of type X as `ext` ([FactsWith]). Each operation takes them from
// [Customer].Ext, which must then hold an X (nil: X's zero value); any
// other type is [ErrInvalidInput]. The untyped Customer.Attributes stay
// available. Everything else is as [Compile].
func CompileWith[X any](c Config, opts ...rules.Option) (*Program, error) {
	return compile(c, opts, func(rs []rules.Rule, opts []rules.Option) (ruleSet, error) {
		s, err := rules.Compile[FactsWith[X]](rs, opts...)
		if err != nil {
			return nil, err
		}
		return extSet[X]{s}, nil
	})
}

// ruleSet evaluates a programme's rules on the facts and the host's
// extension (nil when it gave none).
type ruleSet interface {
	eval(f Facts, ext any) (rules.Outcome, error)
	Reads(path string) bool
}

// plainSet is the rule set of a programme without an extension.
type plainSet struct{ *rules.Set[Facts] }

func (s plainSet) eval(f Facts, ext any) (rules.Outcome, error) {
	if ext != nil {
		return rules.Outcome{}, fmt.Errorf("customer Ext is a %T, but the programme has no extension facts (see CompileWith)", ext)
	}
	return s.Eval(f)
}

// extSet is the rule set of a programme compiled with CompileWith[X].
type extSet[X any] struct{ *rules.Set[FactsWith[X]] }

func (s extSet[X]) eval(f Facts, ext any) (rules.Outcome, error) {
	var x X
	if ext != nil {
		v, ok := ext.(X)
		if !ok {
			return rules.Outcome{}, fmt.Errorf("customer Ext is a %T, the programme's extension facts are %v", ext, reflect.TypeFor[X]())
		}
		x = v
	}
	return s.Eval(FactsWith[X]{Facts: f, Ext: x})
}
