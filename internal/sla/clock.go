package sla

import "time"

// Holder says who holds a case in a state (SLA-CLOCK rule 1); its values are
// the words a service's process uses.
type Holder string

// The holders of a case. Time counts only while the Organization holds it;
// HolderNone marks a terminal state, which stops the clock.
const (
	HolderOrganization Holder = "organization" // time counts
	HolderApplicant    Holder = "applicant"    // the clock pauses
	HolderNone         Holder = "none"         // terminal: the clock stops
)

// OnResubmit is a catalog's choice of what a resubmission after incomplete
// documents does to the clock (SLA-CLOCK rule 3).
type OnResubmit string

// The resubmission policies. Resume, the default and the one that favours
// the applicant, continues from the time already used; Restart starts again
// from zero. The empty policy means Resume.
const (
	Resume  OnResubmit = "resume"  // continue from the time used
	Restart OnResubmit = "restart" // start again from zero
)

// Event is one entry of a case's state history: from At on, Holder holds the
// case. Reason says why, in words fit for the applicant when the clock
// pauses ("waiting for missing documents"). Resubmission marks the
// applicant's resubmission after the case was returned as incomplete.
type Event struct {
	At           time.Time
	Holder       Holder
	Reason       string
	Resubmission bool
	// State is the process state entered, read by StepClock only.
	State string
}

// Pause is a stretch during which the applicant held the case, shown to the
// applicant in the history of pauses (SLA-CLOCK rule 9). To is zero while
// the pause lasts.
type Pause struct {
	From, To time.Time
	Reason   string
}

// Status is the state of a case's clock at AsOf. Durations are seconds of
// counted time: business seconds on the business calendar, or plain seconds
// for budgets in hours or minutes.
type Status struct {
	// Started is false until the applicant submits; then StartedAt is the
	// submission (SLA-CLOCK rule 2).
	Started   bool
	StartedAt time.Time
	// Used, Budget and Remaining are seconds; Remaining = Budget - Used and
	// is negative once the budget is overrun.
	Used, Budget, Remaining int64
	// Fraction is Used / Budget; it exceeds 1 after a breach.
	Fraction float64
	// Paused is true while the applicant holds the case; PausedSince is
	// when the clock stopped and PauseReason the current reason.
	Paused      bool
	PausedSince time.Time
	PauseReason string
	// Stopped is true once the case reached a terminal state, at StoppedAt.
	Stopped   bool
	StoppedAt time.Time
	// DueAt is when Used would reach Budget if the Organization held the
	// case from AsOf on; while paused it is the deadline as if resumed at
	// AsOf. After a breach it is BreachedAt; it is zero before the start
	// and after a stop.
	DueAt time.Time
	// Breached is true once Used reached Budget, at BreachedAt.
	Breached   bool
	BreachedAt time.Time
	// PriorBreachAt is when a run that a restart discarded had reached its
	// budget, so that a restart never hides a breach; zero if none.
	PriorBreachAt time.Time
	// Pauses is the history of pauses, oldest first.
	Pauses []Pause
	// AsOf is the "now" the status was computed for.
	AsOf time.Time

	cal      *Calendar // the calendar time was counted on
	runStart time.Time // start of the current run (after a restart)
	held     []held    // stretches of the current run held by the Organization
}

// held is a stretch the Organization held the case, with the time used
// before it, kept so that milestones already passed can be dated.
type held struct {
	from, to time.Time
	before   int64
}

// Compute rebuilds a case's clock from its state history (SLA C-4.1,
// SLA-CLOCK rules 1–3, 6, 7). hist is in order; an event dated before its
// predecessor counts as happening at the predecessor's time, and events
// after now are ignored. The clock starts at the first event held by the
// Organization (submission; drafts before it do not count), counts working
// time on budget.Calendar(business) while the Organization holds the case,
// pauses while the applicant does, and stops at a HolderNone state; any
// holder other than organization or applicant counts as none. A later
// event held by the Organization reopens a stopped case.
func Compute(hist []Event, budget Budget, business *Calendar, policy OnResubmit, now time.Time) Status {
	cal := budget.Calendar(business)
	s := Status{Budget: budget.Seconds(business), AsOf: now.UTC(), cal: cal, held: make([]held, 0, len(hist)/2+1)}
	var holder Holder
	var since time.Time
	for _, e := range hist {
		if e.At.After(now) {
			break
		}
		at := e.At
		if at.Before(since) {
			at = since
		}
		if !s.Started {
			if e.Holder == HolderOrganization {
				s.Started, s.StartedAt, s.runStart = true, at.UTC(), at.UTC()
				holder, since = e.Holder, at
			}
			continue
		}
		s.count(holder, since, at)
		next := e.Holder
		if next != HolderOrganization && next != HolderApplicant {
			next = HolderNone
		}
		if e.Resubmission && next == HolderOrganization && policy == Restart {
			s.restart(at)
		}
		s.transfer(holder, next, at, e.Reason)
		holder, since = next, at
	}
	if !s.Started {
		s.Remaining = s.Budget
		return s
	}
	s.count(holder, since, now)
	s.Remaining = s.Budget - s.Used
	if s.Budget > 0 {
		s.Fraction = float64(s.Used) / float64(s.Budget)
	}
	switch {
	case s.Stopped:
	case s.Breached:
		s.DueAt = s.BreachedAt
	default:
		s.DueAt = cal.AddWorking(now, s.Remaining).UTC()
	}
	return s
}

// count adds the working time of [from, to) if the Organization held the case.
func (s *Status) count(holder Holder, from, to time.Time) {
	if holder != HolderOrganization {
		return
	}
	w := s.cal.WorkingSeconds(from, to)
	if w <= 0 {
		return
	}
	s.held = append(s.held, held{from: from, to: to, before: s.Used})
	if !s.Breached && s.Used < s.Budget && s.Used+w >= s.Budget {
		s.Breached, s.BreachedAt = true, s.cal.AddWorking(from, s.Budget-s.Used)
	}
	s.Used += w
}

// restart discards the current run (SLA-CLOCK rule 3, on_resubmit: restart).
func (s *Status) restart(at time.Time) {
	if s.Breached && s.PriorBreachAt.IsZero() {
		s.PriorBreachAt = s.BreachedAt
	}
	s.Used, s.Breached, s.BreachedAt = 0, false, time.Time{}
	s.held = s.held[:0]
	s.runStart = at.UTC()
}

// transfer records pauses and stops as the case changes hands at at.
func (s *Status) transfer(from, to Holder, at time.Time, reason string) {
	at = at.UTC()
	n := len(s.Pauses)
	if from == HolderApplicant && (to != HolderApplicant || reason != s.Pauses[n-1].Reason) {
		s.Pauses[n-1].To = at
	}
	switch to {
	case HolderApplicant:
		if from != HolderApplicant {
			s.PausedSince = at
		}
		if from != HolderApplicant || reason != s.Pauses[n-1].Reason {
			s.Pauses = append(s.Pauses, Pause{From: at, Reason: reason})
		}
		s.Paused, s.PauseReason = true, reason
		s.Stopped, s.StoppedAt = false, time.Time{}
	case HolderNone:
		s.Paused, s.PausedSince, s.PauseReason = false, time.Time{}, ""
		if !s.Stopped {
			s.Stopped, s.StoppedAt = true, at
		}
	default:
		s.Paused, s.PausedSince, s.PauseReason = false, time.Time{}, ""
		s.Stopped, s.StoppedAt = false, time.Time{}
	}
}
