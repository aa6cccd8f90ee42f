package metrics_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/metrics"
)

// tile repeats the summaries n times under new ids, as the 1M benchmarks
// do with the CDNOW summary (the same data lifetimes was timed on).
func tile(cs []metrics.CustomerSummary, n int) []metrics.CustomerSummary {
	out := make([]metrics.CustomerSummary, 0, len(cs)*n)
	for i := range n {
		for _, c := range cs {
			c.ID = fmt.Sprintf("%s-%d", c.ID, i)
			out = append(out, c)
		}
	}
	return out
}

func BenchmarkFitBGNBD(b *testing.B) {
	cs := cdnowPublished(b)
	for _, bc := range []struct {
		name string
		cs   []metrics.CustomerSummary
	}{{"cdnow", cs}, {"1M", tile(cs, 425)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := metrics.FitBGNBD(bc.cs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFitParetoNBD(b *testing.B) {
	cs := cdnowPublished(b)
	b.Run("cdnow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := metrics.FitParetoNBD(cs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkFitGammaGamma(b *testing.B) {
	cs, _ := cdnowSample(b)
	var repeaters []metrics.CustomerSummary
	for _, c := range cs {
		if c.Frequency > 0 {
			repeaters = append(repeaters, c)
		}
	}
	for _, bc := range []struct {
		name string
		cs   []metrics.CustomerSummary
	}{{"cdnow", repeaters}, {"1M", tile(repeaters, 1057)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := metrics.FitGammaGamma(bc.cs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSummary(b *testing.B) {
	for _, file := range []string{"master"} {
		ps, err := refdata.CDNOWTransactions("", "CDNOW_"+file+".txt")
		if err != nil {
			b.Fatal(err)
		}
		cfg := cdnowConfig
		cfg.ObservationEnd = cfg.CalibrationEnd
		b.Run(file, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, _ := metrics.NewSummarizer(cfg)
				if err := s.AddAll(refdata.Seq(ps)); err != nil {
					b.Fatal(err)
				}
				_ = s.Customers()
			}
		})
	}
}

// BenchmarkSummarizerCustomers times Customers alone on a summarizer that
// has read the CDNOW master log: the extraction part of
// BenchmarkSummary/master.
func BenchmarkSummarizerCustomers(b *testing.B) {
	ps, err := refdata.CDNOWTransactions("", "CDNOW_master.txt")
	if err != nil {
		b.Fatal(err)
	}
	cfg := cdnowConfig
	cfg.ObservationEnd = cfg.CalibrationEnd
	s, _ := metrics.NewSummarizer(cfg)
	if err := s.AddAll(refdata.Seq(ps)); err != nil {
		b.Fatal(err)
	}
	b.Run("master", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = s.Customers()
		}
	})
}

func BenchmarkFitBGBB(b *testing.B) {
	ds := donations(b)
	b.Run("donations", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := metrics.FitBGBB(ds); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkFitMBGNBD(b *testing.B) {
	cs := cdnowPublished(b)
	b.Run("cdnow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := metrics.FitMBGNBD(cs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkProbabilityOfPurchases times one pmf value at the CDNOW
// estimates (t = 39 weeks, x = 5) and the BG/BB's at the donations
// estimates (n = 6, x = 2).
func BenchmarkProbabilityOfPurchases(b *testing.B) {
	models := []struct {
		name string
		f    func() (float64, error)
	}{
		{"bgnbd", func() (float64, error) { return bgnbdPaper.ProbabilityOfPurchases(39, 5) }},
		{"mbgnbd", func() (float64, error) {
			return metrics.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}.ProbabilityOfPurchases(39, 5)
		}},
		{"pnbd", func() (float64, error) {
			return metrics.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}.ProbabilityOfPurchases(39, 5)
		}},
		{"bgbb", func() (float64, error) { return bgbbPaper.ProbabilityOfPurchases(6, 2) }},
	}
	for _, m := range models {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.f(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCohorts builds the monthly cohort table of the CDNOW master log
// from an Activity.
func BenchmarkCohorts(b *testing.B) {
	ps, err := refdata.CDNOWTransactions("", "CDNOW_master.txt")
	if err != nil {
		b.Fatal(err)
	}
	a, _ := metrics.NewActivity(metrics.Month, nil)
	if err := a.AddAll(refdata.Seq(ps)); err != nil {
		b.Fatal(err)
	}
	asOf := time.Date(1998, 7, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if len(a.Cohorts(asOf)) != 3 {
			b.Fatal("CDNOW's cohort is of three months")
		}
	}
}
