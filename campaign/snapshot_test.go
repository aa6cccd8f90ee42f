package campaign_test

import (
	"errors"
	"testing"

	"github.com/loyalkit/loyalkit/campaign"
)

// sampleStates makes one budget, coupon book and referral book with some
// history, and the entries each was folded from.
func sampleStates(t testing.TB) (campaign.Budget, campaign.CouponBook, campaign.ReferralBook) {
	t.Helper()
	now := march1.AddDate(0, 0, 3)
	b := newBudget(t, campaign.BudgetConfig{ID: "b", Unit: campaign.Points, Total: dec("100"), PerPeriod: dec("60"), Period: campaign.Week, TimeZone: "Europe/Berlin"})
	var err error
	for i, amt := range []string{"50", "30", "40"} {
		if b, _, err = b.Reserve(campaign.Reservation{ID: string(rune('a' + i)), Amount: dec(amt), Customer: "c"}, now.AddDate(0, 0, 4*i)); err != nil {
			t.Fatal(err)
		}
	}
	if b, _, err = b.Release(campaign.Release{ID: "x", Reservation: "a", Amount: dec("5")}, now); err != nil {
		t.Fatal(err)
	}
	c := compileCoupons(t, springConfig())
	cb := c.Book()
	codes := c.Codes("flyers")
	cb = use(t, cb, "o1", codes[0], "ann", now)
	cb = use(t, cb, "o2", "WELCOME10", "ann", now)
	if cb, _, err = cb.Use(campaign.CouponUse{Order: "o3", Code: codes[1], Customer: "bob", Total: dec("20")}, now); err != nil {
		t.Fatal(err)
	}
	if cb, _, err = cb.Refund(campaign.OrderRefund{ID: "r", Order: "o3", Amount: dec("20")}, now); err != nil {
		t.Fatal(err)
	}
	if cb, _, err = cb.Cancel("o1", now); err != nil {
		t.Fatal(err)
	}
	r := compileReferrals(t, friendsConfig())
	rb := must[campaign.EnrolResult](t)(r.Book().Enrol(campaign.Enrolment{Advocate: "ann", Key: "k-ann"}, now))
	rb = must[campaign.AttributeResult](t)(rb.Attribute(campaign.Attribution{Friend: "f1", Key: "k-f1", Code: mustCode(rb, "ann")}, now))
	rb = must[campaign.AttributeResult](t)(rb.Attribute(campaign.Attribution{Friend: "f2", Code: mustCode(rb, "ann")}, now))
	rb = must[campaign.QualifyResult](t)(rb.Qualify(campaign.Purchase{Order: "q1", Friend: "f1", Total: dec("70")}, now))
	rb = must[campaign.QualifyResult](t)(rb.Qualify(campaign.Purchase{Order: "q2", Friend: "f2", Total: dec("70")}, now))
	rb = must[campaign.ReferralRefundResult](t)(rb.Refund(campaign.OrderRefund{ID: "r1", Order: "q1", Amount: dec("70")}, now))
	return b, cb, rb
}

func TestSnapshots(t *testing.T) {
	b, cb, rb := sampleStates(t)
	later := april1.AddDate(0, 0, 10)
	// Loaded states are equal, and go on exactly as the originals.
	lb, err := campaign.LoadBudget(b.Config(), b.Snapshot())
	if err != nil || !lb.Equal(b) {
		t.Fatalf("LoadBudget: %v", err)
	}
	x1, g1, _ := b.Reserve(campaign.Reservation{ID: "z", Amount: dec("30")}, later)
	x2, g2, _ := lb.Reserve(campaign.Reservation{ID: "z", Amount: dec("30")}, later)
	if !x1.Equal(x2) || g1.Entries[0].Hash != g2.Entries[0].Hash {
		t.Fatal("a loaded budget goes on differently")
	}
	c := compileCoupons(t, springConfig())
	lc, err := c.Load(cb.Snapshot())
	if err != nil || !lc.Equal(cb) || lc.Uses("WELCOME10") != 1 || lc.CustomerUses("bob") != 0 {
		t.Fatalf("Coupons.Load: %v\n%s\n%s", err, lc, cb)
	}
	r := compileReferrals(t, friendsConfig())
	lr, err := r.Load(rb.Snapshot())
	if err != nil || !lr.Equal(rb) || lr.Rewards("ann") != 1 {
		t.Fatalf("Referrals.Load: %v\n%s\n%s", err, lr, rb)
	}
	// Under another configuration: ErrMismatch.
	other := b.Config()
	other.Places = 2
	if _, err := campaign.LoadBudget(other, b.Snapshot()); !errors.Is(err, campaign.ErrMismatch) {
		t.Fatalf("LoadBudget under other places: %v", err)
	}
	topped := b.Config()
	topped.Total = dec("1000")
	if _, err := campaign.LoadBudget(topped, b.Snapshot()); err != nil {
		t.Fatalf("LoadBudget under a topped-up total: %v", err)
	}
	cfg := springConfig()
	cfg.Format.Prefix = "SPX"
	if _, err := compileCoupons(t, cfg).Load(cb.Snapshot()); !errors.Is(err, campaign.ErrMismatch) {
		t.Fatalf("Coupons.Load under another prefix: %v", err)
	}
	// Kinds are not mixed up.
	if _, err := c.Load(b.Snapshot()); !errors.Is(err, campaign.ErrSnapshot) {
		t.Fatalf("a budget's snapshot as a coupon book: %v", err)
	}
	// Every one-bit change, and every truncation, is refused.
	for name, data := range map[string][]byte{"budget": b.Snapshot(), "coupons": cb.Snapshot(), "referrals": rb.Snapshot()} {
		load := func(d []byte) error {
			switch name {
			case "budget":
				_, err := campaign.LoadBudget(b.Config(), d)
				return err
			case "coupons":
				_, err := c.Load(d)
				return err
			}
			_, err := r.Load(d)
			return err
		}
		for i := range len(data) * 8 {
			d := append([]byte(nil), data...)
			d[i/8] ^= 1 << (i % 8)
			if err := load(d); err == nil {
				t.Fatalf("%s: bit %d flipped, loaded", name, i)
			}
		}
		for n := range len(data) {
			if err := load(data[:n]); !errors.Is(err, campaign.ErrSnapshot) {
				t.Fatalf("%s: truncated to %d bytes: %v", name, n, err)
			}
		}
	}
}

// FuzzLoadSnapshot: any bytes load without a panic, as an error or as a
// state whose snapshot loads back to itself.
func FuzzLoadSnapshot(f *testing.F) {
	b, cb, rb := sampleStates(f)
	for _, d := range [][]byte{b.Snapshot(), cb.Snapshot(), rb.Snapshot(), nil, []byte("LKCS")} {
		f.Add(d)
	}
	c := compileCoupons(f, springConfig())
	r := compileReferrals(f, friendsConfig())
	cfg := b.Config()
	f.Fuzz(func(t *testing.T, data []byte) {
		if x, err := campaign.LoadBudget(cfg, data); err == nil {
			if y, err := campaign.LoadBudget(cfg, x.Snapshot()); err != nil || !y.Equal(x) {
				t.Fatalf("budget does not round-trip: %v", err)
			}
		}
		if x, err := c.Load(data); err == nil {
			if y, err := c.Load(x.Snapshot()); err != nil || !y.Equal(x) {
				t.Fatalf("coupon book does not round-trip: %v", err)
			}
		}
		if x, err := r.Load(data); err == nil {
			if y, err := r.Load(x.Snapshot()); err != nil || !y.Equal(x) {
				t.Fatalf("referral book does not round-trip: %v", err)
			}
		}
	})
}
