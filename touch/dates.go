package touch

import (
	"time"

	"github.com/loyalkit/loyalkit/internal/calendar"
)

// civilDay is the day number (days since 1970-01-01) of the calendar date
// y-m-d, for any y, m in 1…12, d in 1…31 (Howard Hinnant's days_from_civil).
func civilDay(y int, m time.Month, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (int(m) + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateDay is the day number of t's calendar date in its own location.
func dateDay(t time.Time) int {
	y, m, d := t.Date()
	return civilDay(y, m, d)
}

// nextAnniversary is the first day, from day today (of year y) on, that is
// an anniversary of month m, day d: that day in year y or y+1, where a 29
// February falls on 28 February in a year without one. first is the
// earliest year that counts (an anniversary needs a year to pass). It
// returns the anniversary's year, month, day and day number.
func nextAnniversary(m time.Month, d, first, y, today int) (int, time.Month, int, int) {
	for yy := max(y, first); ; yy++ {
		dd := min(d, calendar.DaysIn(yy, m))
		if n := civilDay(yy, m, dd); n >= today {
			return yy, m, dd, n
		}
	}
}
