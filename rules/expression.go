package rules

import (
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"github.com/shopspring/decimal"
)

// env is the compile-time environment for one facts type: an expr
// configuration built once and reused for every expression of a set.
// It is used by one goroutine (the caller of Compile).
type env struct {
	cfg    *conf.Config
	lit    *exactLiterals
	limits Limits
}

func newEnv[F any](l Limits) (*env, error) {
	var zero F
	t := reflect.TypeOf(zero)
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%w: facts type %v must be a struct", ErrInvalidRule, t)
	}
	e := &env{cfg: conf.CreateNew(), lit: &exactLiterals{}, limits: l}
	opts := []expr.Option{expr.Env(zero), expr.MaxNodes(uint(l.MaxNodes)), expr.Patch(e.lit)}
	opts = append(opts, moneyOps()...)
	opts = append(opts, intOps()...)
	opts = append(opts, helpers()...)
	opts = append(opts, windowHelpers()...)
	for _, op := range opts {
		op(e.cfg)
	}
	e.cfg.Check()
	return e, nil
}

// compile turns one expression into a program. want lists the result
// types the part accepts, described by wantName for the error message.
//
// A panic in the parser, the checker or one of the visitors (a bug, not
// the author's fault) is a refusal of the rule, never a crash of the
// host: the rule is reported as not compiling, ErrForbidden.
func (e *env) compile(ruleID string, part Part, src string, want []reflect.Type, wantName string) (prog *vm.Program, typ reflect.Type, re *RuleError) {
	fail := func(sentinel error, at int, msg string) *RuleError {
		re := &RuleError{RuleID: ruleID, Part: part, Message: clipTo(msg, maxMessage), Err: sentinel}
		if at >= 0 {
			re.Line, re.Column, re.Source = position(src, at)
		}
		return re
	}
	defer func() {
		if p := recover(); p != nil {
			prog, typ, re = nil, nil, fail(ErrForbidden, -1, fmt.Sprintf("the compiler failed on this expression (%v); please report it", p))
		}
	}()
	fromFile := func(sentinel error, err error) *RuleError {
		var fe *file.Error
		if errors.As(err, &fe) {
			return fail(sentinel, fe.From, fe.Message)
		}
		return fail(sentinel, -1, err.Error())
	}
	if msg, at := checkSource(src, e.limits); msg != "" {
		return nil, nil, fail(ErrForbidden, at, msg)
	}
	tree, err := parser.ParseWithConfig(src, e.cfg)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) && isNodeLimit(fe.Message) {
			return nil, nil, fail(ErrForbidden, fe.From, fmt.Sprintf("expression has more than %d nodes", e.limits.MaxNodes))
		}
		return nil, nil, fromFile(ErrSyntax, err)
	}
	g := &guard{}
	ast.Walk(&tree.Node, g)
	if g.msg != "" {
		return nil, nil, fail(ErrForbidden, g.at.Location().From, g.msg)
	}
	e.lit.src, e.lit.bad = []rune(src), nil
	got, err := new(checker.Checker).PatchAndCheck(tree, e.cfg)
	if e.lit.bad != nil {
		return nil, nil, fail(e.lit.badErr, e.lit.bad.Location().From, e.lit.badMsg)
	}
	if err != nil {
		if msg, at, ok := lookalike(src); ok {
			re := fromFile(ErrType, err)
			return nil, nil, fail(ErrType, at, re.Message+": "+msg)
		}
		return nil, nil, fromFile(ErrType, err)
	}
	if n := floatArithmetic(tree.Node); n != nil {
		return nil, nil, fail(ErrInexact, n.Location().From,
			"this computes in float64, which is inexact for money; use decimal.Decimal facts (or dec(x) for an integer)")
	}
	if n, msg := untypedArithmetic(tree.Node); n != nil {
		return nil, nil, fail(ErrType, n.Location().From, msg)
	}
	if n := nestedWalk(tree.Node); n != nil {
		return nil, nil, fail(ErrForbidden, n.Location().From,
			"a walk over a collection (sum, count, any, in a list, …) inside a predicate is not allowed: its cost grows with the square of the collection")
	}
	if n, msg := bound(tree.Node); n != nil {
		return nil, nil, fail(ErrType, n.Location().From, msg)
	}
	ok := false
	for _, w := range want {
		ok = ok || got == w
	}
	if !ok {
		return nil, nil, fail(ErrType, 0, fmt.Sprintf("%s must be %s, got %v", part, wantName, typeName(got)))
	}
	if err := optimizer.Optimize(&tree.Node, e.cfg); err != nil {
		return nil, nil, fromFile(ErrType, err)
	}
	prog, err = compiler.Compile(tree, e.cfg)
	if err != nil {
		return nil, nil, fail(ErrType, -1, err.Error())
	}
	return prog, got, nil
}

