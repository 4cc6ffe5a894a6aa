package jalali

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	d := Date{1405, 9, 2}
	tests := []struct{ name, got, want string }{
		{"String", d.String(), "1405-09-02"},
		{"FormatFa", FormatFa(d), "۱۴۰۵/۰۹/۰۲"},
		{"LongFa", LongFa(d), "۲ آذر ۱۴۰۵"},
		{"LongEn", LongEn(d), "2 Azar 1405"},
		{"LongFa Esfand", LongFa(Date{1403, 12, 30}), "۳۰ اسفند ۱۴۰۳"},
		{"LongEn Farvardin", LongEn(Date{1404, 1, 1}), "1 Farvardin 1404"},
		{"MonthNameFa 1", MonthNameFa(1), "فروردین"},
		{"MonthNameEn 12", MonthNameEn(12), "Esfand"},
		{"MonthNameFa 13", MonthNameFa(13), ""},
		{"MonthNameEn 0", MonthNameEn(0), ""},
		{"WeekdayFa Saturday", WeekdayFa(time.Saturday), "شنبه"},
		{"WeekdayFa Friday", WeekdayFa(time.Friday), "جمعه"},
		{"WeekdayFa Tuesday", WeekdayFa(time.Tuesday), "سه\u200cشنبه"},
		{"WeekdayFa 7", WeekdayFa(7), ""},
		{"WeekdayFa of a date", WeekdayFa(d.Weekday()), "دوشنبه"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestFromTimeUsesTehran(t *testing.T) {
	tests := []struct {
		utc  string
		want Date
	}{
		// Since 1402 Tehran is UTC+03:30 all year.
		{"2026-11-22T20:29:59Z", Date{1405, 9, 1}},
		{"2026-11-22T20:30:00Z", Date{1405, 9, 2}},
		// In summer 1399 Tehran kept daylight saving time, UTC+04:30.
		{"2020-06-01T19:30:00Z", Date{1399, 3, 13}},
		{"2020-06-01T19:29:59Z", Date{1399, 3, 12}},
	}
	for _, tt := range tests {
		ts, err := time.Parse(time.RFC3339, tt.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := FromTime(ts); got != tt.want {
			t.Errorf("FromTime(%s) = %v, want %v", tt.utc, got, tt.want)
		}
	}
}

func TestTime(t *testing.T) {
	got := Date{1405, 9, 2}.Time(nil)
	if want := "2026-11-23T00:00:00+03:30"; got.Format(time.RFC3339) != want {
		t.Errorf("Time(nil) = %s, want %s", got.Format(time.RFC3339), want)
	}
	if got.Location() != Tehran() {
		t.Errorf("Time(nil) location = %v", got.Location())
	}
	if got := (Date{1405, 9, 2}).Time(time.UTC); !got.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time(UTC) = %v", got)
	}
	if FromTime(got) != (Date{1405, 9, 2}) {
		t.Errorf("FromTime(Time()) = %v", FromTime(got))
	}
}

func TestFormatTimeFa(t *testing.T) {
	ts := time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC) // 14:30 in Tehran
	if got, want := FormatTimeFa(ts), "۱۴۰۵/۰۹/۰۲ ۱۴:۳۰"; got != want {
		t.Errorf("FormatTimeFa = %q, want %q", got, want)
	}
	late := time.Date(2026, 11, 22, 21, 5, 0, 0, time.UTC) // 00:35 the next day
	if got, want := FormatTimeFa(late), "۱۴۰۵/۰۹/۰۲ ۰۰:۳۵"; got != want {
		t.Errorf("FormatTimeFa = %q, want %q", got, want)
	}
}
