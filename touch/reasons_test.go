package touch_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/loyalkit/loyalkit/touch"
)

func TestBirthday(t *testing.T) {
	tokyo := zone("Asia/Tokyo")
	cfg := touch.Config{Birthday: &touch.DateWindow{Days: 3}}
	date := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		birthday time.Time
		asOf     time.Time
		want     []touch.Why
		reason   string
	}{
		{"across February's end", date(1990, 3, 1), noon(2026, 2, 27),
			[]touch.Why{{Reason: touch.Birthday, Date: midnight(2026, 3, 1), Days: 2, Years: 36}}, "27 Feb → 1 Mar is two days in 2026"},
		{"across a leap February's end", date(1990, 3, 1), noon(2028, 2, 27),
			[]touch.Why{{Reason: touch.Birthday, Date: midnight(2028, 3, 1), Days: 3, Years: 38}}, "27 Feb → 1 Mar is three days in 2028"},
		{"29 Feb in a common year", date(1992, 2, 29), noon(2026, 2, 28),
			[]touch.Why{{Reason: touch.Birthday, Date: midnight(2026, 2, 28), Days: 0, Years: 34}}, "celebrated on 28 Feb"},
		{"29 Feb in a leap year", date(1992, 2, 29), noon(2028, 2, 28),
			[]touch.Why{{Reason: touch.Birthday, Date: midnight(2028, 2, 29), Days: 1, Years: 36}}, "on the day itself, not the 28th"},
		{"29 Feb just after the leap day", date(1992, 2, 29), noon(2028, 3, 1),
			nil, "the next is 28 Feb 2029, 364 days away"},
		{"across the year's end", date(1980, 1, 2), noon(2026, 12, 30),
			[]touch.Why{{Reason: touch.Birthday, Date: midnight(2027, 1, 2), Days: 3, Years: 47}}, "next year's birthday"},
		{"just past", date(1980, 3, 27), noon(2026, 3, 28), nil, "yesterday's birthday is 364 days away"},
		{"four days away", date(1980, 4, 2), noon(2026, 3, 29), nil, "outside the window of 3"},
		{"today in Berlin, yesterday in UTC", date(1985, 3, 29), time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC),
			[]touch.Why{{Reason: touch.Birthday, Date: midnight(2026, 3, 29), Days: 0, Years: 41}}, "00:30 on the DST day in Berlin"},
		{"a date stored at midnight in Tokyo", time.Date(1985, 3, 1, 0, 0, 0, 0, tokyo), noon(2026, 2, 26),
			[]touch.Why{{Reason: touch.Birthday, Date: midnight(2026, 3, 1), Days: 3, Years: 41}}, "read in its own zone: 1 March, not 28 February"},
		{"unknown", time.Time{}, noon(2026, 1, 1), nil, "no birthday on file is never a birthday"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := whys(t, cfg, touch.Customer{ID: "c", Birthday: tc.birthday}, tc.asOf)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Plan(%v) mismatch (-want +got) [%s]:\n%s", tc.asOf, tc.reason, diff)
			}
		})
	}
}

func TestAnniversary(t *testing.T) {
	cfg := touch.Config{Anniversary: &touch.DateWindow{Days: 3}}
	tests := []struct {
		name       string
		registered time.Time
		asOf       time.Time
		want       []touch.Why
		reason     string
	}{
		{"across March's end", noon(2025, 4, 1), noon(2026, 3, 29),
			[]touch.Why{{Reason: touch.Anniversary, Date: midnight(2026, 4, 1), Days: 3, Years: 1}}, "29 Mar → 1 Apr, over the DST change"},
		{"the day itself", noon(2021, 3, 29), noon(2026, 3, 29),
			[]touch.Why{{Reason: touch.Anniversary, Date: midnight(2026, 3, 29), Days: 0, Years: 5}}, "five years today"},
		{"joined this week", noon(2026, 3, 26), noon(2026, 3, 29), nil, "the first anniversary is a year away"},
		{"joined today", noon(2026, 3, 29), noon(2026, 3, 29), nil, "the day of registration is not an anniversary"},
		{"joined on 29 Feb", noon(2024, 2, 29), noon(2026, 2, 27),
			[]touch.Why{{Reason: touch.Anniversary, Date: midnight(2026, 2, 28), Days: 1, Years: 2}}, "28 Feb in a common year"},
		{"joined late at night, UTC", time.Date(2025, 3, 31, 23, 30, 0, 0, time.UTC), noon(2026, 3, 29),
			[]touch.Why{{Reason: touch.Anniversary, Date: midnight(2026, 4, 1), Days: 3, Years: 1}}, "01:30 on 1 April in Berlin: read in the programme's zone"},
		{"not yet registered", noon(2027, 1, 1), noon(2026, 12, 31), nil, "a registration in the future"},
		{"unknown", time.Time{}, noon(2026, 1, 1), nil, "zero is unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := whys(t, cfg, touch.Customer{ID: "c", Registered: tc.registered}, tc.asOf)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Plan(%v) mismatch (-want +got) [%s]:\n%s", tc.asOf, tc.reason, diff)
			}
		})
	}
}

