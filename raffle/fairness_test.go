package raffle_test

import (
	"fmt"
	"testing"

	"github.com/loyalkit/loyalkit/raffle"
)

// The fairness test draws the same raffle under many seeds and compares
// how often each outcome happened with how often an exactly proportional
// draw makes it happen, by Pearson's chi-square statistic
// Σ (observed − expected)² / expected. The seeds are fixed
// ("fairness-seed-000000" …), so the test is deterministic; the critical values
// are the chi-square distribution's 99.9 % quantiles (a correct draw
// exceeds them for one seed set in a thousand; these seeds are not one):
//
//	degrees of freedom   4: 18.467      19: 43.820
//
// TestChiSquareHasPower shows the same statistic does catch a draw that is
// off by one ticket in twenty.
const (
	fairDraws = 20000
	chi2df4   = 18.467
	chi2df19  = 43.820
)

var fairWeights = []int64{1, 2, 3, 4, 10} // 20 tickets

func fairEntries(weights []int64) []raffle.Entry {
	out := make([]raffle.Entry, len(weights))
	for i, w := range weights {
		out[i] = raffle.Entry{ID: fmt.Sprintf("p%d", i), Tickets: w}
	}
	return out
}

func chiSquare(observed []int, expected []float64) float64 {
	var x2 float64
	for i, o := range observed {
		d := float64(o) - expected[i]
		x2 += d * d / expected[i]
	}
	return x2
}

// firsts draws one winner fairDraws times and counts each participant's
// wins.
func firsts(t *testing.T, weights []int64) []int {
	es := fairEntries(weights)
	counts := make([]int, len(es))
	for s := range fairDraws {
		w, _, err := raffle.Redraw(fmt.Appendf(nil, "fairness-seed-%06d", s), es, 1)
		if err != nil {
			t.Fatal(err)
		}
		counts[w[0].ID[1]-'0']++
	}
	return counts
}

func proportional(weights []int64) []float64 {
	var total int64
	for _, w := range weights {
		total += w
	}
	out := make([]float64, len(weights))
	for i, w := range weights {
		out[i] = fairDraws * float64(w) / float64(total)
	}
	return out
}

// TestFairFirstWinner: the first winner is drawn in proportion to tickets.
func TestFairFirstWinner(t *testing.T) {
	counts := firsts(t, fairWeights)
	if x2 := chiSquare(counts, proportional(fairWeights)); x2 > chi2df4 {
		t.Errorf("wins %v for tickets %v: chi-square %.2f > %.3f", counts, fairWeights, x2, chi2df4)
	} else {
		t.Logf("wins %v for tickets %v: chi-square %.2f (critical %.3f)", counts, fairWeights, x2, chi2df4)
	}
}

// TestFairWithoutReplacement: with two winners, the ordered pair (i, j)
// comes with probability w_i/T · w_j/(T − w_i): the second is drawn in
// proportion among those left.
func TestFairWithoutReplacement(t *testing.T) {
	es := fairEntries(fairWeights)
	n := len(es)
	counts := make([]int, n*n)
	for s := range fairDraws {
		w, _, err := raffle.Redraw(fmt.Appendf(nil, "fairness-seed-%06d", s), es, 2)
		if err != nil {
			t.Fatal(err)
		}
		counts[int(w[0].ID[1]-'0')*n+int(w[1].ID[1]-'0')]++
	}
	var obs []int
	var exp []float64
	for i := range n {
		for j := range n {
			if i == j {
				if counts[i*n+j] != 0 {
					t.Fatalf("%s won twice in one draw", es[i].ID)
				}
				continue
			}
			obs = append(obs, counts[i*n+j])
			exp = append(exp, fairDraws*float64(fairWeights[i])/20*float64(fairWeights[j])/float64(20-fairWeights[i]))
		}
	}
	if x2 := chiSquare(obs, exp); x2 > chi2df19 {
		t.Errorf("pairs %v: chi-square %.2f > %.3f", obs, x2, chi2df19)
	} else {
		t.Logf("ordered pairs: chi-square %.2f (critical %.3f)", x2, chi2df19)
	}
}

// TestChiSquareHasPower: draws made with one ticket moved from the
// largest holder to the smallest, judged against the stated tickets, fail
// the test: it can fail.
func TestChiSquareHasPower(t *testing.T) {
	off := []int64{2, 2, 3, 4, 9}
	counts := firsts(t, off)
	if x2 := chiSquare(counts, proportional(fairWeights)); x2 <= chi2df4 {
		t.Errorf("a draw off by one ticket in twenty passes: chi-square %.2f ≤ %.3f", x2, chi2df4)
	}
}
