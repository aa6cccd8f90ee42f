package loyalty

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/decsum"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// Goal is a target a customer works toward with their purchases: a stamp
// card ("the 6th coffee free"), a spend or visit target in a period
// ("spend 10,000 in March"), a challenge between two dates. Its progress
// is counted from the ledger like a rule's limit (each purchase's record
// lists what it added, Entry.Goals) and rules see it as
// goals["<id>"] ([GoalFacts]): a reward rule says
// `goals["card"].Completes`, and a Limit on it makes the reward once a
// period whatever happens. Refunds take back what the part returned
// added (see [Program.Refund] and the package documentation).
type Goal struct {
	// ID names the goal in rules (goals["card"]), errors and progress.
	ID string `json:"id"`
	// Counts is a condition over the facts: the purchases for which it
	// holds count (empty: every purchase).
	Counts string `json:"counts,omitempty"`
	// Step is what a counted purchase adds, a number from the facts (empty:
	// 1, a visit or a stamp): order.Total for spend,
	// sum(filter(order.Lines, .Category == "coffee"), .Qty) for coffees.
	Step string `json:"step,omitempty"`
	// Target is the progress that completes the goal (above 0).
	Target decimal.Decimal `json:"target"`
	// Per is the period progress counts in: a calendar day, week, month,
	// quarter or year in the programme's zone, after which it starts
	// again from 0; or rules.Ever (the default): a stamp card, which
	// starts again when it is full (what goes past the target carries
	// over to the next card) — or, with Until, a challenge, completed once.
	Per rules.Period `json:"per,omitempty"`
	// From and Until bound a challenge: only purchases at or after From
	// and before Until count. A goal with From needs Until.
	From  time.Time `json:"from,omitzero"`
	Until time.Time `json:"until,omitzero"`
}

// GoalFacts is a goal as rules see it on a purchase: Progress before the
// order (of the current card, for a stamp card), what the order adds
// (Step), the Target, Left to go before the order, and whether the order
// completes it (Completes: Progress + Step reaches the target).
//
// Streak is, for a goal per period, how many periods in a row before the
// current one the goal was completed in: "a visit every week for 4 weeks"
// is `goals["weekly"].Completes && goals["weekly"].Streak >= 3`.
type GoalFacts struct {
	Progress, Step, Target, Left decimal.Decimal
	Completes                    bool
	Streak                       int
}

// GoalProgress is where a customer stands on a goal, for the host: "4 of
// 6", "2,500 to go, ends 31 March". Ends is the end of the period (or the
// challenge's Until; zero for a stamp card); Completed is how many times
// the goal was completed in the period (cards filled, for a stamp card).
//
// Streak is, for a goal per period, how many periods in a row up to now
// it was completed in (the current one counts once it is completed).
type GoalProgress struct {
	ID                     string
	Progress, Target, Left decimal.Decimal
	Completed              int
	Ends                   time.Time
	Streak                 int
}

// GoalStep is what one purchase added to a goal, on its record, and how
// many times it completed the goal (cards it filled).
type GoalStep struct {
	Goal      string          `json:"goal"`
	Amount    decimal.Decimal `json:"amount"`
	Completed int             `json:"completed,omitempty"`
}

// goalKey is the key of a goal's steps among the account's rule uses: a
// prefix no rule id can have (rule ids have no control characters).
func goalKey(id string) string { return goalKeyPrefix + id }

const goalKeyPrefix = "\x1fgoal:"

// goalDoneKey is the key of a goal's completions (each use's amount is
// how many).
func goalDoneKey(id string) string { return "\x1fdone:" + id }

// goalKeys are a goal's two keys, made once when the programme compiles.
type goalKeys struct{ steps, done string }

// keysOf is goal id's keys (made again for a goal the programme does not
// have, which a ledger may name).
func (p *Program) keysOf(id string) goalKeys {
	if k, ok := p.goalKeyOf[id]; ok {
		return k
	}
	return goalKeys{goalKey(id), goalDoneKey(id)}
}

// goalRuleID is the id a goal's Counts and Step compile under, which
// errors name.
func goalRuleID(id string) string { return "goal:" + id }