func TestExpiring(t *testing.T) {
	endOfMonth := shop(t, loyalty.Expiry{Kind: loyalty.EndOfMonth})
	oneMonth := shop(t, loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 1})
	march := bought(t, endOfMonth, noon(2026, 3, 10), "1000") // 50 points, expiring at 1 April 00:00
	jan2026 := bought(t, oneMonth, noon(2026, 1, 31), "1000") // expiring at the end of February: 1 March 00:00
	jan2028 := bought(t, oneMonth, noon(2028, 1, 31), "1000") // 1 March 2028 00:00, after 29 February
	tests := []struct {
		name    string
		program *loyalty.Program
		account *loyalty.Account
		window  touch.ExpiryWindow
		asOf    time.Time
		want    []touch.Why
		reason  string
	}{
		{"end of March, 2 days", endOfMonth, march, touch.ExpiryWindow{Days: 2}, noon(2026, 3, 29),
			[]touch.Why{{Reason: touch.Expiring, Points: d("50"), Date: midnight(2026, 4, 1), Days: 2}},
			"the DST day: by the end of 31 March, usable two more days"},
		{"end of March, 1 day", endOfMonth, march, touch.ExpiryWindow{Days: 1}, noon(2026, 3, 29), nil,
			"the window ends with 30 March; they expire after 31 March"},
		{"under MinPoints", endOfMonth, march, touch.ExpiryWindow{Days: 2, MinPoints: d("50.01")}, noon(2026, 3, 29), nil,
			"50 points are not worth a message"},
		{"already gone", endOfMonth, march, touch.ExpiryWindow{Days: 30}, noon(2026, 4, 1), nil,
			"they expired at midnight"},
		{"a month after 31 January", oneMonth, jan2026, touch.ExpiryWindow{Days: 1}, noon(2026, 2, 27),
			[]touch.Why{{Reason: touch.Expiring, Points: d("50"), Date: midnight(2026, 3, 1), Days: 1}},
			"expire at the end of February: usable on the 27th and 28th"},
		{"a month after 31 January 2028", oneMonth, jan2028, touch.ExpiryWindow{Days: 1}, noon(2028, 2, 27), nil,
			"the leap day is one more day to use them: outside a 1-day window"},
		{"…with 2 days", oneMonth, jan2028, touch.ExpiryWindow{Days: 2}, noon(2028, 2, 27),
			[]touch.Why{{Reason: touch.Expiring, Points: d("50"), Date: midnight(2028, 3, 1), Days: 2}},
			"usable through 29 February"},
		{"no account", endOfMonth, nil, touch.ExpiryWindow{Days: 30}, noon(2026, 3, 29), nil, "nothing to expire"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.window
			got := whys(t, touch.Config{Program: tc.program, Expiring: &w}, touch.Customer{ID: "c", Account: tc.account}, tc.asOf)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Plan(%v) mismatch (-want +got) [%s]:\n%s", tc.asOf, tc.reason, diff)
			}
		})
	}
}

