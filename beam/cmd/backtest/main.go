// Command backtest runs loyalkit's backtest on Apache Beam: a log of
// recorded operations (JSON lines, one loyalty.Recorded a line, a glob of
// files) replayed under two programmes, sharded by customer, into one
// report: report.json (the library's BacktestReport as JSON) and
// summary.txt (both programmes side by side, customers per tier at the
// dates, the top gainers and losers) under -output. It runs on the
// in-process prism runner unless -runner says otherwise; beam/README.md
// gives the flags for Dataflow, Flink and Spark.
//
//	go run ./cmd/backtest -a a.json -b b.json -input 'log/*.jsonl' -output out -end 2025-12-31 -redemptions capped
//
// -a and -b are programmes in the library's JSON form (loyalty.Config).
// -generate N writes a synthetic log of about N operations under -output
// (and the two programmes it is meant for as a.json and b.json) and
// stops; -inprocess runs loyalty.Backtest in this process on the same
// files instead, for comparison.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/loyalkit/loyalkit/beam/pipeline"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

func main() {
	var o options
	flag.StringVar(&o.a, "a", "", "programme A (the reference, usually the one the log was recorded under), loyalty.Config as JSON; required")
	flag.StringVar(&o.b, "b", "", "programme B, loyalty.Config as JSON; required")
	flag.StringVar(&o.input, "input", "", "glob of the log's files: one loyalty.Recorded as JSON a line; required")
	flag.StringVar(&o.output, "output", "", "folder (or gs:// prefix) report.json and summary.txt are written under; required")
	flag.StringVar(&o.end, "end", "", "the instant the report is as of: YYYY-MM-DD (the end of that day, UTC) or RFC 3339; required")
	flag.StringVar(&o.dates, "dates", "", "comma-separated dates customers per tier and the liability are counted at (YYYY-MM-DD, midnight UTC, or RFC 3339); -monthly adds the first of every month")
	flag.StringVar(&o.monthly, "monthly", "", "count at the first of every month from this YYYY-MM-DD until -end")
	flag.StringVar(&o.redemptions, "redemptions", "", "what customers are assumed to redeem under B: as_recorded, capped or same_share; required")
	flag.StringVar(&o.giftCost, "gift-cost", "", "what gifts cost the shop: name=amount,… (e.g. mug=3.50)")
	flag.StringVar(&o.breakage, "breakage", "0", "share of the outstanding points expected never to be redeemed, in [0, 1]")
	flag.IntVar(&o.buckets, "expiry-buckets", 0, "monthly expiry buckets of the liability at -end (0: 12)")
	flag.BoolVar(&o.cohorts, "cohorts", false, "build each programme's earn cohorts (the report's Development)")
	flag.IntVar(&o.top, "top", 10, "gainers and losers listed in summary.txt")
	flag.IntVar(&o.generate, "generate", 0, "write a synthetic log of about this many operations under -output (4 files, and a.json, b.json) and stop")
	flag.BoolVar(&o.inprocess, "inprocess", false, "run loyalty.Backtest in this process on -input instead of the pipeline (writes report-inprocess.json)")
	flag.Parse()
	beam.Init()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "backtest:", err)
		os.Exit(1)
	}
}

type options struct {
	a, b, input, output, end, dates, monthly, redemptions, giftCost, breakage string
	buckets, top, generate                                                    int
	cohorts, inprocess                                                        bool
}

func run(o options) error {
	if o.output == "" {
		return fmt.Errorf("-output is required")
	}
	if o.generate > 0 {
		return generate(o)
	}
	cfg, err := config(o)
	if err != nil {
		return err
	}
	if o.input == "" {
		return fmt.Errorf("-input is required (a glob of JSON-lines files)")
	}
	if o.inprocess {
		return inprocess(o, cfg)
	}
	settings, err := pipeline.NewBacktestSettings(cfg)
	if err != nil {
		return err
	}
	// Joined with "/", not filepath.Join, which would turn gs://b into gs:/b.
	path := func(name string) string { return strings.TrimSuffix(o.output, "/") + "/" + name }
	p, s := beam.NewPipelineWithRoot()
	if err := pipeline.BuildBacktest(s, o.input, settings, pipeline.BacktestOutputs{Report: path("report.json"), Summary: path("summary.txt"), Top: o.top}); err != nil {
		return err
	}
	start := time.Now()
	if err := beamx.Run(context.Background(), p); err != nil {
		return err
	}
	fmt.Printf("pipeline done in %v; report.json and summary.txt under %s\n", time.Since(start).Round(time.Millisecond), o.output)
	return nil
}

