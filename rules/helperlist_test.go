package rules_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// TestHelpers checks the list against the compiler itself: every helper
// listed can be called with each of its signatures' arities, every
// builtin has a usage, and a name that is not listed is refused. The
// facts give one value of each type the signatures use.
func TestHelpers(t *testing.T) {
	hs := rules.Helpers()
	if len(hs) < 30 {
		t.Fatalf("Helpers() lists %d helpers; the package documents more than 30", len(hs))
	}
	arg := map[string]string{"decimal.Decimal": "f.Money", "int": "f.N", "time.Time": "f.Now", "string": "f.S"}
	seen := map[string]bool{}
	for i, h := range hs {
		if i > 0 && hs[i-1].Name >= h.Name {
			t.Errorf("Helpers() not sorted or repeated: %q then %q", hs[i-1].Name, h.Name)
		}
		seen[h.Name] = true
		if (len(h.Signatures) == 0) == (h.Usage == "") {
			t.Errorf("%s: want signatures or a usage, not both and not neither: %+v", h.Name, h)
			continue
		}
		if h.Usage != "" && !strings.HasPrefix(h.Usage, h.Name+"(") {
			t.Errorf("%s: usage %q does not start with the name", h.Name, h.Usage)
		}
		for _, sig := range h.Signatures {
			args := make([]string, sig.NumIn())
			for j := range args {
				args[j] = arg[sig.In(j).String()]
				if h.Name == "date" && j == 0 || h.Name == "withinHours" && j > 0 {
					args[j] = `"15:00"`
					if h.Name == "date" {
						args[j] = `"2026-03-01"`
					}
				}
			}
			src := fmt.Sprintf("%s(%s)", h.Name, strings.Join(args, ", "))
			if _, err := rules.CompileCondition[helperFacts]("probe", src+" == "+src); err != nil {
				t.Errorf("%s %v: %s does not compile: %v", h.Name, sig, src, err)
			}
		}
	}
	for _, name := range []string{"floor", "isBirthday", "withinHours", "any", "sum", "filter", "len"} {
		if !seen[name] {
			t.Errorf("Helpers() does not list %s", name)
		}
	}
	if _, err := rules.CompileCondition[helperFacts]("probe", "upper(f.S) == \"X\""); err == nil {
		t.Errorf("a function that is not listed (upper) compiled")
	} else if seen["upper"] {
		t.Errorf("upper is listed but refused: %v", err)
	}
}

type helperFacts struct {
	F struct {
		Money decimal.Decimal
		N     int
		Now   time.Time
		S     string
	} `expr:"f"`
}
