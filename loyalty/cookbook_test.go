package loyalty_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// The rules cookbook: the recipes of the Cookbook section of the rules
// package documentation (rules/doc.go), each compiled into a programme
// and run on a stated customer, basket and time. TestCookbookDoc keeps
// that section and this table the same, text for text.

// recipe is one thing a shop wants, as rules, and the cases that show it
// does what the shop wants.
type recipe struct {
	id    string
	want  string // what the shop wants, in one line
	rules []rules.Rule
	cases []cookCase
}

// cookCase is one customer, basket (or event) and time, and what the
// programme must give.
type cookCase struct {
	name     string
	history  []cookBuy        // the customer's earlier purchases, under the base rule alone
	customer loyalty.Customer // the profile (its ID is set by the test)
	order    loyalty.Order    // the purchase (its ID is set by the test), unless event is set
	event    *loyalty.Event   // an event instead of a purchase
	at       time.Time
	want     cookResult
}

// cookBuy is an earlier purchase: a total at a time.
type cookBuy struct {
	at    time.Time
	total string
}

// cookResult is what the operation gave, and what the recipe's rules did
// (the base rule's step is left out). Points and Discount are "" when
// zero, Tier when it is member, the base tier.
type cookResult struct {
	Points, Discount string
	Gifts            []string
	Tier             string
	Steps            []cookStep
}

// cookStep is a recipe rule's trace step: Value and Computed are "" when
// zero, Computed also when it equals Value.
type cookStep struct {
	Rule            string
	Status          rules.Status
	Value, Computed string
	Text, By        string
}

var moscow = func() *time.Location {
	l, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		panic(err)
	}
	return l
}()

// msk is a wall-clock time in Moscow, the cookbook shop's zone.
func msk(y int, m time.Month, day, hour, minute int) time.Time {
	return time.Date(y, m, day, hour, minute, 0, 0, moscow)
}

// cookBase is the rule every recipe's programme has: one point per 100
// of goods.
var cookBase = rules.Rule{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total / 100)"}

// cookShop is the cookbook shop's programme with the base rule and rs.
func cookShop(rs ...rules.Rule) loyalty.Config {
	return loyalty.Config{
		Name: "cookbook", Currency: "RUB", MoneyPlaces: 2, TimeZone: "Europe/Moscow",
		Rules:            append([]rules.Rule{cookBase}, rs...),
		Tiers:            []loyalty.Tier{{Name: "member"}, {Name: "gold", MinOrders: 12}},
		TierWindowMonths: 12,
		Redemption:       loyalty.RedemptionPolicy{PointValue: d("1")},
	}
}

// tuesday is an ordinary day: Tuesday 10 March 2026, at noon.
var tuesday = msk(2026, 3, 10, 12, 0)

// nonZero is x as a string, or "" when it is zero.
func nonZero(x decimal.Decimal) string {
	if x.IsZero() {
		return ""
	}
	return x.String()
}

func item(sku, category string, qty int, price string) loyalty.Line {
	return loyalty.Line{SKU: sku, Category: category, Qty: qty, Price: d(price)}
}

// basket is an order of lines, worth what they are.
func basket(lines ...loyalty.Line) loyalty.Order {
	o := loyalty.Order{Lines: lines, Total: d("0")}
	for _, l := range lines {
		o.Total = o.Total.Add(l.Price.Mul(decimal.NewFromInt(int64(l.Qty))))
	}
	return o
}

// goods is an order of that total, without lines.
func goods(total string) loyalty.Order { return loyalty.Order{Total: d(total)} }

// every is n purchases of total, a day apart from the day of from.
func every(n int, from time.Time, total string) []cookBuy {
	buys := make([]cookBuy, n)
	for i := range buys {
		buys[i] = cookBuy{at: from.AddDate(0, 0, i), total: total}
	}
	return buys
}

func birthdayOn(m time.Month, day int) loyalty.Customer {
	return loyalty.Customer{Birthday: time.Date(1990, m, day, 0, 0, 0, 0, time.UTC)}
}

func applied(rule, value string) cookStep {
	return cookStep{Rule: rule, Status: rules.StatusApplied, Value: value}
}

func gave(rule, text string) cookStep {
	return cookStep{Rule: rule, Status: rules.StatusApplied, Text: text}
}

func status(rule string, s rules.Status) cookStep { return cookStep{Rule: rule, Status: s} }

