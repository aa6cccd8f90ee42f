package main

import (
	"embed"
	"encoding"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// The rule playground: a page for shop staff (GET /playground) where they
// edit the programme's rules, see every compile error under its rule as
// they type, see the fields and helpers rules may use, try a basket or an
// event on a sample or stored customer and read every rule's verdict,
// compare the edited programme's totals over the stored history with the
// programme in force (playground_backtest.go), and save the programme
// (through PUT /v1/program, which refuses one that does not compile). The
// page is plain HTML, CSS and JavaScript embedded in the binary, with no
// logic of its own: every check, every outcome and every list it shows
// comes from the JSON endpoints below.
//
//	GET  /api/playground/env                     fields, helpers and rule enums, from the library
//	GET  /api/playground/program                 the programme to start from
//	POST /api/playground/check                   does this programme compile? every problem, placed
//	POST /api/playground/try                     what would it give? (nothing recorded)
//	GET  /api/playground/orders                  recent recorded orders, to try again
//	GET  /api/playground/orders/{customer}/{order}  one of them: its basket and time
//	POST /api/playground/backtest                the stored history under the programme in force and the edited one

//go:embed playground
var playgroundFS embed.FS

// exampleProgramme is the quickstart's programme: where the playground
// starts when none is saved yet.
//
//go:embed programme.json
var exampleProgramme []byte

// routePlayground adds the page and its endpoints to mux.
func (s *Server) routePlayground(mux *http.ServeMux) {
	mux.HandleFunc("GET /playground", s.playgroundFile)
	mux.HandleFunc("GET /playground/{file}", s.playgroundFile)
	mux.HandleFunc("GET /api/playground/env", s.playgroundEnv)
	mux.HandleFunc("GET /api/playground/program", s.playgroundProgram)
	mux.HandleFunc("POST /api/playground/check", s.playgroundCheck)
	mux.HandleFunc("POST /api/playground/try", s.playgroundTry)
	mux.HandleFunc("GET /api/playground/orders", s.playgroundOrders)
	mux.HandleFunc("GET /api/playground/orders/{customer}/{order}", s.playgroundOrder)
	mux.HandleFunc("POST /api/playground/backtest", s.playgroundBacktest)
}

// contentTypes are the types of the page's files (not the system's MIME
// table, which may call a script application/javascript or not know it).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

// playgroundFile serves the page (index.html) and its script and style.
// The Content-Security-Policy allows only this origin's own files: no
// inline script, no other site.
func (s *Server) playgroundFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if name == "" {
		name = "index.html"
	}
	ct, known := contentTypes[path.Ext(name)]
	b, err := fs.ReadFile(playgroundFS, "playground/"+name)
	if !known || err != nil {
		writeError(w, r, &apiError{Status: http.StatusNotFound, Code: "no_route", Message: "no such file: " + describe(name)})
		return
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	w.Write(b)
}

// fieldView is a field rules may read: its path as written in a rule
// ("customer.LifetimeSpend"; ".Price" inside a predicate over a list),
// its Go type as the type checker sees it, what it is in words, and the
// fields of a struct or of a list's elements.
type fieldView struct {
	Path   string      `json:"path"`
	Type   string      `json:"type"`
	About  string      `json:"about,omitempty"`
	Fields []fieldView `json:"fields,omitempty"`
}

// helperView is a function rules may call, with its signatures.
type helperView struct {
	Name       string   `json:"name"`
	Signatures []string `json:"signatures"`
}

// envView is what rules may use and the names a rule's enums take.
type envView struct {
	Facts     string       `json:"facts"`
	Fields    []fieldView  `json:"fields"`
	Helpers   []helperView `json:"helpers"`
	Kinds     []string     `json:"kinds"`
	Units     []string     `json:"units"`
	Stackings []string     `json:"stackings"`
	Statuses  []string     `json:"statuses"`
	// Occasion is the occasion of a purchase: a rule whose on is empty
	// runs on it; other occasions are event kinds.
	Occasion string `json:"occasion"`
	// Assumptions are what a backtest may assume customers redeem, each
	// with its sentence; the default is marked.
	Assumptions []assumptionView `json:"assumptions"`
}

// assumptionView is a loyalty.RedemptionAssumption, as the backtest
// endpoint takes it, and what it does.
type assumptionView struct {
	Name    string `json:"name"`
	About   string `json:"about"`
	Default bool   `json:"default,omitempty"`
}

// playgroundEnv lists the fields of loyalty.Facts (what loyalty.Compile
// compiles rules against) by reflection, the helpers from
// rules.Helpers, and the enums from their own MarshalText: nothing is
// written by hand, so the list cannot drift from the library.
func (s *Server) playgroundEnv(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, playgroundEnvView())
}

