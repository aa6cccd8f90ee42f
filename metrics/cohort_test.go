package metrics_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/metrics"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func buy(customer string, y int, m time.Month, d int, amount int64) metrics.Purchase {
	return metrics.Purchase{Customer: customer, At: time.Date(y, m, d, 12, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(amount)}
}

func TestCohortsAndRetention(t *testing.T) {
	a, _ := metrics.NewActivity(metrics.Month, nil)
	for _, p := range []metrics.Purchase{
		buy("ann", 2026, 1, 5, 10), buy("ann", 2026, 2, 5, 10), buy("ann", 2026, 3, 5, 10),
		buy("bob", 2026, 1, 20, 30), buy("bob", 2026, 3, 1, 30),
		buy("cid", 2026, 2, 2, 50), buy("cid", 2026, 2, 9, 50),
		buy("dan", 2026, 4, 2, 5), // April has not ended at asOf
	} {
		if err := a.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	asOf := time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)
	want := []metrics.Cohort{
		{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Size: 2, Active: []int{2, 1, 2}},
		{Start: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Size: 1, Active: []int{1, 0}},
	}
	if diff := cmp.Diff(want, a.Cohorts(asOf)); diff != "" {
		t.Errorf("Cohorts mismatch (-want +got):\n%s", diff)
	}
	if _, ok := want[1].Retention(2); ok {
		t.Error("Retention(2) of the February cohort is observable on April 10")
	}
	wantRet := []metrics.PeriodRetention{
		{Start: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Previous: 2, Retained: 1, New: 1, Active: 2},
		{Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Previous: 2, Retained: 1, New: 0, Active: 2},
	}
	if diff := cmp.Diff(wantRet, a.Retention(asOf)); diff != "" {
		t.Errorf("Retention mismatch (-want +got):\n%s", diff)
	}
	if crr, ok := wantRet[0].CRR(); !ok || crr != 0.5 {
		t.Errorf("CRR = %v, %v; want 0.5", crr, ok)
	}
	if churn, ok := wantRet[0].Churn(); !ok || churn != 0.5 {
		t.Errorf("Churn = %v, %v; want 0.5", churn, ok)
	}
	nw, ret, err := a.NewVersusReturning(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	wantNew := metrics.Group{Customers: 1, Orders: 2, Revenue: decimal.NewFromInt(100), Repeaters: 0}
	wantRetg := metrics.Group{Customers: 2, Orders: 3, Revenue: decimal.NewFromInt(50), Repeaters: 1}
	if diff := cmp.Diff([]metrics.Group{wantNew, wantRetg}, []metrics.Group{nw, ret}); diff != "" {
		t.Errorf("NewVersusReturning mismatch (-want +got):\n%s", diff)
	}
}

// checkActivityMerge: activity counted in two shards and merged equals
// the activity of the whole log, whatever the order of purchases.
func checkActivityMerge(t *rapid.T) {
	log := genLog(t)
	whole, _ := metrics.NewActivity(metrics.ISOWeek, nil)
	a, _ := metrics.NewActivity(metrics.ISOWeek, nil)
	b, _ := metrics.NewActivity(metrics.ISOWeek, nil)
	for _, p := range log {
		_ = whole.Add(p)
		if rapid.Bool().Draw(t, "shard") {
			_ = a.Add(p)
		} else {
			_ = b.Add(p)
		}
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(1997, 12, 1, 0, 0, 0, 0, time.UTC)
	if diff := cmp.Diff(whole.Cohorts(asOf), a.Cohorts(asOf)); diff != "" {
		t.Fatalf("merged cohorts differ (-whole +merged):\n%s", diff)
	}
	if diff := cmp.Diff(whole.Retention(asOf), a.Retention(asOf)); diff != "" {
		t.Fatalf("merged retention differs (-whole +merged):\n%s", diff)
	}
	for _, c := range whole.Cohorts(asOf) {
		for k := range c.Active {
			if r, ok := c.Retention(k); !ok || r < 0 || r > 1 {
				t.Fatalf("cohort %v retention(%d) = %v, %v", c.Start, k, r, ok)
			}
		}
	}
}

func TestActivityMerge(t *testing.T) { rapid.Check(t, checkActivityMerge) }

// TestCDNOWCohorts: the CDNOW cohort first bought in Q1 1997, so its
// monthly table has three cohorts whose sizes add up to the 2,357.
func TestCDNOWCohorts(t *testing.T) {
	ps, err := refdata.CDNOWTransactions("", "CDNOW_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := metrics.NewActivity(metrics.Month, nil)
	if err := a.AddAll(refdata.Seq(ps)); err != nil {
		t.Fatal(err)
	}
	cohorts := a.Cohorts(time.Date(1998, 7, 1, 0, 0, 0, 0, time.UTC))
	total := 0
	for _, c := range cohorts {
		total += c.Size
		if c.Active[0] != c.Size {
			t.Errorf("cohort %v: Active[0] = %d, size %d", c.Start, c.Active[0], c.Size)
		}
	}
	if len(cohorts) != 3 || total != 2357 || len(cohorts[0].Active) != 18 {
		t.Errorf("%d cohorts, %d customers, %d months for the first; want 3, 2357, 18", len(cohorts), total, len(cohorts[0].Active))
	}
}
