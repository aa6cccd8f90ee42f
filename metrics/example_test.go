package metrics_test

import (
	"errors"
	"fmt"

	"github.com/loyalkit/loyalkit/metrics"
	"github.com/shopspring/decimal"
)

func ExampleCRR() {
	// 200 customers at the start, 220 at the end, 40 of them new.
	crr, err := metrics.CRR(200, 220, 40)
	fmt.Printf("CRR %.0f%% %v\n", 100*crr, err)
	if err != nil {
		return
	}
	// An impossible bookkeeping is an error, not a clamped number.
	_, err = metrics.CRR(0, 10, 2)
	fmt.Println(err)
	// Output:
	// CRR 90% <nil>
	// metrics: CRR: start is 0: retention needs customers at the start
}

func ExampleNPS() {
	r, err := metrics.NPS([]int{10, 9, 9, 8, 7, 6, 3, 10, 9, 2})
	fmt.Printf("%+.0f (promoters %d, passives %d, detractors %d) %v\n", r.Score, r.Promoters, r.Passives, r.Detractors, err)
	if err != nil {
		return
	}
	_, err = metrics.NPS([]int{9, 11})
	fmt.Println(err)
	// Output:
	// +20 (promoters 5, passives 2, detractors 3) <nil>
	// metrics: NPS: scores [1] = 11 is outside 0..10
}

func ExampleSimpleCLTV() {
	// The articles' example: 3 000 a purchase, 15 purchases a year, 5 years.
	v, err := metrics.SimpleCLTV(decimal.NewFromInt(3000), decimal.NewFromInt(15), decimal.NewFromInt(5), decimal.Zero)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v)
	// Output: 225000
}

func ExampleBGNBD_PAlive() {
	// The CDNOW estimates (Fader, Hardie & Lee 2005), in weeks.
	m := metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks}
	fmt.Printf("P(alive) %.3f, next 39 weeks %.3f purchases\n",
		m.PAlive(2, 30.43, 38.86), m.ConditionalExpectedPurchases(39, 2, 30.43, 38.86))
	// Output: P(alive) 0.727, next 39 weeks 1.226 purchases
}

// The error-returning forms say why a value cannot be given: here a
// recency beyond the customer's age, and a horizon for a Pareto/NBD whose
// ₂F₁ term cannot be computed. The convenience forms return NaN instead.
func ExampleBGNBD_PAliveErr() {
	m := metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks}
	p, err := m.PAliveErr(2, 30.43, 38.86)
	fmt.Printf("P(alive) %.3f, error %v\n", p, err)
	_, err = m.PAliveErr(2, 40, 38.86)
	fmt.Println(err)
	fmt.Println(m.PAlive(2, 40, 38.86))
	// Output:
	// P(alive) 0.727, error <nil>
	// metrics: BGNBD.PAliveErr: recency must be in [0, T = 38.86], got 40
	// NaN
}

func ExampleParetoNBD_ConditionalExpectedPurchasesErr() {
	// The CDNOW estimates (Fader, Hardie & Lee 2005), in weeks.
	m := metrics.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669, Unit: metrics.Weeks}
	e, err := m.ConditionalExpectedPurchasesErr(39, 2, 30.43, 38.86)
	fmt.Printf("next 39 weeks %.3f purchases, error %v\n", e, err)
	extreme := metrics.ParetoNBD{R: 1e200, Alpha: 1, S: 1e-200, Beta: 1e300, Unit: metrics.Weeks}
	_, err = extreme.ConditionalExpectedPurchasesErr(39, 3, 10, 20)
	fmt.Println(errors.Is(err, metrics.ErrNumerical))
	// Output:
	// next 39 weeks 1.455 purchases, error <nil>
	// true
}
