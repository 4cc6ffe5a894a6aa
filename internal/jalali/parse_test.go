package jalali

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		err  error
	}{
		{"1405-09-02", Date{1405, 9, 2}, nil},
		{"1405/9/2", Date{1405, 9, 2}, nil},
		{"1405/09/02", Date{1405, 9, 2}, nil},
		{"۱۴۰۵/۰۹/۰۲", Date{1405, 9, 2}, nil},
		{"١٤٠٥-٠٩-٠٢", Date{1405, 9, 2}, nil},
		{" \u200f۱۴۰۵/۹/۲\u200e ", Date{1405, 9, 2}, nil},
		{"1403/12/30", Date{1403, 12, 30}, nil},
		{"0001-01-01", Date{1, 1, 1}, nil},
		{"1404/12/30", Date{}, ErrDayRange},
		{"1404/7/31", Date{}, ErrDayRange},
		{"1404/1/0", Date{}, ErrDayRange},
		{"1404/13/1", Date{}, ErrMonthRange},
		{"1404/00/10", Date{}, ErrMonthRange},
		{"0000/01/01", Date{}, ErrYearRange},
		{"3178/01/01", Date{}, ErrYearRange},
		{"", Date{}, ErrFormat},
		{"1405", Date{}, ErrFormat},
		{"1405-09/02", Date{}, ErrFormat},
		{"05/09/02", Date{}, ErrFormat},
		{"1405/009/02", Date{}, ErrFormat},
		{"1405/9/2/1", Date{}, ErrFormat},
		{"1405/+9/2", Date{}, ErrFormat},
		{"1405//2", Date{}, ErrFormat},
		{"1405 / 9 / 2", Date{}, ErrFormat},
		{"۲ آذر ۱۴۰۵", Date{}, ErrFormat},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.err == nil {
			if err != nil || got != tt.want {
				t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			continue
		}
		var pe *ParseError
		if !errors.Is(err, tt.err) || !errors.As(err, &pe) || pe.Input != tt.in || got != (Date{}) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.err)
		}
	}
}

func TestParseErrorMessages(t *testing.T) {
	for _, reason := range []error{ErrFormat, ErrYearRange, ErrMonthRange, ErrDayRange} {
		e := &ParseError{Input: "x", Err: reason}
		if !strings.HasSuffix(e.MessageEn(), ".") || !strings.HasSuffix(e.MessageFa(), ".") {
			t.Errorf("%v: messages are not sentences", reason)
		}
		if strings.ContainsAny(e.MessageFa(), "0123456789") {
			t.Errorf("%v: Persian message has ASCII digits: %q", reason, e.MessageFa())
		}
		if !strings.HasPrefix(e.Error(), `jalali: parse "x": `) {
			t.Errorf("Error() = %q", e.Error())
		}
	}
}

// FuzzParse checks that Parse never panics, that what it accepts is Valid,
// and that the accepted date reads back from its own String and FormatFa.
// The seed corpus lives in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add("1405-09-02")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.MessageEn() == "" || d != (Date{}) {
				t.Fatalf("Parse(%q) = %v, %v", s, d, err)
			}
			return
		}
		if !d.Valid() {
			t.Fatalf("Parse(%q) = %v, which is not Valid", s, d)
		}
		for _, out := range []string{d.String(), FormatFa(d)} {
			if back, err := Parse(out); err != nil || back != d {
				t.Fatalf("Parse(%q) = %v, but Parse(%q) = %v, %v", s, d, out, back, err)
			}
		}
		gy, gm, gd := d.Gregorian()
		if back := FromGregorian(gy, gm, gd); back != d {
			t.Fatalf("%v -> %d-%d-%d -> %v", d, gy, gm, gd, back)
		}
	})
}
