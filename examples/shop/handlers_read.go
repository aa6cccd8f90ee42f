package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// The customer's read endpoints: balance with the points about to expire,
// the ledger, and the trace of an order. They read the stored snapshot and
// the entries after it; nothing is written.

// expiringView is points that expire at an instant.
type expiringView struct {
	At     string          `json:"at"`
	Points decimal.Decimal `json:"points"`
}

// balance: the points now (available, pending, held, debt), the tier,
// lifetime spend and orders, and what expires in the next ?days=N (90 by
// default) — "200 points expire on 31 March".
func (s *Server) balance(w http.ResponseWriter, r *http.Request) {
	customer, ok := customerID(w, r)
	if !ok {
		return
	}
	days := 90
	if q := r.URL.Query().Get("days"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 0 || n > 3660 {
			writeError(w, r, badRequest("invalid_query", fmt.Sprintf("days must be a whole number from 0 to 3660; got %s", describe(q))))
			return
		}
		days = n
	}
	a, _, prog, err := s.store.Account(r.Context(), customer)
	if err != nil {
		writeError(w, r, err)
		return
	}
	now := s.Now()
	loc := prog.program.Location()
	expiring := []expiringView{}
	for _, e := range a.Expiring(now, now.AddDate(0, 0, days)) {
		at := e.At.In(loc).Format(time.RFC3339)
		if n := len(expiring); n > 0 && expiring[n-1].At == at { // lots due in the same second: one line
			expiring[n-1].Points = expiring[n-1].Points.Add(e.Points)
			continue
		}
		expiring = append(expiring, expiringView{At: at, Points: e.Points})
	}
	spend, orders := a.Spend()
	writeJSON(w, r, http.StatusOK, struct {
		Customer      string          `json:"customer"`
		At            string          `json:"at"`
		Balance       balanceView     `json:"balance"`
		Expiring      []expiringView  `json:"expiring"`
		LifetimeSpend decimal.Decimal `json:"lifetime_spend"`
		Orders        int             `json:"orders"`
		Version       int64           `json:"version"`
	}{customer, now.In(loc).Format(time.RFC3339), viewBalance(a, now), expiring, spend, orders, a.Version()})
}

// ledger: every entry of the customer, in the order written (the
// library's loyalty.Entry as JSON).
func (s *Server) ledger(w http.ResponseWriter, r *http.Request) {
	customer, ok := customerID(w, r)
	if !ok {
		return
	}
	entries, err := s.store.Ledger(r.Context(), customer)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if entries == nil {
		entries = []loyalty.Entry{}
	}
	writeJSON(w, r, http.StatusOK, struct {
		Customer string          `json:"customer"`
		Entries  []loyalty.Entry `json:"entries"`
	}{customer, entries})
}

// trace answers "why did I get these points?": the order's amounts, the
// points earned and taken back, and the rules' trace stored at purchase
// (every rule: applied, inactive, false, shadowed, capped…, and what it
// gave).
func (s *Server) trace(w http.ResponseWriter, r *http.Request) {
	customer, id, ok := customerOrderID(w, r)
	if !ok {
		return
	}
	o, err := s.store.Order(r.Context(), customer, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	a, _, prog, err := s.store.Account(r.Context(), customer)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var sum loyalty.OrderSummary
	for _, x := range a.Orders() {
		if x.ID == id {
			sum = x
		}
	}
	trace := o.Trace
	if trace == nil {
		trace = json.RawMessage("[]")
	}
	writeJSON(w, r, http.StatusOK, struct {
		Customer   string          `json:"customer"`
		Order      string          `json:"order"`
		At         string          `json:"at"`
		Total      decimal.Decimal `json:"total"`
		Discount   decimal.Decimal `json:"discount"`
		PointsPaid decimal.Decimal `json:"points_paid"`
		Paid       decimal.Decimal `json:"paid"`
		Refunded   decimal.Decimal `json:"refunded"`
		Earned     decimal.Decimal `json:"earned"`
		Reversed   decimal.Decimal `json:"reversed"`
		Trace      json.RawMessage `json:"trace"`
	}{customer, id, o.At.In(prog.program.Location()).Format(time.RFC3339), sum.Total, sum.Discount, sum.PointsPaid,
		sum.Paid, sum.Refunded, sum.Earned, sum.Reversed, trace})
}
