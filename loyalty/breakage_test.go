package loyalty_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// triangleDevelopment is a development of cohorts with net points net[i]
// and cumulative redemptions c[i][k] at the end of each observed month.
func triangleDevelopment(net []int64, c [][]int64) loyalty.Development {
	dev := loyalty.Development{Zone: "UTC", AsOf: time.Date(2025, time.Month(len(net)+1), 1, 0, 0, 0, 0, time.UTC)}
	for i := range net {
		co := loyalty.Cohort{Month: time.Date(2025, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC), Earned: decimal.NewFromInt(net[i])}
		for _, x := range c[i] {
			co.Ages = append(co.Ages, loyalty.CohortState{Redeemed: decimal.NewFromInt(x), Outstanding: decimal.NewFromInt(net[i] - x)})
		}
		co.Latest = co.Ages[len(co.Ages)-1]
		dev.Cohorts = append(dev.Cohorts, co)
	}
	return dev
}

// TestBreakageByHand checks both methods on a five-cohort triangle
// against an independent computation (Python, from Mack 1993's and Mack
// 2002's formulas; the script is in the comment below).
//
//	f_k = ΣC[k+1]/ΣC[k]; σ²_k = Σ C[k](C[k+1]/C[k] − f_k)² / (n−1), the
//	last extrapolated; mse_i = Ĉ²_iK Σ_k σ²_k/f²_k (1/Ĉ_ik + 1/S_k),
//	total with 2 Ĉ_i Ĉ_j Σ_k 2σ²_k/f²_k / S_k.
//	m_k = ΣΔC[k]/ΣE; s²_k = Σ E(ΔC/E − m_k)²/(n−1); mse_i = Σ_k s²_k (E_i
//	+ E_i²/V_k); total Σ_k s²_k (A_k + A_k²/V_k).
func TestBreakageByHand(t *testing.T) {
	dev := triangleDevelopment([]int64{1000, 800, 1200, 900, 1100}, [][]int64{
		{100, 250, 330, 360, 370}, {90, 210, 270, 300}, {150, 330, 430}, {80, 200}, {120}})
	type want struct {
		breakage, stdErr []float64
		total, totalErr  float64
		rates            []float64
		// Of the 3,580 points outstanding, the part expected to be
		// redeemed still, and the share expected never to be.
		future, outstandingBreakage float64
	}
	tests := []struct {
		method loyalty.BreakageMethod
		want   want
	}{
		{loyalty.ChainLadder, want{
			breakage: []float64{0.63, 0.614583333333333, 0.594884259259259, 0.672441006407251, 0.620967450271248},
			stdErr:   []float64{0, 0.00685124149301828, 0.00862158925870846, 0.00953496388722103, 0.0279954753602738},
			total:    0.624757775768535, totalErr: 0.00853666020013278,
			rates:  []float64{2.357142857142857, 1.3037974683544304, 1.1, 1.0277777777777777},
			future: 456.211121157324, outstandingBreakage: 0.872566725933708}},
		{loyalty.AdditiveRate, want{
			breakage: []float64{0.63, 0.615, 0.598333333333333, 0.654444444444444, 0.621421911421911},
			stdErr:   []float64{0, 0.00612372435695794, 0.00807946642902721, 0.0100461896222362, 0.0128005088693601},
			total:    0.622512820512821, totalErr: 0.00529721497789404,
			rates:  []float64{0.108, 0.14615384615384616, 0.08, 0.03333333333333333, 0.01},
			future: 467.435897435897, outstandingBreakage: 0.869431313565392}},
	}
	for _, tt := range tests {
		t.Run(tt.method.String(), func(t *testing.T) {
			est, err := dev.Breakage(tt.method)
			if err != nil {
				t.Fatal(err)
			}
			got := want{total: est.Breakage, totalErr: est.StdErr, rates: est.Rates, future: est.Future, outstandingBreakage: est.OutstandingBreakage}
			for _, c := range est.Cohorts {
				got.breakage = append(got.breakage, c.Breakage)
				got.stdErr = append(got.stdErr, c.StdErr)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{}), cmpopts.EquateApprox(1e-12, 1e-13)); diff != "" {
				t.Errorf("Breakage(%v) mismatch (-want +got):\n%s", tt.method, diff)
			}
			if est.Method != tt.method || est.Skipped != 0 || est.Net != 5000 || est.Outstanding != 3580 {
				t.Errorf("method %v, skipped %d, net %v, outstanding %v", est.Method, est.Skipped, est.Net, est.Outstanding)
			}
			if math.Abs(est.OutstandingStdErr*est.Outstanding-est.StdErr*est.Net) > 1e-9 {
				t.Errorf("the reserve's error %v is not the ultimate's %v", est.OutstandingStdErr*est.Outstanding, est.StdErr*est.Net)
			}
		})
	}
}

