package sla

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Span is the half-open stretch [Start, End) of a civil day, in minutes after
// local midnight; End may be 1440, the midnight that ends the day.
type Span struct {
	Start int // first minute inside the span
	End   int // first minute after it
}

func (s Span) valid() bool {
	return 0 <= s.Start && s.Start < s.End && s.End <= minutesPerDay
}

// String formats the span as "07:30-14:30".
func (s Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
}

// ParseSpan reads a span written as "07:30-14:30"; "24:00" ends the day.
func ParseSpan(text string) (Span, error) {
	from, to, ok := strings.Cut(text, "-")
	if !ok {
		return Span{}, fmt.Errorf("sla: parse span %q: want HH:MM-HH:MM", text)
	}
	return spanOf(from, to)
}

func spanOf(from, to string) (Span, error) {
	start, err := parseClock(from)
	if err != nil {
		return Span{}, fmt.Errorf("sla: parse span: %w", err)
	}
	end, err := parseClock(to)
	if err != nil {
		return Span{}, fmt.Errorf("sla: parse span: %w", err)
	}
	s := Span{Start: start, End: end}
	if !s.valid() {
		return Span{}, fmt.Errorf("sla: parse span: %s is empty or reversed", s)
	}
	return s, nil
}

// parseClock reads "HH:MM" as minutes after midnight.
func parseClock(text string) (int, error) {
	hh, mm, ok := strings.Cut(strings.TrimSpace(text), ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || len(mm) != 2 || h < 0 || m < 0 || m > 59 || h*60+m > minutesPerDay {
		return 0, fmt.Errorf("time of day %q: want HH:MM between 00:00 and 24:00", text)
	}
	return h*60 + m, nil
}

// Date is a civil date on the Gregorian calendar, read in the calendar's
// location (Asia/Tehran); it names a whole local day, not an instant.
type Date struct {
	Year  int        // Gregorian year, e.g. 2026
	Month time.Month // 1 to 12
	Day   int        // 1 to 31
}

// String formats the date as ISO 8601, e.g. "2026-03-21".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

func (d Date) valid() bool {
	y, m, dd := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Date()
	return y == d.Year && m == d.Month && dd == d.Day
}

// dayNumber counts civil days since 1970-01-01.
func (d Date) dayNumber() int64 {
	return floorDiv(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix(), secondsPerDay)
}