var cookbook = []recipe{
	{
		id: "ladder", want: "cumulative discount, 3, 5, 10 or 15 % by lifetime spend, one step.",
		rules: []rules.Rule{
			{ID: "ladder-15", Kind: rules.Discount, Unit: rules.Percent, Stacking: rules.Exclusive, Priority: 4,
				When: "customer.LifetimeSpend >= 300000", Value: "15"},
			{ID: "ladder-10", Kind: rules.Discount, Unit: rules.Percent, Stacking: rules.Exclusive, Priority: 3,
				When: "customer.LifetimeSpend >= 100000", Value: "10"},
			{ID: "ladder-5", Kind: rules.Discount, Unit: rules.Percent, Stacking: rules.Exclusive, Priority: 2,
				When: "customer.LifetimeSpend >= 30000", Value: "5"},
			{ID: "ladder-3", Kind: rules.Discount, Unit: rules.Percent, Stacking: rules.Exclusive, Priority: 1,
				When: "customer.LifetimeSpend >= 10000", Value: "3"},
		},
		cases: []cookCase{
			{
				name: "45,000 spent before: 5 % off 10,000", history: []cookBuy{{msk(2026, 1, 10, 12, 0), "45000"}},
				order: goods("10000"), at: tuesday,
				want: cookResult{Points: "95", Discount: "500", Steps: []cookStep{
					status("ladder-15", rules.StatusFalse), status("ladder-10", rules.StatusFalse), applied("ladder-5", "500"),
					{Rule: "ladder-3", Status: rules.StatusShadowed, By: "ladder-5"}}},
			},
			{
				name: "320,000 spent before: 15 %, the lower steps shadowed", history: []cookBuy{{msk(2025, 11, 1, 12, 0), "320000"}},
				order: goods("10000"), at: tuesday,
				want: cookResult{Points: "85", Discount: "1500", Steps: []cookStep{
					applied("ladder-15", "1500"), {Rule: "ladder-10", Status: rules.StatusShadowed, By: "ladder-15"},
					{Rule: "ladder-5", Status: rules.StatusShadowed, By: "ladder-15"},
					{Rule: "ladder-3", Status: rules.StatusShadowed, By: "ladder-15"}}},
			},
			{
				name:  "a first order: no step yet, the order itself does not count",
				order: goods("50000"), at: tuesday,
				want: cookResult{Points: "500", Steps: []cookStep{
					status("ladder-15", rules.StatusFalse), status("ladder-10", rules.StatusFalse),
					status("ladder-5", rules.StatusFalse), status("ladder-3", rules.StatusFalse)}},
			},
		},
	},
	{
		id: "suit-cover", want: "a suit cover with every suit.",
		rules: []rules.Rule{
			{ID: "suit-cover", Kind: rules.Gift, When: `any(order.Lines, .Category == "suits")`, Value: `"suit-cover"`},
		},
		cases: []cookCase{
			{
				name:  "a suit and a shirt",
				order: basket(item("suit-navy", "suits", 1, "45000"), item("shirt-white", "shirts", 1, "6500")), at: tuesday,
				want: cookResult{Points: "515", Gifts: []string{"suit-cover"},
					Steps: []cookStep{gave("suit-cover", "suit-cover")}},
			},
			{
				name:  "shirts only: no cover",
				order: basket(item("shirt-white", "shirts", 2, "6500")), at: tuesday,
				want: cookResult{Points: "130", Steps: []cookStep{status("suit-cover", rules.StatusFalse)}},
			},
		},
	},
	{
		id: "baby-kit", want: "a baby kit for expecting parents (an attribute) when they join.",
		rules: []rules.Rule{
			{ID: "baby-kit", Kind: rules.Gift, On: []string{"registration"},
				When: `customer.Attributes["expecting"] == "yes"`, Value: `"baby-kit"`},
		},
		cases: []cookCase{
			{
				name:     "an expecting customer registers",
				customer: loyalty.Customer{Attributes: map[string]string{"expecting": "yes"}},
				event:    &loyalty.Event{ID: "registration", Kind: "registration"}, at: tuesday,
				want: cookResult{Gifts: []string{"baby-kit"},
					Steps: []cookStep{gave("baby-kit", "baby-kit")}},
			},
			{
				name:  "a customer without the attribute registers: no kit",
				event: &loyalty.Event{ID: "registration", Kind: "registration"}, at: tuesday,
				want: cookResult{Steps: []cookStep{status("baby-kit", rules.StatusFalse)}},
			},
			{
				name:     "an expecting customer's purchase: the kit is for joining only",
				customer: loyalty.Customer{Attributes: map[string]string{"expecting": "yes"}},
				order:    goods("3000"), at: tuesday,
				want: cookResult{Points: "30",
					Steps: []cookStep{status("baby-kit", rules.StatusNotApplicable)}},
			},
		},
	},
	{
		id: "birthday-week", want: "double points 3 days either side of the birthday.",
		rules: []rules.Rule{
			{ID: "birthday-week", Kind: rules.Accrual, When: "nearAnniversary(customer.Birthday, now, 3, 3)", Value: "floor(order.Total / 100)"},
		},
		cases: []cookCase{
			{
				name: "two days before the birthday", customer: birthdayOn(3, 12),
				order: goods("4500"), at: tuesday,
				want: cookResult{Points: "90", Steps: []cookStep{applied("birthday-week", "45")}},
			},
			{
				name: "ten days before: single points", customer: birthdayOn(3, 20),
				order: goods("4500"), at: tuesday,
				want: cookResult{Points: "45", Steps: []cookStep{status("birthday-week", rules.StatusFalse)}},
			},
			{
				name:  "no birthday on file: unknown, never a match",
				order: goods("4500"), at: tuesday,
				want: cookResult{Points: "45", Steps: []cookStep{status("birthday-week", rules.StatusUnknown)}},
			},
		},
	},
	{
		id: "tenth-order", want: "500 points on every tenth order.",
		rules: []rules.Rule{
			{ID: "tenth-order", Kind: rules.Accrual, When: "order.Number % 10 == 0", Value: "500"},
		},
		cases: []cookCase{
			{
				name: "the tenth order", history: every(9, msk(2026, 1, 5, 12, 0), "1000"),
				order: goods("2000"), at: tuesday,
				want: cookResult{Points: "520", Steps: []cookStep{applied("tenth-order", "500")}},
			},
			{
				name: "the ninth order", history: every(8, msk(2026, 1, 5, 12, 0), "1000"),
				order: goods("2000"), at: tuesday,
				want: cookResult{Points: "20", Steps: []cookStep{status("tenth-order", rules.StatusFalse)}},
			},
		},
	},
	{
		id: "happy-hour", want: "double points from 15:00 to 17:00.",
		rules: []rules.Rule{
			{ID: "happy-hour", Kind: rules.Accrual, When: `withinHours(now, "15:00", "17:00")`, Value: "floor(order.Total / 100)"},
		},
		cases: []cookCase{
			{
				name: "at 16:59", order: goods("800"), at: msk(2026, 3, 10, 16, 59),
				want: cookResult{Points: "16", Steps: []cookStep{applied("happy-hour", "8")}},
			},
			{
				name: "at 17:00: over", order: goods("800"), at: msk(2026, 3, 10, 17, 0),
				want: cookResult{Points: "8", Steps: []cookStep{status("happy-hour", rules.StatusFalse)}},
			},
		},
	},
	{
		id: "beans-triple", want: "triple points on coffee beans: twice the base on top.",
		rules: []rules.Rule{
			{ID: "beans-triple", Kind: rules.Accrual, When: `any(order.Lines, .Category == "beans")`,
				Value: `floor(sum(filter(order.Lines, .Category == "beans"), .Price * .Qty) / 100) * 2`},
		},
		cases: []cookCase{
			{
				name:  "two bags of beans and two lattes",
				order: basket(item("ethiopia", "beans", 2, "1250"), item("latte", "drinks", 2, "350")), at: tuesday,
				want: cookResult{Points: "82", Steps: []cookStep{applied("beans-triple", "50")}},
			},
		},
	},
	{
		id: "first-order", want: "200 points on the first order.",
		rules: []rules.Rule{
			{ID: "first-order", Kind: rules.Accrual, When: "order.Number == 1", Value: "200"},
		},
		cases: []cookCase{
			{
				name: "the first order", order: goods("1500"), at: tuesday,
				want: cookResult{Points: "215", Steps: []cookStep{applied("first-order", "200")}},
			},
			{
				name: "the second order", history: []cookBuy{{msk(2026, 3, 1, 12, 0), "900"}},
				order: goods("1500"), at: tuesday,
				want: cookResult{Points: "15", Steps: []cookStep{status("first-order", rules.StatusFalse)}},
			},
		},
	},
	{
		id: "win-back", want: "300 points for coming back after more than 180 days.",
		rules: []rules.Rule{
			{ID: "win-back", Kind: rules.Accrual, When: "daysSince(customer.LastPurchase, now) > 180", Value: "300"},
		},
		cases: []cookCase{
			{
				name: "221 days after the last purchase", history: []cookBuy{{msk(2025, 8, 1, 12, 0), "2000"}},
				order: goods("1000"), at: tuesday,
				want: cookResult{Points: "310", Steps: []cookStep{applied("win-back", "300")}},
			},
			{
				name: "30 days after", history: []cookBuy{{msk(2026, 2, 8, 12, 0), "2000"}},
				order: goods("1000"), at: tuesday,
				want: cookResult{Points: "10", Steps: []cookStep{status("win-back", rules.StatusFalse)}},
			},
			{
				name:  "no purchase before: unknown, not a comeback",
				order: goods("1000"), at: tuesday,
				want: cookResult{Points: "10", Steps: []cookStep{status("win-back", rules.StatusUnknown)}},
			},
		},
	},
	{
		id: "weekend", want: "half as many points again on Saturdays and Sundays.",
		rules: []rules.Rule{
			{ID: "weekend", Kind: rules.Accrual, When: `weekday(now) in ["saturday", "sunday"]`, Value: "floor(order.Total / 200)"},
		},
		cases: []cookCase{
			{
				name: "a Saturday", order: goods("3000"), at: msk(2026, 3, 14, 12, 0),
				want: cookResult{Points: "45", Steps: []cookStep{applied("weekend", "15")}},
			},
			{
				name: "a Monday", order: goods("3000"), at: msk(2026, 3, 16, 12, 0),
				want: cookResult{Points: "30", Steps: []cookStep{status("weekend", rules.StatusFalse)}},
			},
		},
	},
	{
		id: "anniversary", want: "a mug with purchases in the week from each joining anniversary.",
		rules: []rules.Rule{
			{ID: "anniversary", Kind: rules.Gift,
				When:  "yearsSince(customer.Registered, now) >= 1 && daysSinceAnniversary(customer.Registered, now) < 7",
				Value: `"anniversary-mug"`},
		},
		cases: []cookCase{
			{
				name: "five days after the second anniversary", customer: loyalty.Customer{Registered: msk(2024, 3, 5, 18, 0)},
				order: goods("2000"), at: tuesday,
				want: cookResult{Points: "20", Gifts: []string{"anniversary-mug"},
					Steps: []cookStep{gave("anniversary", "anniversary-mug")}},
			},
			{
				name: "joined five days ago: no anniversary yet", customer: loyalty.Customer{Registered: msk(2026, 3, 5, 18, 0)},
				order: goods("2000"), at: tuesday,
				want: cookResult{Points: "20", Steps: []cookStep{status("anniversary", rules.StatusFalse)}},
			},
			{
				name:  "no registration date on file: unknown",
				order: goods("2000"), at: tuesday,
				want: cookResult{Points: "20", Steps: []cookStep{status("anniversary", rules.StatusUnknown)}},
			},
		},
	},
	{
		id: "review", want: "50 points for a review, 100 with a photo.",
		rules: []rules.Rule{
			{ID: "review", Kind: rules.Accrual, On: []string{"review"}, Value: `event.Attributes["photo"] == "yes" ? 100 : 50`},
		},
		cases: []cookCase{
			{
				name:  "a review with a photo",
				event: &loyalty.Event{ID: "review-1", Kind: "review", Attributes: map[string]string{"photo": "yes"}}, at: tuesday,
				want: cookResult{Points: "100", Steps: []cookStep{applied("review", "100")}},
			},
			{
				name:  "a review without",
				event: &loyalty.Event{ID: "review-1", Kind: "review"}, at: tuesday,
				want: cookResult{Points: "50", Steps: []cookStep{applied("review", "50")}},
			},
			{
				name:  "a purchase is not a review",
				order: goods("1000"), at: tuesday,
				want: cookResult{Points: "10", Steps: []cookStep{status("review", rules.StatusNotApplicable)}},
			},
		},
	},
	{
		id: "capped-bonus", want: "10 % of the order back in points, at most 500 an order.",
		rules: []rules.Rule{
			{ID: "capped-bonus", Kind: rules.Accrual, Value: "order.Total * 0.1", Cap: d("500")},
		},
		cases: []cookCase{
			{
				name: "3,000: 300", order: goods("3000"), at: tuesday,
				want: cookResult{Points: "330", Steps: []cookStep{applied("capped-bonus", "300")}},
			},
			{
				name: "8,000: 800, capped at 500", order: goods("8000"), at: tuesday,
				want: cookResult{Points: "580", Steps: []cookStep{
					{Rule: "capped-bonus", Status: rules.StatusCapped, Value: "500", Computed: "800"}}},
			},
		},
	},
	{
		id: "best-of", want: "15 % off shoes or 5 % off a basket of 5,000: the larger one.",
		rules: []rules.Rule{
			{ID: "shoes-15", Kind: rules.Discount, Unit: rules.Amount, Stacking: rules.BestOf,
				When:  `any(order.Lines, .Category == "shoes")`,
				Value: `sum(filter(order.Lines, .Category == "shoes"), .Price * .Qty) * 0.15`},
			{ID: "basket-5", Kind: rules.Discount, Unit: rules.Percent, Stacking: rules.BestOf,
				When: "order.Total >= 5000", Value: "5"},
		},
		cases: []cookCase{
			{
				name:  "shoes of 4,000 in 10,000: 600 beats 500",
				order: basket(item("boots", "shoes", 1, "4000"), item("coat", "coats", 1, "6000")), at: tuesday,
				want: cookResult{Points: "94", Discount: "600", Steps: []cookStep{
					applied("shoes-15", "600"), {Rule: "basket-5", Status: rules.StatusOutdone, Computed: "500", By: "shoes-15"}}},
			},
			{
				name:  "shoes of 2,000 in 10,000: 500 beats 300",
				order: basket(item("sandals", "shoes", 1, "2000"), item("coat", "coats", 1, "8000")), at: tuesday,
				want: cookResult{Points: "95", Discount: "500", Steps: []cookStep{
					{Rule: "shoes-15", Status: rules.StatusOutdone, Computed: "300", By: "basket-5"}, applied("basket-5", "500")}},
			},
		},
	},
	{
		id: "spring-campaign", want: "100 points on every purchase in March 2026.",
		rules: []rules.Rule{
			{ID: "spring-campaign", Kind: rules.Accrual, Value: "100", From: msk(2026, 3, 1, 0, 0), Until: msk(2026, 4, 1, 0, 0)},
		},
		cases: []cookCase{
			{
				name: "31 March, 23:59", order: goods("1000"), at: msk(2026, 3, 31, 23, 59),
				want: cookResult{Points: "110", Steps: []cookStep{applied("spring-campaign", "100")}},
			},
			{
				name: "1 April, 00:00: over", order: goods("1000"), at: msk(2026, 4, 1, 0, 0),
				want: cookResult{Points: "10", Steps: []cookStep{status("spring-campaign", rules.StatusInactive)}},
			},
		},
	},
	{
		id: "min-basket", want: "300 off a basket of 5,000 or more.",
		rules: []rules.Rule{
			{ID: "min-basket", Kind: rules.Discount, Unit: rules.Amount, When: "order.Total >= 5000", Value: "300"},
		},
		cases: []cookCase{
			{
				name: "5,000", order: goods("5000"), at: tuesday,
				want: cookResult{Points: "47", Discount: "300", Steps: []cookStep{applied("min-basket", "300")}},
			},
			{
				name: "4,999.99: just short", order: goods("4999.99"), at: tuesday,
				want: cookResult{Points: "49", Steps: []cookStep{status("min-basket", rules.StatusFalse)}},
			},
		},
	},
	{
		id: "gold-tier", want: "gold at 50,000 spent in 12 months, this order included.",
		rules: []rules.Rule{
			{ID: "gold-tier", Kind: rules.Tier, When: "customer.WindowSpend + order.Total >= 50000", Value: `"gold"`},
		},
		cases: []cookCase{
			{
				name:    "45,000 in the window and 6,000 now",
				history: []cookBuy{{msk(2025, 6, 1, 12, 0), "30000"}, {msk(2026, 1, 15, 12, 0), "15000"}},
				order:   goods("6000"), at: tuesday,
				want: cookResult{Points: "60", Tier: "gold", Steps: []cookStep{gave("gold-tier", "gold")}},
			},
			{
				name:    "30,000 of it 13 months ago, out of the window",
				history: []cookBuy{{msk(2025, 2, 1, 12, 0), "30000"}, {msk(2026, 1, 15, 12, 0), "15000"}},
				order:   goods("6000"), at: tuesday,
				want: cookResult{Points: "60", Steps: []cookStep{status("gold-tier", rules.StatusFalse)}},
			},
		},
	},
	{
		id: "coupon", want: "10 % off with the coupon code SPRING10.",
		rules: []rules.Rule{
			{ID: "coupon", Kind: rules.Discount, Unit: rules.Percent, When: `order.Coupon == "SPRING10"`, Value: "10"},
		},
		cases: []cookCase{
			{
				name: "with the code", order: loyalty.Order{Total: d("2000"), Coupon: "SPRING10"}, at: tuesday,
				want: cookResult{Points: "18", Discount: "200", Steps: []cookStep{applied("coupon", "200")}},
			},
			{
				name: "spring10 is another code", order: loyalty.Order{Total: d("2000"), Coupon: "spring10"}, at: tuesday,
				want: cookResult{Points: "20", Steps: []cookStep{status("coupon", rules.StatusFalse)}},
			},
		},
	},
	{
		id: "month-end", want: "7 % off in the last three days of every month.",
		rules: []rules.Rule{
			{ID: "month-end", Kind: rules.Discount, Unit: rules.Percent, When: "daysUntil(endOfMonth(now), now) <= 3", Value: "7"},
		},
		cases: []cookCase{
			{
				name: "29 March", order: goods("1000"), at: msk(2026, 3, 29, 12, 0),
				want: cookResult{Points: "9", Discount: "70", Steps: []cookStep{applied("month-end", "70")}},
			},
			{
				name: "26 February, February having 28 days", order: goods("1000"), at: msk(2026, 2, 26, 12, 0),
				want: cookResult{Points: "9", Discount: "70", Steps: []cookStep{applied("month-end", "70")}},
			},
			{
				name: "28 March: four days left", order: goods("1000"), at: msk(2026, 3, 28, 12, 0),
				want: cookResult{Points: "10", Steps: []cookStep{status("month-end", rules.StatusFalse)}},
			},
		},
	},
	{
		id: "quarter-start", want: "100 points in the first seven days of every quarter.",
		rules: []rules.Rule{
			{ID: "quarter-start", Kind: rules.Accrual, When: "daysSince(startOfQuarter(now), now) < 7", Value: "100"},
		},
		cases: []cookCase{
			{
				name: "7 April", order: goods("1000"), at: msk(2026, 4, 7, 23, 0),
				want: cookResult{Points: "110", Steps: []cookStep{applied("quarter-start", "100")}},
			},
			{
				name: "8 April: over", order: goods("1000"), at: msk(2026, 4, 8, 0, 0),
				want: cookResult{Points: "10", Steps: []cookStep{status("quarter-start", rules.StatusFalse)}},
			},
		},
	},
	{
		id: "third-this-month", want: "150 points for the third purchase in a calendar month.",
		rules: []rules.Rule{
			{ID: "third-this-month", Kind: rules.Accrual, When: "customer.MonthOrders == 2", Value: "150"},
		},
		cases: []cookCase{
			{
				name:    "two earlier in March, one in February",
				history: []cookBuy{{msk(2026, 2, 27, 12, 0), "1000"}, {msk(2026, 3, 1, 0, 0), "1000"}, {msk(2026, 3, 5, 12, 0), "1000"}},
				order:   goods("1000"), at: tuesday,
				want: cookResult{Points: "160", Steps: []cookStep{applied("third-this-month", "150")}},
			},
			{
				name:    "one earlier in March: the second",
				history: []cookBuy{{msk(2026, 2, 28, 23, 59), "1000"}, {msk(2026, 3, 5, 12, 0), "1000"}},
				order:   goods("1000"), at: tuesday,
				want: cookResult{Points: "10", Steps: []cookStep{status("third-this-month", rules.StatusFalse)}},
			},
		},
	},
}