func TestLapsed(t *testing.T) {
	rule := touch.LapseRule{Factor: 2, MinDays: 10, FallbackDays: 60, MaxDays: 365}
	rh := func(days, gap int, last time.Time) touch.Rhythm {
		return touch.Rhythm{PurchaseDays: days, TypicalGap: gap, Last: last}
	}
	today := noon(2026, 3, 29) // the DST day
	tests := []struct {
		name   string
		rule   touch.LapseRule
		rhythm touch.Rhythm
		asOf   time.Time
		want   []touch.Why
		reason string
	}{
		{"twice the gap", rule, rh(5, 7, midnight(2026, 3, 15)), today,
			[]touch.Why{{Reason: touch.Lapsed, Days: 14, Gap: 7, Threshold: 14}}, "14 days across the DST change"},
		{"a day short", rule, rh(5, 7, midnight(2026, 3, 16)), today, nil, "13 < 14"},
		{"MinDays", rule, rh(5, 3, midnight(2026, 3, 19)), today,
			[]touch.Why{{Reason: touch.Lapsed, Days: 10, Gap: 3, Threshold: 10}}, "a 3-day rhythm waits at least 10 days"},
		{"few purchases", rule, rh(2, 20, midnight(2026, 1, 28)), today,
			[]touch.Why{{Reason: touch.Lapsed, Days: 60, Threshold: 60}}, "two purchase days make no rhythm: 60 days"},
		{"few purchases, early", rule, rh(2, 20, midnight(2026, 1, 29)), today, nil, "59 days"},
		{"one purchase, MinPurchaseDays 2", touch.LapseRule{Factor: 2, MinPurchaseDays: 2}, rh(1, 0, midnight(2026, 1, 1)), today,
			nil, "no gap at all and no fallback"},
		{"two purchases, MinPurchaseDays 2", touch.LapseRule{Factor: 2, MinPurchaseDays: 2}, rh(2, 20, midnight(2026, 2, 17)), today,
			[]touch.Why{{Reason: touch.Lapsed, Days: 40, Gap: 20, Threshold: 40}}, "one gap is a rhythm when the shop says so"},
		{"…20 days after", touch.LapseRule{Factor: 2, MinPurchaseDays: 2}, rh(2, 20, midnight(2026, 3, 9)), today, nil, "20 < 40"},
		{"gone", rule, rh(5, 7, midnight(2025, 3, 28)), today, nil, "366 days > MaxDays"},
		{"across a leap day", rule, rh(5, 7, midnight(2028, 2, 28)), noon(2028, 3, 13),
			[]touch.Why{{Reason: touch.Lapsed, Days: 14, Gap: 7, Threshold: 14}}, "28 Feb → 13 Mar 2028 is 14 days"},
		{"across a common February", rule, rh(5, 7, midnight(2026, 2, 28)), noon(2026, 3, 13), nil, "13 days in 2026"},
		{"a factor of 1.5", touch.LapseRule{Factor: 1.5}, rh(3, 9, midnight(2026, 3, 15)), today,
			[]touch.Why{{Reason: touch.Lapsed, Days: 14, Gap: 9, Threshold: 14}}, "⌈13.5⌉ = 14"},
		{"a factor of 1.1", touch.LapseRule{Factor: 1.1}, rh(3, 10, midnight(2026, 3, 18)), today,
			[]touch.Why{{Reason: touch.Lapsed, Days: 11, Gap: 10, Threshold: 11}}, "1.1 × 10 is 11, not 12"},
		{"no purchase", rule, touch.Rhythm{}, today, nil, "never bought"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rule
			got := whys(t, touch.Config{Lapsed: &r}, touch.Customer{ID: "c", Rhythm: tc.rhythm}, tc.asOf)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Plan(%v) mismatch (-want +got) [%s]:\n%s", tc.asOf, tc.reason, diff)
			}
		})
	}
}

