package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

// TestMain runs the pipelines on prism, in this process, and keeps the
// runner's progress lines (slog at INFO) out of the test output.
func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ptest.MainWithDefault(m, "prism")
}

// cdnowMaster is the library's copy of the CDNOW master log (a test
// fixture of the repository: see internal/refdata/data/cdnow/README.md
// for its source and licence note), read by path: a nested module cannot
// import the library's internal packages.
const cdnowMaster = "../../internal/refdata/data/cdnow/CDNOW_master.txt"

// cdnowLog reads the master log in file order (each customer's purchases
// in time order), dated at midnight UTC.
func cdnowLog(t *testing.T) []metrics.Purchase {
	t.Helper()
	b, err := os.ReadFile(cdnowMaster)
	if err != nil {
		t.Fatalf("the CDNOW master log is a fixture of the repository: %v", err)
	}
	var out []metrics.Purchase
	for i, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] == "customer_id" {
			continue
		}
		if len(f) != 4 {
			t.Fatalf("line %d: %d fields", i+1, len(f))
		}
		at, err := time.Parse("20060102", f[1])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, metrics.Purchase{Customer: f[0], At: at, Amount: decimal.RequireFromString(f[3])})
	}
	if len(out) != 69659 {
		t.Fatalf("%d purchases, want 69659", len(out))
	}
	return out
}

// writeShuffled writes the log as CSV lines, shuffled, over n files (the
// first with a header line and blank lines), and returns their glob.
func writeShuffled(t *testing.T, ps []metrics.Purchase, n int, seed uint64) string {
	t.Helper()
	dir := t.TempDir()
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Customer + "," + p.At.Format("20060102") + "," + p.Amount.String()
	}
	rand.New(rand.NewPCG(seed, 1)).Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	for f := range n {
		var b strings.Builder
		if f == 0 {
			b.WriteString("customer,date,amount\n\n")
		}
		for i := f; i < len(lines); i += n {
			b.WriteString(lines[i])
			b.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("log-%d.csv", f)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "log-*.csv")
}

// readLines reads an output file's lines, sorted.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

var cdnowConfig = Config{CalibrationEnd: "1997-09-30", ObservationEnd: "1998-06-30", Unit: "weeks"}

var decimalEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

