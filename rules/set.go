package rules

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/expr-lang/expr/vm"
	"github.com/loyalkit/loyalkit/internal/name"
	"github.com/shopspring/decimal"
)

// Facts is what a [Set] is evaluated on: a plain struct (passed by value)
// whose exported fields are the names rules use, renamed with `expr:"name"`
// tags. Two methods tell the engine what it needs itself; rules cannot call
// them.
type Facts interface {
	// EvalTime is the instant the facts describe ("now"); rule windows are
	// checked against it. The engine never reads the clock.
	EvalTime() time.Time
	// DiscountBase is the amount discounts apply to: percent discounts are
	// a share of it and the total discount never exceeds it.
	DiscountBase() decimal.Decimal
}

// Occasioner is an optional interface for [Facts]: facts that implement it
// say which occasion they are evaluated for (a purchase, an event, a
// review: the host's names). A rule with a non-empty On applies only when
// its On lists the occasion; the others are [StatusNotApplicable] and not
// evaluated. A rule with an empty On applies on every occasion. [Compile]
// refuses rules with On over a facts type that does not implement
// Occasioner (with a value receiver, as facts are passed by value).
type Occasioner interface {
	// Occasion names the occasion the facts describe; rules cannot call it.
	Occasion() string
}

var occasionerType = reflect.TypeFor[Occasioner]()

// maxOccasionLen is the longest occasion name a rule's On may list.
const maxOccasionLen = 64

// Set is a compiled, immutable rule set for facts of type F. It is safe for
// concurrent use by multiple goroutines.
type Set[F Facts] struct {
	rules  []compiled // in evaluation order
	limits Limits
	run    *runner
	strict bool // see Strict
	// occasions: some rule has an On list, so Eval asks the facts for
	// their occasion.
	occasions bool
	// byPointer: Eval gives the programs a pointer to the facts, held in
	// a pooled box, instead of a copy of them in an interface value, which
	// costs an allocation of the facts' size each evaluation. Through a
	// pointer, though, every field a program reads is copied out (a small
	// allocation each, where the copy's fields are shared): Compile picks
	// the pointer when the facts are larger than what the rules' reads
	// would allocate (the rules cannot call methods or name $env, so they
	// read the same fields either way).
	byPointer bool
	boxes     sync.Pool
	// sizer and describer: F itself (not only *F, which the programs
	// are given) implements Sizer and UsageDescriber, so Eval asks the
	// facts for their size and the words of a limit.
	sizer, describer bool
	// reads are the facts the rules read (see Reads).
	reads []string
}

type compiled struct {
	Rule
	when  *vm.Program // nil: always
	value *vm.Program
	// fixed is the value when it is a literal; the VM is not run for it.
	fixed    any
	hasFixed bool
	// fused is `when ? value : nil` when the rule has both and the value
	// is not a literal: one VM run instead of two.
	fused *vm.Program
	cost  cost // of the condition and the value
}

var (
	boolTypes   = []reflect.Type{reflect.TypeOf(false)}
	numberTypes = []reflect.Type{decType, intType}
	stringTypes = []reflect.Type{reflect.TypeOf("")}
)

// Compile checks and compiles rules against the facts type F. It returns
// every problem at once as a [*CompileError] whose entries name the rule,
// the expression and the line:column. The rules slice is not retained.
func Compile[F Facts](defs []Rule, opts ...Option) (*Set[F], error) {
	o := buildOptions(opts)
	e, err := newEnv[F](o.limits)
	if err != nil {
		return nil, err
	}
	var errs []*RuleError
	if len(defs) > o.limits.MaxRules {
		return nil, &CompileError{Errors: []*RuleError{{Part: PartDefinition, Err: ErrForbidden,
			Message: fmt.Sprintf("%d rules, the limit is %d", len(defs), o.limits.MaxRules)}}}
	}
	seen := make(map[string]bool, len(defs))
	out := make([]compiled, 0, len(defs))
	occasioner := reflect.TypeFor[F]().Implements(occasionerType)
	limiter := reflect.TypeFor[F]().Implements(limiterType)
	budgeter := reflect.TypeFor[F]().Implements(budgeterType)
	occasions := false
	nodes := 0
	for _, r := range defs {
		defErrs := validateDefinition(r, seen, occasioner, limiter, budgeter)
		errs = append(errs, defErrs...)
		r.On = slices.Clone(r.On) // the caller's slice is not retained
		occasions = occasions || len(r.On) > 0
		c := compiled{Rule: r}
		if r.When != "" {
			p, _, re := e.compile(r.ID, PartWhen, r.When, boolTypes, "a bool")
			if re != nil {
				errs = append(errs, re)
			}
			c.when = p
			if p != nil {
				c.cost = c.cost.plus(estimate(p.Node()))
			}
		}
		if want, wantName, ok := valueTypes(r.Kind); ok && r.Value != "" {
			p, _, re := e.compile(r.ID, PartValue, r.Value, want, wantName)
			if re != nil {
				errs = append(errs, re)
			}
			c.value = p
			if p != nil {
				c.fixed, c.hasFixed = constant(p)
				c.cost = c.cost.plus(estimate(p.Node()))
				if text, ok := c.fixed.(string); ok && c.hasFixed && (r.Kind == Gift || r.Kind == Tier) {
					if err := name.Check(text); err != nil {
						errs = append(errs, &RuleError{RuleID: r.ID, Part: PartValue, Err: ErrResult,
							Message: fmt.Sprintf("the %v %q %v", r.Kind, clip(text), err)})
					}
				}
			}
		}
		if c.when != nil && c.value != nil && !c.hasFixed {
			if c.fused, err = e.fuse(c.when, c.value); err != nil {
				errs = append(errs, &RuleError{RuleID: r.ID, Part: PartValue, Err: ErrType, Message: err.Error()})
			}
		}
		out = append(out, c)
		// The programme budget: stop compiling once it is spent, so that
		// refusing a huge set costs no more than compiling an allowed one.
		if nodes += c.cost.fixed; nodes > o.limits.MaxProgramNodes {
			errs = append(errs, &RuleError{RuleID: r.ID, Part: PartDefinition, Err: ErrForbidden,
				Message: fmt.Sprintf("the rules up to this one have %d expression nodes in all, the limit is %d (Limits.MaxProgramNodes)", nodes, o.limits.MaxProgramNodes)})
			break
		}
	}
	if len(errs) > 0 {
		return nil, &CompileError{Errors: errs}
	}
	slices.SortStableFunc(out, func(a, b compiled) int { return cmp.Compare(b.Priority, a.Priority) })
	set := &Set[F]{rules: out, limits: o.limits, run: newRunner(o.limits.MemoryBudget), strict: o.strict, occasions: occasions}
	reads := 0
	for i := range out {
		for _, p := range []*vm.Program{out[i].when, out[i].value} {
			if p != nil {
				var n int
				set.reads, n = readPaths(reflect.TypeFor[F](), set.reads, p.Node())
				reads += n
			}
		}
	}
	set.byPointer = uintptr(reads)*bytesPerRead < reflect.TypeFor[F]().Size()
	set.boxes.New = func() any { return new(F) }
	set.sizer = reflect.TypeFor[F]().Implements(reflect.TypeFor[Sizer]())
	set.describer = reflect.TypeFor[F]().Implements(reflect.TypeFor[UsageDescriber]())
	return set, nil
}

