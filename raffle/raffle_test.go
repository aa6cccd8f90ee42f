package raffle_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/raffle"
	"github.com/loyalkit/loyalkit/rules"
)

// facts is what the tests' eligibility conditions read.
type facts struct {
	Surveys  int
	Staff    bool
	LastSeen time.Time
}

var seed = []byte("published-seed-2026-03-31")

func entries(es ...any) []raffle.Entry {
	var out []raffle.Entry
	for i := 0; i < len(es); i += 2 {
		out = append(out, raffle.Entry{ID: es[i].(string), Tickets: int64(es[i+1].(int))})
	}
	return out
}

// TestGoldenDraws: the draws testdata/reference.py (an independent Python
// implementation written from the package documentation) prints. If the
// protocol changes, published draws can no longer be checked: change its
// version instead.
func TestGoldenDraws(t *testing.T) {
	big := make([]raffle.Entry, 200)
	for i := range big {
		big[i] = raffle.Entry{ID: "c" + pad3(i), Tickets: int64(1 + i%7)}
	}
	tests := []struct {
		name    string
		seed    []byte
		entries []raffle.Entry
		winners int
		want    []raffle.Winner
		digest  string
	}{
		{"seven friends", seed, entries("gleb", 1, "anna", 3, "farida", 4, "boris", 1, "chen", 5, "dana", 2, "emil", 1), 3,
			[]raffle.Winner{{"boris", 1}, {"chen", 5}, {"emil", 1}}, "8d83031cf90c2c2cedfb20f3c58698dd0763eb6d6e6341050852acdd25a049a7"},
		{"200 customers", make([]byte, 16), big, 5,
			[]raffle.Winner{{"c145", 6}, {"c037", 3}, {"c128", 3}, {"c180", 6}, {"c047", 6}}, "076ec98b0c732050d5db15a48b3b9938874b583a7ca1b816ca4fd226de26f958"},
		{"2^63 − 1 tickets", seed, entries("z", 3, "y", 1<<62-4, "x", 1<<62), 3,
			[]raffle.Winner{{"y", 1<<62 - 4}, {"x", 1 << 62}, {"z", 3}}, "a19fdfcfad45967901b5a1844d21341d0e9349f22fee3b2b7deaebc11144904a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, digest, err := raffle.Redraw(tc.seed, tc.entries, tc.winners)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" || digest != tc.digest {
				t.Errorf("Redraw mismatch (-want +got):\n%s\ndigest %s, want %s", diff, digest, tc.digest)
			}
		})
	}
	if c := raffle.Commit(seed); c != "0fc65845c2d6d0fd904594b0c5c150b38afa8f99759b14086036746c257077c1" {
		t.Errorf("Commit = %s", c)
	}
}

