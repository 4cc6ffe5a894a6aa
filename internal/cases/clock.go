package cases

import (
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/sla"
)

// Clock is a case's SLA clock as applicants and staff see it (SLA C-4.1,
// SLA-CLOCK rule 9), always rebuilt from the state history.
type Clock struct {
	// Started is false until submission (SLA-CLOCK rule 2).
	Started bool
	// DueAt is when the budget runs out if the Organization keeps the case; zero
	// before the start and after the end.
	DueAt time.Time
	// UsedSeconds and BudgetSeconds are counted time: business seconds for
	// business budgets, plain seconds for 24×7 ones.
	UsedSeconds, BudgetSeconds, RemainingSeconds int64
	// Business tells whether the budget counts business time only.
	Business bool
	// Paused is true while the applicant holds the case, for PauseReason
	// (draft, incomplete, information, payment, consent).
	Paused      bool
	PauseReason string
	// Stopped is true once the case reached a final state.
	Stopped  bool
	Breached bool
	// Remaining splits the remaining time for plain words ("۳ روز و ۲ ساعت").
	RemainingDays, RemainingHours, RemainingMinutes int
	// Pauses is the history of pauses, oldest first.
	Pauses []sla.Pause
	// Status is the full computation, for milestones.
	Status sla.Status `json:"-"`
}

// budgetOf converts a kind's published maximum delivery time.
func budgetOf(k *catalog.CaseKind) sla.Budget {
	d := k.DeliveryTime.Maximum
	return sla.Budget{Amount: d.Amount, Unit: sla.Unit(d.Unit)}
}

// computeClock rebuilds the clock from the history as of now (SLA-CLOCK rule 6).
func computeClock(evs []Event, k *catalog.CaseKind, cal *sla.Calendar, now time.Time) Clock {
	budget := budgetOf(k)
	policy := sla.OnResubmit(k.SLA.OnResubmit)
	st := sla.Compute(clockEvents(evs), budget, cal, policy, now)
	c := Clock{Started: st.Started, DueAt: st.DueAt, UsedSeconds: st.Used, BudgetSeconds: st.Budget,
		RemainingSeconds: st.Remaining, Business: budget.Unit.IsBusiness(), Paused: st.Paused,
		PauseReason: st.PauseReason, Stopped: st.Stopped, Breached: st.Breached, Pauses: st.Pauses, Status: st}
	if st.Started && !st.Stopped {
		c.RemainingDays, c.RemainingHours, c.RemainingMinutes = st.RemainingParts(budget.Calendar(cal))
	}
	return c
}
