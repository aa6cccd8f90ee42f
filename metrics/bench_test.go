package metrics_test

import (
	"fmt"
	"testing"

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
				if _, _, err := metrics.FitBGNBD(bc.cs, metrics.Weeks); err != nil {
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
			if _, _, err := metrics.FitParetoNBD(cs, metrics.Weeks); err != nil {
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
			if _, _, err := metrics.FitMBGNBD(cs, metrics.Weeks); err != nil {
				b.Fatal(err)
			}
		}
	})
}
