package loyalty_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// liabilityShop: a point per euro, pending 14 days, expiring 3 months
// after earning, worth 0.01; refunds of spent points become debt.
func liabilityShop(t testing.TB) *loyalty.Program {
	return mustProgram(t, loyalty.Config{Name: "liab", Currency: "EUR", TimeZone: "UTC", MoneyPlaces: 2,
		Rules:       []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"}},
		Expiry:      loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 3},
		PendingDays: 14,
		Redemption:  loyalty.RedemptionPolicy{PointValue: d("0.01")}})
}

func at25(m time.Month, day, hour int) time.Time {
	return time.Date(2025, m, day, hour, 0, 0, 0, time.UTC)
}

// liabilityAccounts are three customers as of 26 March 2025 13:00:
//
//	c1: 100 points earned 10 Jan (expire 10 Apr), 50 on 20 Feb (20 May),
//	    30 on 25 Mar (pending until 8 Apr; expire 25 Jun); 20 held from
//	    12:30 for two hours;
//	c2: 80 earned 1 Jan at noon, expiring 1 Apr at noon, never expired
//	    by an Expire run;
//	c3: earned 40, spent them, then returned the order: a debt of 40.
func liabilityAccounts(t testing.TB, p *loyalty.Program) []loyalty.Account {
	t.Helper()
	type step func(loyalty.Account) (loyalty.Account, loyalty.Result, error)
	buy := func(c loyalty.Customer, id string, total string, at time.Time) step {
		return func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: id, Total: d(total)}, at)
		}
	}
	c1, c2, c3 := loyalty.Customer{ID: "c1"}, loyalty.Customer{ID: "c2"}, loyalty.Customer{ID: "c3"}
	histories := [][]step{
		{buy(c1, "a", "100", at25(1, 10, 12)), buy(c1, "b", "50", at25(2, 20, 12)), buy(c1, "c", "30", at25(3, 25, 12)),
			func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
				return p.Hold(a, c1, loyalty.Hold{ID: "h", Points: d("20"), For: 2 * time.Hour}, at25(3, 26, 12).Add(30*time.Minute))
			}},
		{buy(c2, "d", "80", at25(1, 1, 12))},
		{buy(c3, "e", "40", at25(1, 15, 12)),
			func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
				return p.Redeem(a, c3, loyalty.Redemption{ID: "x", Points: d("40")}, at25(2, 1, 12))
			},
			func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
				return p.Refund(a, c3, loyalty.Refund{ID: "r", Order: "e", Amount: d("40")}, at25(2, 2, 12))
			}},
	}
	var out []loyalty.Account
	for _, h := range histories {
		var a loyalty.Account
		for _, s := range h {
			var err error
			if a, _, err = s(a); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, a)
	}
	return out
}

// TestLiabilityByHand checks the three accounts above at two instants
// against numbers worked out by hand.
func TestLiabilityByHand(t *testing.T) {
	p := liabilityShop(t)
	accounts := liabilityAccounts(t, p)
	type view struct {
		Accounts                                                int
		Available, Pending, Held, Outstanding, PastExpiry, Debt string
		Value, Liability                                        string
		Buckets                                                 []string // month: points value liability
		Later, NoExpiry                                         string
	}
	show := func(r loyalty.LiabilityReport) view {
		v := view{Accounts: r.Accounts, Available: r.Available.String(), Pending: r.Pending.String(), Held: r.Held.String(),
			Outstanding: r.Outstanding.String(), PastExpiry: r.PastExpiry.String(), Debt: r.Debt.String(), Value: r.Value.String(),
			Liability: r.Liability.String(), Later: r.Later.Points.String() + " " + r.Later.Liability.String(),
			NoExpiry: r.NoExpiry.Points.String()}
		for _, b := range r.Buckets {
			v.Buckets = append(v.Buckets, fmt.Sprintf("%s: %s %s %s", b.From.Format("2006-01-02"), b.Points, b.Value, b.Liability))
		}
		return v
	}
	tests := []struct {
		name string
		at   time.Time
		want view
		why  string
	}{
		{"26 March", at25(3, 26, 13), view{Accounts: 3, Available: "210", Pending: "30", Held: "20", Outstanding: "260", PastExpiry: "0",
			Debt: "40", Value: "2.6", Liability: "2.08",
			Buckets: []string{"2025-03-26: 0 0 0", "2025-04-01: 180 1.8 1.44", "2025-05-01: 50 0.5 0.4"}, Later: "30 0.24", NoExpiry: "0"},
			"c1 150 − 20 held + c2 80 available; c1's 30 pending; April: c1's 100 and c2's 80 (which expire at noon on 1 April)"},
		{"5 April", at25(4, 5, 12), view{Accounts: 3, Available: "150", Pending: "30", Held: "0", Outstanding: "180", PastExpiry: "80",
			Debt: "40", Value: "1.8", Liability: "1.44",
			Buckets: []string{"2025-04-05: 100 1 0.8", "2025-05-01: 50 0.5 0.4", "2025-06-01: 30 0.3 0.24"}, Later: "0 0", NoExpiry: "0"},
			"the hold lapsed; c2's 80 are past expiry (no Expire run yet): not owed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := p.Liability(slices.Values(accounts), loyalty.LiabilityConfig{At: tt.at, Breakage: d("0.2"), Buckets: 3})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, show(r)); diff != "" {
				t.Errorf("Liability(%s) mismatch (-want +got): %s\n%s", tt.at, tt.why, diff)
			}
		})
	}
}

