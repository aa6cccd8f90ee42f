package rules

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/expr-lang/expr/parser/lexer"
)

// confusables maps letters that look like Latin ones (Cyrillic, Greek) to
// the Latin letter they pass for.
var confusables = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ӏ': 'l', 'һ': 'h', 'ԛ': 'q', 'ԝ': 'w',
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X', 'І': 'I', 'Ј': 'J', 'Ѕ': 'S', 'Ү': 'Y',
	'α': 'a', 'ο': 'o', 'ν': 'v', 'ρ': 'p', 'ι': 'i', 'κ': 'k', 'τ': 't', 'υ': 'u',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
}

// lookalike explains a name the type checker did not know when the name
// has a letter outside ASCII: which one, where, what it looks like, and
// the name with it replaced. ok is false when every name is ASCII.
func lookalike(src string) (msg string, at int, ok bool) {
	eachToken(src, func(t lexer.Token) bool {
		if t.Kind != lexer.Identifier {
			return true
		}
		for i, r := range []rune(t.Value) {
			if r < 0x80 {
				continue
			}
			script := "a non-ASCII letter"
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				script = "a Cyrillic letter"
			case unicode.Is(unicode.Greek, r):
				script = "a Greek letter"
			}
			msg = fmt.Sprintf("in %q, character %d is %q (U+%04X, %s)", t.Value, i+1, r, r, script)
			if latin, ok := confusables[r]; ok {
				fixed := strings.Map(func(r rune) rune {
					if l, ok := confusables[r]; ok {
						return l
					}
					return r
				}, t.Value)
				msg += fmt.Sprintf(", not the Latin %q; did you mean %s?", latin, fixed)
			}
			at, ok = t.From+i, true
			return false
		}
		return true
	})
	return msg, at, ok
}
