package campaign

import (
	"errors"
	"fmt"

	"github.com/loyalkit/loyalkit/internal/persist"
)

// apply folds entry n of its operation into b; operations and replay both
// go through it. It checks what the entries say against the state — one
// code per advocate, one advocate per friend, never oneself, one reward
// per friend, clawbacks of granted rewards only — not against the
// programme's limits, which may have changed since.
func (b *ReferralBook) apply(e *Entry, n int, o *persist.Owner, replay bool) error {
	const ops = 1<<OpEnrol | 1<<OpAttribute | 1<<OpQualify | 1<<OpRefund | 1<<OpCancel
	if err := b.place(e, n, ops, replay); err != nil {
		return err
	}
	var err error
	switch {
	case e.Kind == EnrolEntry && e.OpKind == OpEnrol && n == 0:
		err = b.enrol(e, o)
	case e.Kind == AttributeEntry && e.OpKind == OpAttribute && n == 0:
		err = b.attribute(e, o)
	case e.Kind == RewardEntry && e.OpKind == OpQualify && n < 2:
		err = b.reward(e, n, o)
	case e.Kind == RefundEntry && (e.OpKind == OpRefund || e.OpKind == OpCancel) && n == 0:
		err = b.refund(e, o)
	case e.Kind == ClawbackEntry && (e.OpKind == OpRefund || e.OpKind == OpCancel) && n > 0 && n < 3:
		err = b.clawback(e, o)
	default:
		err = fmt.Errorf("a %v operation does not write %v entries at %d", e.OpKind, e.Kind, n)
	}
	if err != nil {
		return fmt.Errorf("entry %q: %w", e.ID, err)
	}
	return nil
}

func (b *ReferralBook) enrol(e *Entry, o *persist.Owner) error {
	if e.Customer == "" || e.Op[len(opPrefixes[OpEnrol]):] != e.Customer {
		return errors.New("an enrolment names its advocate")
	}
	if _, r := b.r.cfg.Format.CheckFormat(e.Code); r != NoReason {
		return fmt.Errorf("code %q is not of the programme's format (%v)", e.Code, r)
	}
	if !b.codes.Insert(e.Code, e.Customer, o) {
		return fmt.Errorf("code %q is another advocate's", e.Code)
	}
	if !b.advocates.Insert(e.Customer, b.advList.Len(), o) {
		return fmt.Errorf("advocate %q was enrolled before", e.Customer)
	}
	b.advList.Push(advRec{id: e.Customer, code: e.Code, key: e.Key, fp: e.Fingerprint, at: e.At}, o)
	return nil
}

func (b *ReferralBook) attribute(e *Entry, o *persist.Owner) error {
	if e.Customer == "" || e.Op[len(opPrefixes[OpAttribute]):] != e.Customer {
		return errors.New("an attribution names its friend")
	}
	adv, ok := b.codes.Get(e.Code)
	if !ok || adv != e.Other {
		return fmt.Errorf("code %q is not advocate %q's", e.Code, e.Other)
	}
	ai, _ := b.advocates.Get(adv)
	if a := b.advList.Ptr(ai); adv == e.Customer || e.Key != "" && e.Key == a.key {
		return fmt.Errorf("customer %q referred themself", e.Customer)
	}
	if e.Key != "" && !b.keys.Insert(e.Key, e.Customer, o) {
		return fmt.Errorf("identity key of %q was referred before", e.Customer)
	}
	if !b.friends.Insert(e.Customer, b.friendLst.Len(), o) {
		return fmt.Errorf("friend %q was referred before", e.Customer)
	}
	b.friendLst.Push(friendRec{id: e.Customer, key: e.Key, advocate: adv, code: e.Code, fp: e.Fingerprint, at: e.At}, o)
	return nil
}

