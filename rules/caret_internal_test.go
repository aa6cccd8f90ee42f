package rules

import (
	"strings"
	"testing"
)

func TestCaretWindow(t *testing.T) {
	long := strings.Repeat("a", 40) + "X" + strings.Repeat("b", 40) // 81 runes, X at column 41
	for _, c := range []struct {
		name    string
		src     string
		col     int
		line    string
		atCaret string // what the caret points at
	}{
		{"short line whole", "order.Nope > 1", 7, "order.Nope > 1", "N"},
		{"at the threshold whole", strings.Repeat("a", 65), 65, strings.Repeat("a", 65), "a"},
		{"middle of a long line", long, 41, "…" + strings.Repeat("a", 32) + "X" + strings.Repeat("b", 31) + "…", "X"},
		{"start of a long line", long, 1, strings.Repeat("a", 32) + "…", "a"},
		{"end of a long line", long, 81, "…" + strings.Repeat("b", 33), "b"},
		{"past the end", long, 82, "…" + strings.Repeat("b", 32), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			line, col := caretWindow(c.src, c.col)
			if line != c.line {
				t.Fatalf("line %q, want %q", line, c.line)
			}
			if got := string([]rune(line)[min(col-1, len([]rune(line))):]); !strings.HasPrefix(got, c.atCaret) {
				t.Fatalf("the caret at %d points at %q, want %q", col, got, c.atCaret)
			}
		})
	}
}
