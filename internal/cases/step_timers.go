package cases

import (
	"context"
	"fmt"
	"strconv"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// StepMilestoneJob is the job kind of step-target warnings and breaches (issue 14).
const StepMilestoneJob = "cases.step_milestone"

// StepScheduler is implemented by Timers that also keep the step targets' timers;
// JobTimers does.
type StepScheduler interface {
	ScheduleSteps(ctx context.Context, tx *store.Tx, c *Case, visits []sla.StepVisit) error
}

// stepPayload names a case, the visit (by the index of the event that entered the
// state) and the budget fraction of one step milestone.
type stepPayload struct {
	Code     string  `json:"code"`
	State    string  `json:"state"`
	Index    int     `json:"index"`
	Fraction float64 `json:"fraction"`
}

// stepKey is the unique job key of a visit's milestone.
func stepKey(code string, v sla.StepVisit, fraction float64) string {
	return "cases:step:" + code + ":" + strconv.Itoa(v.Index) + ":" + strconv.FormatFloat(fraction, 'f', -1, 64)
}

// scheduleSteps hands the step clocks to the timers, in the transaction that changed
// the case (its transition or a recompute on a changed calendar).
func (e *Engine) scheduleSteps(ctx context.Context, tx *store.Tx, c *Case, k *catalog.CaseKind, evs []Event, cal *sla.Calendar) error {
	s, ok := e.Timers.(StepScheduler)
	if !ok {
		return nil
	}
	visits := computeSteps(evs, k, cal, tx.Now)
	if len(visits) == 0 {
		return nil
	}
	return s.ScheduleSteps(ctx, tx, c, visits)
}

// ScheduleSteps enqueues the warnings and breach of the visit in progress as durable
// jobs (moved, not duplicated, when a recompute shifts them) and cancels those of
// visits that ended: a case that moves on in time is never warned or escalated.
func (j JobTimers) ScheduleSteps(ctx context.Context, tx *store.Tx, c *Case, visits []sla.StepVisit) error {
	var ended []string
	for _, v := range visits {
		for _, m := range v.Milestones {
			key := stepKey(c.TrackingCode, v, m.Fraction)
			switch {
			case !v.Open():
				ended = append(ended, key)
			case m.Passed:
				if err := j.move(ctx, tx, key, tx.Now); err != nil {
					return fmt.Errorf("cases: %s: schedule step: %w", c.TrackingCode, err)
				}
			case !m.At.IsZero():
				opts := []jobs.Option{jobs.At(m.At), jobs.Unique(key), jobs.Reschedule()}
				if j.Wake != nil {
					opts = append(opts, jobs.Wake(j.Wake))
				}
				p := stepPayload{Code: c.TrackingCode, State: v.State, Index: v.Index, Fraction: m.Fraction}
				if _, err := jobs.Enqueue(ctx, tx, StepMilestoneJob, p, opts...); err != nil {
					return fmt.Errorf("cases: %s: schedule step: %w", c.TrackingCode, err)
				}
			}
		}
	}
	if _, err := jobs.Cancel(ctx, tx, ended...); err != nil {
		return fmt.Errorf("cases: %s: cancel step timers: %w", c.TrackingCode, err)
	}
	return nil
}

// StepMilestone is a step-target warning or breach that has fired for a case.
type StepMilestone struct {
	Case *Case
	// State is the budgeted state, StateName its published name.
	State     string
	StateName catalog.Text
	Budget    catalog.Duration
	Fraction  float64
	Breach    bool
}

// HandleStepMilestone is the jobs.Handler of StepMilestoneJob: it rebuilds the step
// clock from the history and, if the case is still in the visit and the fraction is
// reached, records the warning or breach in the audit log and calls notify in the
// same transaction. A job whose visit ended does nothing.
func (e *Engine) HandleStepMilestone(notify func(ctx context.Context, tx *store.Tx, m StepMilestone) error) jobs.Handler {
	return func(ctx context.Context, job jobs.Job) error {
		var p stepPayload
		if err := job.Decode(&p); err != nil {
			return jobs.Permanent(err)
		}
		return e.update(ctx, func(tx *store.Tx) error {
			c, err := loadCase(ctx, tx, p.Code)
			if err != nil {
				return jobs.Permanent(err)
			}
			_, k, err := e.process(ctx, c)
			if err != nil {
				return jobs.Permanent(err)
			}
			evs, err := loadEvents(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			cal, err := e.calendarFor(ctx, tx, c)
			if err != nil {
				return err
			}
			v, ok := sla.CurrentStep(computeSteps(evs, k, cal, tx.Now))
			if !ok || v.Index != p.Index || v.State != p.State {
				return nil // the case left the state since
			}
			reached := false
			for _, m := range v.Milestones {
				reached = reached || (m.Fraction == p.Fraction && m.Passed)
			}
			if !reached {
				return nil
			}
			m := StepMilestone{Case: c, State: v.State, Fraction: p.Fraction, Breach: p.Fraction >= 1}
			if st, ok := k.State(v.State); ok {
				m.StateName = st.Name
				if st.Budget != nil {
					m.Budget = *st.Budget
				}
			}
			action := "case.step_warning"
			if m.Breach {
				action = "case.step_breach"
			}
			if err := audit.Record(ctx, tx, "system", action, "case", c.TrackingCode, map[string]any{"state": v.State,
				"fraction": p.Fraction, "used_seconds": v.Used, "budget_seconds": v.BudgetSeconds}); err != nil {
				return err
			}
			if notify == nil {
				return nil
			}
			return notify(ctx, tx, m)
		})
	}
}
