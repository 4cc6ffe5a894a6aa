package sla

import (
	"math"
	"slices"
	"time"
)

// Milestone is the instant a case's clock reaches a fraction of its budget:
// a warning (default 75% and 90%) or the breach at 1 (SLA-CLOCK rule 7).
type Milestone struct {
	// Fraction is the share of the budget, in (0, 1].
	Fraction float64
	// At is when the fraction is or was reached. For a fraction not yet
	// reached, At is zero unless the Organization holds the case: a paused
	// or stopped clock has nothing to schedule until it runs again.
	At time.Time
	// Passed is true if the fraction was reached by the status's AsOf.
	Passed bool
}

// NextMilestones returns the milestones of s for the warning fractions
// (nil means 0.75 and 0.9) and the breach at 1, in ascending order, so that a
// job scheduler can enqueue the ones not passed. Fractions outside (0, 1] are
// ignored. After a status change, recompute and reschedule.
func NextMilestones(s Status, fractions []float64) []Milestone {
	fs := milestoneFractions(fractions)
	running := s.Started && !s.Paused && !s.Stopped && s.cal != nil
	out := make([]Milestone, len(fs))
	for i, f := range fs {
		out[i].Fraction = f
		if !s.Started || s.cal == nil {
			continue
		}
		target := int64(math.Ceil(f * float64(s.Budget)))
		switch {
		case target <= s.Used:
			out[i].Passed, out[i].At = true, s.reachedAt(target)
		case running:
			out[i].At = s.cal.AddWorking(s.AsOf, target-s.Used)
		}
	}
	return out
}

// milestoneFractions is the sorted set of the warning fractions (nil means 0.75
// and 0.9) in (0, 1] and the breach at 1; the case clock and the step clocks
// warn by the same rule.
func milestoneFractions(fractions []float64) []float64 {
	if fractions == nil {
		fractions = []float64{0.75, 0.9}
	}
	fs := []float64{1}
	for _, f := range fractions {
		if f > 0 && f <= 1 {
			fs = append(fs, f)
		}
	}
	slices.Sort(fs)
	return slices.Compact(fs)
}

// reachedAt returns when the current run had used target seconds.
func (s Status) reachedAt(target int64) time.Time {
	for _, h := range s.held {
		if w := s.cal.WorkingSeconds(h.from, h.to); target <= h.before+w {
			return s.cal.AddWorking(h.from, target-h.before).UTC()
		}
	}
	return s.runStart
}

// RemainingParts splits the remaining time into whole days of cal's
// business day, hours and minutes, for the UI to phrase ("۳ روز و ۲ ساعت
// کاری باقی مانده", SLA-CLOCK rule 9). Pass the calendar the budget is
// counted on, budget.Calendar(business); nil means that calendar. A started
// part of a minute counts as a minute, so the clock never shows zero while
// time remains. It is all zero once the budget is overrun.
func (s Status) RemainingParts(cal *Calendar) (days, hours, minutes int) {
	return s.parts(cal, max(s.Remaining, 0))
}

// OverdueParts splits the time by which the budget is overrun as
// RemainingParts does; it is all zero while time remains.
func (s Status) OverdueParts(cal *Calendar) (days, hours, minutes int) {
	return s.parts(cal, max(-s.Remaining, 0))
}

func (s Status) parts(cal *Calendar, sec int64) (days, hours, minutes int) {
	if cal == nil {
		cal = s.cal
	}
	return splitParts(cal, sec)
}

// splitParts splits sec into whole days of cal's business day (24 hours if
// cal is nil), hours and minutes, a started minute counting as a minute.
func splitParts(cal *Calendar, sec int64) (days, hours, minutes int) {
	day := int64(secondsPerDay)
	if cal != nil {
		day = cal.daySec
	}
	m := (sec + 59) / 60 * 60
	return int(m / day), int(m % day / 3600), int(m % day % 3600 / 60)
}
