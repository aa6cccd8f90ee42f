// Package enum reads and writes the closed sets of typed constants
// (rule kinds, stacking, entry kinds, policies) as their names, for JSON.
// Each set is a uint8 type whose values index a list of names.
package enum

import "fmt"

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
	return 0, fmt.Errorf("%s: unknown %s %q", pkg, what, s)
}
