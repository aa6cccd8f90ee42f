package loyalty

import (
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/enum"
	"github.com/shopspring/decimal"
)

// Recorded is one operation of a shop's history, as it was recorded: the
// input of a backtest ([Backtest]). Kind says which of Order, Refund,
// Event, Redemption or Reversal (of an event) it is; At is when it happened; Customer is the
// customer's profile as the operation saw it.
type Recorded struct {
	Kind       OpKind     `json:"kind"` // OpPurchase, OpRefund, OpEvent, OpRedeem or OpReverse
	At         time.Time  `json:"at"`
	Customer   Customer   `json:"customer"`
	Order      Order      `json:"order,omitzero"`
	Refund     Refund     `json:"refund,omitzero"`
	Event      Event      `json:"event,omitzero"`
	Redemption Redemption `json:"redemption,omitzero"`
	Reversal   Reversal   `json:"reversal,omitzero"`
}

// op is the operation id the ledger gives r ("order:o1", …), for errors.
func (r *Recorded) op() string {
	switch r.Kind {
	case OpPurchase:
		return purchaseOp(r.Order.ID)
	case OpRefund:
		return "refund:" + r.Refund.ID
	case OpEvent:
		return "event:" + r.Event.ID
	case OpRedeem:
		return "redeem:" + r.Redemption.ID
	case OpReverse:
		return opPrefixes[OpReverse] + r.Reversal.ID
	}
	return r.Kind.String()
}

// RedemptionAssumption is what a backtest assumes customers would have
// redeemed: a log records what they redeemed under the programme they
// had, not what they would have done under another. The caller states it
// (the zero value is unset and refused) and the report repeats it.
//
// Programme A is the reference: the recorded amounts are read against it.
// Under A, every assumption redeems the recorded points when A allows it,
// so when A is the programme the log was recorded under, A redeems
// exactly what was recorded.
type RedemptionAssumption uint8

// The redemption assumptions.
const (
	AssumptionUnset RedemptionAssumption = iota
	// RedeemAsRecorded redeems the recorded points; where the programme
	// refuses (too few points available, its redemption policy), the
	// redemption is not made, and the order it paid for is paid in money.
	RedeemAsRecorded
	// RedeemCapped redeems the recorded points, or all the available
	// points (net of debt) when fewer: the customer spends what they have.
	RedeemCapped
	// RedeemSameShare redeems the same share of the available points as the
	// customer redeemed under A (recorded ÷ available under A just before),
	// rounded down to the programme's points places; nothing when the
	// customer had no points available under A.
	//
	// Under RedeemCapped and RedeemSameShare, a redemption for an order
	// (Redemption.OrderTotal set) spends no more points than pay the
	// programme's largest share of that order (all of it when MaxShare is
	// zero). Under RedeemAsRecorded, a redemption whose money B would not
	// let pay for its order fails the order's purchase: give B the same
	// point value, or use another assumption.
	RedeemSameShare
)

var assumptionNames = [...]string{"", "as_recorded", "capped", "same_share"}

func (a RedemptionAssumption) String() string {
	return enum.String(a, "RedemptionAssumption", assumptionNames[:])
}
func (a RedemptionAssumption) MarshalText() ([]byte, error) {
	return enum.Marshal("loyalty", a, assumptionNames[:])
}
func (a *RedemptionAssumption) UnmarshalText(b []byte) (err error) {
	*a, err = enum.Parse[RedemptionAssumption]("loyalty", "redemption assumption", string(b), assumptionNames[:], false)
	return err
}

// Describe says in a sentence what the assumption does, for a report.
func (a RedemptionAssumption) Describe() string {
	switch a {
	case RedeemAsRecorded:
		return "each recorded redemption is made with the recorded points where the programme allows it, else not at all"
	case RedeemCapped:
		return "each recorded redemption is made with the recorded points, or with all the points available when fewer"
	case RedeemSameShare:
		return "each recorded redemption spends the share of the available points it spent under programme A"
	}
	return "unset"
}

