package loyalty_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// limitedConfig is a salon's programme with a limited rule of each kind
// of limit: times per month, an amount per week, times per rolling 10
// days, once ever, and a review reward once a month.
func limitedConfig() loyalty.Config {
	return loyalty.Config{
		Name: "salon", Currency: "EUR", MoneyPlaces: 2, TimeZone: "Europe/Berlin",
		Rules: []rules.Rule{
			{ID: "monthly", Kind: rules.Accrual, Value: "10", Limit: rules.Limit{Times: 2, Per: rules.Month}},
			{ID: "weekly-cap", Kind: rules.Accrual, Value: "order.Total / 10", Limit: rules.Limit{Amount: d("30"), Per: rules.Week}},
			{ID: "rolling", Kind: rules.Accrual, Value: "5", Limit: rules.Limit{Times: 3, Per: rules.Rolling, Days: 10}},
			{ID: "coupon", Kind: rules.Discount, Unit: rules.Amount, When: `order.Coupon == "SPRING"`, Value: "order.Total * 0.1",
				Limit: rules.Limit{Amount: d("15"), Per: rules.Quarter}},
			{ID: "welcome-gift", Kind: rules.Gift, Value: `"mug"`, Limit: rules.Limit{Times: 1}},
			{ID: "review", Kind: rules.Accrual, On: []string{"review"}, Value: "30", Limit: rules.Limit{Times: 1, Per: rules.Month}},
		},
	}
}

func berlin(y int, m time.Month, day, h int) time.Time {
	loc, _ := time.LoadLocation("Europe/Berlin")
	return time.Date(y, m, day, h, 0, 0, 0, loc)
}

// A worked story of each limit, with the statuses and reasons the trace
// shows.
func TestLimitsStory(t *testing.T) {
	p := mustProgram(t, limitedConfig())
	c := loyalty.Customer{ID: "ann"}
	var a loyalty.Account
	type want struct {
		points  string
		gifts   int
		limited []string
	}
	status := func(r loyalty.Result) (limited []string) {
		for _, st := range r.Trace {
			if st.Status == rules.StatusLimited {
				limited = append(limited, st.RuleID+": "+st.Reason)
			}
		}
		return limited
	}
	steps := []struct {
		name string
		op   func() (loyalty.Account, loyalty.Result, error)
		want want
	}{
		{"first purchase", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d("200")}, berlin(2026, 3, 2, 10))
		}, want{"35", 1, nil}}, // monthly 10, weekly-cap 20 (of 30), rolling 5; the welcome gift
		{"same week", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("200")}, berlin(2026, 3, 4, 10))
		}, want{"25", 0, []string{"welcome-gift: 1 of 1 in all"}}}, // weekly-cap: what is left of the week's 30
		{"third in March", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o3", Total: d("50")}, berlin(2026, 3, 5, 10))
		}, want{"5", 0, []string{"monthly: 2 of 2 this month", "weekly-cap: 30 of 30 this week", "welcome-gift: 1 of 1 in all"}}},
		{"a review", func() (loyalty.Account, loyalty.Result, error) {
			return p.Event(a, c, loyalty.Event{ID: "rev-1", Kind: "review"}, berlin(2026, 3, 6, 10))
		}, want{"30", 0, nil}},
		{"a second review in March", func() (loyalty.Account, loyalty.Result, error) {
			return p.Event(a, c, loyalty.Event{ID: "rev-2", Kind: "review"}, berlin(2026, 3, 31, 23))
		}, want{"0", 0, []string{"review: 1 of 1 this month"}}},
		{"April: a new month and week, and 10 days since March 5", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o4", Total: d("100")}, berlin(2026, 4, 1, 0))
		}, want{"25", 0, []string{"welcome-gift: 1 of 1 in all"}}},
		{"a full refund", func() (loyalty.Account, loyalty.Result, error) {
			return p.Refund(a, c, loyalty.Refund{ID: "r4", Order: "o4", Amount: d("100")}, berlin(2026, 4, 1, 12))
		}, want{"25", 0, nil}}, // the points taken back
		{"gives the refunded order's uses back", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o5", Total: d("100")}, berlin(2026, 4, 2, 9))
		}, want{"25", 0, []string{"welcome-gift: 1 of 1 in all"}}},
		{"the second in April", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o6", Total: d("10")}, berlin(2026, 4, 3, 9))
		}, want{"16", 0, []string{"welcome-gift: 1 of 1 in all"}}},
		{"the third", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o7", Total: d("10")}, berlin(2026, 4, 4, 9))
		}, want{"6", 0, []string{"monthly: 2 of 2 this month", "welcome-gift: 1 of 1 in all"}}},
		{"the fourth within 10 days", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o8", Total: d("10")}, berlin(2026, 4, 5, 9))
		}, want{"1", 0, []string{"monthly: 2 of 2 this month", "rolling: 3 of 3 within 10 days", "welcome-gift: 1 of 1 in all"}}},
		{"a coupon's quarterly budget, cut", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o9", Total: d("200"), Coupon: "SPRING"}, berlin(2026, 4, 20, 9))
		}, want{"23", 0, []string{"monthly: 2 of 2 this month", "welcome-gift: 1 of 1 in all"}}}, // 25 × 185 paid of 200
		{"and used up", func() (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o10", Total: d("200"), Coupon: "SPRING"}, berlin(2026, 6, 30, 9))
		}, want{"35", 0, []string{"coupon: 15 of 15 this quarter", "welcome-gift: 1 of 1 in all"}}},
	}
	for _, s := range steps {
		next, r, err := s.op()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		a = next
		got := want{r.Points.String(), len(r.Gifts), status(r)}
		if fmt.Sprint(got) != fmt.Sprint(s.want) {
			t.Errorf("%s: got %+v, want %+v", s.name, got, s.want)
		}
	}
}

