// Package name checks the names a programme hands out and shows to
// customers and staff: gift and tier values, tier names.
package name

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLen is the longest name, in bytes.
const MaxLen = 200

// Check says what is wrong with s as a name, or nil. A name is valid
// UTF-8, not empty or only white space, at most MaxLen bytes, and holds no
// control characters and no invisible formatting characters, which can make
// a name display as another: bidirectional ones (U+202A–U+202E,
// U+2066–U+2069, U+200E, U+200F, U+061C), zero-width ones and the byte
// order mark (Unicode's category Cf: "gold\u200b" is not "gold"), and line
// and paragraph separators.
func Check(s string) error {
	switch {
	case s == "":
		return errors.New("is empty")
	case !utf8.ValidString(s):
		return errors.New("is not valid UTF-8")
	case len(s) > MaxLen:
		return fmt.Errorf("is %d bytes, the limit is %d", len(s), MaxLen)
	case strings.TrimFunc(s, unicode.IsSpace) == "":
		return errors.New("is only white space")
	}
	for i, r := range s {
		switch {
		case unicode.IsControl(r):
			return fmt.Errorf("has a control character (%U) at byte %d", r, i)
		case isBidi(r):
			return fmt.Errorf("has a bidirectional formatting character (%U) at byte %d", r, i)
		case unicode.Is(unicode.Cf, r) || unicode.In(r, unicode.Zl, unicode.Zp):
			return fmt.Errorf("has an invisible formatting character (%U) at byte %d", r, i)
		}
	}
	return nil
}

func isBidi(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}
