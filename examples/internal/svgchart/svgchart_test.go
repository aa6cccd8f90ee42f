package svgchart

import (
	"math"
	"strings"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		n      int
		want   string
	}{
		{0, 4339, 6, "0 1000 2000 3000 4000"},
		{0, 78, 10, "0 10 20 30 40 50 60 70"},
		{0, 6.9, 6, "0 2 4 6"},
		{0, 30, 6, "0 5 10 15 20 25 30"},
		{-0.5, 38.86, 8, "0 5 10 15 20 25 30 35"},
	} {
		var got []string
		for _, v := range niceTicks(c.lo, c.hi, c.n) {
			got = append(got, tickLabel(v))
		}
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("niceTicks(%v, %v, %d) = %s, want %s", c.lo, c.hi, c.n, s, c.want)
		}
	}
}

// The writer refuses a coordinate that is not a number rather than write
// it.
func TestSVGRefusesNaN(t *testing.T) {
	c := LineChart{Title: "t", Series: []LineSeries{{Name: "s", X: []float64{0, 1, 2}, Y: []float64{0, math.NaN(), 1}}}}
	if _, err := c.SVG(); err == nil {
		t.Error("a NaN point was written")
	}
	b := BarChart{Title: "t", Categories: []string{"a"}, Series: []BarSeries{{Name: "s", Values: []float64{math.Inf(1)}}}}
	if _, err := b.SVG(); err == nil {
		t.Error("an infinite bar was written")
	}
}
