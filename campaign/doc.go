// Package campaign runs what a loyalty campaign shares across customers:
// budgets, coupon codes and referral codes. Each is a state the host
// stores next to its loyalty accounts, with the same guarantees as a
// loyalty account: an immutable value, pure operations (state, input,
// now) → (new state, result, error), idempotent by the host's operation
// id, a hash-chained ledger of entries the state is the fold of, replay,
// snapshots and a version for optimistic concurrency.
//
// # Where it sits
//
// In loyalkit's one-way import graph campaign sits beside loyalty, above
// rules:
//
//	examples → campaign → rules → expr, decimal
//	examples → loyalty  → rules
//
// campaign may import loyalty; loyalty never imports campaign (today
// campaign needs only rules, for referral conditions). A host joins the two
// at its own level: see ExampleBudget_Reserve_withLoyalty.
//
// # Budgets
//
//   - [BudgetConfig]: the points, money or gifts ([Unit]) a campaign may
//     give: a Total, a cap PerPeriod of a calendar [Period] (day, ISO week,
//     month, quarter, year) in a time zone, or explicit non-overlapping
//     windows ([Window]) with caps of their own; a [GrantPolicy].
//   - [NewBudget] → [Budget]; [Budget.Reserve] grants up to a
//     [Reservation]'s amount: min(asked, left) under [Partial], asked or 0
//     under [AllOrNothing], where left is the least of what remains of the
//     total and of the current period's cap. A [Grant] smaller than asked
//     is not an error: its Reason says why ([Exhausted],
//     [PeriodExhausted], [OutsideWindows]) and the caller's purchase goes
//     on with what was granted. A loyalty rule pays from a budget by
//     naming it (rules.Rule.Budget); the order carries the grant
//     (loyalty.Order.Grants), and the rule gives no more: a quote without
//     a grant shows what it would give (its trace step's Computed), which
//     is what to reserve.
//   - [Budget.Release] gives a grant back (the order was cancelled or
//     refunded), all or part, to the total and to the period it was
//     counted in.
//   - [ReplayBudget], [Budget.Resume], [Budget.Snapshot], [LoadBudget],
//     [Budget.WithConfig] (top a budget up: caps may change, its identity
//     may not).
//
// # Coupons
//
//   - [CodeFormat]: a prefix, a body of [Alphabet] (31 characters: no 0/O,
//     1/I/L) and a check character that catches every single mistyped
//     character and every swap of two. [Normalize] reads what customers
//     type (case, spaces, dashes); [CodeFormat.CheckFormat] says whether
//     it is well-formed.
//   - [GenerateCodes]: distinct codes from a secret seed (SHA-256 in
//     counter mode), reproducible — one seed, the same codes — and avoiding
//     given codes; refused when the format is too short to keep a guessed
//     code unlikely (at most one valid code per 1,000 possible).
//   - [CouponConfig] → [CompileCoupons] → [Coupons]: batches of bearer or
//     personal codes, fixed codes ("WELCOME10"), a validity window, uses
//     per code (1: single-use) and per customer.
//   - [CouponBook]: [CouponBook.Check] (a [Verdict]: a [Reason] when
//     refused, nothing recorded, well under a microsecond),
//     [CouponBook.Use] (idempotent by order id), [CouponBook.Cancel],
//     [CouponBook.Refund] (refunds add up per order; a full refund undoes
//     the use).
//
// # Referrals
//
//   - [ReferralConfig] → [CompileReferrals] → [Referrals]: the rewards of
//     both sides ([Reward]), a qualification condition over
//     [QualifyFacts] compiled and type-checked by package rules (or none:
//     the host decides), a window, limits per advocate overall and per
//     period.
//   - [ReferralBook]: [ReferralBook.Enrol] gives an advocate their code
//     (derived from the seed and their id), [ReferralBook.Attribute] a new
//     customer to an advocate (self-referral by id or [IdentityKey] and a
//     second referral refused), [ReferralBook.Qualify] rewards both sides
//     on the friend's first qualifying purchase, exactly once,
//     [ReferralBook.Refund] and [ReferralBook.Cancel] claw both back
//     ([Clawback]: what to reverse) when that order is refunded in full.
//     Points a host posted as a loyalty event are taken back with
//     loyalty's Program.Reverse, the Clawback's Entry as the reversal's id
//     (so a retry is recognised).
//
// # Errors and refusals
//
// Bad input (an empty id, a negative or zero amount or limit, overlapping
// windows, more places than the budget keeps) is an error wrapping
// [ErrInvalidInput], a *[FieldError] naming the field for configurations.
// Business refusals of coupon and referral operations (a code expired,
// used up, of another campaign, the customer's own referral code) are a
// *[RefusedError] with its [Reason], wrapping [ErrRefused]; [ReasonOf]
// reads it. Outcomes that are not refusals of what the caller asked are
// results, not errors: a budget's smaller grant, a purchase that does not
// qualify a referral ([NotQualifying], [NotReferred]…), an advocate's
// reward withheld by a limit. In every error case nothing is recorded and
// the state passed in is unchanged. Reusing an operation id with another
// payload is [ErrConflict]; releasing, cancelling or refunding what the
// state does not know is [ErrUnknown]; more than is left, [ErrTooLarge].
//
// # The ledgers
//
// Every operation returns the [Entry] values to persist. Their ids are
// "<operation>/<n>" ("reserve:o1/bonus/0"), so a retried operation writes
// the same ids and a unique key refuses a second write. Each entry's Hash
// chains it to the previous one (SHA-256 of the previous hash and its
// content): a changed, removed, reordered or inserted entry is
// [ErrCorruptLedger] on replay, and Head is the last hash, to store and
// compare. Operations and replay go through one fold, so a state and the
// replay of its entries are equal by construction. Replay checks what
// entries say against the state (a release never gives back more than
// was granted, a use is not undone twice, a friend is rewarded once), not
// against caps and limits, which may change between an operation and its
// replay.
//
// A retry — the same operation id and payload, at any later time —
// returns the first result (Duplicate set, without its entries, which the
// host has) and changes nothing. A budget records every reservation, a
// zero grant too, so that a retried reservation is never granted what a
// later release freed.
//
// # Several servers, one budget
//
// A budget is one state shared by every customer's purchases. The
// race-free way to use it from several servers is optimistic concurrency
// on its version, with the budget and the accounts written together:
//
//  1. read the budget's state and version (a cached copy is fine: fold
//     the entries stored after it with Resume);
//  2. Reserve on it (and run the loyalty operation that uses the grant);
//  3. in ONE database transaction: insert the budget's entries and the
//     account's entries (their ids are unique keys), write the account's
//     new version where it is still the one read, and write the budget's
//     new version (and, now or later, snapshot) WHERE the stored version
//     is still the one read in 1;
//  4. if a condition fails, roll back, re-read and start again; a retried
//     reservation that did get committed is then recognised (Duplicate)
//     and grants nothing twice.
//
// Because the budget's version moves on every reservation, at most one of
// two concurrent reservations commits on a given version: the budget can
// never be over-granted, whatever the interleaving (TestBudgetHostPattern
// checks this against a serial model with rapid, and
// TestBudgetConcurrentServers with goroutines under -race). The price is
// contention on the budget's row: reservations of one budget are
// serialised. A shop that needs more throughput splits a budget into N
// budgets of Total/N (one per server or region) and reserves from its
// own; what one leaves unused is not available to the others until the
// host moves it (WithConfig).
//
// When the budget lives in another database than the accounts, the
// transaction cannot span both: reserve first (its own transaction, step
// 3 for the budget alone), then post the purchase; if the purchase fails
// for good, Release the reservation. A crash between the two leaves a
// grant that was not used until the host's recovery releases it — never
// an over-grant.
//
// Coupon and referral books are shared in the same way: a coupon's uses
// and an advocate's limits are checked against the book's version, so
// the same pattern (book entries + account entries + both versions in one
// transaction) keeps single-use codes single-use across servers.
//
// # Policies
//
//   - Periods are calendar periods in the configuration's zone, from
//     their first instant (a day without a midnight starts at the jump);
//     windows are instants, From inclusive, Until exclusive. A release
//     gives back to the period the grant was counted in.
//   - A coupon's use is undone by Cancel, or by refunds that add up to the
//     order's total; a partial refund keeps it. An order uses at most one
//     code of a campaign; a re-placed order needs a new id.
//   - A referral rewards the friend's first purchase that qualifies
//     (non-qualifying purchases before it record nothing). After a
//     clawback the referral is spent: later purchases reward nothing.
//     An advocate's reward is withheld, with its reason, when they reached
//     MaxPerAdvocate or this period's PerPeriod; the friend's reward is
//     not. Clawed-back rewards free their place in the advocate's limits.
//   - Amounts are decimal.Decimal; a budget counts whole units of
//     10^-Places and refuses finer amounts rather than rounding them.
//
// # Cost
//
// States are persistent values (package loyalty's persistent maps and
// vectors): an operation copies only the few nodes it changes. Generating
// a million codes takes about 0.2 s and 60 MB, checking a code against a
// million-code campaign about 0.1–0.3 µs (see the README and the
// package benchmarks). A compiled [Coupons] keeps each generated code as
// 8 bytes (16 for personal codes).
package campaign
