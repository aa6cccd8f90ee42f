package pipeline

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/loyalkit/loyalkit/loyalty"
)

func init() {
	register.DoFn3x1[string, string, func(string, string), error](&RecordedParseFn{})
	register.Emitter2[string, string]()
	register.DoFn3x1[string, func(*string) bool, func(*loyalty.BacktestReport), error](&CustomerBacktestFn{})
	register.Iter1[string]()
	register.Emitter1[*loyalty.BacktestReport]()
	register.Combiner3[*Reports, *loyalty.BacktestReport, *loyalty.BacktestReport](&MergeReportsFn{})
	register.DoFn2x1[*loyalty.BacktestReport, func(string), error](&ReportJSONFn{})
	register.DoFn2x0[*loyalty.BacktestReport, func(string)](&ReportSummaryFn{})
	// A report holds decimals and an unexported fingerprint: Beam's
	// default coder would drop both (TestDefaultCoderDropsReport). The
	// reports cross workers as the library's JSON, fingerprint included.
	beam.RegisterCoder(reflect.TypeOf((*loyalty.BacktestReport)(nil)), encodeReport, decodeReport)
	beam.RegisterCoder(reflect.TypeOf((*Reports)(nil)), encodeReports, decodeReports)
}

// RecordedParseFn reads one line of a recorded-operations log: one
// loyalty.Recorded as JSON (the library's field names: kind, at,
// customer, order, refund, event, redemption). It checks the line and
// emits (customer id, line); blank lines are skipped. A bad line fails
// the pipeline with an error that names the file and the field.
//
// The line itself, not the parsed operation, goes through the shuffle: a
// string needs no coder, and [CustomerBacktestFn] orders equal instants by
// it last.
type RecordedParseFn struct{}

// ProcessElement checks the line of file and emits (customer, line).
func (RecordedParseFn) ProcessElement(file, line string, emit func(string, string)) error {
	r, ok, err := ParseRecorded(line)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(file), err)
	}
	if ok {
		emit(r.Customer.ID, strings.TrimSpace(line))
	}
	return nil
}

// recordedFields are the fields of a line, read one by one so that an
// error names the field it is in.
var recordedFields = []string{"kind", "at", "customer", "order", "refund", "event", "redemption", "reversal"}

// ParseRecorded reads one line of a recorded-operations log (see
// [RecordedParseFn]); false for a blank line. Unknown fields are refused
// (a misspelt "ammount" would otherwise read as zero), and so are a
// missing kind, instant or customer id.
func ParseRecorded(line string) (loyalty.Recorded, bool, error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return loyalty.Recorded{}, false, nil
	}
	bad := func(format string, args ...any) (loyalty.Recorded, bool, error) {
		return loyalty.Recorded{}, false, fmt.Errorf("line %q: %s", shorten(line), fmt.Sprintf(format, args...))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &raw); err != nil {
		return bad("not a JSON object: %v", err)
	}
	var r loyalty.Recorded
	targets := []any{&r.Kind, &r.At, &r.Customer, &r.Order, &r.Refund, &r.Event, &r.Redemption, &r.Reversal}
	for i, name := range recordedFields {
		v, ok := raw[name]
		if !ok {
			continue
		}
		delete(raw, name)
		d := json.NewDecoder(bytes.NewReader(v))
		d.DisallowUnknownFields()
		if err := d.Decode(targets[i]); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				return bad("field %s.%s: %v", name, te.Field, err)
			}
			return bad("field %s: %v", name, err)
		}
	}
	if len(raw) > 0 {
		keys := make([]string, 0, len(raw))
		for k := range raw {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return bad("field %s is not a field of a recorded operation (%s)", keys[0], strings.Join(recordedFields, ", "))
	}
	switch {
	case r.Kind != loyalty.OpPurchase && r.Kind != loyalty.OpRefund && r.Kind != loyalty.OpEvent && r.Kind != loyalty.OpRedeem && r.Kind != loyalty.OpReverse:
		return bad("field kind %q: want purchase, refund, event, redeem or reverse", r.Kind)
	case r.At.IsZero():
		return bad("field at is missing (an RFC 3339 instant)")
	case r.Customer.ID == "":
		return bad("field customer.id is missing or empty")
	}
	return r, true, nil
}

// shorten cuts a line for an error message.
func shorten(s string) string {
	const most = 120
	if len(s) <= most {
		return s
	}
	return s[:most] + "…"
}

