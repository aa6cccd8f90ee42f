package loyalty

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestFingerprintsStable: the fingerprints stored in ledgers and
// snapshots (a retry's payload is compared with them; a programme's
// compatibility key binds accounts) stay what they were: the values
// below were computed by commit 4cccdac, before the fingerprinter became a
// value type.
func TestFingerprintsStable(t *testing.T) {
	d := decimal.RequireFromString
	for _, tc := range []struct{ name, got, want string }{
		{"order", Order{ID: "o1", Currency: "EUR", Total: d("12.50"), Channel: "web", Coupon: "C", Redemption: "r1",
			Lines:  []Line{{SKU: "a", Category: "beans", Qty: 2, Price: d("3.25")}, {SKU: "b", Qty: 1, Price: d("6")}},
			Grants: Grants{"spring": d("5"), "autumn": d("1.5")}}.fingerprint(), "431cc553431f8477e1d2cb32"},
		{"refund", Refund{ID: "r1", Order: "o1", Amount: d("2"), Lines: []RefundLine{{SKU: "a", Qty: 1}}}.fingerprint(), "178a55b725eab141adc49dda"},
		{"event", Event{ID: "e1", Kind: "review", Attributes: map[string]string{"stars": "5", "lang": "de"}, Grants: Grants{"g": d("1")}}.fingerprint(), "f2e3d4228e5ab79a0901da3a"},
		{"hold", Hold{ID: "h1", Order: "o1", Points: d("120"), OrderTotal: d("30.5"), Currency: "EUR",
			Until: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), For: time.Hour}.fingerprint(), "6e1a428782696c2f5ee5139d"},
		{"redemption", Redemption{ID: "x1", Points: d("50"), OrderTotal: d("20"), Currency: "EUR"}.fingerprint(), "f29198239326c42ce6a15581"},
		{"reversal", Reversal{ID: "v1", Event: "e1"}.fingerprint(), "583ed24e99521857a1761444"},
		{"compatibility key", Config{Currency: "EUR", PointsPlaces: 2, MoneyPlaces: 2, Tiers: []Tier{{Name: "member"}, {Name: "gold"}}}.compatKey(), "476ea82753deaab56fb41558"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: fingerprint %s, was %s", tc.name, tc.got, tc.want)
		}
	}
}