// Shard selects the customers of one shard of a backtest: those for whom
// [ShardOf](customer, Count) is Index. A zero Count means every customer.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// ShardOf is the shard (0 … n−1) a customer belongs to, for n shards: a
// fixed hash of the id (FNV-1a, 64 bits, modulo n), so that a host or a
// distributed engine can route a customer's operations to the worker
// that runs its shard.
func ShardOf(customer string, n int) int {
	if n <= 1 {
		return 0
	}
	return int(hashCustomer(customer) % uint64(n))
}

func hashCustomer(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id)) //nolint:errcheck // a hash does not fail
	return h.Sum64()
}

// BacktestConfig is a backtest: two programmes, the period, what to
// assume of redemptions, and what to report.
type BacktestConfig struct {
	// A and B are the programmes compared. A is the reference (see
	// [RedemptionAssumption]): usually the programme the log was recorded
	// under. Both must count in the same currency.
	A Config `json:"a"`
	B Config `json:"b"`
	// Compile compiles A and B; nil is [Compile]. A host whose rules read
	// its own facts passes a function calling [CompileWith].
	Compile func(Config) (*Program, error) `json:"-"`
	// End is the instant the report is as of (required): every customer's
	// points are expired and tiers reviewed up to it, and no operation may
	// be after it.
	End time.Time `json:"end"`
	// Dates are the instants, in increasing order and not after End, at
	// which customers per tier and the outstanding points are counted
	// (End is always counted last).
	Dates []time.Time `json:"dates,omitempty"`
	// Redemptions is the assumption (required).
	Redemptions RedemptionAssumption `json:"redemptions"`
	// GiftCost is what each gift costs the shop, in the programmes'
	// currency: given gifts are counted by name, and costed when listed
	// here.
	GiftCost map[string]decimal.Decimal `json:"gift_cost,omitempty"`
	// Breakage is the share of outstanding points expected never to be
	// redeemed, in [0, 1], taken off their value in the liability.
	Breakage decimal.Decimal `json:"breakage,omitzero"`
	// ExpiryBuckets is the number of monthly expiry buckets of the
	// liability at End (0: 12).
	ExpiryBuckets int `json:"expiry_buckets,omitempty"`
	// Grouped says the log holds each customer's operations together (as
	// an export sorted by customer, then time, does): a customer is then
	// counted and their accounts dropped as soon as the next customer's
	// operations start, so the backtest's memory no longer grows with the
	// customers. A customer who comes back later in the log is an error
	// (ErrLogOrder). The report is the same as without it.
	Grouped bool `json:"grouped,omitempty"`
	// Cohorts: build the development of each programme's earn cohorts
	// (for [Development.Breakage]); it costs a little per entry.
	Cohorts bool `json:"cohorts,omitempty"`
	// Shard restricts the backtest to one shard of the customers; the
	// reports of all shards merge ([MergeBacktests]) into the report of
	// the whole log.
	Shard Shard `json:"shard,omitzero"`
	// Workers is how many goroutines replay the customers (0 or 1: the
	// calling goroutine alone). With more, the calling goroutine reads the
	// log and hands each customer's operations to one worker; Backtest
	// waits for them all and merges their reports: the result is the same.
	Workers int `json:"workers,omitempty"`
	// Progress, when set, is called with the number of operations read,
	// every ProgressEvery operations (0: 10,000) and once when the log is
	// read, on the calling goroutine.
	Progress      func(read int) `json:"-"`
	ProgressEvery int            `json:"progress_every,omitempty"`
}

// The limits of a backtest's configuration.
const (
	maxWorkers           = 1024
	defaultProgressEvery = 10000
)

