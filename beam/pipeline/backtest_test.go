package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// reportOpts compare reports as the library's tests do: decimals by value
// (go-cmp uses decimal.Decimal's Equal), nil and empty alike; the
// fingerprint is compared through the JSON bytes (sameJSON).
var reportOpts = cmp.Options{cmpopts.IgnoreUnexported(loyalty.BacktestReport{}), cmpopts.EquateEmpty()}

// sameJSON: the reports write the same JSON, fingerprint included
// (decimals are written by value, so the bytes compare values exactly).
func sameJSON(t interface{ Fatalf(string, ...any) }, want, got *loyalty.BacktestReport) {
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("%v", err)
	}
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("%v", err)
	}
	if !bytes.Equal(w, g) {
		t.Fatalf("the reports' JSON differ:\nwant %s\ngot  %s", w, g)
	}
}

// TestSyntheticLogIsRealistic: the test log has what a backtest must
// handle, and the programmes differ on it.
func TestSyntheticLogIsRealistic(t *testing.T) {
	log := SyntheticRecorded(3000, 1)
	r, err := loyalty.Backtest(SyntheticBacktest(), slices.Values(log))
	if err != nil {
		t.Fatal(err)
	}
	ops := r.Ops
	if ops.Purchases == 0 || ops.Refunds == 0 || ops.Events == 0 || ops.Redemptions == 0 || ops.Duplicates == 0 {
		t.Errorf("the synthetic log lacks a kind of operation: %+v", ops)
	}
	last := len(r.Dates) - 1
	if r.A.TierCounts[last][2] == r.B.TierCounts[last][2] || len(r.Changes) == 0 || r.Gainers == 0 {
		t.Errorf("the programmes do not differ: gold %d vs %d, %d changes", r.A.TierCounts[last][2], r.B.TierCounts[last][2], len(r.Changes))
	}
	if r.A.Expired.IsZero() || r.A.Redemptions.Made == 0 || len(r.A.Gifts) == 0 || r.B.Discount.IsZero() {
		t.Errorf("the synthetic log exercises too little: %+v", r.A)
	}
	t.Logf("%d operations, %d customers: %+v; %d changes", len(log), r.Customers, r.Ops, len(r.Changes))
}

// TestBacktestPipelineMatchesLibrary runs the backtest pipeline under
// prism on a synthetic log (shuffled, split over five files) and compares
// its report with loyalty.Backtest over the log in memory: equal, every
// decimal by value, the fingerprint included.
func TestBacktestPipelineMatchesLibrary(t *testing.T) {
	log := SyntheticRecorded(4000, 2)
	cfg := SyntheticBacktest()
	want, err := loyalty.Backtest(cfg, slices.Values(log))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteRecorded(filepath.Join(dir, "in"), log, 5, 7); err != nil {
		t.Fatal(err)
	}
	settings, err := NewBacktestSettings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := BacktestOutputs{Report: filepath.Join(dir, "report.json"), Summary: filepath.Join(dir, "summary.txt"), Top: 5}
	p, s := beam.NewPipelineWithRoot()
	if err := BuildBacktest(s, filepath.Join(dir, "in", "*.jsonl"), settings, out); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out.Report)
	if err != nil {
		t.Fatal(err)
	}
	var got loyalty.BacktestReport
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, &got, reportOpts); diff != "" {
		t.Fatalf("pipeline report mismatch with loyalty.Backtest (-want +got):\n%s", diff)
	}
	sameJSON(t, want, &got)
	summary, err := os.ReadFile(out.Summary)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Summary(want, 5), string(summary)); diff != "" {
		t.Errorf("summary.txt mismatch with Summary(loyalty.Backtest) (-want +got):\n%s", diff)
	}
}

