package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

func init() {
	register.Combiner3[*metrics.CustomerDays, metrics.Purchase, *metrics.CustomerDays](&DaysFn{})
	register.Combiner3[*metrics.CohortCounts, *metrics.CustomerDays, *metrics.CohortCounts](&CohortFn{})
	register.Combiner3[*segment.RFMCounts, segment.Profile, *segment.RFMCounts](&RFMFn{})
	register.Combiner3[*FitRows, metrics.CustomerSummary, *FitRows](&FitRowsFn{})
	register.DoFn3x1[string, string, func(string, metrics.Purchase), error](&ParseFn{})
	register.Emitter2[string, metrics.Purchase]()
	register.DoFn3x1[string, *metrics.CustomerDays, func(metrics.CustomerSummary), error](&SummarizeFn{})
	register.Emitter1[metrics.CustomerSummary]()
	register.DoFn3x1[string, *metrics.CustomerDays, func(segment.Profile), error](&ProfileFn{})
	register.Emitter1[segment.Profile]()
	register.DoFn2x1[*metrics.CohortCounts, func(string), error](&CohortLinesFn{})
	register.Emitter1[string]()
	register.DoFn3x1[segment.Profile, *segment.RFMCounts, func(string), error](&ScoreRFMFn{})
	register.DoFn2x1[*segment.RFMCounts, func(string), error](&RFMQualityFn{})
	register.DoFn2x1[*FitRows, func(Models), error](&FitFn{})
	register.Emitter1[Models]()
	register.DoFn3x1[metrics.CustomerSummary, Models, func(string), error](&PredictFn{})
	register.DoFn2x0[Models, func(string)](&ModelLinesFn{})
	register.Function1x1(SummaryLine)
	register.Function2x1(dropKey)
}

// ParseFn reads one line of a purchase log, "customer,date,amount": the
// date YYYY-MM-DD, YYYYMMDD or RFC 3339 (a date alone is midnight in
// Location), the amount a decimal. Blank lines and a header line starting
// "customer" are skipped. A bad line fails the pipeline with an error that
// names the file and the field.
type ParseFn struct {
	Location string
	loc      *time.Location
}

// ProcessElement parses the line of file and emits (customer, purchase).
func (f *ParseFn) ProcessElement(file, line string, emit func(string, metrics.Purchase)) error {
	if f.loc == nil {
		loc, err := time.LoadLocation(f.Location)
		if err != nil {
			return fmt.Errorf("pipeline: ParseFn.Location %q: %w", f.Location, err)
		}
		f.loc = loc
	}
	p, ok, err := ParseLine(line, f.loc)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(file), err)
	}
	if ok {
		emit(p.Customer, p)
	}
	return nil
}

// ParseLine parses one line of a purchase log (see [ParseFn]); false for a
// blank or header line.
func ParseLine(line string, loc *time.Location) (metrics.Purchase, bool, error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return metrics.Purchase{}, false, nil
	}
	f := strings.Split(line, ",")
	if len(f) != 3 {
		return metrics.Purchase{}, false, fmt.Errorf("line %q: %d fields, want customer,date,amount", line, len(f))
	}
	id, date, amount := strings.TrimSpace(f[0]), strings.TrimSpace(f[1]), strings.TrimSpace(f[2])
	if strings.EqualFold(id, "customer") {
		return metrics.Purchase{}, false, nil
	}
	if id == "" {
		return metrics.Purchase{}, false, fmt.Errorf("line %q: field customer is empty", line)
	}
	var at time.Time
	var err error
	switch {
	case len(date) == 8:
		at, err = time.ParseInLocation("20060102", date, loc)
	case len(date) == 10:
		at, err = time.ParseInLocation(dateLayout, date, loc)
	default:
		at, err = time.Parse(time.RFC3339, date)
	}
	if err != nil {
		return metrics.Purchase{}, false, fmt.Errorf("line %q: field date %q is not YYYY-MM-DD, YYYYMMDD or RFC 3339", line, date)
	}
	a, err := decimal.NewFromString(amount)
	if err != nil {
		return metrics.Purchase{}, false, fmt.Errorf("line %q: field amount %q is not a decimal number", line, amount)
	}
	if a.IsNegative() {
		return metrics.Purchase{}, false, fmt.Errorf("line %q: field amount %s is negative", line, amount)
	}
	return metrics.Purchase{Customer: id, At: at, Amount: a}, true, nil
}

