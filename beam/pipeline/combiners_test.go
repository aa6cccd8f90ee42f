package pipeline

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// roundTrip encodes v with the coder Beam picks for its type and decodes
// it: what happens to an accumulator or an element between workers.
func roundTrip[T any](t interface{ Fatalf(string, ...any) }, v T) T {
	typ := reflect.TypeOf(v)
	var buf bytes.Buffer
	if err := beam.NewElementEncoder(typ).Encode(v, &buf); err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	back, err := beam.NewElementDecoder(typ).Decode(&buf)
	if err != nil {
		t.Fatalf("decoding %T: %v", v, err)
	}
	return back.(T)
}

// combine runs a CombineFn's methods as a runner may: the inputs split
// into random parts, each part accumulated, encoded and decoded (sent to
// another worker), and the parts merged in a random tree shape.
func combine[A, I any](t *rapid.T, create func() A, add func(A, I) A, merge func(A, A) A, inputs []I) A {
	parts := []A{create()}
	for _, in := range inputs {
		if rapid.Bool().Draw(t, "split") {
			parts = append(parts, create())
		}
		parts[len(parts)-1] = add(parts[len(parts)-1], in)
	}
	for i := range parts {
		parts[i] = roundTrip(t, parts[i])
	}
	for len(parts) > 1 {
		i := rapid.IntRange(0, len(parts)-2).Draw(t, "merge")
		parts[i] = roundTrip(t, merge(parts[i], parts[i+1]))
		parts = slices.Delete(parts, i+1, i+2)
	}
	return parts[0]
}

func must[A any](a A, err error) A {
	if err != nil {
		panic(err)
	}
	return a
}

// encoded is an accumulator's bytes under its Beam coder.
func encoded(t *rapid.T, v any) []byte {
	var buf bytes.Buffer
	if err := beam.NewElementEncoder(reflect.TypeOf(v)).Encode(v, &buf); err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	return buf.Bytes()
}

func genPurchases(t *rapid.T, customers []string) []metrics.Purchase {
	n := rapid.IntRange(1, 50).Draw(t, "n")
	ps := make([]metrics.Purchase, n)
	base := time.Date(2024, 5, 20, 0, 0, 0, 0, time.UTC)
	for i := range ps {
		amount := decimal.New(rapid.Int64Range(0, 99_999).Draw(t, "cents"), -2)
		if rapid.IntRange(0, 12).Draw(t, "big") == 0 {
			amount = decimal.RequireFromString("12345678901234567890.000001")
		}
		ps[i] = metrics.Purchase{Customer: rapid.SampledFrom(customers).Draw(t, "customer"),
			At: base.Add(time.Duration(rapid.IntRange(0, 90*24).Draw(t, "hour")) * time.Hour), Amount: amount}
	}
	return ps
}

