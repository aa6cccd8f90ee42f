package main

import (
	"net/http"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// The till's endpoints. Each reads and checks its body, then hands the
// library operation to the store (see Store.Apply), which runs it on the
// current account and writes its entries, conditional on the version it
// read. Each operation has an id the client chooses (the order, refund,
// hold, redemption or event id): sending the same request again returns
// the original response (header Idempotent-Replayed: true) and changes
// nothing; the same id with another body is a 409 conflict.

// runFunc is a library operation on one account.
type runFunc = func(p *loyalty.Program, a loyalty.Account, c loyalty.Customer, now time.Time) (loyalty.Account, loyalty.Result, error)

// apply runs one operation through the store and writes its response.
func (s *Server) apply(w http.ResponseWriter, r *http.Request, customer string, run runFunc) {
	reply, err := s.store.Apply(r.Context(), Operation{Customer: customer, Now: s.Now(), Run: run, Render: renderResult})
	s.reply(w, r, reply, err)
}

// reply writes an operation's response, or its error.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, reply Reply, err error) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	if reply.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeRaw(w, http.StatusOK, reply.Body)
}

// body decodes and checks a request body; on error it writes the error and
// returns false.
func body[T any](w http.ResponseWriter, r *http.Request, v *T, allowEmpty bool, check func(T) error) bool {
	if err := decode(r, v, allowEmpty); err != nil {
		writeError(w, r, err)
		return false
	}
	if check != nil {
		if err := check(*v); err != nil {
			writeError(w, r, err)
			return false
		}
	}
	return true
}

// withBody is a handler that decodes the body into a T, checks it, and
// applies op on the customer's account.
func withBody[T any](s *Server, check func(T) error, op func(p *loyalty.Program, a loyalty.Account, c loyalty.Customer, x T, now time.Time) (loyalty.Account, loyalty.Result, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		customer, ok := customerID(w, r)
		var x T
		if !ok || !body(w, r, &x, false, check) {
			return
		}
		s.apply(w, r, customer, func(p *loyalty.Program, a loyalty.Account, c loyalty.Customer, now time.Time) (loyalty.Account, loyalty.Result, error) {
			return op(p, a, c, x, now)
		})
	}
}

// purchase records an order: POST a loyalty.Order ({"id", "total",
// "lines", "redemption"…}). The response's money is what the customer
// pays.
func (s *Server) purchase(w http.ResponseWriter, r *http.Request) {
	withBody(s, checkOrder, (*loyalty.Program).Purchase)(w, r)
}

// refund returns money for an order, by amount ({"id", "order",
// "amount"}) or by lines ({"id", "order", "lines": [{"sku", "qty"}]}).
func (s *Server) refund(w http.ResponseWriter, r *http.Request) {
	withBody(s, checkRefund, (*loyalty.Program).Refund)(w, r)
}

// redeem spends points outside the hold/capture flow.
func (s *Server) redeem(w http.ResponseWriter, r *http.Request) {
	withBody(s, checkRedemption, (*loyalty.Program).Redeem)(w, r)
}

// event rewards something other than a purchase: {"id": "birthday-2026",
// "kind": "birthday"}. The id makes it once-only.
func (s *Server) event(w http.ResponseWriter, r *http.Request) {
	withBody(s, checkEvent, (*loyalty.Program).Event)(w, r)
}

// hold reserves points while an order is paid: {"id", "order", "points",
// "order_total", "until"}; without until it lasts the server's hold time
// from when it is first placed (loyalty.Hold.For, so a retried request is
// the same hold). Capture it when the payment succeeds, release it when it
// fails; one neither captured nor released stops holding at its deadline
// by itself.
func (s *Server) hold(w http.ResponseWriter, r *http.Request) {
	withBody(s, holdRequest.check, func(p *loyalty.Program, a loyalty.Account, c loyalty.Customer, h holdRequest, now time.Time) (loyalty.Account, loyalty.Result, error) {
		x := loyalty.Hold{ID: h.ID, Order: h.Order, Points: h.Points, OrderTotal: h.OrderTotal, Currency: h.Currency, Until: h.Until}
		if x.Until.IsZero() {
			x.For = s.HoldFor
		}
		return p.Hold(a, c, x, now)
	})(w, r)
}

// capture spends a hold's points (the payment went through); the body is
// optional: {"points": "500"} captures fewer than were held. The order is
// then purchased naming the hold ("redemption": "<hold id>").
func (s *Server) capture(w http.ResponseWriter, r *http.Request) {
	customer, ok := customerID(w, r)
	if !ok {
		return
	}
	hold := r.PathValue("hold")
	if err := checkID("hold id", hold); err != nil {
		writeError(w, r, err)
		return
	}
	var cp captureRequest
	if !body(w, r, &cp, true, func(c captureRequest) error { return checkAmount("points", c.Points, false) }) {
		return
	}
	s.apply(w, r, customer, func(p *loyalty.Program, a loyalty.Account, c loyalty.Customer, now time.Time) (loyalty.Account, loyalty.Result, error) {
		return p.Capture(a, c, loyalty.Capture{ID: hold, Points: cp.Points}, now)
	})
}

// release ends a hold without spending its points (the payment failed).
// The body must be empty or {}.
func (s *Server) release(w http.ResponseWriter, r *http.Request) {
	customer, ok := customerID(w, r)
	if !ok {
		return
	}
	hold := r.PathValue("hold")
	if err := checkID("hold id", hold); err != nil {
		writeError(w, r, err)
		return
	}
	var none struct{}
	if !body(w, r, &none, true, nil) {
		return
	}
	s.apply(w, r, customer, func(p *loyalty.Program, a loyalty.Account, c loyalty.Customer, now time.Time) (loyalty.Account, loyalty.Result, error) {
		return p.Release(a, c, hold, now)
	})
}

// quoteView is what a basket would give, with nothing recorded.
type quoteView struct {
	Order        string             `json:"order"`
	Points       decimal.Decimal    `json:"points"`
	Discount     decimal.Decimal    `json:"discount"`
	Money        decimal.Decimal    `json:"money"`
	Gifts        []string           `json:"gifts,omitempty"`
	Tier         string             `json:"tier"`
	RuleFailures []*rules.RuleError `json:"rule_failures,omitempty"`
	// Trace is every rule's verdict, with ?trace=true.
	Trace []rules.Step `json:"trace,omitempty"`
	// Duplicate: the order was already purchased; this is that purchase.
	Duplicate bool `json:"duplicate,omitempty"`
}

// quote says what a basket would give (points, discount, money to pay),
// recording nothing. "redemption" may name an open hold.
func (s *Server) quote(w http.ResponseWriter, r *http.Request) {
	customer, ok := customerID(w, r)
	var o loyalty.Order
	if !ok || !body(w, r, &o, false, checkOrder) {
		return
	}
	a, c, prog, err := s.store.Account(r.Context(), customer)
	if err != nil {
		writeError(w, r, err)
		return
	}
	q, err := prog.program.Quote(a, c, o, s.Now())
	if err != nil {
		writeError(w, r, err)
		return
	}
	v := quoteView{Order: o.ID, Points: q.Points, Discount: q.Discount, Money: q.Money, Gifts: q.Gifts, Tier: q.Tier,
		RuleFailures: q.RuleFailures, Duplicate: q.Duplicate}
	if r.URL.Query().Get("trace") == "true" {
		v.Trace = q.Trace
	}
	writeJSON(w, r, http.StatusOK, v)
}
