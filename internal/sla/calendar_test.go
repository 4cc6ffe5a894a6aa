package sla

import (
	"testing"
	"time"

	"github.com/itoir/miz/internal/jalali"
)

func TestWorkingSecondsNationalWeek(t *testing.T) {
	cal := NationalDefault()
	tests := []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"inside one morning", at(2025, 11, 22, 8, 0), at(2025, 11, 22, 10, 30), 150 * time.Minute},
		{"before opening to after closing", at(2025, 11, 22, 6, 0), at(2025, 11, 22, 20, 0), 7 * time.Hour},
		{"evening to next morning", at(2025, 11, 22, 14, 0), at(2025, 11, 23, 8, 0), 60 * time.Minute},
		{"whole working week", at(2025, 11, 22, 0, 0), at(2025, 11, 29, 0, 0), 35 * time.Hour},
		{"Thursday and Friday closed", at(2025, 11, 27, 0, 0), at(2025, 11, 29, 0, 0), 0},
		{"Wednesday noon to Saturday noon", at(2025, 11, 26, 12, 0), at(2025, 11, 29, 12, 0), 2*time.Hour + 30*time.Minute + 4*time.Hour + 30*time.Minute},
		{"reversed span", at(2025, 11, 23, 8, 0), at(2025, 11, 22, 8, 0), 0},
		{"a year", at(2025, 3, 21, 0, 0), at(2026, 3, 21, 0, 0), 260 * 7 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.WorkingSeconds(tt.from, tt.to); got != int64(tt.want/time.Second) {
				t.Errorf("WorkingSeconds = %v, want %v", time.Duration(got)*time.Second, tt.want)
			}
		})
	}
}

func TestDeadlineAcrossWeekendAndHoliday(t *testing.T) {
	// Saturday 2025-11-29 is a holiday; Thursday and Friday are closed.
	cal := mustNew(t, nationalConfig(Holiday{Date: Date{2025, 11, 29}, NameEn: "test holiday"}))
	tests := []struct {
		name   string
		start  time.Time
		budget Budget
		want   time.Time
	}{
		{"one business day from Wednesday noon", at(2025, 11, 26, 12, 0), Budget{1, BusinessDays}, at(2025, 11, 30, 12, 0)},
		{"deadline ends at closing, not next opening", at(2025, 11, 22, 7, 30), Budget{1, BusinessDays}, at(2025, 11, 22, 14, 30)},
		{"submitted on Friday", at(2025, 11, 28, 9, 0), Budget{2, BusinessHours}, at(2025, 11, 30, 9, 30)},
		{"five business days", at(2025, 11, 22, 7, 30), Budget{5, BusinessDays}, at(2025, 11, 26, 14, 30)},
		{"six business days skip the holiday", at(2025, 11, 22, 7, 30), Budget{6, BusinessDays}, at(2025, 11, 30, 14, 30)},
		{"hours ignore the calendar", at(2025, 11, 28, 9, 0), Budget{4, Hours}, at(2025, 11, 28, 13, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Deadline(tt.start, tt.budget, cal); !got.Equal(tt.want) {
				t.Errorf("Deadline = %v, want %v", got.In(jalali.Tehran()), tt.want)
			}
			if got := Deadline(tt.start, tt.budget, cal); got.Location() != time.UTC {
				t.Errorf("Deadline location = %v, want UTC", got.Location())
			}
		})
	}
}

func TestPartialClosureForAirPollution(t *testing.T) {
	// Offices close from 10:00 on Sunday 2025-11-23.
	cal := mustNew(t, nationalConfig(Holiday{Date: Date{2025, 11, 23}, NameEn: "air pollution", Closed: hm(10, 0, 24, 0)}))
	if got, want := cal.WorkingSeconds(at(2025, 11, 23, 0, 0), at(2025, 11, 24, 0, 0)), int64(150*60); got != want {
		t.Errorf("working time on the closure day = %ds, want %ds", got, want)
	}
	if got, want := cal.AddWorking(at(2025, 11, 23, 9, 0), 3600), at(2025, 11, 23, 10, 0); !got.Equal(want) {
		t.Errorf("AddWorking up to the closure = %v, want %v", got.In(jalali.Tehran()), want)
	}
	if got, want := cal.AddWorking(at(2025, 11, 23, 9, 0), 2*3600), at(2025, 11, 24, 8, 30); !got.Equal(want) {
		t.Errorf("AddWorking = %v, want %v", got.In(jalali.Tehran()), want)
	}
	if cal.IsOpen(at(2025, 11, 23, 10, 0)) || !cal.IsOpen(at(2025, 11, 23, 9, 59)) {
		t.Error("IsOpen disagrees with the closure from 10:00")
	}
}