// configured is embedded in the DoFns that read the Config: it checks it
// once per instance.
type configured struct {
	Config Config
	s      *settings
}

func (c *configured) settings() (*settings, error) {
	if c.s == nil {
		s, err := c.Config.settings()
		if err != nil {
			return nil, err
		}
		c.s = &s
	}
	return c.s, nil
}

// SummarizeFn is a customer's summary from their days: the library's
// Summarizer run on them (metrics.SummarizeDays). Customers whose first
// purchase is after CalibrationEnd have none.
type SummarizeFn struct{ configured }

// ProcessElement emits the summary of customer id, if they have one.
func (f *SummarizeFn) ProcessElement(id string, d *metrics.CustomerDays, emit func(metrics.CustomerSummary)) error {
	s, err := f.settings()
	if err != nil {
		return err
	}
	c, ok, err := metrics.SummarizeDays(s.summary, id, d)
	if err != nil {
		return err
	}
	if ok {
		emit(c)
	}
	return nil
}

// ProfileFn is a customer's profile as of AsOf (segment.ProfileBuilder on
// their days). Customers with no purchase by then have none.
type ProfileFn struct{ configured }

// ProcessElement emits the profile of customer id, if they have one.
func (f *ProfileFn) ProcessElement(id string, d *metrics.CustomerDays, emit func(segment.Profile)) error {
	s, err := f.settings()
	if err != nil {
		return err
	}
	b, err := segment.NewProfileBuilder(s.asOf, s.recentDays, s.loc)
	if err != nil {
		return err
	}
	if err := b.AddDays(id, d); err != nil {
		return err
	}
	for _, p := range b.Profiles() {
		emit(p)
	}
	return nil
}

// CohortLinesFn writes the cohort table cut at AsOf, one line per cohort
// and period: "cohort_start,k,size,active".
type CohortLinesFn struct{ configured }

// ProcessElement writes the table's lines.
func (f *CohortLinesFn) ProcessElement(c *metrics.CohortCounts, emit func(string)) error {
	s, err := f.settings()
	if err != nil {
		return err
	}
	for _, co := range c.Cohorts(s.asOf) {
		for k, n := range co.Active {
			emit(fmt.Sprintf("%s,%d,%d,%d", co.Start.Format(dateLayout), k, co.Size, n))
		}
	}
	return nil
}

// ScoreRFMFn scores each profile against the histograms: "id,R,F,M,segment".
type ScoreRFMFn struct {
	counts *segment.RFMCounts
	scorer *segment.RFMScorer
}

// ProcessElement scores p.
func (f *ScoreRFMFn) ProcessElement(p segment.Profile, counts *segment.RFMCounts, emit func(string)) error {
	if f.scorer == nil || f.counts != counts {
		s, err := counts.Scorer()
		if err != nil {
			return err
		}
		f.counts, f.scorer = counts, s
	}
	p = f.scorer.Score(p)
	emit(fmt.Sprintf("%s,%d,%d,%d,%s", p.ID, p.R, p.F, p.M, p.NamedSegment()))
	return nil
}

// RFMQualityFn says whether the RFM scores are exact.
type RFMQualityFn struct{}

// ProcessElement writes "exact" or "approximate,max_rank_error=…".
func (RFMQualityFn) ProcessElement(counts *segment.RFMCounts, emit func(string)) error {
	s, err := counts.Scorer()
	if err != nil {
		return err
	}
	if approx, bound := s.Approximate(); approx {
		emit(fmt.Sprintf("approximate,profiles=%d,max_rank_error=%g", counts.Len(), bound))
		return nil
	}
	emit(fmt.Sprintf("exact,profiles=%d", counts.Len()))
	return nil
}

