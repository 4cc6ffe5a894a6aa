package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// Event is one entry of a case's state history, the source of its clock
// (SLA-CLOCK rule 6).
type Event struct {
	Seq        int
	At         time.Time
	FromState  string
	ToState    string
	Holder     string
	Pause      string // why the applicant holds the case, e.g. "incomplete"
	Transition string
	// ActorAccountID took the transition in the role ActorRole.
	ActorAccountID int64
	ActorRole      string
	Reason         string
	Decision       string
	// Resubmission marks the return from incomplete documents (SLA-CLOCK rule 3).
	Resubmission bool
}

func insertEvent(ctx context.Context, tx *store.Tx, caseID int64, seq int, ev Event) error {
	_, err := tx.Exec(ctx, `INSERT INTO case_events (case_id, seq, at, from_state, to_state, holder, pause,
		transition, actor_account_id, actor_role, reason, decision, resubmission)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		caseID, seq, store.Millis(ev.At), ev.FromState, ev.ToState, ev.Holder, ev.Pause,
		ev.Transition, ev.ActorAccountID, ev.ActorRole, ev.Reason, ev.Decision, ev.Resubmission)
	if err != nil {
		return fmt.Errorf("cases: record event: %w", err)
	}
	return nil
}

func loadEvents(ctx context.Context, tx *store.Tx, caseID int64) ([]Event, error) {
	rows, err := tx.Query(ctx, `SELECT seq, at, from_state, to_state, holder, pause, transition,
		actor_account_id, actor_role, reason, decision, resubmission
		FROM case_events WHERE case_id = ? ORDER BY seq`, caseID)
	if err != nil {
		return nil, fmt.Errorf("cases: load history: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var ev Event
		var at int64
		if err := rows.Scan(&ev.Seq, &at, &ev.FromState, &ev.ToState, &ev.Holder, &ev.Pause, &ev.Transition,
			&ev.ActorAccountID, &ev.ActorRole, &ev.Reason, &ev.Decision, &ev.Resubmission); err != nil {
			return nil, fmt.Errorf("cases: load history: %w", err)
		}
		ev.At = store.FromMillis(at)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// clockEvents turns the state history into the clock's input; the pause reason
// is the state's pause word, localised by the pages.
func clockEvents(evs []Event) []sla.Event {
	out := make([]sla.Event, len(evs))
	for i, ev := range evs {
		out[i] = sla.Event{At: ev.At, Holder: sla.Holder(ev.Holder), Reason: ev.Pause, Resubmission: ev.Resubmission, State: ev.ToState}
	}
	return out
}
