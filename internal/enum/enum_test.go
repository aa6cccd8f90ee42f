package enum

import "testing"

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