func TestThursdayClosedProvinceOverride(t *testing.T) {
	thursdayOpen := NationalWeek()
	thursdayOpen[time.Thursday] = []Span{hm(7, 30, 12, 30)}
	cal := mustNew(t, Config{
		DayLength: 7 * time.Hour,
		Week:      NationalWeek(),
		Provinces: map[string]Week{"KHR": thursdayOpen},
		Holidays: []Holiday{
			{Date: Date{2025, 11, 22}, NameEn: "national"},
			{Date: Date{2025, 11, 23}, NameEn: "Khorasan only", Province: "KHR"},
			{Date: Date{2025, 11, 24}, NameEn: "Fars only", Province: "FAR"},
		},
	})
	week := func(c *Calendar) time.Duration {
		return time.Duration(c.WorkingSeconds(at(2025, 11, 22, 0, 0), at(2025, 11, 29, 0, 0))) * time.Second
	}
	tests := []struct {
		province string
		want     time.Duration
	}{
		{"", 28 * time.Hour},
		{"KHR", 21*time.Hour + 5*time.Hour},
		{"FAR", 21 * time.Hour},
		{"unknown", 28 * time.Hour},
	}
	for _, tt := range tests {
		c := cal.ForProvince(tt.province)
		if got := week(c); got != tt.want {
			t.Errorf("province %q: week = %v, want %v", tt.province, got, tt.want)
		}
	}
	if cal.ForProvince("KHR").ForProvince("") != cal || cal.ForProvince("KHR").ForProvince("FAR") != cal.ForProvince("FAR") {
		t.Error("ForProvince from a province calendar does not reach its siblings")
	}
	if got := cal.ForProvince("KHR").Province(); got != "KHR" {
		t.Errorf("Province() = %q, want KHR", got)
	}
}

func TestHistoricDST(t *testing.T) {
	// Tehran moved to +0430 at 00:00 on 2021-03-22; working hours stay
	// 07:30–14:30 on the wall clock, and each day still holds 7 real hours.
	cal := mustNew(t, Config{DayLength: 7 * time.Hour, Week: Week{time.Sunday: {hm(7, 30, 14, 30)}, time.Monday: {hm(7, 30, 14, 30)}}})
	from := time.Date(2021, 3, 21, 4, 0, 0, 0, time.UTC) // 07:30 +0330
	to := time.Date(2021, 3, 22, 10, 0, 0, 0, time.UTC)  // 14:30 +0430
	if got := cal.WorkingSeconds(from, to); got != 14*3600 {
		t.Errorf("WorkingSeconds across the change = %v, want 14h", time.Duration(got)*time.Second)
	}
	if got := cal.AddWorking(from, 14*3600); !got.Equal(to) {
		t.Errorf("AddWorking across the change = %v, want %v", got, to)
	}

	// Where a change falls inside working hours, the real elapsed time
	// counts: Sunday 2021-03-14 in New York lasted 23 hours.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	allDay := mustNew(t, Config{Location: ny, DayLength: 24 * time.Hour, Week: Week{time.Sunday: {hm(0, 0, 24, 0)}}})
	day := time.Date(2021, 3, 14, 0, 0, 0, 0, ny)
	if got := allDay.WorkingSeconds(day, day.AddDate(0, 0, 1)); got != 23*3600 {
		t.Errorf("New York spring-forward Sunday = %v, want 23h", time.Duration(got)*time.Second)
	}
	fall := time.Date(2021, 11, 7, 0, 0, 0, 0, ny)
	if got := allDay.WorkingSeconds(fall, fall.AddDate(0, 0, 1)); got != 25*3600 {
		t.Errorf("New York fall-back Sunday = %v, want 25h", time.Duration(got)*time.Second)
	}
	if got, want := allDay.AddWorking(fall, 25*3600), fall.AddDate(0, 0, 1); !got.Equal(want) {
		t.Errorf("AddWorking over fall-back Sunday = %v, want %v", got, want)
	}
}