// Limits are never exceeded, whatever the interleaving of purchases
// (some dated before earlier ones), full and partial refunds, reviews,
// retries and reloads from the snapshot: counted from the ledger's own
// records, independently of the account's bookkeeping.
func TestLimitsNeverExceeded(t *testing.T) {
	cfg := limitedConfig()
	p := mustProgram(t, cfg)
	loc, _ := time.LoadLocation(cfg.TimeZone)
	limits := map[string]rules.Limit{}
	for _, r := range cfg.Rules {
		limits[r.ID] = r.Limit
	}
	rapid.Check(t, func(t *rapid.T) {
		c := loyalty.Customer{ID: "c"}
		var a loyalty.Account
		var log []loyalty.Entry
		var orders []string
		var retry func() (loyalty.Account, loyalty.Result, error)
		start := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
		for i := range rapid.IntRange(1, 40).Draw(t, "steps") {
			at := start.Add(time.Duration(rapid.IntRange(0, 60*24).Draw(t, "hours")) * time.Hour)
			var op func() (loyalty.Account, loyalty.Result, error)
			switch k := rapid.IntRange(0, 9).Draw(t, "op"); {
			case k < 5:
				id := fmt.Sprint("o", i)
				total := decimal.NewFromInt(int64(rapid.IntRange(1, 400).Draw(t, "total")))
				orders = append(orders, id)
				op = func() (loyalty.Account, loyalty.Result, error) {
					return p.Purchase(a, c, loyalty.Order{ID: id, Total: total}, at)
				}
			case k < 7 && len(orders) > 0:
				o := orders[rapid.IntRange(0, len(orders)-1).Draw(t, "order")]
				full := rapid.Bool().Draw(t, "full")
				left := decimal.Zero
				for _, s := range a.Orders() {
					if s.ID == o {
						left = s.Paid.Sub(s.Refunded)
					}
				}
				amount := left
				if !full {
					amount = left.Div(decimal.NewFromInt(2)).Round(2)
				}
				op = func() (loyalty.Account, loyalty.Result, error) {
					return p.Refund(a, c, loyalty.Refund{ID: fmt.Sprint("r", i), Order: o, Amount: amount}, at)
				}
			case k < 8:
				op = func() (loyalty.Account, loyalty.Result, error) {
					return p.Event(a, c, loyalty.Event{ID: fmt.Sprint("e", i), Kind: "review"}, at)
				}
			case k < 9 && retry != nil:
				if _, r, err := retry(); err != nil || !r.Duplicate && len(r.Entries) > 0 {
					t.Fatalf("a retry changed something: %v duplicate=%v", err, r.Duplicate)
				}
				continue
			default:
				loaded, err := p.LoadSnapshot(a.Snapshot())
				if err != nil {
					t.Fatal(err)
				}
				a = loaded
				continue
			}
			next, r, err := op()
			if err != nil {
				continue // a refund of nothing left, say: refused, nothing recorded
			}
			a, log, retry = next, append(log, r.Entries...), op
			checkLimits(t, limits, log, a, loc)
		}
		replayed, err := p.Replay(log)
		if err != nil || replayed.String() != a.String() {
			t.Fatalf("replay: %v", err)
		}
	})
}