// reward folds one side of a qualifying purchase: the friend's first
// (n = 0), then the advocate's.
func (b *ReferralBook) reward(e *Entry, n int, o *persist.Owner) error {
	friendID, advocate := e.Customer, e.Other
	if n == 1 {
		friendID, advocate = e.Other, e.Customer
	}
	fi, ok := b.friends.Get(friendID)
	if !ok {
		return fmt.Errorf("customer %q was not referred", friendID)
	}
	f := b.friendLst.Mut(fi, o)
	if f.advocate != advocate || e.Role != sideRole(n) || e.Order != e.Op[len(opPrefixes[OpQualify]):] {
		return fmt.Errorf("the reward does not fit the referral of %q by %q", friendID, f.advocate)
	}
	withheld := n == 1 && e.Amount.IsZero() && e.Gift == "" && e.Reason >= AdvocateLimit && e.Reason <= AdvocatePeriodCap
	if e.Amount.IsNegative() || (e.Reason != NoReason) != withheld {
		return fmt.Errorf("reward %s %q with reason %v is out of range", e.Amount, e.Gift, e.Reason)
	}
	if n == 0 {
		if f.order != "" {
			return fmt.Errorf("the referral of %q was rewarded before (order %q)", friendID, f.order)
		}
		if e.Asked.IsNegative() || !b.orders.Insert(e.Order, fi, o) {
			return fmt.Errorf("order %q rewarded a referral before", e.Order)
		}
		f.order, f.qfp, f.total = e.Order, e.Fingerprint, e.Asked
	} else if f.order != e.Order || f.rewards[1].entry != "" {
		return errors.New("the advocate's reward does not follow the friend's")
	}
	s := &f.rewards[n]
	s.entry, s.points, s.gift, s.reason = e.ID, e.Amount, e.Gift, e.Reason
	s.granted = e.Reason == NoReason && (!e.Amount.IsZero() || e.Gift != "")
	if n == 1 && s.granted {
		f.period = e.Period
		b.countAdvocate(advocate, e, 1, o)
	}
	return nil
}

func (b *ReferralBook) countAdvocate(advocate string, e *Entry, d int, o *persist.Owner) {
	ai, _ := b.advocates.Get(advocate)
	b.advList.Mut(ai, o).rewards += d
	k := advocate + "\x00" + periodKey(e.Period)
	c, _ := b.inPeriod.Get(k)
	b.inPeriod.Set(k, c+d, o)
}

func (b *ReferralBook) refund(e *Entry, o *persist.Owner) error {
	fi, ok := b.orders.Get(e.Order)
	if !ok {
		return fmt.Errorf("order %q rewarded no referral", e.Order)
	}
	f := b.friendLst.Mut(fi, o)
	if e.Customer != f.id || e.Amount.IsNegative() || e.Amount.IsZero() && e.OpKind == OpRefund || f.refunded.Add(e.Amount).GreaterThan(f.total) {
		return fmt.Errorf("refund of %s does not fit order %q (%s of %s refunded)", e.Amount, e.Order, f.refunded, f.total)
	}
	if !b.ops.Insert(e.Op, e.Fingerprint, o) {
		return fmt.Errorf("operation %q was recorded before", e.Op)
	}
	f.refunded = f.refunded.Add(e.Amount)
	return nil
}

func (b *ReferralBook) clawback(e *Entry, o *persist.Owner) error {
	fi, ok := b.orders.Get(e.Order)
	if !ok {
		return fmt.Errorf("order %q rewarded no referral", e.Order)
	}
	f := b.friendLst.Mut(fi, o)
	if !f.refunded.Equal(f.total) {
		return fmt.Errorf("order %q is not refunded in full", e.Order)
	}
	k := sideIndex(e.Role)
	if k < 0 {
		return fmt.Errorf("role %v", e.Role)
	}
	s := &f.rewards[k]
	who := [2]string{f.id, f.advocate}[k]
	if !s.granted || s.clawed || s.entry != e.Ref || e.Customer != who || !e.Amount.Equal(s.points.Neg()) || e.Gift != s.gift {
		return fmt.Errorf("clawback of %s %q does not fit reward %q", e.Amount, e.Gift, e.Ref)
	}
	s.clawed, f.clawed = true, true
	if k == 1 {
		b.countAdvocate(f.advocate, e, -1, o)
	}
	return nil
}

// The two sides of a referral, as a friendRec keeps them: the friend's
// reward first, then the advocate's.
func sideRole(k int) Role {
	if k == 0 {
		return Friend
	}
	return Advocate
}

func sideIndex(r Role) int {
	switch r {
	case Friend:
		return 0
	case Advocate:
		return 1
	}
	return -1
}