// TestCombinersMergeTreeProperty: each combiner, fed its inputs in a
// random order, split into random parts that cross a coder, and merged in
// a random tree shape, ends where one accumulator fed every input ends.
func TestCombinersMergeTreeProperty(t *testing.T) {
	cfg := Config{CalibrationEnd: "2024-06-30", ObservationEnd: "2024-07-31", Unit: "days", Period: "isoweek", AsOf: "2024-08-01"}
	st, err := cfg.settings()
	if err != nil {
		t.Fatal(err)
	}
	conf := configured{Config: cfg}
	rapid.Check(t, func(t *rapid.T) {
		ps := genPurchases(t, []string{"a", "b", "c", "d"})

		// DaysFn, one customer's purchases.
		df := &DaysFn{}
		var mine []metrics.Purchase
		for _, p := range ps {
			if p.Customer == "a" {
				mine = append(mine, p)
			}
		}
		one := must(df.CreateAccumulator())
		for _, p := range mine {
			one = must(df.AddInput(one, p))
		}
		tree := combine(t, func() *metrics.CustomerDays { return must(df.CreateAccumulator()) },
			func(a *metrics.CustomerDays, p metrics.Purchase) *metrics.CustomerDays {
				return must(df.AddInput(a, p))
			},
			func(a, b *metrics.CustomerDays) *metrics.CustomerDays { return must(df.MergeAccumulators(a, b)) },
			rapid.Permutation(mine).Draw(t, "order"))
		if !bytes.Equal(encoded(t, df.ExtractOutput(one)), encoded(t, df.ExtractOutput(tree))) {
			t.Fatalf("DaysFn: a merge tree differs from one accumulator")
		}

		// Every customer's days, then CohortFn, ProfileFn + RFMFn and
		// SummarizeFn + FitRowsFn over the customers.
		byID := map[string]*metrics.CustomerDays{}
		for _, p := range ps {
			if byID[p.Customer] == nil {
				byID[p.Customer] = must(df.CreateAccumulator())
			}
			must(df.AddInput(byID[p.Customer], p))
		}
		ids := rapid.Permutation(sortedKeys(byID)).Draw(t, "customers")
		var days []*metrics.CustomerDays
		var profiles []segment.Profile
		var summaries []metrics.CustomerSummary
		for _, id := range ids {
			days = append(days, byID[id])
			(&ProfileFn{conf}).ProcessElement(id, byID[id], func(p segment.Profile) { profiles = append(profiles, p) })
			(&SummarizeFn{conf}).ProcessElement(id, byID[id], func(c metrics.CustomerSummary) { summaries = append(summaries, c) })
		}

		cf := &CohortFn{conf}
		oneC := must(cf.CreateAccumulator())
		for _, d := range days {
			oneC = cf.AddInput(oneC, d)
		}
		treeC := combine(t, func() *metrics.CohortCounts { return must(cf.CreateAccumulator()) }, cf.AddInput,
			func(a, b *metrics.CohortCounts) *metrics.CohortCounts { return must(cf.MergeAccumulators(a, b)) }, days)
		if !bytes.Equal(encoded(t, oneC), encoded(t, treeC)) {
			t.Fatalf("CohortFn: a merge tree differs from one accumulator")
		}
		if diff := cmp.Diff(oneC.Cohorts(st.asOf), treeC.Cohorts(st.asOf)); diff != "" {
			t.Fatalf("CohortFn tables differ:\n%s", diff)
		}

		rf := &RFMFn{ExactSpends: rapid.IntRange(1, 6).Draw(t, "exact spends")}
		oneR := rf.CreateAccumulator()
		for _, p := range profiles {
			oneR = rf.AddInput(oneR, p)
		}
		treeR := combine(t, rf.CreateAccumulator, rf.AddInput,
			func(a, b *segment.RFMCounts) *segment.RFMCounts { return must(rf.MergeAccumulators(a, b)) }, profiles)
		if !bytes.Equal(encoded(t, oneR), encoded(t, treeR)) {
			t.Fatalf("RFMFn: a merge tree differs from one accumulator")
		}

		if len(summaries) == 0 {
			return
		}
		ff := FitRowsFn{}
		oneF := ff.CreateAccumulator()
		for _, c := range summaries {
			oneF = must(ff.AddInput(oneF, c))
		}
		treeF := combine(t, ff.CreateAccumulator,
			func(a *FitRows, c metrics.CustomerSummary) *FitRows { return must(ff.AddInput(a, c)) },
			func(a, b *FitRows) *FitRows { return must(ff.MergeAccumulators(a, b)) }, summaries)
		if !bytes.Equal(encoded(t, oneF), encoded(t, treeF)) {
			t.Fatalf("FitRowsFn: a merge tree differs from one accumulator")
		}
	})
}

