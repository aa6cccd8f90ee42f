package segment_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
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
