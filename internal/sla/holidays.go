package sla

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Holiday is a day, or part of a day, on which offices are closed: an
// official holiday (lunar ones move every year and are announced) or a
// one-off closure such as one for air pollution (SLA-CLOCK rule 5).
type Holiday struct {
	// Date is the local civil date in Asia/Tehran.
	Date Date
	// NameFa and NameEn name the holiday for people.
	NameFa, NameEn string
	// Closed is the closed part of the day; the zero Span closes it all.
	Closed Span
	// Province limits the closure to one province; "" applies nationwide.
	Province string
}

// LineError reports a line of a holiday import that could not be read, so
// that the administrator can find it; Line counts from 1.
type LineError struct {
	Line int   // line of the file, from 1
	Err  error // what is wrong with it
}

// Error returns the message with its line number.
func (e *LineError) Error() string {
	return fmt.Sprintf("sla: holidays line %d: %v", e.Line, e.Err)
}

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }

// ParseHolidays reads an administrator's yearly holiday import, one CSV
// record a line:
//
//	date,name_fa,name_en[,from[,to[,province]]]
//
// A date is Gregorian ISO ("2026-03-21"). Any other form, such as a Jalali
// "1405-01-01", is passed to convert, which returns the Gregorian date (the
// caller plugs in internal/jalali here); convert may be nil. A year below
// 1800 is never taken as Gregorian, so Jalali dates written like ISO ones
// reach convert. from and to ("10:00", "24:00") make a partial closure; a
// missing to means until the end of the day. An optional header line
// starting with "date", blank lines and lines starting with # are skipped.
// Errors are *LineError.
func ParseHolidays(r io.Reader, convert func(string) (y, m, d int, ok bool)) ([]Holiday, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	var out []Holiday
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &LineError{Line: pe.Line, Err: pe.Err}
			}
			return nil, fmt.Errorf("sla: parse holidays: %w", err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if first {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff") // spreadsheet byte-order mark
			if strings.EqualFold(rec[0], "date") {
				continue
			}
		}
		h, err := parseHoliday(rec, convert)
		if err != nil {
			return nil, &LineError{Line: line, Err: err}
		}
		out = append(out, h)
	}
}

func parseHoliday(rec []string, convert func(string) (y, m, d int, ok bool)) (Holiday, error) {
	if len(rec) < 3 || len(rec) > 6 {
		return Holiday{}, fmt.Errorf("want 3 to 6 fields (date,name_fa,name_en[,from[,to[,province]]]), got %d", len(rec))
	}
	field := func(i int) string {
		if i < len(rec) {
			return rec[i]
		}
		return ""
	}
	d, err := parseDate(rec[0], convert)
	if err != nil {
		return Holiday{}, err
	}
	h := Holiday{Date: d, NameFa: rec[1], NameEn: rec[2], Province: field(5)}
	if h.NameFa == "" && h.NameEn == "" {
		return Holiday{}, errors.New("the holiday has no name")
	}
	from, to := field(3), field(4)
	if from == "" && to == "" {
		return h, nil
	}
	if from == "" {
		from = "00:00"
	}
	if to == "" {
		to = "24:00"
	}
	if h.Closed, err = spanOf(from, to); err != nil {
		return Holiday{}, err
	}
	return h, nil
}

// parseDate reads an ISO Gregorian date, or hands the text to convert.
func parseDate(text string, convert func(string) (y, m, d int, ok bool)) (Date, error) {
	if d, ok := parseISO(text); ok && d.Year >= 1800 {
		return d, nil
	}
	if convert == nil {
		return Date{}, fmt.Errorf("date %q: want a Gregorian date such as 2026-03-21 (no converter for other calendars was given)", text)
	}
	y, m, dd, ok := convert(text)
	d := Date{Year: y, Month: time.Month(m), Day: dd}
	if !ok || !d.valid() {
		return Date{}, fmt.Errorf("date %q: not a valid date", text)
	}
	return d, nil
}

func parseISO(text string) (Date, bool) {
	parts := strings.Split(text, "-")
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) != 2 || len(parts[2]) != 2 {
		return Date{}, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return Date{}, false
		}
		n[i] = v
	}
	d := Date{Year: n[0], Month: time.Month(n[1]), Day: n[2]}
	return d, d.valid()
}
