package sla

import (
	"math"
	"slices"
	"sort"
	"time"
)

// WorkingSeconds returns the working time inside [from, to) in seconds,
// skipping closed hours, holidays and closures; it is zero when to is not
// after from. Work is summed per stretch of constant UTC offset, so a span
// across a daylight-saving change counts real elapsed working time.
func (c *Calendar) WorkingSeconds(from, to time.Time) int64 {
	a, b := from.Unix(), to.Unix()
	if b <= a {
		return 0
	}
	if c.always {
		return b - a
	}
	var n int64
	for a < b {
		off, end := c.zone(a)
		e := min(b, end)
		n += c.cum(e+off) - c.cum(a+off)
		a = e
	}
	return n
}

// AddWorking returns the earliest instant, in UTC, at which seconds of
// working time have elapsed after from: the deadline for a budget of that
// many seconds. A deadline falls at the end of working time (14:30), never
// at the next opening. For seconds <= 0 it returns from unchanged.
func (c *Calendar) AddWorking(from time.Time, seconds int64) time.Time {
	if seconds <= 0 {
		return from
	}
	a := from.Unix()
	if c.always {
		return time.Unix(a+seconds, 0).UTC()
	}
	for {
		off, end := c.zone(a)
		start := c.cum(a + off)
		if end != math.MaxInt64 {
			if avail := c.cum(end+off) - start; avail < seconds {
				seconds -= avail
				a = end
				continue
			}
		}
		return time.Unix(c.cumInverse(start+seconds)-off, 0).UTC()
	}
}

// IsOpen reports whether the second starting at t is working time.
func (c *Calendar) IsOpen(t time.Time) bool {
	return c.WorkingSeconds(t, t.Add(time.Second)) == 1
}

// zone returns the UTC offset in force at Unix second u and the Unix second
// at which it ends (math.MaxInt64 if it never does).
func (c *Calendar) zone(u int64) (offset, end int64) {
	t := time.Unix(u, 0).In(c.loc)
	_, off := t.Zone()
	_, e := t.ZoneBounds()
	if e.IsZero() {
		return int64(off), math.MaxInt64
	}
	return int64(off), e.Unix()
}

// The functions below work on "wall seconds": seconds since 1970-01-01 00:00
// on the local wall clock, with every day 86400 seconds long. Within one
// stretch of constant offset, wall = unix + offset, so differences carry over.

// cum returns the working seconds between a fixed origin and wall second x,
// holidays and closures included; only differences are meaningful.
func (c *Calendar) cum(x int64) int64 {
	dn := floorDiv(x, secondsPerDay)
	k, found := slices.BinarySearch(c.excDays, dn)
	n := c.nominal(x) - c.excSum[k]
	if found {
		sod := x - dn*secondsPerDay
		n -= c.week[weekday(dn)].before(sod) - c.exc[k].sched.before(sod)
	}
	return n
}

// cumInverse returns the smallest wall second x with cum(x) >= t.
func (c *Calendar) cumInverse(t int64) int64 {
	// The first exception day that starts at or after t is reached; the
	// answer lies in the stretch that begins at the exception before it.
	idx := sort.Search(len(c.exc), func(k int) bool {
		return c.nominal(c.exc[k].day*secondsPerDay)-c.excSum[k] >= t
	})
	if idx == 0 {
		return c.nominalInverse(t)
	}
	k := idx - 1
	e := c.exc[k]
	start := e.day * secondsPerDay
	if r := t - (c.nominal(start) - c.excSum[k]); r <= e.sched.total {
		return start + e.sched.at(r)
	}
	return c.nominalInverse(t + c.excSum[k+1])
}

// nominal returns working seconds from the origin to wall second x for the
// plain working week, arithmetically: whole weeks, whole days, then spans.
func (c *Calendar) nominal(x int64) int64 {
	dn := floorDiv(x, secondsPerDay)
	q := dn + 4 // 1970-01-01 was a Thursday (time.Weekday 4)
	weeks := floorDiv(q, 7)
	wd := q - weeks*7
	return weeks*c.weekTotal + c.prefix[wd] + c.week[wd].before(x-dn*secondsPerDay)
}

// nominalInverse returns the smallest wall second x with nominal(x) >= t.
func (c *Calendar) nominalInverse(t int64) int64 {
	weeks := floorDiv(t-1, c.weekTotal)
	r := t - weeks*c.weekTotal // in (0, weekTotal]
	wd := 0
	for c.prefix[wd+1] < r {
		wd++
	}
	dn := weeks*7 + int64(wd) - 4
	return dn*secondsPerDay + c.week[wd].at(r-c.prefix[wd])
}

// before returns the working seconds of the day before second-of-day sod.
func (d daySched) before(sod int64) int64 {
	var n int64
	for _, s := range d.spans {
		if sod <= s.start {
			break
		}
		n += min(sod, s.end) - s.start
	}
	return n
}

// at returns the second-of-day at which r seconds of the day's working time
// have elapsed, for 0 < r <= total.
func (d daySched) at(r int64) int64 {
	for _, s := range d.spans {
		l := s.end - s.start
		if r <= l {
			return s.start + r
		}
		r -= l
	}
	return d.spans[len(d.spans)-1].end
}

func weekday(day int64) int64 {
	return (day%7 + 11) % 7 // (day + 4) mod 7, non-negative
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
