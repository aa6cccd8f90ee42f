// Package touch answers "whom do we contact today, and why": from the
// customers' profiles, loyalty accounts and purchase history as of a date
// it makes a ranked [Plan] of [Touch]es, each with its reasons ([Why])
// and the numbers behind them, within cool-downs and limits.
//
//   - [Config] switches the built-in reasons on, one part each, and sets
//     the [Limits]; [Compile] checks it and compiles the host's touch
//     [Rule]s into a [Planner].
//   - [Planner.Plan] judges each [Customer] on the day of its asOf
//     instant, in the programme's time zone, drops the reasons still in
//     their cool-down and the customers over their limit given the host's
//     record of past [Contact]s, ranks the rest and keeps the first
//     Limits.Daily.
//   - [RhythmBuilder] reads a purchase log into each customer's [Rhythm]
//     (purchase days, last one, typical gap), the input of Lapsed.
//
// Why a package of its own: touches read the loyalty ledger (points
// expiring, tiers), the segments and the retention models at once, so
// touch imports loyalty, segment, metrics and rules, and nothing imports
// touch. Putting it in segment would have made segment import loyalty;
// keeping it apart leaves every existing arrow as it was. Raffles, which
// need none of that, are in package raffle.
//
// # The reasons
//
// Today is the date of asOf in Config.Location. Days are calendar days
// counted between dates (a DST change makes no day shorter or longer).
//
//   - [Birthday]: the customer's birthday (month and day of
//     Customer.Birthday, a calendar date read in its own location) falls
//     within Config.Birthday.Days days from today, today included. A
//     29 February birthday is celebrated on 28 February in years without
//     one (as rules.IsBirthday), so it comes exactly once a year. Why.Years
//     is the age turned.
//   - [Anniversary]: the same for the anniversary of the date the customer
//     registered (Customer.Registered, an instant, read in the programme's
//     zone); the first is a year after registration, never the day itself.
//   - [Expiring]: the account's points that expire after now and by the
//     end of the day Config.Expiring.Days days from today (loyalty's
//     Account.Expiring), at least MinPoints of them. Points expiring at
//     midnight at the end of the 31st are usable on the 31st: Why.Days
//     counts to that last usable day.
//   - [Lapsed], by the customer's own rhythm: the typical gap is the
//     median of the days between consecutive purchase days; the customer is
//     lapsed from ⌈Factor × typical gap⌉ days after their last purchase day
//     (at least MinDays). With fewer than MinPurchaseDays purchase days
//     (default 3: two gaps) there is no rhythm: FallbackDays applies
//     instead (0: never lapsed). Past MaxDays they are taken as gone. See
//     [LapseRule].
//   - [Dormant]: P(alive) from a fitted BG/NBD, MBG/NBD or Pareto/NBD
//     model is below Config.Dormant.Below, for customers with a summary
//     (Customer.Summary, made as of the plan's date). A summary in another
//     time unit than the model is an error, never a silent rescaling.
//     P(alive) is a float64 estimate.
//   - [TierAtRisk]: the programme reviews tiers at the start of every
//     period of ReviewMonths months; from Config.TierAtRisk.Days days
//     before the next review, a customer whom that review would demote
//     (loyalty's Program.TierOutlook: the window then, grace included) is
//     told what keeps the tier: the money paid or the orders the window
//     lacks for it (either is enough), before the review instant.
//   - [NearTier]: the tier window lacks at most Within (a share) of the
//     next tier's spend or orders threshold: "1,200 more spend to reach
//     gold".
//   - [NearSegment]: the customer is within Within of the next segment up
//     of a segment.Segmentation, as Segmentation.Boundaries measures it:
//     "3,400 more SpendInPeriod to move from current to vip".
//   - [RuleMatched]: a host touch rule's condition holds. Rules are
//     compiled by package rules over [Facts] (type-checked, bounded;
//     errors name the touch rule and the line:column), and see the
//     built-in reasons found (`"lapsed" in Reasons && Segment == "vip"`).
//     A rule that needs an unknown value does not match; one that fails at
//     run time is counted in Plan.Failures and skipped for that customer
//     (Config.Strict: the plan fails).
//   - [NearGoal]: one of the programme's goals (loyalty.Goal: a stamp
//     card, a target in a period, a challenge) lacks at most Within of
//     its target, as loyalty.Program.Progress counts it: "goal card: 1 to
//     go"; a cool-down is kept per goal.
//
// # Cool-downs and limits
//
// The host passes its record of past contacts (the [Touch.Contacts] of
// the touches it made). A reason (for rules: a rule) for which the
// customer was contacted fewer than its CoolDownDays days ago is dropped;
// a customer with no reason left is not listed. A customer is listed only
// if the days on which they were contacted within the last
// Limits.PeriodDays days, today included, stay at most
// Limits.PerCustomer with today counted as a touch. Of the customers left,
// the Limits.Daily most valuable are listed: value is Customer.Value (the
// host's measure of what the customer is worth; we suggest their CLV from
// metrics.CLV, which already weighs P(alive)) plus PointValue × the points
// about to expire when that is among the reasons; ties go to the smaller
// customer id. So the plan is deterministic and does not depend on the
// order of the customers or the contacts, and, recorded and fed back day
// after day, never exceeds a cool-down or a limit (TestLimitsHold).
//
// # Bad input
//
// A negative window or cool-down, Limits of zero, a share outside (0, 1],
// a Factor under 1, a missing model or programme, an empty or repeated
// customer id, a summary in another unit than the model, a contact
// without customer, instant or reason: each is an [*InputError] naming
// the field ("Limits.Daily", "customers[3].Summary.Unit",
// "contacts[7].At"); it unwraps to [ErrInput].
//
// # Cost
//
// A plan reads each customer once, then finds the full reasons of those it
// lists only. A million synthetic customers with every reason on, a
// segmentation and a touch rule take about 1.3 s on one core of the shared
// development machine and 0.8 s with Config.Workers = 2 (BenchmarkPlan;
// the README has the figures and the commands); half of it is the rules
// engine evaluating the segmentation's conditions and the touch rules for
// every customer. A [Planner] is immutable and safe for concurrent use;
// Plan changes none of its arguments, and gives the same plan for any
// number of workers.
package touch