// TestBadRecordedLineFailsThePipeline: a malformed line stops the
// pipeline with an error naming the file and the field.
func TestBadRecordedLineFailsThePipeline(t *testing.T) {
	dir := t.TempDir()
	good := `{"kind":"purchase","at":"2025-01-02T10:00:00Z","customer":{"id":"c1"},"order":{"id":"o1","total":"12.50"}}`
	bad := `{"kind":"purchase","at":"2025-01-03T10:00:00Z","customer":{"id":"c2"},"order":{"id":"o2","totl":"3"}}`
	if err := os.WriteFile(filepath.Join(dir, "good.jsonl"), []byte(good+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.jsonl"), []byte(good+"\n"+bad+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := RunBacktest(context.Background(), "prism", filepath.Join(dir, "*.jsonl"), SyntheticBacktest(),
		BacktestOutputs{Report: filepath.Join(dir, "report.json")})
	if err == nil || !strings.Contains(err.Error(), "bad.jsonl") || !strings.Contains(err.Error(), `field order: json: unknown field "totl"`) {
		t.Fatalf("error %v, want one naming bad.jsonl and the field order's unknown totl", err)
	}
}

// TestParseRecorded covers a good line and the refusals, each naming its
// field.
func TestParseRecorded(t *testing.T) {
	tests := []struct {
		name, reason, line string
		skip               bool
		wantErr            string
	}{
		{name: "purchase", reason: "a good line", line: `{"kind":"purchase","at":"2025-01-02T10:00:00+01:00","customer":{"id":"c1"},"order":{"id":"o1","total":"12.50"}}`},
		{name: "blank", reason: "skipped", line: "  ", skip: true},
		{name: "not json", reason: "a CSV line", line: "c1,2025-01-02,1", wantErr: "not a JSON object"},
		{name: "kind", reason: "an unknown kind", line: `{"kind":"buy","at":"2025-01-02T10:00:00Z","customer":{"id":"c1"}}`, wantErr: "field kind"},
		{name: "kind a backtest skips", reason: "expire is not replayed", line: `{"kind":"expire","at":"2025-01-02T10:00:00Z","customer":{"id":"c1"}}`, wantErr: "field kind"},
		{name: "at", reason: "not RFC 3339", line: `{"kind":"event","at":"yesterday","customer":{"id":"c1"},"event":{"id":"e","kind":"review"}}`, wantErr: "field at"},
		{name: "no at", reason: "missing", line: `{"kind":"event","customer":{"id":"c1"},"event":{"id":"e","kind":"review"}}`, wantErr: "field at is missing"},
		{name: "customer", reason: "no id", line: `{"kind":"event","at":"2025-01-02T10:00:00Z","customer":{},"event":{"id":"e","kind":"review"}}`, wantErr: "field customer.id"},
		{name: "decimal", reason: "points not a number", line: `{"kind":"redeem","at":"2025-01-02T10:00:00Z","customer":{"id":"c1"},"redemption":{"id":"x","points":"many"}}`, wantErr: "field redemption"},
		{name: "type", reason: "a number for a string", line: `{"kind":"event","at":"2025-01-02T10:00:00Z","customer":{"id":7}}`, wantErr: "field customer.id"},
		{name: "unknown", reason: "a misspelt field", line: `{"kind":"event","at":"2025-01-02T10:00:00Z","customer":{"id":"c1"},"evnt":{}}`, wantErr: "field evnt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, ok, err := ParseRecorded(tc.line)
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseRecorded (%s) = %v; want an error saying %q", tc.reason, err, tc.wantErr)
				}
			case err != nil || ok == tc.skip:
				t.Fatalf("ParseRecorded (%s) = %v, %v", tc.reason, ok, err)
			case ok && (r.Customer.ID != "c1" || !r.Order.Total.Equal(decimal.RequireFromString("12.5")) || !r.At.Equal(time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC))):
				t.Fatalf("ParseRecorded (%s) = %+v", tc.reason, r)
			}
		})
	}
}

