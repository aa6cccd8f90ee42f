package campaign

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// FuzzSnapshotRecords fuzzes the records of snapshots past their
// checksum (it signs whatever the fuzzer makes), as a snapshot forged by
// someone who knows the format would be: loading never panics, and what
// loads writes a snapshot that loads back to it.
func FuzzSnapshotRecords(f *testing.F) {
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	bcfg := BudgetConfig{ID: "b", Unit: Points, Total: decimal.NewFromInt(100), PerPeriod: decimal.NewFromInt(60), Period: Week, TimeZone: "UTC"}
	b, _ := NewBudget(bcfg)
	b, _, _ = b.Reserve(Reservation{ID: "a", Amount: decimal.NewFromInt(50), Customer: "c"}, now)
	b, _, _ = b.Release(Release{ID: "x", Reservation: "a", Amount: decimal.NewFromInt(5)}, now)
	c, err := CompileCoupons(CouponConfig{Campaign: "c", Format: CodeFormat{Length: 6}, UsesPerCode: 2,
		Batches: []Batch{{ID: "b", Seed: []byte("0123456789abcdef"), Count: 3}}})
	if err != nil {
		f.Fatal(err)
	}
	cb := c.Book()
	cb, _, _ = cb.Use(CouponUse{Order: "o", Code: c.Codes("b")[0], Customer: "ann", Total: decimal.NewFromInt(9)}, now)
	cb, _, _ = cb.Refund(OrderRefund{ID: "r", Order: "o", Amount: decimal.NewFromInt(2)}, now)
	r, err := CompileReferrals(ReferralConfig{Campaign: "r", Format: CodeFormat{Length: 6}, Seed: []byte("0123456789abcdef"),
		FriendReward: Reward{Points: decimal.NewFromInt(5)}})
	if err != nil {
		f.Fatal(err)
	}
	rb := r.Book()
	rb, en, _ := rb.Enrol(Enrolment{Advocate: "ann"}, now)
	rb, _, _ = rb.Attribute(Attribution{Friend: "bob", Code: en.Code}, now)
	rb, _, _ = rb.Qualify(Purchase{Order: "q", Friend: "bob", Total: decimal.NewFromInt(3)}, now)
	for _, s := range [][]byte{b.Snapshot(), cb.Snapshot(), rb.Snapshot()} {
		f.Add(s[:len(s)-snapSum])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sum := sha256.Sum256(body)
		data := append(append([]byte(nil), body...), sum[:snapSum]...)
		if x, err := LoadBudget(bcfg, data); err == nil {
			if y, err := LoadBudget(bcfg, x.Snapshot()); err != nil || !y.Equal(x) {
				t.Fatalf("budget does not round-trip: %v", err)
			}
			x.Reserve(Reservation{ID: "new", Amount: decimal.NewFromInt(1)}, now)
		}
		if x, err := c.Load(data); err == nil {
			if y, err := c.Load(x.Snapshot()); err != nil || !y.Equal(x) {
				t.Fatalf("coupon book does not round-trip: %v", err)
			}
			x.Use(CouponUse{Order: "new", Code: c.Codes("b")[1], Customer: "ann"}, now)
		}
		if x, err := r.Load(data); err == nil {
			if y, err := r.Load(x.Snapshot()); err != nil || !y.Equal(x) {
				t.Fatalf("referral book does not round-trip: %v", err)
			}
			x.Refund(OrderRefund{ID: "new", Order: "q", Amount: decimal.NewFromInt(3)}, now)
		}
	})
}
