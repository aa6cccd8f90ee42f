package raffle

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/loyalkit/loyalkit/internal/idsort"
	"github.com/loyalkit/loyalkit/rules"
)

// Definition is a raffle as a shop configures it (JSON-friendly).
type Definition struct {
	// ID names the raffle in errors and in its record. Required.
	ID string `json:"id"`
	// Eligible is a condition over the participants' facts, written like
	// any rule condition (`OrdersInPeriod >= 1 && Counters["surveys"] > 0`);
	// empty: everyone is eligible. A participant for whom it needs an
	// unknown value (a zero date given to a date helper) is not eligible.
	Eligible string `json:"eligible,omitempty"`
	// Winners is how many distinct participants win. Required (positive).
	Winners int `json:"winners"`
	// Exclude lists participants who cannot win whatever their tickets:
	// staff, last month's winners.
	Exclude []string `json:"exclude,omitempty"`
}

// Participant is one entrant: an id, a number of tickets (a positive
// integer) and the facts the eligibility condition reads.
type Participant[F any] struct {
	ID      string
	Tickets int64
	Facts   F
}

// Raffle is a compiled [Definition] over participants' facts of type F.
// It is immutable and safe for concurrent use.
type Raffle[F any] struct {
	def      Definition
	eligible *rules.Condition[F] // nil: everyone
	exclude  map[string]bool
}

// Compile checks the definition and compiles its eligibility condition
// over F (with package rules: errors name the raffle and the line:column).
func Compile[F any](d Definition, opts ...rules.Option) (*Raffle[F], error) {
	const fn = "Compile"
	switch {
	case d.ID == "":
		return nil, inputErr(fn, "ID", "is empty")
	case d.Winners <= 0:
		return nil, inputErr(fn, "Winners", "must be positive, got %d", d.Winners)
	}
	r := &Raffle[F]{def: d, exclude: make(map[string]bool, len(d.Exclude))}
	r.def.Exclude = slices.Clone(d.Exclude)
	for i, id := range d.Exclude {
		if id == "" {
			return nil, inputErr(fn, fmt.Sprintf("Exclude[%d]", i), "is empty")
		}
		r.exclude[id] = true
	}
	if d.Eligible != "" {
		c, err := rules.CompileCondition[F](d.ID, d.Eligible, opts...)
		if err != nil {
			var ce *rules.CompileError
			if errors.As(err, &ce) {
				for _, re := range ce.Errors {
					re.Subject = "raffle"
				}
			}
			return nil, err
		}
		r.eligible = c
	}
	return r, nil
}

// Definition returns a copy of the raffle's definition.
func (r *Raffle[F]) Definition() Definition {
	d := r.def
	d.Exclude = slices.Clone(d.Exclude)
	return d
}

// Record is what a draw leaves for audit: publish it (with the list of
// the participants drawn among) and anyone can check it with [Verify].
type Record struct {
	Raffle string `json:"raffle"`
	// Seed is the seed, in hex; Commitment its SHA-256 (see [Commit]),
	// which was published before the draw.
	Seed       string `json:"seed"`
	Commitment string `json:"commitment"`
	// Entrants is how many participants were given; Excluded and
	// Ineligible how many of them the exclusions and the eligibility
	// condition left out (an excluded participant is not counted as
	// ineligible).
	Entrants   int `json:"entrants"`
	Excluded   int `json:"excluded"`
	Ineligible int `json:"ineligible"`
	// Participants and Tickets are the participants drawn among and their
	// tickets; Digest is their digest (see the package documentation).
	Participants int    `json:"participants"`
	Tickets      int64  `json:"tickets"`
	Digest       string `json:"digest"`
	// Winners are the winners in the order drawn.
	Winners []Winner `json:"winners"`
}

