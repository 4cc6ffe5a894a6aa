// Package jalali converts between the Jalali (Solar Hijri) calendar used in
// Iran and the Gregorian calendar, and formats Jalali dates for people.
//
// Leap years follow the 33-year cycles with breaks that match the
// astronomical calendar (the vernal equinox as seen from Tehran), not the
// 2820-year arithmetic cycle that gets years such as 1403 wrong. Supported
// years are MinYear to MaxYear.
package jalali

import (
	"time"
)

// The range of Jalali years this package converts.
const (
	MinYear = 1
	MaxYear = 3177
)

// Date is a day in the Jalali calendar. The zero Date is not Valid.
type Date struct {
	Year, Month, Day int
}

// IsLeap reports whether the Jalali year has 366 days (a 30-day Esfand).
// Years outside MinYear..MaxYear are reported as common years.
func IsLeap(year int) bool {
	if year < MinYear || year > MaxYear {
		return false
	}
	return yearStart(year).leap
}

// MonthLength returns the number of days in the month of the Jalali year:
// 31 for Farvardin to Shahrivar, 30 for Mehr to Bahman, 29 or 30 for Esfand.
// It returns 0 for a month outside 1..12.
func MonthLength(year, month int) int {
	switch {
	case month >= 1 && month <= 6:
		return 31
	case month >= 7 && month <= 11:
		return 30
	case month == 12:
		if IsLeap(year) {
			return 30
		}
		return 29
	}
	return 0
}

// Valid reports whether d names a day that exists, in MinYear..MaxYear.
func (d Date) Valid() bool {
	return d.Year >= MinYear && d.Year <= MaxYear &&
		d.Month >= 1 && d.Month <= 12 &&
		d.Day >= 1 && d.Day <= MonthLength(d.Year, d.Month)
}

// FromGregorian returns the Jalali date of a Gregorian (proleptic) date.
// Out-of-range month and day values are normalised as time.Date does, so
// 2025-02-29 is 2025-03-01. A date outside the supported years gives the zero
// Date, which is not Valid.
func FromGregorian(y, m, d int) Date {
	return fromDayNumber(gregorianDayNumber(y, m, d))
}

// Gregorian returns the Gregorian date of d. For a d that is not Valid, the
// month and day are carried over as in time.Date and the year must still be
// in MinYear..MaxYear; otherwise the result is 0, 0, 0.
func (d Date) Gregorian() (y, m, day int) {
	if d.Year < MinYear || d.Year > MaxYear {
		return 0, 0, 0
	}
	return dayNumberToGregorian(d.dayNumber())
}

// AddDays returns the date n days after d (before it for negative n). The
// result is the zero Date if it leaves the supported years.
func (d Date) AddDays(n int) Date {
	if !d.Valid() {
		return Date{}
	}
	return fromDayNumber(d.dayNumber() + n)
}

// Weekday returns the day of the week of d; Saturday (شنبه) starts the
// Iranian week.
func (d Date) Weekday() time.Weekday {
	// Day number 0, 1970-01-01, was a Thursday.
	return time.Weekday(floorMod(d.dayNumber()+int(time.Thursday), 7))
}

// Compare returns -1 if d is before e, +1 if after, and 0 if they are equal.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(d.Month - e.Month)
	}
	return sign(d.Day - e.Day)
}

// dayNumber counts days from 1970-01-01 to d. Month and day outside their
// ranges carry over.
func (d Date) dayNumber() int {
	m := d.Month - 1
	before := m*31 - max(m-6, 0) // months 1-6 have 31 days, 7-11 have 30
	return yearStart(d.Year).day + before + d.Day - 1
}

// fromDayNumber is the inverse of dayNumber for the supported years.
func fromDayNumber(n int) Date {
	gy, _, _ := dayNumberToGregorian(n)
	// 1 Farvardin falls in March, so the Jalali year is gy-621 or gy-622.
	jy := min(gy-621, MaxYear)
	if jy < MinYear {
		return Date{}
	}
	start := yearStart(jy)
	if n < start.day {
		jy--
		if jy < MinYear {
			return Date{}
		}
		start = yearStart(jy)
	}
	k := n - start.day // day of the year, from 0
	if k >= 365+b2i(start.leap) {
		return Date{} // past the end of MaxYear
	}
	if k < 6*31 {
		return Date{Year: jy, Month: k/31 + 1, Day: k%31 + 1}
	}
	k -= 6 * 31
	return Date{Year: jy, Month: k/30 + 7, Day: k%30 + 1}
}

// gregorianDayNumber counts days from 1970-01-01 to a proleptic Gregorian date.
func gregorianDayNumber(y, m, d int) int {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return int(t.Unix() / 86400) // midnight UTC: the division is exact
}

func dayNumberToGregorian(n int) (y, m, d int) {
	t := time.Unix(int64(n)*86400, 0).UTC()
	return t.Year(), int(t.Month()), t.Day()
}

func floorMod(a, b int) int {
	return ((a % b) + b) % b
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
