package main

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
)

// A programme is a loyalty.Config as JSON, written by staff (by hand, or
// through the playground's form). Before it is decoded it is checked field
// by field, so that a refusal names the field ("rules[2].from",
// "tiers[1].min_spend", "expiry.kind") and an unknown field anywhere —
// inside a rule too — is refused: a misspelt "wen" must not leave a rule
// without its condition, one that always applies. The checked JSON is then
// decoded by the library's own types, so the programme is exactly the one
// json.Unmarshal would give.

// readProgram reads the request body as one programme.
func readProgram(r *http.Request) (loyalty.Config, error) {
	var raw json.RawMessage
	if err := decode(r, &raw, false); err != nil {
		return loyalty.Config{}, err
	}
	return decodeProgram(raw, "")
}

// decodeProgram checks raw field by field (path is where it sits in the
// request: "" for a whole body, "program" inside the playground's) and
// decodes it.
func decodeProgram(raw json.RawMessage, path string) (loyalty.Config, error) {
	var c loyalty.Config
	if err := checkFields(raw, reflect.TypeFor[loyalty.Config](), path); err != nil {
		return c, err
	}
	if err := json.Unmarshal(raw, &c); err != nil { // not expected once the fields are checked
		return c, badRequest("invalid_value", clipMessage(where(path)+": "+strings.TrimPrefix(err.Error(), "json: ")))
	}
	return c, nil
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	ruleType        = reflect.TypeFor[rules.Rule]()
)

// object says whether t is read from a JSON object field by field: a
// struct that does not decode itself. rules.Rule decodes itself only to
// name the rule in its errors, so it is read field by field too.
func object(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	p := reflect.PointerTo(t)
	return t == ruleType || !p.Implements(jsonUnmarshaler) && !p.Implements(textUnmarshaler)
}

// checkFields decodes raw as a t, a field at a time, into a scratch
// value, and returns the first problem with its path.
func checkFields(raw json.RawMessage, t reflect.Type, path string) error {
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		return nil // as json.Unmarshal: leaves the zero value
	}
	switch {
	case object(t):
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return &apiError{Status: http.StatusBadRequest, Code: "invalid_type", Field: path,
				Message: fmt.Sprintf("%s: a JSON %s cannot be an object of %s fields", where(path), jsonKind(raw), t.Name())}
		}
		names := jsonNames(t)
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			f, ok := names[k]
			if !ok {
				known := slices.Sorted(maps.Keys(names))
				return &apiError{Status: http.StatusBadRequest, Code: "unknown_field", Field: join(path, k),
					Message: clipMessage(fmt.Sprintf("%s: unknown field (fields are case-sensitive; %s has %s)", join(path, k), where(path), strings.Join(known, ", ")))}
			}
			if err := checkFields(fields[k], f.Type, join(path, k)); err != nil {
				return err
			}
		}
		return nil
	case t.Kind() == reflect.Slice && object(t.Elem()):
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return &apiError{Status: http.StatusBadRequest, Code: "invalid_type", Field: path,
				Message: fmt.Sprintf("%s: a JSON %s cannot be a list", where(path), jsonKind(raw))}
		}
		for i, item := range items {
			if err := checkFields(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	v := reflect.New(t)
	if err := json.Unmarshal(raw, v.Interface()); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return &apiError{Status: http.StatusBadRequest, Code: "invalid_type", Field: path,
				Message: fmt.Sprintf("%s: a JSON %s cannot be a %s", where(path), typ.Value, typ.Type)}
		}
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_value", Field: path,
			Message: clipMessage(where(path) + ": " + strings.TrimPrefix(err.Error(), "json: "))}
	}
	return nil
}

// jsonNames maps the JSON names of t's fields to the fields, as
// encoding/json names them (the tag's name, else the Go name).
func jsonNames(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		out[name] = f
	}
	return out
}

// jsonKind names the kind of a JSON value by its first byte.
func jsonKind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	}
	return "number"
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func where(path string) string {
	if path == "" {
		return "the programme"
	}
	return path
}

// clipMessage keeps an error message short: a value's own decoder may
// quote the whole value.
func clipMessage(s string) string {
	const n = 300
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
