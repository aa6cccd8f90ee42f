package campaign_test

import (
	"testing"

	"github.com/loyalkit/loyalkit/campaign"
)

var benchSeed = []byte("0123456789abcdef-bench-seed")

// BenchmarkGenerateCodes generates batches of codes (10 characters and a
// check character after a 3-letter prefix) as strings.
func BenchmarkGenerateCodes(b *testing.B) {
	f := campaign.CodeFormat{Prefix: "SPR", Length: 10}
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				codes, err := campaign.GenerateCodes(f, benchSeed, n, nil)
				if err != nil || len(codes) != n {
					b.Fatal(err)
				}
			}
		})
	}
}

func itoa(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return string(rune('0'+n/1_000_000)) + "M"
	case n >= 1000 && n%1000 == 0:
		return itoaSmall(n/1000) + "k"
	}
	return itoaSmall(n)
}

func itoaSmall(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