// TestCodersRoundTrip: every type with a decimal or unexported state
// crosses its Beam coder exactly — decimals keep their value and their
// exponent (1.50 stays 1.50), accumulators their whole state.
func TestCodersRoundTrip(t *testing.T) {
	at := time.Date(2024, 2, 29, 13, 14, 15, 16, time.UTC)
	days := metrics.NewCustomerDays(nil)
	for _, a := range []string{"1.50", "99999999999999999999999.123456789", "0"} {
		if err := days.Add(metrics.Purchase{Customer: "x", At: at, Amount: decimal.RequireFromString(a)}); err != nil {
			t.Fatal(err)
		}
	}
	cohorts, _ := metrics.NewCohortCounts(metrics.ISOWeek, nil)
	cohorts.AddDays(days)
	rfm := segment.NewRFMCounts(0)
	rfm.Add(segment.Profile{Orders: 3, DaysSinceLast: 4, Spend: decimal.RequireFromString("1.50")})
	rows := FitRowsFn{}.CreateAccumulator()
	rows.Unit, rows.BG[BGRow{2, 1.5, 30}] = metrics.Weeks, 3
	rows.GG[GGRow{2, 12.25}] = 1
	summary := metrics.CustomerSummary{ID: "x", Frequency: 2, Recency: 1.0 / 3, T: 30, Monetary: 12.25,
		Revenue: decimal.RequireFromString("24.50"), HoldoutFrequency: 1, HoldoutRevenue: decimal.RequireFromString("1e30"), Unit: metrics.Weeks}
	profile := segment.Profile{ID: "x", Orders: 3, Spend: decimal.RequireFromString("-0.001"), OrdersInPeriod: 1,
		SpendInPeriod: decimal.RequireFromString("7.10"), DaysSinceLast: 5, Returns: 1, Complaints: 2, R: 3, F: 4, M: 5,
		Counters: map[string]int{"reviews": 3, "b": -1}}
	exact := cmp.Options{
		cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) && a.Exponent() == b.Exponent() }),
		cmp.Comparer(func(a, b *metrics.CustomerDays) bool {
			x, _ := a.MarshalBinary()
			y, _ := b.MarshalBinary()
			return bytes.Equal(x, y)
		}),
		cmp.Comparer(func(a, b *metrics.CohortCounts) bool {
			x, _ := a.MarshalBinary()
			y, _ := b.MarshalBinary()
			return bytes.Equal(x, y)
		}),
		cmp.Comparer(func(a, b *segment.RFMCounts) bool {
			x, _ := a.MarshalBinary()
			y, _ := b.MarshalBinary()
			return bytes.Equal(x, y)
		}),
	}
	tests := []struct {
		name string
		v    any
	}{
		{"purchase", metrics.Purchase{Customer: "x", At: at, Amount: decimal.RequireFromString("10.10")}},
		{"purchase with zero time", metrics.Purchase{Customer: "x", Amount: decimal.RequireFromString("0.001")}},
		{"summary", summary},
		{"profile", profile},
		{"customer days", days},
		{"empty customer days", metrics.NewCustomerDays(nil)},
		{"cohort counts", cohorts},
		{"rfm counts", rfm},
		{"fit rows", rows},
		{"models", Models{R: 0.25, Alpha: 4.5, A: 0.7, B: 2.1, P: 6, Q: 3.6, Gamma: 15, Unit: 7, Customers: 9}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			back := roundTrip(t, tc.v)
			if diff := cmp.Diff(tc.v, back, exact); diff != "" {
				t.Fatalf("(-sent +received):\n%s", diff)
			}
		})
	}
}

// bareSummary is a customer summary's money in a type without a coder of
// its own: what an accumulator or element gets without an explicit coder.
type bareSummary struct {
	ID      string
	Revenue decimal.Decimal
}

// TestDefaultCoderDropsDecimals shows why the coders above exist: Beam's
// default coder for a struct writes exported fields only, and a
// decimal.Decimal's value is unexported, so 24.50 comes back as 0 with no
// error. (If Beam ever kept it, this test fails and says so.)
func TestDefaultCoderDropsDecimals(t *testing.T) {
	sent := bareSummary{ID: "x", Revenue: decimal.RequireFromString("24.50")}
	got := roundTrip(t, sent)
	if got.ID != "x" {
		t.Fatalf("the default coder lost the exported ID too: %+v", got)
	}
	if got.Revenue.Equal(sent.Revenue) {
		t.Fatalf("Beam's default coder kept the decimal (%s): the explicit coders may no longer be needed", got.Revenue)
	}
	if !got.Revenue.IsZero() {
		t.Fatalf("the default coder turned 24.50 into %s", got.Revenue)
	}
}

