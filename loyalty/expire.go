package loyalty

import (
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Expire expires the unspent remainder of every lot whose expiry is at or
// before now. Running it again for the same now adds nothing (it returns
// the first run's result, marked Duplicate), unless operations dated
// before now have made more lots due since: a further run, with id
// "expire:<now>#2", expires those.
func (p *Program) Expire(a Account, now time.Time) (Account, Result, error) {
	if err := p.usable("expire"); err != nil {
		return a, Result{}, err
	}
	due := a.dueLots(now)
	t, done, err := p.scheduled(a, scheduledOp("expire:", now), OpExpire, now, len(due) > 0)
	if err != nil || done != nil {
		return a, deref(done), err
	}
	t.room = 1 + len(due)
	if err := t.add(Entry{Kind: Record}); err != nil {
		return a, Result{}, err
	}
	for _, l := range due {
		if err := t.add(Entry{Kind: Expire, Points: p.dec(-l.remaining), Lot: l.id, Order: l.order}); err != nil {
			return a, Result{}, err
		}
	}
	acc, res := t.finish()
	return acc, res, nil
}

// dueLots are the lots with points left whose expiry is at or before now,
// in earning order. In time order they are a prefix of the open lots.
func (a *Account) dueLots(now time.Time) []lot {
	var due []lot
	for l := range a.expiringBy(now) {
		due = append(due, *l)
	}
	return due
}

// scheduled begins a run of a scheduled operation (expiry, tier review)
// at now, if todo says it has something to do. Its id is base, or base#2,
// base#3… when runs at the same instant exist already (operations dated
// before now can make more due after a run). With nothing to do it returns
// the last run's result as a duplicate (a retry), or an empty result.
func (p *Program) scheduled(a Account, base string, kind OpKind, now time.Time, todo bool) (*txn, *Result, error) {
	if err := p.bind(&a, base); err != nil {
		return nil, nil, err
	}
	if err := checkTime(base, "now", now); err != nil {
		return nil, nil, err
	}
	op, last := base, ""
	for k := 2; ; k++ {
		if _, ok := a.op(op); !ok {
			break
		}
		last, op = op, base+"#"+strconv.Itoa(k)
	}
	if !todo {
		if last != "" {
			rec, _ := a.op(last)
			r := p.resultOf(&rec)
			r.Duplicate = true
			return nil, &r, nil
		}
		return nil, &Result{Op: base, Points: decimal.Zero, Discount: decimal.Zero, Money: decimal.Zero, Tier: a.tier}, nil
	}
	return p.begin(a, "", op, kind, "", now)
}

// scheduledOp is the id of a scheduled operation at now: prefix and the
// instant in UTC, RFC 3339 with nanoseconds, made in one allocation.
func scheduledOp(prefix string, now time.Time) string {
	var buf [64]byte
	return string(now.UTC().AppendFormat(append(buf[:0], prefix...), time.RFC3339Nano))
}
