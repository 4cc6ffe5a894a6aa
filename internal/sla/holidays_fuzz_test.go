package sla

import (
	"errors"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/jalali"
)

// jalaliDate is the converter an administrator's import uses in production, so the
// fuzzer reaches both the ISO and the Jalali paths.
func jalaliDate(s string) (y, m, d int, ok bool) {
	j, err := jalali.Parse(s)
	if err != nil {
		return 0, 0, 0, false
	}
	y, m, d = j.Gregorian()
	return y, m, d, true
}

// FuzzParseHolidays feeds arbitrary files to the holiday import: it must never panic,
// every error must name its line, and every holiday it accepts must be a real day
// with a name and, when partial, a non-empty span within the day.
func FuzzParseHolidays(f *testing.F) {
	f.Add("date,name_fa,name_en\n2026-03-21,نوروز,Nowruz\n")
	f.Add("1405-01-12,روز جمهوری اسلامی,Islamic Republic Day\n")
	f.Add("# closures\n۱۴۰۵/۰۹/۰۲,تعطیلی آلودگی هوا,Air pollution closure,10:00,,Tehran\n")
	f.Add("\ufeffDate,a,b\n2026-02-30,x,y\n")
	f.Add("2026-03-21,\"quoted, name\",x,24:00,10:00\n")
	f.Add("2026-03-21,,\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, file string) {
		hs, err := ParseHolidays(strings.NewReader(file), jalaliDate)
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			if hs != nil {
				t.Fatalf("holidays returned with an error: %v", hs)
			}
			return
		}
		for _, h := range hs {
			if !h.Date.valid() {
				t.Fatalf("accepted a day that does not exist: %+v", h.Date)
			}
			if h.NameFa == "" && h.NameEn == "" {
				t.Fatalf("accepted a holiday without a name: %+v", h)
			}
			if h.Closed != (Span{}) && !h.Closed.valid() {
				t.Fatalf("accepted an empty or reversed closure: %v", h.Closed)
			}
		}
	})
}
