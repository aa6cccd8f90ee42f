// Package raffle draws prizes among a shop's customers so that anyone can
// check the draw: W distinct winners among participants holding tickets,
// exactly in proportion to their tickets, reproducible from a seed the
// shop committed to before the draw, whatever order the participants come
// in.
//
//   - [Compile] turns a [Definition] (id, eligibility condition, number of
//     winners, exclusions) into a [Raffle] over the participants' facts
//     (any struct: a segment.Profile, the host's own). The condition is
//     compiled by package rules: type-checked, and errors name the raffle
//     and the line:column.
//   - [Raffle.Draw] leaves out the excluded and the ineligible, draws, and
//     returns the [Record] (seed, commitment, counts, participants' digest,
//     winners) and the list of the participants drawn among.
//   - [Commit] is the commitment to a seed; [Redraw] the bare draw on a
//     published list; [Verify] checks a published record against it.
//
// Why a package of its own: a draw needs no loyalty account, no segment
// and no model, only ids, tickets and facts for the condition, so it
// imports package rules (and nothing imports it). Touches live in package
// touch, next door, which needs the ledger.
//
// # Tickets
//
// Weights are whole tickets (int64, at least 1; at most 2^63 − 1 in all),
// not fractions: with integers the draw can be exactly proportional, with
// no rounding anywhere. Give a customer one ticket per purchase, per 100
// spent, per survey answered.
//
// # The protocol (version 1)
//
//  1. Before entries close, the shop draws a secret seed of at least 16
//     random bytes (crypto/rand) and publishes its commitment,
//     Commit(seed): the SHA-256 of the seed in hex.
//  2. When entries close, the shop runs the draw and publishes the record
//     and the list of the participants drawn among (id and tickets, sorted
//     by id). The record holds the seed: anyone can check that its SHA-256
//     is the commitment published in 1, that the list's digest is the
//     record's, and that drawing again gives the same winners ([Verify],
//     or testdata/reference.py, forty lines of Python written from this
//     description alone).
//
// A shop that knows its seed before it closes the list could try adding
// or removing entries until the draw suits it. To rule that out, take as
// the seed the secret seed followed by a value nobody knows until after
// the list closes (a public lottery's numbers, a randomness beacon's
// round), and say so when publishing the commitment.
//
// The draw, exactly:
//
//   - The participants drawn among are sorted by id (bytewise, as
//     strings.Compare); ids are unique.
//   - digest = SHA-256 of "loyalkit raffle v1\n" followed by one line per
//     participant in that order: "<length of id in bytes>:<id>:<tickets>\n"
//     (numbers in decimal).
//   - key = SHA-256("loyalkit raffle v1\nkey\n" ‖ len(seed) ‖ seed ‖
//     digest), with len(seed) as 8 bytes big-endian and digest as its 32
//     bytes. The random words are SHA-256 in counter mode: block c =
//     SHA-256(key ‖ c) for c = 0, 1, 2, … (8 bytes big-endian), each block
//     read as four 64-bit big-endian words, in order.
//   - Each winner in turn: T is the tickets of those not yet drawn; take
//     the next word w, refusing (and taking the next) while w ≥ 2^64 −
//     (2^64 mod T), so that u = w mod T is uniform on [0, T) without
//     bias; the winner is the participant, in id order among those not yet
//     drawn, whose tickets hold ticket u (the first whose running total of
//     tickets exceeds u). That participant leaves the draw.
//
// So the first winner is participant i with probability tickets_i / T,
// and each later one in proportion to tickets among those left (drawing
// without replacement); TestFairFirstWinner and TestFairWithoutReplacement
// check it with a chi-square test over 20,000 seeds. The seed and the list
// decide everything; the order the participants were given in does not
// (it is sorted away), nor does map iteration (there is none). The key
// binds the digest, so the same seed on another list gives an unrelated
// draw. A Fenwick tree over the tickets finds and removes each winner in
// O(log n): ten winners among a million participants take about 0.14 s on
// the development machine, most of it sorting and digesting the list
// (BenchmarkDraw).
//
// # Bad input
//
// An empty id, a repeated id, zero or negative tickets, no participants, a
// seed under [MinSeedLen] bytes, zero winners or more winners than
// eligible participants are each an [*InputError] naming the field
// ("participants[3].Tickets", "Winners"); it unwraps to [ErrInput]. An
// eligibility condition that needs an unknown value (a zero date) leaves
// that participant out; one that fails at run time (a division by zero)
// fails the draw, naming the participant.
//
// A compiled [Raffle] is immutable and safe for concurrent use.
package raffle
