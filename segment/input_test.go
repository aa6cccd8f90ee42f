package segment_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

// The InputErrors of metrics and segment, written once in an internal
// package, keep their public contract: errors.As with each package's
// *InputError finds its own package's errors (and only those), with the
// fields, text and sentinel they always had.
func TestInputErrorContract(t *testing.T) {
	_, mErr := metrics.CRR(0, 10, 2)
	_, sErr := segment.NewProfileBuilder(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 0, nil)
	type view struct {
		Func, Field, Message, Text string
		IsMetrics, IsSegment       bool // errors.Is with each package's ErrInput
		AsMetrics, AsSegment       bool // errors.As with each package's *InputError
	}
	look := func(err error) view {
		var me *metrics.InputError
		var se *segment.InputError
		v := view{Text: err.Error(), IsMetrics: errors.Is(err, metrics.ErrInput), IsSegment: errors.Is(err, segment.ErrInput),
			AsMetrics: errors.As(err, &me), AsSegment: errors.As(err, &se)}
		switch {
		case me != nil:
			v.Func, v.Field, v.Message = me.Func, me.Field, me.Message
		case se != nil:
			v.Func, v.Field, v.Message = se.Func, se.Field, se.Message
		}
		return v
	}
	tests := []struct {
		name string
		err  error
		want view
	}{
		{"metrics", mErr, view{Func: "CRR", Field: "start", Message: "is 0: retention needs customers at the start",
			Text: "metrics: CRR: start is 0: retention needs customers at the start", IsMetrics: true, AsMetrics: true}},
		{"segment", sErr, view{Func: "NewProfileBuilder", Field: "periodDays", Message: "must be positive, got 0",
			Text: "segment: NewProfileBuilder: periodDays must be positive, got 0", IsSegment: true, AsSegment: true}},
		// A host may build them as before.
		{"metrics literal", &metrics.InputError{Func: "F", Field: "x", Message: "is bad"}, view{Func: "F", Field: "x", Message: "is bad",
			Text: "metrics: F: x is bad", IsMetrics: true, AsMetrics: true}},
		{"segment literal", &segment.InputError{Func: "G", Field: "y", Message: "is bad"}, view{Func: "G", Field: "y", Message: "is bad",
			Text: "segment: G: y is bad", IsSegment: true, AsSegment: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tc.want, look(tc.err)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// ProfileBuilder.Add refuses what the metrics readers of a purchase log
// refuse (one check serves them all): an empty customer, a negative
// amount, and a zero time, which it used to count as a purchase on
// 1 January of year 1. A refused purchase changes no profile.
func TestProfileBuilderRefuses(t *testing.T) {
	asOf := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	ok := metrics.Purchase{Customer: "ann", At: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(30)}
	tests := []struct {
		name  string
		p     metrics.Purchase
		field string
	}{
		{"empty customer", metrics.Purchase{At: ok.At, Amount: ok.Amount}, "Customer"},
		{"negative amount", metrics.Purchase{Customer: "ann", At: ok.At, Amount: decimal.NewFromInt(-1)}, "Amount"},
		{"zero time", metrics.Purchase{Customer: "ann", Amount: ok.Amount}, "At"},
		{"zero time of a new customer", metrics.Purchase{Customer: "bob", Amount: ok.Amount}, "At"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := segment.NewProfileBuilder(asOf, 30, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Add(ok); err != nil {
				t.Fatal(err)
			}
			before := b.Profiles()
			err = b.Add(tc.p)
			var ie *segment.InputError
			if !errors.As(err, &ie) || ie.Func != "ProfileBuilder.Add" || ie.Field != tc.field || !errors.Is(err, segment.ErrInput) {
				t.Errorf("Add(%+v) = %v, want a segment.InputError about ProfileBuilder.Add's %s", tc.p, err, tc.field)
			}
			if diff := cmp.Diff(before, b.Profiles()); diff != "" {
				t.Errorf("a refused purchase changed the profiles (-before +after):\n%s", diff)
			}
		})
	}
}