// TestLiabilityBadInput: bad configurations and accounts are errors
// naming the field or the account.
func TestLiabilityBadInput(t *testing.T) {
	p := liabilityShop(t)
	accounts := liabilityAccounts(t, p)
	other := mustProgram(t, func() loyalty.Config { c := shopA(); c.PointsPlaces = 2; return c }())
	foreign, _, err := other.Purchase(loyalty.Account{}, loyalty.Customer{ID: "z"}, loyalty.Order{ID: "o", Total: d("5")}, at25(1, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		cfg      loyalty.LiabilityConfig
		accounts []loyalty.Account
		is       error
		says     []string
	}{
		{"no instant", loyalty.LiabilityConfig{}, accounts, loyalty.ErrInvalidInput, []string{"at is required"}},
		{"breakage over 1", loyalty.LiabilityConfig{At: at25(6, 1, 0), Breakage: d("1.5")}, accounts, loyalty.ErrInvalidInput,
			[]string{"breakage", "outside [0, 1]"}},
		{"negative value and buckets", loyalty.LiabilityConfig{At: at25(6, 1, 0), PointValue: d("-1"), Buckets: -2}, accounts,
			loyalty.ErrInvalidInput, []string{"point_value", "buckets -2"}},
		{"an account of another programme", loyalty.LiabilityConfig{At: at25(6, 1, 0)}, append(slices.Clone(accounts), foreign),
			loyalty.ErrProgramMismatch, []string{"accounts[3]", `customer "z"`}},
		{"an account after the instant", loyalty.LiabilityConfig{At: at25(2, 1, 0)}, accounts, loyalty.ErrInvalidInput,
			[]string{"accounts[0]", `customer "c1"`, "after at"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Liability(slices.Values(tt.accounts), tt.cfg)
			if !errors.Is(err, tt.is) {
				t.Fatalf("Liability error %v, want %v", err, tt.is)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
	var nilProgram *loyalty.Program
	if _, err := nilProgram.Liability(slices.Values(accounts), loyalty.LiabilityConfig{At: at25(6, 1, 0)}); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("a nil programme: %v", err)
	}
}

// checkLiabilityBalances: over random accounts, the liability by state
// is the sum of the accounts' balances, the buckets add up to the
// outstanding points, and the money is the points times the value less
// breakage.
func checkLiabilityBalances(t *rapid.T) {
	cfg := btConfig(t, btStart)
	cfg.B = cfg.A
	log := btLog(t, btStart, 30)
	p, err := loyalty.Compile(cfg.A)
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string]loyalty.Account{}
	var last time.Time
	for _, r := range log { // the purchases, refunds and events only: enough to make lots of every kind
		a := accounts[r.Customer.ID]
		switch r.Kind {
		case loyalty.OpPurchase:
			r.Order.Redemption = ""
			a, _, err = p.Purchase(a, r.Customer, r.Order, r.At)
		case loyalty.OpRefund:
			a, _, err = p.Refund(a, r.Customer, r.Refund, r.At)
		case loyalty.OpEvent:
			a, _, err = p.Event(a, r.Customer, r.Event, r.At)
		case loyalty.OpRedeem:
			r.Redemption.OrderTotal = decimal.Zero
			a, _, err = p.Redeem(a, r.Customer, r.Redemption, r.At)
		}
		if err == nil {
			accounts[r.Customer.ID] = a
			last = r.At
		}
	}
	if last.IsZero() {
		t.Skip("no account")
	}
	at := last.Add(time.Duration(rapid.IntRange(0, 400*24).Draw(t, "hours after")) * time.Hour)
	lc := loyalty.LiabilityConfig{At: at, Breakage: d(rapid.SampledFrom([]string{"0", "0.3", "1"}).Draw(t, "breakage")),
		Buckets: rapid.IntRange(0, 14).Draw(t, "buckets")}
	var all []loyalty.Account
	var sum [5]decimal.Decimal
	for _, a := range accounts {
		all = append(all, a)
		b := a.Balance(at)
		for i, v := range []decimal.Decimal{b.Available, b.Pending, b.Held, b.Expiring, b.Debt} {
			sum[i] = sum[i].Add(v)
		}
	}
	r, err := p.Liability(slices.Values(all), lc)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]decimal.Decimal{sum[0], sum[1], sum[2], sum[3], sum[4]},
		[]decimal.Decimal{r.Available, r.Pending, r.Held, r.PastExpiry, r.Debt}); diff != "" {
		t.Fatalf("Liability by state mismatch with the sum of Balance (-want +got):\n%s", diff)
	}
	points, value, liab := r.Later.Points.Add(r.NoExpiry.Points), r.Later.Value.Add(r.NoExpiry.Value), r.Later.Liability.Add(r.NoExpiry.Liability)
	for _, b := range r.Buckets {
		points, value, liab = points.Add(b.Points), value.Add(b.Value), liab.Add(b.Liability)
	}
	pv := cfg.A.Redemption.PointValue
	keep := decimal.NewFromInt(1).Sub(lc.Breakage)
	if !points.Equal(r.Outstanding) || !value.Equal(r.Value) || !liab.Equal(r.Liability) ||
		!r.Value.Equal(r.Outstanding.Mul(pv)) || !r.Liability.Equal(r.Value.Mul(keep)) {
		t.Fatalf("buckets add to %s / %s / %s; outstanding %s, value %s, liability %s (value %s, breakage %s)",
			points, value, liab, r.Outstanding, r.Value, r.Liability, pv, lc.Breakage)
	}
	// The expiry side: what Expiring lists as expiring after at is the
	// buckets and Later.
	var expiring decimal.Decimal
	for _, a := range accounts {
		for _, e := range a.Expiring(at, at.AddDate(200, 0, 0)) {
			expiring = expiring.Add(e.Points)
		}
	}
	if dated := r.Outstanding.Sub(r.NoExpiry.Points); !dated.Equal(expiring) {
		t.Fatalf("points with an expiry: %s in the report, %s by Expiring", dated, expiring)
	}
}

func TestLiabilityBalances(t *testing.T) { rapid.Check(t, checkLiabilityBalances) }
func FuzzLiabilityBalances(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkLiabilityBalances)) }