// Models is the fitted purchase and spend models, with their
// log-likelihoods.
type Models struct {
	R, Alpha, A, B   float64
	P, Q, Gamma      float64
	Unit             int64
	BGLogLikelihood  float64
	GGLogLikelihood  float64
	Customers        int64
	RepeatCustomers  int64
	BGGroups, GGRows int64
}

// BGNBD is the purchase model.
func (m Models) BGNBD() metrics.BGNBD {
	return metrics.BGNBD{R: m.R, Alpha: m.Alpha, A: m.A, B: m.B, Unit: metrics.Unit(m.Unit)}
}

// GammaGamma is the spend model.
func (m Models) GammaGamma() metrics.GammaGamma {
	return metrics.GammaGamma{P: m.P, Q: m.Q, Gamma: m.Gamma}
}

// FitFn fits BG/NBD and Gamma-Gamma on the grouped rows, on one worker.
type FitFn struct{}

// ProcessElement fits the models.
func (FitFn) ProcessElement(r *FitRows, emit func(Models)) error {
	m, err := Fit(r)
	if err != nil {
		return err
	}
	emit(m)
	return nil
}

// Fit fits BG/NBD and Gamma-Gamma on the rows with the library's fits.
func Fit(r *FitRows) (Models, error) {
	bg, gg, n, repeat := r.Summaries()
	pm, bgRep, err := metrics.FitBGNBD(bg)
	if err != nil {
		return Models{}, err
	}
	sm, ggRep, err := metrics.FitGammaGamma(gg)
	if err != nil {
		return Models{}, err
	}
	return Models{R: pm.R, Alpha: pm.Alpha, A: pm.A, B: pm.B, Unit: int64(pm.Unit), P: sm.P, Q: sm.Q, Gamma: sm.Gamma,
		BGLogLikelihood: bgRep.LogLikelihood, GGLogLikelihood: ggRep.LogLikelihood,
		Customers: n, RepeatCustomers: repeat, BGGroups: int64(len(r.BG)), GGRows: int64(len(r.GG))}, nil
}

// ModelLinesFn writes the fitted parameters, one "name,value" a line.
type ModelLinesFn struct{}

// ProcessElement writes m.
func (ModelLinesFn) ProcessElement(m Models, emit func(string)) {
	for _, kv := range []struct {
		k string
		v float64
	}{{"bgnbd_r", m.R}, {"bgnbd_alpha", m.Alpha}, {"bgnbd_a", m.A}, {"bgnbd_b", m.B},
		{"gammagamma_p", m.P}, {"gammagamma_q", m.Q}, {"gammagamma_gamma", m.Gamma},
		{"bgnbd_loglik", m.BGLogLikelihood}, {"gammagamma_loglik", m.GGLogLikelihood},
		{"customers", float64(m.Customers)}, {"repeat_customers", float64(m.RepeatCustomers)}} {
		emit(kv.k + "," + strconv.FormatFloat(kv.v, 'g', -1, 64))
	}
}

// PredictFn writes, per customer, "id,p_alive,expected_purchases,clv" over
// the Horizon.
type PredictFn struct{ configured }

// ProcessElement predicts for c with the fitted models.
func (f *PredictFn) ProcessElement(c metrics.CustomerSummary, m Models, emit func(string)) error {
	s, err := f.settings()
	if err != nil {
		return err
	}
	line, err := Predict(c, m, s.horizon, s.discountRate, s.margin)
	if err != nil {
		return err
	}
	emit(line)
	return nil
}

// Predict is PredictFn's line for one customer.
func Predict(c metrics.CustomerSummary, m Models, h metrics.Horizon, discountRate, margin float64) (string, error) {
	pm := m.BGNBD()
	alive, err := pm.PAliveErr(c.Frequency, c.Recency, c.T)
	if err != nil {
		return "", fmt.Errorf("customer %q: %w", c.ID, err)
	}
	t := float64(h.Steps) * h.StepLength * float64(h.StepUnit) / float64(pm.Unit)
	n, err := pm.ConditionalExpectedPurchasesErr(t, c.Frequency, c.Recency, c.T)
	if err != nil {
		return "", fmt.Errorf("customer %q: %w", c.ID, err)
	}
	clv, err := metrics.CLV(pm, m.GammaGamma(), c, h, discountRate, margin)
	if err != nil {
		return "", err
	}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	return c.ID + "," + g(alive) + "," + g(n) + "," + g(clv), nil
}