func TestDormant(t *testing.T) {
	// The published CDNOW BG/NBD fit, in weeks.
	bg := metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks}
	pareto := metrics.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669, Unit: metrics.Weeks}
	sum := func(f int, rec, T float64) metrics.CustomerSummary {
		return metrics.CustomerSummary{Frequency: f, Recency: rec, T: T, Unit: metrics.Weeks}
	}
	tests := []struct {
		name    string
		model   metrics.PurchaseModel
		summary metrics.CustomerSummary
		want    bool
		reason  string
	}{
		{"bought twice early, silent since", bg, sum(2, 4, 38), true, "P(alive) well under 0.3"},
		{"bought recently", bg, sum(2, 37, 38), false, "alive"},
		{"one purchase", bg, sum(0, 0, 38), false, "BG/NBD: P(alive) is 1 without repeat purchases"},
		{"Pareto/NBD, one purchase long ago", pareto, sum(0, 0, 78), true, "Pareto/NBD lets one-time buyers die"},
		{"no summary", bg, metrics.CustomerSummary{}, false, "a zero Unit: no summary"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := whys(t, touch.Config{Dormant: &touch.PAliveRule{Model: tc.model, Below: 0.3}}, touch.Customer{ID: "c", Summary: tc.summary}, noon(2026, 3, 29))
			var want []touch.Why
			if tc.want {
				want = []touch.Why{{Reason: touch.Dormant, PAlive: tc.model.PAlive(tc.summary.Frequency, tc.summary.Recency, tc.summary.T)}}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got) [%s]:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestTierAtRisk(t *testing.T) {
	p := shop(t, loyalty.Expiry{})
	// Gold from 15 March 2025 (20,000); 5,000 more on 1 June 2025. The
	// 20,000 rolls out of the window on 15 March 2026; grace runs to
	// 14 April 2026.
	gold := bought(t, p, noon(2025, 3, 15), "20000", noon(2025, 6, 1), "5000")
	silver := bought(t, p, noon(2025, 6, 1), "5000")
	tests := []struct {
		name    string
		review  touch.TierReview
		account *loyalty.Account
		asOf    time.Time
		want    []touch.Why
		reason  string
	}{
		{"in grace at the next review", touch.TierReview{ReviewMonths: 1, Days: 14}, gold, noon(2026, 3, 29), nil,
			"the review on 1 April still finds them in grace"},
		{"the review after grace", touch.TierReview{ReviewMonths: 1, Days: 14}, gold, noon(2026, 4, 20),
			[]touch.Why{{Reason: touch.TierAtRisk, From: "gold", To: "silver", Date: midnight(2026, 5, 1), Days: 11, Spend: d("15000"), Orders: 9}},
			"1 May: 15,000 more or 9 more orders, 11 days left"},
		{"too early to say", touch.TierReview{ReviewMonths: 1, Days: 7}, gold, noon(2026, 4, 20), nil, "the review is 11 days away"},
		{"on the last day", touch.TierReview{ReviewMonths: 1, Days: 0}, gold, noon(2026, 4, 30), nil,
			"Days 0: the review is tomorrow, one day left"},
		{"quarterly", touch.TierReview{ReviewMonths: 3, Days: 90}, gold, noon(2026, 4, 20),
			[]touch.Why{{Reason: touch.TierAtRisk, From: "gold", To: "silver", Date: midnight(2026, 7, 1), Days: 72, Spend: d("20000"), Orders: 10}},
			"the review on 1 July (April 20 → July 1 is 72 days), when the June order has rolled out too"},
		{"in the base tier", touch.TierReview{ReviewMonths: 1, Days: 31}, silver, noon(2026, 4, 20), nil, "nothing to lose"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.review
			got := whys(t, touch.Config{Program: p, TierAtRisk: &r}, touch.Customer{ID: "c", Account: tc.account}, tc.asOf)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Plan(%v) mismatch (-want +got) [%s]:\n%s", tc.asOf, tc.reason, diff)
			}
		})
	}
}

