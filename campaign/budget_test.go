package campaign_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/campaign"
	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// decEq compares decimals by value in cmp.Diff.
var decEq = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

var berlin = mustZone("Europe/Berlin")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func newBudget(t testing.TB, cfg campaign.BudgetConfig) campaign.Budget {
	t.Helper()
	b, err := campaign.NewBudget(cfg)
	if err != nil {
		t.Fatalf("NewBudget: %v", err)
	}
	return b
}

func TestBudgetConfigValidate(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ok := campaign.BudgetConfig{ID: "spring", Unit: campaign.Points, Total: dec("1000")}
	tests := []struct {
		name, reason string
		edit         func(*campaign.BudgetConfig)
		field        string // "" when valid
	}{
		{"valid", "a total alone is a budget", func(*campaign.BudgetConfig) {}, ""},
		{"no id", "the id names the ledger", func(c *campaign.BudgetConfig) { c.ID = "" }, "id"},
		{"no unit", "the zero unit is unset", func(c *campaign.BudgetConfig) { c.Unit = 0 }, "unit"},
		{"unknown unit", "closed set", func(c *campaign.BudgetConfig) { c.Unit = 9 }, "unit"},
		{"money without currency", "money counts in a currency", func(c *campaign.BudgetConfig) { c.Unit = campaign.Money }, "currency"},
		{"points with currency", "only money has one", func(c *campaign.BudgetConfig) { c.Currency = "EUR" }, "currency"},
		{"places out of range", "0..8", func(c *campaign.BudgetConfig) { c.Places = 9 }, "places"},
		{"gifts with places", "gifts are whole", func(c *campaign.BudgetConfig) { c.Unit = campaign.Gifts; c.Places = 2 }, "places"},
		{"negative total", "caps are positive", func(c *campaign.BudgetConfig) { c.Total = dec("-1") }, "total"},
		{"zero caps", "a budget needs a cap", func(c *campaign.BudgetConfig) { c.Total = decimal.Zero }, "total"},
		{"fraction of a unit", "no rounding", func(c *campaign.BudgetConfig) { c.Total = dec("10.5") }, "total"},
		{"period without cap", "per_period must be positive", func(c *campaign.BudgetConfig) { c.Period = campaign.Month; c.TimeZone = "UTC" }, "per_period"},
		{"cap without period", "period required", func(c *campaign.BudgetConfig) { c.PerPeriod = dec("10") }, "period"},
		{"negative period cap", "caps are positive", func(c *campaign.BudgetConfig) {
			c.Period, c.PerPeriod, c.TimeZone = campaign.Month, dec("-5"), "UTC"
		}, "per_period"},
		{"period without zone", "calendar periods need a zone", func(c *campaign.BudgetConfig) { c.Period, c.PerPeriod = campaign.Month, dec("10") }, "time_zone"},
		{"unknown zone", "IANA names only", func(c *campaign.BudgetConfig) {
			c.Period, c.PerPeriod, c.TimeZone = campaign.Month, dec("10"), "Mars/Olympus"
		}, "time_zone"},
		{"period and windows", "one or the other", func(c *campaign.BudgetConfig) {
			c.Period, c.PerPeriod, c.TimeZone = campaign.Month, dec("10"), "UTC"
			c.Windows = []campaign.Window{{From: at, Until: at.AddDate(0, 0, 7), Cap: dec("5")}}
		}, "windows"},
		{"overlapping windows", "a reservation would count in two", func(c *campaign.BudgetConfig) {
			c.Windows = []campaign.Window{{From: at, Until: at.AddDate(0, 0, 7), Cap: dec("5")}, {From: at.AddDate(0, 0, 6), Until: at.AddDate(0, 0, 14), Cap: dec("5")}}
		}, "overlaps"},
		{"empty window", "until after from", func(c *campaign.BudgetConfig) {
			c.Windows = []campaign.Window{{From: at, Until: at, Cap: dec("5")}}
		}, "windows"},
		{"window zero cap", "caps are positive", func(c *campaign.BudgetConfig) {
			c.Windows = []campaign.Window{{From: at, Until: at.AddDate(0, 0, 1)}}
		}, "windows"},
		{"unknown policy", "closed set", func(c *campaign.BudgetConfig) { c.Policy = 7 }, "policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil (%s)", err, tt.reason)
				}
				return
			}
			if !errors.Is(err, campaign.ErrInvalidInput) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("Validate() = %v, want an invalid-input error about %q (%s)", err, tt.field, tt.reason)
			}
			if _, err2 := campaign.NewBudget(c); err2 == nil {
				t.Fatalf("NewBudget accepted what Validate refused")
			}
		})
	}
}

