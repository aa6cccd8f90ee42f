package loyalty_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
)

// developmentShop: a point per euro, expiring two months after earning,
// a point paying 1.
func developmentShop(t testing.TB) *loyalty.Program {
	return mustProgram(t, loyalty.Config{Name: "dev", Currency: "EUR", TimeZone: "UTC", MoneyPlaces: 2,
		Rules:      []rules.Rule{{ID: "base", Kind: rules.Accrual, Value: "floor(order.Total)"}},
		Expiry:     loyalty.Expiry{Kind: loyalty.AfterMonths, Months: 2},
		Redemption: loyalty.RedemptionPolicy{PointValue: d("1")}})
}

// developmentLog is two customers' ledger, January to March 2025:
//
//	c1: earns 100 on 10 Jan; redeems 30 on 5 Feb; the other 70 expire
//	    (10 Mar, expired by the run on 31 Mar);
//	c2: earns 50 on 20 Jan, returns half (25 reversed) on 25 Jan; earns
//	    40 on 15 Feb; redeems 60 on 1 Mar: 25 from January's lot (the
//	    soonest to expire), 35 from February's.
func developmentLog(t testing.TB, p *loyalty.Program) []loyalty.Entry {
	t.Helper()
	c1, c2 := loyalty.Customer{ID: "c1"}, loyalty.Customer{ID: "c2"}
	var a1, a2 loyalty.Account
	var log []loyalty.Entry
	run := func(a *loyalty.Account, op func(loyalty.Account) (loyalty.Account, loyalty.Result, error)) {
		na, r, err := op(*a)
		if err != nil {
			t.Fatal(err)
		}
		*a, log = na, append(log, r.Entries...)
	}
	run(&a1, func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, c1, loyalty.Order{ID: "a", Total: d("100")}, at25(1, 10, 12))
	})
	run(&a2, func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, c2, loyalty.Order{ID: "a", Total: d("50")}, at25(1, 20, 12))
	})
	run(&a2, func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Refund(a, c2, loyalty.Refund{ID: "r", Order: "a", Amount: d("25")}, at25(1, 25, 12))
	})
	run(&a1, func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Redeem(a, c1, loyalty.Redemption{ID: "x", Points: d("30")}, at25(2, 5, 12))
	})
	run(&a2, func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Purchase(a, c2, loyalty.Order{ID: "b", Total: d("40")}, at25(2, 15, 12))
	})
	run(&a2, func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
		return p.Redeem(a, c2, loyalty.Redemption{ID: "x", Points: d("60")}, at25(3, 1, 12))
	})
	for _, a := range []*loyalty.Account{&a1, &a2} {
		run(a, func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) { return p.Expire(a, at25(3, 31, 12)) })
	}
	return log
}