func TestNearTier(t *testing.T) {
	p := shop(t, loyalty.Expiry{})
	close := bought(t, p, noon(2026, 1, 10), "17000")
	far := bought(t, p, noon(2026, 1, 10), "5000")
	gold := bought(t, p, noon(2026, 1, 10), "21000")
	tests := []struct {
		name    string
		within  float64
		account *loyalty.Account
		want    []touch.Why
		reason  string
	}{
		{"15 % short", 0.2, close, []touch.Why{{Reason: touch.NearTier, From: "silver", To: "gold", Spend: d("3000"), Orders: 9, Distance: 0.15}},
			"3,000 of 20,000 (or 9 of 10 orders)"},
		{"not within 10 %", 0.1, close, nil, "15 % > 10 %"},
		{"far", 0.5, far, nil, "75 % short"},
		{"at the top", 1, gold, nil, "no tier above gold"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := whys(t, touch.Config{Program: p, NearTier: &touch.TierGap{Within: tc.within}}, touch.Customer{ID: "c", Account: tc.account}, noon(2026, 3, 29))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got) [%s]:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestNearSegment(t *testing.T) {
	seg, err := segment.Compile([]segment.Definition{
		{Name: "vip", When: "SpendInPeriod >= 50000 || OrdersInPeriod >= 12"},
		{Name: "regular", When: "OrdersInPeriod >= 2"},
	}, "occasional")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		profile segment.Profile
		want    []touch.Why
		reason  string
	}{
		{"3,400 short of VIP", segment.Profile{OrdersInPeriod: 5, SpendInPeriod: d("46600")},
			[]touch.Why{{Reason: touch.NearSegment, From: "regular", To: "vip", Distance: 0.068,
				Missing: []segment.Gap{{Field: "SpendInPeriod", Op: ">=", Threshold: d("50000"), Value: d("46600"), Need: d("3400")}}}},
			"the seeds' boundary customer"},
		{"one order short of regular", segment.Profile{ID: "c", OrdersInPeriod: 1, SpendInPeriod: d("900")},
			[]touch.Why{{Reason: touch.NearSegment, From: "occasional", To: "regular", Distance: 0.5,
				Missing: []segment.Gap{{Field: "OrdersInPeriod", Op: ">=", Threshold: d("2"), Value: d("1"), Need: d("1")}}}},
			"half way"},
		{"VIP already", segment.Profile{OrdersInPeriod: 14}, nil, "nothing above"},
		{"far", segment.Profile{OrdersInPeriod: 3, SpendInPeriod: d("1000")}, nil, "75 % short on orders, 98 % on spend"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := whys(t, touch.Config{NearSegment: &touch.SegmentGap{Segmentation: seg, Within: 0.5}}, touch.Customer{ID: "c", Profile: tc.profile}, noon(2026, 3, 29))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got) [%s]:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestNearGoal(t *testing.T) {
	p, err := loyalty.Compile(loyalty.Config{
		Name: "cafe", Currency: "EUR", TimeZone: "Europe/Berlin", MoneyPlaces: 2,
		Rules: []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "order.Total * 0.05"}},
		Goals: []loyalty.Goal{
			{ID: "card", Target: d("6")}, // a stamp a visit
			{ID: "march", Step: "order.Total", Target: d("100"), Per: rules.Month}, // spend in the month
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	visits := func(n int, total string) *loyalty.Account {
		var buys []any
		for i := range n {
			buys = append(buys, noon(2026, 3, 2+i), total)
		}
		return bought(t, p, buys...)
	}
	tests := []struct {
		name    string
		account *loyalty.Account
		within  float64
		want    []touch.Why
	}{
		{"one stamp to go", visits(5, "10"), 0.2, []touch.Why{
			{Reason: touch.NearGoal, Goal: "card", Points: d("1"), Distance: 1.0 / 6}}},
		{"both near", visits(5, "18"), 0.2, []touch.Why{
			{Reason: touch.NearGoal, Goal: "card", Points: d("1"), Distance: 1.0 / 6},
			{Reason: touch.NearGoal, Goal: "march", Points: d("10"), Date: midnight(2026, 4, 1), Distance: 0.1}}},
		{"three stamps to go", visits(3, "10"), 0.2, nil},
		{"a card just filled: a new one starts", visits(6, "10"), 0.2, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := whys(t, touch.Config{Program: p, NearGoal: &touch.GoalGap{Within: tc.within}}, touch.Customer{ID: "c", Account: tc.account}, noon(2026, 3, 20))
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := touch.Compile(touch.Config{NearGoal: &touch.GoalGap{Within: 0.2}, Limits: roomy}); err == nil || !strings.Contains(err.Error(), "Program") {
		t.Errorf("NearGoal without a programme: %v", err)
	}
}