// TestParseLine covers the accepted forms and the refusals, each naming
// its field.
func TestParseLine(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line    string
		loc     *time.Location
		want    metrics.Purchase
		skip    bool
		wantErr string
	}{
		{line: "c1,2024-03-01,12.50", loc: time.UTC, want: metrics.Purchase{Customer: "c1", At: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Amount: decimal.RequireFromString("12.50")}},
		{line: " c1 , 20240301 , 0 ", loc: paris, want: metrics.Purchase{Customer: "c1", At: time.Date(2024, 3, 1, 0, 0, 0, 0, paris), Amount: decimal.Zero}},
		{line: "c1,2024-03-01T10:00:00+02:00,1", loc: time.UTC, want: metrics.Purchase{Customer: "c1", At: time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC), Amount: decimal.New(1, 0)}},
		{line: "", skip: true},
		{line: "customer,date,amount", skip: true},
		{line: "c1,2024-03-01", wantErr: "2 fields"},
		{line: ",2024-03-01,1", wantErr: "field customer"},
		{line: "c1,2024-13-01,1", wantErr: "field date"},
		{line: "c1,yesterday,1", wantErr: "field date"},
		{line: "c1,2024-03-01,1.2.3", wantErr: "field amount"},
		{line: "c1,2024-03-01,-1", wantErr: "field amount"},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			loc := tc.loc
			if loc == nil {
				loc = time.UTC
			}
			got, ok, err := ParseLine(tc.line, loc)
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one with %q", err, tc.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			case ok == tc.skip:
				t.Fatalf("ok = %v", ok)
			case ok && !(got.Customer == tc.want.Customer && got.At.Equal(tc.want.At) && got.Amount.Equal(tc.want.Amount)):
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestConfigCheck: each bad field is named.
func TestConfigCheck(t *testing.T) {
	good := Config{CalibrationEnd: "2024-06-30", Unit: "weeks"}
	tests := []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{"good", func(*Config) {}, ""},
		{"no calibration end", func(c *Config) { c.CalibrationEnd = "" }, "CalibrationEnd"},
		{"bad calibration end", func(c *Config) { c.CalibrationEnd = "30/06/2024" }, "CalibrationEnd"},
		{"bad observation end", func(c *Config) { c.ObservationEnd = "x" }, "ObservationEnd"},
		{"observation before calibration", func(c *Config) { c.ObservationEnd = "2024-01-01" }, "ObservationEnd"},
		{"unit", func(c *Config) { c.Unit = "months" }, "Unit"},
		{"location", func(c *Config) { c.Location = "Mars/Olympus" }, "Location"},
		{"period", func(c *Config) { c.Period = "decade" }, "Period"},
		{"as of", func(c *Config) { c.AsOf = "soon" }, "AsOf"},
		{"recent days", func(c *Config) { c.RecentDays = -1 }, "RecentDays"},
		{"horizon", func(c *Config) { c.Horizon = -52 }, "Horizon"},
		{"margin", func(c *Config) { c.Margin = 40 }, "Margin"},
		{"discount", func(c *Config) { c.DiscountRate = -2 }, "DiscountRate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			err := c.Check()
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %v, want one naming %s", err, tc.field)
			}
		})
	}
}

// TestDecodersRefuseMalformed: truncated element bytes are an error, not a
// panic.
func TestDecodersRefuseMalformed(t *testing.T) {
	s, _ := encodeSummary(metrics.CustomerSummary{ID: "x", Revenue: decimal.New(1, 0), HoldoutRevenue: decimal.New(2, 0), Unit: metrics.Weeks})
	p, _ := encodeProfile(segment.Profile{ID: "x", Counters: map[string]int{"a": 1}})
	pu, _ := encodePurchase(metrics.Purchase{Customer: "x", Amount: decimal.New(1, 0)})
	r, _ := encodeFitRows(&FitRows{Unit: metrics.Weeks, BG: map[BGRow]int64{{1, 1, 2}: 1}, GG: map[GGRow]int64{{1, 3}: 1}})
	for _, tc := range []struct {
		name string
		b    []byte
		dec  func([]byte) error
	}{
		{"summary", s, func(b []byte) error { _, err := decodeSummary(b); return err }},
		{"profile", p, func(b []byte) error { _, err := decodeProfile(b); return err }},
		{"purchase", pu, func(b []byte) error { _, err := decodePurchase(b); return err }},
		{"fit rows", r, func(b []byte) error { _, err := decodeFitRows(b); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.dec(tc.b); err != nil {
				t.Fatalf("the whole encoding: %v", err)
			}
			for n := range len(tc.b) {
				if err := tc.dec(tc.b[:n]); err == nil {
					t.Fatalf("accepted the first %d of %d bytes", n, len(tc.b))
				}
			}
			if err := tc.dec(append(slices.Clone(tc.b), 0)); err == nil {
				t.Fatal("accepted a byte left over")
			}
		})
	}
}
