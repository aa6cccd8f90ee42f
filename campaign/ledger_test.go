package campaign_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/campaign"
)

// Entries go through JSON (as a host stores them) and replay to the same
// state: instants, decimals and enums survive, and the hash chain holds.
func TestEntriesJSON(t *testing.T) {
	now := time.Date(2026, 3, 29, 1, 30, 0, 0, berlin) // the night the clocks change
	cfg := campaign.BudgetConfig{ID: "b", Unit: campaign.Money, Currency: "EUR", Places: 2, Total: dec("100.00"),
		PerPeriod: dec("30"), Period: campaign.Day, TimeZone: "Europe/Berlin"}
	b := newBudget(t, cfg)
	var all []campaign.Entry
	for i, amt := range []string{"12.50", "20", "0.01"} {
		var g campaign.Grant
		var err error
		b, g, err = b.Reserve(campaign.Reservation{ID: fmt.Sprint("r", i), Amount: dec(amt), Customer: "ann", Currency: "EUR"}, now.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, g.Entries...)
	}
	data, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{`"kind":"grant"`, `"op_kind":"reserve"`, `"reason":"period_exhausted"`, `"amount":"17.5"`} {
		if !strings.Contains(string(data), name) {
			t.Errorf("JSON lacks %s:\n%s", name, data)
		}
	}
	var back []campaign.Entry
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	got, err := campaign.ReplayBudget(cfg, back)
	if err != nil || !got.Equal(b) {
		t.Fatalf("replay after JSON: %v", err)
	}
	var k campaign.EntryKind
	if err := k.UnmarshalText([]byte("grnat")); err == nil || !strings.Contains(err.Error(), "grant") {
		t.Fatalf("unknown entry kind: %v, want a suggestion", err)
	}
	var c campaign.BudgetConfig
	err = json.Unmarshal([]byte(`{"id":"x","unit":"point","total":"5"}`), &c)
	if err == nil || !strings.Contains(err.Error(), "points") {
		t.Fatalf("unknown unit: %v", err)
	}
	if err := json.Unmarshal([]byte(`{"id":"x","unit":"gifts","total":"5","period":"month","per_period":"2","time_zone":"UTC","policy":"all_or_nothing"}`), &c); err != nil {
		t.Fatal(err)
	}
	want := campaign.BudgetConfig{ID: "x", Unit: campaign.Gifts, Total: dec("5"), Period: campaign.Month, PerPeriod: dec("2"), TimeZone: "UTC", Policy: campaign.AllOrNothing}
	if diff := cmp.Diff(want, c, decEq); diff != "" {
		t.Fatalf("BudgetConfig from JSON mismatch (-want +got):\n%s", diff)
	}
}

// A compiled campaign and a book are shared by goroutines: checks and
// operations only read them (run with -race).
func TestConcurrentReaders(t *testing.T) {
	c := compileCoupons(t, springConfig())
	codes := c.Codes("flyers")
	now := march1.AddDate(0, 0, 5)
	book := use(t, c.Book(), "o0", codes[0], "ann", now)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if v := book.Check(codes[0], "bob", now); v.Reason != campaign.UsedUp {
					errs <- fmt.Errorf("check: %v", v.Reason)
					return
				}
				nb, _, err := book.Use(campaign.CouponUse{Order: fmt.Sprint("g", g, "-", i), Code: codes[1+i%10], Customer: fmt.Sprint("c", g)}, now)
				if err != nil && !errors.Is(err, campaign.ErrRefused) {
					errs <- err
					return
				}
				if nb.Uses(codes[0]) != 1 {
					errs <- errors.New("a new book lost a use")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if book.Version() != 1 {
		t.Fatalf("the shared book changed: version %d", book.Version())
	}
}