// checkLimits counts the uses on the ledger's records, leaving out those
// of orders refunded in full, and checks every limit in every period.
func checkLimits(t *rapid.T, limits map[string]rules.Limit, log []loyalty.Entry, a loyalty.Account, loc *time.Location) {
	full := map[string]bool{}
	for _, o := range a.Orders() {
		full[o.ID] = o.Paid.IsPositive() && !o.Refunded.LessThan(o.Paid)
	}
	type use struct {
		at     time.Time
		amount decimal.Decimal
	}
	uses := map[string][]use{}
	for _, e := range log {
		if e.Kind != loyalty.Record || e.Order != "" && full[e.Order] {
			continue
		}
		for _, u := range e.Uses {
			uses[u.Rule] = append(uses[u.Rule], use{e.At, u.Amount})
		}
	}
	for rule, us := range uses {
		l := limits[rule]
		groups := map[string][]use{}
		for _, u := range us {
			lt := u.at.In(loc)
			switch l.Per {
			case rules.Ever:
				groups["ever"] = append(groups["ever"], u)
			case rules.Month:
				groups[lt.Format("2006-01")] = append(groups[lt.Format("2006-01")], u)
			case rules.Week:
				y, w := lt.ISOWeek()
				k := fmt.Sprint(y, "w", w)
				groups[k] = append(groups[k], u)
			case rules.Rolling: // every window of Days days that ends at a use
				k := fmt.Sprint(len(groups))
				from := time.Date(lt.Year(), lt.Month(), lt.Day()-l.Days, lt.Hour(), lt.Minute(), lt.Second(), lt.Nanosecond(), loc)
				for _, v := range us {
					if v.at.After(from) && !v.at.After(u.at) {
						groups[k] = append(groups[k], v)
					}
				}
			}
		}
		for k, g := range groups {
			sum := decimal.Zero
			for _, u := range g {
				sum = sum.Add(u.amount)
			}
			if l.Times > 0 && len(g) > l.Times || l.Amount.IsPositive() && sum.GreaterThan(l.Amount) {
				t.Fatalf("rule %s (limit %v): %d uses for %s in %s", rule, l, len(g), sum, k)
			}
		}
	}
}

// A rule cut to what is left of its amount limit says, in the trace, what
// was used of it (Facts.LimitUsed, asked only then): 20 of the week's 30
// before the second order, whose 20 is cut to 10.
func TestLimitCutReason(t *testing.T) {
	p := mustProgram(t, limitedConfig())
	c := loyalty.Customer{ID: "ann"}
	a, r1, err := p.Purchase(loyalty.Account{}, c, loyalty.Order{ID: "o1", Total: d("200")}, berlin(2026, 3, 2, 9))
	if err != nil {
		t.Fatal(err)
	}
	_, r2, err := p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("200")}, berlin(2026, 3, 4, 9))
	if err != nil {
		t.Fatal(err)
	}
	step := func(r loyalty.Result) string {
		for _, st := range r.Trace {
			if st.RuleID == "weekly-cap" {
				return fmt.Sprintf("%v %s by %q: %q", st.Status, st.Value, st.By, st.Reason)
			}
		}
		return "no step"
	}
	if got, want := step(r1), `applied 20 by "": ""`; got != want {
		t.Errorf("first order: %s, want %s", got, want)
	}
	if got, want := step(r2), `capped 10 by "limit": "20 of 30 this week"`; got != want {
		t.Errorf("second order: %s, want %s", got, want)
	}
}
