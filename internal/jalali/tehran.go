package jalali

import (
	"sync"
	"time"
	_ "time/tzdata" // Asia/Tehran must not depend on the host's zone files
)

// Tehran returns the Asia/Tehran location, loaded once from the zone data
// embedded in the binary. It is the one home of the zone: sla, web, api and
// the tests all use it.
func Tehran() *time.Location {
	return tehran()
}

var tehran = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		// Unreachable: time/tzdata is linked in.
		panic("jalali: load Asia/Tehran: " + err.Error())
	}
	return loc
})

// FromTime returns the Jalali date of the instant t as seen in Tehran.
func FromTime(t time.Time) Date {
	y, m, d := t.In(Tehran()).Date()
	return FromGregorian(y, int(m), d)
}

// Time returns midnight at the start of d in loc; a nil loc means Tehran.
// The zero time.Time is returned for a year outside MinYear..MaxYear.
func (d Date) Time(loc *time.Location) time.Time {
	if loc == nil {
		loc = Tehran()
	}
	y, m, day := d.Gregorian()
	if y == 0 {
		return time.Time{}
	}
	return time.Date(y, time.Month(m), day, 0, 0, 0, 0, loc)
}
