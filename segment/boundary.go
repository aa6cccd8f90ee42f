package segment

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/shopspring/decimal"
)

// threshold is `Field Op Value` with a profile field and a number.
type threshold struct {
	field string
	op    string
	value decimal.Decimal
}

// dnf is a condition as an OR of ANDs of thresholds.
type dnf [][]threshold

// maxClauses bounds the expansion of a condition into thresholds.
const maxClauses = 64

var flipped = map[string]string{">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "=="}

// analyze reads a condition as thresholds on profile numbers, combined
// with && and ||; false when it is anything else.
func analyze(src string) (dnf, bool) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, false
	}
	return analyzeNode(tree.Node)
}

func analyzeNode(n ast.Node) (dnf, bool) {
	b, ok := n.(*ast.BinaryNode)
	if !ok {
		return nil, false
	}
	switch b.Operator {
	case "||", "or":
		l, ok1 := analyzeNode(b.Left)
		r, ok2 := analyzeNode(b.Right)
		if !ok1 || !ok2 || len(l)+len(r) > maxClauses {
			return nil, false
		}
		return append(l, r...), true
	case "&&", "and":
		l, ok1 := analyzeNode(b.Left)
		r, ok2 := analyzeNode(b.Right)
		if !ok1 || !ok2 || len(l)*len(r) > maxClauses {
			return nil, false
		}
		var out dnf
		for _, a := range l {
			for _, c := range r {
				out = append(out, append(append([]threshold(nil), a...), c...))
			}
		}
		return out, true
	}
	op, ok := flipped[b.Operator]
	if !ok {
		return nil, false
	}
	if f, ok := fieldName(b.Left); ok {
		if v, ok := number(b.Right); ok {
			return dnf{{{f, b.Operator, v}}}, true
		}
	}
	if f, ok := fieldName(b.Right); ok {
		if v, ok := number(b.Left); ok {
			return dnf{{{f, op, v}}}, true
		}
	}
	return nil, false
}

var numericFields = map[string]bool{"Orders": true, "Spend": true, "OrdersInPeriod": true, "SpendInPeriod": true,
	"DaysSinceLast": true, "Returns": true, "Complaints": true, "R": true, "F": true, "M": true}

func fieldName(n ast.Node) (string, bool) {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return x.Value, numericFields[x.Value]
	case *ast.MemberNode:
		if id, ok := x.Node.(*ast.IdentifierNode); ok && id.Value == "Counters" {
			if s, ok := x.Property.(*ast.StringNode); ok {
				return "Counters[" + s.Value + "]", true
			}
		}
	}
	return "", false
}

func number(n ast.Node) (decimal.Decimal, bool) {
	switch x := n.(type) {
	case *ast.IntegerNode:
		return decimal.NewFromInt(int64(x.Value)), true
	case *ast.FloatNode:
		return decimal.NewFromFloat(x.Value), true
	case *ast.UnaryNode:
		if x.Operator == "-" {
			if v, ok := number(x.Node); ok {
				return v.Neg(), true
			}
		}
	}
	return decimal.Decimal{}, false
}

func (p Profile) value(field string) decimal.Decimal {
	switch field {
	case "Orders":
		return decimal.NewFromInt(int64(p.Orders))
	case "Spend":
		return p.Spend
	case "OrdersInPeriod":
		return decimal.NewFromInt(int64(p.OrdersInPeriod))
	case "SpendInPeriod":
		return p.SpendInPeriod
	case "DaysSinceLast":
		return decimal.NewFromInt(int64(p.DaysSinceLast))
	case "Returns":
		return decimal.NewFromInt(int64(p.Returns))
	case "Complaints":
		return decimal.NewFromInt(int64(p.Complaints))
	case "R":
		return decimal.NewFromInt(int64(p.R))
	case "F":
		return decimal.NewFromInt(int64(p.F))
	case "M":
		return decimal.NewFromInt(int64(p.M))
	}
	if len(field) > 10 && field[:9] == "Counters[" {
		return decimal.NewFromInt(int64(p.Counters[field[9:len(field)-1]]))
	}
	return decimal.Zero
}

// Gap is one thing a customer lacks for a segment: Field must change by
// Need (up for >= and >, down for <= and <) to meet `Field Op Threshold`.
// For a strict comparison on money, Need is the change that reaches the
// threshold, and anything beyond it qualifies.
type Gap struct {
	Field     string
	Op        string
	Threshold decimal.Decimal
	Value     decimal.Decimal
	Need      decimal.Decimal
}

