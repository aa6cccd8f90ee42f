package main

import (
	"encoding/json"
	"net/http"
)

// getProgram returns the programme in force and its revision.
func (s *Server) getProgram(w http.ResponseWriter, r *http.Request) {
	prog, err := s.store.Program(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, struct {
		Revision int64           `json:"revision"`
		Program  json.RawMessage `json:"program"`
	}{prog.revision, prog.config})
}

// putProgram loads or replaces the programme: a loyalty.Config as JSON,
// written by staff (the playground saves through it too). It is read
// field by field (see program_json.go: an unknown field, in a rule too, is
// refused). Every rule is type-checked now, not at the till: a programme
// that does not compile is a 422 listing each bad rule with its index, id,
// part, line and column, and each bad setting with its field. Saving the
// programme in force again is a 200 that changes nothing; a new one is a
// 201 with its revision.
func (s *Server) putProgram(w http.ResponseWriter, r *http.Request) {
	c, err := readProgram(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	revision, created, err := s.store.SaveProgram(r.Context(), c)
	if ae := programError(c.Rules, err); ae != nil {
		writeError(w, r, ae)
		return
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		logger(r).Info("programme saved", "revision", revision, "name", c.Name, "rules", len(c.Rules))
	}
	writeJSON(w, r, status, struct {
		Revision int64  `json:"revision"`
		Name     string `json:"name"`
		Rules    int    `json:"rules"`
	}{revision, c.Name, len(c.Rules)})
}

// putCustomer stores a customer's profile: what rules may look at beyond
// the ledger (customer.Birthday, customer.Attributes["…"]).
func (s *Server) putCustomer(w http.ResponseWriter, r *http.Request) {
	id, ok := customerID(w, r)
	if !ok {
		return
	}
	var p profileRequest
	if err := decode(r, &p, false); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := p.customer(id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.store.SaveCustomer(r.Context(), c); err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, struct {
		ID string `json:"id"`
		profileRequest
	}{id, p})
}

// customerID is the {customer} of the path, checked; on a bad id it
// writes the error and returns false.
func customerID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("customer")
	if err := checkID("customer id", id); err != nil {
		writeError(w, r, err)
		return "", false
	}
	return id, true
}

// customerOrderID is the customer and order ids in the path, or false
// after answering with the error.
func customerOrderID(w http.ResponseWriter, r *http.Request) (customer, order string, ok bool) {
	if customer, ok = customerID(w, r); !ok {
		return "", "", false
	}
	order = r.PathValue("order")
	if err := checkID("order id", order); err != nil {
		writeError(w, r, err)
		return "", "", false
	}
	return customer, order, true
}
