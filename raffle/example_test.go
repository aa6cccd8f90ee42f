package raffle_test

import (
	"fmt"

	"github.com/loyalkit/loyalkit/raffle"
)

// A prize among the customers who answered the March survey: one ticket
// per answer, staff and last month's winner excluded.
func Example() {
	type answers struct {
		Surveys int
	}
	r, err := raffle.Compile[answers](raffle.Definition{
		ID: "march-survey", Eligible: "Surveys >= 1", Winners: 2, Exclude: []string{"boris"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The seed was drawn at random; its commitment was published on 1 March.
	seed := []byte("2b7e151628aed2a6abf7158809cf4f3c")
	fmt.Println("commitment:", raffle.Commit(seed))
	rec, list, err := r.Draw(seed, []raffle.Participant[answers]{
		{ID: "chen", Tickets: 1, Facts: answers{Surveys: 1}},
		{ID: "anna", Tickets: 3, Facts: answers{Surveys: 3}},
		{ID: "boris", Tickets: 5, Facts: answers{Surveys: 5}},
		{ID: "emil", Tickets: 1, Facts: answers{}},
		{ID: "farida", Tickets: 4, Facts: answers{Surveys: 4}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d entrants, %d excluded, %d not eligible; %d drawn among with %d tickets\n",
		rec.Entrants, rec.Excluded, rec.Ineligible, rec.Participants, rec.Tickets)
	fmt.Println("list:", list)
	fmt.Println("winners:", rec.Winners)
	fmt.Println("verified:", raffle.Verify(rec, list))
	// Output:
	// commitment: 2ef2503d964e9668092e6878d3c390ca7909bbbffabd781857115e3be4bb3e5a
	// 5 entrants, 1 excluded, 1 not eligible; 3 drawn among with 8 tickets
	// list: [{anna 3} {chen 1} {farida 4}]
	// winners: [{anna 3} {farida 4}]
	// verified: <nil>
}

// Bad input is an error naming the field.
func ExampleRedraw_errors() {
	seed := []byte("2b7e151628aed2a6abf7158809cf4f3c")
	_, _, err := raffle.Redraw(seed, []raffle.Entry{{ID: "anna", Tickets: 3}, {ID: "chen", Tickets: 0}}, 1)
	fmt.Println(err)
	_, _, err = raffle.Redraw(seed, []raffle.Entry{{ID: "anna", Tickets: 3}}, 2)
	fmt.Println(err)
	// Output:
	// raffle: Redraw: entries[1].Tickets must be positive, got 0 ("chen")
	// raffle: Redraw: Winners is 2, but only 1 participants are eligible
}
