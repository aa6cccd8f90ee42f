package rules_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/rules"
)

// TestUnknownDates: a zero time.Time given to a date helper is unknown, not
// 1 January of year 1. The rule does not apply however the helper is used
// (negated, in the value, in a predicate), its step is unknown with an
// error naming the helper and the argument, and it is not a failure, in
// either mode.
func TestUnknownDates(t *testing.T) {
	noBirthday := sampleFacts()
	noBirthday.Customer.Birthday = time.Time{}
	noNow := sampleFacts()
	noNow.Now = time.Time{}
	acc := func(when, value string) rules.Rule {
		return rules.Rule{ID: "r", Kind: rules.Accrual, When: when, Value: value}
	}
	tests := []struct {
		name   string
		reason string
		rule   rules.Rule
		facts  shopFacts
		part   rules.Part
		column int
		msg    string
	}{
		{"birthday today", "a customer with no birthday on file was born on no day",
			acc("isBirthday(customer.Birthday, now, 0)", "500"), noBirthday, rules.PartWhen, 1, "isBirthday: argument 1 (date) is unknown"},
		{"birthday week", "not even within a week",
			acc("isBirthday(customer.Birthday, now, 7)", "500"), noBirthday, rules.PartWhen, 1, "isBirthday: argument 1 (date) is unknown"},
		{"not a birthday", "the negation of unknown is unknown, not true",
			acc("!isBirthday(customer.Birthday, now, 3)", "5"), noBirthday, rules.PartWhen, 2, "isBirthday: argument 1 (date) is unknown"},
		{"not a birthday, in words", "however it is negated",
			acc("customer.Orders > 0 and not isBirthday(customer.Birthday, now, 3)", "5"), noBirthday, rules.PartWhen, 29, "isBirthday: argument 1 (date) is unknown"},
		{"unknown now", "the second argument counts too",
			acc("isBirthday(customer.Birthday, now, 3)", "5"), noNow, rules.PartWhen, 1, "isBirthday: argument 2 (now) is unknown"},
		{"days since", "no age for no date",
			acc("daysSince(customer.Birthday, now) > 10000", "1"), noBirthday, rules.PartWhen, 1, "daysSince: argument 1 (t) is unknown"},
		{"days since, unknown now", "either argument",
			acc("daysSince(customer.Birthday, now) < 1", "1"), noNow, rules.PartWhen, 1, "daysSince: argument 2 (now) is unknown"},
		{"days until", "either argument",
			acc("daysUntil(customer.Birthday, now) < 0", "1"), noBirthday, rules.PartWhen, 1, "daysUntil: argument 1 (t) is unknown"},
		{"days until, unknown now", "either argument",
			acc(`daysUntil(date("2026-04-01"), now) > 0`, "1"), noNow, rules.PartWhen, 1, "daysUntil: argument 2 (now) is unknown"},
		{"years since in the value", "an age of 2025 is not an age",
			acc("", "yearsSince(customer.Birthday, now) * 10"), noBirthday, rules.PartValue, 1, "yearsSince: argument 1 (date) is unknown"},
		{"years since after a condition", "the fused condition and value report the value",
			acc("customer.Orders > 0", "yearsSince(customer.Birthday, now)"), noBirthday, rules.PartValue, 1, "yearsSince: argument 1 (date) is unknown"},
		{"weekday", "no weekday", acc(`weekday(customer.Birthday) != "monday"`, "1"), noBirthday, rules.PartWhen, 1, "weekday: argument 1 (t) is unknown"},
		{"month", "no month", acc("month(customer.Birthday) != 3", "1"), noBirthday, rules.PartWhen, 1, "month: argument 1 (t) is unknown"},
		{"day", "no day", acc("day(customer.Birthday) >= 1", "1"), noBirthday, rules.PartWhen, 1, "day: argument 1 (t) is unknown"},
		{"year", "no year", acc("year(customer.Birthday) < 2000", "1"), noBirthday, rules.PartWhen, 1, "year: argument 1 (t) is unknown"},
		{"hour", "no hour", acc("hour(now) < 12", "1"), noNow, rules.PartWhen, 1, "hour: argument 1 (t) is unknown"},
		{"inside a predicate", "expr keeps the cause through a predicate",
			acc("any(order.Lines, month(customer.Birthday) == 1)", "1"), noBirthday, rules.PartWhen, 18, "month: argument 1 (t) is unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, opts := range [][]rules.Option{nil, {rules.Strict()}} {
				s, err := rules.Compile[shopFacts]([]rules.Rule{tc.rule, {ID: "base", Kind: rules.Accrual, Value: "1"}}, opts...)
				if err != nil {
					t.Fatalf("Compile: %v", err)
				}
				o, err := s.Eval(tc.facts)
				if err != nil {
					t.Fatalf("Eval (%d options): %v, want the rule unknown, not an error (%s)", len(opts), err, tc.reason)
				}
				if !o.Points.Equal(d("1")) || len(o.Failures) != 0 {
					t.Errorf("Eval points = %v, failures %v; want 1 and none (%s)", o.Points, o.Failures, tc.reason)
				}
				want := []step{{"r", rules.StatusUnknown, "", ""}, {"base", rules.StatusApplied, "1", ""}}
				if diff := cmp.Diff(want, steps(o)); diff != "" {
					t.Errorf("Eval trace mismatch (-want +got) [%s]:\n%s", tc.reason, diff)
				}
				e := o.Trace[0].Error
				if e == nil {
					t.Fatalf("unknown step has no error")
				}
				got := ruleErr{e.RuleID, e.Part, e.Line, e.Column, e.Err, tc.msg}
				if !strings.Contains(e.Message, tc.msg) {
					got.Contains = e.Message
				}
				if diff := cmp.Diff(ruleErr{"r", tc.part, 1, tc.column, rules.ErrUnknown, tc.msg}, got, errorsEqual); diff != "" {
					t.Errorf("Step.Error mismatch (-want +got):\n%s", diff)
				}
				if !errors.Is(e, rules.ErrUnknown) || errors.Is(e, rules.ErrEval) {
					t.Errorf("Step.Error %v: want errors.Is ErrUnknown and not ErrEval", e)
				}
			}
		})
	}
}

