package loyalty_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"pgregory.net/rapid"
)

// byCustomer splits a log into each customer's operations, in the log's
// order, customers in order of first appearance.
func byCustomer(log []loyalty.Recorded) [][]loyalty.Recorded {
	index := map[string]int{}
	var out [][]loyalty.Recorded
	for _, r := range log {
		i, ok := index[r.Customer.ID]
		if !ok {
			i = len(out)
			index[r.Customer.ID] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

// checkMergeCustomerBacktests: one Backtest per customer, each report
// sent through JSON (as between a distributed engine's workers), merged
// in a random order and tree shape, is the report of one Backtest over
// the whole log — fingerprint included.
func checkMergeCustomerBacktests(t *rapid.T) {
	cfg := btConfig(t, btStart)
	log := btLog(t, btStart, 40)
	single, err := loyalty.Backtest(cfg, slices.Values(log))
	if err != nil {
		t.Skip("a log the backtest refuses (checkBacktestOneByOne checks those)")
	}
	var parts []*loyalty.BacktestReport
	for _, ops := range byCustomer(log) {
		r, err := loyalty.Backtest(cfg, slices.Values(ops))
		if err != nil {
			t.Fatalf("customer %s alone: %v (the whole log passes)", ops[0].Customer.ID, err)
		}
		parts = append(parts, jsonRoundTrip(t, r))
	}
	parts = rapid.Permutation(parts).Draw(t, "order")
	for len(parts) > 1 {
		i := rapid.IntRange(0, len(parts)-2).Draw(t, "merge at")
		k := rapid.IntRange(2, len(parts)-i).Draw(t, "merge how many")
		m, err := loyalty.MergeCustomerBacktests(parts[i : i+k]...)
		if err != nil {
			t.Fatal(err)
		}
		parts = slices.Replace(parts, i, i+k, jsonRoundTrip(t, m))
	}
	if diff := cmp.Diff(single, parts[0], reportOpts); diff != "" {
		t.Fatalf("MergeCustomerBacktests(per customer) mismatch with the single pass (-want +got):\n%s", diff)
	}
	want, _ := json.Marshal(single)
	got, _ := json.Marshal(parts[0])
	if string(want) != string(got) {
		t.Fatalf("the merged report's JSON differs from the single pass's:\n%s\n%s", want, got)
	}
}

func TestMergeCustomerBacktests(t *testing.T) { rapid.Check(t, checkMergeCustomerBacktests) }
func FuzzMergeCustomerBacktests(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkMergeCustomerBacktests)) }

// TestMergeCustomerBacktestsRefuses: reports of other backtests, changed
// reports and a customer in two reports are refused; shards are kept.
func TestMergeCustomerBacktestsRefuses(t *testing.T) {
	run := func(c loyalty.BacktestConfig, log []loyalty.Recorded) *loyalty.BacktestReport {
		r, err := loyalty.Backtest(c, slices.Values(log))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	whole := run(shopBacktest(), shopLog())
	if len(whole.Changes) == 0 {
		t.Fatal("the shop's log changes no customer: the test needs one")
	}
	other := shopBacktest()
	other.Breakage = d("0.3")
	sharded := shopBacktest()
	sharded.Shard = loyalty.Shard{Index: 1, Count: 2}
	changed := run(shopBacktest(), shopLog())
	changed.A.Liability = changed.A.Liability[:1]
	tests := []struct {
		name    string
		reason  string
		reports []*loyalty.BacktestReport
		says    string
	}{
		{"none", "nothing to merge", nil, "no report"},
		{"nil", "a nil report", []*loyalty.BacktestReport{whole, nil}, "reports[1] is nil"},
		{"another backtest", "another breakage", []*loyalty.BacktestReport{whole, run(other, shopLog())}, "another backtest"},
		{"another shard count", "a shard and a whole", []*loyalty.BacktestReport{whole, run(sharded, shopLog())}, "another backtest"},
		{"changed", "a report cut short", []*loyalty.BacktestReport{whole, changed}, "was changed"},
		{"a customer twice", "the same customers in both", []*loyalty.BacktestReport{whole, whole}, "is in two reports"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := loyalty.MergeCustomerBacktests(tt.reports...)
			if err == nil || r != nil || !errors.Is(err, loyalty.ErrInvalidInput) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("MergeCustomerBacktests (%s) = %v, %v; want ErrInvalidInput saying %q", tt.reason, r, err, tt.says)
			}
		})
	}
	one, err := loyalty.MergeCustomerBacktests(whole)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(whole, one, cmp.AllowUnexported(loyalty.BacktestReport{})); diff != "" {
		t.Errorf("MergeCustomerBacktests(one report) mismatch (-want +got):\n%s", diff)
	}
	// Per customer within a shard: the shard is named once.
	var parts []*loyalty.BacktestReport
	for _, ops := range byCustomer(shopLog()) {
		parts = append(parts, run(sharded, ops))
	}
	got, err := loyalty.MergeCustomerBacktests(parts...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(run(sharded, shopLog()), got, cmp.AllowUnexported(loyalty.BacktestReport{}), reportOpts[1]); diff != "" {
		t.Errorf("MergeCustomerBacktests(a shard's customers) mismatch (-want +got):\n%s", diff)
	}
}