// TestBreakageEdges: what each method says of cohorts it cannot develop,
// and bad input.
func TestBreakageEdges(t *testing.T) {
	dev := triangleDevelopment([]int64{1000, 800, 500}, [][]int64{{100, 250, 330}, {90, 210}, {0}})
	cl, err := dev.Breakage(loyalty.ChainLadder)
	if err != nil {
		t.Fatal(err)
	}
	if c := cl.Cohorts[2]; c.Estimated || c.Note == "" || cl.Skipped != 1 || cl.Net != 1800 {
		t.Errorf("chain ladder on a cohort with nothing redeemed: %+v (skipped %d, net %v)", c, cl.Skipped, cl.Net)
	}
	add, err := dev.Breakage(loyalty.AdditiveRate)
	if err != nil {
		t.Fatal(err)
	}
	// m_1 = (150 + 120) / 1800, m_2 = 80 / 1000: 0 + 0.15 + 0.08 redeemed.
	if c := add.Cohorts[2]; !c.Estimated || math.Abs(c.Ultimate-0.23) > 1e-12 || add.Skipped != 0 {
		t.Errorf("additive on a cohort with nothing redeemed: %+v, want an ultimate of 0.23", c)
	}
	if c := add.Cohorts[0]; c.Note == "" || c.StdErr != 0 || c.Complete {
		t.Errorf("the oldest cohort, still outstanding: %+v; want a note that no development after it is assumed", c)
	}
	if _, err := dev.Breakage(loyalty.MethodUnset); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("no method: %v", err)
	}
	if _, err := (loyalty.Development{}).Breakage(loyalty.ChainLadder); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("no cohort: %v", err)
	}
	var m loyalty.BreakageMethod
	if err := m.UnmarshalText([]byte("chain-ladder")); err == nil {
		t.Error("an unknown method name was accepted")
	} else if m.UnmarshalText([]byte("additive_rate")) != nil || m != loyalty.AdditiveRate {
		t.Errorf("additive_rate read as %v", m)
	}
}

// synthetic is a programme's history where the truth is known: in each
// of n monthly cohorts, lots of 50 to 500 points; each lot is redeemed
// whole with probability pi, after a number of months drawn from a
// geometric distribution (a chance q each month), unless it expires first
// at age horizon; otherwise it expires then. It returns the development
// as of the start of month n (cohort i observed for n − i months) and
// each cohort's realized breakage, which the future part of the
// simulation knows.
func synthetic(rng *rand.Rand, n, lots int, pi, q float64, horizon int) (loyalty.Development, []float64, [][2]float64) {
	dev := loyalty.Development{Zone: "UTC", AsOf: time.Date(2023, time.Month(n+1), 1, 0, 0, 0, 0, time.UTC)}
	var realized []float64
	var future [][2]float64 // per cohort: outstanding at AsOf, and the part of it redeemed later
	for i := range n {
		observed := n - i
		redeemed := make([]int64, horizon+1) // by age
		expired := make([]int64, horizon+1)
		var earned int64
		for range lots/2 + rng.IntN(lots) {
			pts := int64(50 + rng.IntN(451))
			earned += pts
			age := horizon
			if rng.Float64() < pi {
				for age = 0; age < horizon && rng.Float64() >= q; age++ {
				}
			}
			if age < horizon {
				redeemed[age] += pts
			} else {
				expired[horizon] += pts
			}
		}
		co := loyalty.Cohort{Month: time.Date(2023, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC), Earned: decimal.NewFromInt(earned)}
		var r, e, all int64
		for k := 0; k <= horizon; k++ {
			all += redeemed[k]
			if k < observed {
				r, e = r+redeemed[k], e+expired[k]
				co.Ages = append(co.Ages, loyalty.CohortState{Redeemed: decimal.NewFromInt(r), Expired: decimal.NewFromInt(e),
					Outstanding: decimal.NewFromInt(earned - r - e)})
			}
		}
		co.Latest = co.Ages[len(co.Ages)-1]
		dev.Cohorts = append(dev.Cohorts, co)
		realized = append(realized, 1-float64(all)/float64(earned))
		future = append(future, [2]float64{float64(earned - r - e), float64(all - r)})
	}
	return dev, realized, future
}

