package segment

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

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

// gap is how far the value v is from meeting t, and the relative
// distance: the need divided by the threshold's size (at least 1).
func gap(t rules.Threshold, v decimal.Decimal) (Gap, float64) {
	g := Gap{Field: t.Field, Op: t.Op, Threshold: t.Value, Value: v, Need: decimal.Zero}
	integer := t.Integer
	switch t.Op {
	case ">=":
		g.Need = decimal.Max(decimal.Zero, t.Value.Sub(v))
	case ">":
		switch {
		case v.GreaterThan(t.Value):
		case integer:
			g.Need = t.Value.Floor().Add(one).Sub(v)
		default:
			g.Need = t.Value.Sub(v)
			if g.Need.IsZero() { // exactly on a strict border: the smallest step counts
				g.Need = decimal.New(1, -2)
			}
		}
	case "<=":
		g.Need = decimal.Max(decimal.Zero, v.Sub(t.Value))
	case "<":
		switch {
		case v.LessThan(t.Value):
		case integer:
			g.Need = v.Sub(t.Value.Ceil().Sub(one))
		default:
			g.Need = v.Sub(t.Value)
			if g.Need.IsZero() {
				g.Need = decimal.New(1, -2)
			}
		}
	case "==":
		g.Need = v.Sub(t.Value).Abs()
	}
	size := decimal.Max(one, t.Value.Abs())
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
	seg := s.segments[r]
	pp := rules.Prepare(p)
	for _, clause := range seg.dnf {
		worst := 0.0
		var gaps []Gap
		for _, t := range clause {
			v, err := seg.cond.Measure(t, pp)
			if err != nil {
				return 0, nil, false
			}
			g, d := gap(t, v)
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