// Validate checks the configuration, without compiling the programmes;
// every problem is reported.
func (c BacktestConfig) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if c.A.Currency != c.B.Currency {
		bad("b.currency", "is %q and a.currency %q: the programmes must count in one currency to be compared", c.B.Currency, c.A.Currency)
	}
	if err := checkTime("backtest", "end", c.End); err != nil {
		bad("end", "is required, in years 1..9000: the instant the report is as of")
	}
	for i, d := range c.Dates {
		switch {
		case checkTime("backtest", "date", d) != nil:
			bad(fmt.Sprintf("dates[%d]", i), "is zero or outside years 1..9000")
		case !c.End.IsZero() && d.After(c.End):
			bad(fmt.Sprintf("dates[%d]", i), "%s is after end %s", d.Format(time.RFC3339), c.End.Format(time.RFC3339))
		case i > 0 && !d.After(c.Dates[i-1]):
			bad(fmt.Sprintf("dates[%d]", i), "%s is not after dates[%d] %s: dates must increase", d.Format(time.RFC3339), i-1, c.Dates[i-1].Format(time.RFC3339))
		}
	}
	if c.Redemptions == AssumptionUnset || c.Redemptions > RedeemSameShare {
		bad("redemptions", "%v: state what customers are assumed to redeem (as_recorded, capped, same_share)", c.Redemptions)
	}
	for _, g := range slices.Sorted(maps.Keys(c.GiftCost)) {
		if c.GiftCost[g].IsNegative() {
			bad("gift_cost["+g+"]", "%s is negative", c.GiftCost[g])
		}
	}
	if c.Breakage.IsNegative() || c.Breakage.GreaterThan(decimal.NewFromInt(1)) {
		bad("breakage", "%s is outside [0, 1]", c.Breakage)
	}
	if c.ExpiryBuckets < 0 || c.ExpiryBuckets > maxMonths {
		bad("expiry_buckets", "%d is outside 0..%d", c.ExpiryBuckets, maxMonths)
	}
	if c.Shard.Count < 0 || (c.Shard.Count > 0 && (c.Shard.Index < 0 || c.Shard.Index >= c.Shard.Count)) || (c.Shard.Count == 0 && c.Shard.Index != 0) {
		bad("shard", "index %d of %d: the index must be in 0..count−1 (count 0: every customer)", c.Shard.Index, c.Shard.Count)
	}
	if c.Workers < 0 || c.Workers > maxWorkers {
		bad("workers", "%d is outside 0..%d", c.Workers, maxWorkers)
	}
	if c.ProgressEvery < 0 {
		bad("progress_every", "%d is negative", c.ProgressEvery)
	}
	return errors.Join(errs...)
}

// ProgrammeError is a programme of a backtest that does not compile.
// Side is "A" or "B"; Err lists every problem (Compile's joined errors).
type ProgrammeError struct {
	Side string
	Err  error
}

func (e *ProgrammeError) Error() string {
	return fmt.Sprintf("loyalty: backtest programme %s does not compile:\n\t%s", e.Side, strings.ReplaceAll(e.Err.Error(), "\n", "\n\t"))
}

func (e *ProgrammeError) Unwrap() error { return e.Err }

// Sentinel errors of a backtest's log.
var (
	// ErrLogOrder: a customer's operation dated before the customer's
	// previous one. A backtest replays each customer's operations in the
	// order of the log, which must be time order per customer (the
	// customers may interleave in any way, as in a log sorted by
	// customer); it refuses a log that is not, rather than reorder it.
	ErrLogOrder = errors.New("loyalty: backtest log out of time order")
	// ErrEmptyLog: the log held no operation.
	ErrEmptyLog = errors.New("loyalty: backtest log is empty")
)

// LogError is an operation of a backtest's log that could not be
// replayed. Line is its position in the log, counting from 1 (the line
// of a file with one operation a line); 0 is the end of the log, where
// the final expiry and tier review run. Programme is "A" or "B" when one
// programme refused what the other accepted. It unwraps to the cause: a
// sentinel (ErrLogOrder, ErrInvalidInput, ErrUnknownOrder, ErrCurrency…)
// and the operation's *OpError.
type LogError struct {
	Line      int
	Customer  string
	Op        string
	Programme string
	Err       error
}

func (e *LogError) Error() string {
	var b strings.Builder
	b.WriteString("loyalty: backtest log ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
	} else {
		b.WriteString("end")
	}
	fmt.Fprintf(&b, " (customer %q", e.Customer)
	if e.Op != "" {
		fmt.Fprintf(&b, ", %s", e.Op)
	}
	b.WriteString(")")
	if e.Programme != "" {
		fmt.Fprintf(&b, " under programme %s", e.Programme)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *LogError) Unwrap() error { return e.Err }
