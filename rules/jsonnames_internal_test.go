package rules

import (
	"os"
	"strings"
	"testing"
)

// TestJSONNamesDocumented: the package doc lists every JSON name of the
// rules enums, so the list cannot fall behind the code.
func TestJSONNamesDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, names := range [][]string{kindNames[:], unitNames[:], stackingNames[:], statusNames[:], periodNames[:]} {
		for _, n := range names {
			if n != "" && !strings.Contains(string(doc), n) {
				t.Errorf("the JSON name %q is not in the package doc", n)
			}
		}
	}
}
