package raffle_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/raffle"
	"pgregory.net/rapid"
)

// checkDraw: for any participants, exclusions, eligibility and seed, the
// draw gives the same record in any input order; its winners are
// distinct, as many as asked, eligible and never excluded; and the record
// checks out against the list it returned.
func checkDraw(t *rapid.T) {
	n := rapid.IntRange(1, 60).Draw(t, "participants")
	ps := make([]raffle.Participant[facts], n)
	for i := range ps {
		ps[i] = raffle.Participant[facts]{
			ID:      fmt.Sprintf("c%d", i*7%101), // distinct, not in id order
			Tickets: rapid.Int64Range(1, 1000).Draw(t, "tickets"),
			Facts:   facts{Surveys: rapid.IntRange(0, 3).Draw(t, "surveys")},
		}
	}
	var exclude []string
	for _, p := range ps {
		if rapid.IntRange(0, 4).Draw(t, "exclude?") == 0 {
			exclude = append(exclude, p.ID)
		}
	}
	eligible := rapid.SampledFrom([]string{"", "Surveys >= 1", "Surveys != 2"}).Draw(t, "eligible")
	admit := func(p raffle.Participant[facts]) bool {
		switch eligible {
		case "Surveys >= 1":
			if p.Facts.Surveys < 1 {
				return false
			}
		case "Surveys != 2":
			if p.Facts.Surveys == 2 {
				return false
			}
		}
		return !slices.Contains(exclude, p.ID)
	}
	in := 0
	for _, p := range ps {
		if admit(p) {
			in++
		}
	}
	winners := rapid.IntRange(1, max(1, in)).Draw(t, "winners")
	seed := rapid.SliceOfN(rapid.Byte(), 16, 40).Draw(t, "seed")
	r, err := raffle.Compile[facts](raffle.Definition{ID: "r", Eligible: eligible, Winners: winners, Exclude: exclude})
	if err != nil {
		t.Fatal(err)
	}
	rec, list, err := r.Draw(seed, ps)
	if in == 0 {
		if err == nil {
			t.Fatalf("no one is eligible, yet %+v", rec)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	shuffled := slices.Clone(ps)
	for i := len(shuffled) - 1; i > 0; i-- {
		j := rapid.IntRange(0, i).Draw(t, "swap")
		shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
	}
	rec2, list2, err := r.Draw(seed, shuffled)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec, rec2); diff != "" {
		t.Fatalf("another input order gives another draw (-first +second):\n%s", diff)
	}
	if !slices.Equal(list, list2) {
		t.Fatalf("another input order gives another list")
	}
	if len(rec.Winners) != winners || rec.Participants != in {
		t.Fatalf("%d winners among %d, want %d among %d", len(rec.Winners), rec.Participants, winners, in)
	}
	seen := map[string]bool{}
	byID := map[string]raffle.Participant[facts]{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	for _, w := range rec.Winners {
		p, ok := byID[w.ID]
		switch {
		case seen[w.ID]:
			t.Fatalf("%s won twice: %v", w.ID, rec.Winners)
		case !ok || !admit(p):
			t.Fatalf("%s won but is excluded or not eligible", w.ID)
		case p.Tickets != w.Tickets:
			t.Fatalf("%s won with %d tickets, has %d", w.ID, w.Tickets, p.Tickets)
		}
		seen[w.ID] = true
	}
	if err := raffle.Verify(rec, list); err != nil {
		t.Fatal(err)
	}
}

func TestDrawProperties(t *testing.T) { rapid.Check(t, checkDraw) }
func FuzzDrawProperties(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkDraw)) }
