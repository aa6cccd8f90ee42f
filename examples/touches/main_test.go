package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestRun: the example plans the whole CDNOW base, lists the cap's worth
// of touches with their reasons, and draws winners that check out.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, ""); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"Touches for Wednesday 25 March 1998: 23570 customers,",
		"500 listed (daily cap 500, most valuable first)",
		"re-drawn from the published list and seed: the same winners",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the output lacks %q:\n%s", want, s)
		}
	}
	rows := regexp.MustCompile(`(?m)^ +\d+ \d{5} +\d+\.\d\d  \S`).FindAllString(s, -1)
	if len(rows) != 20 {
		t.Errorf("%d rows of touches, want 20:\n%s", len(rows), s)
	}
	if n := strings.Count(s, "  winner "); n != 3 {
		t.Errorf("%d winners, want 3", n)
	}
}