func playgroundEnvView() envView {
	t := reflect.TypeFor[loyalty.Facts]()
	v := envView{Facts: t.String(), Fields: factFields(t, ""), Occasion: loyalty.OccasionPurchase,
		Kinds: enumNames[rules.Kind](), Units: enumNames[rules.Unit](), Stackings: enumNames[rules.Stacking](),
		Statuses: enumNames[rules.Status]()}
	for _, name := range enumNames[loyalty.RedemptionAssumption]() {
		var a loyalty.RedemptionAssumption
		if a.UnmarshalText([]byte(name)) == nil && a != loyalty.AssumptionUnset {
			v.Assumptions = append(v.Assumptions, assumptionView{Name: name, About: a.Describe(), Default: a == defaultAssumption})
		}
	}
	for _, h := range rules.Helpers() {
		hv := helperView{Name: h.Name}
		for _, sig := range h.Signatures {
			hv.Signatures = append(hv.Signatures, strings.Replace(sig.String(), "func", h.Name, 1))
		}
		if h.Usage != "" {
			hv.Signatures = append(hv.Signatures, h.Usage)
		}
		v.Helpers = append(v.Helpers, hv)
	}
	return v
}

var (
	decimalType = reflect.TypeFor[decimal.Decimal]()
	timeType    = reflect.TypeFor[time.Time]()
)

// factFields lists the exported fields of struct t as rules name them
// (the expr tag, else the Go name), prefixed by prefix.
func factFields(t reflect.Type, prefix string) []fieldView {
	var out []fieldView
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, _, _ := strings.Cut(f.Tag.Get("expr"), ","); tag != "" {
			name = tag
		}
		if tag := f.Tag.Get("expr"); tag == "-" {
			continue
		}
		p := name
		if prefix != "" {
			p = prefix + "." + name
		}
		out = append(out, fieldOf(f.Type, p))
	}
	return out
}

// fieldOf describes one field of type t at path p.
func fieldOf(t reflect.Type, p string) fieldView {
	v := fieldView{Path: p, Type: t.String()}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == decimalType:
		v.About = "exact decimal: money or points"
	case t == timeType:
		v.About = "instant, in the programme's zone; a zero one is unknown (date helpers then do not apply)"
	case t.Kind() == reflect.String:
		v.About = "text"
	case t.Kind() == reflect.Bool:
		v.About = "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		v.About = "whole number"
	case t.Kind() == reflect.Map:
		v.About = `text by key: ` + p + `["key"]`
	case t.Kind() == reflect.Slice:
		v.About = "list: read in any, all, none, one, count, sum, filter, where .Field is a field of one element"
		if e := derefType(t.Elem()); structWithFields(e) {
			v.Fields = factFields(e, "")
			for i := range v.Fields {
				v.Fields[i].Path = "." + v.Fields[i].Path
			}
		}
	case structWithFields(t):
		v.Fields = factFields(t, p)
	}
	return v
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// structWithFields: a struct rules read into (decimal.Decimal and
// time.Time are values: they have no exported fields).
func structWithFields(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			return true
		}
	}
	return false
}

// enumNames is the names of a closed set of constants, in order, as their
// MarshalText writes them (values without a name are left out).
func enumNames[E interface {
	~uint8
	encoding.TextMarshaler
}]() []string {
	var out []string
	for i := range 256 {
		if b, err := E(uint8(i)).MarshalText(); err == nil && len(b) > 0 {
			out = append(out, string(b))
		}
	}
	return out
}

// playgroundProgram is the programme to start editing from: the one in
// force, or the quickstart's example when none is saved yet.
func (s *Server) playgroundProgram(w http.ResponseWriter, r *http.Request) {
	type view struct {
		Revision int64           `json:"revision"`
		Source   string          `json:"source"` // "saved" or "example"
		Program  json.RawMessage `json:"program"`
	}
	prog, err := s.store.Program(r.Context())
	switch {
	case errors.Is(err, errNoProgram):
		writeJSON(w, r, http.StatusOK, view{0, "example", exampleProgramme})
	case err != nil:
		writeError(w, r, err)
	default:
		writeJSON(w, r, http.StatusOK, view{prog.revision, "saved", prog.config})
	}
}

// checkView is whether a programme compiles, and every problem placed:
// rule errors with their rule's index and a caret, settings errors with
// their field. The same lists PUT /v1/program refuses a programme with.
type checkView struct {
	OK          bool           `json:"ok"`
	Rules       int            `json:"rules"`
	RuleErrors  []ruleProblem  `json:"rule_errors"`
	FieldErrors []fieldProblem `json:"field_errors"`
}