// TestDevelopmentByHand checks the development of the log above, as of
// 1 April, against the numbers worked out by hand.
func TestDevelopmentByHand(t *testing.T) {
	p := developmentShop(t)
	cs, err := p.NewCohorts(time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range developmentLog(t, p) {
		if err := cs.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	show := func(s loyalty.CohortState) string {
		return "redeemed " + s.Redeemed.String() + " expired " + s.Expired.String() + " reversed " + s.Reversed.String() + " outstanding " + s.Outstanding.String()
	}
	type cohort struct {
		Month, Earned, Net string
		Ages               []string
		Latest             string
	}
	var got []cohort
	for _, c := range cs.Development().Cohorts {
		co := cohort{Month: c.Month.Format("2006-01"), Earned: c.Earned.String(), Net: c.Net().String(), Latest: show(c.Latest)}
		for _, s := range c.Ages {
			co.Ages = append(co.Ages, show(s))
		}
		got = append(got, co)
	}
	want := []cohort{
		{Month: "2025-01", Earned: "150", Net: "125", Ages: []string{
			"redeemed 0 expired 0 reversed 25 outstanding 125", // end of January: c2's refund
			"redeemed 30 expired 0 reversed 25 outstanding 95", // end of February: c1's redemption
			"redeemed 55 expired 70 reversed 25 outstanding 0", // end of March: c2's 25, c1's 70 expired
		}, Latest: "redeemed 55 expired 70 reversed 25 outstanding 0"},
		{Month: "2025-02", Earned: "40", Net: "40", Ages: []string{
			"redeemed 0 expired 0 reversed 0 outstanding 40",
			"redeemed 35 expired 0 reversed 0 outstanding 5",
		}, Latest: "redeemed 35 expired 0 reversed 0 outstanding 5"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Development mismatch (-want +got):\n%s", diff)
	}
	jan := cs.Development().Cohorts[0]
	if r, e, o := jan.Shares(jan.Latest); r != 0.44 || e != 0.56 || o != 0 {
		t.Errorf("January's shares: redeemed %v expired %v outstanding %v; want 0.44, 0.56, 0", r, e, o)
	}
}

// TestDevelopmentMidMonth: as of a mid-month instant, the month under
// way is in Latest only, not an age.
func TestDevelopmentMidMonth(t *testing.T) {
	p := developmentShop(t)
	cs, err := p.NewCohorts(at25(3, 15, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range developmentLog(t, p) {
		if e.At.After(at25(3, 15, 0)) {
			continue
		}
		if err := cs.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	dev := cs.Development()
	if len(dev.Cohorts) != 2 || len(dev.Cohorts[0].Ages) != 2 || len(dev.Cohorts[1].Ages) != 1 {
		t.Fatalf("ages: %+v", dev.Cohorts)
	}
	if got := dev.Cohorts[0].Latest.Redeemed; !got.Equal(d("55")) {
		t.Errorf("January's redeemed by 15 March: %s, want 55 (c2's 25 on 1 March in Latest)", got)
	}
}

// TestCohortsBadInput: entries after AsOf, or naming a lot never earned,
// are refused, naming the entry.
func TestCohortsBadInput(t *testing.T) {
	p := developmentShop(t)
	log := developmentLog(t, p)
	cs, err := p.NewCohorts(at25(2, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	var late error
	for _, e := range log {
		if late = cs.Add(e); late != nil {
			break
		}
	}
	if !errors.Is(late, loyalty.ErrInvalidInput) || !strings.Contains(late.Error(), "after as of") || !strings.Contains(late.Error(), `customer "c1"`) {
		t.Errorf("an entry after as of: %v", late)
	}
	cs, _ = p.NewCohorts(at25(5, 1, 0))
	var redeem loyalty.Entry
	for _, e := range log {
		if e.Kind == loyalty.Redeem {
			redeem = e
			break
		}
	}
	if err := cs.Add(redeem); !errors.Is(err, loyalty.ErrInvalidInput) || !strings.Contains(err.Error(), "no earlier entry") {
		t.Errorf("a redemption before its earning: %v", err)
	}
	earn := log[1]
	if err := cs.Add(earn); err != nil {
		t.Fatal(err)
	}
	if err := cs.Add(earn); err == nil || !strings.Contains(err.Error(), "a second time") {
		t.Errorf("an earning added twice: %v", err)
	}
	if _, err := p.NewCohorts(time.Time{}); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("NewCohorts(zero) = %v", err)
	}
	a, b := loyalty.Development{Zone: "UTC", AsOf: at25(1, 1, 0)}, loyalty.Development{Zone: "Europe/Berlin", AsOf: at25(1, 1, 0)}
	if _, err := a.Merge(b); !errors.Is(err, loyalty.ErrInvalidInput) {
		t.Errorf("merging developments of two zones: %v", err)
	}
}

// TestDevelopmentMerge: the developments of two sets of customers merge
// into the development of all of them.
func TestDevelopmentMerge(t *testing.T) {
	p := developmentShop(t)
	asOf := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	all, _ := p.NewCohorts(asOf)
	byCustomer := map[string]*loyalty.Cohorts{}
	for _, e := range developmentLog(t, p) {
		if byCustomer[e.Customer] == nil {
			byCustomer[e.Customer], _ = p.NewCohorts(asOf)
		}
		if err := all.Add(e); err != nil {
			t.Fatal(err)
		}
		if err := byCustomer[e.Customer].Add(e); err != nil {
			t.Fatal(err)
		}
	}
	merged, err := byCustomer["c2"].Development().Merge(byCustomer["c1"].Development())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all.Development(), merged); diff != "" {
		t.Errorf("Merge mismatch (-want +got):\n%s", diff)
	}
}