// kindRank is the order of operations of one customer at one instant:
// redemptions, then purchases, then refunds, then events, then reversals
// (of events).
func kindRank(k loyalty.OpKind) int {
	switch k {
	case loyalty.OpRedeem:
		return 0
	case loyalty.OpPurchase:
		return 1
	case loyalty.OpRefund:
		return 2
	case loyalty.OpEvent:
		return 3
	}
	return 4
}

// opID is the operation's own id (the order's, the refund's, …).
func opID(r *loyalty.Recorded) string {
	switch r.Kind {
	case loyalty.OpPurchase:
		return r.Order.ID
	case loyalty.OpRefund:
		return r.Refund.ID
	case loyalty.OpEvent:
		return r.Event.ID
	case loyalty.OpReverse:
		return r.Reversal.ID
	}
	return r.Redemption.ID
}

// Op is one recorded operation with the line it was read from.
type Op struct {
	Recorded loyalty.Recorded
	Line     string
}

// SortOps puts one customer's operations in the order a backtest replays
// them: by instant; at one instant, redemptions before purchases before
// refunds before events; then by operation id; then by the line's bytes.
//
// The order depends on the operations alone, never on where they were in
// the input: a file split, a shuffle or the order Beam hands the lines
// over cannot change the report. A log's position is no tie-break here,
// since the same log split into other files has other positions. The kind
// order keeps the two dependencies the ledger has between operations: a
// redemption that pays for an order is recorded with the order's instant
// and must be made before the purchase that names it (else the purchase
// is refused or paid in money), and a refund comes after the purchase it
// refunds. Identical lines (a host's retry, recorded twice) are
// interchangeable. A log whose equal instants are in another order (a
// stand-alone redemption just after a purchase, in the same second) is
// replayed in this one; a log with distinct instants per customer is
// replayed in time order, as loyalty.Backtest replays it.
func SortOps(ops []Op) {
	slices.SortFunc(ops, func(x, y Op) int {
		if c := x.Recorded.At.Compare(y.Recorded.At); c != 0 {
			return c
		}
		if c := cmp.Compare(kindRank(x.Recorded.Kind), kindRank(y.Recorded.Kind)); c != 0 {
			return c
		}
		if c := strings.Compare(opID(&x.Recorded), opID(&y.Recorded)); c != 0 {
			return c
		}
		return strings.Compare(x.Line, y.Line)
	})
}

// BacktestSettings are what the backtest DoFns share: the backtest's
// configuration as JSON (a BacktestConfig's Compile and Progress
// functions are not part of it, and Beam ships a DoFn's exported fields
// to the workers as JSON).
type BacktestSettings struct {
	Config string
	cfg    *loyalty.BacktestConfig
}