// validateGoals lists what is wrong with the goals.
func validateGoals(gs []Goal, bad func(field, format string, args ...any)) {
	seen := map[string]bool{}
	for i, g := range gs {
		f := func(name string) string { return fmt.Sprintf("goals[%d].%s", i, name) }
		switch {
		case g.ID == "":
			bad(f("id"), "is empty: it names the goal in rules, as goals[\"id\"]")
		case seen[g.ID]:
			bad(f("id"), "%q is used twice", g.ID)
		case strings.ContainsAny(g.ID, "\"`\\"):
			bad(f("id"), "%q has a quote or backslash: rules could not name it", g.ID)
		}
		seen[g.ID] = true
		if !g.Target.IsPositive() {
			bad(f("target"), "%s is not above 0: it is the progress that completes goal %q", g.Target, g.ID)
		}
		if g.Per > rules.Year {
			bad(f("per"), "%v: a goal counts per day, week, month, quarter or year, or ever (a stamp card)", g.Per)
		}
		switch {
		case !g.From.IsZero() && g.Until.IsZero():
			bad(f("until"), "is missing: goal %q starts at %s and needs an end", g.ID, g.From.Format(time.RFC3339))
		case !g.From.IsZero() && !g.Until.After(g.From):
			bad(f("until"), "%s is not after from %s", g.Until.Format(time.RFC3339), g.From.Format(time.RFC3339))
		}
	}
}

// goalRules are the goals' Counts and Step as rules, compiled like the
// programme's: one accrual rule per goal, its value the step.
func goalRules(gs []Goal) []rules.Rule {
	out := make([]rules.Rule, len(gs))
	for i, g := range gs {
		step := g.Step
		if step == "" {
			step = "1"
		}
		out[i] = rules.Rule{ID: goalRuleID(g.ID), Kind: rules.Accrual, When: g.Counts, Value: step,
			From: g.From, Until: g.Until, On: []string{OccasionPurchase}}
	}
	return out
}

// goalRef finds goals["id"] in a rule's expressions.
var goalRef = regexp.MustCompile(`goals\s*\[\s*["` + "`" + `]([^"` + "`" + `]*)["` + "`" + `]\s*\]`)

// streakRef finds goals["id"].Streak in a rule's expressions.
var streakRef = regexp.MustCompile(`goals\s*\[\s*["` + "`" + `]([^"` + "`" + `]*)["` + "`" + `]\s*\]\s*\.\s*Streak\b`)

// streaksRead is the goals whose Streak a rule reads: the others' is not
// counted on purchases (it walks back over the periods).
func streaksRead(rs []rules.Rule) map[string]bool {
	out := map[string]bool{}
	for _, r := range rs {
		for _, src := range []string{r.When, r.Value} {
			for _, m := range streakRef.FindAllStringSubmatch(src, -1) {
				out[m[1]] = true
			}
		}
	}
	return out
}

