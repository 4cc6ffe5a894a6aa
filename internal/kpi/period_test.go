package kpi

import (
	"testing"
	"time"

	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
)

func TestParsePeriod(t *testing.T) {
	teh := jalali.Tehran()
	for _, c := range []struct {
		in, text, kind string
		from, to       time.Time
	}{
		// 1 Azar 1405 is 22 November 2026; 1 Dey 1405 is 22 December 2026.
		{"1405-09", "1405-09", "month", time.Date(2026, 11, 22, 0, 0, 0, 0, teh), time.Date(2026, 12, 22, 0, 0, 0, 0, teh)},
		{"۱۴۰۵-۹", "1405-09", "month", time.Date(2026, 11, 22, 0, 0, 0, 0, teh), time.Date(2026, 12, 22, 0, 0, 0, 0, teh)},
		{"1405-q3", "1405-Q3", "quarter", time.Date(2026, 9, 23, 0, 0, 0, 0, teh), time.Date(2026, 12, 22, 0, 0, 0, 0, teh)},
		{"1405", "1405", "year", time.Date(2026, 3, 21, 0, 0, 0, 0, teh), time.Date(2027, 3, 21, 0, 0, 0, 0, teh)},
		{"1405-12", "1405-12", "month", time.Date(2027, 2, 20, 0, 0, 0, 0, teh), time.Date(2027, 3, 21, 0, 0, 0, 0, teh)},
	} {
		p, err := ParsePeriod(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if p.Text != c.text || p.Kind != c.kind || !p.From.Equal(c.from) || !p.To.Equal(c.to) {
			t.Errorf("%s = %+v, want %s %s [%v, %v)", c.in, p, c.text, c.kind, c.from, c.to)
		}
	}
	for _, in := range []string{"", "1405-13", "1405-Q5", "1405-Q", "140", "1405-09-01", "abcd", "1405-", "1405-00"} {
		_, err := ParsePeriod(in)
		if pe := problem.As(err); err == nil || pe.Key != "kpi.period.invalid" || pe.Field != "period" {
			t.Errorf("%q: err = %v", in, err)
		}
	}
}