// config reads the configuration once per DoFn instance and compiles the
// programmes once: every customer's Backtest reuses them (a Program is
// immutable).
func (b *BacktestSettings) config() (*loyalty.BacktestConfig, error) {
	if b.cfg != nil {
		return b.cfg, nil
	}
	var cfg loyalty.BacktestConfig
	if err := json.Unmarshal([]byte(b.Config), &cfg); err != nil {
		return nil, fmt.Errorf("pipeline: the backtest's configuration: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	progs := map[int]*loyalty.Program{}
	for s, c := range []loyalty.Config{cfg.A, cfg.B} {
		p, err := loyalty.Compile(c)
		if err != nil {
			return nil, &loyalty.ProgrammeError{Side: string(rune('A' + s)), Err: err}
		}
		progs[s] = p
	}
	a, bb := cfg.A, cfg.B
	cfg.Compile = func(c loyalty.Config) (*loyalty.Program, error) {
		switch {
		case reflect.DeepEqual(c, a):
			return progs[0], nil
		case reflect.DeepEqual(c, bb):
			return progs[1], nil
		}
		return loyalty.Compile(c)
	}
	cfg.Workers, cfg.Progress = 0, nil // one customer a call, on the calling goroutine
	b.cfg = &cfg
	return b.cfg, nil
}

// NewBacktestSettings checks cfg (the configuration and both programmes)
// and returns it as the DoFns carry it. Workers, Grouped and Progress
// are the pipeline's business and ignored; Shard must be unset (Beam
// shards by customer).
func NewBacktestSettings(cfg loyalty.BacktestConfig) (BacktestSettings, error) {
	if cfg.Shard != (loyalty.Shard{}) {
		return BacktestSettings{}, fmt.Errorf("pipeline: the backtest's shard is %+v: leave it unset, the pipeline shards by customer", cfg.Shard)
	}
	cfg.Workers, cfg.Grouped, cfg.Progress, cfg.ProgressEvery, cfg.Compile = 0, false, nil, 0, nil
	b, err := json.Marshal(cfg)
	if err != nil {
		return BacktestSettings{}, fmt.Errorf("pipeline: the backtest's configuration: %w", err)
	}
	s := BacktestSettings{Config: string(b)}
	if _, err := s.config(); err != nil {
		return BacktestSettings{}, err
	}
	s.cfg = nil
	return s, nil
}

// CustomerBacktestFn runs loyalty.Backtest on one customer's operations
// alone, in [SortOps]' order, and emits the customer's report.
type CustomerBacktestFn struct{ BacktestSettings }

// ProcessElement backtests customer id.
func (f *CustomerBacktestFn) ProcessElement(id string, lines func(*string) bool, emit func(*loyalty.BacktestReport)) error {
	cfg, err := f.config()
	if err != nil {
		return err
	}
	var ops []Op
	var line string
	for lines(&line) {
		r, ok, err := ParseRecorded(line)
		if err != nil {
			return err
		}
		if ok {
			ops = append(ops, Op{Recorded: r, Line: line})
		}
	}
	r, err := BacktestCustomer(*cfg, ops)
	if err != nil {
		return fmt.Errorf("pipeline: customer %q (a line here is the customer's operation in time order): %w", id, err)
	}
	emit(r)
	return nil
}

// BacktestCustomer sorts one customer's operations ([SortOps]) and runs
// loyalty.Backtest on them.
func BacktestCustomer(cfg loyalty.BacktestConfig, ops []Op) (*loyalty.BacktestReport, error) {
	SortOps(ops)
	return loyalty.Backtest(cfg, func(yield func(loyalty.Recorded) bool) {
		for i := range ops {
			if !yield(ops[i].Recorded) {
				return
			}
		}
	})
}

// Reports is [MergeReportsFn]'s accumulator: customers' reports not
// merged yet (fewer than reportBatch), and merged ones by level, as the
// digits of a binary counter: Levels[i], when set, merges about
// reportBatch·2^i customers. A report is merged into a bigger one about
// log₂(customers) times, so merging n customers costs O(n log n), not the
// O(n²) of merging each into one growing report, and the accumulator
// holds at most reportBatch small reports and one report a level.
type Reports struct {
	Pending []*loyalty.BacktestReport
	Levels  []*loyalty.BacktestReport
}

// reportBatch is a variable for the tests, which make it small.
var reportBatch = 256

func (a *Reports) add(r *loyalty.BacktestReport) error {
	a.Pending = append(a.Pending, r)
	if len(a.Pending) < reportBatch {
		return nil
	}
	m, err := loyalty.MergeCustomerBacktests(a.Pending...)
	if err != nil {
		return err
	}
	a.Pending = nil
	return a.carry(m, 0)
}

// carry puts m at level i, merging it with the levels it meets.
func (a *Reports) carry(m *loyalty.BacktestReport, i int) error {
	for ; i < len(a.Levels) && a.Levels[i] != nil; i++ {
		var err error
		if m, err = loyalty.MergeCustomerBacktests(a.Levels[i], m); err != nil {
			return err
		}
		a.Levels[i] = nil
	}
	for len(a.Levels) <= i {
		a.Levels = append(a.Levels, nil)
	}
	a.Levels[i] = m
	return nil
}

// MergeReportsFn merges the customers' reports into the report of them
// all with loyalty.MergeCustomerBacktests: in any order and any merge tree
// shape, the report one loyalty.Backtest over the whole log gives.
// (loyalty.MergeBacktests merges shards; it refuses reports that each
// cover every customer of their own log, as a per-customer report does.)
type MergeReportsFn struct{}

// CreateAccumulator is no report.
func (MergeReportsFn) CreateAccumulator() *Reports { return &Reports{} }

// AddInput adds one customer's report.
func (MergeReportsFn) AddInput(a *Reports, r *loyalty.BacktestReport) (*Reports, error) {
	return a, a.add(r)
}

// MergeAccumulators merges b into a.
func (MergeReportsFn) MergeAccumulators(a, b *Reports) (*Reports, error) {
	for i, m := range b.Levels {
		if m != nil {
			if err := a.carry(m, i); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range b.Pending {
		if err := a.add(r); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// ExtractOutput is the merged report; an input with no operation is
// loyalty.ErrEmptyLog.
func (MergeReportsFn) ExtractOutput(a *Reports) (*loyalty.BacktestReport, error) {
	var all []*loyalty.BacktestReport
	for _, m := range a.Levels {
		if m != nil {
			all = append(all, m)
		}
	}
	all = append(all, a.Pending...)
	if len(all) == 0 {
		return nil, fmt.Errorf("pipeline: %w (no line in the input)", loyalty.ErrEmptyLog)
	}
	return loyalty.MergeCustomerBacktests(all...)
}

func encodeReport(r *loyalty.BacktestReport) ([]byte, error) { return json.Marshal(r) }

func decodeReport(b []byte) (*loyalty.BacktestReport, error) {
	var r loyalty.BacktestReport
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decoding a backtest report: %w", err)
	}
	return &r, nil
}

func encodeReports(a *Reports) ([]byte, error) { return json.Marshal(a) }

func decodeReports(b []byte) (*Reports, error) {
	var a Reports
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("decoding a backtest accumulator: %w", err)
	}
	for i, r := range a.Pending {
		if r == nil {
			return nil, fmt.Errorf("decoding a backtest accumulator: pending report %d is null", i)
		}
	}
	return &a, nil
}

// ReportJSONFn writes the report as indented JSON (the library's
// BacktestReport.MarshalJSON).
type ReportJSONFn struct{}

// ProcessElement writes r.
func (ReportJSONFn) ProcessElement(r *loyalty.BacktestReport, emit func(string)) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	emit(string(b))
	return nil
}

// ReportSummaryFn writes [Summary] of the report.
type ReportSummaryFn struct{ Top int }

// ProcessElement writes the summary of r.
func (f ReportSummaryFn) ProcessElement(r *loyalty.BacktestReport, emit func(string)) {
	emit(strings.TrimSuffix(Summary(r, f.Top), "\n"))
}

// BacktestOutputs are where the backtest pipeline writes; an empty one
// is not written.
type BacktestOutputs struct {
	// Report: the report as JSON; Summary: [Summary] of it, with the Top
	// gainers and losers (0: 10).
	Report, Summary string
	Top             int
}

// BuildBacktest adds to s the backtest pipeline: the recorded operations
// in the files matching glob, keyed by customer, grouped, backtested per
// customer, merged into one report, written out. settings come from
// [NewBacktestSettings].
func BuildBacktest(s beam.Scope, glob string, settings BacktestSettings, out BacktestOutputs) error {
	if settings.Config == "" {
		return fmt.Errorf("pipeline: no backtest configuration (use NewBacktestSettings)")
	}
	if out.Report == "" && out.Summary == "" {
		return fmt.Errorf("pipeline: the backtest writes nothing: give a report or a summary path")
	}
	s = s.Scope("backtest")
	lines := textio.ReadWithFilename(s, glob)
	keyed := beam.ParDo(s, RecordedParseFn{}, lines)
	grouped := beam.GroupByKey(s, keyed)
	reports := beam.ParDo(s, &CustomerBacktestFn{settings}, grouped)
	report := beam.Combine(s, MergeReportsFn{}, reports)
	if out.Report != "" {
		textio.Write(s, out.Report, beam.ParDo(s, ReportJSONFn{}, report))
	}
	if out.Summary != "" {
		top := out.Top
		if top == 0 {
			top = 10
		}
		textio.Write(s, out.Summary, beam.ParDo(s, ReportSummaryFn{Top: top}, report))
	}
	return nil
}

// RunBacktest builds the backtest pipeline and runs it on the named
// runner ("prism" runs in this process).
func RunBacktest(ctx context.Context, runner, glob string, cfg loyalty.BacktestConfig, out BacktestOutputs) error {
	settings, err := NewBacktestSettings(cfg)
	if err != nil {
		return err
	}
	p, s := beam.NewPipelineWithRoot()
	if err := BuildBacktest(s, glob, settings, out); err != nil {
		return err
	}
	_, err = beam.Run(ctx, runner, p)
	return err
}
