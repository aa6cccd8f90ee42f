// Package enum reads and writes the closed sets of typed constants
// (rule kinds, stacking, entry kinds, policies) as their names, for JSON.
// Each set is a uint8 type whose values index a list of names.
package enum

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// String is the name of e; "unset" for a zero value without a name; and
// typ(n) for a value beyond the names, such as "Kind(9)".
func String[E ~uint8](e E, typ string, names []string) string {
	switch {
	case int(e) < len(names) && names[e] != "":
		return names[e]
	case e == 0:
		return "unset"
	}
	return fmt.Sprintf("%s(%d)", typ, uint8(e))
}

// Marshal writes e's name; a value without one is an error naming pkg.
func Marshal[E ~uint8](pkg string, e E, names []string) ([]byte, error) {
	if int(e) >= len(names) {
		return nil, fmt.Errorf("%s: cannot marshal value %d", pkg, uint8(e))
	}
	return []byte(names[e]), nil
}

// Parse finds s among names. The empty string is accepted only when
// allowEmpty is set, and means the zero value.
func Parse[E ~uint8](pkg, what, s string, names []string, allowEmpty bool) (E, error) {
	if s == "" && allowEmpty {
		return 0, nil
	}
	for i, n := range names {
		if n == s && n != "" {
			return E(i), nil
		}
	}
	var valid []string
	for _, n := range names {
		if n != "" {
			valid = append(valid, n)
		}
	}
	msg := fmt.Sprintf("%s: unknown %s %q (valid: %s)", pkg, what, s, strings.Join(valid, ", "))
	if near := Nearest(s, valid); near != "" {
		msg += fmt.Sprintf("; did you mean %s?", near)
	}
	return 0, errors.New(msg)
}

// Nearest is the name among names closest to s — the same once case, "_",
// "-" and spaces are ignored, or within a third of its letters by edit
// distance — or "" when none is close.
func Nearest(s string, names []string) string {
	key := fold(s)
	best, bestD := "", len(key)/3+1
	for _, n := range names {
		if fold(n) == key {
			return n
		}
		if d := distance(key, fold(n)); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == ' ' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// distance is the Levenshtein distance between a and b, in bytes (the
// names are ASCII); long inputs are not compared.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return len(a) + len(b)
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
