package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// A Jalali date(-time) picker without script (issue 13: the visit date and the
// outage form): selects for day, month (by name) and year, and for a time a
// 24-hour hh:mm input. A form field "x" posts x_day, x_month, x_year and x_time.

// pickOption is one choice of a picker's select.
type pickOption struct {
	Value, Label string
	Selected     bool
}

// picker is what the "jalalipicker" template draws.
type picker struct {
	ID, Name, Label          string
	Days, Months, Years      []pickOption
	Time                     string
	WithTime, Optional, Bad  bool
	DayL, MonthL, YearL, TmL string
}

// newPicker prepares a picker for the field name, showing at (nothing chosen when
// at is zero and optional), years around now.
func newPicker(lang i18n.Lang, id, name, label string, at, now time.Time, withTime, optional bool) picker {
	pk := picker{ID: id, Name: name, Label: label, WithTime: withTime, Optional: optional,
		DayL: i18n.T(lang, "ux2.pick.day"), MonthL: i18n.T(lang, "ux2.pick.month"), YearL: i18n.T(lang, "ux2.pick.year"), TmL: i18n.T(lang, "ux2.pick.time")}
	var sel jalali.Date
	if !at.IsZero() {
		sel = jalali.FromTime(at)
		pk.Time = at.In(jalali.Tehran()).Format("15:04")
	}
	num := func(n int) string {
		if lang == i18n.Fa {
			return persian.PersianDigits(strconv.Itoa(n))
		}
		return strconv.Itoa(n)
	}
	for d := 1; d <= 31; d++ {
		pk.Days = append(pk.Days, pickOption{strconv.Itoa(d), num(d), d == sel.Day})
	}
	for m := 1; m <= 12; m++ {
		name := jalali.MonthNameFa(m)
		if lang == i18n.En {
			name = jalali.MonthNameEn(m)
		}
		pk.Months = append(pk.Months, pickOption{strconv.Itoa(m), name, m == sel.Month})
	}
	y := jalali.FromTime(now).Year
	for yr := y - 1; yr <= y+1; yr++ {
		pk.Years = append(pk.Years, pickOption{strconv.Itoa(yr), num(yr), yr == sel.Year})
	}
	return pk
}

// pickedTime reads a picker's field from a form: the zero time when every part is
// empty; a field error on name when a part is missing or the day does not exist.
// A single text field "name" ("1405-09-02 14:30", or a Gregorian
// "2026-11-24") is read as before.
func pickedTime(r *http.Request, name string) (time.Time, error) {
	bad := problem.Field(name, "ux2.pick.invalid")
	y, m, d := r.PostFormValue(name+"_year"), r.PostFormValue(name+"_month"), r.PostFormValue(name+"_day")
	clock := strings.TrimSpace(persian.ASCIIDigits(r.PostFormValue(name + "_time")))
	if y == "" && m == "" && d == "" {
		if v := strings.TrimSpace(persian.ASCIIDigits(r.PostFormValue(name))); v != "" {
			// A Gregorian day (YYYY-MM-DD, year after 1800) as the API and older
			// forms send it, else a Jalali date and time.
			if t, err := time.ParseInLocation(time.DateOnly, v, jalali.Tehran()); err == nil && t.Year() > 1800 {
				return t, nil
			}
			return parseTehranTime(v)
		}
		if clock != "" {
			return time.Time{}, bad
		}
		return time.Time{}, nil
	}
	var date jalali.Date
	var err1, err2, err3 error
	date.Year, err1 = strconv.Atoi(y)
	date.Month, err2 = strconv.Atoi(m)
	date.Day, err3 = strconv.Atoi(d)
	if err1 != nil || err2 != nil || err3 != nil || !date.Valid() {
		return time.Time{}, bad
	}
	t := date.Time(nil)
	if clock != "" {
		hm, err := time.Parse("15:04", clock)
		if err != nil {
			return time.Time{}, bad
		}
		t = t.Add(time.Duration(hm.Hour())*time.Hour + time.Duration(hm.Minute())*time.Minute)
	}
	return t, nil
}

// now is the server's clock (Server.Now, or the wall clock).
func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