// bytesPerRead is about what reading a field through a pointer to the
// facts allocates: a decimal, a string or a time copied out.
const bytesPerRead = 24

func valueTypes(k Kind) ([]reflect.Type, string, bool) {
	switch k {
	case Accrual, Discount:
		return numberTypes, "a number (decimal.Decimal or int)", true
	case Gift, Tier:
		return stringTypes, "a string", true
	}
	return nil, "", false
}

func validateDefinition(r Rule, seen map[string]bool, occasioner, limiter, budgeter bool) []*RuleError {
	var errs []*RuleError
	bad := func(format string, args ...any) {
		errs = append(errs, &RuleError{RuleID: r.ID, Part: PartDefinition, Err: ErrInvalidRule, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case r.ID == "":
		bad("id is empty")
	case seen[r.ID]:
		bad("duplicate id")
	}
	seen[r.ID] = true
	if _, _, ok := valueTypes(r.Kind); !ok {
		bad("unknown kind %v", r.Kind)
	}
	if r.Value == "" {
		bad("value is empty")
	}
	switch {
	case r.Kind == Discount && r.Unit != Percent && r.Unit != Amount:
		bad("a discount needs unit percent or amount, got %v", r.Unit)
	case r.Kind != Discount && r.Unit != UnitUnset:
		bad("unit %v is only for discounts", r.Unit)
	}
	switch {
	case r.Stacking > BestOf:
		bad("unknown stacking %v", r.Stacking)
	case r.Stacking == BestOf && (r.Kind == Gift || r.Kind == Tier):
		bad("stacking best_of needs a numeric kind, not %v", r.Kind)
	}
	if !r.From.IsZero() && !r.Until.IsZero() && !r.Until.After(r.From) {
		bad("until %s is not after from %s", r.Until.Format(time.RFC3339), r.From.Format(time.RFC3339))
	}
	if r.Cap.IsNegative() {
		bad("cap %s is negative", r.Cap)
	}
	if !r.Cap.IsZero() && (r.Kind == Gift || r.Kind == Tier) {
		bad("cap is only for accrual and discount rules")
	}
	if !r.Limit.IsZero() {
		r.Limit.check(r.Kind, limiter, bad)
	}
	checkBudget(r, budgeter, bad)
	if len(r.On) > 0 && !occasioner {
		bad("on needs facts that implement rules.Occasioner")
	}
	for i, o := range r.On {
		switch {
		case o == "":
			bad("on entry %d is empty", i+1)
		case len(o) > maxOccasionLen:
			bad("on entry %d is %d bytes, the limit is %d", i+1, len(o), maxOccasionLen)
		case slices.Contains(r.On[:i], o):
			bad("on lists %q twice", o)
		}
	}
	return errs
}

// Nodes is the number of expression nodes of all the set's rules, what
// [Limits].MaxProgramNodes bounds.
func (s *Set[F]) Nodes() int {
	n := 0
	for _, c := range s.rules {
		n += c.cost.fixed
	}
	return n
}

// Rules returns the set's rules in evaluation order (a copy).
func (s *Set[F]) Rules() []Rule {
	out := make([]Rule, len(s.rules))
	for i, c := range s.rules {
		out[i] = c.Rule
		out[i].On = slices.Clone(c.On)
	}
	return out
}