// TestSortOps: at one instant, a redemption comes before the purchase it
// pays for, a refund after the purchase it refunds, a reversal after the
// event it reverses, whatever the order they arrive in; equal lines are
// interchangeable.
func TestSortOps(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	c := loyalty.Customer{ID: "c"}
	want := []loyalty.Recorded{
		{Kind: loyalty.OpPurchase, At: at.Add(-time.Hour), Customer: c, Order: loyalty.Order{ID: "o0", Total: decimal.NewFromInt(50)}},
		{Kind: loyalty.OpRedeem, At: at, Customer: c, Redemption: loyalty.Redemption{ID: "x1", Points: decimal.NewFromInt(10), OrderTotal: decimal.NewFromInt(40)}},
		{Kind: loyalty.OpPurchase, At: at, Customer: c, Order: loyalty.Order{ID: "o1", Total: decimal.NewFromInt(40), Redemption: "x1"}},
		{Kind: loyalty.OpPurchase, At: at, Customer: c, Order: loyalty.Order{ID: "o2", Total: decimal.NewFromInt(10)}},
		{Kind: loyalty.OpRefund, At: at, Customer: c, Refund: loyalty.Refund{ID: "r1", Order: "o1", Amount: decimal.NewFromInt(5)}},
		{Kind: loyalty.OpEvent, At: at, Customer: c, Event: loyalty.Event{ID: "e1", Kind: "review"}},
		{Kind: loyalty.OpEvent, At: at, Customer: c, Event: loyalty.Event{ID: "e1", Kind: "review"}},
		{Kind: loyalty.OpReverse, At: at, Customer: c, Reversal: loyalty.Reversal{ID: "v1", Event: "e1"}},
	}
	rapid.Check(t, func(t *rapid.T) {
		var ops []Op
		for _, r := range rapid.Permutation(want).Draw(t, "arrival") {
			b, _ := json.Marshal(r)
			ops = append(ops, Op{Recorded: r, Line: string(b)})
		}
		SortOps(ops)
		var got []loyalty.Recorded
		for _, o := range ops {
			got = append(got, o.Recorded)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("SortOps mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestReportsMergeTreeProperty: the combiner, fed per-customer reports
// in a random order, split into random parts that cross the accumulator's
// coder and merged in a random tree shape, gives one loyalty.Backtest of
// the whole log.
func TestReportsMergeTreeProperty(t *testing.T) {
	log := SyntheticRecorded(600, 3)
	cfg := SyntheticBacktest()
	cfg.Dates = []time.Time{cfg.Dates[5], cfg.Dates[11], cfg.Dates[17]} // three dates: a smaller report, a quicker property
	want, err := loyalty.Backtest(cfg, slices.Values(log))
	if err != nil {
		t.Fatal(err)
	}
	settings, err := NewBacktestSettings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fn := &CustomerBacktestFn{settings}
	byCustomer := map[string][]string{}
	for _, r := range log {
		b, _ := json.Marshal(r)
		byCustomer[r.Customer.ID] = append(byCustomer[r.Customer.ID], string(b))
	}
	var reports []*loyalty.BacktestReport
	for _, id := range sortedKeys(byCustomer) {
		err := fn.ProcessElement(id, values(byCustomer[id]), func(r *loyalty.BacktestReport) { reports = append(reports, r) })
		if err != nil {
			t.Fatal(err)
		}
	}
	defer func(b int) { reportBatch = b }(reportBatch)
	reportBatch = 2 // 30 customers fill levels 0 to 3
	m := MergeReportsFn{}
	rapid.Check(t, func(t *rapid.T) {
		acc := combine(t, m.CreateAccumulator,
			func(a *Reports, r *loyalty.BacktestReport) *Reports { return must(m.AddInput(a, r)) },
			func(a, b *Reports) *Reports { return must(m.MergeAccumulators(a, b)) },
			rapid.Permutation(reports).Draw(t, "order"))
		got, err := m.ExtractOutput(acc)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, reportOpts); diff != "" {
			t.Fatalf("merged reports mismatch with loyalty.Backtest (-want +got):\n%s", diff)
		}
		sameJSON(t, want, got)
	})
	if _, err := m.ExtractOutput(m.CreateAccumulator()); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("ExtractOutput(no report) = %v, want the empty log's error", err)
	}
}

// values is the func(*string) bool Beam hands a DoFn after a
// GroupByKey.
func values(vs []string) func(*string) bool {
	return func(p *string) bool {
		if len(vs) == 0 {
			return false
		}
		*p, vs = vs[0], vs[1:]
		return true
	}
}

// unregisteredReport is a BacktestReport under another name: a type
// without an explicit coder, which Beam encodes with its default.
type unregisteredReport loyalty.BacktestReport

// TestDefaultCoderDropsReport: Beam's default coder loses a report's
// decimals and fingerprint with no error; the registered coder keeps
// them.
func TestDefaultCoderDropsReport(t *testing.T) {
	want, err := loyalty.Backtest(SyntheticBacktest(), slices.Values(SyntheticRecorded(400, 4)))
	if err != nil {
		t.Fatal(err)
	}
	lost := func() (back *unregisteredReport, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("the default coder panicked: %v", p)
			}
		}()
		typ := reflect.TypeOf((*unregisteredReport)(nil))
		var buf bytes.Buffer
		if err := beam.NewElementEncoder(typ).Encode((*unregisteredReport)(want), &buf); err != nil {
			return nil, err
		}
		v, err := beam.NewElementDecoder(typ).Decode(&buf)
		if err != nil {
			return nil, err
		}
		return v.(*unregisteredReport), nil
	}
	back, err := lost()
	if err != nil {
		t.Logf("Beam's default coder refuses the report: %v", err)
	} else {
		if back.Customers != want.Customers {
			t.Fatalf("the default coder lost the exported counts too: %d customers, want %d", back.Customers, want.Customers)
		}
		if back.A.Earned.Equal(want.A.Earned) {
			t.Fatalf("Beam's default coder kept the decimal (%s): the explicit coder may no longer be needed", back.A.Earned)
		}
		if !back.A.Earned.IsZero() {
			t.Fatalf("the default coder turned %s into %s", want.A.Earned, back.A.Earned)
		}
		if _, err := loyalty.MergeCustomerBacktests((*loyalty.BacktestReport)(back), want); err == nil {
			t.Fatalf("a report through the default coder still merges: it kept the fingerprint")
		}
	}
	got := roundTrip(t, want)
	if diff := cmp.Diff(want, got, reportOpts); diff != "" {
		t.Fatalf("the report's coder round trip mismatch (-want +got):\n%s", diff)
	}
	sameJSON(t, want, got)
	acc := &Reports{Pending: []*loyalty.BacktestReport{want}, Levels: []*loyalty.BacktestReport{nil, want}}
	gotAcc := roundTrip(t, acc)
	if len(gotAcc.Pending) != 1 || len(gotAcc.Levels) != 2 || gotAcc.Levels[0] != nil {
		t.Fatalf("the accumulator's coder changed its shape: %d pending, levels %v", len(gotAcc.Pending), gotAcc.Levels)
	}
	sameJSON(t, want, gotAcc.Pending[0])
	sameJSON(t, want, gotAcc.Levels[1])
	for _, bad := range []string{"", "{", `{"Pending":[null]}`, `{"Pending":[{"Customers":1}]}`} {
		if _, err := decodeReports([]byte(bad)); err == nil {
			t.Errorf("decodeReports(%q) accepted", bad)
		}
	}
}

// BenchmarkBacktestPipeline runs the backtest pipeline under prism on a
// synthetic log of 100,000 operations (LOYALKIT_BEAM_N sets another
// number), and loyalty.Backtest in this process on the same log.
func BenchmarkBacktestPipeline(b *testing.B) {
	n := benchSize(b, 100_000)
	log := SyntheticRecorded(n, 5)
	cfg := SyntheticBacktest()
	dir := b.TempDir()
	if err := WriteRecorded(filepath.Join(dir, "in"), log, 4, 1); err != nil {
		b.Fatal(err)
	}
	b.Run("prism", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out := filepath.Join(b.TempDir(), "report.json")
			if err := RunBacktest(context.Background(), "prism", filepath.Join(dir, "in", "*.jsonl"), cfg, BacktestOutputs{Report: out}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(log)), "ns/op-recorded")
	})
	b.Run("inprocess", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := loyalty.Backtest(cfg, slices.Values(log)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(log)), "ns/op-recorded")
	})
}
