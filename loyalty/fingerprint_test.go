package loyalty

import (
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
)

// Equal payloads have equal fingerprints whatever the decimals'
// representation, and changing any field changes the fingerprint.
func TestFingerprint(t *testing.T) {
	d := decimal.RequireFromString
	long := decimal.New(1, 24)                                                                 // 10^24, coefficient 1
	longer := decimal.NewFromBigInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil), -6) // 10^24 again
	base := Order{ID: "o1", Total: d("10.50"), Channel: "app", Lines: []Line{{SKU: "a", Category: "c", Qty: 2, Price: d("5.25")}}}
	same := Order{ID: "o1", Total: d("10.5"), Channel: "app", Lines: []Line{{SKU: "a", Category: "c", Qty: 2, Price: d("5.250")}}}
	if base.fingerprint() != same.fingerprint() {
		t.Fatal("10.50 and 10.5 fingerprint differently")
	}
	if (Order{ID: "x", Total: long}).fingerprint() != (Order{ID: "x", Total: longer}).fingerprint() {
		t.Fatal("two representations of 10^24 fingerprint differently")
	}
	changed := []Order{
		{ID: "o2", Total: d("10.50"), Channel: "app", Lines: base.Lines},
		{ID: "o1", Total: d("10.51"), Channel: "app", Lines: base.Lines},
		{ID: "o1", Total: d("10.50"), Channel: "web", Lines: base.Lines},
		{ID: "o1", Total: d("10.50"), Channel: "app", Coupon: "X", Lines: base.Lines},
		{ID: "o1", Total: d("10.50"), Channel: "app", Lines: []Line{{SKU: "a", Category: "c", Qty: 3, Price: d("5.25")}}},
		{ID: "o1", Total: d("10.50"), Channel: "app"},
		{ID: "o1", Total: d("10.50"), Channel: "ap", Coupon: "p", Lines: base.Lines}, // no ambiguity between fields
	}
	for i, o := range changed {
		if o.fingerprint() == base.fingerprint() {
			t.Errorf("change %d keeps the fingerprint", i)
		}
	}
	ev := Event{ID: "e", Kind: "review", Attributes: map[string]string{"a": "1", "b": "2"}}
	if ev.fingerprint() != (Event{ID: "e", Kind: "review", Attributes: map[string]string{"b": "2", "a": "1"}}).fingerprint() ||
		ev.fingerprint() == (Event{ID: "e", Kind: "review", Attributes: map[string]string{"a": "1", "b": "3"}}).fingerprint() {
		t.Error("event attributes do not fingerprint by value")
	}
	if (Refund{ID: "r", Order: "o", Amount: d("1")}).fingerprint() == (Redemption{ID: "r", Points: d("1")}).fingerprint() {
		t.Error("a refund and a redemption share a fingerprint")
	}
}
