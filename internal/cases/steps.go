package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// Urgency of a step target, for pages to colour by.
const (
	UrgencyOK       = "ok"       // within the target, no warning yet
	UrgencyWarning  = "warning"  // a warning point of the target has passed
	UrgencyBreached = "breached" // the target was missed
)

// StepTarget is the target of the state a case is in, when the catalog gives that
// state a budget of its own (issue 14: e.g. CERT's first response in 30 minutes),
// as staff see it on the case page, in the queue and in the API.
type StepTarget struct {
	// State is the budgeted state and Name its published name.
	State string
	Name  catalog.Text
	// Budget is the published budget of the state, in its own unit.
	Budget catalog.Duration
	// Business tells whether the budget counts business time only.
	Business  bool
	EnteredAt time.Time
	// DueAt is when the target runs out (or ran out) if the case stays.
	DueAt time.Time
	// UsedSeconds, BudgetSeconds and RemainingSeconds are counted time of the
	// step (over every visit of the state, sla.StepVisit); remaining is negative
	// once overrun.
	UsedSeconds, BudgetSeconds, RemainingSeconds int64
	// Remaining and Overdue split the time left or overrun for plain words.
	RemainingDays, RemainingHours, RemainingMinutes int
	OverdueDays, OverdueHours, OverdueMinutes       int
	// Breached is true once the target was missed; Urgency grades it for colour.
	Breached bool
	Urgency  string
}

// stepBudgets lists the states of a kind that have a budget of their own.
func stepBudgets(k *catalog.CaseKind) map[string]sla.Budget {
	var out map[string]sla.Budget
	for _, s := range k.Process.States {
		if s.Budget == nil {
			continue
		}
		if out == nil {
			out = map[string]sla.Budget{}
		}
		out[s.ID] = sla.Budget{Amount: s.Budget.Amount, Unit: sla.Unit(s.Budget.Unit)}
	}
	return out
}

// computeSteps rebuilds the step clocks of a case from its history, on the rules of
// the case's own clock (the kind's resubmission policy and warning fractions).
func computeSteps(evs []Event, k *catalog.CaseKind, cal *sla.Calendar, now time.Time) []sla.StepVisit {
	budgets := stepBudgets(k)
	if budgets == nil {
		return nil
	}
	return sla.StepClock(clockEvents(evs), budgets, cal, sla.OnResubmit(k.SLA.OnResubmit), k.SLA.Warnings, now)
}

// currentTarget is the target of the state the case is in, or nil if it has none.
func currentTarget(k *catalog.CaseKind, visits []sla.StepVisit) *StepTarget {
	v, ok := sla.CurrentStep(visits)
	if !ok {
		return nil
	}
	st, _ := k.State(v.State)
	t := &StepTarget{State: v.State, Business: v.Business(), EnteredAt: v.EnteredAt, DueAt: v.DueAt,
		UsedSeconds: v.Used, BudgetSeconds: v.BudgetSeconds, RemainingSeconds: v.Remaining,
		Breached: v.Breached, Urgency: UrgencyOK}
	if st != nil {
		t.Name = st.Name
		if st.Budget != nil {
			t.Budget = *st.Budget
		}
	}
	t.RemainingDays, t.RemainingHours, t.RemainingMinutes = v.RemainingParts()
	t.OverdueDays, t.OverdueHours, t.OverdueMinutes = v.OverdueParts()
	for _, m := range v.Milestones {
		switch {
		case m.Passed && m.Fraction >= 1:
			t.Urgency = UrgencyBreached
		case m.Passed && t.Urgency == UrgencyOK:
			t.Urgency = UrgencyWarning
		}
	}
	return t
}

// stepTargetsOf fills in the step targets of queue rows whose case is in a budgeted
// state, reading their histories in one query.
func (e *Engine) stepTargetsOf(ctx context.Context, tx *store.Tx, items []QueueItem) error {
	if e.Catalog == nil {
		return nil // an engine without a catalog (a store-level reader) knows no budgets
	}
	kinds := map[int64]*catalog.CaseKind{}
	var ids []any
	for i := range items {
		c := &items[i].Case
		_, k, err := e.process(ctx, c)
		if err != nil {
			return err
		}
		if st, ok := k.State(c.State); ok && st.Budget != nil {
			kinds[c.ID] = k
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	hist, err := loadEventsOf(ctx, tx, ids)
	if err != nil {
		return err
	}
	for i := range items {
		c := &items[i].Case
		k := kinds[c.ID]
		if k == nil {
			continue
		}
		cal, err := e.calendarFor(ctx, tx, c)
		if err != nil {
			return err
		}
		items[i].Step = currentTarget(k, computeSteps(hist[c.ID], k, cal, tx.Now))
	}
	return nil
}

// loadEventsOf reads the histories of several cases, each oldest first.
func loadEventsOf(ctx context.Context, tx *store.Tx, ids []any) (map[int64][]Event, error) {
	q := "SELECT case_id, seq, at, to_state, holder, pause, resubmission FROM case_events WHERE case_id IN (?" +
		repeatPlaceholder(len(ids)-1) + ") ORDER BY case_id, seq"
	rows, err := tx.Query(ctx, q, ids...)
	if err != nil {
		return nil, fmt.Errorf("cases: load histories: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Event{}
	for rows.Next() {
		var id, at int64
		var ev Event
		if err := rows.Scan(&id, &ev.Seq, &at, &ev.ToState, &ev.Holder, &ev.Pause, &ev.Resubmission); err != nil {
			return nil, fmt.Errorf("cases: load histories: %w", err)
		}
		ev.At = store.FromMillis(at)
		out[id] = append(out[id], ev)
	}
	return out, rows.Err()
}

func repeatPlaceholder(n int) string {
	s := ""
	for range n {
		s += ", ?"
	}
	return s
}

// staffOnly keeps a step target for the service's staff; applicants see the case's
// own clock, which is what the published delivery time promises them.
func staffOnly(p *identity.Principal, c *Case, t *StepTarget) *StepTarget {
	if p == nil || p.Kind != identity.KindStaff || len(p.Grants[c.Service]) == 0 && len(p.Grants["*"]) == 0 {
		return nil
	}
	return t
}
