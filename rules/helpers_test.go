package rules_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones these tests use, whatever the machine has

	"github.com/loyalkit/loyalkit/rules"
)

func TestIsBirthday(t *testing.T) {
	utc := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	leap := utc(2000, time.February, 29)
	tests := []struct {
		name   string
		birth  time.Time
		now    time.Time
		within int
		want   bool
	}{
		{"today", utc(1990, 3, 14), utc(2026, 3, 14), 0, true},
		{"tomorrow, today only", utc(1990, 3, 15), utc(2026, 3, 14), 0, false},
		{"in 7 days", utc(1990, 3, 21), utc(2026, 3, 14), 7, true},
		{"in 8 days", utc(1990, 3, 22), utc(2026, 3, 14), 7, false},
		{"yesterday does not count", utc(1990, 3, 13), utc(2026, 3, 14), 30, false},
		{"across new year", utc(1990, 1, 2), utc(2026, 12, 30), 5, true},
		{"feb 29 on feb 28 in a non-leap year", leap, utc(2026, 2, 28), 0, true},
		{"feb 29 not on mar 1 in a non-leap year", leap, utc(2026, 3, 1), 0, false},
		{"feb 29 on feb 29 in a leap year", leap, utc(2028, 2, 29), 0, true},
		{"feb 29 not on feb 28 in a leap year", leap, utc(2028, 2, 28), 0, false},
		{"date read in its own zone", time.Date(1990, 3, 14, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 14, 9, 0, 0, 0, mustZone(t, "America/New_York")), 0, true},
		{"today in now's zone", utc(1990, 3, 15),
			time.Date(2026, 3, 14, 23, 30, 0, 0, time.UTC).In(mustZone(t, "Asia/Almaty")), 0, true},
	}
	for _, tc := range tests {
		if got := rules.IsBirthday(tc.birth, tc.now, tc.within); got != tc.want {
			t.Errorf("%s: IsBirthday(%v, %v, %d) = %v, want %v", tc.name, tc.birth, tc.now, tc.within, got, tc.want)
		}
	}
}

// TestFeb29OncePerYear walks every day of eight years: a Feb 29 birthday
// is "today" exactly once in each of them.
func TestFeb29OncePerYear(t *testing.T) {
	birth := time.Date(1996, 2, 29, 0, 0, 0, 0, time.UTC)
	for y := 2025; y < 2033; y++ {
		n := 0
		for d := time.Date(y, 1, 1, 10, 0, 0, 0, time.UTC); d.Year() == y; d = d.AddDate(0, 0, 1) {
			if rules.IsBirthday(birth, d, 0) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("year %d: a Feb 29 birthday came %d times", y, n)
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone %s: %v", name, err)
	}
	return loc
}

// TestDateHelpers checks the date helpers through rules, in a programme
// zone with DST: a calendar day across the spring change still counts as
// one day.
func TestDateHelpers(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	f := sampleFacts()
	f.Now = time.Date(2026, 3, 30, 8, 0, 0, 0, berlin) // the day after DST starts
	f.Customer.Birthday = time.Date(1990, 3, 31, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		when string
	}{
		{`daysSince(date("2026-03-28T23:30:00+01:00"), now) == 2`},
		{`daysUntil(date("2026-04-01T00:30:00+02:00"), now) == 2`},
		{`weekday(now) == "monday" && month(now) == 3 && day(now) == 30 && year(now) == 2026 && hour(now) == 8`},
		{`yearsSince(customer.Birthday, now) == 35 && isBirthday(customer.Birthday, now, 1)`},
		{`now > date("2026-03-01") && now < date("2026-03-30 08:00:01", now) && now >= date("2026-03-30 08:00", now)`},
	}
	for _, tc := range tests {
		s, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "d", Kind: rules.Accrual, When: tc.when, Value: "1"}})
		if err != nil {
			t.Errorf("%s: %v", tc.when, err)
			continue
		}
		o, err := s.Eval(f)
		if err != nil || o.Trace[0].Status != rules.StatusApplied {
			t.Errorf("%s: status %v, err %v; want applied", tc.when, o.Trace, err)
		}
	}
}