// SummaryLine writes a summary as
// "id,frequency,recency,T,monetary,revenue,holdout_frequency,holdout_revenue":
// floats in the shortest form that reads back exactly, money exact.
func SummaryLine(c metrics.CustomerSummary) string {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	return fmt.Sprintf("%s,%d,%s,%s,%s,%s,%d,%s", c.ID, c.Frequency, g(c.Recency), g(c.T), g(c.Monetary),
		c.Revenue.String(), c.HoldoutFrequency, c.HoldoutRevenue.String())
}

func dropKey(_ string, d *metrics.CustomerDays) *metrics.CustomerDays { return d }

// Outputs are where a pipeline writes; an empty one is not computed.
type Outputs struct {
	// Summaries: one SummaryLine per customer.
	Summaries string
	// Cohorts: the cohort table, "cohort_start,k,size,active".
	Cohorts string
	// RFM: "id,R,F,M,segment" per customer; RFMQuality: "exact" or
	// "approximate,…,max_rank_error=…".
	RFM, RFMQuality string
	// Models: the fitted parameters; Predictions:
	// "id,p_alive,expected_purchases,clv" per customer.
	Models, Predictions string
}

// Build adds to s the pipeline from the purchase log files matching glob
// to the outputs. It checks cfg first.
func Build(s beam.Scope, glob string, cfg Config, out Outputs) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	lines := textio.ReadWithFilename(s, glob)
	purchases := beam.ParDo(s, &ParseFn{Location: cfg.Location}, lines)
	days := beam.CombinePerKey(s, &DaysFn{Location: cfg.Location}, purchases)
	conf := configured{Config: cfg}
	summaries := beam.ParDo(s, &SummarizeFn{conf}, days)
	if out.Summaries != "" {
		textio.Write(s, out.Summaries, beam.ParDo(s, SummaryLine, summaries))
	}
	if out.Cohorts != "" {
		counts := beam.Combine(s, &CohortFn{conf}, beam.ParDo(s, dropKey, days))
		textio.Write(s, out.Cohorts, beam.ParDo(s, &CohortLinesFn{conf}, counts))
	}
	if out.RFM != "" || out.RFMQuality != "" {
		profiles := beam.ParDo(s, &ProfileFn{conf}, days)
		counts := beam.Combine(s, &RFMFn{ExactSpends: cfg.RFMExactSpends}, profiles)
		if out.RFM != "" {
			textio.Write(s, out.RFM, beam.ParDo(s, &ScoreRFMFn{}, profiles, beam.SideInput{Input: counts}))
		}
		if out.RFMQuality != "" {
			textio.Write(s, out.RFMQuality, beam.ParDo(s, RFMQualityFn{}, counts))
		}
	}
	if out.Models != "" || out.Predictions != "" {
		rows := beam.Combine(s, FitRowsFn{}, summaries)
		models := beam.ParDo(s, FitFn{}, rows)
		if out.Models != "" {
			textio.Write(s, out.Models, beam.ParDo(s, ModelLinesFn{}, models))
		}
		if out.Predictions != "" {
			textio.Write(s, out.Predictions, beam.ParDo(s, &PredictFn{conf}, summaries, beam.SideInput{Input: models}))
		}
	}
	return nil
}

// Run builds the pipeline and runs it on the named runner ("prism" runs
// in this process).
func Run(ctx context.Context, runner, glob string, cfg Config, out Outputs) error {
	p, s := beam.NewPipelineWithRoot()
	if err := Build(s, glob, cfg, out); err != nil {
		return err
	}
	_, err := beam.Run(ctx, runner, p)
	return err
}
