package loyalty

import (
	"github.com/loyalkit/loyalkit/internal/persist"
)

// useTotalList is what each limited rule and goal has given in all (the
// "ever" count of a limit), in the order of their first uses. It is short
// (one row per rule or goal with uses), so it is a slice read by a linear
// scan, copied once by the first operation of a new account version that
// changes it: fewer allocations than a persistent map, which copies a
// path of nodes for every key set.
type useTotalList struct {
	rows  []totalRow
	owner *persist.Owner // the version allowed to write rows in place
}

// repeated finds a rule with two totals (a few rows are compared pairwise;
// more, through a set, so that a hostile snapshot costs linear time).
func repeated(rows []totalRow) (string, bool) {
	if len(rows) <= 16 {
		for i := range rows {
			for j := range i {
				if rows[i].rule == rows[j].rule {
					return rows[i].rule, true
				}
			}
		}
		return "", false
	}
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		if seen[r.rule] {
			return r.rule, true
		}
		seen[r.rule] = true
	}
	return "", false
}

// get is rule id's total.
func (l *useTotalList) get(id string) (useTotal, bool) {
	for i := range l.rows {
		if l.rows[i].rule == id {
			return l.rows[i].useTotal, true
		}
	}
	return useTotal{}, false
}

// mut is rule id's total, writable under o (a new row for a new rule).
func (l *useTotalList) mut(id string, o *persist.Owner) *useTotal {
	if l.owner != o {
		rows := make([]totalRow, len(l.rows), len(l.rows)+2) // one allocation, room for new rules
		copy(rows, l.rows)
		l.rows, l.owner = rows, o
	}
	for i := range l.rows {
		if l.rows[i].rule == id {
			return &l.rows[i].useTotal
		}
	}
	l.rows = append(l.rows, totalRow{rule: id})
	return &l.rows[len(l.rows)-1].useTotal
}