func TestCookbook(t *testing.T) {
	history := mustProgram(t, cookShop())
	for _, rc := range cookbook {
		t.Run(rc.id, func(t *testing.T) {
			p := mustProgram(t, cookShop(rc.rules...))
			for _, tc := range rc.cases {
				t.Run(tc.name, func(t *testing.T) {
					c := tc.customer
					c.ID = "c1"
					var a loyalty.Account
					for i, b := range tc.history {
						var err error
						if a, _, err = history.Purchase(a, c, loyalty.Order{ID: fmt.Sprint("h", i+1), Total: d(b.total)}, b.at); err != nil {
							t.Fatal(err)
						}
					}
					var r loyalty.Result
					var err error
					if tc.event != nil {
						_, r, err = p.Event(a, c, *tc.event, tc.at)
					} else {
						o := tc.order
						o.ID = "o1"
						_, r, err = p.Purchase(a, c, o, tc.at)
					}
					if err != nil {
						t.Fatal(err)
					}
					if len(r.RuleFailures) > 0 {
						t.Errorf("rule failures: %v", r.RuleFailures)
					}
					got := cookResult{Points: nonZero(r.Points), Discount: nonZero(r.Discount), Gifts: r.Gifts, Tier: r.Tier}
					if got.Tier == "member" {
						got.Tier = ""
					}
					for _, st := range r.Trace {
						if st.RuleID == cookBase.ID {
							continue
						}
						s := cookStep{Rule: st.RuleID, Status: st.Status, Value: nonZero(st.Value), Text: st.Text, By: st.By}
						if !st.Computed.Equal(st.Value) {
							s.Computed = nonZero(st.Computed)
						}
						got.Steps = append(got.Steps, s)
					}
					if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("outcome (-want +got):\n%s", diff)
					}
				})
			}
		})
	}
}

