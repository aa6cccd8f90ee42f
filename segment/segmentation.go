package segment

import (
	"errors"
	"fmt"

	"github.com/loyalkit/loyalkit/rules"
)

// Definition is one named segment: a condition over a [Profile], written
// like a rule condition. JSON-friendly, so a segmentation can live in
// config.
type Definition struct {
	Name string `json:"name"`
	When string `json:"when"`
}

// Segmentation is an ordered list of compiled segments with a default:
// a profile belongs to the first segment whose condition holds, else to
// the default. The order is also the ranking: earlier is "up". Immutable
// and safe for concurrent use.
type Segmentation struct {
	segments []compiledSegment
	def      string
}

type compiledSegment struct {
	Definition
	cond *rules.Condition[Profile]
	dnf  [][]rules.Threshold // the condition as thresholds, when it is one (see Distance)
	ok   bool
}

// Compile compiles the segments (with the rules engine: errors name the
// segment and the line:column) and the default segment's name. Names must
// be unique and not empty.
func Compile(defs []Definition, defaultName string, opts ...rules.Option) (*Segmentation, error) {
	var errs []error
	seen := map[string]bool{defaultName: true}
	if defaultName == "" {
		errs = append(errs, inputErr("Compile", "defaultName", "is empty"))
	}
	s := &Segmentation{def: defaultName}
	for i, d := range defs {
		switch {
		case d.Name == "":
			errs = append(errs, inputErr("Compile", "defs", "[%d] has no name", i))
			continue
		case seen[d.Name]:
			errs = append(errs, inputErr("Compile", "defs", "[%d] %q is a duplicate name", i, d.Name))
			continue
		}
		seen[d.Name] = true
		c, err := rules.CompileCondition[Profile](d.Name, d.When, opts...)
		if err != nil {
			var ce *rules.CompileError
			if errors.As(err, &ce) {
				for _, re := range ce.Errors {
					re.Subject = "segment"
				}
			}
			errs = append(errs, err)
			continue
		}
		cs := compiledSegment{Definition: d, cond: c}
		cs.dnf, cs.ok = c.Thresholds()
		s.segments = append(s.segments, cs)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// Names lists the segments in rank order, the default last.
func (s *Segmentation) Names() []string {
	out := make([]string, 0, len(s.segments)+1)
	for _, c := range s.segments {
		out = append(out, c.Name)
	}
	return append(out, s.def)
}

// Assign returns the name of the first segment p belongs to.
func (s *Segmentation) Assign(p Profile) (string, error) {
	pp := rules.Prepare(p)
	for _, c := range s.segments {
		ok, err := c.cond.Match(pp)
		if err != nil {
			return "", fmt.Errorf("segment: customer %q: %w", p.ID, err)
		}
		if ok {
			return c.Name, nil
		}
	}
	return s.def, nil
}

// AssignAll assigns every profile in one pass; out[i] is ps[i]'s segment.
func (s *Segmentation) AssignAll(ps []Profile) ([]string, error) {
	out := make([]string, len(ps))
	for i, p := range ps {
		name, err := s.Assign(p)
		if err != nil {
			return nil, err
		}
		out[i] = name
	}
	return out, nil
}

// Sizes counts the profiles per segment, in [Segmentation.Names] order.
func (s *Segmentation) Sizes(assigned []string) []int {
	idx := map[string]int{}
	for i, n := range s.Names() {
		idx[n] = i
	}
	out := make([]int, len(idx))
	for _, a := range assigned {
		if i, ok := idx[a]; ok {
			out[i]++
		}
	}
	return out
}

func (s *Segmentation) rank(name string) int {
	for i, c := range s.segments {
		if c.Name == name {
			return i
		}
	}
	if name == s.def {
		return len(s.segments)
	}
	return -1
}
