package cases

import (
	"context"
	"fmt"
	"strconv"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// MilestoneJob is the job kind of SLA warnings and breaches (SLA-CLOCK rule 7).
const MilestoneJob = "cases.sla_milestone"

// milestonePayload names a case, the budget fraction and the history length the
// milestone was computed from; a later change of state makes the job stale.
type milestonePayload struct {
	Code     string  `json:"code"`
	Fraction float64 `json:"fraction"`
	Events   int     `json:"events"`
}

// JobTimers schedules milestones as durable jobs (internal/jobs), so warnings and
// breaches fire after a restart too. Wake, if set, wakes the runner on commit.
type JobTimers struct {
	Wake jobs.Waker
}

// Schedule enqueues one job per milestone not yet passed, keyed so that scheduling
// the same milestone twice for the same history (n events long) is a no-op. The
// caller has the history in hand; counting it again here was a query per
// transition (issue 18).
func (j JobTimers) Schedule(ctx context.Context, tx *store.Tx, c *Case, n int, ms []sla.Milestone) error {
	for _, m := range ms {
		key := "cases:sla:" + c.TrackingCode + ":" + strconv.FormatFloat(m.Fraction, 'f', -1, 64) + ":" + strconv.Itoa(n)
		if m.Passed { // a recomputed clock (rule 6) may put a pending milestone in the past
			if err := j.move(ctx, tx, key, tx.Now); err != nil {
				return fmt.Errorf("cases: %s: schedule: %w", c.TrackingCode, err)
			}
			continue
		}
		if m.At.IsZero() {
			continue
		}
		// Reschedule: the same history on a changed calendar moves the queued job.
		opts := []jobs.Option{jobs.At(m.At), jobs.Unique(key), jobs.Reschedule()}
		if j.Wake != nil {
			opts = append(opts, jobs.Wake(j.Wake))
		}
		if _, err := jobs.Enqueue(ctx, tx, MilestoneJob, milestonePayload{Code: c.TrackingCode, Fraction: m.Fraction, Events: n}, opts...); err != nil {
			return fmt.Errorf("cases: %s: schedule: %w", c.TrackingCode, err)
		}
	}
	return nil
}

// Milestone is a warning or breach that has fired for a case.
type Milestone struct {
	Case     *Case
	Fraction float64
	Breach   bool
}

// HandleMilestone is the jobs.Handler of MilestoneJob: it recomputes the clock from
// the history and, if the milestone still stands, records it in the audit log and
// calls notify (e.g. to warn the assignee or escalate a breach to the supervisor) in
// the same transaction. A job made stale by a later change of state does nothing.
func (e *Engine) HandleMilestone(notify func(ctx context.Context, tx *store.Tx, m Milestone) error) jobs.Handler {
	return func(ctx context.Context, job jobs.Job) error {
		var p milestonePayload
		if err := job.Decode(&p); err != nil {
			return jobs.Permanent(err)
		}
		return e.update(ctx, func(tx *store.Tx) error {
			c, err := loadCase(ctx, tx, p.Code)
			if err != nil {
				return jobs.Permanent(err)
			}
			evs, err := loadEvents(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			if len(evs) != p.Events {
				return nil // the state changed since; the new state scheduled its own
			}
			_, k, err := e.process(ctx, c)
			if err != nil {
				return jobs.Permanent(err)
			}
			cal, err := e.calendarFor(ctx, tx, c)
			if err != nil {
				return err
			}
			clk := computeClock(evs, k, cal, tx.Now)
			if clk.Stopped || clk.Paused || clk.Status.Fraction < p.Fraction {
				return nil
			}
			m := Milestone{Case: c, Fraction: p.Fraction, Breach: p.Fraction >= 1}
			action := "case.sla_warning"
			if m.Breach {
				action = "case.sla_breach"
			}
			if err := audit.Record(ctx, tx, "system", action, "case", c.TrackingCode,
				map[string]any{"fraction": p.Fraction, "used_seconds": clk.UsedSeconds, "budget_seconds": clk.BudgetSeconds}); err != nil {
				return err
			}
			if notify == nil {
				return nil
			}
			return notify(ctx, tx, m)
		})
	}
}