// closeTo is |a − b| ≤ 1e-9 · max(1, |b|).
func closeTo(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestCDNOWMatchesLibrary runs the whole pipeline under prism on the CDNOW
// master log, shuffled and split over five files, and checks every output
// against the library run in memory on the log in file order: summaries,
// the cohort table and RFM scores exactly (money to the cent, floats to
// the bit), the fitted models, P(alive), expected purchases and CLV to
// 1e-9.
func TestCDNOWMatchesLibrary(t *testing.T) {
	log := cdnowLog(t)
	st, err := cdnowConfig.settings()
	if err != nil {
		t.Fatal(err)
	}

	// The library, in memory.
	sum, err := metrics.NewSummarizer(st.summary)
	if err != nil {
		t.Fatal(err)
	}
	act, _ := metrics.NewActivity(st.period, st.loc)
	pb, _ := segment.NewProfileBuilder(st.asOf, st.recentDays, st.loc)
	for _, p := range log {
		if err := sum.Add(p); err != nil {
			t.Fatal(err)
		}
		if err := act.Add(p); err != nil {
			t.Fatal(err)
		}
		if err := pb.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	customers := sum.Customers()
	var wantSummaries, wantCohorts, wantRFM []string
	for _, c := range customers {
		wantSummaries = append(wantSummaries, SummaryLine(c))
	}
	for _, co := range act.Cohorts(st.asOf) {
		for k, n := range co.Active {
			wantCohorts = append(wantCohorts, fmt.Sprintf("%s,%d,%d,%d", co.Start.Format(dateLayout), k, co.Size, n))
		}
	}
	for _, p := range segment.ScoredRFM(pb.Profiles()) {
		wantRFM = append(wantRFM, fmt.Sprintf("%s,%d,%d,%d,%s", p.ID, p.R, p.F, p.M, p.NamedSegment()))
	}
	slices.Sort(wantSummaries)
	slices.Sort(wantCohorts)
	slices.Sort(wantRFM)
	bg, _, err := metrics.FitBGNBD(customers)
	if err != nil {
		t.Fatal(err)
	}
	var repeat []metrics.CustomerSummary
	for _, c := range customers {
		if c.Frequency > 0 && c.Monetary > 0 {
			repeat = append(repeat, c)
		}
	}
	gg, _, err := metrics.FitGammaGamma(repeat)
	if err != nil {
		t.Fatal(err)
	}

	// The pipeline, under prism.
	out := t.TempDir()
	o := Outputs{Summaries: filepath.Join(out, "summaries.csv"), Cohorts: filepath.Join(out, "cohorts.csv"),
		RFM: filepath.Join(out, "rfm.csv"), RFMQuality: filepath.Join(out, "rfm-quality.txt"),
		Models: filepath.Join(out, "models.csv"), Predictions: filepath.Join(out, "predictions.csv")}
	p, s := beam.NewPipelineWithRoot()
	if err := Build(s, writeShuffled(t, log, 5, 7), cdnowConfig, o); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}

	if got := readLines(t, o.Summaries); !slices.Equal(got, wantSummaries) {
		t.Errorf("summaries differ (-library +pipeline):\n%s", cmp.Diff(wantSummaries, got))
	}
	// The lines carry every field; read one back to show that they do.
	if c, err := parseSummaryLine(wantSummaries[0]); err != nil {
		t.Error(err)
	} else if i := slices.IndexFunc(customers, func(x metrics.CustomerSummary) bool { return x.ID == c.ID }); i < 0 ||
		!cmp.Equal(customers[i], c, decimalEqual) {
		t.Errorf("a summary line does not read back to the summary: %+v", c)
	}
	if got := readLines(t, o.Cohorts); !slices.Equal(got, wantCohorts) {
		t.Errorf("cohort table differs (-library +pipeline):\n%s", cmp.Diff(wantCohorts, got))
	}
	if got := readLines(t, o.RFM); !slices.Equal(got, wantRFM) {
		t.Errorf("RFM scores differ (-library +pipeline):\n%s", cmp.Diff(wantRFM, got))
	}
	if got := readLines(t, o.RFMQuality); !slices.Equal(got, []string{"exact,profiles=23570"}) {
		t.Errorf("RFM quality %q", got)
	}

	params := map[string]float64{}
	for _, line := range readLines(t, o.Models) {
		k, v, _ := strings.Cut(line, ",")
		if params[k], err = strconv.ParseFloat(v, 64); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"bgnbd_r", params["bgnbd_r"], bg.R}, {"bgnbd_alpha", params["bgnbd_alpha"], bg.Alpha}, {"bgnbd_a", params["bgnbd_a"], bg.A},
		{"bgnbd_b", params["bgnbd_b"], bg.B}, {"gammagamma_p", params["gammagamma_p"], gg.P}, {"gammagamma_q", params["gammagamma_q"], gg.Q},
		{"gammagamma_gamma", params["gammagamma_gamma"], gg.Gamma}, {"customers", params["customers"], float64(len(customers))},
		{"repeat_customers", params["repeat_customers"], float64(len(repeat))}} {
		if !closeTo(c.got, c.want) {
			t.Errorf("%s = %v, library %v", c.name, c.got, c.want)
		}
	}

	preds := readLines(t, o.Predictions)
	if len(preds) != len(customers) {
		t.Fatalf("%d predictions, %d customers", len(preds), len(customers))
	}
	byID := map[string]metrics.CustomerSummary{}
	for _, c := range customers {
		byID[c.ID] = c
	}
	year := 52.0
	for _, line := range preds {
		f := strings.Split(line, ",")
		c, ok := byID[f[0]]
		if len(f) != 4 || !ok {
			t.Fatalf("prediction line %q", line)
		}
		clv, err := metrics.CLV(bg, gg, c, st.horizon, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := []float64{bg.PAlive(c.Frequency, c.Recency, c.T), bg.ConditionalExpectedPurchases(year, c.Frequency, c.Recency, c.T), clv}
		for i, w := range want {
			got, err := strconv.ParseFloat(f[i+1], 64)
			if err != nil || !closeTo(got, w) {
				t.Fatalf("customer %s, column %d: %s, library %v", c.ID, i+1, f[i+1], w)
			}
		}
	}
}

// parseSummaryLine reads a SummaryLine back.
func parseSummaryLine(line string) (metrics.CustomerSummary, error) {
	f := strings.Split(line, ",")
	if len(f) != 8 {
		return metrics.CustomerSummary{}, fmt.Errorf("summary line %q: %d fields", line, len(f))
	}
	var c metrics.CustomerSummary
	var errs [7]error
	c.ID = f[0]
	c.Frequency, errs[0] = strconv.Atoi(f[1])
	c.Recency, errs[1] = strconv.ParseFloat(f[2], 64)
	c.T, errs[2] = strconv.ParseFloat(f[3], 64)
	c.Monetary, errs[3] = strconv.ParseFloat(f[4], 64)
	c.Revenue, errs[4] = decimal.NewFromString(f[5])
	c.HoldoutFrequency, errs[5] = strconv.Atoi(f[6])
	c.HoldoutRevenue, errs[6] = decimal.NewFromString(f[7])
	c.Unit = metrics.Weeks
	for _, err := range errs {
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// TestBadLineFailsThePipeline: a malformed line stops the pipeline with an
// error naming the file and the field.
func TestBadLineFailsThePipeline(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.csv"), []byte("a,2024-01-02,1.50\nb,2024-01-03,-2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Run(context.Background(), "prism", filepath.Join(dir, "*.csv"), Config{CalibrationEnd: "2024-06-30", Unit: "days"},
		Outputs{Summaries: filepath.Join(dir, "out.csv")})
	if err == nil || !strings.Contains(err.Error(), "bad.csv") || !strings.Contains(err.Error(), "field amount") {
		t.Fatalf("error %v, want one naming bad.csv and the field amount", err)
	}
}

// BenchmarkSummaryPipeline runs the summary pipeline under prism on
// synthetic purchases (20,000 by default; LOYALKIT_BEAM_N sets another
// number, for a bigger run by hand).
func BenchmarkSummaryPipeline(b *testing.B) {
	n := benchSize(b, 20_000)
	dir := b.TempDir()
	if err := WriteSynthetic(filepath.Join(dir, "in"), n, 4, 1); err != nil {
		b.Fatal(err)
	}
	cfg := Config{CalibrationEnd: "2024-06-30", ObservationEnd: "2024-12-31", Unit: "weeks"}
	b.Run("prism", func(b *testing.B) {
		for b.Loop() {
			out := filepath.Join(b.TempDir(), "summaries.csv")
			if err := Run(context.Background(), "prism", filepath.Join(dir, "in", "*.csv"), cfg, Outputs{Summaries: out}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("inprocess", func(b *testing.B) {
		for b.Loop() {
			if _, err := SummarizeInProcess(filepath.Join(dir, "in", "*.csv"), cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchSize is a benchmark's size: LOYALKIT_BEAM_N when set (a bigger run
// by hand), else n.
func benchSize(b *testing.B, n int) int {
	if v := os.Getenv("LOYALKIT_BEAM_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("LOYALKIT_BEAM_N: %v", err)
		}
	}
	return n
}
