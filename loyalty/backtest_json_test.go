package loyalty_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"pgregory.net/rapid"
)

// jsonRoundTrip writes r as JSON and reads it back.
func jsonRoundTrip(t interface{ Fatalf(string, ...any) }, r *loyalty.BacktestReport) *loyalty.BacktestReport {
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("json.Marshal(report): %v", err)
	}
	var back loyalty.BacktestReport
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("json.Unmarshal(report): %v\n%s", err, b)
	}
	return &back
}

// checkBacktestReportJSON: a report read back from its JSON equals the
// one written, its fingerprint included (it writes the same bytes and
// merges with the other shards as the original does).
func checkBacktestReportJSON(t *rapid.T) {
	cfg := btConfig(t, btStart)
	log := btLog(t, btStart, 40)
	if _, err := loyalty.Backtest(cfg, slices.Values(log)); err != nil {
		t.Skip("a log the backtest refuses")
	}
	cfg.Shard = loyalty.Shard{Index: 0, Count: 2}
	r0, err := loyalty.Backtest(cfg, slices.Values(log))
	if err != nil {
		t.Fatal(err)
	}
	back := jsonRoundTrip(t, r0)
	if diff := cmp.Diff(r0, back, cmp.AllowUnexported(loyalty.BacktestReport{})); diff != "" {
		t.Fatalf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
	b1, _ := json.Marshal(r0)
	b2, _ := json.Marshal(back)
	if string(b1) != string(b2) {
		t.Fatalf("the report read back writes other bytes:\n%s\n%s", b1, b2)
	}
	cfg.Shard.Index = 1
	r1, err := loyalty.Backtest(cfg, slices.Values(log))
	if err != nil {
		t.Fatal(err)
	}
	want, err := loyalty.MergeBacktests(r0, r1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := loyalty.MergeBacktests(back, jsonRoundTrip(t, r1))
	if err != nil {
		t.Fatalf("MergeBacktests of reports read back from JSON: %v", err)
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(loyalty.BacktestReport{})); diff != "" {
		t.Fatalf("merged from JSON mismatch (-want +got):\n%s", diff)
	}
}

func TestBacktestReportJSON(t *testing.T) { rapid.Check(t, checkBacktestReportJSON) }
func FuzzBacktestReportJSON(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkBacktestReportJSON)) }

// TestBacktestReportJSONRefuses: JSON that is not a report, or a report
// without its fingerprint, is refused.
func TestBacktestReportJSONRefuses(t *testing.T) {
	tests := []struct {
		name, in, says string
		invalid        bool
	}{
		{name: "no fingerprint", in: `{"Customers":3}`, says: "field Backtest", invalid: true},
		{name: "a bad decimal", in: `{"Backtest":"ab","NetGain":"x1"}`, says: "reading a backtest report"},
		{name: "not an object", in: `[1]`, says: "reading a backtest report"},
		{name: "an exponent bomb", in: `{"Backtest":"ab","A":{"Earned":"1e9999"}}`, says: "report.A.Earned", invalid: true},
		{name: "a tiny exponent", in: `{"Backtest":"ab","Changes":[{"Customer":"c","Gain":"1e-100"}]}`, says: "report.Changes[0].Gain", invalid: true},
		{name: "in a cohort", in: `{"Backtest":"ab","B":{"Development":{"Cohorts":[{"Earned":"1e61"}]}}}`, says: "report.B.Development.Cohorts[0].Earned", invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r loyalty.BacktestReport
			err := json.Unmarshal([]byte(tt.in), &r)
			if err == nil || !strings.Contains(err.Error(), tt.says) || tt.invalid != errors.Is(err, loyalty.ErrInvalidInput) {
				t.Fatalf("json.Unmarshal(%s) = %v; want an error saying %q", tt.in, err, tt.says)
			}
		})
	}
}

// FuzzBacktestReportBytes: a report read from any bytes (a file, another
// process) is refused or merges without panicking, however its parts
// disagree with one another.
func FuzzBacktestReportBytes(f *testing.F) {
	a, b := benchProgrammes()
	cfg := loyalty.BacktestConfig{A: a, B: b, End: btStart.AddDate(1, 0, 0), Dates: []time.Time{btStart.AddDate(0, 6, 0)},
		Redemptions: loyalty.RedeemAsRecorded, Cohorts: true}
	log := []loyalty.Recorded{{Kind: loyalty.OpPurchase, At: btStart, Customer: loyalty.Customer{ID: "c1"},
		Order: loyalty.Order{ID: "o1", Total: d("120")}}}
	r, err := loyalty.Backtest(cfg, slices.Values(log))
	if err != nil {
		f.Fatal(err)
	}
	seed, err := json.Marshal(r)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"Backtest":"x","Transitions":[[[1]]],"A":{"TierCounts":[[1,2]]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r loyalty.BacktestReport
		if err := json.Unmarshal(b, &r); err != nil {
			return
		}
		o := r
		o.Changes = nil
		_, _ = loyalty.MergeCustomerBacktests(&r, &o)
		s := r
		s.ShardCount, s.Shards = 2, []int{0}
		t2 := s
		t2.Shards = []int{1}
		_, _ = loyalty.MergeBacktests(&s, &t2)
	})
}