func (g Gap) String() string {
	switch g.Op {
	case ">=":
		return fmt.Sprintf("%s more %s (has %s, needs %s)", g.Need, g.Field, g.Value, g.Threshold)
	case ">":
		return fmt.Sprintf("%s more %s (has %s, needs over %s)", g.Need, g.Field, g.Value, g.Threshold)
	case "<=", "<":
		return fmt.Sprintf("%s less %s (has %s, needs %s %s)", g.Need, g.Field, g.Value, g.Op, g.Threshold)
	}
	return fmt.Sprintf("%s off %s (has %s, needs %s)", g.Need, g.Field, g.Value, g.Threshold)
}

var one = decimal.NewFromInt(1)

// gap is how far p is from meeting t, and the relative distance: the need
// divided by the threshold's size (at least 1).
func (t threshold) gap(p Profile) (Gap, float64) {
	v := p.value(t.field)
	g := Gap{Field: t.field, Op: t.op, Threshold: t.value, Value: v, Need: decimal.Zero}
	integer := t.field != "Spend" && t.field != "SpendInPeriod"
	switch t.op {
	case ">=":
		g.Need = decimal.Max(decimal.Zero, t.value.Sub(v))
	case ">":
		switch {
		case v.GreaterThan(t.value):
		case integer:
			g.Need = t.value.Floor().Add(one).Sub(v)
		default:
			g.Need = t.value.Sub(v)
			if g.Need.IsZero() { // exactly on a strict border: the smallest step counts
				g.Need = decimal.New(1, -2)
			}
		}
	case "<=":
		g.Need = decimal.Max(decimal.Zero, v.Sub(t.value))
	case "<":
		switch {
		case v.LessThan(t.value):
		case integer:
			g.Need = v.Sub(t.value.Ceil().Sub(one))
		default:
			g.Need = v.Sub(t.value)
			if g.Need.IsZero() {
				g.Need = decimal.New(1, -2)
			}
		}
	case "==":
		g.Need = v.Sub(t.value).Abs()
	}
	size := decimal.Max(one, t.value.Abs())
	return g, g.Need.Div(size).InexactFloat64()
}

// Distance is how far p is from segment name: 0 exactly when p meets its
// condition, else the smallest, over the condition's alternatives (||), of
// the largest relative gap among what that alternative needs (&&); the
// gaps are returned. A relative gap is the change needed divided by the
// threshold (0.1: 10 % short). ok is false when the condition is not made
// of thresholds on profile numbers.
func (s *Segmentation) Distance(p Profile, name string) (dist float64, missing []Gap, ok bool) {
	r := s.rank(name)
	if r < 0 || r == len(s.segments) || !s.segments[r].ok {
		return 0, nil, false
	}
	best := math.Inf(1)
	for _, clause := range s.segments[r].dnf {
		worst := 0.0
		var gaps []Gap
		for _, t := range clause {
			g, d := t.gap(p)
			worst = math.Max(worst, d)
			if g.Need.IsPositive() {
				gaps = append(gaps, g)
			}
		}
		if worst < best {
			best, missing = worst, gaps
		}
	}
	return best, missing, true
}

// Boundary is a customer close to the next segment up.
type Boundary struct {
	ID       string
	From, To string
	Distance float64
	Missing  []Gap
}

// Boundaries lists the customers within distance `within` of the next
// segment up — the nearest segment above theirs whose condition is made of
// thresholds (see [Segmentation.Distance]); segments between that are not
// (such as the seeds' "difficult") are skipped. Closest first, ties by ID.
// assigned[i] is ps[i]'s segment, as [Segmentation.AssignAll] gives.
func (s *Segmentation) Boundaries(ps []Profile, assigned []string, within float64) ([]Boundary, error) {
	if len(assigned) != len(ps) {
		return nil, inputErr("Boundaries", "assigned", "has %d entries for %d profiles", len(assigned), len(ps))
	}
	var out []Boundary
	for i, p := range ps {
		r := s.rank(assigned[i])
		for r--; r >= 0 && !s.segments[r].ok; r-- {
		}
		if r < 0 {
			continue
		}
		up := s.segments[r].Name
		d, gaps, ok := s.Distance(p, up)
		if !ok || d > within || d == 0 {
			continue
		}
		out = append(out, Boundary{ID: p.ID, From: assigned[i], To: up, Distance: d, Missing: gaps})
	}
	slices.SortFunc(out, func(a, b Boundary) int { return cmp.Or(cmp.Compare(a.Distance, b.Distance), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}
