package campaign_test

import (
	"strings"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/campaign"
	"github.com/shopspring/decimal"
)

// TestNumbersTooLong: budgets and coupon books refuse numbers with more
// than 60 digits either side of the point (1e2147483647 is a few bytes;
// exact arithmetic on it, or writing it out, would not end), naming the
// field, and quickly.
func TestNumbersTooLong(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for _, huge := range []decimal.Decimal{decimal.New(1, 2147483647), decimal.New(-1, 2147483647), decimal.New(1, -2147483648),
		decimal.RequireFromString("1" + strings.Repeat("0", 130)), decimal.New(1234567890123456789, 2147483647)} {
		cfg := campaign.BudgetConfig{ID: "b", Unit: campaign.Points, Total: huge}
		if _, err := campaign.NewBudget(cfg); err == nil || !strings.Contains(err.Error(), "total") {
			t.Errorf("a budget total of %d digits, exponent %d: %v", huge.NumDigits(), huge.Exponent(), err)
		}
		b, err := campaign.NewBudget(campaign.BudgetConfig{ID: "b", Unit: campaign.Points, Total: decimal.NewFromInt(100)})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.Reserve(campaign.Reservation{ID: "r1", Amount: huge}, now); err == nil || !strings.Contains(err.Error(), "amount") {
			t.Errorf("a reservation of exponent %d: %v", huge.Exponent(), err)
		}
		b, _, err = b.Reserve(campaign.Reservation{ID: "r1", Amount: decimal.NewFromInt(10)}, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.Release(campaign.Release{ID: "x1", Reservation: "r1", Amount: huge}, now); err == nil || !strings.Contains(err.Error(), "amount") {
			t.Errorf("a release of exponent %d: %v", huge.Exponent(), err)
		}
		book := compileCoupons(t, springConfig()).Book()
		if _, _, err := book.Use(campaign.CouponUse{Order: "o1", Code: "WELCOME10", Customer: "dan", Total: huge}, march1.AddDate(0, 0, 10)); err == nil || !strings.Contains(err.Error(), "total") {
			t.Errorf("a coupon use with a total of exponent %d: %v", huge.Exponent(), err)
		}
		book = use(t, book, "o1", "WELCOME10", "dan", march1.AddDate(0, 0, 10))
		if _, _, err := book.Refund(campaign.OrderRefund{ID: "f1", Order: "o1", Amount: huge}, march1.AddDate(0, 0, 11)); err == nil || !strings.Contains(err.Error(), "amount") {
			t.Errorf("a refund of exponent %d: %v", huge.Exponent(), err)
		}
	}
}