// TestCookbookDoc checks that the Cookbook section of the rules package
// documentation shows the base rule and then exactly the recipes tested
// here, in the same order: each recipe's id and what the shop wants, and
// its rules as rulesText writes them.
func TestCookbookDoc(t *testing.T) {
	if len(cookbook) != 21 {
		t.Errorf("the cookbook has %d recipes, the documentation says twenty-one", len(cookbook))
	}
	seen := map[string]bool{}
	var recipes []string
	for _, rc := range cookbook {
		if seen[rc.id] {
			t.Errorf("recipe id %q is used twice", rc.id)
		}
		seen[rc.id] = true
		if len(rc.cases) == 0 {
			t.Errorf("recipe %q has no case", rc.id)
		}
		recipes = append(recipes, rc.id+": "+rc.want+"\n\n"+rulesText(rc.rules...))
	}
	src, err := os.ReadFile("../rules/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	comment, _, ok := strings.Cut(string(src), "\npackage rules")
	_, section, found := strings.Cut(comment+"\n", "// # Cookbook\n")
	if !ok || !found {
		t.Fatal("rules/doc.go has no Cookbook section in its package documentation")
	}
	var text strings.Builder
	for line := range strings.Lines(section) {
		line = strings.TrimPrefix(line, "//")
		text.WriteString(strings.TrimPrefix(line, " "))
	}
	if base := rulesText(cookBase); !strings.Contains(text.String(), "\n"+base+"\n") {
		t.Errorf("the Cookbook section does not show the base rule as\n%s", base)
	}
	want := strings.Join(recipes, "\n")
	if !strings.HasSuffix(text.String(), "\n"+want) {
		t.Errorf("the Cookbook section does not end with the recipes tested here; it should end with:\n%s", want)
	}
}

// rulesText writes rules as the Cookbook shows them, as a code block: a
// line with the id, kind, unit, stacking and priority, then the fields
// that are set, one a line.
func rulesText(rs ...rules.Rule) string {
	var b strings.Builder
	for _, r := range rs {
		head := []string{r.Kind.String()}
		if r.Unit != rules.UnitUnset {
			head = append(head, r.Unit.String())
		}
		if r.Stacking != rules.Stack {
			head = append(head, r.Stacking.String())
		}
		if r.Priority != 0 {
			head = append(head, fmt.Sprint("priority ", r.Priority))
		}
		fmt.Fprintf(&b, "\t%s: %s\n", r.ID, strings.Join(head, ", "))
		field := func(name, value string) {
			if value != "" {
				fmt.Fprintf(&b, "\t  %-5s %s\n", name, value)
			}
		}
		field("when", r.When)
		field("value", r.Value)
		if !r.Cap.IsZero() {
			field("cap", r.Cap.String())
		}
		field("on", strings.Join(r.On, ", "))
		if !r.From.IsZero() {
			field("from", r.From.Format(time.RFC3339))
		}
		if !r.Until.IsZero() {
			field("until", r.Until.Format(time.RFC3339))
		}
	}
	return b.String()
}
