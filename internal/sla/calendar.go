package sla

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/itoir/miz/internal/jalali"
)

const (
	minutesPerDay = 24 * 60
	secondsPerDay = 24 * 60 * 60
)

// Week gives the working hours of each weekday, indexed by time.Weekday
// (time.Sunday is 0, time.Saturday is 6); a day without spans is closed.
type Week [7][]Span

// Config is the data a Calendar is built from, as an administrator edits it.
type Config struct {
	// Location is where working hours are read; nil means Asia/Tehran.
	Location *time.Location
	// DayLength is the standard working day, the length of one business
	// day in a budget (SLA-CLOCK rule 4), e.g. 7h.
	DayLength time.Duration
	// Week is the national working week.
	Week Week
	// Provinces maps a province code to its own working week, e.g. one
	// whose offices open on Thursday mornings.
	Provinces map[string]Week
	// Holidays lists full-day holidays and partial closures, national or
	// for one province.
	Holidays []Holiday
}

// Calendar answers how much working time lies between two instants and when
// a given amount of working time will have elapsed. A Calendar is immutable
// and safe for concurrent use. Build one with New, NationalDefault or
// AlwaysOpen; the zero Calendar is not usable.
type Calendar struct {
	loc       *time.Location
	province  string
	always    bool
	daySec    int64
	week      [7]daySched
	prefix    [8]int64 // prefix[wd]: working seconds of the week before weekday wd
	weekTotal int64
	exc       []exception // days whose working time differs from the week, by day
	excDays   []int64     // exc[k].day, searched on every call
	excSum    []int64     // excSum[k]: working seconds lost on exc[:k]
	national  *Calendar
	provinces map[string]*Calendar // shared by the national calendar and its provinces
}

// daySched is one day's working spans in seconds after midnight, sorted and
// disjoint, with their total.
type daySched struct {
	spans []secSpan
	total int64
}

type secSpan struct{ start, end int64 }

// exception is a day on which a holiday or closure removes working time.
type exception struct {
	day     int64 // civil days since 1970-01-01
	sched   daySched
	deficit int64
}

// NationalWeek returns the national working week: Saturday to Wednesday
// 07:30–14:30 (7 hours), Thursday and Friday closed. Provinces whose offices
// open on Thursday override it through Config.Provinces.
func NationalWeek() Week {
	var w Week
	for _, d := range []time.Weekday{time.Saturday, time.Sunday, time.Monday, time.Tuesday, time.Wednesday} {
		w[d] = []Span{{Start: 7*60 + 30, End: 14*60 + 30}}
	}
	return w
}

// NationalDefault returns the national calendar without holidays: the
// NationalWeek in Asia/Tehran with a 7-hour business day. Production code
// builds calendars with New so that holidays and provinces are included.
func NationalDefault() *Calendar {
	c, err := New(Config{DayLength: 7 * time.Hour, Week: NationalWeek()})
	if err != nil {
		panic("sla: national default calendar: " + err.Error())
	}
	return c
}

// AlwaysOpen returns the 24×7 calendar on which every second counts, used for
// budgets in calendar hours or minutes such as incident response (SLA-CLOCK
// rule 4). Its business day is 24 hours.
func AlwaysOpen() *Calendar {
	return &Calendar{loc: jalali.Tehran(), always: true, daySec: secondsPerDay}
}

// New builds a calendar from cfg, validating it. The result is the national
// calendar; ForProvince gives each province's.
func New(cfg Config) (*Calendar, error) {
	national, err := build(cfg, "", cfg.Week)
	if err != nil {
		return nil, fmt.Errorf("sla: new calendar: %w", err)
	}
	national.national, national.provinces = national, map[string]*Calendar{}
	codes := map[string]bool{}
	for code := range cfg.Provinces {
		codes[code] = true
	}
	for _, h := range cfg.Holidays {
		if h.Province != "" {
			codes[h.Province] = true
		}
	}
	for code := range codes {
		week := cfg.Week
		if w, ok := cfg.Provinces[code]; ok {
			week = w
		}
		c, err := build(cfg, code, week)
		if err != nil {
			return nil, fmt.Errorf("sla: new calendar: province %s: %w", code, err)
		}
		c.national, c.provinces = national, national.provinces
		national.provinces[code] = c
	}
	return national, nil
}

// ForProvince returns the calendar of the province with the given code: its
// own working week if it has one, national holidays plus its own. A province
// without any data of its own gets the national calendar.
func (c *Calendar) ForProvince(code string) *Calendar {
	if c.always {
		return c
	}
	if p, ok := c.provinces[code]; ok {
		return p
	}
	return c.national
}

