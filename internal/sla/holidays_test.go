package sla

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseHolidays(t *testing.T) {
	// fakeJalali stands in for internal/jalali: it knows one date.
	fakeJalali := func(s string) (int, int, int, bool) {
		if s == "1405-01-01" {
			return 2026, 3, 21, true
		}
		return 0, 0, 0, false
	}
	in := "\ufeffdate,name_fa,name_en,from,to,province\n" +
		"# Nowruz\n" +
		"1405-01-01,عید نوروز,Nowruz\n" +
		"2026-03-22, عید نوروز ,Nowruz\n" +
		"\n" +
		`2026-01-10,تعطیلی,"Closure, air pollution",10:00` + "\n" +
		"2026-01-11,تعطیلی,Closure,,12:00,\n" +
		"2026-01-12,تعطیلی,Closure,09:30,11:00,KHR\n"
	got, err := ParseHolidays(strings.NewReader(in), fakeJalali)
	if err != nil {
		t.Fatal(err)
	}
	want := []Holiday{
		{Date: Date{2026, 3, 21}, NameFa: "عید نوروز", NameEn: "Nowruz"},
		{Date: Date{2026, 3, 22}, NameFa: "عید نوروز", NameEn: "Nowruz"},
		{Date: Date{2026, 1, 10}, NameFa: "تعطیلی", NameEn: "Closure, air pollution", Closed: hm(10, 0, 24, 0)},
		{Date: Date{2026, 1, 11}, NameFa: "تعطیلی", NameEn: "Closure", Closed: hm(0, 0, 12, 0)},
		{Date: Date{2026, 1, 12}, NameFa: "تعطیلی", NameEn: "Closure", Closed: hm(9, 30, 11, 0), Province: "KHR"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d holidays, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("holiday %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := New(nationalConfig(got...)); err != nil {
		t.Errorf("parsed holidays do not build a calendar: %v", err)
	}
}

func TestParseHolidaysReportsLine(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int
	}{
		{"Jalali without a converter", "2026-03-21,a,b\n1405-01-02,a,b\n", 2},
		{"impossible date", "2026-02-30,a,b\n", 1},
		{"too few fields", "2026-03-21,a,b\n\n2026-03-22,a\n", 3},
		{"bad time", "2026-03-21,a,b,10:75\n", 1},
		{"reversed closure", "2026-03-21,a,b,12:00,10:00\n", 1},
		{"no name", "2026-03-21,,\n", 1},
		{"unterminated quote", "2026-03-21,a,b\n2026-03-22,\"a,b\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHolidays(strings.NewReader(tt.in), nil)
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LineError", err)
			}
			if le.Line != tt.line {
				t.Errorf("line %d, want %d (%v)", le.Line, tt.line, err)
			}
		})
	}
}

func TestParseSpan(t *testing.T) {
	if s, err := ParseSpan("07:30-14:30"); err != nil || s != hm(7, 30, 14, 30) || s.String() != "07:30-14:30" {
		t.Errorf("ParseSpan = %v, %v", s, err)
	}
	for _, bad := range []string{"07:30", "7-8", "14:30-07:30", "00:00-24:01", "07:3-08:00"} {
		if _, err := ParseSpan(bad); err == nil {
			t.Errorf("ParseSpan(%q) accepted it", bad)
		}
	}
}

func TestDateOf(t *testing.T) {
	// 23:00 UTC on 20 March is already 21 March in Tehran.
	if got := NationalDefault().DateOf(time.Date(2026, 3, 20, 23, 0, 0, 0, time.UTC)); got != (Date{2026, 3, 21}) || got.String() != "2026-03-21" {
		t.Errorf("DateOf = %v", got)
	}
}
