package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// This file is the API's input: decoding request bodies strictly and
// checking every value before the library sees it, so that a bad request
// is a 4xx with a message that says what to fix, and nothing is stored.

// decode reads the body as exactly one JSON object into v. Unknown fields
// are refused (a typo in a field name must not be silently ignored); so
// are trailing data and bodies over the server's limit. An empty body is
// allowed only when allowEmpty (v keeps its zero value).
func decode(r *http.Request, v any, allowEmpty bool) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) && allowEmpty {
		return nil
	}
	if err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return decodeError(err)
		}
		return badRequest("malformed_json", "the body must be one JSON object, with nothing after it")
	}
	return nil
}

// decodeError says what is wrong with a body json could not decode.
func decodeError(err error) error {
	var (
		mbe    *http.MaxBytesError
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: fmt.Sprintf("the body is larger than the limit of %d bytes", mbe.Limit)}
	case errors.Is(err, io.EOF):
		return badRequest("empty_body", "the body is empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed_json", "malformed JSON: the body ends in the middle of a value")
	case errors.As(err, &syntax):
		return badRequest("malformed_json", fmt.Sprintf("malformed JSON at byte %d: %v", syntax.Offset, err))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the body"
		}
		return withField(badRequest("invalid_type", fmt.Sprintf("%s: a JSON %s cannot be a %s", field, typ.Value, typ.Type)), typ.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return badRequest("unknown_field", strings.TrimPrefix(err.Error(), "json: ")+" (fields are case-sensitive)")
	default: // a value's own decoder refused it: a decimal, a time, an enum
		return badRequest("invalid_value", strings.TrimPrefix(err.Error(), "json: "))
	}
}

// maxIDLen is the longest id accepted: customer, order, refund, hold,
// event and SKU ids.
const maxIDLen = 64

