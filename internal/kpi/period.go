package kpi

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// Period is a Jalali month, quarter or year, as the half-open interval
// [From, To) of instants in Tehran.
type Period struct {
	// Text is the canonical spelling: 1405-09, 1405-Q3 or 1405.
	Text string `json:"period"`
	// Kind is month, quarter or year.
	Kind string    `json:"kind"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// ParsePeriod reads a Jalali month (1405-09), quarter (1405-Q3: Q1 is Farvardin
// to Khordad) or year (1405); Persian digits are accepted. A bad period is a
// *problem.Error on the field "period" with key kpi.period.invalid.
func ParsePeriod(s string) (Period, error) {
	t := strings.ToUpper(persian.ASCIIDigits(persian.Normalize(s)))
	bad := problem.Field("period", "kpi.period.invalid", s)
	year, rest, _ := strings.Cut(t, "-")
	y, err := strconv.Atoi(year)
	if err != nil || len(year) != 4 || y < jalali.MinYear || y >= jalali.MaxYear {
		return Period{}, bad
	}
	first, months, kind := 1, 12, "year"
	switch {
	case rest == "" && !strings.Contains(t, "-"):
		t = year
	case strings.HasPrefix(rest, "Q") && len(rest) == 2:
		q := int(rest[1] - '0')
		if q < 1 || q > 4 {
			return Period{}, bad
		}
		first, months, kind, t = 3*q-2, 3, "quarter", fmt.Sprintf("%s-Q%d", year, q)
	default:
		m, err := strconv.Atoi(rest)
		if err != nil || len(rest) > 2 || m < 1 || m > 12 {
			return Period{}, bad
		}
		first, months, kind, t = m, 1, "month", fmt.Sprintf("%s-%02d", year, m)
	}
	from := jalali.Date{Year: y, Month: first, Day: 1}
	last := first + months - 1
	to := jalali.Date{Year: y, Month: last, Day: jalali.MonthLength(y, last)}.AddDays(1)
	return Period{Text: t, Kind: kind, From: from.Time(nil), To: to.Time(nil)}, nil
}

// MonthOf returns the Jalali month containing t, in Tehran.
func MonthOf(t time.Time) Period {
	d := jalali.FromTime(t)
	p, _ := ParsePeriod(fmt.Sprintf("%04d-%02d", d.Year, d.Month))
	return p
}
