package metrics_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/loyalkit/loyalkit/metrics"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestFormulaVectors(t *testing.T) {
	crr, err := metrics.CRR(200, 220, 40)
	if err != nil || crr != 0.9 {
		t.Errorf("CRR(200, 220, 40) = %v, %v; want 0.9", crr, err)
	}
	churn, err := metrics.ChurnRate(200, 20)
	if err != nil || churn != 0.1 {
		t.Errorf("ChurnRate(200, 20) = %v, %v; want 0.1", churn, err)
	}
	year, err := metrics.CompoundChurn(0.05, 12)
	if err != nil || math.Abs(year-0.4596) > 5e-5 {
		t.Errorf("CompoundChurn(0.05, 12) = %v, %v; want 0.4596", year, err)
	}
	nps, err := metrics.NPSFromCounts(50, 30, 20)
	if err != nil || nps.Score != 30 {
		t.Errorf("NPSFromCounts(50, 30, 20) = %+v, %v; want +30", nps, err)
	}
	scores := []int{10, 9, 8, 7, 6, 0, 10}
	nps, err = metrics.NPS(scores)
	want := metrics.NPSResult{Promoters: 3, Passives: 2, Detractors: 2, Score: 100.0 / 7}
	if err != nil || nps != want {
		t.Errorf("NPS(%v) = %+v, %v; want %+v", scores, nps, err, want)
	}
	csat, err := metrics.CSAT(map[int]int{5: 42, 4: 32, 3: 10, 2: 9, 1: 14}, metrics.Scale{})
	if err != nil || math.Abs(csat-69.16) > 0.005 {
		t.Errorf("CSAT(Delighted example) = %v, %v; want 69.16", csat, err)
	}
	clv, err := metrics.RetentionCLTV(d("100"), d("0.8"), d("0.1"))
	if err != nil || !clv.Round(2).Equal(d("266.67")) {
		t.Errorf("RetentionCLTV(100, 0.8, 0.1) = %v, %v; want 266.67", clv, err)
	}
	seeds, err := metrics.SimpleCLTV(d("3000"), d("15"), d("5"), decimal.Zero)
	if err != nil || !seeds.Equal(d("225000")) {
		t.Errorf("SimpleCLTV(3000, 15, 5) = %v, %v; want 225000", seeds, err)
	}
	withMargin, err := metrics.SimpleCLTV(d("50"), d("2"), d("5"), d("0.3"))
	if err != nil || !withMargin.Equal(d("150")) {
		t.Errorf("SimpleCLTV(50, 2, 5, 0.3) = %v, %v; want 150", withMargin, err)
	}
	aov, err := metrics.AverageOrderValue(d("100"), 3)
	if err != nil || !aov.Equal(d("33.3333333333")) {
		t.Errorf("AverageOrderValue(100, 3) = %v, %v", aov, err)
	}
	rpr, err := metrics.RepeatPurchaseRate(2357, 946)
	if err != nil || math.Abs(rpr-0.4014) > 5e-5 {
		t.Errorf("RepeatPurchaseRate(2357, 946) = %v, %v; want 0.4014", rpr, err)
	}
	ratio, err := metrics.LTVToCAC(d("300"), d("100"))
	if err != nil || !ratio.Equal(d("3")) {
		t.Errorf("LTVToCAC(300, 100) = %v, %v", ratio, err)
	}
}

func TestFormulaErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"CRR no start", second(metrics.CRR(0, 10, 2)), "CRR: start is 0"},
		{"CRR more retained than started", second(metrics.CRR(10, 30, 5)), "reactivations"},
		{"CRR acquired > end", second(metrics.CRR(10, 3, 5)), "acquired 5 is more than"},
		{"churn lost > start", second(metrics.ChurnRate(10, 11)), "lost 11 is outside 0..10"},
		{"compound churn percent", second(metrics.CompoundChurn(5, 12)), "a percent?"},
		{"NPS score 11", second(metrics.NPS([]int{9, 11})), "scores [1] = 11 is outside 0..10"},
		{"NPS empty", second(metrics.NPS(nil)), "no answers"},
		{"CSAT empty", second(metrics.CSAT(nil, metrics.Scale{})), "no answers"},
		{"CSAT off scale", second(metrics.CSAT(map[int]int{6: 1}, metrics.Scale{})), "score 6 is outside 1..5"},
		{"CLTV retention as percent", second(metrics.RetentionCLTV(d("100"), d("80"), d("0.1"))), "a percent?"},
		{"CLTV diverges", second(metrics.RetentionCLTV(d("100"), d("1"), d("0"))), "diverges"},
		{"AOV no orders", second(metrics.AverageOrderValue(d("10"), 0)), "orders is 0"},
		{"simple CLTV no lifespan", second(metrics.SimpleCLTV(d("10"), d("1"), d("0"), decimal.Zero)), "periods must be positive"},
		{"LTV:CAC zero cac", second(metrics.LTVToCAC(d("10"), decimal.Zero)), "cac must be positive"},
		{"frequency fewer orders", second(metrics.PurchaseFrequency(1, 2)), "fewer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, metrics.ErrInput) || !strings.Contains(tc.err.Error(), tc.want) ||
				!strings.HasPrefix(tc.err.Error(), "metrics: ") {
				t.Errorf("error %v, want ErrInput containing %q", tc.err, tc.want)
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

func TestRatesInRange(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := rapid.IntRange(1, 10000).Draw(t, "start")
		retained := rapid.IntRange(0, start).Draw(t, "retained")
		acquired := rapid.IntRange(0, 10000).Draw(t, "acquired")
		crr, err := metrics.CRR(start, retained+acquired, acquired)
		if err != nil || crr < 0 || crr > 1 {
			t.Fatalf("CRR = %v, %v", crr, err)
		}
		rpr, err := metrics.RepeatPurchaseRate(start, retained)
		if err != nil || rpr < 0 || rpr > 1 {
			t.Fatalf("RepeatPurchaseRate = %v, %v", rpr, err)
		}
	})
}

func genScores(t *rapid.T) []int {
	return rapid.SliceOfN(rapid.IntRange(0, 10), 1, 200).Draw(t, "scores")
}

func TestNPSProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		scores := genScores(t)
		r, err := metrics.NPS(scores)
		if err != nil || r.Score < -100 || r.Score > 100 {
			t.Fatalf("NPS(%v) = %+v, %v", scores, r, err)
		}
		shuffled := append([]int(nil), scores...)
		perm := rapid.Permutation(shuffled).Draw(t, "perm")
		if r2, _ := metrics.NPS(perm); r2 != r {
			t.Fatalf("NPS changed under reordering: %+v vs %+v", r, r2)
		}
		more, _ := metrics.NPS(append(append([]int(nil), scores...), rapid.IntRange(9, 10).Draw(t, "promoter")))
		if more.Score < r.Score {
			t.Fatalf("adding a promoter lowered NPS from %v to %v", r.Score, more.Score)
		}
	})
}