func TestReserve(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	type step struct {
		r          campaign.Reservation
		at         time.Time
		want       string // granted
		reason     campaign.Reason
		wantRemain string
	}
	tests := []struct {
		name, reason string
		cfg          campaign.BudgetConfig
		steps        []step
	}{
		{"partial", "the last reservation gets what is left", campaign.BudgetConfig{ID: "b", Unit: campaign.Points, Total: dec("100")},
			[]step{
				{campaign.Reservation{ID: "1", Amount: dec("60")}, now, "60", campaign.NoReason, "40"},
				{campaign.Reservation{ID: "2", Amount: dec("60")}, now, "40", campaign.Exhausted, "0"},
				{campaign.Reservation{ID: "3", Amount: dec("1")}, now, "0", campaign.Exhausted, "0"},
			}},
		{"all or nothing", "a gift is not split", campaign.BudgetConfig{ID: "b", Unit: campaign.Gifts, Total: dec("3"), Policy: campaign.AllOrNothing},
			[]step{
				{campaign.Reservation{ID: "1", Amount: dec("2")}, now, "2", campaign.NoReason, "1"},
				{campaign.Reservation{ID: "2", Amount: dec("2")}, now, "0", campaign.Exhausted, "1"},
				{campaign.Reservation{ID: "3", Amount: dec("1")}, now, "1", campaign.NoReason, "0"},
			}},
		{"money cents", "places are kept exactly", campaign.BudgetConfig{ID: "b", Unit: campaign.Money, Currency: "EUR", Places: 2, Total: dec("10.00")},
			[]step{
				{campaign.Reservation{ID: "1", Amount: dec("9.99"), Currency: "EUR"}, now, "9.99", campaign.NoReason, "0.01"},
				{campaign.Reservation{ID: "2", Amount: dec("0.50")}, now, "0.01", campaign.Exhausted, "0"},
			}},
		{"month in zone", "Berlin's April starts at 22:00 UTC on March 31", campaign.BudgetConfig{ID: "b", Unit: campaign.Points,
			PerPeriod: dec("10"), Period: campaign.Month, TimeZone: "Europe/Berlin"},
			[]step{
				{campaign.Reservation{ID: "1", Amount: dec("10")}, time.Date(2026, 3, 31, 21, 59, 59, 0, time.UTC), "10", campaign.NoReason, "0"},
				{campaign.Reservation{ID: "2", Amount: dec("5")}, time.Date(2026, 3, 31, 21, 59, 59, 0, time.UTC), "0", campaign.PeriodExhausted, "0"},
				{campaign.Reservation{ID: "3", Amount: dec("5")}, time.Date(2026, 3, 31, 22, 0, 0, 0, time.UTC), "5", campaign.NoReason, "5"},
			}},
		{"total limits before period", "the smaller cap decides and names itself", campaign.BudgetConfig{ID: "b", Unit: campaign.Points,
			Total: dec("12"), PerPeriod: dec("10"), Period: campaign.Day, TimeZone: "UTC"},
			[]step{
				{campaign.Reservation{ID: "1", Amount: dec("15")}, now, "10", campaign.PeriodExhausted, "0"},
				{campaign.Reservation{ID: "2", Amount: dec("15")}, now.AddDate(0, 0, 1), "2", campaign.Exhausted, "0"},
			}},
		{"windows", "each window has its own cap; between them nothing", campaign.BudgetConfig{ID: "b", Unit: campaign.Gifts,
			Windows: []campaign.Window{{From: now, Until: now.Add(time.Hour), Cap: dec("2")}, {From: now.Add(2 * time.Hour), Until: now.Add(3 * time.Hour), Cap: dec("1")}}},
			[]step{
				{campaign.Reservation{ID: "1", Amount: dec("3")}, now, "2", campaign.PeriodExhausted, "0"},
				{campaign.Reservation{ID: "2", Amount: dec("1")}, now.Add(90 * time.Minute), "0", campaign.OutsideWindows, "0"},
				{campaign.Reservation{ID: "3", Amount: dec("1")}, now.Add(2 * time.Hour), "1", campaign.NoReason, "0"},
				{campaign.Reservation{ID: "4", Amount: dec("1")}, now.Add(3 * time.Hour), "0", campaign.OutsideWindows, "0"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBudget(t, tt.cfg)
			for i, s := range tt.steps {
				nb, g, err := b.Reserve(s.r, s.at)
				if err != nil {
					t.Fatalf("step %d: Reserve: %v", i, err)
				}
				want := campaign.Grant{Op: "reserve:" + s.r.ID, Asked: s.r.Amount, Amount: dec(s.want), Reason: s.reason, Period: g.Period}
				g.Entries = nil
				if diff := cmp.Diff(want, g, decEq); diff != "" {
					t.Fatalf("step %d: Reserve(...) mismatch (-want +got) (%s):\n%s", i, tt.reason, diff)
				}
				if got := nb.Remaining(s.at); !got.Equal(dec(s.wantRemain)) {
					t.Fatalf("step %d: Remaining = %s, want %s", i, got, s.wantRemain)
				}
				if nb.Version() != b.Version()+1 {
					t.Fatalf("step %d: version %d → %d, want +1", i, b.Version(), nb.Version())
				}
				b = nb
			}
		})
	}
}

func TestReserveIdempotent(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	b := newBudget(t, campaign.BudgetConfig{ID: "b", Unit: campaign.Points, Total: dec("100")})
	r := campaign.Reservation{ID: "o1/bonus", Amount: dec("70"), Customer: "c1", Order: "o1"}
	b1, g1, err := b.Reserve(r, now)
	if err != nil {
		t.Fatal(err)
	}
	// A retry, later, with the amount written differently: the same grant.
	r2 := r
	r2.Amount = dec("70.000")
	b2, g2, err := b1.Reserve(r2, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	g1.Entries = nil
	g1.Duplicate = true
	if diff := cmp.Diff(g1, g2, decEq); diff != "" {
		t.Fatalf("retry mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(b1, b2); diff != "" {
		t.Fatalf("a retry changed the budget (-want +got):\n%s", diff)
	}
	r3 := r
	r3.Amount = dec("71")
	if _, _, err := b1.Reserve(r3, now); !errors.Is(err, campaign.ErrConflict) {
		t.Fatalf("reused id with another amount: %v, want ErrConflict", err)
	}
	r4 := r
	r4.Customer = "c2"
	if _, _, err := b1.Reserve(r4, now); !errors.Is(err, campaign.ErrConflict) {
		t.Fatalf("reused id with another customer: %v, want ErrConflict", err)
	}
}

func TestReserveBadInput(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	b := newBudget(t, campaign.BudgetConfig{ID: "b", Unit: campaign.Money, Currency: "EUR", Places: 2, Total: dec("100")})
	b, _, err := b.Reserve(campaign.Reservation{ID: "first", Amount: dec("1")}, now)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, reason string
		r            campaign.Reservation
		at           time.Time
	}{
		{"zero amount", "a reservation asks for something", campaign.Reservation{ID: "x", Amount: decimal.Zero}, now},
		{"negative amount", "would raise the budget", campaign.Reservation{ID: "x", Amount: dec("-5")}, now},
		{"too many places", "never rounded", campaign.Reservation{ID: "x", Amount: dec("0.001")}, now},
		{"huge", "beyond 2^53 units", campaign.Reservation{ID: "x", Amount: dec("1e20")}, now},
		{"no id", "idempotency needs an id", campaign.Reservation{Amount: dec("1")}, now},
		{"control character id", "ids are printable", campaign.Reservation{ID: "a\x00b", Amount: dec("1")}, now},
		{"other currency", "money in another currency", campaign.Reservation{ID: "x", Amount: dec("1"), Currency: "USD"}, now},
		{"zero time", "now is required", campaign.Reservation{ID: "x", Amount: dec("1")}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb, g, err := b.Reserve(tt.r, tt.at)
			if !errors.Is(err, campaign.ErrInvalidInput) {
				t.Fatalf("Reserve = %v, want ErrInvalidInput (%s)", err, tt.reason)
			}
			if diff := cmp.Diff(b, nb); diff != "" || g.Entries != nil {
				t.Fatalf("a refused reservation changed the budget (-want +got):\n%s", diff)
			}
		})
	}
	if _, _, err := (campaign.Budget{}).Reserve(campaign.Reservation{ID: "x", Amount: dec("1")}, now); !errors.Is(err, campaign.ErrInvalidInput) {
		t.Fatalf("zero Budget: %v, want ErrInvalidInput", err)
	}
}

func TestRelease(t *testing.T) {
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	b := newBudget(t, campaign.BudgetConfig{ID: "b", Unit: campaign.Points, Total: dec("100"), PerPeriod: dec("50"), Period: campaign.Month, TimeZone: "UTC"})
	b, _, err := b.Reserve(campaign.Reservation{ID: "r1", Amount: dec("50")}, now)
	if err != nil {
		t.Fatal(err)
	}
	april := now.AddDate(0, 0, 2)
	// Partly released in April: March's count goes down, April's does not.
	b, rel, err := b.Release(campaign.Release{ID: "refund1", Reservation: "r1", Amount: dec("20")}, april)
	if err != nil {
		t.Fatal(err)
	}
	if !rel.Amount.Equal(dec("20")) || !rel.Left.Equal(dec("30")) {
		t.Fatalf("Release = %+v, want 20 released, 30 left", rel)
	}
	if got := b.GrantedIn(now); !got.Equal(dec("30")) {
		t.Fatalf("March granted %s, want 30", got)
	}
	if got := b.Remaining(april); !got.Equal(dec("50")) {
		t.Fatalf("April remaining %s, want 50 (its own cap)", got)
	}
	if _, _, err := b.Release(campaign.Release{ID: "refund2", Reservation: "r1", Amount: dec("31")}, april); !errors.Is(err, campaign.ErrTooLarge) {
		t.Fatalf("over-release: %v, want ErrTooLarge", err)
	}
	if _, _, err := b.Release(campaign.Release{ID: "refund2", Reservation: "nope"}, april); !errors.Is(err, campaign.ErrUnknown) {
		t.Fatalf("unknown reservation: %v, want ErrUnknown", err)
	}
	if _, _, err := b.Release(campaign.Release{ID: "refund2", Reservation: "r1", Amount: dec("-1")}, april); !errors.Is(err, campaign.ErrInvalidInput) {
		t.Fatalf("negative release: %v, want ErrInvalidInput", err)
	}
	// Cancel the rest (zero amount: all that is left), twice.
	b2, rel, err := b.Release(campaign.Release{ID: "cancel", Reservation: "r1"}, april)
	if err != nil || !rel.Amount.Equal(dec("30")) || !rel.Left.IsZero() {
		t.Fatalf("Release all = %+v, %v; want 30 released, 0 left", rel, err)
	}
	b3, rel, err := b2.Release(campaign.Release{ID: "cancel", Reservation: "r1"}, april.Add(time.Hour))
	if err != nil || !rel.Duplicate || !rel.Amount.Equal(dec("30")) || !b3.Equal(b2) {
		t.Fatalf("retried release = %+v, %v; want the duplicate of the first", rel, err)
	}
	if _, _, err := b2.Release(campaign.Release{ID: "cancel", Reservation: "r1", Amount: dec("1")}, april); !errors.Is(err, campaign.ErrConflict) {
		t.Fatalf("release id reused: %v, want ErrConflict", err)
	}
	// Another release of a fully released reservation gives back nothing.
	_, rel, err = b2.Release(campaign.Release{ID: "late", Reservation: "r1"}, april)
	if err != nil || !rel.Amount.IsZero() {
		t.Fatalf("release of nothing = %+v, %v; want 0", rel, err)
	}
	if !b2.Granted().IsZero() {
		t.Fatalf("granted %s after a full release, want 0", b2.Granted())
	}
}

func TestBudgetReplay(t *testing.T) {
	cfg := campaign.BudgetConfig{ID: "b", Unit: campaign.Points, Total: dec("100"), PerPeriod: dec("30"), Period: campaign.Week, TimeZone: "Europe/Berlin"}
	b := newBudget(t, cfg)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, berlin)
	var all []campaign.Entry
	for i, amt := range []string{"20", "20", "5", "40"} {
		var g campaign.Grant
		var err error
		b, g, err = b.Reserve(campaign.Reservation{ID: string(rune('a' + i)), Amount: dec(amt)}, now.AddDate(0, 0, 3*i))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, g.Entries...)
	}
	b, rel, err := b.Release(campaign.Release{ID: "x", Reservation: "b"}, now.AddDate(0, 0, 10))
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, rel.Entries...)
	got, err := campaign.ReplayBudget(cfg, all)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b, got); diff != "" {
		t.Fatalf("ReplayBudget mismatch (-want +got):\n%s", diff)
	}
	if got.Head() != all[len(all)-1].Hash {
		t.Fatalf("head %s, want the last entry's hash %s", got.Head(), all[len(all)-1].Hash)
	}
	corrupt := []struct {
		name string
		edit func([]campaign.Entry) []campaign.Entry
	}{
		{"amount changed", func(es []campaign.Entry) []campaign.Entry { es[1].Amount = dec("25"); return es }},
		{"removed", func(es []campaign.Entry) []campaign.Entry { return append(es[:1], es[2:]...) }},
		{"reordered", func(es []campaign.Entry) []campaign.Entry { es[0], es[1] = es[1], es[0]; return es }},
		{"duplicated", func(es []campaign.Entry) []campaign.Entry { return append(es, es[len(es)-1]) }},
		{"other ledger", func(es []campaign.Entry) []campaign.Entry { es[0].Ledger = "budget:other"; return es }},
		{"hash edited", func(es []campaign.Entry) []campaign.Entry { es[2].Hash = es[1].Hash; return es }},
	}
	for _, c := range corrupt {
		t.Run(c.name, func(t *testing.T) {
			es := c.edit(append([]campaign.Entry(nil), all...))
			if _, err := campaign.ReplayBudget(cfg, es); !errors.Is(err, campaign.ErrCorruptLedger) {
				t.Fatalf("ReplayBudget = %v, want ErrCorruptLedger", err)
			}
		})
	}
	// Resume from a prefix gives the same budget.
	half, err := campaign.ReplayBudget(cfg, all[:2])
	if err != nil {
		t.Fatal(err)
	}
	full, err := half.Resume(all[2:])
	if err != nil || !full.Equal(b) {
		t.Fatalf("Resume = %v; equal %v", err, full.Equal(b))
	}
}

func TestBudgetWithConfig(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	cfg := campaign.BudgetConfig{ID: "b", Unit: campaign.Points, Total: dec("10")}
	b := newBudget(t, cfg)
	b, _, _ = b.Reserve(campaign.Reservation{ID: "1", Amount: dec("10")}, now)
	cfg.Total = dec("15") // topped up
	b2, err := b.WithConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := b2.Remaining(now); !got.Equal(dec("5")) {
		t.Fatalf("remaining after top-up %s, want 5", got)
	}
	cfg.Total = dec("5") // lowered under what was granted
	b3, err := b.WithConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, g, _ := b3.Reserve(campaign.Reservation{ID: "2", Amount: dec("1")}, now); !g.Amount.IsZero() || g.Reason != campaign.Exhausted {
		t.Fatalf("grant under a lowered cap = %+v, want 0 exhausted", g)
	}
	cfg.Places = 2
	if _, err := b.WithConfig(cfg); !errors.Is(err, campaign.ErrMismatch) {
		t.Fatalf("places changed: %v, want ErrMismatch", err)
	}
}
