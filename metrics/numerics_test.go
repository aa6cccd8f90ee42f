package metrics

import (
	"fmt"
	"math"
	"testing"
)

// TestHyp2f1 checks ₂F₁ against closed forms, on both sides of the
// z = 0.75 switch from the series to Euler's integral.
func TestHyp2f1(t *testing.T) {
	tests := []struct {
		name       string
		a, b, c, z float64
		want       float64
	}{
		{"(1-z)^-a", 0.7, 2.3, 2.3, 0.5, math.Pow(0.5, -0.7)},
		{"(1-z)^-a near 1", 0.7, 2.3, 2.3, 0.99, math.Pow(0.01, -0.7)},
		{"-ln(1-z)/z", 1, 1, 2, 0.9, -math.Log(0.1) / 0.9},
		{"-ln(1-z)/z very near 1", 1, 1, 2, 0.99999, -math.Log(1e-5) / 0.99999},
		{"asin", 0.5, 0.5, 1.5, 0.81, math.Asin(0.9) / 0.9},
		{"(1-z)^-a, a non-integer, z=0.95", 1.243, 0.5, 0.5, 0.95, math.Pow(0.05, -1.243)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := hyp2f1(tc.a, tc.b, tc.c, tc.z); err != nil || math.Abs(got-tc.want) > 1e-8*math.Abs(tc.want) {
				t.Errorf("hyp2f1(%v, %v, %v, %v) = %.15g, %v; want %.15g", tc.a, tc.b, tc.c, tc.z, got, err, tc.want)
			}
		})
	}
	// Continuity across the switch.
	for _, p := range [][3]float64{{0.24, 2.4, 2.2}, {3.2, 4.1, 5.9}, {0.55, 1.6, 2.2}} {
		t.Run(fmt.Sprintf("continuous at 0.75 for %v", p), func(t *testing.T) {
			lo, err1 := hyp2f1(p[0], p[1], p[2], 0.75)
			hi, err2 := hyp2f1(p[0], p[1], p[2], 0.7500001)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if math.Abs(hi-lo)/lo > 1e-5 {
				t.Errorf("hyp2f1%v jumps at 0.75: %v → %v", p, lo, hi)
			}
		})
	}
}
