package catalog

import (
	"fmt"
	"strings"
	"time"
)

// number writes n in the document's digits.
func (p phrases) number(n int) string { return p.digits(fmt.Sprint(n)) }

// digits turns ASCII digits into Persian ones in a Persian document.
func (p phrases) digits(s string) string {
	if p.lang != "fa" {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '۰' + (r - '0')
		}
		return r
	}, s)
}

// duration writes "30 business days" or "۳۰ روز کاری".
func (p phrases) duration(d Duration) string {
	unit := p.units[d.Unit]
	if p.lang == "en" && d.Amount != 1 {
		unit += "s"
	}
	return p.number(d.Amount) + " " + unit
}

// date writes a day as Jalali in Persian ("۲۹ اسفند ۱۴۰۰") and as ISO with the
// Jalali beside it in English ("2022-03-20 (29 Esfand 1400)").
func (p phrases) date(d Date) string {
	y, m, day := jalali(d)
	j := fmt.Sprintf("%d %s %d", day, p.months[m-1], y)
	if p.lang == "fa" {
		return p.digits(j)
	}
	return fmt.Sprintf("%s (%s)", d, j)
}

// jalali converts a Gregorian day to the Jalali (Solar Hijri) calendar, for
// display only. It counts from 1 Farvardin 1400 (2021-03-21) using the
// 33-year arithmetic leap rule, which matches the official calendar for
// 1343–1473 (1964–2094), far beyond any SLA's period.
// TODO: use internal/jalali once it lands, to keep one implementation.
func jalali(d Date) (year, month, day int) {
	days := int(d.In(time.UTC).Sub(time.Date(2021, 3, 21, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	year = 1400
	for days < 0 {
		year--
		days += jalaliYearLength(year)
	}
	for days >= jalaliYearLength(year) {
		days -= jalaliYearLength(year)
		year++
	}
	for month = 1; month < 12; month++ {
		n := 31
		if month > 6 {
			n = 30
		}
		if days < n {
			break
		}
		days -= n
	}
	return year, month, days + 1
}

func jalaliYearLength(year int) int {
	if (year*8+29)%33 < 8 {
		return 366
	}
	return 365
}
