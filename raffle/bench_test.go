package raffle_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/loyalkit/loyalkit/internal/benchcpu"
	"github.com/loyalkit/loyalkit/raffle"
)

// participants1M is a million participants in random order, each id
// allocated in turn (as read from a database), with 1 to 10 tickets.
func participants1M() []raffle.Participant[facts] {
	r := rand.New(rand.NewPCG(7, 7))
	ps := make([]raffle.Participant[facts], 1_000_000)
	for i, k := range r.Perm(len(ps)) {
		ps[i] = raffle.Participant[facts]{ID: fmt.Sprintf("c%07d", k), Tickets: 1 + int64(r.IntN(10)), Facts: facts{Surveys: r.IntN(3)}}
	}
	return ps
}

// BenchmarkDraw: ten winners among a million weighted participants:
// sorting by id, the digest, the tree and the draws; with an eligibility
// condition and exclusions, each participant's condition too.
func BenchmarkDraw(b *testing.B) {
	ps := participants1M()
	for _, c := range []struct {
		name string
		def  raffle.Definition
	}{
		{"1M", raffle.Definition{ID: "r", Winners: 10}},
		{"1M/eligible+exclude", raffle.Definition{ID: "r", Winners: 10, Eligible: "Surveys >= 1", Exclude: []string{"c0000001", "c0000002"}}},
	} {
		r, err := raffle.Compile[facts](c.def)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			defer benchcpu.Start(b)()
			for b.Loop() {
				if _, _, err := r.Draw(seed, ps); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