// TestLiabilityMonthEnd: points "expiring at the end of March" expire at
// the first instant of April, in the programme's zone, and are in March's
// bucket.
func TestLiabilityMonthEnd(t *testing.T) {
	p := mustProgram(t, loyalty.Config{Name: "eom", Currency: "EUR", TimeZone: "Europe/Berlin",
		Rules:      []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"}},
		Expiry:     loyalty.Expiry{Kind: loyalty.EndOfMonth},
		Redemption: loyalty.RedemptionPolicy{PointValue: d("1")}})
	// 23:30 UTC on 31 March is 1 April in Berlin: April's points.
	var a loyalty.Account
	for i, at := range []time.Time{at25(3, 10, 12), time.Date(2025, 3, 31, 23, 30, 0, 0, time.UTC)} {
		var err error
		if a, _, err = p.Purchase(a, loyalty.Customer{ID: "c"}, loyalty.Order{ID: fmt.Sprint(i), Total: d(fmt.Sprint(10 * (i + 1)))}, at); err != nil {
			t.Fatal(err)
		}
	}
	r, err := p.Liability(slices.Values([]loyalty.Account{a}), loyalty.LiabilityConfig{At: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), Buckets: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range r.Buckets {
		got = append(got, b.From.In(p.Location()).Format("2006-01-02 15:04")+" "+b.Points.String())
	}
	// At is 02:00 on 1 April in Berlin: March's 10 expired at midnight.
	if want := []string{"2025-04-01 02:00 20", "2025-05-01 00:00 0"}; !cmp.Equal(want, got) || !r.PastExpiry.Equal(d("10")) {
		t.Errorf("buckets %q (past expiry %s), want %q (10)", got, r.PastExpiry, want)
	}
	r, err = p.Liability(slices.Values([]loyalty.Account{a}), loyalty.LiabilityConfig{At: time.Date(2025, 3, 31, 21, 0, 0, 0, time.UTC), Buckets: 1})
	if err == nil {
		t.Fatalf("an account with April's points as of 31 March 23:00 in Berlin: %+v", r)
	}
	r, err = p.Liability(slices.Values([]loyalty.Account{a}), loyalty.LiabilityConfig{At: time.Date(2025, 3, 31, 23, 45, 0, 0, time.UTC), Buckets: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Buckets[0].Points.Equal(d("20")) || !r.PastExpiry.Equal(d("10")) {
		t.Errorf("this month %s, past expiry %s; want 20 and 10", r.Buckets[0].Points, r.PastExpiry)
	}
}
