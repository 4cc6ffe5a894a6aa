package incident

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
)

var (
	errDateFormat = errors.New("not a date")
	errDateFuture = errors.New("in the future")
)

var dateRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$`)
})

// ParseFirstSeen reads when an incident was first seen: a Jalali date (1405/01/15,
// years before 1700) or a Gregorian one (2026-04-04), in Persian or ASCII digits,
// with an optional time (14:30) and zone (RFC 3339 form); without a zone the time is
// Tehran's. A moment more than an hour after now (when now is not zero) is refused.
func ParseFirstSeen(s string, now time.Time) (time.Time, error) {
	t := strings.TrimSpace(persian.ASCIIDigits(persian.Normalize(s)))
	m := dateRe().FindStringSubmatch(t)
	if m == nil {
		return time.Time{}, errDateFormat
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	y, mo, d := n(1), n(2), n(3)
	if y < 1700 {
		jd, err := jalali.Parse(fmt.Sprintf("%04d/%d/%d", y, mo, d))
		if err != nil {
			return time.Time{}, errDateFormat
		}
		y, mo, d = jd.Gregorian()
	}
	loc := jalali.Tehran()
	switch {
	case m[7] == "Z":
		loc = time.UTC
	case m[7] != "":
		z, _ := time.Parse("-07:00", m[7])
		_, off := z.Zone()
		loc = time.FixedZone(m[7], off)
	}
	hh, mm, ss := n(4), n(5), n(6)
	if hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, errDateFormat
	}
	at := time.Date(y, time.Month(mo), d, hh, mm, ss, 0, loc)
	if at.Year() != y || int(at.Month()) != mo || at.Day() != d || y < 1990 {
		return time.Time{}, errDateFormat
	}
	if !now.IsZero() && at.After(now.Add(time.Hour)) {
		return time.Time{}, errDateFuture
	}
	return at, nil
}
