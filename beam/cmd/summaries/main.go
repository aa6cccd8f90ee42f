// Command summaries runs loyalkit's pipeline on Apache Beam: a purchase
// log (CSV files "customer,date,amount", a glob) → per-customer summaries,
// the cohort table, RFM scores, the fitted BG/NBD + Gamma-Gamma models and
// per-customer P(alive), expected purchases and CLV, each written to a
// file under -output. It runs on the in-process prism runner unless
// -runner says otherwise; beam/README.md gives the flags for Dataflow,
// Flink and Spark.
//
//	go run ./cmd/summaries -input 'data/*.csv' -output out -calibration-end 1997-09-30 -observation-end 1998-06-30
//
// -generate N writes N synthetic purchases as CSV files under -output and
// stops; -inprocess summarises the input with the library's Summarizer in
// this process instead of running the pipeline (the comparison of the
// README's 10M run), and writes summaries-inprocess.csv under -output
// when it is given.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/loyalkit/loyalkit/beam/pipeline"
	"github.com/loyalkit/loyalkit/metrics"
)

func main() {
	var cfg pipeline.Config
	input := flag.String("input", "", "glob of the purchase log's CSV files (customer,date,amount); required")
	output := flag.String("output", "", "folder (or gs:// prefix) the results are written under; required")
	only := flag.String("only", "", "compute only this output: summaries, cohorts, rfm or fit (default: all)")
	generate := flag.Int("generate", 0, "write this many synthetic purchases under -output and stop")
	files := flag.Int("files", 8, "with -generate: the number of files")
	inprocess := flag.Bool("inprocess", false, "summarise -input with the library's in-memory Summarizer instead of Beam")
	flag.StringVar(&cfg.CalibrationEnd, "calibration-end", "", "last day of the calibration period, YYYY-MM-DD; required")
	flag.StringVar(&cfg.ObservationEnd, "observation-end", "", "last day of the holdout period, YYYY-MM-DD (optional)")
	flag.StringVar(&cfg.Unit, "unit", "weeks", "time unit of the summaries: weeks or days")
	flag.StringVar(&cfg.Location, "location", "", "IANA zone the dates are read in (default UTC)")
	flag.StringVar(&cfg.Period, "period", "month", "cohort period: month or isoweek")
	flag.StringVar(&cfg.AsOf, "as-of", "", "date the cohort table is cut at and RFM profiles are taken (default: the day after the last period)")
	flag.IntVar(&cfg.RecentDays, "recent-days", 90, "RFM profiles' recent period in days")
	flag.IntVar(&cfg.RFMExactSpends, "rfm-exact-spends", 0, "distinct spends RFM quintiles stay exact for (0: 1,048,576)")
	flag.IntVar(&cfg.Horizon, "horizon", 0, "expected purchases and CLV horizon, in -unit (default a year: 52 weeks or 364 days)")
	flag.Float64Var(&cfg.DiscountRate, "discount", 0, "CLV discount rate per -unit step")
	flag.Float64Var(&cfg.Margin, "margin", 1, "CLV margin in (0, 1]")
	flag.Parse()
	beam.Init()
	if err := run(*input, *output, *only, *generate, *files, *inprocess, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "summaries:", err)
		os.Exit(1)
	}
}

func run(input, output, only string, generate, files int, inprocess bool, cfg pipeline.Config) error {
	if output == "" && !inprocess {
		return fmt.Errorf("-output is required")
	}
	if output == "" && generate > 0 {
		return fmt.Errorf("-output is required with -generate")
	}
	if generate > 0 {
		start := time.Now()
		if err := pipeline.WriteSynthetic(output, generate, files, 1); err != nil {
			return err
		}
		fmt.Printf("wrote %d purchases in %d files under %s in %v\n", generate, files, output, time.Since(start).Round(time.Millisecond))
		return nil
	}
	if input == "" {
		return fmt.Errorf("-input is required (a glob of CSV files)")
	}
	if inprocess {
		start := time.Now()
		cs, err := pipeline.SummarizeInProcess(input, cfg)
		if err != nil {
			return err
		}
		fmt.Printf("in-process: %d customers summarised in %v\n", len(cs), time.Since(start).Round(time.Millisecond))
		if output == "" {
			return nil
		}
		return writeSummaries(output, cs)
	}
	out := pipeline.Outputs{}
	// Joined with "/", not filepath.Join, which would turn gs://b into gs:/b.
	path := func(name string) string { return strings.TrimSuffix(output, "/") + "/" + name }
	if only == "" || only == "summaries" {
		out.Summaries = path("summaries.csv")
	}
	if only == "" || only == "cohorts" {
		out.Cohorts = path("cohorts.csv")
	}
	if only == "" || only == "rfm" {
		out.RFM, out.RFMQuality = path("rfm.csv"), path("rfm-quality.txt")
	}
	if only == "" || only == "fit" {
		out.Models, out.Predictions = path("models.csv"), path("predictions.csv")
	}
	if out == (pipeline.Outputs{}) {
		return fmt.Errorf("-only %q: want summaries, cohorts, rfm or fit", only)
	}
	p, s := beam.NewPipelineWithRoot()
	if err := pipeline.Build(s, input, cfg, out); err != nil {
		return err
	}
	start := time.Now()
	if err := beamx.Run(context.Background(), p); err != nil {
		return err
	}
	fmt.Printf("pipeline done in %v; results under %s\n", time.Since(start).Round(time.Millisecond), output)
	return nil
}

// writeSummaries writes the in-process summaries as the pipeline writes
// them, to output/summaries-inprocess.csv (for a diff of the two).
func writeSummaries(output string, cs []metrics.CustomerSummary) error {
	if err := os.MkdirAll(output, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(output, "summaries-inprocess.csv"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, c := range cs {
		w.WriteString(pipeline.SummaryLine(c))
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
