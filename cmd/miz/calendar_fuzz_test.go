package main

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzCalendarLines feeds arbitrary input to `miz calendar` in both directions: it
// must never panic, exit 0 or 1, answer every input line with exactly one output
// line, and every Jalali date it converts must convert back to the same Gregorian
// date.
func FuzzCalendarLines(f *testing.F) {
	f.Add("2026-11-23\n2026-02-29\n\n1405-09-02\n")
	f.Add("۱۴۰۵/۰۹/۰۲\r\n1405/9/2\n1403-12-30\n1404-12-30\n")
	f.Add("0000-01-01\n9999-12-31\n-001-01-01\n2026/1/1")
	f.Add("١٤٠٥-٠١-٠١\n1405-1-1\n1405-01-01T00:00\n")
	f.Add("\x00\n\xff\xfe\n 2026-11-23 \n")
	f.Fuzz(func(t *testing.T, input string) {
		if len(input) > 4096 {
			return
		}
		wantLines := strings.Count(input, "\n")
		if !strings.HasSuffix(input, "\n") && input != "" {
			wantLines++
		}
		for _, dir := range []string{"to-jalali", "to-gregorian"} {
			var out, errOut bytes.Buffer
			code := runCalendar([]string{dir}, strings.NewReader(input), &out, &errOut)
			if code != 0 && code != 1 {
				t.Fatalf("%s: exit %d", dir, code)
			}
			if got := strings.Count(out.String(), "\n"); got != wantLines {
				t.Fatalf("%s: %d output lines for %d input lines: %q -> %q", dir, got, wantLines, input, out.String())
			}
			if dir != "to-gregorian" {
				continue
			}
			for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
				if strings.HasPrefix(line, "error: ") || line == "" {
					continue
				}
				j, err := gregorianToJalali(line)
				if err != nil {
					t.Fatalf("%q converted to %q, which does not convert back: %v", input, line, err)
				}
				back, err := jalaliToGregorian(j)
				if err != nil || back != line {
					t.Fatalf("round trip %s -> %s -> %s (%v)", line, j, back, err)
				}
			}
		}
	})
}
