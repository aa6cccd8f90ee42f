// Package loyalty runs a loyalty programme: a [Program] compiled from a
// [Config] (rules, tiers, expiry, redemption, pending and refund
// policies) and an exact, idempotent points ledger.
//
// # Operations
//
// Every operation is a pure function of (programme, account, input, now)
// that returns a new [Account], a [Result] with the [Entry] values to
// persist, or an error — and never changes the account passed in:
//
//   - [Program.Purchase]: evaluates the rules once on [Facts]; points,
//     discount, gifts, tier promotion.
//   - [Program.Refund]: by amount, or by lines (units priced at the order's
//     recorded line prices); takes back points on the cumulative refunded
//     share of the order; points already spent become debt or are written
//     off.
//   - [Program.Redeem]: spends available points, soonest to expire first;
//     [Program.CancelRedemption] puts them back into the same lots.
//   - [Program.Expire]: expires the unspent remainder of due lots. A run
//     at an instant already used adds nothing, unless operations dated
//     before it made more lots due (they expire under "expire:<t>#2").
//   - [Program.Event]: registration, birthday, review, survey, referral…
//   - [Program.ReviewTier]: demotion after the grace period.
//
// # The ledger
//
//  1. Entries are append-only. Each has a deterministic ID: the operation
//     id (order, refund, redemption, event id; expiry and review time) and
//     its position, "order:o1/2", so a retried operation writes the same
//     ids; earnings carry the rule that produced them (RuleID), and the
//     entries that take points back name the earning (Lot) they come from.
//  2. The account is the fold of its entries: [Program.Replay] rebuilds
//     exactly the account the operations returned (both go through one
//     function that applies an entry).
//  3. The sum of the entries' Points is the points in lots minus the debt;
//     earned = available + pending + expiring + redeemed + expired +
//     reversed + repaid.
//  4. Retrying an operation with the same id and payload returns the
//     original result (Result.Duplicate) and adds nothing; the same id with
//     another payload is [ErrConflict].
//  5. Refusals unwrap to a sentinel ([ErrInsufficientPoints], [ErrPolicy],
//     [ErrUnknownOrder], [ErrRefundTooLarge], [ErrInvalidInput],
//     [ErrUnknownTier], [ErrCurrency], [ErrUnknownRedemption], [ErrConflict])
//     and leave the account as it was.
//
// # Policies and calendar
//
// Points keep Config.PointsPlaces decimals, rounded down (or half up).
// Earned points are split over one lot per accrual rule without losing a
// unit (largest remainder). A purchase's points are scaled by the share of
// the order paid after the rules' discount. A purchase's points become
// available PendingDays calendar days after it (events' points at once). Expiry is in the
// programme's zone: AfterMonths keeps the time of day, and a day the target
// month lacks (Jan 31 + 1 month) expires at the end of that month;
// EndOfMonth and EndOfYear expire at the first instant of the next month or
// year. Tiers qualify on the net spend or orders of the last
// TierWindowMonths months; a promotion is immediate; a full refund undoes a
// promotion its order caused; [Program.ReviewTier] demotes TierGraceDays
// after the customer last qualified. Redemptions and refunds use lots
// soonest to expire first, then oldest. Money in an order or redemption
// must be in the programme's currency when it names one ([ErrCurrency]).
//
// # Cost
//
// An account is a persistent value: an operation copies only the few
// blocks it changes, and appending to an account the previous operation
// returned copies nothing. Points are counted in int64 units of
// 10^-PointsPlaces inside the account (at most 2^53 units in one amount;
// more is [ErrInvalidInput]) and are decimals at its edges. Balance,
// redemption, refund and expiry look at the lots at the ends of the
// account, not all of them, while operations come in time order (late-dated
// ones are handled too, by scanning). See the package benchmarks.
package loyalty
