package loyalty

import (
	"os"
	"regexp"
	"testing"
)

// TestJSONNamesDocumented: the package doc's "JSON names" section lists
// every JSON name of the loyalty enums, so it cannot fall behind the code.
func TestJSONNamesDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile(`(?s)# JSON names\n(.*?)\n// #`).FindSubmatch(doc)
	if section == nil {
		t.Fatal("no JSON names section")
	}
	for _, names := range [][]string{expiryNames[:], refundNames[:], roundingNames[:], entryNames[1:], opNames[1:], holdNames[:], earnReasonNames[:]} {
		for _, n := range names {
			if !regexp.MustCompile(`\b` + n + `\b`).Match(section[1]) {
				t.Errorf("the JSON name %q is not in the doc's JSON names section", n)
			}
		}
	}
}