// config is the backtest the flags describe.
func config(o options) (loyalty.BacktestConfig, error) {
	var cfg loyalty.BacktestConfig
	if o.a == "" || o.b == "" {
		return cfg, fmt.Errorf("-a and -b are required (the programmes, loyalty.Config as JSON)")
	}
	for _, f := range []struct {
		path string
		dst  *loyalty.Config
	}{{o.a, &cfg.A}, {o.b, &cfg.B}} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			return cfg, err
		}
		if err := json.Unmarshal(b, f.dst); err != nil {
			return cfg, fmt.Errorf("%s: %w", f.path, err)
		}
	}
	end, err := instant(o.end, true)
	if err != nil {
		return cfg, fmt.Errorf("-end: %w", err)
	}
	cfg.End = end
	if o.monthly != "" {
		from, err := instant(o.monthly, false)
		if err != nil {
			return cfg, fmt.Errorf("-monthly: %w", err)
		}
		for d := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !d.After(end); d = d.AddDate(0, 1, 0) {
			if !d.Before(from) {
				cfg.Dates = append(cfg.Dates, d)
			}
		}
	}
	if o.dates != "" {
		for _, s := range strings.Split(o.dates, ",") {
			d, err := instant(strings.TrimSpace(s), false)
			if err != nil {
				return cfg, fmt.Errorf("-dates: %w", err)
			}
			cfg.Dates = append(cfg.Dates, d)
		}
	}
	slices.SortFunc(cfg.Dates, func(x, y time.Time) int { return x.Compare(y) })
	cfg.Dates = slices.CompactFunc(cfg.Dates, func(x, y time.Time) bool { return x.Equal(y) })
	if err := cfg.Redemptions.UnmarshalText([]byte(o.redemptions)); err != nil {
		return cfg, fmt.Errorf("-redemptions: %w", err)
	}
	if o.giftCost != "" {
		cfg.GiftCost = map[string]decimal.Decimal{}
		for _, kv := range strings.Split(o.giftCost, ",") {
			name, amount, ok := strings.Cut(kv, "=")
			v, err := decimal.NewFromString(strings.TrimSpace(amount))
			if !ok || err != nil {
				return cfg, fmt.Errorf("-gift-cost: %q is not name=amount", kv)
			}
			cfg.GiftCost[strings.TrimSpace(name)] = v
		}
	}
	if cfg.Breakage, err = decimal.NewFromString(o.breakage); err != nil {
		return cfg, fmt.Errorf("-breakage: %q is not a decimal", o.breakage)
	}
	cfg.ExpiryBuckets, cfg.Cohorts = o.buckets, o.cohorts
	return cfg, cfg.Validate()
}

// instant reads YYYY-MM-DD (midnight UTC; with endOfDay, the next
// midnight: the end of that day) or RFC 3339.
func instant(s string, endOfDay bool) (time.Time, error) {
	if d, err := time.Parse("2006-01-02", s); err == nil {
		if endOfDay {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not YYYY-MM-DD or RFC 3339", s)
	}
	return t, nil
}

// generate writes the synthetic log and its programmes.
func generate(o options) error {
	start := time.Now()
	log := pipeline.SyntheticRecorded(o.generate, 1)
	if err := pipeline.WriteRecorded(o.output, log, 4, 1); err != nil {
		return err
	}
	a, b := pipeline.SyntheticProgrammes()
	for name, c := range map[string]loyalty.Config{"a.json": a, "b.json": b} {
		j, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(o.output, name), j, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %d operations in 4 files, a.json and b.json under %s in %v\n", len(log), o.output, time.Since(start).Round(time.Millisecond))
	fmt.Printf("try: -a %[1]s/a.json -b %[1]s/b.json -input '%[1]s/*.jsonl' -end 2025-12-31 -monthly 2024-02-01 -redemptions capped -gift-cost mug=3.50 -breakage 0.2 -cohorts\n", o.output)
	return nil
}

// inprocess runs loyalty.Backtest on the input's lines, each customer's
// in the pipeline's order, and writes report-inprocess.json.
func inprocess(o options, cfg loyalty.BacktestConfig) error {
	start := time.Now()
	files, err := filepath.Glob(o.input)
	if err != nil {
		return err
	}
	var ops []pipeline.Op
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			r, ok, err := pipeline.ParseRecorded(sc.Text())
			if err != nil {
				f.Close()
				return fmt.Errorf("%s: %w", filepath.Base(name), err)
			}
			if ok {
				ops = append(ops, pipeline.Op{Recorded: r, Line: strings.TrimSpace(sc.Text())})
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return err
		}
	}
	// By customer, then in the pipeline's order: a log grouped by customer.
	slices.SortStableFunc(ops, func(x, y pipeline.Op) int { return strings.Compare(x.Recorded.Customer.ID, y.Recorded.Customer.ID) })
	for i := 0; i < len(ops); {
		j := i
		for j < len(ops) && ops[j].Recorded.Customer.ID == ops[i].Recorded.Customer.ID {
			j++
		}
		pipeline.SortOps(ops[i:j])
		i = j
	}
	cfg.Grouped = true
	r, err := loyalty.Backtest(cfg, func(yield func(loyalty.Recorded) bool) {
		for i := range ops {
			if !yield(ops[i].Recorded) {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.output, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.output, "report-inprocess.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("in-process: %d operations, %d customers in %v\n", len(ops), r.Customers, time.Since(start).Round(time.Millisecond))
	return nil
}
