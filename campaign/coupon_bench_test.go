package campaign_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/campaign"
)

// BenchmarkCouponCheck validates codes against a campaign of a million
// generated codes and a book where 10,000 of them were used: a fresh
// code, a used one, a code typed in lower case with dashes, a mistyped
// one and a well-formed unknown one, in turn.
func BenchmarkCouponCheck(b *testing.B) {
	cfg := campaign.CouponConfig{Campaign: "spring", Format: campaign.CodeFormat{Prefix: "SPR", Length: 10}, UsesPerCode: 1, PerCustomer: 10,
		Batches: []campaign.Batch{{ID: "all", Seed: benchSeed, Count: 1_000_000}}}
	c, err := campaign.CompileCoupons(cfg)
	if err != nil {
		b.Fatal(err)
	}
	codes := c.Codes("all")
	book := c.Book()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	for i := range 10_000 {
		book, _, err = book.Use(campaign.CouponUse{Order: fmt.Sprint("o", i), Code: codes[i*7], Customer: fmt.Sprint("c", i%2000)}, now)
		if err != nil {
			b.Fatal(err)
		}
	}
	unknown := unissued(b, c, codes[:10])
	typed := "spr-" + codes[500_001][3:7] + "-" + codes[500_001][7:]
	inputs := []struct {
		name, code string
		want       campaign.Reason
	}{
		{"fresh", codes[500_000], campaign.NoReason},
		{"used", codes[7*99], campaign.UsedUp},
		{"typed", typed, campaign.NoReason},
		{"typo", codes[3][:5] + replaceAt(codes[3][5:], 0), campaign.BadCheck},
		{"unknown", unknown, campaign.UnknownCode},
	}
	for _, in := range inputs {
		if v := book.Check(in.code, "c7", now); v.Reason != in.want {
			b.Fatalf("%s: Check = %+v, want %v", in.name, v, in.want)
		}
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				book.Check(in.code, "c7", now)
			}
		})
	}
}

// BenchmarkCouponUse records one use on a book of 10,000 uses.
func BenchmarkCouponUse(b *testing.B) {
	cfg := campaign.CouponConfig{Campaign: "spring", Format: campaign.CodeFormat{Prefix: "SPR", Length: 10}, UsesPerCode: 1,
		Batches: []campaign.Batch{{ID: "all", Seed: benchSeed, Count: 100_000}}}
	c, err := campaign.CompileCoupons(cfg)
	if err != nil {
		b.Fatal(err)
	}
	codes := c.Codes("all")
	book := c.Book()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	for i := range 10_000 {
		book, _, _ = book.Use(campaign.CouponUse{Order: fmt.Sprint("o", i), Code: codes[i], Customer: "c"}, now)
	}
	b.ReportAllocs()
	i := 10_000
	for b.Loop() {
		if _, _, err := book.Use(campaign.CouponUse{Order: "new", Code: codes[i%len(codes)], Customer: "c"}, now); err != nil && i < len(codes) {
			b.Fatal(err)
		}
	}
}
