package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestCalendarToJalali(t *testing.T) {
	t.Parallel()
	in := "2026-11-23\n2025/3/21\n۲۰۲۴-۰۳-۲۰\n\n2025-02-29\nnot a date\n0600-01-01\n1979-02-11\r\n"
	want := strings.Join([]string{
		"1405-09-02",
		"1404-01-01",
		"1403-01-01",
		"error: empty line",
		"error: that day does not exist in that month",
		"error: not a Gregorian date of the form YYYY-MM-DD",
		"error: the date is outside the supported range",
		"1357-11-22",
	}, "\n") + "\n"
	code, out, errOut := runCalendarWith(t, in, "to-jalali")
	if out != want || code != 1 || errOut != "" {
		t.Errorf("code %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
	}
}

func TestCalendarToGregorian(t *testing.T) {
	t.Parallel()
	in := "1405-09-02\n1405/9/2\n۱۴۰۵/۰۹/۰۲\n1404/12/30\n1404/13/01\n  \n1403/12/30"
	want := strings.Join([]string{
		"2026-11-23",
		"2026-11-23",
		"2026-11-23",
		"error: that day does not exist in that month",
		"error: the month must be between 1 and 12",
		"error: empty line",
		"2025-03-20",
	}, "\n") + "\n"
	code, out, _ := runCalendarWith(t, in, "to-gregorian")
	if out != want || code != 1 {
		t.Errorf("code %d, stdout:\n%s\nwant:\n%s", code, out, want)
	}
}

func TestCalendarAllGoodExitsZero(t *testing.T) {
	t.Parallel()
	code, out, _ := runCalendarWith(t, "2026-11-23\n", "to-jalali")
	if code != 0 || out != "1405-09-02\n" {
		t.Errorf("code %d, stdout %q", code, out)
	}
	code, out, _ = runCalendarWith(t, "", "to-gregorian")
	if code != 0 || out != "" {
		t.Errorf("empty input: code %d, stdout %q", code, out)
	}
}

func TestCalendarUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"to-julian"}, {"to-jalali", "extra"}} {
		code, out, errOut := runCalendarWith(t, "2026-11-23\n", args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "usage: miz calendar") {
			t.Errorf("args %q: code %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	code, out, _ := runCalendarWith(t, "", "-h")
	if code != 0 || !strings.HasPrefix(out, "usage: miz calendar") {
		t.Errorf("-h: code %d, stdout %q", code, out)
	}
}

func runCalendarWith(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runCalendar(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}