// Province returns the province code this calendar belongs to, or "" for the
// national and the 24×7 calendars.
func (c *Calendar) Province() string { return c.province }

// Location returns the location in which working hours are read.
func (c *Calendar) Location() *time.Location { return c.loc }

// DayLength returns the length of one business day on this calendar.
func (c *Calendar) DayLength() time.Duration { return time.Duration(c.daySec) * time.Second }

// IsAlwaysOpen reports whether every second counts on this calendar.
func (c *Calendar) IsAlwaysOpen() bool { return c.always }

// DateOf returns the civil date of t in the calendar's location.
func (c *Calendar) DateOf(t time.Time) Date {
	y, m, d := t.In(c.loc).Date()
	return Date{Year: y, Month: m, Day: d}
}

func build(cfg Config, province string, week Week) (*Calendar, error) {
	c := &Calendar{loc: cfg.Location, province: province}
	if c.loc == nil {
		c.loc = jalali.Tehran()
	}
	if cfg.DayLength < time.Second || cfg.DayLength > 24*time.Hour {
		return nil, fmt.Errorf("day length %v is not between 1s and 24h", cfg.DayLength)
	}
	c.daySec = int64(cfg.DayLength / time.Second)
	for wd, spans := range week {
		sched, err := normalize(spans)
		if err != nil {
			return nil, fmt.Errorf("%v: %w", time.Weekday(wd), err)
		}
		c.week[wd] = sched
		c.prefix[wd+1] = c.prefix[wd] + sched.total
	}
	c.weekTotal = c.prefix[7]
	if c.weekTotal == 0 {
		return nil, errors.New("the week has no working hours")
	}
	return c, c.addHolidays(cfg.Holidays)
}

// normalize validates spans and returns them sorted and merged, in seconds.
func normalize(spans []Span) (daySched, error) {
	sorted := slices.Clone(spans)
	slices.SortFunc(sorted, func(a, b Span) int { return cmp.Compare(a.Start, b.Start) })
	var d daySched
	for _, s := range sorted {
		if !s.valid() {
			return daySched{}, fmt.Errorf("invalid span %v", s)
		}
		ss := secSpan{int64(s.Start) * 60, int64(s.End) * 60}
		if n := len(d.spans); n > 0 && ss.start <= d.spans[n-1].end {
			d.spans[n-1].end = max(d.spans[n-1].end, ss.end)
			continue
		}
		d.spans = append(d.spans, ss)
	}
	for _, s := range d.spans {
		d.total += s.end - s.start
	}
	return d, nil
}

// addHolidays turns the holidays that apply to c into exceptions with
// running sums, so that a day's loss is found by binary search.
func (c *Calendar) addHolidays(hs []Holiday) error {
	closed := map[int64][]secSpan{}
	for _, h := range hs {
		if h.Province != "" && h.Province != c.province {
			continue
		}
		if !h.Date.valid() {
			return fmt.Errorf("holiday %q: invalid date %v", h.NameEn, h.Date)
		}
		cut := secSpan{0, secondsPerDay}
		if h.Closed != (Span{}) {
			if !h.Closed.valid() {
				return fmt.Errorf("holiday %v: invalid closed span %v", h.Date, h.Closed)
			}
			cut = secSpan{int64(h.Closed.Start) * 60, int64(h.Closed.End) * 60}
		}
		day := h.Date.dayNumber()
		closed[day] = append(closed[day], cut)
	}
	for day, cuts := range closed {
		nominal := c.week[weekday(day)]
		left := nominal.spans
		for _, cut := range cuts {
			left = subtract(left, cut)
		}
		sched := daySched{spans: left}
		for _, s := range left {
			sched.total += s.end - s.start
		}
		if sched.total < nominal.total {
			c.exc = append(c.exc, exception{day: day, sched: sched, deficit: nominal.total - sched.total})
		}
	}
	slices.SortFunc(c.exc, func(a, b exception) int { return cmp.Compare(a.day, b.day) })
	c.excSum = make([]int64, len(c.exc)+1)
	c.excDays = make([]int64, len(c.exc))
	for k, e := range c.exc {
		c.excSum[k+1] = c.excSum[k] + e.deficit
		c.excDays[k] = e.day
	}
	return nil
}

// subtract returns spans with cut removed, in a new slice.
func subtract(spans []secSpan, cut secSpan) []secSpan {
	out := make([]secSpan, 0, len(spans)+1)
	for _, s := range spans {
		if cut.end <= s.start || s.end <= cut.start {
			out = append(out, s)
			continue
		}
		if s.start < cut.start {
			out = append(out, secSpan{s.start, cut.start})
		}
		if cut.end < s.end {
			out = append(out, secSpan{cut.end, s.end})
		}
	}
	return out
}
