package sla

import (
	"testing"
	"time"

	"github.com/itoir/miz/internal/jalali"
)

// benchConfig is the national week with about 26 holidays a year for
// 2024–2027 and a few partial closures, about what production will hold.
func benchConfig() Config {
	cfg := nationalConfig()
	for y := 2024; y <= 2027; y++ {
		for _, md := range [][2]int{{3, 20}, {3, 21}, {3, 22}, {3, 23}, {3, 24}, {4, 1}, {4, 2}, {6, 4}, {2, 11}, {3, 19}} {
			cfg.Holidays = append(cfg.Holidays, Holiday{Date: Date{y, time.Month(md[0]), md[1]}, NameEn: "fixed"})
		}
		for k := range 16 { // lunar holidays drift; spread them over the year
			d := time.Date(y, 1, 7+22*k, 0, 0, 0, 0, time.UTC)
			cfg.Holidays = append(cfg.Holidays, Holiday{Date: Date{d.Year(), d.Month(), d.Day()}, NameEn: "lunar"})
		}
		cfg.Holidays = append(cfg.Holidays, Holiday{Date: Date{y, 12, 14}, NameEn: "air pollution", Closed: hm(10, 0, 24, 0)})
	}
	return cfg
}

// minuteScan is the naive baseline: a date-indexed holiday table, scanned
// minute by minute in local time.
type minuteScan struct {
	week   Week
	closed map[Date][]Span
}

func newMinuteScan(cfg Config) *minuteScan {
	m := &minuteScan{week: cfg.Week, closed: map[Date][]Span{}}
	for _, h := range cfg.Holidays {
		s := h.Closed
		if s == (Span{}) {
			s = hm(0, 0, 24, 0)
		}
		m.closed[h.Date] = append(m.closed[h.Date], s)
	}
	return m
}

func (m *minuteScan) open(t time.Time) bool {
	lt := t.In(jalali.Tehran())
	mod := lt.Hour()*60 + lt.Minute()
	y, mo, d := lt.Date()
	for _, s := range m.closed[Date{y, mo, d}] {
		if s.Start <= mod && mod < s.End {
			return false
		}
	}
	for _, s := range m.week[lt.Weekday()] {
		if s.Start <= mod && mod < s.End {
			return true
		}
	}
	return false
}

func (m *minuteScan) addWorking(from time.Time, seconds int64) time.Time {
	t := from
	for ; seconds > 0; t = t.Add(time.Minute) {
		if m.open(t) {
			seconds -= 60
		}
	}
	return t
}

func (m *minuteScan) workingSeconds(from, to time.Time) int64 {
	var n int64
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		if m.open(t) {
			n += 60
		}
	}
	return n
}

var benchStart = time.Date(2025, 3, 10, 6, 17, 0, 0, time.UTC)

func BenchmarkDeadline30BusinessDays(b *testing.B) {
	cal := mustNew(b, benchConfig())
	budget := Budget{30, BusinessDays}
	want := newMinuteScan(benchConfig()).addWorking(benchStart, budget.Seconds(cal))
	for b.Loop() {
		if got := Deadline(benchStart, budget, cal); !got.Equal(want) {
			b.Fatalf("Deadline = %v, minute scan %v", got, want)
		}
	}
}

func BenchmarkDeadline30BusinessDaysNaiveMinuteScan(b *testing.B) {
	naive := newMinuteScan(benchConfig())
	for b.Loop() {
		naive.addWorking(benchStart, 30*7*3600)
	}
}

func BenchmarkWorkingSecondsOneYear(b *testing.B) {
	cal := mustNew(b, benchConfig())
	for b.Loop() {
		cal.WorkingSeconds(benchStart, benchStart.AddDate(1, 0, 0))
	}
}

func BenchmarkWorkingSecondsOneYearNaiveMinuteScan(b *testing.B) {
	naive := newMinuteScan(benchConfig())
	for b.Loop() {
		naive.workingSeconds(benchStart, benchStart.AddDate(1, 0, 0))
	}
}

// pausedCase returns a case submitted at start and returned to the
// applicant four times: ten events in all.
func pausedCase(start time.Time) []Event {
	hist := []Event{{At: start.Add(-time.Hour), Holder: HolderApplicant, Reason: "draft"}, {At: start, Holder: HolderOrganization}}
	t := start
	for range 4 {
		t = t.Add(26 * time.Hour)
		hist = append(hist, Event{At: t, Holder: HolderApplicant, Reason: "missing documents"})
		t = t.Add(50 * time.Hour)
		hist = append(hist, Event{At: t, Holder: HolderOrganization, Resubmission: true})
	}
	return hist
}

func BenchmarkCompute(b *testing.B) {
	cal := mustNew(b, benchConfig())
	hist := pausedCase(benchStart)
	now := benchStart.AddDate(0, 0, 20)
	for b.Loop() {
		s := Compute(hist, Budget{30, BusinessDays}, cal, Resume, now)
		NextMilestones(s, nil)
	}
}

func BenchmarkRecomputeOpenCases(b *testing.B) {
	national := mustNew(b, benchConfig())
	cases := make([][]Event, 10000)
	for i := range cases {
		cases[i] = pausedCase(benchStart.Add(time.Duration(i) * 17 * time.Minute))
	}
	now := benchStart.AddDate(0, 6, 0)
	budgets := []Budget{{10, BusinessDays}, {30, BusinessDays}, {8, BusinessHours}, {4, Hours}}
	for b.Loop() {
		for i, hist := range cases {
			s := Compute(hist, budgets[i%len(budgets)], national, Resume, now)
			NextMilestones(s, nil)
		}
	}
}
