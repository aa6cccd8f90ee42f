// Package rules is loyalkit's expression engine: loyalty rules written by
// shop staff as strings, compiled once against a Go facts type, and
// evaluated exactly, within bounds, with a trace that explains every
// decision.
//
// # Overview
//
//   - [Rule] is a plain, JSON-friendly definition: an id, a [Kind]
//     ([Accrual], [Discount], [Gift], [Tier]), a condition (When), a Value
//     expression, a Priority, a [Stacking], an optional From/Until window,
//     an optional list of occasions (On) and an optional Cap.
//   - [Compile] type-checks every expression against a facts type F (any
//     struct implementing [Facts]) and returns all problems at once as a
//     [*CompileError] of [*RuleError]s, each with the rule id, the part
//     (when or value), the line:column and a caret line.
//   - [Set.Eval] evaluates the compiled set on one facts value and returns
//     an [Outcome]: points, discount, gifts, tier, a [Step] per rule and
//     the rules that failed. Outcomes, steps and [*RuleError]s are written
//     to JSON (snake_case fields, statuses and sentinels by name) and read
//     back unchanged, so a trace can be stored and examined later.
//   - [CompileCondition] compiles a single condition ([Condition]), for
//     segments and eligibility checks; [Prepare] readies facts for it.
//
// A compiled [Set] or [Condition] is immutable and safe for concurrent use.
//
// In JSON, a rule's enums are written by name (an unknown name is an
// error that lists these and suggests the nearest):
//
//	kind      accrual, discount, gift, tier
//	unit      percent, amount (discounts only)
//	stacking  stack (the default), exclusive, best_of
//	status    unset, inactive, false, shadowed, outdone, capped, applied,
//	          failed, not_applicable, unknown, limited (a trace step's)
//	per       ever (the default), day, week, month, quarter, year,
//	          rolling (a Limit's period)
//
// # Writing rules
//
// Rules are [expr] expressions over the facts' fields (renamed with
// `expr:"name"` tags): `order.Total >= 1000 && customer.Tier == "gold"`.
// Money is [decimal.Decimal] and exact: every arithmetic and comparison
// operator works between decimals and int or float literals, in either
// order, so `order.Total * 0.05`, `order.Total == 1234.56` and
// `0.1 + 0.2 == 0.3` are exact. Float literals are read from the source text
// as decimals (never through float64), an integer division such as
// `customer.Orders / 4` is a decimal division, and unary minus works on
// money. Division keeps 16 decimal places; dividing by a zero computed at
// run time is an evaluation error (a constant zero divisor is refused at
// compile time, see below), and so is integer arithmetic (+, -, *, unary minus,
// sum) that overflows int64, where expr alone would wrap around. Arithmetic
// that would still be float64 (only possible with float64 facts) is
// refused at compile time with [ErrInexact].
//
// The functions rules may call:
//
//	floor(x), ceil(x), round(x, places)   rounding (round: half away from zero)
//	min(a, b), max(a, b)                   on money and ints
//	dec(n)                                 an int as money
//	date("2026-03-01"[, now])              a date (UTC, or wall time in now's zone)
//	daysSince(t, now), daysUntil(t, now)   calendar days in now's zone
//	yearsSince(date, now)                  whole years (ages, anniversaries)
//	weekday(t) ("monday"…), month(t), day(t), year(t), hour(t)
//	isBirthday(date, now, withinDays)      see [IsBirthday]; Feb 29 → Feb 28
//	daysToAnniversary(date, now)           days to the next anniversary of date's
//	daysSinceAnniversary(date, now)        month and day / since the last (0: today)
//	nearAnniversary(date, now, before, after)
//	                                       at most before days before or after days
//	                                       after one: birthday week is (…, 3, 3)
//	startOfWeek(now), endOfWeek(now)       Monday 00:00 of this ISO week / of the next
//	startOfMonth, endOfMonth, startOfQuarter, endOfQuarter, startOfYear, endOfYear
//	                                       the same for months, quarters, years: ends
//	                                       are exclusive (`t < endOfMonth(now)`)
//	withinHours(now, "15:00", "17:00")     wall clock in [from, to) in now's zone;
//	                                       "22:00", "02:00" runs past midnight
//	len(xs)
//	any, all, none, one, count, sum, filter over a slice, with a predicate:
//	    any(order.Lines, .Category == "suits")
//	    sum(filter(order.Lines, .Category == "coffee"), .Price * .Qty)
//
// Nothing reads the clock: `now` is a field of the facts.
// [Helpers] returns this list, with the signatures the type checker
// accepts, for editors and help pages.
//
// A zero time.Time (or a nil *time.Time) is an unknown date, not 1 January
// of year 1: a customer with no birthday on file has no birthday. Given to
// a date helper (any of the date and window helpers above; either argument
// of the two-argument ones, except date's now, of which only the zone
// counts: a zero time there is UTC) it
// makes the helper fail with [ErrUnknown], and so the whole expression,
// however the helper is used: `!isBirthday(customer.Birthday, now, 3)` is
// not true for an unknown birthday. A rule that needs an unknown value is
// [StatusUnknown] (see below); a [Condition] reports it as an error
// wrapping ErrUnknown. An unknown value that is not needed (`false &&
// isBirthday(…)`) is no problem.
//
// # Safety
//
// Rule strings are untrusted. At compile time an expression is refused
// ([ErrForbidden]) when it is longer than [Limits].MaxSourceLen, nests
// brackets deeper than MaxDepth, has more than MaxNodes nodes, or uses a
// method call, a range (..), let, a ; sequence, $env, a map literal,
// powers, matches, #index/#acc, a predicate inside a predicate, a walk
// over a collection inside a predicate, or any
// function or builtin outside the list above. What is bound to fail
// whatever the facts is refused at compile time too, as an [ErrType] error
// at the operator or call: a division or modulo by a constant zero (`x / 0`,
// `x % 0.0`, `x / (1 - 1)`: constants are computed exactly, in decimals),
// isBirthday with a constant withinDays outside 0..366, round with constant
// places that are not a whole number in -18..18, and date with a constant
// text that does not parse. At run time each expression
// has a memory budget (MemoryBudget) and every result is validated:
// negative or above MaxValue points, a percent over 100, a gift or tier
// that is not a name (empty, only white space, control or bidirectional
// formatting characters, invalid UTF-8, over 200 bytes) are [ErrResult]
// errors, never postings (constant ones are refused at compile time).
// Evaluation never panics.
// On facts that say their size ([Sizer]: the longest collection, such as
// an order's lines) each rule's cost is estimated before it runs (its
// nodes, plus its predicates' nodes once per element: rules cannot nest
// predicates, nor walk a collection — sum, count, any, `in` a list
// that is not written out — inside one, so no rule is worse than linear); a rule over
// Limits.MaxRuleSteps, or one that would take the evaluation over
// Limits.MaxSteps, is not run and fails with [ErrEval]. A very large order
// thus costs at most the budget: as many line rules as MaxProgramNodes
// allows (333) on a 5,000-line order take about 13 ms
// (BenchmarkEvalHugeOrder), instead of seconds.
//
// # Evaluation and stacking
//
// [Set.Eval] goes through the rules once, in evaluation order, and
// combines them as follows:
//
//  1. Evaluation order is by Priority, highest first; rules of equal
//     priority keep the order they were given in. The trace follows it.
//  2. A rule outside its window (From inclusive, Until exclusive, compared
//     with [Facts.EvalTime]) is [StatusInactive] and not evaluated. A rule
//     whose On is not empty and does not list the facts' occasion (facts
//     implementing [Occasioner] name it; Compile refuses On for facts that
//     do not) is [StatusNotApplicable] and not evaluated either.
//  3. A rule after an applied [Exclusive] rule of the same kind is
//     [StatusShadowed] (By names the exclusive rule) and not evaluated.
//     Tier rules always behave as exclusive: the first applied tier wins.
//     A rule with a [Limit] whose customer has had what it allows (the
//     facts, a [Limiter], say so) is [StatusLimited] (Reason says what was
//     used) and not evaluated; a limit's Amount cuts the value to what is
//     left ([StatusCapped], By "limit"), before best-of comparisons.
//  4. Otherwise the condition runs; false gives [StatusFalse]. An empty
//     condition is true.
//  5. The value runs. A percent discount becomes money, a share of the
//     discount base. A positive Cap limits the rule's contribution
//     ([StatusCapped], with Computed holding the value before the cap).
//     A rule with a Budget is cut to what the facts (a [Budgeter]) say its
//     budget granted ([StatusCapped], By "budget"); with nothing granted
//     it is [StatusLimited], shadows and outdoes nothing, and its Computed
//     is what it would have given.
//  6. Among the applied [BestOf] rules of one kind only the largest value
//     counts (ties: the earliest); the others become [StatusOutdone]. It
//     then adds to the [Stack] and [Exclusive] contributions of the kind.
//  7. Discounts are added in evaluation order and limited to the discount
//     base ([Facts.DiscountBase]): the rule that would cross it
//     contributes only what is left and is [StatusCapped]; later ones
//     contribute 0. The discount never exceeds the base.
//  8. Points and Discount are exactly the sums of the trace's Values; Gifts
//     lists the applied gift rules' gifts in order; Tier is the first
//     applied tier rule's tier.
//  9. A rule whose condition or value fails at run time (an [ErrEval]
//     error such as a division by zero, or an [ErrResult] value that
//     cannot be posted) is contained: it is [StatusFailed], contributes
//     nothing (a failed exclusive rule shadows nothing, a failed best-of
//     rule does not compete), its step's Error and [Outcome].Failures hold
//     its [*RuleError], and evaluation goes on with the next rule. With
//     the [Strict] option Eval fails closed instead: the first failing rule
//     makes it return that [*RuleError] and no outcome, so nothing partial
//     can be posted. A problem that is not about one rule (a negative
//     discount base) is an error in both modes.
//  10. A rule whose condition or value needs an unknown value is
//     [StatusUnknown]: it does not apply and contributes nothing, like a
//     false condition, and its step's Error says which helper and argument
//     (with the position). It is not a failure: it is not in
//     [Outcome].Failures and does not fail Eval under [Strict].
//
// # Cookbook
//
// Twenty-one recipes: what a shop asks for and the rules that do it, written
// on the facts the loyalty package gives its rules (customer.…, order.…,
// event.… and now; see loyalty.Facts). Each recipe's programme has,
// besides the recipe, a base rule of one point per 100 spent, so "double
// points" is a second rule worth the base again:
//
//	base: accrual
//	  value floor(order.Total / 100)
//
// Its tiers are member and gold (12 orders in 12 months), and it runs in
// Europe/Moscow: now, weekday, withinHours and the window helpers read
// that wall clock. Points are earned on the money paid (see the loyalty
// package), so a discount lowers them.
//
// loyalty/cookbook_test.go checks every recipe: it compiles the recipe
// into a programme, runs a purchase (or an event) on a stated customer,
// basket and time, and compares the points, discount, gifts, tier and
// the recipe's trace steps with what the shop wants, including cases
// where the recipe must not apply, such as a customer with no birthday on
// file (unknown is never a match). It also checks that the rules below
// are the ones it tests, text for text and in the same order.
//
// ladder: cumulative discount, 3, 5, 10 or 15 % by lifetime spend, one step.
//
//	ladder-15: discount, percent, exclusive, priority 4
//	  when  customer.LifetimeSpend >= 300000
//	  value 15
//	ladder-10: discount, percent, exclusive, priority 3
//	  when  customer.LifetimeSpend >= 100000
//	  value 10
//	ladder-5: discount, percent, exclusive, priority 2
//	  when  customer.LifetimeSpend >= 30000
//	  value 5
//	ladder-3: discount, percent, exclusive, priority 1
//	  when  customer.LifetimeSpend >= 10000
//	  value 3
//
// suit-cover: a suit cover with every suit.
//
//	suit-cover: gift
//	  when  any(order.Lines, .Category == "suits")
//	  value "suit-cover"
//
// baby-kit: a baby kit for expecting parents (an attribute) when they join.
//
//	baby-kit: gift
//	  when  customer.Attributes["expecting"] == "yes"
//	  value "baby-kit"
//	  on    registration
//
// birthday-week: double points 3 days either side of the birthday.
//
//	birthday-week: accrual
//	  when  nearAnniversary(customer.Birthday, now, 3, 3)
//	  value floor(order.Total / 100)
//
// tenth-order: 500 points on every tenth order.
//
//	tenth-order: accrual
//	  when  order.Number % 10 == 0
//	  value 500
//
// happy-hour: double points from 15:00 to 17:00.
//
//	happy-hour: accrual
//	  when  withinHours(now, "15:00", "17:00")
//	  value floor(order.Total / 100)
//
// beans-triple: triple points on coffee beans: twice the base on top.
//
//	beans-triple: accrual
//	  when  any(order.Lines, .Category == "beans")
//	  value floor(sum(filter(order.Lines, .Category == "beans"), .Price * .Qty) / 100) * 2
//
// first-order: 200 points on the first order.
//
//	first-order: accrual
//	  when  order.Number == 1
//	  value 200
//
// win-back: 300 points for coming back after more than 180 days.
//
//	win-back: accrual
//	  when  daysSince(customer.LastPurchase, now) > 180
//	  value 300
//
// weekend: half as many points again on Saturdays and Sundays.
//
//	weekend: accrual
//	  when  weekday(now) in ["saturday", "sunday"]
//	  value floor(order.Total / 200)
//
// anniversary: a mug with purchases in the week from each joining anniversary.
//
//	anniversary: gift
//	  when  yearsSince(customer.Registered, now) >= 1 && daysSinceAnniversary(customer.Registered, now) < 7
//	  value "anniversary-mug"
//
// review: 50 points for a review, 100 with a photo.
//
//	review: accrual
//	  value event.Attributes["photo"] == "yes" ? 100 : 50
//	  on    review
//
// capped-bonus: 10 % of the order back in points, at most 500 an order.
//
//	capped-bonus: accrual
//	  value order.Total * 0.1
//	  cap   500
//
// best-of: 15 % off shoes or 5 % off a basket of 5,000: the larger one.
//
//	shoes-15: discount, amount, best_of
//	  when  any(order.Lines, .Category == "shoes")
//	  value sum(filter(order.Lines, .Category == "shoes"), .Price * .Qty) * 0.15
//	basket-5: discount, percent, best_of
//	  when  order.Total >= 5000
//	  value 5
//
// spring-campaign: 100 points on every purchase in March 2026.
//
//	spring-campaign: accrual
//	  value 100
//	  from  2026-03-01T00:00:00+03:00
//	  until 2026-04-01T00:00:00+03:00
//
// min-basket: 300 off a basket of 5,000 or more.
//
//	min-basket: discount, amount
//	  when  order.Total >= 5000
//	  value 300
//
// gold-tier: gold at 50,000 spent in 12 months, this order included.
//
//	gold-tier: tier
//	  when  customer.WindowSpend + order.Total >= 50000
//	  value "gold"
//
// coupon: 10 % off with the coupon code SPRING10.
//
//	coupon: discount, percent
//	  when  order.Coupon == "SPRING10"
//	  value 10
//
// month-end: 7 % off in the last three days of every month.
//
//	month-end: discount, percent
//	  when  daysUntil(endOfMonth(now), now) <= 3
//	  value 7
//
// quarter-start: 100 points in the first seven days of every quarter.
//
//	quarter-start: accrual
//	  when  daysSince(startOfQuarter(now), now) < 7
//	  value 100
//
// third-this-month: 150 points for the third purchase in a calendar month.
//
//	third-this-month: accrual
//	  when  customer.MonthOrders == 2
//	  value 150
package rules
