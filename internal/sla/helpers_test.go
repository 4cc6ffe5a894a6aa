package sla

import (
	"testing"
	"time"

	"github.com/itoir/miz/internal/jalali"
)

// at returns a wall-clock instant in Asia/Tehran.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, jalali.Tehran())
}

// hm builds a span from wall-clock hours and minutes.
func hm(h1, m1, h2, m2 int) Span { return Span{Start: h1*60 + m1, End: h2*60 + m2} }

// nationalConfig is the national week with the given holidays.
func nationalConfig(hs ...Holiday) Config {
	return Config{DayLength: 7 * time.Hour, Week: NationalWeek(), Holidays: hs}
}

func mustNew(t testing.TB, cfg Config) *Calendar {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// openAt is the reference oracle: it reads the configuration directly,
// minute by minute, with no arithmetic shared with the Calendar.
func openAt(cfg Config, province string, t time.Time) bool {
	loc := cfg.Location
	if loc == nil {
		loc = jalali.Tehran()
	}
	lt := t.In(loc)
	week := cfg.Week
	if w, ok := cfg.Provinces[province]; ok {
		week = w
	}
	mod := lt.Hour()*60 + lt.Minute()
	open := false
	for _, s := range week[lt.Weekday()] {
		if s.Start <= mod && mod < s.End {
			open = true
		}
	}
	y, m, d := lt.Date()
	for _, h := range cfg.Holidays {
		if h.Date != (Date{y, m, d}) || (h.Province != "" && h.Province != province) {
			continue
		}
		if h.Closed == (Span{}) || (h.Closed.Start <= mod && mod < h.Closed.End) {
			open = false
		}
	}
	return open
}

// naiveWorkingSeconds scans [from, to) minute by minute; both must fall on
// whole minutes.
func naiveWorkingSeconds(cfg Config, province string, from, to time.Time) int64 {
	var n int64
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		if openAt(cfg, province, t) {
			n += 60
		}
	}
	return n
}

// naiveAddWorking scans minute by minute until seconds (a whole number of
// minutes) of working time have elapsed.
func naiveAddWorking(cfg Config, province string, from time.Time, seconds int64) time.Time {
	t := from
	for seconds > 0 {
		if openAt(cfg, province, t) {
			seconds -= 60
		}
		t = t.Add(time.Minute)
	}
	return t
}
