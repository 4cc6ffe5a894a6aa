package calendar

import (
	"strings"
	"time"

	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
)

// HolidayInput is one holiday as an administrator types it on the admin page or
// sends it to the API.
type HolidayInput struct {
	// Date is Jalali ("1405-01-01", "۱۴۰۵/۱/۱") or Gregorian ISO ("2026-03-21").
	Date   string `json:"date"`
	NameFa string `json:"name_fa"`
	NameEn string `json:"name_en"`
	// From and To ("10:00", "14:30") close part of the day; both empty close it all.
	From string `json:"from"`
	To   string `json:"to"`
	// Province is a province code, or "" for the whole country.
	Province string `json:"province"`
}

// Holiday checks the input and returns the holiday it describes.
func (in HolidayInput) Holiday() (sla.Holiday, error) {
	h := sla.Holiday{NameFa: strings.TrimSpace(in.NameFa), NameEn: strings.TrimSpace(in.NameEn),
		Province: strings.TrimSpace(in.Province)}
	date := persian.ASCIIDigits(strings.TrimSpace(in.Date))
	if t, err := time.Parse(time.DateOnly, date); err == nil && t.Year() >= 1800 {
		h.Date = sla.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	} else if y, m, d, ok := JalaliToGregorian(date); ok {
		h.Date = sla.Date{Year: y, Month: time.Month(m), Day: d}
	} else {
		return sla.Holiday{}, problem.Field("date", "calendar.holiday.date")
	}
	if h.NameFa == "" && h.NameEn == "" {
		return sla.Holiday{}, problem.Field("name_fa", "calendar.holiday.name")
	}
	from, to := persian.ASCIIDigits(strings.TrimSpace(in.From)), persian.ASCIIDigits(strings.TrimSpace(in.To))
	if from == "" && to == "" {
		return h, nil
	}
	if from == "" {
		from = "00:00"
	}
	if to == "" {
		to = "24:00"
	}
	span, err := sla.ParseSpan(from + "-" + to)
	if err != nil {
		return sla.Holiday{}, problem.Field("from", "calendar.holiday.span")
	}
	h.Closed = span
	return h, nil
}
