package segment_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// checkNear: Near gives the segment Assign gives and the boundary
// Boundaries gives, for any profile and distance.
func checkNear(t *rapid.T) {
	seg, err := segment.Compile([]segment.Definition{
		{Name: "vip", When: "SpendInPeriod >= 50000 || OrdersInPeriod >= 12 && Returns < 3"},
		{Name: "difficult", When: `Counters["complaints"] > 4`},
		{Name: "regular", When: "OrdersInPeriod > 2 && SpendInPeriod > 999.99 || Orders == 40"},
		{Name: "recent", When: "DaysSinceLast <= 30"},
	}, "lapsed")
	if err != nil {
		t.Fatal(err)
	}
	p := segment.Profile{
		ID: "p", Orders: rapid.IntRange(0, 50).Draw(t, "orders"), OrdersInPeriod: rapid.IntRange(0, 15).Draw(t, "in period"),
		SpendInPeriod: decimal.New(rapid.Int64Range(0, 6_000_000).Draw(t, "cents"), -2), DaysSinceLast: rapid.IntRange(0, 90).Draw(t, "days"),
		Returns: rapid.IntRange(0, 5).Draw(t, "returns"), Counters: map[string]int{"complaints": rapid.IntRange(0, 6).Draw(t, "complaints")},
	}
	within := rapid.Float64Range(0.001, 1).Draw(t, "within")
	want, err := seg.Assign(p)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := seg.Boundaries([]segment.Profile{p}, []string{want}, within)
	if err != nil {
		t.Fatal(err)
	}
	got, b, near, err := seg.Near(&p, within)
	if err != nil {
		t.Fatal(err)
	}
	if got != want || near != (len(bs) == 1) {
		t.Fatalf("Near: %q near %v, want %q, boundaries %v", got, near, want, bs)
	}
	if near {
		if diff := cmp.Diff(bs[0], b); diff != "" {
			t.Fatalf("Near's boundary mismatch (-Boundaries +Near):\n%s", diff)
		}
	}
}

func TestNear(t *testing.T) { rapid.Check(t, checkNear) }
func FuzzNear(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkNear)) }
