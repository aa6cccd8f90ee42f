package metrics

import (
	"testing"
	"time"
	"unsafe"

	"github.com/shopspring/decimal"
)

// A history is 32 bytes and a holdout 16, and a summarizer of a config
// without a holdout period keeps no holdouts: 32 bytes a customer
// besides the id (Summary/master's config), 48 with a holdout period.
func TestHistorySize(t *testing.T) {
	if got := unsafe.Sizeof(history{}); got != 32 {
		t.Errorf("history is %d bytes, want 32", got)
	}
	if got := unsafe.Sizeof(holdout{}); got != 16 {
		t.Errorf("holdout is %d bytes, want 16", got)
	}
	calEnd := time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		obsEnd time.Time
		holds  int
	}{
		{"no ObservationEnd", time.Time{}, 0},
		{"ObservationEnd = CalibrationEnd", calEnd, 0},
		{"holdout period", calEnd.AddDate(0, 0, 1), 2},
	} {
		s, err := NewSummarizer(SummaryConfig{CalibrationEnd: calEnd, ObservationEnd: tc.obsEnd, Unit: Weeks})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"a", "b"} {
			if err := s.Add(Purchase{Customer: id, At: calEnd, Amount: decimal.New(1177, -2)}); err != nil {
				t.Fatal(err)
			}
		}
		if s.hold.n != tc.holds {
			t.Errorf("%s: %d holdouts for 2 customers, want %d", tc.name, s.hold.n, tc.holds)
		}
	}
}