// TestBreakageSynthetic: on synthetic histories whose breakage is known,
// both methods find it: the complete cohorts exactly, the others within
// their standard errors about as often as they claim (about 95 % within
// 1.96 of them), and the total close to the truth.
func TestBreakageSynthetic(t *testing.T) {
	const pi, q, horizon = 0.6, 0.25, 12
	truth := 1 - pi*(1-math.Pow(1-q, horizon)) // the expected breakage: 0.4190
	for _, method := range []loyalty.BreakageMethod{loyalty.ChainLadder, loyalty.AdditiveRate} {
		t.Run(method.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			within, total, totalWithin, outWithin, runs := 0, 0, 0, 0, 200
			var meanErr float64
			for range runs {
				dev, realized, future := synthetic(rng, 24, 120, pi, q, horizon)
				est, err := dev.Breakage(method)
				if err != nil {
					t.Fatal(err)
				}
				var realNet, realBroken, out, later float64
				for i, c := range est.Cohorts {
					realNet += c.Net
					realBroken += c.Net * realized[i]
					if c.Estimated {
						out, later = out+future[i][0], later+future[i][1]
					}
					if c.Complete {
						if math.Abs(c.Breakage-realized[i]) > 1e-12 || c.StdErr != 0 {
							t.Fatalf("complete cohort %d: breakage %v ± %v, realized %v", i, c.Breakage, c.StdErr, realized[i])
						}
						continue
					}
					if !c.Estimated {
						continue
					}
					total++
					if math.Abs(c.Breakage-realized[i]) <= 1.96*c.StdErr {
						within++
					}
				}
				if math.Abs(est.Breakage-realBroken/realNet) <= 1.96*est.StdErr {
					totalWithin++
				}
				if est.Outstanding != out {
					t.Fatalf("outstanding %v, the simulation's %v", est.Outstanding, out)
				}
				if math.Abs(est.OutstandingBreakage-(1-later/out)) <= 1.96*est.OutstandingStdErr {
					outWithin++
				}
				meanErr += (est.Breakage - truth) / float64(runs)
			}
			cover := float64(within) / float64(total)
			t.Logf("%v: %d of %d young cohorts within 1.96 SE (%.3f); totals %d of %d, of the outstanding %d; mean error of the total vs %.4f: %+.4f",
				method, within, total, cover, totalWithin, runs, outWithin, truth, meanErr)
			if cover < 0.88 || cover > 0.99 {
				t.Errorf("%v: coverage %.3f of the young cohorts' realized breakage, want about 0.95", method, cover)
			}
			if c := float64(totalWithin) / float64(runs); c < 0.85 {
				t.Errorf("%v: the total's coverage %.3f, want about 0.95", method, c)
			}
			if c := float64(outWithin) / float64(runs); c < 0.85 {
				t.Errorf("%v: the outstanding breakage's coverage %.3f, want about 0.95", method, c)
			}
			if math.Abs(meanErr) > 0.01 {
				t.Errorf("%v: the total is off the true breakage %.4f by %+.4f on average", method, truth, meanErr)
			}
		})
	}
}

