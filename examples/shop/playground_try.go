package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// POST /api/playground/try runs an edited programme, without saving it, on
// one customer and one basket or event, and returns what it would give and
// every rule's verdict. Nothing is recorded: a purchase is a
// loyalty.Program.Quote; an event runs on a copy of the account.

// tryRequest is the playground's question. The customer is either stored
// (id: their account and profile as they are now, or as they were just
// before one of their recorded orders) or a sample (a profile and, for
// rules about spend, orders and tiers, a history of earlier orders).
// Exactly one of order and event is given.
type tryRequest struct {
	Program  json.RawMessage `json:"program"`
	Customer tryCustomer     `json:"customer"`
	Order    *tryOrder       `json:"order,omitempty"`
	Event    *tryEvent       `json:"event,omitempty"`
	// At is when: RFC 3339, or "2026-05-12T10:00" or "2026-05-12" in the
	// programme's zone. Empty: now, or the time of the recorded order
	// named by customer.before.
	At string `json:"at,omitempty"`
}

type tryCustomer struct {
	ID     string `json:"id,omitempty"`
	Before string `json:"before,omitempty"`
	profileRequest
	History *tryHistory `json:"history,omitempty"`
}

// tryHistory is a sample customer's earlier orders: Orders orders sharing
// Spend, one a week, the last a week before the try.
type tryHistory struct {
	Orders int             `json:"orders"`
	Spend  decimal.Decimal `json:"spend"`
}

// tryOrder is a basket. A zero total is the sum of the lines.
type tryOrder struct {
	Total      decimal.Decimal `json:"total,omitzero"`
	Lines      []loyalty.Line  `json:"lines,omitempty"`
	Channel    string          `json:"channel,omitempty"`
	Coupon     string          `json:"coupon,omitempty"`
	Redemption string          `json:"redemption,omitempty"`
}

