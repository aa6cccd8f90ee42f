// Package calendar holds the date arithmetic two packages share.
package calendar

import "time"

// DayIndex is the number of the calendar day of t in loc, counted from
// 1970-01-01 (day 0); days before it are negative.
func DayIndex(t time.Time, loc *time.Location) int {
	sec := t.Unix()
	if loc != time.UTC {
		_, off := t.In(loc).Zone()
		sec += int64(off)
	}
	day := sec / 86400
	if sec < 0 && sec%86400 != 0 {
		day--
	}
	return int(day)
}