// Draw draws the raffle's winners among ps with the seed (at least
// [MinSeedLen] bytes): it leaves out the excluded and the ineligible
// participants, sorts the others by id and draws as [Redraw] does. It
// returns the record, and the participants drawn among (sorted by id),
// which the shop publishes with it. The order of ps does not matter.
//
// A participant with an empty or repeated id, or with zero or negative
// tickets, an empty ps, a short seed, or more winners than eligible
// participants is an [*InputError] naming the field. An eligibility
// condition that fails at run time (not one that meets an unknown value)
// fails the draw, with the participant's id.
func (r *Raffle[F]) Draw(seed []byte, ps []Participant[F]) (Record, []Entry, error) {
	const fn = "Draw"
	if err := checkDraw(fn, seed, len(ps), r.def.Winners); err != nil {
		return Record{}, nil, err
	}
	// The participants are read once, in input order (where they lie in
	// memory): ids, tickets, and 0 for those left out; then drawn in id
	// order.
	ids := make([]string, len(ps))
	all := make([]int64, len(ps))
	rec := Record{Raffle: r.def.ID, Seed: hex.EncodeToString(seed), Commitment: Commit(seed), Entrants: len(ps)}
	for i := range ps {
		p := &ps[i]
		if err := checkEntry(fn, "participants", i, p.ID, p.Tickets); err != nil {
			return Record{}, nil, err
		}
		ids[i] = p.ID
		switch ok, err := r.admit(p); {
		case err != nil:
			return Record{}, nil, fmt.Errorf("raffle: %s: participants[%d] (%q): %w", fn, i, p.ID, err)
		case ok:
			all[i] = p.Tickets
		case r.exclude[p.ID]:
			rec.Excluded++
		default:
			rec.Ineligible++
		}
	}
	srt, dup := idsort.Sort(ids)
	if dup[0] >= 0 {
		return Record{}, nil, dupErr(fn, "participants", ids, dup)
	}
	p := newPool(&srt, all)
	winners, digest, err := p.draw(fn, seed, r.def.Winners)
	if err != nil {
		return Record{}, nil, err
	}
	rec.Participants, rec.Digest, rec.Winners = len(p.pos), digest, winners
	entries := make([]Entry, len(p.pos))
	for j := range entries {
		entries[j] = Entry{ID: p.id(j), Tickets: p.tickets[j]}
		rec.Tickets += p.tickets[j]
	}
	return rec, entries, nil
}

// admit says whether p is drawn among: not excluded, and eligible.
func (r *Raffle[F]) admit(p *Participant[F]) (bool, error) {
	if len(r.exclude) > 0 && r.exclude[p.ID] {
		return false, nil
	}
	if r.eligible == nil {
		return true, nil
	}
	ok, err := r.eligible.Match(rules.PrepareRef(&p.Facts)) // read where it lies, not copied
	if errors.Is(err, rules.ErrUnknown) {
		return false, nil
	}
	return ok, err
}

// Verify checks a published record against the list of participants drawn
// among: the seed matches the commitment, the list matches the digest and
// the counts, and drawing again gives the same winners. Anything else is
// an error wrapping [ErrMismatch] that says what differs.
func Verify(rec Record, entries []Entry) error {
	seed, err := hex.DecodeString(rec.Seed)
	if err != nil {
		return fmt.Errorf("%w: the seed is not hex: %v", ErrMismatch, err)
	}
	if c := Commit(seed); c != rec.Commitment {
		return fmt.Errorf("%w: the seed's SHA-256 is %s, the commitment %s", ErrMismatch, c, rec.Commitment)
	}
	winners, digest, err := Redraw(seed, entries, len(rec.Winners))
	if err != nil {
		return err
	}
	var tickets int64
	for _, e := range entries {
		tickets += e.Tickets
	}
	switch {
	case digest != rec.Digest:
		return fmt.Errorf("%w: the participants' digest is %s, the record's %s", ErrMismatch, digest, rec.Digest)
	case len(entries) != rec.Participants || tickets != rec.Tickets:
		return fmt.Errorf("%w: %d participants with %d tickets, the record says %d with %d", ErrMismatch, len(entries), tickets, rec.Participants, rec.Tickets)
	case !slices.Equal(winners, rec.Winners):
		return fmt.Errorf("%w: the draw gives %v, the record %v", ErrMismatch, winners, rec.Winners)
	}
	return nil
}