func TestAlwaysOpenMinutes(t *testing.T) {
	cal := AlwaysOpen()
	from := at(2025, 11, 28, 23, 50) // a Friday night
	if got := cal.WorkingSeconds(from, from.Add(90*time.Minute)); got != 90*60 {
		t.Errorf("WorkingSeconds = %d, want %d", got, 90*60)
	}
	b := Budget{30, Minutes}
	if b.Calendar(NationalDefault()) == nil || !b.Calendar(NationalDefault()).IsAlwaysOpen() {
		t.Fatal("a budget in minutes must be counted on the 24×7 calendar")
	}
	if got, want := Deadline(from, b, NationalDefault()), from.Add(30*time.Minute); !got.Equal(want) {
		t.Errorf("Deadline = %v, want %v", got, want)
	}
	if cal.ForProvince("KHR") != cal {
		t.Error("AlwaysOpen().ForProvince must return the same calendar")
	}
}

func TestBudgetSeconds(t *testing.T) {
	half := mustNew(t, Config{DayLength: 7*time.Hour + 30*time.Minute, Week: NationalWeek()})
	tests := []struct {
		b    Budget
		want int64
	}{
		{Budget{3, BusinessDays}, 3 * 7 * 3600},
		{Budget{5, BusinessHours}, 5 * 3600},
		{Budget{2, Hours}, 2 * 3600},
		{Budget{45, Minutes}, 45 * 60},
		{Budget{3, "weeks"}, 0},
	}
	for _, tt := range tests {
		if got := tt.b.Seconds(NationalDefault()); got != tt.want {
			t.Errorf("%v.Seconds = %d, want %d", tt.b, got, tt.want)
		}
	}
	if got := (Budget{2, BusinessDays}).Seconds(half); got != 15*3600 {
		t.Errorf("two 7.5-hour days = %d, want %d", got, 15*3600)
	}
	if err := (Budget{0, BusinessDays}).Validate(); err == nil {
		t.Error("Validate accepted a zero budget")
	}
	if err := (Budget{1, "weeks"}).Validate(); err == nil {
		t.Error("Validate accepted an unknown unit")
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	tests := map[string]Config{
		"no day length":    {Week: NationalWeek()},
		"no working hours": {DayLength: 7 * time.Hour},
		"reversed span":    {DayLength: time.Hour, Week: Week{time.Monday: {hm(14, 0, 8, 0)}}},
		"span past 24:00":  {DayLength: time.Hour, Week: Week{time.Monday: {{Start: 600, End: 1500}}}},
		"bad holiday date": nationalConfig(Holiday{Date: Date{2025, 2, 30}}),
		"bad closure":      nationalConfig(Holiday{Date: Date{2025, 2, 3}, Closed: hm(12, 0, 10, 0)}),
		"bad province week": {DayLength: time.Hour, Week: NationalWeek(),
			Provinces: map[string]Week{"X": {time.Monday: {hm(9, 0, 9, 0)}}}},
	}
	for name, cfg := range tests {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}

func TestOverlappingSpansMerge(t *testing.T) {
	cal := mustNew(t, Config{DayLength: time.Hour, Week: Week{time.Monday: {hm(10, 0, 12, 0), hm(8, 0, 11, 0), hm(13, 0, 14, 0)}}})
	if got := cal.WorkingSeconds(at(2025, 11, 24, 0, 0), at(2025, 11, 25, 0, 0)); got != 5*3600 {
		t.Errorf("Monday = %v, want 5h", time.Duration(got)*time.Second)
	}
}
