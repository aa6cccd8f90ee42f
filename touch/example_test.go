package touch_test

import (
	"fmt"
	"time"

	"github.com/loyalkit/loyalkit/segment"
	"github.com/loyalkit/loyalkit/touch"
	"github.com/shopspring/decimal"
)

// Whom a shop in Berlin contacts on 29 March 2026, and why.
func Example() {
	seg, err := segment.Compile([]segment.Definition{
		{Name: "vip", When: "SpendInPeriod >= 50000 || OrdersInPeriod >= 12"},
		{Name: "regular", When: "OrdersInPeriod >= 2"},
	}, "occasional")
	if err != nil {
		fmt.Println(err)
		return
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		fmt.Println(err)
		return
	}
	planner, err := touch.Compile(touch.Config{
		Location:    berlin,
		Birthday:    &touch.DateWindow{Days: 3, CoolDownDays: 300},
		Lapsed:      &touch.LapseRule{Factor: 2, MinDays: 14, FallbackDays: 90, CoolDownDays: 30},
		NearSegment: &touch.SegmentGap{Segmentation: seg, Within: 0.1, CoolDownDays: 30},
		Rules:       []touch.Rule{{ID: "stamp-card", When: `Counters["stamps"] == 9`, CoolDownDays: 7}},
		Limits:      touch.Limits{PerCustomer: 2, PeriodDays: 7, Daily: 3},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	date := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, berlin) }
	money := decimal.RequireFromString
	customers := []touch.Customer{
		{ID: "anna", Birthday: time.Date(1986, 3, 31, 0, 0, 0, 0, time.UTC), Value: money("420")},
		{ID: "boris", Profile: segment.Profile{OrdersInPeriod: 5, SpendInPeriod: money("46600")}, Value: money("3100")},
		{ID: "chen", Rhythm: touch.Rhythm{PurchaseDays: 9, TypicalGap: 10, Last: date(3, 1)}, Value: money("860")},
		{ID: "dana", Profile: segment.Profile{Counters: map[string]int{"stamps": 9}}, Value: money("150")},
		{ID: "emil", Birthday: time.Date(1990, 3, 30, 0, 0, 0, 0, time.UTC), Value: money("95")},
	}
	// Chen was reminded a week ago for something else; Emil had a
	// birthday greeting sent early, yesterday.
	contacts := []touch.Contact{
		{Customer: "chen", At: time.Date(2026, 3, 22, 10, 0, 0, 0, berlin), Reason: touch.NearSegment},
		{Customer: "emil", At: time.Date(2026, 3, 28, 10, 0, 0, 0, berlin), Reason: touch.Birthday},
	}
	plan, err := planner.Plan(time.Date(2026, 3, 29, 9, 0, 0, 0, berlin), customers, contacts)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range plan.Touches {
		fmt.Printf("%-6s %5s  %v\n", t.Customer, t.Value, t.Why)
	}
	fmt.Printf("%d with a reason, %d reasons cooling down, %d over the daily cap\n", plan.Candidates, plan.CooledDown, plan.OverCap)
	// Output:
	// boris   3100  [3400 more SpendInPeriod to move from regular to vip]
	// chen     860  [28 days since the last purchase, usually every 10 (lapsed at 20)]
	// anna     420  [birthday in 2 days (2026-03-31), turns 40]
	// 5 with a reason, 1 reasons cooling down, 1 over the daily cap
}

// Bad configuration is an error naming the field.
func ExampleCompile_errors() {
	_, err := touch.Compile(touch.Config{Birthday: &touch.DateWindow{Days: 7}, Limits: touch.Limits{PerCustomer: 1, PeriodDays: 7}})
	fmt.Println(err)
	_, err = touch.Compile(touch.Config{
		Limits: touch.Limits{PerCustomer: 1, PeriodDays: 7, Daily: 100},
		Rules:  []touch.Rule{{ID: "win-back", When: "daysSince(LastPurchase, now) > 90 &&\n  Spend >= 1000 && Segmnt == \"vip\""}},
	})
	fmt.Println(err)
	// Output:
	// touch: Compile: Limits.Daily must be positive, got 0
	// rules: touch rule "win-back" when 2:20: unknown name Segmnt
	//  |   Spend >= 1000 && Segmnt == "vip"
	//  | ...................^
}
