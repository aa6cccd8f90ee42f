package segment_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

// synthetic draws n profiles with a seeded generator.
func synthetic(n int) []segment.Profile {
	rng := rand.New(rand.NewPCG(7, 11))
	ps := make([]segment.Profile, n)
	for i := range ps {
		orders := rng.IntN(40)
		ps[i] = segment.Profile{
			ID: fmt.Sprint(i), Orders: orders, Spend: decimal.New(rng.Int64N(20_000_000), -2),
			OrdersInPeriod: rng.IntN(orders + 1), SpendInPeriod: decimal.New(rng.Int64N(6_000_000), -2),
			DaysSinceLast: rng.IntN(720), Returns: rng.IntN(4), Complaints: rng.IntN(3),
		}
	}
	return ps
}

func BenchmarkRFM(b *testing.B) {
	ps := synthetic(1_000_000)
	b.Run("1M", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			segment.ScoredRFM(ps)
		}
	})
}

func BenchmarkSegment(b *testing.B) {
	ps := synthetic(1_000_000)
	s := seeds(b)
	b.Run("1M", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.AssignAll(ps); err != nil {
				b.Fatal(err)
			}
		}
	})
}
