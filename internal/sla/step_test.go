package sla

import (
	"testing"
	"time"
)

// incident is a CERT incident drafted, reported at 03:00 and taken at t (issue 14:
// first response within 30 minutes, counted 24×7).
func incident(taken time.Time) []Event {
	h := []Event{
		{At: at(2025, 11, 22, 2, 50), Holder: HolderApplicant, Reason: "draft", State: "draft"},
		{At: at(2025, 11, 22, 3, 0), Holder: HolderOrganization, State: "reported"},
	}
	if !taken.IsZero() {
		h = append(h, Event{At: taken, Holder: HolderOrganization, State: "handling"})
	}
	return h
}

var firstResponse = map[string]Budget{"reported": {30, Minutes}}

func TestStepClockFirstResponse_Issue14(t *testing.T) {
	cal := testCalendar(t)
	tests := []struct {
		name       string
		hist       []Event
		now        time.Time
		spent      int64
		remaining  int64
		open       bool
		met        bool
		breached   bool
		passed     []bool      // 0.75, 0.9, 1
		milestones []time.Time // zero where none is due
	}{
		{"answered in 20 minutes", incident(at(2025, 11, 22, 3, 20)), at(2025, 11, 22, 4, 0), 1200, 600, false, true, false,
			[]bool{false, false, false}, []time.Time{{}, {}, {}}},
		{"waiting 10 minutes", incident(time.Time{}), at(2025, 11, 22, 3, 10), 600, 1200, true, false, false,
			[]bool{false, false, false}, []time.Time{at(2025, 11, 22, 3, 22).Add(30 * time.Second), at(2025, 11, 22, 3, 27), at(2025, 11, 22, 3, 30)}},
		{"waiting 28 minutes, past the warnings", incident(time.Time{}), at(2025, 11, 22, 3, 28), 1680, 120, true, false, false,
			[]bool{true, true, false}, []time.Time{at(2025, 11, 22, 3, 22).Add(30 * time.Second), at(2025, 11, 22, 3, 27), at(2025, 11, 22, 3, 30)}},
		{"unanswered for 40 minutes", incident(time.Time{}), at(2025, 11, 22, 3, 40), 2400, -600, true, false, true,
			[]bool{true, true, true}, []time.Time{at(2025, 11, 22, 3, 22).Add(30 * time.Second), at(2025, 11, 22, 3, 27), at(2025, 11, 22, 3, 30)}},
		{"answered after 45 minutes", incident(at(2025, 11, 22, 3, 45)), at(2025, 11, 22, 5, 0), 2700, -900, false, false, true,
			[]bool{true, true, true}, []time.Time{at(2025, 11, 22, 3, 22).Add(30 * time.Second), at(2025, 11, 22, 3, 27), at(2025, 11, 22, 3, 30)}},
		{"answered at the very deadline is late", incident(at(2025, 11, 22, 3, 30)), at(2025, 11, 22, 5, 0), 1800, 0, false, false, true,
			[]bool{true, true, true}, []time.Time{at(2025, 11, 22, 3, 22).Add(30 * time.Second), at(2025, 11, 22, 3, 27), at(2025, 11, 22, 3, 30)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := StepClock(tt.hist, firstResponse, cal, Resume, nil, tt.now)
			if len(vs) != 1 {
				t.Fatalf("%d visits, want 1: %+v", len(vs), vs)
			}
			v := vs[0]
			if v.State != "reported" || v.Index != 1 || !v.EnteredAt.Equal(at(2025, 11, 22, 3, 0)) || v.Continued {
				t.Errorf("visit %+v, want reported entered at 03:00 by event 1", v)
			}
			if v.Spent != tt.spent || v.Used != tt.spent || v.Remaining != tt.remaining || v.BudgetSeconds != 1800 {
				t.Errorf("spent %d used %d remaining %d of %d, want %d, %d of 1800", v.Spent, v.Used, v.Remaining, v.BudgetSeconds, tt.spent, tt.remaining)
			}
			if v.Open() != tt.open || v.Met != tt.met || v.Breached != tt.breached {
				t.Errorf("open %v met %v breached %v, want %v %v %v", v.Open(), v.Met, v.Breached, tt.open, tt.met, tt.breached)
			}
			if !v.DueAt.Equal(at(2025, 11, 22, 3, 30)) || (tt.breached && !v.BreachedAt.Equal(v.DueAt)) {
				t.Errorf("due %v breached at %v, want 03:30", v.DueAt, v.BreachedAt)
			}
			for i, m := range v.Milestones {
				if m.Passed != tt.passed[i] || !m.At.Equal(tt.milestones[i]) {
					t.Errorf("milestone %v: passed %v at %v, want %v at %v", m.Fraction, m.Passed, m.At, tt.passed[i], tt.milestones[i])
				}
			}
			cur, ok := CurrentStep(vs)
			if ok != tt.open || (ok && cur.Index != v.Index) {
				t.Errorf("current step %v %+v, want %v", ok, cur, tt.open)
			}
			if d, h, m := v.RemainingParts(); tt.remaining > 0 && (d != 0 || h != 0 || m != int(tt.remaining/60)) {
				t.Errorf("remaining parts %d %d %d", d, h, m)
			}
		})
	}
}