// checkGoalRefs refuses rules that name a goal the programme does not
// have (a map lookup would quietly read a zero goal).
func checkGoalRefs(rs []rules.Rule, gs []Goal) error {
	var errs []string
	for _, r := range rs {
		for _, src := range []string{r.When, r.Value} {
			for _, m := range goalRef.FindAllStringSubmatch(src, -1) {
				if !slices.ContainsFunc(gs, func(g Goal) bool { return g.ID == m[1] }) {
					errs = append(errs, fmt.Sprintf("rule %q: no goal %q (goals: %s)", r.ID, m[1], goalIDs(gs)))
				}
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s", rules.ErrInvalidRule, strings.Join(errs, "; "))
	}
	return nil
}

func goalIDs(gs []Goal) string {
	if len(gs) == 0 {
		return "none"
	}
	ids := make([]string, len(gs))
	for i, g := range gs {
		ids[i] = g.ID
	}
	return strings.Join(ids, ", ")
}

// goalFacts is the programme's goals for a purchase on f: their progress
// before it, and the steps the order adds.
// A goal whose Counts or Step fails at run time adds nothing (the
// failure is returned with the rules' failures), unless the programme is
// strict.
func (p *Program) goalFacts(f Facts) (map[string]GoalFacts, []GoalStep, []*rules.RuleError, error) {
	if len(p.cfg.Goals) == 0 {
		return nil, nil, nil, nil
	}
	out, err := p.goals.Eval(f)
	if err != nil {
		return nil, nil, nil, err
	}
	facts := make(map[string]GoalFacts, len(p.cfg.Goals))
	var steps []GoalStep
	for i, g := range p.cfg.Goals {
		st := out.Trace[i]
		step := decimal.Zero
		if st.Status == rules.StatusApplied || st.Status == rules.StatusCapped {
			step = st.Value
		}
		gp, raw := p.progressAt(f.limits, g, f.Now, p.streaks[g.ID])
		raw = raw.Plus(decsum.Of(step))
		done := 0
		switch {
		case g.Per == rules.Ever && g.Until.IsZero(): // the cards this order fills
			done = cards(raw, g.Target)
		case gp.Completed == 0 && raw.Cmp(decsum.Of(g.Target)) >= 0:
			done = 1
		}
		facts[g.ID] = GoalFacts{Progress: gp.Progress, Step: step, Target: g.Target, Left: gp.Left, Completes: done > 0,
			Streak: gp.Streak - min(gp.Completed, 1)}
		if step.IsPositive() {
			steps = append(steps, GoalStep{Goal: g.ID, Amount: step, Completed: max(done, 0)})
		}
	}
	return facts, steps, out.Failures, nil
}

// progressAt is where the account stands on goal g at now (its streak
// only when asked), and its raw
// progress: the steps counted less the targets of the completions (for a
// stamp card, the current card; below 0 when refunds took back stamps of
// a card already filled, which the next stamps make up first). A
// completion, once recorded, stays until its own order is refunded in
// full: refunds of other orders do not make a goal complete twice.
func (p *Program) progressAt(v *limitView, g Goal, now time.Time, streak bool) (GoalProgress, decsum.Sum) {
	per := rules.Limit{Per: g.Per}
	keys := p.keysOf(g.ID)
	_, total := v.used(keys.steps, per, now)
	_, done := v.used(keys.done, per, now)
	completed := done.Value().IntPart() // whole: each is a GoalStep's Completed
	gp := GoalProgress{ID: g.ID, Target: g.Target, Completed: int(completed)}
	card := g.Per == rules.Ever && g.Until.IsZero()
	raw := total
	if card {
		var targets decsum.Sum
		targets.AddMul(g.Target, completed)
		raw = total.Minus(targets)
	}
	progress, left := raw, decsum.Of(g.Target)
	if progress.Cmp(decsum.Sum{}) < 0 {
		progress = decsum.Sum{}
	}
	left = left.Minus(progress)
	if left.Cmp(decsum.Sum{}) < 0 || gp.Completed > 0 && !card { // done for the period
		left = decsum.Sum{}
	}
	gp.Progress, gp.Left = progress.Value(), left.Value()
	if g.Per != rules.Ever {
		var from time.Time
		from, gp.Ends = p.limitPeriod(per, now)
		if streak {
			gp.Streak = min(gp.Completed, 1) + p.streak(v.a, g, from)
		}
	}
	if !g.Until.IsZero() && (gp.Ends.IsZero() || g.Until.Before(gp.Ends)) {
		gp.Ends = g.Until
	}
	return gp, raw
}

// cards is how many whole targets the raw progress of a stamp card holds
// (rounded down, below 0 too): the cards it fills. Money-sized amounts
// divide as int64 units; others as decimals, as Div rounds them.
func cards(raw decsum.Sum, target decimal.Decimal) int {
	r, ok1 := raw.Small()
	t, ok2 := decsum.Units(target)
	if ok1 && ok2 && t > 0 && t < 1e15 { // a quotient's fraction is at least 1/t from a whole number: Div's 16 places cannot round it to one
		q := r / t
		if r%t != 0 && r < 0 {
			q--
		}
		return int(q)
	}
	return int(raw.Value().Div(target).Floor().IntPart())
}

// maxStreak bounds how far back a streak is counted.
const maxStreak = 1000

// streak is how many periods of goal g in a row, the last ending at
// before, it was completed in.
func (p *Program) streak(a *Account, g Goal, before time.Time) int {
	per := rules.Limit{Per: g.Per}
	n := 0
	for at := before.Add(-time.Nanosecond); n < maxStreak; n++ {
		v := limitView{p: p, a: a} // a view counts at one time
		if _, done := v.used(p.keysOf(g.ID).done, per, at); done.Value().Sign() <= 0 {
			break
		}
		from, _ := p.limitPeriod(per, at)
		at = from.Add(-time.Nanosecond)
	}
	return n
}

// Progress is where the customer stands on each of the programme's goals
// at now: progress of the current period (or card), what is left, when
// the period ends, how many times it was completed.
func (p *Program) Progress(a Account, now time.Time) ([]GoalProgress, error) {
	if err := p.bind(&a, "progress"); err != nil {
		return nil, err
	}
	out := make([]GoalProgress, len(p.cfg.Goals))
	v := &limitView{p: p, a: &a}
	for i, g := range p.cfg.Goals {
		out[i], _ = p.progressAt(v, g, now, true)
	}
	return out, nil
}