func pad3(i int) string { s := "00" + itoa(i); return s[len(s)-3:] }
func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// TestDraw: a survey raffle with an eligibility condition and exclusions;
// the record and the published list check out, and a changed list or
// seed does not.
func TestDraw(t *testing.T) {
	r, err := raffle.Compile[facts](raffle.Definition{ID: "march-survey", Eligible: "Surveys >= 1 && !Staff", Winners: 2, Exclude: []string{"boris"}})
	if err != nil {
		t.Fatal(err)
	}
	ps := []raffle.Participant[facts]{
		{ID: "anna", Tickets: 3, Facts: facts{Surveys: 3}},
		{ID: "boris", Tickets: 5, Facts: facts{Surveys: 5}}, // last month's winner
		{ID: "chen", Tickets: 1, Facts: facts{Surveys: 1}},
		{ID: "dana", Tickets: 2, Facts: facts{Surveys: 2, Staff: true}},
		{ID: "emil", Tickets: 1, Facts: facts{}}, // answered no survey
		{ID: "farida", Tickets: 4, Facts: facts{Surveys: 4}},
	}
	rec, list, err := r.Draw(seed, ps)
	if err != nil {
		t.Fatal(err)
	}
	wantList := entries("anna", 3, "chen", 1, "farida", 4)
	winners, digest, err := raffle.Redraw(seed, wantList, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := raffle.Record{Raffle: "march-survey", Seed: "7075626c69736865642d736565642d323032362d30332d3331",
		Commitment: raffle.Commit(seed), Entrants: 6, Excluded: 1, Ineligible: 2, Participants: 3, Tickets: 8,
		Digest: digest, Winners: winners}
	if diff := cmp.Diff(want, rec); diff != "" {
		t.Errorf("Draw mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantList, list); diff != "" {
		t.Errorf("Draw's list mismatch (-want +got):\n%s", diff)
	}
	if err := raffle.Verify(rec, list); err != nil {
		t.Errorf("Verify: %v", err)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var back raffle.Record
	if err := json.Unmarshal(b, &back); err != nil || !cmp.Equal(rec, back) {
		t.Errorf("JSON round trip: %v\n%s", err, cmp.Diff(rec, back))
	}
	for name, tamper := range map[string]func(*raffle.Record, *[]raffle.Entry){
		"one more ticket": func(_ *raffle.Record, l *[]raffle.Entry) { (*l)[0].Tickets++ },
		"one left out":    func(_ *raffle.Record, l *[]raffle.Entry) { *l = (*l)[1:] },
		"another seed":    func(r *raffle.Record, _ *[]raffle.Entry) { r.Seed = "00" + r.Seed[2:] },
		"another winner": func(r *raffle.Record, _ *[]raffle.Entry) {
			r.Winners = []raffle.Winner{{"chen", 1}, {"anna", 3}}
			if cmp.Equal(r.Winners, rec.Winners) {
				r.Winners[0], r.Winners[1] = r.Winners[1], r.Winners[0]
			}
		},
	} {
		r2, l2 := rec, append([]raffle.Entry(nil), list...)
		r2.Winners = append([]raffle.Winner(nil), rec.Winners...)
		tamper(&r2, &l2)
		if err := raffle.Verify(r2, l2); !errors.Is(err, raffle.ErrMismatch) {
			t.Errorf("Verify with %s: %v, want ErrMismatch", name, err)
		}
	}
}

// TestBadInput: each impossible input is an InputError naming the field.
func TestBadInput(t *testing.T) {
	def := raffle.Definition{ID: "r", Winners: 1}
	one := []raffle.Participant[facts]{{ID: "a", Tickets: 1}}
	tests := []struct {
		name  string
		def   raffle.Definition
		seed  []byte
		ps    []raffle.Participant[facts]
		field string
	}{
		{"no id", raffle.Definition{Winners: 1}, seed, one, "ID"},
		{"zero winners", raffle.Definition{ID: "r"}, seed, one, "Winners"},
		{"negative winners", raffle.Definition{ID: "r", Winners: -2}, seed, one, "Winners"},
		{"empty exclusion", raffle.Definition{ID: "r", Winners: 1, Exclude: []string{"x", ""}}, seed, one, "Exclude[1]"},
		{"short seed", def, []byte("short"), one, "seed"},
		{"no participants", def, seed, nil, "participants"},
		{"zero tickets", def, seed, []raffle.Participant[facts]{{ID: "a", Tickets: 1}, {ID: "b"}}, "participants[1].Tickets"},
		{"negative tickets", def, seed, []raffle.Participant[facts]{{ID: "a", Tickets: -1}}, "participants[0].Tickets"},
		{"duplicate", def, seed, []raffle.Participant[facts]{{ID: "b", Tickets: 1}, {ID: "a", Tickets: 1}, {ID: "b", Tickets: 2}}, "participants[2].ID"},
		{"empty id", def, seed, []raffle.Participant[facts]{{ID: "", Tickets: 1}}, "participants[0].ID"},
		{"more winners than eligible", raffle.Definition{ID: "r", Winners: 2, Exclude: []string{"b"}}, seed,
			[]raffle.Participant[facts]{{ID: "a", Tickets: 1}, {ID: "b", Tickets: 1}}, "Winners"},
		{"tickets overflow", def, seed, []raffle.Participant[facts]{{ID: "a", Tickets: 1 << 62}, {ID: "b", Tickets: 1 << 62}}, "Tickets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := raffle.Compile[facts](tc.def)
			if err == nil {
				_, _, err = r.Draw(tc.seed, tc.ps)
			}
			var ie *raffle.InputError
			if !errors.As(err, &ie) || ie.Field != tc.field || !errors.Is(err, raffle.ErrInput) {
				t.Fatalf("got %v, want an InputError about %s", err, tc.field)
			}
			if !strings.HasPrefix(err.Error(), "raffle: ") {
				t.Errorf("message %q does not start with the package name", err)
			}
		})
	}
	if _, _, err := raffle.Redraw(seed, entries("a", 1, "a", 2), 1); !errors.Is(err, raffle.ErrInput) {
		t.Errorf("Redraw with a repeated id: %v", err)
	}
}

// TestEligibilityErrors: a condition that does not compile names the
// raffle and the position; one that needs an unknown date leaves the
// participant out; one that fails at run time fails the draw.
func TestEligibilityErrors(t *testing.T) {
	_, err := raffle.Compile[facts](raffle.Definition{ID: "fan-of-the-month", Eligible: "Surveys >= 1 &&\n  Sturveys > 2", Winners: 1})
	var ce *rules.CompileError
	if !errors.As(err, &ce) || len(ce.Errors) != 1 {
		t.Fatalf("got %v, want a CompileError", err)
	}
	if re := ce.Errors[0]; re.RuleID != "fan-of-the-month" || re.Subject != "raffle" || re.Line != 2 || re.Column != 3 {
		t.Errorf("error %+v, want raffle fan-of-the-month at 2:3", re)
	}
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	r, err := raffle.Compile[facts](raffle.Definition{ID: "recent", Eligible: `daysSince(LastSeen, date("2026-03-31")) <= 30`, Winners: 1})
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := r.Draw(seed, []raffle.Participant[facts]{{ID: "a", Tickets: 1, Facts: facts{LastSeen: now}}, {ID: "b", Tickets: 1}})
	if err != nil || rec.Ineligible != 1 || rec.Winners[0].ID != "a" {
		t.Errorf("an unknown date: %+v, %v; want b ineligible", rec, err)
	}
	r, err = raffle.Compile[facts](raffle.Definition{ID: "broken", Eligible: "10 / Surveys > 1", Winners: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Draw(seed, []raffle.Participant[facts]{{ID: "a", Tickets: 1, Facts: facts{Surveys: 2}}, {ID: "b", Tickets: 1}}); !errors.Is(err, rules.ErrEval) || !strings.Contains(err.Error(), `participants[1] ("b")`) {
		t.Errorf("a division by zero: %v, want ErrEval naming participants[1]", err)
	}
}

// TestConcurrentDraws: one Raffle drawn by four goroutines at once gives
// each the same record (run with -race).
func TestConcurrentDraws(t *testing.T) {
	r, err := raffle.Compile[facts](raffle.Definition{ID: "r", Eligible: "Surveys >= 1", Winners: 5})
	if err != nil {
		t.Fatal(err)
	}
	var ps []raffle.Participant[facts]
	for i := range 5000 {
		ps = append(ps, raffle.Participant[facts]{ID: "c" + itoa(i), Tickets: int64(1 + i%7), Facts: facts{Surveys: i % 3}})
	}
	want, _, err := r.Draw(seed, ps)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got, _, err := r.Draw(seed, ps)
			if err == nil && !cmp.Equal(want, got) {
				err = errors.New("another draw:\n" + cmp.Diff(want, got))
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
