package sla

import (
	"math"
	"time"
)

// StepVisit is one stay of a case in a process state that has a budget of its
// own, such as a CERT incident's first response in 30 minutes: a clock inside
// the case's clock, counted on the calendar of the step's unit (24×7 for
// minutes and hours, working time for business units; SLA-CLOCK rule 4).
//
// Leaving a budgeted state and entering it again does not start its budget
// afresh: the new visit carries on the time the earlier ones used (Continued),
// as the case clock resumes after incomplete documents (SLA-CLOCK rule 3, whose
// default favours the applicant). Otherwise a step target could be met by
// sending the case away and back. Only where the kind's policy is restart does
// a resubmission start the step's budget again from zero, as it does the case's.
// A step of several visits is one target: its outcome is that of its last visit.
type StepVisit struct {
	// State is the budgeted state and Budget its published budget.
	State  string
	Budget Budget
	// Index is the position in the history of the event that entered the
	// state; with the case it names the visit (e.g. in job keys).
	Index int
	// EnteredAt is when the visit began; LeftAt is zero while it lasts.
	EnteredAt, LeftAt time.Time
	// Continued is true when the visit carries on time used by earlier visits.
	Continued bool
	// Spent is the counted time of this visit alone, in seconds.
	Spent int64
	// Used, BudgetSeconds and Remaining are the step's counted seconds up to
	// LeftAt (or AsOf while the visit lasts); Remaining is negative once the
	// budget is overrun.
	Used, BudgetSeconds, Remaining int64
	// DueAt is when the budget runs out, or ran out, during this visit
	// if the case stays; it is the earlier breach for a visit that began late.
	DueAt time.Time
	// Milestones are the warnings and the breach, by the case clock's rule
	// (the kind's warning fractions, then 1): passed ones dated, future ones
	// dated only while the visit lasts.
	Milestones []Milestone
	// Breached is true once Used reached the budget, at BreachedAt.
	Breached   bool
	BreachedAt time.Time
	// Met is true when the case left the state before the budget ran out.
	Met bool
	// AsOf is the "now" of the computation.
	AsOf time.Time

	cal *Calendar
}

// Open reports whether the case is still in the visit's state.
func (v StepVisit) Open() bool { return v.LeftAt.IsZero() }

// Business reports whether the step counts business time only.
func (v StepVisit) Business() bool { return v.Budget.Unit.IsBusiness() }

// RemainingParts splits the remaining time of the step into days of its
// calendar's day, hours and minutes, as Status.RemainingParts does.
func (v StepVisit) RemainingParts() (days, hours, minutes int) {
	return splitParts(v.cal, max(v.Remaining, 0))
}

// OverdueParts splits the time by which the step overran its budget.
func (v StepVisit) OverdueParts() (days, hours, minutes int) {
	return splitParts(v.cal, max(-v.Remaining, 0))
}

// stepRun is the running total of one budgeted state across its visits.
type stepRun struct {
	used       int64
	breachedAt time.Time
	reached    map[float64]time.Time // when each milestone fraction was reached
}

// StepClock rebuilds the step clocks of a case from its state history (hist
// as for Compute, with State set): one StepVisit per entry into a state named
// in budgets while the Organization holds the case, oldest first. Time counts
// on budget.Calendar(business); fractions are the kind's warning fractions
// (nil means 0.75 and 0.9). Events after now are ignored.
func StepClock(hist []Event, budgets map[string]Budget, business *Calendar, policy OnResubmit, fractions []float64, now time.Time) []StepVisit {
	if len(budgets) == 0 {
		return nil
	}
	fs := milestoneFractions(fractions)
	runs := map[string]*stepRun{}
	var out []StepVisit
	open := -1 // index in out of the visit in progress
	var since time.Time
	for i, e := range hist {
		if e.At.After(now) {
			break
		}
		at := e.At
		if at.Before(since) {
			at = since
		}
		since = at
		if open >= 0 {
			out[open] = closeVisit(out[open], runs[out[open].State], fs, at, false)
			open = -1
		}
		b, ok := budgets[e.State]
		if !ok || e.Holder != HolderOrganization || b.Validate() != nil {
			continue
		}
		r := runs[e.State]
		continued := r != nil && !(e.Resubmission && policy == Restart)
		if !continued {
			r = &stepRun{reached: map[float64]time.Time{}}
			runs[e.State] = r
		}
		cal := b.Calendar(business)
		out = append(out, StepVisit{State: e.State, Budget: b, Index: i, EnteredAt: at.UTC(), Continued: continued,
			BudgetSeconds: b.Seconds(business), AsOf: now.UTC(), cal: cal})
		open = len(out) - 1
	}
	if open >= 0 {
		out[open] = closeVisit(out[open], runs[out[open].State], fs, now, true)
	}
	return out
}

// closeVisit counts a visit up to end (now, if it lasts) and records on its run
// the time used and the milestones reached.
func closeVisit(v StepVisit, r *stepRun, fs []float64, end time.Time, lasts bool) StepVisit {
	before, bs := r.used, v.BudgetSeconds
	v.Spent = v.cal.WorkingSeconds(v.EnteredAt, end)
	v.Used = before + v.Spent
	v.Remaining = bs - v.Used
	if before < bs {
		v.DueAt = v.cal.AddWorking(v.EnteredAt, bs-before).UTC()
	} else {
		v.DueAt = r.breachedAt
	}
	v.Milestones = make([]Milestone, len(fs))
	for i, f := range fs {
		target := int64(math.Ceil(f * float64(bs)))
		m := Milestone{Fraction: f}
		switch {
		case target <= before:
			m.Passed, m.At = true, r.reached[f]
		case target <= v.Used:
			m.Passed, m.At = true, v.cal.AddWorking(v.EnteredAt, target-before).UTC()
			r.reached[f] = m.At
		case lasts:
			m.At = v.cal.AddWorking(v.EnteredAt, target-before).UTC()
		}
		v.Milestones[i] = m
	}
	if v.Used >= bs {
		v.Breached, v.BreachedAt = true, v.DueAt
		if r.breachedAt.IsZero() {
			r.breachedAt = v.DueAt
		}
	}
	if !lasts {
		v.LeftAt = end.UTC()
		v.Met = !v.Breached
	}
	r.used = v.Used
	return v
}

// CurrentStep returns the visit in progress, if the case is in a budgeted state.
func CurrentStep(visits []StepVisit) (StepVisit, bool) {
	if n := len(visits); n > 0 && visits[n-1].Open() {
		return visits[n-1], true
	}
	return StepVisit{}, false
}

// Final reports whether visits[i] decides its step's outcome: no later visit
// of the same state carries its time on.
func Final(visits []StepVisit, i int) bool {
	for _, v := range visits[i+1:] {
		if v.State == visits[i].State {
			return !v.Continued
		}
	}
	return true
}
