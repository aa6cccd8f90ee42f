package campaign_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/campaign"
	"github.com/shopspring/decimal"
)

// BenchmarkReserve reserves from a budget with a monthly cap that already
// holds n reservations (a retry, a new reservation), and replays and loads
// a budget of n reservations.
func BenchmarkReserve(b *testing.B) {
	cfg := campaign.BudgetConfig{ID: "b", Unit: campaign.Points, Total: decimal.NewFromInt(1 << 40),
		PerPeriod: decimal.NewFromInt(1 << 40), Period: campaign.Month, TimeZone: "Europe/Berlin"}
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, n := range []int{1_000, 100_000} {
		budget, err := campaign.NewBudget(cfg)
		if err != nil {
			b.Fatal(err)
		}
		var entries []campaign.Entry
		for i := range n {
			var g campaign.Grant
			budget, g, err = budget.Reserve(campaign.Reservation{ID: fmt.Sprint("o", i), Amount: decimal.NewFromInt(10), Customer: "c"}, now)
			if err != nil {
				b.Fatal(err)
			}
			entries = append(entries, g.Entries...)
		}
		b.Run(itoa(n)+"/new", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := budget.Reserve(campaign.Reservation{ID: "new", Amount: decimal.NewFromInt(10), Customer: "c"}, now); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(itoa(n)+"/retry", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, g, _ := budget.Reserve(campaign.Reservation{ID: "o7", Amount: decimal.NewFromInt(10), Customer: "c"}, now); !g.Duplicate {
					b.Fatal("not a duplicate")
				}
			}
		})
		b.Run(itoa(n)+"/replay", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := campaign.ReplayBudget(cfg, entries); err != nil {
					b.Fatal(err)
				}
			}
		})
		snap := budget.Snapshot()
		b.Run(itoa(n)+"/load", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(snap)))
			for b.Loop() {
				if _, err := campaign.LoadBudget(cfg, snap); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
