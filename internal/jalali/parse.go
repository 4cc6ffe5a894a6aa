package jalali

import (
	"errors"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/persian"
)

// The reasons Parse gives, wrapped in a *ParseError; test with errors.Is.
var (
	ErrFormat     = errors.New("not a date of the form YYYY-MM-DD or YYYY/M/D")
	ErrYearRange  = errors.New("year outside the supported range")
	ErrMonthRange = errors.New("month outside 1 to 12")
	ErrDayRange   = errors.New("day does not exist in that month")
)

// ParseError reports a string that Parse could not read as a Jalali date.
type ParseError struct {
	Input string // the string given to Parse
	Err   error  // ErrFormat, ErrYearRange, ErrMonthRange or ErrDayRange
}

// Error returns a short English description meant for logs.
func (e *ParseError) Error() string {
	return "jalali: parse " + strconv.Quote(e.Input) + ": " + e.Err.Error()
}

// Unwrap returns the reason, one of the Err* values.
func (e *ParseError) Unwrap() error { return e.Err }

// MessageEn returns a sentence in English that tells a person what is wrong.
func (e *ParseError) MessageEn() string {
	switch e.Err {
	case ErrYearRange:
		return "The year must be between 1 and 3177."
	case ErrMonthRange:
		return "The month must be between 1 and 12."
	case ErrDayRange:
		return "That day does not exist in that month."
	}
	return "Please write the date as year/month/day, for example 1405/09/02."
}

// MessageFa returns a sentence in Persian that tells a person what is wrong.
func (e *ParseError) MessageFa() string {
	switch e.Err {
	case ErrYearRange:
		return "سال باید بین ۱ و ۳۱۷۷ باشد."
	case ErrMonthRange:
		return "ماه باید بین ۱ و ۱۲ باشد."
	case ErrDayRange:
		return "این روز در آن ماه وجود ندارد."
	}
	return "لطفاً تاریخ را به شکل سال/ماه/روز بنویسید، مانند ۱۴۰۵/۰۹/۰۲."
}

// Parse reads a Jalali date written as year, month and day separated by "-"
// or "/" (the same separator twice), such as 1405-09-02, 1405/9/2 or
// ۱۴۰۵/۰۹/۰۲. The year has four digits, month and day one or two; Persian
// and Arabic-Indic digits are accepted, and the text is normalised first
// (surrounding spaces and bidi marks are ignored). Errors are *ParseError.
func Parse(s string) (Date, error) {
	fail := func(err error) (Date, error) {
		return Date{}, &ParseError{Input: s, Err: err}
	}
	t := persian.ASCIIDigits(persian.Normalize(s))
	sep := "-"
	if strings.Contains(t, "/") {
		sep = "/"
	}
	parts := strings.Split(t, sep)
	if len(parts) != 3 {
		return fail(ErrFormat)
	}
	year, ok1 := digits(parts[0], 4, 4)
	month, ok2 := digits(parts[1], 1, 2)
	day, ok3 := digits(parts[2], 1, 2)
	if !ok1 || !ok2 || !ok3 {
		return fail(ErrFormat)
	}
	d := Date{Year: year, Month: month, Day: day}
	switch {
	case year < MinYear || year > MaxYear:
		return fail(ErrYearRange)
	case month < 1 || month > 12:
		return fail(ErrMonthRange)
	case !d.Valid():
		return fail(ErrDayRange)
	}
	return d, nil
}

// digits reads s as a decimal number of minLen to maxLen ASCII digits.
func digits(s string, minLen, maxLen int) (int, bool) {
	if len(s) < minLen || len(s) > maxLen {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
