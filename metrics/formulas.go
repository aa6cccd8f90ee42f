package metrics

import (
	"math"

	"github.com/shopspring/decimal"
)

// moneyPlaces is how many decimal places a money division keeps.
const moneyPlaces = 10

// CRR is the customer retention rate over a period, as a fraction:
// (end − acquired) / start. start is the number of customers at the start
// of the period, end at its end, acquired the new customers gained during
// it. Inputs that cannot come from one bookkeeping (end − acquired > start,
// acquired > end) are errors, not clamped.
func CRR(start, end, acquired int) (float64, error) {
	const fn = "CRR"
	switch {
	case start <= 0:
		return 0, inputErr(fn, "start", "is %d: retention needs customers at the start", start)
	case end < 0:
		return 0, inputErr(fn, "end", "is negative (%d)", end)
	case acquired < 0:
		return 0, inputErr(fn, "acquired", "is negative (%d)", acquired)
	case acquired > end:
		return 0, inputErr(fn, "acquired", "%d is more than the %d customers at the end", acquired, end)
	case end-acquired > start:
		return 0, inputErr(fn, "end", "%d − %d acquired is more than the %d at the start (reactivations counted as retained?)", end, acquired, start)
	}
	return float64(end-acquired) / float64(start), nil
}

// ChurnRate is the share of the customers at the start of a period who
// were lost during it, as a fraction.
func ChurnRate(start, lost int) (float64, error) {
	const fn = "ChurnRate"
	switch {
	case start <= 0:
		return 0, inputErr(fn, "start", "is %d: churn needs customers at the start", start)
	case lost < 0 || lost > start:
		return 0, inputErr(fn, "lost", "%d is outside 0..%d", lost, start)
	}
	return float64(lost) / float64(start), nil
}

// CompoundChurn turns a churn rate per period into the rate over n
// periods: 1 − (1 − rate)^n (5 % a month is 45.96 % a year, not 60 %).
func CompoundChurn(rate float64, periods int) (float64, error) {
	const fn = "CompoundChurn"
	switch {
	case math.IsNaN(rate) || rate < 0 || rate > 1:
		return 0, inputErr(fn, "rate", "%v is outside [0, 1]%s", rate, percentHint(rate))
	case periods < 0:
		return 0, inputErr(fn, "periods", "is negative (%d)", periods)
	}
	return 1 - math.Pow(1-rate, float64(periods)), nil
}

// RepeatPurchaseRate is the share of customers who bought at least twice,
// as a fraction of the customers who bought at least once.
func RepeatPurchaseRate(customers, repeaters int) (float64, error) {
	const fn = "RepeatPurchaseRate"
	switch {
	case customers <= 0:
		return 0, inputErr(fn, "customers", "is %d: no customers", customers)
	case repeaters < 0 || repeaters > customers:
		return 0, inputErr(fn, "repeaters", "%d is outside 0..%d", repeaters, customers)
	}
	return float64(repeaters) / float64(customers), nil
}

// PurchaseFrequency is orders per customer in a period.
func PurchaseFrequency(orders, customers int) (float64, error) {
	const fn = "PurchaseFrequency"
	switch {
	case customers <= 0:
		return 0, inputErr(fn, "customers", "is %d: no customers", customers)
	case orders < customers:
		return 0, inputErr(fn, "orders", "%d is fewer than the %d customers who ordered", orders, customers)
	}
	return float64(orders) / float64(customers), nil
}

// AverageOrderValue is revenue / orders, exact to 10 decimal places.
// Whether revenue is gross or net of refunds is the caller's choice; say
// which in reports.
func AverageOrderValue(revenue decimal.Decimal, orders int) (decimal.Decimal, error) {
	const fn = "AverageOrderValue"
	switch {
	case orders <= 0:
		return decimal.Zero, inputErr(fn, "orders", "is %d: no orders", orders)
	case revenue.IsNegative():
		return decimal.Zero, inputErr(fn, "revenue", "is negative (%s)", revenue)
	}
	return revenue.DivRound(decimal.NewFromInt(int64(orders)), moneyPlaces), nil
}

// NPSResult is a Net Promoter Score with its breakdown.
type NPSResult struct {
	Promoters, Passives, Detractors int
	// Score is %promoters − %detractors, in [−100, 100].
	Score float64
}

// NPS scores answers on the 0–10 scale: 9–10 promoters, 7–8 passives,
// 0–6 detractors; passives count in the denominator.
func NPS(scores []int) (NPSResult, error) {
	var r NPSResult
	for i, s := range scores {
		switch {
		case s < 0 || s > 10:
			return NPSResult{}, inputErr("NPS", "scores", "[%d] = %d is outside 0..10", i, s)
		case s >= 9:
			r.Promoters++
		case s >= 7:
			r.Passives++
		default:
			r.Detractors++
		}
	}
	return NPSFromCounts(r.Promoters, r.Passives, r.Detractors)
}