// TestBreakageFromLedger: a history made with the ledger itself — each
// customer buys once, then redeems every point after a geometric number
// of months with probability 0.5, or lets them expire at 6 months —
// gives a development whose complete cohorts are exactly the simulated
// fates, and breakage estimates near the truth for the others.
func TestBreakageFromLedger(t *testing.T) {
	p := mustProgram(t, loyalty.Config{Name: "synthetic", Currency: "EUR", TimeZone: "UTC", MoneyPlaces: 2,
		Rules:      []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"}},
		Expiry:     loyalty.Expiry{Kind: loyalty.EndOfMonth},
		Redemption: loyalty.RedemptionPolicy{PointValue: d("0.01")}})
	// End-of-month expiry would end every cohort at once; instead the
	// points live six months: a programme of AfterMonths 6.
	cfg := p.Config()
	cfg.Expiry = loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 6}
	p = mustProgram(t, cfg)
	const months, perMonth, pi, q = 15, 60, 0.5, 0.3
	asOf := time.Date(2024, months+1, 1, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(7, 8))
	cs, err := p.NewCohorts(asOf)
	if err != nil {
		t.Fatal(err)
	}
	fate := make([][2]int64, months) // per cohort: points earned, points that will be redeemed
	for m := range months {
		for k := range perMonth {
			c := loyalty.Customer{ID: fmt.Sprint("c", m, "-", k)}
			at := time.Date(2024, time.Month(m+1), 1+rng.IntN(28), 10, 0, 0, 0, time.UTC)
			pts := int64(20 + rng.IntN(200))
			a, r, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o", Total: decimal.NewFromInt(pts)}, at)
			if err != nil {
				t.Fatal(err)
			}
			log := slices.Clone(r.Entries)
			fate[m][0] += pts
			redeemAt := time.Time{}
			if rng.Float64() < pi {
				age := 0
				for ; age < 6 && rng.Float64() >= q; age++ {
				}
				if age < 6 { // redeemed `age` months after buying, before the 6 months are up
					redeemAt = at.AddDate(0, age, 0).Add(time.Hour)
					fate[m][1] += pts
				}
			}
			if !redeemAt.IsZero() && !redeemAt.After(asOf) {
				if a, r, err = p.Redeem(a, c, loyalty.Redemption{ID: "x", Points: decimal.NewFromInt(pts)}, redeemAt); err != nil {
					t.Fatal(err)
				}
				log = append(log, r.Entries...)
			}
			if exp := at.AddDate(0, 6, 0); !exp.After(asOf) {
				if _, r, err = p.Expire(a, exp); err != nil {
					t.Fatal(err)
				}
				log = append(log, r.Entries...)
			}
			for _, e := range log {
				if err := cs.Add(e); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	dev := cs.Development()
	truth := 1 - pi*(1-math.Pow(1-q, 6))
	var earned, redeemed float64
	for _, f := range fate {
		earned, redeemed = earned+float64(f[0]), redeemed+float64(f[1])
	}
	realized := 1 - redeemed/earned
	for _, method := range []loyalty.BreakageMethod{loyalty.ChainLadder, loyalty.AdditiveRate} {
		est, err := dev.Breakage(method)
		if err != nil {
			t.Fatal(err)
		}
		complete := 0
		for i, c := range est.Cohorts {
			realized := 1 - float64(fate[i][1])/float64(fate[i][0])
			if c.Complete {
				complete++
				if math.Abs(c.Breakage-realized) > 1e-12 {
					t.Errorf("%v: complete cohort %s: breakage %v, the simulation's %v", method, c.Month.Format("2006-01"), c.Breakage, realized)
				}
			}
		}
		if complete < 8 {
			t.Errorf("%v: %d complete cohorts; the older ones should be", method, complete)
		}
		if math.Abs(est.Breakage-realized) > 3*est.StdErr {
			t.Errorf("%v: breakage %.4f ± %.4f, the simulation's %.4f", method, est.Breakage, est.StdErr, realized)
		}
		t.Logf("%v: breakage %.4f ± %.4f; the simulation's %.4f (expected %.4f); %d complete cohorts", method, est.Breakage, est.StdErr, realized, truth, complete)
	}
}