// dispatch is a CERT dispatch request returned as incomplete after an hour and
// resubmitted the next day: the decision (2 hours) is one target across visits.
var dispatch = []Event{
	{At: at(2025, 11, 22, 7, 0), Holder: HolderOrganization, State: "requested"},
	{At: at(2025, 11, 22, 8, 0), Holder: HolderApplicant, Reason: "incomplete", State: "incomplete"},
	{At: at(2025, 11, 23, 10, 0), Holder: HolderOrganization, State: "requested", Resubmission: true},
}

func TestStepClockReenteredStateCarriesOnItsBudget_SLAClock3(t *testing.T) {
	cal := testCalendar(t)
	budgets := map[string]Budget{"requested": {2, Hours}}
	tests := []struct {
		name      string
		policy    OnResubmit
		continued bool
		used      int64
		due       time.Time
	}{
		{"resume: the second visit has the hour left", Resume, true, 5400, at(2025, 11, 23, 11, 0)},
		{"restart: the resubmission starts the step again", Restart, false, 1800, at(2025, 11, 23, 12, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := StepClock(dispatch, budgets, cal, tt.policy, []float64{0.8}, at(2025, 11, 23, 10, 30))
			if len(vs) != 2 {
				t.Fatalf("%d visits, want 2", len(vs))
			}
			first, second := vs[0], vs[1]
			if first.Spent != 3600 || !first.Met || first.Open() || !first.LeftAt.Equal(at(2025, 11, 22, 8, 0)) {
				t.Errorf("first visit %+v, want an hour spent and left in time", first)
			}
			if Final(vs, 0) == tt.continued {
				t.Errorf("first visit final = %v with policy %s", Final(vs, 0), tt.policy)
			}
			if !Final(vs, 1) {
				t.Error("the last visit is not final")
			}
			if second.Continued != tt.continued || second.Spent != 1800 || second.Used != tt.used || !second.DueAt.Equal(tt.due) {
				t.Errorf("second visit continued %v spent %d used %d due %v, want %v 1800 %d %v",
					second.Continued, second.Spent, second.Used, second.DueAt, tt.continued, tt.used, tt.due)
			}
			if len(second.Milestones) != 2 || second.Milestones[0].Fraction != 0.8 {
				t.Errorf("milestones %+v, want the kind's 0.8 warning and the breach", second.Milestones)
			}
		})
	}
}

// TestStepClockCountsBusinessTimeForBusinessBudgets_SLAClock4: a step budgeted in
// business days accrues only in working hours, and the holiday on Saturday
// 2025-11-29 does not count.
func TestStepClockCountsBusinessTimeForBusinessBudgets_SLAClock4(t *testing.T) {
	cal := testCalendar(t)
	hist := []Event{{At: at(2025, 11, 26, 13, 30), Holder: HolderOrganization, State: "completeness_check"}}
	vs := StepClock(hist, map[string]Budget{"completeness_check": {1, BusinessDays}}, cal, Resume, nil, at(2025, 11, 30, 9, 30))
	if len(vs) != 1 {
		t.Fatalf("%d visits", len(vs))
	}
	v := vs[0]
	if v.Used != hours(3) || v.BudgetSeconds != hours(7) || !v.DueAt.Equal(at(2025, 11, 30, 13, 30)) || !v.Business() {
		t.Errorf("used %d of %d, due %v, want 3 of 7 hours due Sunday 13:30", v.Used, v.BudgetSeconds, v.DueAt)
	}
	if w := v.Milestones[0]; w.Passed || !w.At.Equal(at(2025, 11, 30, 11, 45)) {
		t.Errorf("75%% warning %+v, want Sunday 11:45", w)
	}
	if d, h, m := v.RemainingParts(); d != 0 || h != 4 || m != 0 {
		t.Errorf("remaining %d d %d h %d m, want 4 hours", d, h, m)
	}
}

func TestStepClockIgnoresUnbudgetedApplicantAndFutureStates(t *testing.T) {
	cal := testCalendar(t)
	budgets := map[string]Budget{"reported": {30, Minutes}, "waiting": {1, Hours}, "bad": {0, Hours}}
	hist := []Event{
		{At: at(2025, 11, 22, 3, 0), Holder: HolderApplicant, State: "waiting"},
		{At: at(2025, 11, 22, 3, 5), Holder: HolderOrganization, State: "bad"},
		{At: at(2025, 11, 22, 3, 10), Holder: HolderOrganization, State: "handling"},
		{At: at(2025, 11, 22, 4, 0), Holder: HolderOrganization, State: "reported"},
	}
	if vs := StepClock(hist, budgets, cal, Resume, nil, at(2025, 11, 22, 3, 50)); len(vs) != 0 {
		t.Errorf("visits %+v, want none", vs)
	}
	if vs := StepClock(hist, nil, cal, Resume, nil, at(2025, 11, 22, 5, 0)); vs != nil {
		t.Errorf("visits without budgets %+v", vs)
	}
	if vs := StepClock(hist, budgets, cal, Resume, nil, at(2025, 11, 22, 5, 0)); len(vs) != 1 || vs[0].Used != 3600 || !vs[0].Breached {
		t.Errorf("visits %+v, want reported breached after an hour", vs)
	}
}
