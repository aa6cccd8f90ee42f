package segment

import (
	"math"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// Near is [Segmentation.Assign] and [Segmentation.Boundaries] for one
// profile, for callers that go through customers one at a time (package
// touch): p's segment, and, when p is within distance `within` of the
// next segment up, that boundary (near is true; b.ID is p.ID). It gives
// what Boundaries gives for p, at a fraction of the cost: the profile is
// prepared once, and the exact gap arithmetic is skipped for the
// alternatives a float64 estimate already puts farther than within.
//
// p is read, not copied, and must not change during the call.
func (s *Segmentation) Near(p *Profile, within float64) (assigned string, b Boundary, near bool, err error) {
	pp := rules.PrepareRef(p)
	r := len(s.segments)
	for i, c := range s.segments {
		ok, err := c.cond.Match(pp)
		if err != nil {
			return "", Boundary{}, false, err
		}
		if ok {
			r = i
			break
		}
	}
	assigned = s.def
	if r < len(s.segments) {
		assigned = s.segments[r].Name
	}
	for r--; r >= 0 && !s.segments[r].ok; r-- {
	}
	if r < 0 {
		return assigned, Boundary{}, false, nil
	}
	up := s.segments[r]
	d, gaps, ok := up.near(pp, within)
	if !ok || d > within || d == 0 {
		return assigned, Boundary{}, false, nil
	}
	return assigned, Boundary{ID: p.ID, From: assigned, To: up.Name, Distance: d, Missing: gaps}, true, nil
}

// near is Distance for prepared facts, exact for the alternatives that
// may be within `within`; the others count as +Inf.
func (c *compiledSegment) near(pp rules.Prepared[Profile], within float64) (float64, []Gap, bool) {
	best := math.Inf(1)
	var missing []Gap
	values := make([]decimal.Decimal, 0, 4)
	far := func(clause []rules.Threshold) bool {
		for k, t := range clause {
			if estimate(t, values[k]) > within*(1+1e-9)+1e-12 {
				return true
			}
		}
		return false
	}
	for _, clause := range c.dnf {
		values = values[:0]
		for _, t := range clause { // every one, as Distance does: a field that cannot be read is no boundary
			v, err := c.cond.Measure(t, pp)
			if err != nil {
				return 0, nil, false
			}
			values = append(values, v)
		}
		if far(clause) {
			continue // this alternative lacks more than within
		}
		worst := 0.0
		var gaps []Gap
		for k, t := range clause {
			g, d := gap(t, values[k])
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

// estimate is gap's relative distance in float64, without allocating:
// within a few units in the last place of the exact one, which is all a
// comparison with a margin needs.
func estimate(t rules.Threshold, v decimal.Decimal) float64 {
	tv, x := t.Value.InexactFloat64(), v.InexactFloat64()
	var need float64
	switch t.Op {
	case ">=", ">":
		need = tv - x
	case "<=", "<":
		need = x - tv
	case "==":
		need = math.Abs(x - tv)
	}
	if need <= 0 {
		return 0
	}
	return need / math.Max(1, math.Abs(tv))
}