// fuse compiles `when ? value : nil` from two programs compiled by this
// env, so a rule with a condition runs the VM once. Positions in the fused
// program are not meaningful: on an error, the caller re-runs the two
// programs alone to report where it failed.
func (e *env) fuse(when, value *vm.Program) (*vm.Program, error) {
	node := &ast.ConditionalNode{Ternary: true, Cond: when.Node(), Exp1: value.Node(), Exp2: &ast.NilNode{}}
	return compiler.Compile(&parser.Tree{Node: node, Source: file.NewSource("")}, e.cfg)
}

// constant returns the value of a program that is a single literal after
// optimisation (`5`, `"gold"`, `0.05`), so evaluation can skip the VM.
func constant(p *vm.Program) (any, bool) {
	switch n := p.Node().(type) {
	case *ast.IntegerNode:
		return n.Value, true
	case *ast.StringNode:
		return n.Value, true
	case *ast.ConstantNode:
		switch n.Value.(type) {
		case decimal.Decimal, int, string:
			return n.Value, true
		}
	}
	return nil, false
}

func typeName(t reflect.Type) string {
	if t == nil || t.Kind() == reflect.Interface {
		return "an unknown type (interface)"
	}
	return t.String()
}

func isNodeLimit(msg string) bool {
	return msg == "compilation failed: expression exceeds maximum allowed nodes"
}

// position turns a rune offset into a 1-based line and column and the text
// of that line.
func position(src string, at int) (line, col int, text string) {
	line, col = 1, 1
	i := 0
	for _, r := range src {
		if i == at {
			break
		}
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
		i++
	}
	return line, col, sourceLine(src, line)
}

// runner evaluates compiled programs with pooled VMs: a VM is not safe for
// concurrent use, a pool of them is.
type runner struct {
	budget uint
	pool   sync.Pool
}

func newRunner(budget uint) *runner {
	r := &runner{budget: budget}
	r.pool.New = func() any { return &vm.VM{} }
	return r
}

// get takes a VM from the pool for one evaluation; put returns it.
func (r *runner) get() *vm.VM {
	m := r.pool.Get().(*vm.VM)
	m.MemoryBudget = r.budget
	return m
}

func (r *runner) put(m *vm.VM) { r.pool.Put(m) }

// run evaluates one program on m. vm.Run recovers panics raised inside
// the program; the deferred recover here is a second net for anything
// outside it, so evaluation never panics.
func run(m *vm.VM, p *vm.Program, env any) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return m.Run(p, env)
}

// evalError wraps a run-time failure of one rule expression: ErrUnknown
// when a helper was given an unknown value (expr keeps the helper's error
// as the cause of its own), else ErrEval.
func evalError(ruleID string, part Part, src string, err error) *RuleError {
	re := &RuleError{RuleID: ruleID, Part: part, Err: ErrEval}
	fe, direct := err.(*file.Error) // what expr returns: no errors.As on the common path
	if direct {
		if _, ok := fe.Unwrap().(*unknownError); ok {
			re.Err = ErrUnknown
		}
	}
	if re.Err != ErrUnknown && errors.Is(err, ErrUnknown) {
		re.Err = ErrUnknown
	}
	if direct || errors.As(err, &fe) {
		re.Message = fe.Message
		re.Line, re.Column, re.Source = position(src, fe.From)
	} else {
		re.Message = err.Error()
	}
	return re
}