// NPSFromCounts is [NPS] from the three group sizes.
func NPSFromCounts(promoters, passives, detractors int) (NPSResult, error) {
	const fn = "NPSFromCounts"
	if promoters < 0 || passives < 0 || detractors < 0 {
		return NPSResult{}, inputErr(fn, "counts", "must not be negative (%d, %d, %d)", promoters, passives, detractors)
	}
	n := promoters + passives + detractors
	if n == 0 {
		return NPSResult{}, inputErr(fn, "counts", "are all 0: no answers")
	}
	return NPSResult{Promoters: promoters, Passives: passives, Detractors: detractors,
		Score: 100 * float64(promoters-detractors) / float64(n)}, nil
}

// Scale is a satisfaction survey's answer scale: scores Min..Max, of which
// Satisfied count as satisfied. The zero Scale is the usual 1–5 scale with
// top-2 box (4 and 5) satisfied.
type Scale struct {
	Min, Max  int
	Satisfied []int
}

func (s Scale) withDefaults() Scale {
	if s.Min == 0 && s.Max == 0 && s.Satisfied == nil {
		return Scale{Min: 1, Max: 5, Satisfied: []int{4, 5}}
	}
	return s
}

// CSAT is the share of satisfied answers, in percent (0–100). counts maps
// a score to how many answered it; every score must be on the scale.
func CSAT(counts map[int]int, scale Scale) (float64, error) {
	const fn = "CSAT"
	s := scale.withDefaults()
	if s.Min > s.Max || len(s.Satisfied) == 0 {
		return 0, inputErr(fn, "scale", "%+v has no satisfied scores or Min > Max", s)
	}
	satisfied := map[int]bool{}
	for _, v := range s.Satisfied {
		if v < s.Min || v > s.Max {
			return 0, inputErr(fn, "scale", "satisfied score %d is outside %d..%d", v, s.Min, s.Max)
		}
		satisfied[v] = true
	}
	total, happy := 0, 0
	for score, n := range counts {
		switch {
		case score < s.Min || score > s.Max:
			return 0, inputErr(fn, "counts", "score %d is outside %d..%d", score, s.Min, s.Max)
		case n < 0:
			return 0, inputErr(fn, "counts", "score %d has a negative count %d", score, n)
		}
		total += n
		if satisfied[score] {
			happy += n
		}
	}
	if total == 0 {
		return 0, inputErr(fn, "counts", "are empty: no answers")
	}
	return 100 * float64(happy) / float64(total), nil
}

// SimpleCLTV is the textbook customer lifetime value: average order value ×
// purchases per period × periods kept (× margin, if margin is not zero).
// The seeds' example: 3 000 × 15 a year × 5 years = 225 000.
func SimpleCLTV(aov, purchasesPerPeriod, periods, margin decimal.Decimal) (decimal.Decimal, error) {
	const fn = "SimpleCLTV"
	switch {
	case aov.IsNegative():
		return decimal.Zero, inputErr(fn, "aov", "is negative (%s)", aov)
	case purchasesPerPeriod.IsNegative():
		return decimal.Zero, inputErr(fn, "purchasesPerPeriod", "is negative (%s)", purchasesPerPeriod)
	case !periods.IsPositive():
		return decimal.Zero, inputErr(fn, "periods", "must be positive, got %s", periods)
	case margin.IsNegative() || margin.GreaterThan(decimal.NewFromInt(1)):
		return decimal.Zero, inputErr(fn, "margin", "%s is outside [0, 1]%s", margin, percentHint(margin.InexactFloat64()))
	}
	v := aov.Mul(purchasesPerPeriod).Mul(periods)
	if !margin.IsZero() {
		v = v.Mul(margin)
	}
	return v, nil
}

// RetentionCLTV is the lifetime value of a customer who brings margin m per
// period and stays each period with probability r, discounted at rate d per
// period, over an infinite horizon with the margin at the end of each
// period: m · r / (1 + d − r) (Gupta & Lehmann). Rates are fractions.
func RetentionCLTV(margin, retention, discount decimal.Decimal) (decimal.Decimal, error) {
	const fn = "RetentionCLTV"
	one := decimal.NewFromInt(1)
	switch {
	case retention.IsNegative() || retention.GreaterThan(one):
		return decimal.Zero, inputErr(fn, "retention", "%s is outside [0, 1]%s", retention, percentHint(retention.InexactFloat64()))
	case discount.LessThanOrEqual(one.Neg()) || discount.GreaterThan(one):
		return decimal.Zero, inputErr(fn, "discount", "%s is outside (−1, 1]%s", discount, percentHint(discount.InexactFloat64()))
	case !retention.LessThan(one.Add(discount)):
		return decimal.Zero, inputErr(fn, "retention", "%s is not below 1 + discount (%s): the value diverges", retention, one.Add(discount))
	}
	return margin.Mul(retention).DivRound(one.Add(discount).Sub(retention), moneyPlaces), nil
}

// LTVToCAC is lifetime value over customer acquisition cost; 3 or more is
// the usual rule of thumb for a healthy business.
func LTVToCAC(ltv, cac decimal.Decimal) (decimal.Decimal, error) {
	if !cac.IsPositive() {
		return decimal.Zero, inputErr("LTVToCAC", "cac", "must be positive, got %s", cac)
	}
	return ltv.DivRound(cac, moneyPlaces), nil
}

func percentHint(v float64) string {
	if v > 1 && v <= 100 {
		return " (a percent? pass fractions: 0.8 for 80 %)"
	}
	return ""
}
