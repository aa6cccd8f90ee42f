package main

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
)

// Every error the API returns is JSON:
//
//	{"error": {"code": "insufficient_points", "message": "…"}, "request_id": "…"}
//
// code is stable (clients branch on it), message is for people. A value
// refused in a body names its place in "field" ("rules[2].from"). A
// refused programme also lists its rule errors (rule index, rule id, part,
// line, column, message, source and a caret) and its settings' errors
// (field, message): see program_errors.go.

// apiError is an error with its HTTP status and code.
type apiError struct {
	Status  int
	Code    string
	Message string
	// Field is the refused value's place in the body, when known.
	Field string
	// Rules and Fields are a refused programme's problems.
	Rules  []ruleProblem
	Fields []fieldProblem
}

func (e *apiError) Error() string { return e.Message }

// badRequest is a 400 with a code and message.
func badRequest(code, msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: msg}
}

// invalid is a 422: the JSON was well formed but its content is refused.
func invalid(code, msg string) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: code, Message: msg}
}

// refusals maps the library's sentinel errors to a status and a code.
var refusals = []struct {
	err    error
	status int
	code   string
}{
	{loyalty.ErrConflict, http.StatusConflict, "conflict"},
	{loyalty.ErrInvalidInput, http.StatusUnprocessableEntity, "invalid_input"},
	{loyalty.ErrCurrency, http.StatusUnprocessableEntity, "wrong_currency"},
	{loyalty.ErrUnknownOrder, http.StatusNotFound, "unknown_order"},
	{loyalty.ErrUnknownHold, http.StatusNotFound, "unknown_hold"},
	{loyalty.ErrUnknownRedemption, http.StatusNotFound, "unknown_redemption"},
	{loyalty.ErrRefundTooLarge, http.StatusUnprocessableEntity, "refund_too_large"},
	{loyalty.ErrInsufficientPoints, http.StatusUnprocessableEntity, "insufficient_points"},
	{loyalty.ErrPolicy, http.StatusUnprocessableEntity, "redemption_policy"},
	{loyalty.ErrUnknownTier, http.StatusUnprocessableEntity, "unknown_tier"},
	{loyalty.ErrHoldResolved, http.StatusConflict, "hold_resolved"},
	{loyalty.ErrHoldLapsed, http.StatusConflict, "hold_lapsed"},
	{loyalty.ErrRule, http.StatusUnprocessableEntity, "rule_failed"},
	{loyalty.ErrProgramMismatch, http.StatusConflict, "program_mismatch"},
	{errNoProgram, http.StatusConflict, "no_program"},
	{errProgramChange, http.StatusConflict, "program_change"},
	{errNotFound, http.StatusNotFound, "not_found"},
	{errBusy, http.StatusServiceUnavailable, "busy"},
}

// toAPIError classifies err; anything unknown is a 500 whose details go to
// the log, not to the client.
func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var ce *rules.CompileError
	if errors.As(err, &ce) { // a programme whose rules are not at hand: no rule indexes
		return programError(nil, err)
	}
	for _, r := range refusals {
		if errors.Is(err, r.err) {
			return &apiError{Status: r.status, Code: r.code, Message: err.Error()}
		}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error: see the server log for the request id"}
}

// errorBody is the JSON of an error response.
type errorBody struct {
	Error struct {
		Code        string         `json:"code"`
		Message     string         `json:"message"`
		Field       string         `json:"field,omitempty"`
		RuleErrors  []ruleProblem  `json:"rule_errors,omitempty"`
		FieldErrors []fieldProblem `json:"field_errors,omitempty"`
	} `json:"error"`
	RequestID string `json:"request_id,omitempty"`
}

// writeError writes err as JSON and returns the status written.
func writeError(w http.ResponseWriter, r *http.Request, err error) int {
	ae := toAPIError(err)
	if ae.Status >= 500 {
		logger(r).Error("request failed", "err", err)
	} else {
		logger(r).Info("request refused", "code", ae.Code, "err", err)
	}
	var body errorBody
	body.Error.Code, body.Error.Message, body.Error.Field = ae.Code, ae.Message, ae.Field
	body.Error.RuleErrors, body.Error.FieldErrors = ae.Rules, ae.Fields
	body.RequestID = requestID(r)
	b, merr := json.Marshal(body)
	if merr != nil { // a RuleError whose sentinel is unknown: leave the list out
		body.Error.RuleErrors = nil
		b, _ = json.Marshal(body)
	}
	if ae.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeRaw(w, ae.Status, b)
	return ae.Status
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}