// TestKnownDatesStillWork: the same rules decide as before on known dates,
// and an unknown date that is not needed (short-circuited) is no problem.
func TestKnownDatesStillWork(t *testing.T) {
	f := sampleFacts() // born March 14, now March 10
	noBirthday := f
	noBirthday.Customer.Birthday = time.Time{}
	tests := []struct {
		name   string
		when   string
		facts  shopFacts
		status rules.Status
	}{
		{"birthday week", "isBirthday(customer.Birthday, now, 7)", f, rules.StatusApplied},
		{"not today", "!isBirthday(customer.Birthday, now, 0)", f, rules.StatusApplied},
		{"age", "yearsSince(customer.Birthday, now) == 35 && daysSince(customer.Birthday, now) > 0", f, rules.StatusApplied},
		{"not needed", "customer.Orders > 100 && isBirthday(customer.Birthday, now, 7)", noBirthday, rules.StatusFalse},
		{"not needed either", "customer.Orders > 0 || isBirthday(customer.Birthday, now, 7)", noBirthday, rules.StatusApplied},
	}
	for _, tc := range tests {
		o, err := mustCompile(t, rules.Rule{ID: "r", Kind: rules.Accrual, When: tc.when, Value: "1"}).Eval(tc.facts)
		if err != nil || o.Trace[0].Status != tc.status || o.Trace[0].Error != nil {
			t.Errorf("%s: Eval(%s) = %v, %v; want %v", tc.name, tc.when, o.Trace, err, tc.status)
		}
	}
}

// A condition reports an unknown value as an error wrapping ErrUnknown, so
// a caller can tell "unknown" from "no" and from a broken condition.
func TestConditionUnknown(t *testing.T) {
	c, err := rules.CompileCondition[shopFacts]("bday", "isBirthday(customer.Birthday, now, 7)")
	if err != nil {
		t.Fatal(err)
	}
	f := sampleFacts()
	f.Customer.Birthday = time.Time{}
	ok, err := c.Match(rules.Prepare(f))
	if ok || !errors.Is(err, rules.ErrUnknown) {
		t.Errorf("Match with no birthday = %v, %v; want false, ErrUnknown", ok, err)
	}
}

func TestIsBirthdayUnknown(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC) // January 1 is year 1's birthday
	birth := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		birth, now time.Time
		within     int
	}{
		{"zero birthday, today", time.Time{}, now, 0},
		{"zero birthday, a week", time.Time{}, now, 7},
		{"zero birthday, a year", time.Time{}, now, 366},
		{"zero now", birth, time.Time{}, 366},
	}
	for _, tc := range tests {
		if rules.IsBirthday(tc.birth, tc.now, tc.within) {
			t.Errorf("%s: IsBirthday(%v, %v, %d) = true, want false for an unknown date", tc.name, tc.birth, tc.now, tc.within)
		}
	}
	if !rules.IsBirthday(birth, now, 0) {
		t.Errorf("IsBirthday(%v, %v, 0) = false, want true", birth, now)
	}
}
