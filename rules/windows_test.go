package rules_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/rules"
)

func TestAnniversaryDays(t *testing.T) {
	tokyo := mustZone(t, "Asia/Tokyo")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name      string
		date, now time.Time
		to, since int
		near33    bool // nearAnniversary(date, now, 3, 3)
	}{
		{"four days before", day(1990, 3, 14), day(2026, 3, 10), 4, 361, false},
		{"on the day", day(1990, 3, 14), day(2026, 3, 14), 0, 0, true},
		{"three days after", day(1990, 3, 14), day(2026, 3, 17), 362, 3, true},
		{"across the new year, before", day(1990, 1, 2), day(2025, 12, 31), 2, 363, true},
		{"across the new year, after", day(1990, 12, 30), day(2026, 1, 1), 363, 2, true},
		{"Dec 31 seen on Jan 1", day(1990, 12, 31), day(2026, 1, 1), 364, 1, true},
		{"Feb 29 on Feb 28 of a common year", day(1992, 2, 29), day(2027, 2, 28), 0, 0, true},
		{"Feb 29 on Mar 1 of a common year", day(1992, 2, 29), day(2027, 3, 1), 365, 1, true},
		{"Feb 29 before it in a leap year", day(1992, 2, 29), day(2028, 2, 28), 1, 365, true},
		{"Feb 29 in a leap year", day(1992, 2, 29), day(2028, 2, 29), 0, 0, true},
		{"Mar 1 after Feb 28 in a leap year", day(1990, 3, 1), day(2028, 2, 28), 2, 364, true},
		{"today in now's zone", day(1990, 3, 14), time.Date(2026, 3, 13, 23, 30, 0, 0, time.UTC).In(tokyo), 0, 0, true},
		{"the date in its own zone", time.Date(1990, 3, 14, 0, 0, 0, 0, tokyo), day(2026, 3, 14), 0, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := rules.DaysToAnniversary(c.date, c.now); got != c.to {
				t.Errorf("DaysToAnniversary = %d, want %d", got, c.to)
			}
			if got := rules.DaysSinceAnniversary(c.date, c.now); got != c.since {
				t.Errorf("DaysSinceAnniversary = %d, want %d", got, c.since)
			}
			if got := rules.NearAnniversary(c.date, c.now, 3, 3); got != c.near33 {
				t.Errorf("NearAnniversary(3, 3) = %v, want %v", got, c.near33)
			}
		})
	}
}

func TestPeriodBounds(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, berlin) }
	for _, c := range []struct {
		name       string
		fn         string
		now        time.Time
		start, end time.Time
		startOrEnd bool // false: start, true: end
	}{
		{"week on the spring-forward Sunday", "startOfWeek", at(2026, 3, 29, 12), at(2026, 3, 23, 0), time.Time{}, false},
		{"its end", "endOfWeek", at(2026, 3, 29, 12), time.Time{}, at(2026, 3, 30, 0), true},
		{"week on a Monday", "startOfWeek", at(2026, 3, 30, 0), at(2026, 3, 30, 0), time.Time{}, false},
		{"month with the fall-back day", "startOfMonth", at(2026, 10, 25, 2), at(2026, 10, 1, 0), time.Time{}, false},
		{"its end", "endOfMonth", at(2026, 10, 25, 2), time.Time{}, at(2026, 11, 1, 0), true},
		{"February of a leap year", "endOfMonth", at(2028, 2, 29, 23), time.Time{}, at(2028, 3, 1, 0), true},
		{"quarter", "startOfQuarter", at(2026, 5, 31, 10), at(2026, 4, 1, 0), time.Time{}, false},
		{"quarter end", "endOfQuarter", at(2026, 6, 30, 23), time.Time{}, at(2026, 7, 1, 0), true},
		{"last quarter's end", "endOfQuarter", at(2026, 12, 31, 23), time.Time{}, at(2027, 1, 1, 0), true},
		{"year", "startOfYear", at(2026, 12, 31, 23), at(2026, 1, 1, 0), time.Time{}, false},
		{"year end", "endOfYear", at(2026, 1, 1, 0), time.Time{}, at(2027, 1, 1, 0), true},
	} {
		t.Run(c.name+" "+c.fn, func(t *testing.T) {
			want := c.start
			if c.startOrEnd {
				want = c.end
			}
			s := mustCompile(t, rules.Rule{ID: "r", Kind: rules.Accrual, When: c.fn + "(now) == date(\"" + want.Format("2006-01-02 15:04") + "\", now)", Value: "1"})
			f := sampleFacts()
			f.Now = c.now
			out, err := s.Eval(f)
			if err != nil || out.Trace[0].Status != rules.StatusApplied {
				t.Fatalf("%s(%v) is not %v: %v %v", c.fn, c.now, want, out.Trace, err)
			}
		})
	}
	// The week of the spring-forward Sunday has 167 hours, and 7 days.
	s := mustCompile(t, rules.Rule{ID: "r", Kind: rules.Accrual, Value: "daysUntil(endOfWeek(now), startOfWeek(now))"})
	f := sampleFacts()
	f.Now = at(2026, 3, 29, 12)
	if out, err := s.Eval(f); err != nil || out.Points.String() != "7" {
		t.Fatalf("a DST week: %v days, %v", out.Points, err)
	}
}

