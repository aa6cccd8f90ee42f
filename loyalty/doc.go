// Package loyalty runs a loyalty programme: a [Program] compiled from a
// [Config] (rules, tiers, expiry, redemption, pending and refund
// policies) and an exact, idempotent points ledger a shop can put in its
// checkout path.
//
// # Operations
//
// Every operation is a pure function of (programme, account, input, now)
// that returns a new [Account], a [Result] with the [Entry] values to
// persist, or an error — and never changes the account passed in:
//
//   - [Program.Quote]: what a purchase would give (points, discount, gifts,
//     tier, trace, the money to charge), with nothing recorded.
//   - [Program.Purchase]: evaluates the rules once on [Facts]; points,
//     discount, gifts, tier promotion.
//   - [Program.Hold], [Program.Capture], [Program.Release]: reserve points
//     while an order is paid, then spend or free them.
//   - [Program.Refund]: by amount, or by lines; takes back the returned
//     share of the points earned and gives back the returned share of the
//     points that paid; lists the gifts to take back.
//   - [Program.Redeem]: spends available points, soonest to expire first;
//     [Program.CancelRedemption] puts them back into the same lots.
//   - [Program.Expire]: expires the unspent remainder of due lots. A run
//     at an instant already used adds nothing, unless operations dated
//     before it made more lots due (they expire under "expire:<t>#2").
//   - [Program.Event]: registration, birthday, review, survey, referral…
//   - [Program.ReviewTier]: demotion after the grace period.
//
// # Money semantics
//
// An order has four amounts, and each has one meaning everywhere:
//
//   - goods: [Order].Total, the price before the programme's discount and
//     before points (at least the sum of its lines). Rules see it as
//     order.Total; percent discounts are a share of it.
//   - the rules' discount: [Result].Discount of the purchase.
//   - points paid: the money the points of the redemption or captured hold
//     named by Order.Redemption pay (rules see order.PointsPaid).
//   - money paid: goods − discount − points paid, [Result].Money: what the
//     customer pays.
//
// Points accrue on money: the accrual rules' points (computed on the
// goods) are scaled by money paid / goods, rounded once. Lifetime spend
// and the tier window count money paid, net of refunds. [Refund].Amount
// is money given back, measured against the money paid; a refund by lines
// refunds the lines' share of the money paid (rounded down to
// Config.MoneyPlaces on the cumulative lines, so all lines refund exactly
// the money paid). On the cumulative returned share of the order a refund
// takes back that share of the points earned and gives back that share of
// the points that paid. Rules see the customer before the order:
// customer.LifetimeSpend, customer.LifetimeOrders and the window exclude
// it, order.Number is its place (10 for the tenth order).
//
// Worked through (the runnable Example_moneySemantics): goods 10,000, a 5 %
// discount of 500, 1,000 points paying 1,000 → money paid 8,500. A 5 %
// accrual rule gives 500 on the goods, scaled by 8,500/10,000: 425 points.
// Spend grows by 8,500. A refund of 4,250 (half the money) takes back
// 212 points (425 × ½, rounded down) and gives back 500 of the points paid;
// refunding the other 4,250 takes back the remaining 213 and gives back
// the other 500.
//
// # The checkout flow
//
// At the till: [Program.Quote] the basket (Order.Redemption may name an
// open hold) → [Program.Hold] the points the customer pays with, with an
// Until → on payment, [Program.Capture] the hold and [Program.Purchase]
// the order naming it (Order.Redemption); if the payment fails,
// [Program.Release]. A hold neither captured nor released stops holding at
// Until by itself: Balance, Redeem and Hold compare it with their now, and
// Capture refuses it ([ErrHoldLapsed]). Open holds count against the
// available points (Balance.Held). A return ([Program.Refund]) gives back
// the paid points into the lots they came from, latest-expiring first, and
// Result.GiftsBack lists the gifts to take back once the order is fully
// returned. See ExampleProgram_Hold.
//
// # Rules
//
// Rules are compiled with the [rules] package against [Facts]. A rule runs
// on the occasions its On lists: "purchase" (the default when On is
// empty) or event kinds ("registration", "birthday"…), so a purchase rule
// never runs on an event's empty order. A rule that fails at run time (a
// division by zero, a result that cannot be posted) contributes nothing,
// its trace step has status failed and the *rules.RuleError, and
// Result.RuleFailures lists it: the operation goes on. With
// Config.StrictRules the operation fails instead, with an error that
// unwraps to [ErrRule] and to the *rules.RuleError (and rules.ErrEval or
// rules.ErrResult). A zero time in the facts (no birthday on file, no
// purchase yet) is unknown: a date helper given one makes its rule not
// apply (status unknown), never a match. Traces ([rules.Step]) round-trip
// through JSON.
//
// Rules see the [Facts]. To let them see the host's own typed data too (a
// customer's margin, each line's brand), compile with [CompileWith] over
// the host's struct X: rules read it as ext (`ext.Margin >= 0.3`,
// `any(ext.Lines, .Brand == "Lavazza")`), type-checked at compile time, and
// each operation takes its value from [Customer].Ext. The untyped
// Customer.Attributes remain for quick use.
//
// # Limits and milestones
//
// A rule with a rules.Limit ("one review reward a month", "at most 500
// points a week from this promotion", "3 times in any 10 days") is counted
// from the customer's ledger: the record of every purchase and event lists
// the limited rules that applied and what each gave ([Entry].Uses), so a
// replay counts the same and a retry counts nothing twice. A calendar
// period (day, week from Monday, month, quarter, year, in the programme's
// zone) counts every use in it, also those of orders dated after the one
// being evaluated; a rolling window of D days counts the uses less than D
// days either side; so an order dated before others cannot take the
// customer past a limit. The uses of an order refunded in full no longer
// count; a partial refund changes nothing. A use is the rule's value as
// its trace step shows it (points before the share paid in points scales
// them, money off), nothing for gift and tier rules.
//
// A rule that pays from a budget shared by many customers (a campaign's,
// see the campaign package) names it (rules.Rule.Budget), and each order or
// event carries what the budget granted it ([Grants]): the rule gives at
// most its grant, and with nothing granted its trace step is limited and
// the operation goes on. A quote without a grant shows in the rule's trace
// step (Computed) what to reserve.
//
// A milestone is a rule limited to once ever: the tenth purchase
// (`order.Number >= 10`), lifetime spend crossing a threshold
// (`customer.LifetimeSpend + order.Total >= 100000`), the first
// anniversary of registration (an event rule with
// `daysSince(customer.Registered, now) >= 365`). It is granted once, even
// under retries and late-dated orders. If the order that earned it is
// refunded in full, its points go back with the order and its use no
// longer counts, so the next qualifying purchase earns it again; a refund
// that only takes the customer's spend back below a threshold takes
// nothing back.
//
// A goal ([Goal]: a stamp card, a spend target, a challenge) counts what
// each purchase's Step added. A refund takes back what its part of the
// order added: the goal's Step is evaluated again on the order as it was
// before the refund and as it is after it (lines returned removed, the
// total less the refunded share), and the order's step is scaled by the
// ratio, rounded down (the refund's record lists what it took back, so a
// replay takes back the same). Returning a croissant costs no coffee
// stamp; returning a coffee costs one; a refund by amount names no lines
// and costs only what counts money. A refund in full takes back all of
// the order's steps and the completions it made.
//
// # The ledger
//
//  1. Entries are append-only. Each has a deterministic ID: the operation
//     id (order, refund, redemption, hold, event id; expiry and review
//     time) and its position, "order:o1/2", so a retried operation writes
//     the same ids; earnings carry the rule that produced them (RuleID), and
//     the entries that take points back name the earning (Lot) they come
//     from.
//  2. The account is the fold of its entries: [Program.Replay] rebuilds
//     exactly the account the operations returned (both go through one
//     function, with one small step per entry kind, driven only by what the
//     entries say).
//  3. The sum of the entries' Points is the points in lots minus the debt;
//     earned = available + held + pending + expiring + redeemed + expired +
//     reversed + repaid.
//  4. Retrying an operation with the same id and payload returns the
//     original result (Result.Duplicate; without its entries and trace,
//     which the host has from the first call) and adds nothing; the same id
//     with another payload is [ErrConflict].
//  5. Refusals unwrap to a sentinel and leave the account as it was.
//
// # Storage, versions and concurrency
//
// A host stores, per customer, the entries of every operation and, next to
// them, a snapshot of the account ([Account.Snapshot]) with its
// [Account.Version]. The recipe for one operation:
//
//  1. read the snapshot and its version; load it with [Program.LoadSnapshot]
//     and fold any entries stored after it with [Program.Resume];
//  2. run the operation;
//  3. in one transaction: insert its entries (their IDs are unique keys) and
//     write the new snapshot and version WHERE the stored version is still
//     the one read in 1;
//  4. if no row matched, another request got there first: start again at 1.
//     The retried operation is then either applied to the newer account, or
//     recognised as already applied (Result.Duplicate).
//
// A snapshot is versioned, checksummed and bound to the programme it was
// made under: loading it (or using an account) under a programme with
// another currency, points or money places, or tiers is
// [ErrProgramMismatch]; rules, expiry and redemption policies may change.
// Snapshots do not need to be written on every operation: the entries
// after an older snapshot bring it up to date.
//
// Loading is cheap: the snapshot's records are checked at load but decoded
// a block at a time as the account reads them, so a request that loads an
// account and runs one operation decodes only what that operation reads.
// Writing a snapshot reads (and so decodes) every record; a host with long
// accounts may write one every N operations and [Program.Resume] the
// entries since, rather than on every operation.
//
// A [Program] is immutable and safe for concurrent use. An [Account] is a
// value that operations only read, so one may be shared between goroutines
// and used by several operations at once; each returns its own new
// account, and the version check above decides which one is kept.
//
// # JSON names
//
// Configurations, entries and results are written to JSON with their
// enums by name (an unknown name is an error that lists these and
// suggests the nearest):
//
//	expiry.kind       never, after_months, end_of_month, end_of_year
//	refund_of_spent   record_debt, write_off
//	rounding          down, half_up
//	entry kind        record, earn, repay, settle, redeem, expire, reverse,
//	                  debt, write_off, tier, restore
//	operation kind    purchase, refund, redeem, expire, event, review,
//	                  cancel_redemption, hold, capture, release
//	hold state        open, captured, released
//	earning why       earned_on_paid, rounded (joined with +)
//
// # Policies and calendar
//
// Points keep Config.PointsPlaces decimals, rounded down (or half up).
// Earned points are split over one lot per accrual rule without losing a
// unit (largest remainder). A purchase's points become available
// PendingDays calendar days after it (events' points at once). Expiry is in
// the programme's zone: AfterMonths keeps the time of day, and a day the
// target month lacks (Jan 31 + 1 month) expires at the end of that month;
// EndOfMonth and EndOfYear expire at the first instant of the next month or
// year. Tiers qualify on the money paid, net of refunds, or the orders of
// the last TierWindowMonths months; a promotion is immediate; a full refund
// undoes a promotion its order caused; [Program.ReviewTier] demotes
// TierGraceDays after the customer stopped qualifying (an order rolling
// out of the window, or a refund, took them below the tier; for a tier a
// rule granted, from the promotion). Redemptions and refunds
// use lots soonest to expire first, then oldest. Money in an order,
// redemption or hold must be in the programme's currency when it names one
// ([ErrCurrency]). Instants must be in years 1 to 9000.
//
// # Backtest, liability and breakage
//
// Because every operation is a pure function of (programme, account,
// input, now), a whole history can be replayed under another programme:
//
//   - [Backtest] replays a log of [Recorded] operations (an iter.Seq, in
//     time order per customer) under programmes A and B and reports them
//     side by side ([BacktestReport]): points earned, redeemed, expired
//     and outstanding, money off, gifts and their cost, customers per tier
//     and the tier transitions at chosen dates, the liability over time,
//     and the customers who gain or lose. What customers would have
//     redeemed under B is an assumption the caller states
//     ([RedemptionAssumption]). It shards by customer ([Shard], [ShardOf],
//     [MergeBacktests]) and runs on several goroutines it owns
//     (BacktestConfig.Workers), with the same report. A distributed
//     engine that groups the log by customer runs it per customer and
//     merges the reports with [MergeCustomerBacktests]; reports cross
//     processes as JSON ([BacktestReport.MarshalJSON]), fingerprint
//     included.
//   - [Program.Liability] values the points accounts hold at an instant,
//     by state and by month of expiry: outstanding × point value × (1 −
//     expected breakage), exact.
//   - [Cohorts] builds the [Development] of the points earned each month
//     from ledger entries; [Development.Breakage] estimates each cohort's
//     ultimate breakage by the chain ladder (Mack 1993) or the additive
//     method (Mack 2002), with standard errors (float64 estimates), and the
//     breakage of the points still outstanding, to value a liability with.
//
// See ExampleBacktest and go run ./examples/backtest.
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
// ones are handled too, by scanning). See the package benchmarks. A
// very large order (or host facts with long slices) cannot make the rules
// run away: the rules engine's step budget (rules.Limits MaxRuleSteps and
// MaxSteps, estimated from the longest collection) skips the rules that
// would exceed it, as contained failures listed in Result.RuleFailures.
package loyalty
