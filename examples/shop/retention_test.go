package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"sort"
	"testing"
	"time"
)

// TestRetention checks the retention figures on a small history worked
// by hand, then that the models fit on a larger one and rank a customer
// who stopped buying below one who kept buying.
func TestRetention(t *testing.T) {
	clock := &testClock{}
	ts := startServer(t, tempDB(t), clock, nil)
	ts.must(http.StatusCreated, "PUT", "/v1/program", programJSON(t), nil)
	almaty, _ := time.LoadLocation("Asia/Almaty")
	total := 1000
	buy := func(customer, order string, at time.Time) {
		t.Helper()
		clock.Set(at)
		ts.must(200, "POST", "/v1/customers/"+customer+"/purchases", fmt.Sprintf(`{"id":%q,"total":"%d"}`, order, total), nil)
	}
	// March: a, b, c. April: a, b and d, new. As of 15 May, April is the
	// one period with a previous one: 3 before, 2 retained, 1 new, 3
	// active: CRR (3 − 1)/3, churn 1/3. a and b bought twice: repeat rate 2/4.
	march, april := time.Date(2026, 3, 10, 12, 0, 0, 0, almaty), time.Date(2026, 4, 10, 12, 0, 0, 0, almaty)
	buy("a", "a1", march)
	buy("b", "b1", march)
	buy("c", "c1", march)
	buy("a", "a2", april)
	buy("b", "b2", april)
	buy("d", "d1", april)
	ts.must(200, "POST", "/v1/customers/d/refunds", `{"id":"r1","order":"d1","amount":"1000"}`, nil) // d's order refunded: still an order
	clock.Set(time.Date(2026, 5, 15, 0, 0, 0, 0, almaty))
	var v retentionView
	ts.must(200, "GET", "/v1/metrics/retention", nil, &v)
	if v.Customers != 4 || v.Orders != 6 || v.RepeatRate == nil || *v.RepeatRate != 0.5 {
		t.Errorf("%d customers, %d orders, repeat rate %v; want 4, 6, 0.5", v.Customers, v.Orders, v.RepeatRate)
	}
	if len(v.Periods) != 1 {
		t.Fatalf("periods %+v, want April only", v.Periods)
	}
	p := v.Periods[0]
	if p.Start != "2026-04-01" || p.Previous != 3 || p.Retained != 2 || p.New != 1 || p.Active != 3 ||
		p.CRR == nil || math.Abs(*p.CRR-2.0/3) > 1e-12 || p.Churn == nil || math.Abs(*p.Churn-1.0/3) > 1e-12 {
		t.Errorf("April: %+v (crr %v, churn %v); want 3 previous, 2 retained, 1 new, 3 active, CRR 2/3, churn 1/3", p, deref(p.CRR), deref(p.Churn))
	}

	// 80 customers over 30 weeks as BG/NBD tells the story: each buys in
	// a week with some probability and, after each purchase, may leave
	// for good. "steady" buys every 3 weeks to the end; "lapsed" bought
	// weekly for 6 weeks and then never again.
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 6, 1, 12, 0, 0, 0, almaty)
	type purchase struct {
		customer string
		at       time.Time
	}
	var log []purchase
	for i := range 80 {
		rate, leave := 0.1+0.5*rng.Float64(), 0.05+0.4*rng.Float64()
		for w := rng.IntN(10); w < 30; w++ {
			if w > 0 && rng.Float64() > rate {
				continue
			}
			log = append(log, purchase{fmt.Sprintf("m%02d", i), start.AddDate(0, 0, 7*w+rng.IntN(3))})
			if rng.Float64() < leave {
				break
			}
		}
	}
	for w := 0; w < 30; w += 3 {
		log = append(log, purchase{"steady", start.AddDate(0, 0, 7*w)})
	}
	for w := range 6 {
		log = append(log, purchase{"lapsed", start.AddDate(0, 0, 7*w)})
	}
	sort.SliceStable(log, func(i, j int) bool { return log[i].at.Before(log[j].at) })
	for i, p := range log {
		total = 500 + rng.IntN(4500) // spend varies: the Gamma-Gamma model needs that
		buy(p.customer, fmt.Sprintf("p%d", i), p.at)
	}
	clock.Set(start.AddDate(0, 0, 7*30))
	ts.must(200, "GET", "/v1/metrics/retention?period=week&top=1000", nil, &v)
	if v.ModelError != "" || v.Model == "" || v.Spend == "" {
		t.Fatalf("the models did not fit: %q (model %q, spend %q)", v.ModelError, v.Model, v.Spend)
	}
	byID := map[string]customerValue{}
	for _, c := range v.Top {
		if c.PAlive < 0 || c.PAlive > 1 || c.CLV != nil && (*c.CLV < 0 || math.IsNaN(*c.CLV)) {
			t.Errorf("%s: P(alive) %v, CLV %v", c.Customer, c.PAlive, deref(c.CLV))
		}
		byID[c.Customer] = c
	}
	steady, lapsed := byID["steady"], byID["lapsed"]
	if !(steady.PAlive > lapsed.PAlive) {
		t.Errorf("P(alive): steady %.3f, lapsed %.3f; want steady above lapsed", steady.PAlive, lapsed.PAlive)
	}
	if steady.CLV != nil && lapsed.CLV != nil && !(*steady.CLV > *lapsed.CLV) {
		t.Errorf("CLV: steady %v, lapsed %v; want steady above lapsed", *steady.CLV, *lapsed.CLV)
	}
	given := 0
	for _, c := range v.Top {
		if c.CLV != nil {
			given++
		}
	}
	if given == 0 || given+v.Withheld != len(v.Top) {
		t.Errorf("%d CLVs given, %d withheld, %d customers", given, v.Withheld, len(v.Top))
	}
	t.Logf("%s; %s; steady P(alive) %.3f CLV %.0f, lapsed P(alive) %.3f CLV %.0f; %d CLVs withheld as implausible",
		v.Model, v.Spend, steady.PAlive, deref(steady.CLV), lapsed.PAlive, deref(lapsed.CLV), v.Withheld)
}

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
