package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
)

const calendarUsage = `usage: miz calendar <to-jalali|to-gregorian> < dates

Reads one date per line on stdin and writes the converted date, or
"error: <reason>", on the matching line of stdout.
  to-jalali     2026-11-23 -> 1405-09-02
  to-gregorian  1405-09-02 (or 1405/9/2, ۱۴۰۵/۰۹/۰۲) -> 2026-11-23
Exit status: 0 if every line converted, 1 if any did not, 2 for a usage error.`

// runCalendar is the "miz calendar" subcommand: it converts dates between the
// Gregorian and Jalali calendars, one per line, and returns the exit code.
func runCalendar(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var convert func(string) (string, error)
	switch {
	case len(args) == 1 && lineHelpArg(args[0]):
		fmt.Fprintln(stdout, calendarUsage)
		return 0
	case len(args) != 1:
		fmt.Fprintln(stderr, calendarUsage)
		return 2
	case args[0] == "to-jalali":
		convert = gregorianToJalali
	case args[0] == "to-gregorian":
		convert = jalaliToGregorian
	default:
		fmt.Fprintln(stderr, calendarUsage)
		return 2
	}
	return lineFilter(stdin, stdout, stderr, func(line string) (string, bool) {
		out, err := convert(line)
		if err != nil {
			return "error: " + err.Error(), false
		}
		return out, true
	})
}

func gregorianToJalali(line string) (string, error) {
	y, m, d, err := parseGregorian(line)
	if err != nil {
		return "", err
	}
	j := jalali.FromGregorian(y, m, d)
	if !j.Valid() {
		return "", errors.New("the date is outside the supported range")
	}
	return j.String(), nil
}

func jalaliToGregorian(line string) (string, error) {
	j, err := jalali.Parse(line)
	if err != nil {
		var pe *jalali.ParseError
		if errors.As(err, &pe) {
			return "", errors.New(lineClause(pe.MessageEn()))
		}
		return "", err
	}
	y, m, d := j.Gregorian()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), nil
}

// parseGregorian reads YYYY-MM-DD (or YYYY/M/D, with any digits) and
// rejects days that do not exist rather than rolling them over.
func parseGregorian(s string) (y, m, d int, err error) {
	s = persian.ASCIIDigits(persian.Normalize(s))
	sep := "-"
	if strings.Contains(s, "/") {
		sep = "/"
	}
	parts := strings.Split(s, sep)
	bad := errors.New("not a Gregorian date of the form YYYY-MM-DD")
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
		return 0, 0, 0, bad
	}
	var n [3]int
	for i, p := range parts {
		if p == "" || strings.IndexFunc(p, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			return 0, 0, 0, bad
		}
		for _, c := range p {
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, time.UTC)
	if t.Year() != n[0] || int(t.Month()) != n[1] || t.Day() != n[2] {
		return 0, 0, 0, errors.New("that day does not exist in that month")
	}
	return n[0], n[1], n[2], nil
}

// lineFilter writes the result of convert for every trimmed line of stdin,
// so that output lines stay aligned with input lines; a blank line gives
// "error: empty line". It returns 1 if convert rejected any line, a line was
// blank or stdin could not be read, and 0 otherwise.
func lineFilter(stdin io.Reader, stdout, stderr io.Writer, convert func(line string) (result string, ok bool)) int {
	out := bufio.NewWriter(stdout)
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	code := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		result, ok := "error: empty line", false
		if line != "" {
			result, ok = convert(line)
		}
		if !ok {
			code = 1
		}
		fmt.Fprintln(out, result)
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(stderr, "miz: read stdin:", err)
		code = 1
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(stderr, "miz: write stdout:", err)
		code = 1
	}
	return code
}

// lineClause turns a sentence meant for a person into a clause for a line of
// tool output: first letter lower case, no final full stop.
func lineClause(sentence string) string {
	s := strings.TrimSuffix(sentence, ".")
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[size:]
}

func lineHelpArg(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}
