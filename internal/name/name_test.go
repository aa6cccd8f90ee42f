package name

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		name, s, want string // want: a part of the error, "" for valid
	}{
		{"plain", "gold", ""},
		{"unicode", "Золото ☕", ""},
		{"inner space", "free mug", ""},
		{"at the limit", strings.Repeat("x", MaxLen), ""},
		{"empty", "", "empty"},
		{"spaces", " \t ", "white space"},
		{"no-break spaces", "\u00a0\u3000", "white space"},
		{"newline", "gold\n", "control"},
		{"nul", "go\x00ld", "control"},
		{"del", "gold\x7f", "control"},
		{"right-to-left override", "\u202edlog", "bidirectional"},
		{"isolate", "gold\u2066", "bidirectional"},
		{"rtl mark", "\u200fgold", "bidirectional"},
		{"arabic letter mark", "gold\u061c", "bidirectional"},
		{"invalid utf-8", "gold\xff", "UTF-8"},
		{"zero-width space", "gold\u200b", "invisible"},
		{"byte order mark", "\ufeffgold", "invisible"},
		{"line separator", "gold\u2028x", "invisible"},
		{"mongolian vowel separator", "go\u180eld", "invisible"},
		{"too long", strings.Repeat("x", MaxLen+1), "limit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Check(c.s)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("Check(%q) = %v, want nil", c.s, err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("Check(%q) = %v, want an error with %q", c.s, err, c.want)
			}
		})
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("gold")
	f.Add("\u202e")
	f.Fuzz(func(t *testing.T, s string) {
		if Check(s) != nil {
			return
		}
		// A valid name is printable text with something visible in it.
		if strings.TrimSpace(s) == "" || len(s) > MaxLen || strings.ContainsFunc(s, isBidi) {
			t.Fatalf("Check(%q) accepted", s)
		}
	})
}