// playgroundCheck compiles the programme in the body (a loyalty.Config,
// as PUT /v1/program takes) and says what is wrong with it, if anything;
// nothing is stored. A programme that does not compile is a 200 with ok
// false: the request was fine, the answer is no. A body that is not a
// programme is a 4xx naming the field.
func (s *Server) playgroundCheck(w http.ResponseWriter, r *http.Request) {
	c, err := readProgram(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	v := checkView{OK: true, Rules: len(c.Rules), RuleErrors: []ruleProblem{}, FieldErrors: []fieldProblem{}}
	if _, err := loyalty.Compile(c); err != nil {
		ae := programError(c.Rules, err)
		if ae == nil {
			writeError(w, r, err)
			return
		}
		v.OK = false
		if ae.Rules != nil {
			v.RuleErrors = ae.Rules
		}
		if ae.Fields != nil {
			v.FieldErrors = ae.Fields
		}
	}
	writeJSON(w, r, http.StatusOK, v)
}

// recordedOrderView is a recorded order, to try again.
type recordedOrderView struct {
	Customer string          `json:"customer"`
	Order    string          `json:"order"`
	At       string          `json:"at"`
	Paid     decimal.Decimal `json:"paid"`
	// Total, Lines and Redemption are the order as recorded (one order).
	Total      decimal.Decimal `json:"total,omitzero"`
	Lines      []loyalty.Line  `json:"lines,omitempty"`
	Redemption string          `json:"redemption,omitempty"`
}

// playgroundOrders lists the newest recorded orders (?limit=N, 1 to 200,
// 20 by default).
func (s *Server) playgroundOrders(w http.ResponseWriter, r *http.Request) {
	limit := 20
	if q := r.URL.Query().Get("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 200 {
			writeError(w, r, &apiError{Status: http.StatusBadRequest, Code: "invalid_query", Field: "limit",
				Message: "limit must be a whole number from 1 to 200; got " + describe(q)})
			return
		}
		limit = n
	}
	orders, err := s.store.RecentOrders(r.Context(), limit)
	if err != nil {
		writeError(w, r, err)
		return
	}
	loc := time.UTC
	if prog, err := s.store.Program(r.Context()); err == nil {
		loc = prog.program.Location()
	}
	out := []recordedOrderView{}
	for _, o := range orders {
		out = append(out, recordedOrderView{Customer: o.Customer, Order: o.ID, At: o.At.In(loc).Format(time.RFC3339), Paid: o.Paid})
	}
	writeJSON(w, r, http.StatusOK, struct {
		Orders []recordedOrderView `json:"orders"`
	}{out})
}

// playgroundOrder is one recorded order with its basket, from its record
// in the customer's ledger (channel and coupon are not recorded).
func (s *Server) playgroundOrder(w http.ResponseWriter, r *http.Request) {
	customer, id, ok := customerOrderID(w, r)
	if !ok {
		return
	}
	prog, err := s.store.Program(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	entries, err := s.store.Ledger(r.Context(), customer)
	if err != nil {
		writeError(w, r, err)
		return
	}
	_, rec, ok := purchaseRecord(entries, id)
	if !ok {
		writeError(w, r, &apiError{Status: http.StatusNotFound, Code: "unknown_order",
			Message: "customer " + customer + " has no recorded order " + id})
		return
	}
	o, err := s.store.Order(r.Context(), customer, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, recordedOrderView{Customer: customer, Order: id,
		At: rec.At.In(prog.program.Location()).Format(time.RFC3339), Paid: o.Paid,
		Total: rec.Money, Lines: rec.Lines, Redemption: redemptionOf(rec)})
}

// purchaseRecord finds the record of order id's purchase in a ledger and
// the index of the first entry of its operation.
func purchaseRecord(entries []loyalty.Entry, id string) (int, loyalty.Entry, bool) {
	for _, e := range entries {
		if e.Kind == loyalty.Record && e.OpKind == loyalty.OpPurchase && e.Order == id {
			for i, x := range entries {
				if x.Op == e.Op {
					return i, e, true
				}
			}
		}
	}
	return 0, loyalty.Entry{}, false
}

// redemptionOf is the redemption or hold whose points paid for a recorded
// purchase: its Ref names the operation ("capture:<hold id>" or
// "redeem:<redemption id>", loyalty.Entry.Op).
func redemptionOf(rec loyalty.Entry) string {
	for _, prefix := range []string{"capture:", "redeem:"} {
		if id, ok := strings.CutPrefix(rec.Ref, prefix); ok {
			return id
		}
	}
	return ""
}