// checkID accepts 1 to 64 ASCII letters, digits, '.', '_' and '-'. Ids
// end up in ledger entry ids ("order:o1/2"), URLs and logs, so anything
// else (spaces, '/', ':', unicode that looks like ASCII) is refused.
func checkID(what, id string) error {
	ok := len(id) >= 1 && len(id) <= maxIDLen
	for i := 0; ok && i < len(id); i++ {
		c := id[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
	}
	if ok {
		return nil
	}
	return invalid("invalid_id", fmt.Sprintf(`%s must be 1 to %d characters from A-Z, a-z, 0-9, ".", "_" and "-"; got %s`,
		what, maxIDLen, describe(id)))
}

// checkText accepts up to n bytes of valid UTF-8 (empty allowed).
func checkText(what, s string, n int) error {
	if len(s) <= n && utf8.ValidString(s) {
		return nil
	}
	return invalid("invalid_text", fmt.Sprintf("%s must be at most %d bytes of UTF-8; got %s", what, n, describe(s)))
}

// describe shows a refused string without echoing kilobytes of it.
func describe(s string) string {
	if len(s) == 0 {
		return "an empty string"
	}
	if len(s) <= 40 {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%d bytes starting %q", len(s), s[:24])
}

// Money and points: at most 15 digits before the point and 6 after. The
// exponent is checked first so that a value like 1e-99999999 is refused
// before any arithmetic scales it.
var maxAmount = decimal.New(1, 15)

func checkAmount(what string, d decimal.Decimal, positive bool) error {
	switch {
	case d.Exponent() < -18 || d.Exponent() > 15:
		return invalid("invalid_amount", fmt.Sprintf("%s is out of range (at most 15 digits before the point and 6 after)", what))
	case d.IsNegative():
		return invalid("negative_amount", fmt.Sprintf("%s must not be negative; got %s", what, d))
	case positive && d.IsZero():
		return invalid("invalid_amount", fmt.Sprintf("%s must be more than zero", what))
	case d.Cmp(maxAmount) >= 0:
		return invalid("invalid_amount", fmt.Sprintf("%s is too large (at most 15 digits before the point); got %s", what, d))
	case !d.Truncate(6).Equal(d):
		return invalid("invalid_amount", fmt.Sprintf("%s has more than 6 decimal places; got %s", what, d))
	}
	return nil
}

// checkCurrency accepts an empty currency (the programme's) or three
// capital letters; which one is the programme's is the library's check.
func checkCurrency(c string) error {
	if c == "" || len(c) == 3 && strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
		return nil
	}
	return invalid("invalid_currency", fmt.Sprintf("currency must be an ISO 4217 code such as KZT; got %s", describe(c)))
}

// maxLines is the most lines an order or a refund may have.
const maxLines = 500

// checkLines checks an order's lines, found at path in the body ("lines",
// or "order.lines" in the playground's).
func checkLines(path string, lines []loyalty.Line) error {
	if len(lines) > maxLines {
		return withField(invalid("too_many_lines", fmt.Sprintf("%s: an order may have at most %d lines; got %d", path, maxLines, len(lines))), path)
	}
	for i, l := range lines {
		at := fmt.Sprintf("%s[%d]", path, i)
		if err := checkID(at+".sku", l.SKU); err != nil {
			return withField(err, at+".sku")
		}
		if err := checkText(at+".category", l.Category, maxIDLen); err != nil {
			return withField(err, at+".category")
		}
		if l.Qty < 1 || l.Qty > 1_000_000 {
			return withField(invalid("invalid_quantity", fmt.Sprintf("%s.qty must be from 1 to 1000000; got %d", at, l.Qty)), at+".qty")
		}
		if err := checkAmount(at+".price", l.Price, false); err != nil {
			return withField(err, at+".price")
		}
	}
	return nil
}

// withField sets the field of an input check's error (its message names
// it already) when it has none.
func withField(err error, field string) error {
	if ae, ok := err.(*apiError); ok && ae.Field == "" {
		ae.Field = field
	}
	return err
}

func checkOrder(o loyalty.Order) error {
	if err := checkID("id", o.ID); err != nil {
		return err
	}
	if err := checkCurrency(o.Currency); err != nil {
		return err
	}
	if err := checkAmount("total", o.Total, false); err != nil {
		return err
	}
	if o.Redemption != "" {
		if err := checkID("redemption", o.Redemption); err != nil {
			return err
		}
	}
	if err := checkText("channel", o.Channel, maxIDLen); err != nil {
		return err
	}
	if err := checkText("coupon", o.Coupon, maxIDLen); err != nil {
		return err
	}
	return checkLines("lines", o.Lines)
}

func checkRefund(r loyalty.Refund) error {
	if err := checkID("id", r.ID); err != nil {
		return err
	}
	if err := checkID("order", r.Order); err != nil {
		return err
	}
	if err := checkAmount("amount", r.Amount, false); err != nil {
		return err
	}
	if r.Amount.IsZero() == (len(r.Lines) == 0) {
		return invalid("invalid_refund", "a refund has either an amount or lines, not both and not neither")
	}
	if len(r.Lines) > maxLines {
		return invalid("too_many_lines", fmt.Sprintf("a refund may have at most %d lines; got %d", maxLines, len(r.Lines)))
	}
	for i, l := range r.Lines {
		if err := checkID(fmt.Sprintf("lines[%d].sku", i), l.SKU); err != nil {
			return err
		}
		if l.Qty < 1 || l.Qty > 1_000_000 {
			return invalid("invalid_quantity", fmt.Sprintf("lines[%d].qty must be from 1 to 1000000; got %d", i, l.Qty))
		}
	}
	return nil
}

func checkRedemption(x loyalty.Redemption) error {
	if err := checkID("id", x.ID); err != nil {
		return err
	}
	if err := checkAmount("points", x.Points, true); err != nil {
		return err
	}
	if err := checkAmount("order_total", x.OrderTotal, false); err != nil {
		return err
	}
	return checkCurrency(x.Currency)
}

// maxAttributes bounds the free attributes of an event or a customer.
const maxAttributes = 32

func checkAttributes(attrs map[string]string) error {
	if len(attrs) > maxAttributes {
		return invalid("too_many_attributes", fmt.Sprintf("at most %d attributes; got %d", maxAttributes, len(attrs)))
	}
	for k, v := range attrs {
		if err := checkID("attribute name", k); err != nil {
			return err
		}
		if err := checkText("attribute "+k, v, 256); err != nil {
			return err
		}
	}
	return nil
}

func checkEvent(ev loyalty.Event) error {
	if err := checkID("id", ev.ID); err != nil {
		return err
	}
	if err := checkID("kind", ev.Kind); err != nil {
		return err
	}
	if ev.Kind == loyalty.OccasionPurchase {
		return invalid("invalid_event", `an event cannot be of kind "purchase": POST the order to /purchases`)
	}
	return checkAttributes(ev.Attributes)
}

// holdRequest reserves points for an order while it is paid. Until is
// optional: the server's hold time (15 minutes by default) from now.
type holdRequest struct {
	ID         string          `json:"id"`
	Order      string          `json:"order,omitempty"`
	Points     decimal.Decimal `json:"points"`
	OrderTotal decimal.Decimal `json:"order_total,omitzero"`
	Currency   string          `json:"currency,omitempty"`
	Until      time.Time       `json:"until,omitzero"`
}

func (h holdRequest) check() error {
	if err := checkID("id", h.ID); err != nil {
		return err
	}
	if h.Order != "" {
		if err := checkID("order", h.Order); err != nil {
			return err
		}
	}
	if err := checkAmount("points", h.Points, true); err != nil {
		return err
	}
	if err := checkAmount("order_total", h.OrderTotal, false); err != nil {
		return err
	}
	return checkCurrency(h.Currency)
}

// captureRequest spends a hold's points; Points, when set, captures fewer
// than were held (the rest is released).
type captureRequest struct {
	Points decimal.Decimal `json:"points,omitzero"`
}

// profileRequest is a customer's profile. Dates are "2006-01-02" (read in
// the programme's zone by the rules' date helpers).
type profileRequest struct {
	Birthday   string            `json:"birthday,omitempty"`
	Registered string            `json:"registered,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

func (p profileRequest) customer(id string) (loyalty.Customer, error) {
	return p.customerAt(id, "")
}

// customerAt is customer for a profile found at path in the body (such as
// "customer." in the playground's): errors name path+field.
func (p profileRequest) customerAt(id, path string) (loyalty.Customer, error) {
	c := loyalty.Customer{ID: id, Attributes: p.Attributes}
	for _, f := range []struct {
		name string
		in   string
		out  *time.Time
	}{{"birthday", p.Birthday, &c.Birthday}, {"registered", p.Registered, &c.Registered}} {
		if f.in == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, f.in)
		if err != nil || t.Year() < 1900 || t.Year() > 9000 {
			return c, withField(invalid("invalid_date", fmt.Sprintf("%s%s must be a date such as 1994-05-12; got %s", path, f.name, describe(f.in))), path+f.name)
		}
		*f.out = t
	}
	return c, checkAttributes(p.Attributes)
}
