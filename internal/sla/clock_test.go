package sla

import (
	"slices"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jalali"
)

// testCalendar is the national week with Saturday 2025-11-29 a holiday.
func testCalendar(t testing.TB) *Calendar {
	return mustNew(t, nationalConfig(Holiday{Date: Date{2025, 11, 29}, NameEn: "test holiday"}))
}

// returnedOnce is a case drafted, submitted on Saturday, returned as
// incomplete on Sunday and resubmitted on Tuesday.
var returnedOnce = []Event{
	{At: at(2025, 11, 21, 10, 0), Holder: HolderApplicant, Reason: "draft"},
	{At: at(2025, 11, 22, 8, 0), Holder: HolderOrganization, Reason: "submitted"},
	{At: at(2025, 11, 23, 10, 0), Holder: HolderApplicant, Reason: "missing documents"},
	{At: at(2025, 11, 25, 9, 0), Holder: HolderOrganization, Reason: "resubmitted", Resubmission: true},
}

func hours(h float64) int64 { return int64(h * 3600) }

func TestClockPausesWhileWithApplicant_C41(t *testing.T) {
	cal := testCalendar(t)
	budget := Budget{3, BusinessDays}
	tests := []struct {
		name        string
		now         time.Time
		used        int64
		paused      bool
		pausedSince time.Time
		due         time.Time
		pauses      []Pause
	}{
		{"before the return", at(2025, 11, 22, 12, 0), hours(4), false, time.Time{}, at(2025, 11, 25, 8, 0), nil},
		{"while the applicant completes documents", at(2025, 11, 24, 12, 0), hours(9), true, at(2025, 11, 23, 10, 0), at(2025, 11, 26, 10, 0),
			[]Pause{{From: at(2025, 11, 23, 10, 0).UTC(), Reason: "missing documents"}}},
		{"after resubmission", at(2025, 11, 25, 12, 0), hours(12), false, time.Time{}, at(2025, 11, 26, 14, 0),
			[]Pause{{From: at(2025, 11, 23, 10, 0).UTC(), To: at(2025, 11, 25, 9, 0).UTC(), Reason: "missing documents"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Compute(returnedOnce, budget, cal, Resume, tt.now)
			if !s.Started || !s.StartedAt.Equal(at(2025, 11, 22, 8, 0)) {
				t.Errorf("started %v at %v, want the submission", s.Started, s.StartedAt)
			}
			if s.Used != tt.used || s.Remaining != hours(21)-tt.used || s.Budget != hours(21) {
				t.Errorf("used %d remaining %d of %d, want used %d of %d", s.Used, s.Remaining, s.Budget, tt.used, hours(21))
			}
			if s.Paused != tt.paused || !s.PausedSince.Equal(tt.pausedSince) {
				t.Errorf("paused %v since %v, want %v since %v", s.Paused, s.PausedSince, tt.paused, tt.pausedSince)
			}
			if tt.paused && s.PauseReason != "missing documents" {
				t.Errorf("pause reason %q", s.PauseReason)
			}
			if !s.DueAt.Equal(tt.due) {
				t.Errorf("due %v, want %v", s.DueAt.In(jalali.Tehran()), tt.due)
			}
			if !slices.Equal(s.Pauses, tt.pauses) {
				t.Errorf("pauses %v, want %v", s.Pauses, tt.pauses)
			}
		})
	}
}

func TestClockStartsAtSubmissionNotDraft(t *testing.T) {
	s := Compute(returnedOnce[:1], Budget{3, BusinessDays}, testCalendar(t), Resume, at(2025, 11, 22, 12, 0))
	if s.Started || s.Used != 0 || s.Remaining != hours(21) || !s.DueAt.IsZero() {
		t.Errorf("a draft started the clock: %+v", s)
	}
}

func TestClockSkipsHolidays(t *testing.T) {
	hist := []Event{{At: at(2025, 11, 26, 12, 0), Holder: HolderOrganization}}
	s := Compute(hist, Budget{1, BusinessDays}, testCalendar(t), Resume, at(2025, 11, 30, 13, 0))
	if s.Used != hours(8) || !s.Breached || !s.BreachedAt.Equal(at(2025, 11, 30, 12, 0)) || !s.DueAt.Equal(s.BreachedAt) {
		t.Errorf("used %d, breached %v at %v, due %v; want 8h used, breached at Sunday 12:00", s.Used, s.Breached, s.BreachedAt, s.DueAt)
	}
	if d, h, m := s.OverdueParts(nil); d != 0 || h != 1 || m != 0 {
		t.Errorf("overdue %dd %dh %dm, want 1h", d, h, m)
	}
	if s.Fraction != 8.0/7 {
		t.Errorf("fraction %v, want 8/7", s.Fraction)
	}
}

func TestClockResumesAfterResubmission(t *testing.T) {
	for _, policy := range []OnResubmit{Resume, ""} {
		s := Compute(returnedOnce, Budget{3, BusinessDays}, testCalendar(t), policy, at(2025, 11, 25, 12, 0))
		if s.Used != hours(12) {
			t.Errorf("policy %q: used %v, want 12h carried over", policy, time.Duration(s.Used)*time.Second)
		}
	}
}

func TestClockRestartPolicy(t *testing.T) {
	cal := testCalendar(t)
	s := Compute(returnedOnce, Budget{3, BusinessDays}, cal, Restart, at(2025, 11, 25, 12, 0))
	if s.Used != hours(3) || !s.DueAt.Equal(at(2025, 12, 1, 9, 0)) {
		t.Errorf("used %v due %v, want 3h since resubmission, due Monday 09:00", time.Duration(s.Used)*time.Second, s.DueAt.In(jalali.Tehran()))
	}
	if !s.StartedAt.Equal(at(2025, 11, 22, 8, 0)) {
		t.Errorf("StartedAt moved to %v", s.StartedAt)
	}

	// A restart does not hide a breach that happened before the return.
	s = Compute(returnedOnce, Budget{1, BusinessHours}, cal, Restart, at(2025, 11, 25, 9, 30))
	if s.Breached || s.Used != 1800 || !s.PriorBreachAt.Equal(at(2025, 11, 22, 9, 0)) {
		t.Errorf("breached %v used %d prior breach %v, want a fresh run and the prior breach at Saturday 09:00", s.Breached, s.Used, s.PriorBreachAt)
	}

	// Only a resubmission restarts; an internal hand-over does not.
	hist := append(slices.Clone(returnedOnce[:2]), Event{At: at(2025, 11, 22, 10, 0), Holder: HolderOrganization, Reason: "assigned"})
	if s := Compute(hist, Budget{3, BusinessDays}, cal, Restart, at(2025, 11, 22, 12, 0)); s.Used != hours(4) {
		t.Errorf("hand-over restarted the clock: used %d", s.Used)
	}
}

func TestClockStopsAtTerminalState(t *testing.T) {
	hist := append(slices.Clone(returnedOnce), Event{At: at(2025, 11, 25, 10, 0), Holder: HolderNone, Reason: "delivered"})
	s := Compute(hist, Budget{3, BusinessDays}, testCalendar(t), Resume, at(2025, 12, 20, 12, 0))
	if !s.Stopped || !s.StoppedAt.Equal(at(2025, 11, 25, 10, 0)) || s.Used != hours(10) || !s.DueAt.IsZero() || s.Paused {
		t.Errorf("stopped %v at %v, used %d, due %v; want stopped Tuesday 10:00 with 10h", s.Stopped, s.StoppedAt, s.Used, s.DueAt)
	}
	reopened := append(hist, Event{At: at(2025, 12, 20, 8, 0), Holder: HolderOrganization, Reason: "reopened"})
	if s := Compute(reopened, Budget{3, BusinessDays}, testCalendar(t), Resume, at(2025, 12, 20, 12, 0)); s.Stopped || s.Used != hours(14) {
		t.Errorf("reopened: stopped %v used %d, want running with 14h", s.Stopped, s.Used)
	}
}

func TestClockIgnoresFutureEventsAndClampsDisorder(t *testing.T) {
	hist := []Event{
		{At: at(2025, 11, 22, 8, 0), Holder: HolderOrganization},
		{At: at(2025, 11, 22, 7, 0), Holder: HolderApplicant, Reason: "question"}, // corrected to before its predecessor
		{At: at(2025, 11, 22, 11, 0), Holder: HolderOrganization},
		{At: at(2025, 11, 23, 9, 0), Holder: HolderApplicant, Reason: "payment"}, // after now
	}
	s := Compute(hist, Budget{3, BusinessDays}, testCalendar(t), Resume, at(2025, 11, 22, 12, 0))
	if s.Used != hours(1) || s.Paused || len(s.Pauses) != 1 || !s.Pauses[0].From.Equal(at(2025, 11, 22, 8, 0)) {
		t.Errorf("used %d paused %v pauses %v", s.Used, s.Paused, s.Pauses)
	}
}

func TestClockPauseHistoryKeepsEachReason(t *testing.T) {
	hist := []Event{
		{At: at(2025, 11, 22, 8, 0), Holder: HolderOrganization},
		{At: at(2025, 11, 22, 9, 0), Holder: HolderApplicant, Reason: "payment"},
		{At: at(2025, 11, 22, 10, 0), Holder: HolderApplicant, Reason: "payment"},
		{At: at(2025, 11, 22, 11, 0), Holder: HolderApplicant, Reason: "consent"},
	}
	s := Compute(hist, Budget{3, BusinessDays}, testCalendar(t), Resume, at(2025, 11, 22, 12, 0))
	want := []Pause{
		{From: at(2025, 11, 22, 9, 0).UTC(), To: at(2025, 11, 22, 11, 0).UTC(), Reason: "payment"},
		{From: at(2025, 11, 22, 11, 0).UTC(), Reason: "consent"},
	}
	if !slices.Equal(s.Pauses, want) || !s.PausedSince.Equal(at(2025, 11, 22, 9, 0)) || s.PauseReason != "consent" || s.Used != hours(1) {
		t.Errorf("pauses %v since %v reason %q used %d", s.Pauses, s.PausedSince, s.PauseReason, s.Used)
	}
}

func TestClockIncidentResponseInHours(t *testing.T) {
	// A 4-hour response counts Friday night too (SLA-CLOCK rule 4).
	hist := []Event{
		{At: at(2025, 11, 27, 22, 0), Holder: HolderOrganization, Reason: "incident reported"},
		{At: at(2025, 11, 27, 23, 0), Holder: HolderApplicant, Reason: "access needed (A-4.7)"},
		{At: at(2025, 11, 28, 1, 0), Holder: HolderOrganization},
	}
	s := Compute(hist, Budget{4, Hours}, testCalendar(t), Resume, at(2025, 11, 28, 2, 0))
	if s.Used != hours(2) || !s.DueAt.Equal(at(2025, 11, 28, 4, 0)) {
		t.Errorf("used %d due %v, want 2h used and due 04:00", s.Used, s.DueAt.In(jalali.Tehran()))
	}
	if d, h, m := s.RemainingParts(nil); d != 0 || h != 2 || m != 0 {
		t.Errorf("remaining %dd %dh %dm, want 2h", d, h, m)
	}
}

func TestNextMilestones(t *testing.T) {
	cal := testCalendar(t)
	budget := Budget{10, BusinessHours}
	start := []Event{{At: at(2025, 11, 22, 7, 30), Holder: HolderOrganization}}
	want := func(f float64, when time.Time, passed bool) Milestone {
		if !when.IsZero() {
			when = when.UTC()
		}
		return Milestone{Fraction: f, At: when, Passed: passed}
	}
	tests := []struct {
		name      string
		hist      []Event
		now       time.Time
		fractions []float64
		want      []Milestone
	}{
		{"none passed", start, at(2025, 11, 22, 14, 30), nil, []Milestone{
			want(0.75, at(2025, 11, 23, 8, 0), false), want(0.9, at(2025, 11, 23, 9, 30), false), want(1, at(2025, 11, 23, 10, 30), false)}},
		{"first warning passed", start, at(2025, 11, 23, 9, 0), nil, []Milestone{
			want(0.75, at(2025, 11, 23, 8, 0), true), want(0.9, at(2025, 11, 23, 9, 30), false), want(1, at(2025, 11, 23, 10, 30), false)}},
		{"custom fractions", start, at(2025, 11, 22, 8, 0), []float64{0.5, 2, 1}, []Milestone{
			want(0.5, at(2025, 11, 22, 12, 30), false), want(1, at(2025, 11, 23, 10, 30), false)}},
		{"paused: nothing to schedule", append(slices.Clone(start), Event{At: at(2025, 11, 22, 14, 0), Holder: HolderApplicant}), at(2025, 11, 23, 9, 0), nil, []Milestone{
			want(0.75, time.Time{}, false), want(0.9, time.Time{}, false), want(1, time.Time{}, false)}},
		{"not started", nil, at(2025, 11, 23, 9, 0), []float64{}, []Milestone{want(1, time.Time{}, false)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NextMilestones(Compute(tt.hist, budget, cal, Resume, tt.now), tt.fractions)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestRemainingParts(t *testing.T) {
	cal := NationalDefault()
	tests := []struct {
		remaining int64
		d, h, m   int
	}{
		{hours(19), 2, 5, 0},
		{hours(7), 1, 0, 0},
		{30, 0, 0, 1},
		{hours(7) - 30, 1, 0, 0},
		{hours(2.5) + 61, 0, 2, 32},
		{-hours(1), 0, 0, 0},
	}
	for _, tt := range tests {
		s := Status{Remaining: tt.remaining}
		if d, h, m := s.RemainingParts(cal); d != tt.d || h != tt.h || m != tt.m {
			t.Errorf("RemainingParts(%ds) = %d %d %d, want %d %d %d", tt.remaining, d, h, m, tt.d, tt.h, tt.m)
		}
	}
}
