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

// row is the index of rule id's row, or −1.
func (l *useTotalList) row(id string) int {
	for i := range l.rows {
		if l.rows[i].rule == id {
			return i
		}
	}
	return -1
}

// get is rule id's total.
func (l *useTotalList) get(id string) (useTotal, bool) {
	if i := l.row(id); i >= 0 {
		return l.rows[i].useTotal, true
	}
	return useTotal{}, false
}

// mut is rule id's total, writable under o (a new row for a new rule),
// and the row's key (see ruleUse.key).
func (l *useTotalList) mut(id string, o *persist.Owner) (*useTotal, int32) {
	if l.owner != o {
		rows := make([]totalRow, len(l.rows), len(l.rows)+2) // one allocation, room for new rules
		copy(rows, l.rows)
		l.rows, l.owner = rows, o
	}
	i := l.row(id)
	if i < 0 {
		i = len(l.rows)
		l.rows = append(l.rows, totalRow{rule: id})
	}
	return &l.rows[i].useTotal, int32(i + 1)
}

// keys finds the keys of a snapshot's uses by their rules: a few rows
// are searched in turn, more through a map made once (a lazily read
// block of uses may be decoded from several goroutines: the map is only
// read).
func (l *useTotalList) keys() func(rule string) int32 {
	if len(l.rows) <= 16 {
		rows := useTotalList{rows: l.rows} // the rows as read: later versions only append
		return func(rule string) int32 { return int32(rows.row(rule) + 1) }
	}
	m := make(map[string]int32, len(l.rows))
	for i, r := range l.rows {
		m[r.rule] = int32(i + 1)
	}
	return func(rule string) int32 { return m[rule] }
}
