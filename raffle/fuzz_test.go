package raffle_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/loyalkit/loyalkit/raffle"
	"github.com/loyalkit/loyalkit/rules"
)

// FuzzEligible: any eligibility text either compiles or is refused with
// errors that name the raffle and point inside the text; what compiles
// draws (or refuses with an error) without panicking, and its winners are
// participants.
func FuzzEligible(f *testing.F) {
	for _, s := range []string{
		"Surveys >= 1", "Surveys >= 1 && !Staff", `daysSince(LastSeen, date("2026-03-31")) <= 30`,
		"10 / Surveys > 1", "Surveys >=", "Staff.Foo()", "((((Surveys))))", "Surveys in [1, 2]", "",
	} {
		f.Add(s)
	}
	ps := []raffle.Participant[facts]{
		{ID: "a", Tickets: 2, Facts: facts{Surveys: 1}}, {ID: "b", Tickets: 1, Facts: facts{Staff: true}},
		{ID: "c", Tickets: 5, Facts: facts{Surveys: 0}},
	}
	f.Fuzz(func(t *testing.T, cond string) {
		r, err := raffle.Compile[facts](raffle.Definition{ID: "fuzz", Eligible: cond, Winners: 1})
		if err != nil {
			var ce *rules.CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("%q: %v is not a CompileError", cond, err)
			}
			for _, re := range ce.Errors {
				if re.RuleID != "fuzz" || re.Subject != "raffle" || re.Line < 0 || re.Line > strings.Count(cond, "\n")+1 {
					t.Fatalf("%q: error %+v does not name the raffle or points outside the text", cond, re)
				}
			}
			return
		}
		rec, _, err := r.Draw(seed, ps)
		if err != nil {
			return
		}
		if len(rec.Winners) != 1 || !strings.Contains("abc", rec.Winners[0].ID) {
			t.Fatalf("%q: winners %v", cond, rec.Winners)
		}
	})
}
