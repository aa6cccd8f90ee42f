package campaign

import (
	"fmt"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
	"github.com/loyalkit/loyalkit/internal/persist"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// ReferralBook is a referral programme's state: advocates and their
// codes, friends and who referred them, rewards and clawbacks. It is an
// immutable value (operations return a new book) and the fold of its
// entries ([Referrals.Replay]), versioned like a [Budget].
//
// Make one with [Referrals.Book], [Referrals.Replay] or [Referrals.Load];
// the zero ReferralBook is not usable.
type ReferralBook struct {
	r *Referrals
	chain
	codes     persist.Map[string]       // code → advocate
	advocates persist.Map[int]          // advocate → index in advList
	advList   persist.Vector[advRec]    // in ledger order
	inPeriod  persist.Map[int]          // advocate "\x00" period start → rewards (net)
	friends   persist.Map[int]          // friend → index in friendList
	keys      persist.Map[string]       // friend identity key → friend
	friendLst persist.Vector[friendRec] // in ledger order
	orders    persist.Map[int]          // qualifying order → friend index
	ops       opSet                     // refund and cancel operation ids → fingerprint
}

type advRec struct {
	id, code, key, fp string
	rewards           int // advocate rewards granted, net of clawbacks
	at                time.Time
}

type friendRec struct {
	id, key, advocate, code, fp string
	at                          time.Time
	// The qualifying purchase, once rewarded.
	order, qfp      string
	total, refunded decimal.Decimal
	rewards         [2]sideRec // friend, advocate
	period          time.Time  // the advocate reward's period
	clawed          bool
}

type sideRec struct {
	entry   string // the reward entry's id
	points  decimal.Decimal
	gift    string
	reason  Reason // why withheld
	granted bool   // something was given (and counts against limits, for the advocate)
	clawed  bool
}

// Book returns an empty book of the programme.
func (r *Referrals) Book() ReferralBook {
	return ReferralBook{r: r, chain: chain{ledger: r.ledger}}
}

// Enrolment makes a customer an advocate. Key is their identity key
// ([IdentityKey]; optional), to refuse them as their own friend under
// another customer id.
type Enrolment struct {
	Advocate string `json:"advocate"`
	Key      string `json:"key,omitempty"`
}

// EnrolResult is an advocate's code.
type EnrolResult struct {
	Op, Advocate, Code string
	Entries            []Entry
	Duplicate          bool
}

// Enrol gives en.Advocate their code: derived from the programme's seed
// and the advocate's id (the first draw no other advocate holds), so the
// same advocate gets the same code in every replay. Idempotent by
// advocate: a retry returns the code (Duplicate); the same advocate with
// another key is [ErrConflict].
func (b ReferralBook) Enrol(en Enrolment, now time.Time) (ReferralBook, EnrolResult, error) {
	op := opPrefixes[OpEnrol] + en.Advocate
	if err := b.usable(op); err != nil {
		return b, EnrolResult{}, err
	}
	if err := checkID("advocate", en.Advocate); err != nil {
		return b, EnrolResult{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkOptionalID("key", en.Key); err != nil {
		return b, EnrolResult{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkTime(op, "now", now); err != nil {
		return b, EnrolResult{}, err
	}
	fp := newFingerprint('E').str(en.Advocate).str(en.Key).sum()
	if i, ok := b.advocates.Get(en.Advocate); ok {
		a := b.advList.At(i)
		if a.fp != fp {
			return b, EnrolResult{}, opErr(op, ErrConflict, "advocate %q was enrolled with another key", en.Advocate)
		}
		return b, EnrolResult{Op: op, Advocate: a.id, Code: a.code, Duplicate: true}, nil
	}
	f := b.r.cfg.Format
	s := b.r.codeStream(en.Advocate)
	var code string
	for {
		code = string(f.appendCode(nil, s.body(f.length())))
		if _, taken := b.codes.Get(code); !taken {
			break
		}
	}
	e := Entry{Op: op, OpKind: OpEnrol, Kind: EnrolEntry, At: now, Customer: en.Advocate, Code: code, Key: en.Key, Fingerprint: fp}
	nb, es, err := b.commit([]Entry{e})
	if err != nil {
		return b, EnrolResult{}, err
	}
	return nb, EnrolResult{Op: op, Advocate: en.Advocate, Code: code, Entries: es}, nil
}

// CodeOf is an enrolled advocate's code.
func (b ReferralBook) CodeOf(advocate string) (string, bool) {
	i, ok := b.advocates.Get(advocate)
	if !ok {
		return "", false
	}
	return b.advList.At(i).code, true
}

// Attribution is a new customer (Friend) registering with a referral
// code. Key is the friend's identity key ([IdentityKey]; optional). The
// host calls it for new customers only: the book does not know who is new.
type Attribution struct {
	Friend string `json:"friend"`
	Key    string `json:"key,omitempty"`
	Code   string `json:"code"`
}

// AttributeResult says whose friend the customer became.
type AttributeResult struct {
	Op, Friend, Advocate, Code string
	Entries                    []Entry
	Duplicate                  bool
}

// Attribute attributes a.Friend to the advocate whose code they gave.
// Refusals (a *RefusedError, nothing recorded): the code's shape
// ([Malformed], [BadCheck], [OtherCampaign]), an unknown code
// ([UnknownCode]), outside the programme's window ([NotYetValid],
// [Expired]), the advocate themself by id or identity key
// ([SelfReferral]), a friend (or identity key) attributed before
// ([AlreadyReferred]). A retry with the same friend, code and key returns
// the first attribution (Duplicate).
func (b ReferralBook) Attribute(a Attribution, now time.Time) (ReferralBook, AttributeResult, error) {
	op := opPrefixes[OpAttribute] + a.Friend
	if err := b.usable(op); err != nil {
		return b, AttributeResult{}, err
	}
	if err := checkID("friend", a.Friend); err != nil {
		return b, AttributeResult{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkOptionalID("key", a.Key); err != nil {
		return b, AttributeResult{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkTime(op, "now", now); err != nil {
		return b, AttributeResult{}, err
	}
	var p parsed
	b.r.cfg.Format.parse(a.Code, &p)
	code := string(p.text())
	if p.reason == NoReason {
		code = string(b.r.cfg.Format.appendCode(nil, p.body))
	}
	fp := newFingerprint('A').str(a.Friend).str(a.Key).str(code).sum()
	if i, ok := b.friends.Get(a.Friend); ok {
		f := b.friendLst.At(i)
		if f.fp == fp {
			return b, AttributeResult{Op: op, Friend: f.id, Advocate: f.advocate, Code: f.code, Duplicate: true}, nil
		}
		return b, AttributeResult{}, refuse(op, AlreadyReferred, "customer %q was referred by %q before", a.Friend, f.advocate)
	}
	if p.reason != NoReason {
		return b, AttributeResult{}, refuse(op, p.reason, "code %q: %s", clip(code), reasonText(p.reason))
	}
	advocate, ok := b.codes.Get(code)
	if !ok {
		return b, AttributeResult{}, refuse(op, UnknownCode, "code %q: %s", code, reasonText(UnknownCode))
	}
	if r := inWindow(now, b.r.cfg.From, b.r.cfg.Until); r != NoReason {
		return b, AttributeResult{}, refuse(op, r, "the programme takes referrals from %s until %s", stampOrOpen(b.r.cfg.From), stampOrOpen(b.r.cfg.Until))
	}
	i, _ := b.advocates.Get(advocate)
	adv := b.advList.At(i)
	switch {
	case advocate == a.Friend || a.Key != "" && a.Key == adv.key:
		return b, AttributeResult{}, refuse(op, SelfReferral, "code %q is customer %q's own", code, a.Friend)
	case a.Key != "":
		if other, dup := b.keys.Get(a.Key); dup {
			return b, AttributeResult{}, refuse(op, AlreadyReferred, "customer %q has the identity of %q, referred before", a.Friend, other)
		}
	}
	e := Entry{Op: op, OpKind: OpAttribute, Kind: AttributeEntry, At: now, Customer: a.Friend, Other: advocate, Code: code, Key: a.Key, Fingerprint: fp}
	nb, es, err := b.commit([]Entry{e})
	if err != nil {
		return b, AttributeResult{}, err
	}
	return nb, AttributeResult{Op: op, Friend: a.Friend, Advocate: advocate, Code: code, Entries: es}, nil
}

func stampOrOpen(t time.Time) string {
	if t.IsZero() {
		return "(open)"
	}
	return stamp(t)
}

// Purchase is a friend's purchase, reported for qualification: Order is
// the operation id.
type Purchase struct {
	Order   string          `json:"order"`
	Friend  string          `json:"friend"`
	Total   decimal.Decimal `json:"total"`
	Lines   []Line          `json:"lines,omitempty"`
	Channel string          `json:"channel,omitempty"`
}

func (p Purchase) fingerprint() string {
	f := newFingerprint('Q').str(p.Order).str(p.Friend).dec(p.Total).str(p.Channel).num(int64(len(p.Lines)))
	for _, l := range p.Lines {
		f.str(l.SKU).str(l.Category).num(int64(l.Qty)).dec(l.Price)
	}
	return f.sum()
}

// RewardGrant is one side's reward: post Points (and hand over Gift) to
// Customer, under Entry (the reward entry's id: use it as the operation
// id on the customer's loyalty account, so a retry posts nothing twice).
// Reason says why it was withheld ([AdvocateLimit], [AdvocatePeriodCap]):
// then nothing is to be posted.
type RewardGrant struct {
	Entry    string
	Customer string
	Role     Role
	Points   decimal.Decimal
	Gift     string
	Reason   Reason
}

// QualifyResult is what a friend's purchase did: Reason [NoReason] and the
// two sides' Rewards, or the reason it rewarded nothing ([NotReferred],
// [AlreadyRewarded], [TooLate], [NotQualifying]: nothing recorded, not an
// error).
type QualifyResult struct {
	Op, Friend, Advocate string
	Reason               Reason
	Rewards              []RewardGrant
	Entries              []Entry
	Duplicate            bool
}

// Qualify reports a friend's purchase. The first purchase that qualifies
// (the programme's condition holds, within WithinDays of the attribution)
// rewards both sides, exactly once: the friend always, the advocate
// unless they reached MaxPerAdvocate or this period's PerPeriod (their
// side is then recorded as withheld, with the reason). A retry of the
// rewarded order returns its rewards (Duplicate). A condition that fails
// at run time is an error wrapping ErrInvalidInput and the
// *rules.RuleError, and records nothing.
func (b ReferralBook) Qualify(p Purchase, now time.Time) (ReferralBook, QualifyResult, error) {
	op := opPrefixes[OpQualify] + p.Order
	if err := b.usable(op); err != nil {
		return b, QualifyResult{}, err
	}
	if err := checkPurchase(op, p, now); err != nil {
		return b, QualifyResult{}, err
	}
	fp := p.fingerprint()
	if fi, ok := b.orders.Get(p.Order); ok {
		f := b.friendLst.At(fi)
		if f.qfp != fp {
			return b, QualifyResult{}, opErr(op, ErrConflict, "order %q qualified before with another payload", p.Order)
		}
		return b, b.qualifyResult(op, &f, true), nil
	}
	res := QualifyResult{Op: op, Friend: p.Friend}
	fi, ok := b.friends.Get(p.Friend)
	if !ok {
		res.Reason = NotReferred
		return b, res, nil
	}
	f := b.friendLst.At(fi)
	res.Advocate = f.advocate
	days := calendar.DayIndex(now, b.r.loc) - calendar.DayIndex(f.at, b.r.loc)
	switch {
	case f.order != "":
		res.Reason = AlreadyRewarded
		return b, res, nil
	case b.r.cfg.WithinDays > 0 && days >= b.r.cfg.WithinDays:
		res.Reason = TooLate
		return b, res, nil
	}
	if b.r.cond != nil {
		facts := QualifyFacts{Order: PurchaseFacts{ID: p.Order, Total: p.Total, Lines: p.Lines, Channel: p.Channel},
			Friend: FriendFacts{ID: f.id, Advocate: f.advocate, DaysSinceReferral: max(days, 0)}, Now: now}
		ok, err := b.r.cond.Match(rules.Prepare(facts))
		if err != nil {
			return b, QualifyResult{}, fmt.Errorf("%w: %s: the qualification condition failed: %w", ErrInvalidInput, op, err)
		}
		if !ok {
			res.Reason = NotQualifying
			return b, res, nil
		}
	}
	cfg := &b.r.cfg
	adv := Entry{Op: op, OpKind: OpQualify, Kind: RewardEntry, At: now, Role: Advocate, Customer: f.advocate, Other: f.id, Order: p.Order,
		Amount: cfg.AdvocateReward.Points, Gift: cfg.AdvocateReward.Gift}
	if cfg.Period != NoPeriod {
		adv.Period = cfg.Period.Start(now, b.r.loc)
	}
	ai, _ := b.advocates.Get(f.advocate)
	switch n, _ := b.inPeriod.Get(f.advocate + "\x00" + periodKey(adv.Period)); {
	case cfg.MaxPerAdvocate > 0 && b.advList.At(ai).rewards >= cfg.MaxPerAdvocate:
		adv.Reason = AdvocateLimit
	case cfg.PerPeriod > 0 && n >= cfg.PerPeriod:
		adv.Reason = AdvocatePeriodCap
	}
	if adv.Reason != NoReason {
		adv.Amount, adv.Gift = decimal.Zero, ""
	}
	es := []Entry{
		{Op: op, OpKind: OpQualify, Kind: RewardEntry, At: now, Role: Friend, Customer: f.id, Other: f.advocate, Order: p.Order,
			Amount: cfg.FriendReward.Points, Gift: cfg.FriendReward.Gift, Asked: p.Total, Fingerprint: fp},
		adv,
	}
	nb, es, err := b.commit(es)
	if err != nil {
		return b, QualifyResult{}, err
	}
	f = nb.friendLst.At(fi)
	res = nb.qualifyResult(op, &f, false)
	res.Entries = es
	return nb, res, nil
}

func checkPurchase(op string, p Purchase, now time.Time) error {
	if err := checkID("order", p.Order); err != nil {
		return opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkID("friend", p.Friend); err != nil {
		return opErr(op, ErrInvalidInput, "%v", err)
	}
	if p.Total.IsNegative() {
		return opErr(op, ErrInvalidInput, "total %s is negative", p.Total)
	}
	for i, l := range p.Lines {
		if l.Qty < 0 || l.Price.IsNegative() {
			return opErr(op, ErrInvalidInput, "line %d (%s) has a negative quantity or price", i, clip(l.SKU))
		}
	}
	return checkTime(op, "now", now)
}

func (b *ReferralBook) qualifyResult(op string, f *friendRec, dup bool) QualifyResult {
	res := QualifyResult{Op: op, Friend: f.id, Advocate: f.advocate, Duplicate: dup}
	for k, who := range [2]struct {
		id   string
		role Role
	}{{f.id, Friend}, {f.advocate, Advocate}} {
		s := f.rewards[k]
		res.Rewards = append(res.Rewards, RewardGrant{Entry: s.entry, Customer: who.id, Role: who.role, Points: s.points, Gift: s.gift, Reason: s.reason})
	}
	return res
}

// Clawback is a reward to take back because its qualifying order was
// refunded in full or cancelled: reverse Points (and recover Gift) of
// Reward (the reward entry's id) from Customer. Entry is the clawback
// entry's id, to use as the reversing operation's id (loyalty's
// Program.Reverse of the event that posted the points).
type Clawback struct {
	Entry    string
	Reward   string
	Customer string
	Role     Role
	Points   decimal.Decimal
	Gift     string
}

// ReferralRefundResult is what a refund or cancellation of a qualifying
// order did: the money refunded so far and, once the order is refunded in
// full, the clawbacks to carry out.
type ReferralRefundResult struct {
	Op, Order string
	Refunded  decimal.Decimal
	Clawbacks []Clawback
	Entries   []Entry
	Duplicate bool
}

// Refund records money given back on a qualifying order. When the refunds
// reach the order's total, both sides' rewards are clawed back in the same
// operation (Clawbacks says what to reverse); a partial refund keeps them.
// The referral is then spent: the friend's later purchases reward nothing
// ([AlreadyRewarded]), so buying and returning cannot earn a reward twice.
// An order that did not qualify is [ErrUnknown] (a host that reports every
// refund may ignore it); more than the total is [ErrTooLarge]. Idempotent
// by refund id.
func (b ReferralBook) Refund(r OrderRefund, now time.Time) (ReferralBook, ReferralRefundResult, error) {
	op := opPrefixes[OpRefund] + r.ID
	if err := b.usable(op); err != nil {
		return b, ReferralRefundResult{}, err
	}
	if err := checkID("refund id", r.ID); err != nil {
		return b, ReferralRefundResult{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	if !r.Amount.IsPositive() {
		return b, ReferralRefundResult{}, opErr(op, ErrInvalidInput, "amount %s must be positive", r.Amount)
	}
	return b.giveBack(op, OpRefund, r.Order, r.Amount, r.fingerprint(), now)
}

// Cancel is the cancellation of a qualifying order: a refund of what is
// left of it, clawing back both rewards. Idempotent by order.
func (b ReferralBook) Cancel(order string, now time.Time) (ReferralBook, ReferralRefundResult, error) {
	op := opPrefixes[OpCancel] + order
	if err := b.usable(op); err != nil {
		return b, ReferralRefundResult{}, err
	}
	return b.giveBack(op, OpCancel, order, decimal.Decimal{}, newFingerprint('C').str(order).sum(), now)
}

// giveBack refunds amount of order (a cancellation: what is left).
func (b ReferralBook) giveBack(op string, kind OpKind, order string, amount decimal.Decimal, fp string, now time.Time) (ReferralBook, ReferralRefundResult, error) {
	if err := checkID("order", order); err != nil {
		return b, ReferralRefundResult{}, opErr(op, ErrInvalidInput, "%v", err)
	}
	if err := checkTime(op, "now", now); err != nil {
		return b, ReferralRefundResult{}, err
	}
	fi, ok := b.orders.Get(order)
	if !ok {
		return b, ReferralRefundResult{}, opErr(op, ErrUnknown, "order %q rewarded no referral of %q", order, b.r.cfg.Campaign)
	}
	f := b.friendLst.At(fi)
	if prev, done := b.ops.Get(op); done {
		if prev != fp {
			return b, ReferralRefundResult{}, opErr(op, ErrConflict, "refund recorded before with another payload")
		}
		return b, ReferralRefundResult{Op: op, Order: order, Refunded: f.refunded, Duplicate: true, Clawbacks: b.clawbacksOf(&f)}, nil
	}
	if kind == OpCancel {
		amount = f.total.Sub(f.refunded)
	}
	refunded := f.refunded.Add(amount)
	if refunded.GreaterThan(f.total) {
		return b, ReferralRefundResult{}, opErr(op, ErrTooLarge, "refund of %s: %s of the order's %s refunded already", amount, f.refunded, f.total)
	}
	es := []Entry{{Op: op, OpKind: kind, Kind: RefundEntry, At: now, Amount: amount, Customer: f.id, Order: order, Fingerprint: fp}}
	if refunded.Equal(f.total) && !f.clawed {
		for k, who := range [2]string{f.id, f.advocate} {
			s := f.rewards[k]
			if s.granted && !s.clawed {
				es = append(es, Entry{Op: op, OpKind: kind, Kind: ClawbackEntry, At: now, Role: sideRole(k), Customer: who, Order: order,
					Amount: s.points.Neg(), Gift: s.gift, Ref: s.entry, Period: f.period})
			}
		}
	}
	nb, es, err := b.commit(es)
	if err != nil {
		return b, ReferralRefundResult{}, err
	}
	res := ReferralRefundResult{Op: op, Order: order, Refunded: refunded, Entries: es}
	for _, e := range es[1:] {
		res.Clawbacks = append(res.Clawbacks, Clawback{Entry: e.ID, Reward: e.Ref, Customer: e.Customer, Role: e.Role, Points: e.Amount.Neg(), Gift: e.Gift})
	}
	return nb, res, nil
}

// clawbacksOf lists the clawbacks recorded for f's order, for a retry.
func (b *ReferralBook) clawbacksOf(f *friendRec) []Clawback {
	var out []Clawback
	for k, who := range [2]string{f.id, f.advocate} {
		if s := f.rewards[k]; s.clawed {
			out = append(out, Clawback{Reward: s.entry, Customer: who, Role: sideRole(k), Points: s.points, Gift: s.gift})
		}
	}
	return out
}

func (b *ReferralBook) usable(op string) error {
	if b.r == nil {
		return opErr(op, ErrInvalidInput, "the book was not made by Referrals.Book, Replay or Load")
	}
	return nil
}

func (b ReferralBook) commit(es []Entry) (ReferralBook, []Entry, error) {
	o := new(persist.Owner)
	for i := range es {
		es[i].Ledger = b.ledger
		if err := b.apply(&es[i], i, o, false); err != nil {
			return ReferralBook{}, nil, fmt.Errorf("campaign: internal error: %w", err)
		}
	}
	return b, es, nil
}

// Replay rebuilds a book from its entries, in order.
func (r *Referrals) Replay(entries []Entry) (ReferralBook, error) {
	return r.Book().Resume(entries)
}

// Resume folds entries written after b into a copy of b.
func (b ReferralBook) Resume(entries []Entry) (ReferralBook, error) {
	if err := b.usable("resume"); err != nil {
		return ReferralBook{}, err
	}
	o := new(persist.Owner)
	if err := fold(entries, func(e *Entry, n int) error { return b.apply(e, n, o, true) }); err != nil {
		return ReferralBook{}, err
	}
	return b, nil
}

// Version is the book's version: the number of entries it is the fold of.
func (b ReferralBook) Version() int64 { return int64(b.entries) }

// Head is the hash of the last entry ("" for an empty book).
func (b ReferralBook) Head() string { return b.headString() }

// Rewards is how many referrals advocate has been rewarded for, net of
// clawbacks.
func (b ReferralBook) Rewards(advocate string) int {
	i, ok := b.advocates.Get(advocate)
	if !ok {
		return 0
	}
	return b.advList.At(i).rewards
}

// Advocate is the advocate who referred friend ("" if none).
func (b ReferralBook) Advocate(friend string) string {
	i, ok := b.friends.Get(friend)
	if !ok {
		return ""
	}
	return b.friendLst.At(i).advocate
}

// Equal reports whether two books hold the same state (go-cmp uses it).
func (b ReferralBook) Equal(o ReferralBook) bool { return b.String() == o.String() }

// String is a canonical dump of the state.
func (b ReferralBook) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "referrals %s entries=%d head=%s\n", b.ledger, b.entries, b.headString())
	for _, a := range b.advList.All {
		fmt.Fprintf(&s, "advocate %q code=%s key=%q fp=%s rewards=%d at=%s\n", a.id, a.code, a.key, a.fp, a.rewards, utc(a.at))
	}
	for _, f := range b.friendLst.All {
		fmt.Fprintf(&s, "friend %q key=%q of=%q code=%s fp=%s at=%s order=%q qfp=%s total=%s refunded=%s period=%s clawed=%v",
			f.id, f.key, f.advocate, f.code, f.fp, utc(f.at), f.order, f.qfp, f.total, f.refunded, utc(f.period), f.clawed)
		for _, r := range f.rewards {
			fmt.Fprintf(&s, " [%s %s %q %v granted=%v clawed=%v]", r.entry, r.points, r.gift, r.reason, r.granted, r.clawed)
		}
		s.WriteByte('\n')
	}
	return s.String()
}
