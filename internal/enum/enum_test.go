package enum

import (
	"strings"
	"testing"
)

type kind uint8

var names = []string{"", "accrual", "gift"}

func TestString(t *testing.T) {
	for _, c := range []struct {
		k    kind
		want string
	}{{0, "unset"}, {1, "accrual"}, {2, "gift"}, {3, "kind(3)"}, {255, "kind(255)"}} {
		if got := String(c.k, "kind", names); got != c.want {
			t.Errorf("String(%d) = %q, want %q", c.k, got, c.want)
		}
	}
	if got := String(kind(0), "kind", []string{"stack"}); got != "stack" {
		t.Errorf("a named zero value: %q", got)
	}
}

func TestMarshalParse(t *testing.T) {
	for i := range kind(3) {
		b, err := Marshal("p", i, names)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse[kind]("p", "kind", string(b), names, i == 0)
		if err != nil || got != i {
			t.Errorf("round trip of %d: %d %v", i, got, err)
		}
	}
	if _, err := Marshal("p", kind(3), names); err == nil {
		t.Error("marshalled a value without a name")
	}
	if _, err := Parse[kind]("p", "kind", "", names, false); err == nil {
		t.Error(`parsed "" where it is not allowed`)
	}
	if _, err := Parse[kind]("p", "kind", "Accrual", names, false); err == nil {
		t.Error("parsed a name in another case")
	}
}

func TestParseSuggests(t *testing.T) {
	expiry := []string{"never", "after_months", "end_of_month", "end_of_year"}
	for _, c := range []struct{ in, want string }{
		{"AfterMonths", `unknown expiry kind "AfterMonths" (valid: never, after_months, end_of_month, end_of_year); did you mean after_months?`},
		{"end-of-year", "did you mean end_of_year?"},
		{"nevr", "did you mean never?"},
		{"end_of_mnth", "did you mean end_of_month?"},
		{"weekly", `(valid: never, after_months, end_of_month, end_of_year)`},
	} {
		t.Run(c.in, func(t *testing.T) {
			_, err := Parse[kind]("loyalty", "expiry kind", c.in, expiry, false)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Parse(%q) = %v, want %q", c.in, err, c.want)
			}
			if c.in == "weekly" && strings.Contains(err.Error(), "did you mean") {
				t.Fatalf("Parse(%q) suggests a far name: %v", c.in, err)
			}
		})
	}
}