type tryEvent struct {
	Kind       string            `json:"kind"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// maxHistory bounds a sample customer's history.
const maxHistory = 100

// tryID is the id of the tried order or event.
const tryID = "playground"

func (q tryRequest) check() error {
	c := q.Customer
	if c.ID != "" {
		if err := checkID("customer.id", c.ID); err != nil {
			return withField(err, "customer.id")
		}
		if c.Birthday != "" || c.Registered != "" || c.Attributes != nil || c.History != nil {
			return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_customer", Field: "customer",
				Message: "customer: a stored customer (id) has their own profile and history: leave birthday, registered, attributes and history out"}
		}
	}
	if c.Before != "" {
		if c.ID == "" {
			return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_customer", Field: "customer.before",
				Message: "customer.before names a recorded order of a stored customer: give customer.id too"}
		}
		if err := checkID("customer.before", c.Before); err != nil {
			return withField(err, "customer.before")
		}
	}
	if h := c.History; h != nil {
		if h.Orders < 0 || h.Orders > maxHistory {
			return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_value", Field: "customer.history.orders",
				Message: fmt.Sprintf("customer.history.orders must be from 0 to %d; got %d", maxHistory, h.Orders)}
		}
		if err := checkAmount("customer.history.spend", h.Spend, false); err != nil {
			return withField(err, "customer.history.spend")
		}
	}
	switch {
	case (q.Order == nil) == (q.Event == nil):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_try", Field: "order",
			Message: "give either an order (a basket) or an event, not both and not neither"}
	case q.Order != nil:
		o := q.Order
		if err := checkAmount("order.total", o.Total, false); err != nil {
			return withField(err, "order.total")
		}
		if err := checkLines("order.lines", o.Lines); err != nil {
			return err
		}
		for _, f := range []struct{ name, v string }{{"order.channel", o.Channel}, {"order.coupon", o.Coupon}} {
			if err := checkText(f.name, f.v, maxIDLen); err != nil {
				return withField(err, f.name)
			}
		}
		if o.Redemption != "" {
			if err := checkID("order.redemption", o.Redemption); err != nil {
				return withField(err, "order.redemption")
			}
		}
	default:
		if err := checkID("event.kind", q.Event.Kind); err != nil {
			return withField(err, "event.kind")
		}
		if q.Event.Kind == loyalty.OccasionPurchase {
			return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_event", Field: "event.kind",
				Message: `event.kind cannot be "purchase": try an order instead`}
		}
		if err := checkAttributes(q.Event.Attributes); err != nil {
			return withField(err, "event.attributes")
		}
	}
	return nil
}

// parseAt reads the request's at in loc.
func parseAt(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil && t.Year() >= 1900 && t.Year() <= 9000 {
			return t, nil
		}
	}
	return time.Time{}, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_date", Field: "at",
		Message: "at must be a time such as 2026-05-12T10:00 (in the programme's zone) or 2026-05-12T10:00:00+05:00; got " + describe(s)}
}

// stepView is one rule's verdict with a sentence that says why, the rule's
// index in the programme, and for an accrual rule the points it earned
// (its value after the money paid and rounding, loyalty.Earning).
type stepView struct {
	rules.Step
	RuleIndex int             `json:"rule_index"`
	Earned    decimal.Decimal `json:"earned,omitzero"`
	Reason    string          `json:"reason"`
}

// tryView is what the edited programme would give.
type tryView struct {
	Occasion string `json:"occasion"`
	At       string `json:"at"`
	// Customer is the customer as the rules saw them: before the order.
	Customer struct {
		ID            string          `json:"id"`
		Tier          string          `json:"tier"`
		Available     decimal.Decimal `json:"available"`
		Pending       decimal.Decimal `json:"pending"`
		LifetimeSpend decimal.Decimal `json:"lifetime_spend"`
		Orders        int             `json:"orders"`
	} `json:"customer"`
	Points       decimal.Decimal    `json:"points"`
	Discount     decimal.Decimal    `json:"discount"`
	Money        decimal.Decimal    `json:"money,omitzero"`
	Gifts        []string           `json:"gifts"`
	Tier         string             `json:"tier"`
	TierChanged  bool               `json:"tier_changed"`
	Trace        []stepView         `json:"trace"`
	RuleFailures []*rules.RuleError `json:"rule_failures,omitempty"`
}

func (s *Server) playgroundTry(w http.ResponseWriter, r *http.Request) {
	var q tryRequest
	if !body(w, r, &q, false, tryRequest.check) {
		return
	}
	if len(q.Program) == 0 {
		writeError(w, r, &apiError{Status: http.StatusBadRequest, Code: "invalid_value", Field: "program",
			Message: "program is required: the programme to try (a loyalty.Config, as PUT /v1/program takes)"})
		return
	}
	c, err := decodeProgram(q.Program, "program")
	if err != nil {
		writeError(w, r, err)
		return
	}
	p, err := loyalty.Compile(c)
	if err != nil {
		if ae := programError(c.Rules, err); ae != nil {
			err = ae
		}
		writeError(w, r, err)
		return
	}
	now := s.Now()
	if q.At != "" {
		if now, err = parseAt(q.At, p.Location()); err != nil {
			writeError(w, r, err)
			return
		}
	}
	a, cust, at, err := s.tryAccount(r, p, q.Customer, now, q.At != "")
	if err != nil {
		writeError(w, r, err)
		return
	}
	var v tryView
	v.At = at.In(p.Location()).Format(time.RFC3339)
	v.Customer.ID, v.Customer.Tier = cust.ID, a.Tier()
	b := a.Balance(at)
	v.Customer.Available, v.Customer.Pending = b.Available, b.Pending
	v.Customer.LifetimeSpend, v.Customer.Orders = a.Spend()

	var res loyalty.Result
	if q.Order != nil {
		o := loyalty.Order{ID: tryID, Total: q.Order.Total, Lines: q.Order.Lines, Channel: q.Order.Channel,
			Coupon: q.Order.Coupon, Redemption: q.Order.Redemption}
		if o.Total.IsZero() {
			for _, l := range o.Lines {
				o.Total = o.Total.Add(l.Price.Mul(decimal.NewFromInt(int64(l.Qty))))
			}
		}
		v.Occasion = loyalty.OccasionPurchase
		res, err = p.Quote(a, cust, o, at)
	} else {
		v.Occasion = q.Event.Kind
		_, res, err = p.Event(a, cust, loyalty.Event{ID: tryID, Kind: q.Event.Kind, Attributes: q.Event.Attributes}, at)
	}
	if err == nil && res.Duplicate {
		err = &apiError{Status: http.StatusConflict, Code: "conflict", Field: "customer.id",
			Message: fmt.Sprintf("customer %s already has an operation with the id %q the playground uses: try a sample customer", cust.ID, tryID)}
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	v.Points, v.Discount, v.Money, v.Gifts, v.Tier, v.TierChanged = res.Points, res.Discount, res.Money, res.Gifts, res.Tier, res.TierChanged
	if v.Gifts == nil {
		v.Gifts = []string{}
	}
	v.RuleFailures = res.RuleFailures
	v.Trace = explain(c.Rules, res, v.Occasion)
	writeJSON(w, r, http.StatusOK, v)
}

// tryAccount is the account and profile the try runs on, and when: a
// stored customer's (now, or just before a recorded order), or a sample
// customer's with their history made by purchases under p.
func (s *Server) tryAccount(r *http.Request, p *loyalty.Program, tc tryCustomer, now time.Time, atGiven bool) (loyalty.Account, loyalty.Customer, time.Time, error) {
	if tc.ID == "" {
		cust, err := tc.profileRequest.customerAt("sample", "customer.")
		if err != nil {
			return loyalty.Account{}, cust, now, err
		}
		var a loyalty.Account
		if h := tc.History; h != nil && h.Orders > 0 {
			share := h.Spend.Div(decimal.NewFromInt(int64(h.Orders))).RoundDown(p.Config().MoneyPlaces)
			left := h.Spend
			for k := range h.Orders {
				total := share
				if k == h.Orders-1 {
					total = left
				}
				left = left.Sub(total)
				o := loyalty.Order{ID: fmt.Sprintf("history-%d", k+1), Total: total}
				var err error
				if a, _, err = p.Purchase(a, cust, o, now.AddDate(0, 0, -7*(h.Orders-k))); err != nil {
					return a, cust, now, fmt.Errorf("customer.history: order %d of %d: %w", k+1, h.Orders, err)
				}
			}
		}
		return a, cust, now, nil
	}
	a, cust, _, err := s.store.Account(r.Context(), tc.ID)
	if err != nil {
		return a, cust, now, err
	}
	if a.Version() == 0 && cust.Birthday.IsZero() && cust.Registered.IsZero() && len(cust.Attributes) == 0 {
		return a, cust, now, &apiError{Status: http.StatusNotFound, Code: "not_found", Field: "customer.id",
			Message: "customer.id: no stored customer " + tc.ID}
	}
	if tc.Before == "" {
		return a, cust, now, nil
	}
	entries, err := s.store.Ledger(r.Context(), tc.ID)
	if err != nil {
		return a, cust, now, err
	}
	i, rec, ok := purchaseRecord(entries, tc.Before)
	if !ok {
		return a, cust, now, &apiError{Status: http.StatusNotFound, Code: "unknown_order", Field: "customer.before",
			Message: fmt.Sprintf("customer.before: customer %s has no recorded order %s", tc.ID, tc.Before)}
	}
	if a, err = p.Replay(entries[:i]); err != nil {
		return a, cust, now, err
	}
	if !atGiven {
		now = rec.At
	}
	return a, cust, now, nil
}

// explain is the trace with, for each step, its rule's index in rs and a
// sentence saying why the rule did what it did.
func explain(rs []rules.Rule, res loyalty.Result, occasion string) []stepView {
	index := map[string]int{}
	for i, r := range rs {
		index[r.ID] = i
	}
	out := make([]stepView, 0, len(res.Trace))
	for _, st := range res.Trace {
		v := stepView{Step: st, RuleIndex: -1}
		var rule rules.Rule
		if i, ok := index[st.RuleID]; ok {
			v.RuleIndex, rule = i, rs[i]
		}
		var earned *loyalty.Earning
		for i := range res.Earned {
			if res.Earned[i].RuleID == st.RuleID {
				earned = &res.Earned[i]
				v.Earned = earned.Points
			}
		}
		v.Reason = reason(st, rule, earned, occasion)
		out = append(out, v)
	}
	return out
}

// reason says in a sentence why a rule did what it did.
func reason(st rules.Step, rule rules.Rule, earned *loyalty.Earning, occasion string) string {
	var s string
	switch st.Status {
	case rules.StatusApplied, rules.StatusCapped:
		switch st.Kind {
		case rules.Accrual:
			s = fmt.Sprintf("gave %s points", st.Value)
		case rules.Discount:
			s = fmt.Sprintf("took %s off", st.Value)
		case rules.Gift:
			s = fmt.Sprintf("gave the gift %q", st.Text)
		case rules.Tier:
			s = fmt.Sprintf("asked for the tier %q", st.Text)
		}
		switch {
		case st.Status == rules.StatusCapped && st.By == "limit":
			s += fmt.Sprintf(" (capped: it computed %s, cut to what is left of its limit %v: %s)", st.Computed, rule.Limit, st.Reason)
		case st.Status == rules.StatusCapped:
			s += fmt.Sprintf(" (capped: it computed %s, limited by its cap or by what was left of the order total)", st.Computed)
		}
		if earned != nil && earned.Why != 0 {
			var why []string
			if earned.Why&loyalty.EarnedOnPaid != 0 {
				why = append(why, "on the money paid")
			}
			if earned.Why&loyalty.Rounded != 0 {
				why = append(why, "rounded")
			}
			s += fmt.Sprintf("; %s earned %s", earned.Points, strings.Join(why, ", "))
		}
	case rules.StatusFalse:
		s = "its condition (when) is false"
	case rules.StatusInactive:
		s = "outside its active window"
		if !rule.From.IsZero() {
			s += " from " + rule.From.Format(time.RFC3339)
		}
		if !rule.Until.IsZero() {
			s += " until " + rule.Until.Format(time.RFC3339)
		}
	case rules.StatusShadowed:
		s = "not evaluated: the exclusive rule " + st.By + " of its kind applied first"
	case rules.StatusOutdone:
		s = "its value lost to the best-of rule " + st.By
	case rules.StatusNotApplicable:
		on := rule.On
		if len(on) == 0 {
			on = []string{loyalty.OccasionPurchase}
		}
		s = fmt.Sprintf("runs on %s, not on %s", strings.Join(on, ", "), occasion)
	case rules.StatusFailed:
		s = "failed, and gave nothing"
	case rules.StatusUnknown:
		s = "did not apply: it needs a value that is unknown"
	case rules.StatusLimited:
		s = fmt.Sprintf("not evaluated: the customer has had what its limit (%v) allows: %s", rule.Limit, st.Reason)
	default:
		s = st.Status.String()
	}
	if st.Error != nil {
		e := st.Error
		pos := string(e.Part)
		if e.Line > 0 {
			pos += fmt.Sprintf(" %d:%d", e.Line, e.Column)
		}
		s += ": " + pos + ": " + e.Message
	}
	return s
}