func TestWithinHours(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	for _, c := range []struct {
		name     string
		now      time.Time
		from, to string
		want     bool
	}{
		{"start is in", time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC), "15:00", "17:00", true},
		{"a minute before", time.Date(2026, 3, 10, 14, 59, 59, 0, time.UTC), "15:00", "17:00", false},
		{"end is out", time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC), "15:00", "17:00", false},
		{"past midnight", time.Date(2026, 3, 10, 1, 30, 0, 0, time.UTC), "22:00", "02:00", true},
		{"past midnight, out", time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC), "22:00", "02:00", false},
		{"to 24:00", time.Date(2026, 3, 10, 23, 59, 0, 0, time.UTC), "22:00", "24:00", true},
		{"wall clock after spring forward", time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC).In(berlin), "03:00", "04:00", true},
		{"an empty window", time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC), "15:00", "15:00", false},
		{"the zone's wall clock", time.Date(2026, 7, 1, 13, 30, 0, 0, time.UTC).In(berlin), "15:00", "17:00", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := mustCompile(t, rules.Rule{ID: "r", Kind: rules.Accrual, When: `withinHours(now, "` + c.from + `", "` + c.to + `")`, Value: "1"})
			f := sampleFacts()
			f.Now = c.now
			out, err := s.Eval(f)
			if err != nil || (out.Trace[0].Status == rules.StatusApplied) != c.want {
				t.Fatalf("withinHours(%v, %s, %s): %v %v, want %v", c.now, c.from, c.to, out.Trace, err, c.want)
			}
		})
	}
}

func TestWindowHelpersRefuse(t *testing.T) {
	for _, c := range []struct{ src, text string }{
		{`withinHours(now, "25:00", "26:00")`, "time of day"},
		{`withinHours(now, "3pm", "5pm")`, "time of day"},
		{`nearAnniversary(customer.Birthday, now, -1, 3)`, "0..366"},
		{`nearAnniversary(customer.Birthday, now, 300, 300)`, "together"},
		{`nearAnniversary(customer.Birthday, now, 183, 184)`, "together"},
		{`nearAnniversary(customer.Birthday, now, 0, 367)`, "0..366"},
	} {
		t.Run(c.src, func(t *testing.T) {
			_, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, When: c.src, Value: "1"}})
			if !errors.Is(err, rules.ErrType) || !strings.Contains(err.Error(), c.text) {
				t.Errorf("%s: %v, want a compile error with %q", c.src, err, c.text)
			}
		})
	}
	for _, ok := range []string{"0, 366", "366, 0", "183, 183", "0, 0"} {
		if _, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, When: "nearAnniversary(customer.Birthday, now, " + ok + ")", Value: "1"}}); err != nil {
			t.Errorf("nearAnniversary(…, %s): %v", ok, err)
		}
	}
	// An unknown birthday never matches a window.
	s := mustCompile(t, rules.Rule{ID: "r", Kind: rules.Accrual, When: "nearAnniversary(customer.Birthday, now, 3, 3)", Value: "1"},
		rules.Rule{ID: "s", Kind: rules.Accrual, When: "daysToAnniversary(customer.Birthday, now) < 400", Value: "1"})
	f := sampleFacts()
	f.Customer.Birthday = time.Time{}
	out, err := s.Eval(f)
	if err != nil || out.Trace[0].Status != rules.StatusUnknown || out.Trace[1].Status != rules.StatusUnknown || len(out.Failures) != 0 {
		t.Fatalf("zero birthday: %v %v", out.Trace, err)
	}
}
