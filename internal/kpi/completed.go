package kpi

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// completedCase is what the figures need of a closed case: its process version and
// its state history, never its content (D-1).
type completedCase struct {
	id       int64
	version  int
	kind     string
	closedAt time.Time
	events   []sla.Event
}

// eachCompleted calls fn for every submitted case of a service closed in
// [from, to), with its history, reading the histories in one ordered query.
func eachCompleted(ctx context.Context, tx *store.Tx, service string, from, to int64, fn func(completedCase) error) error {
	rows, err := tx.Query(ctx, `SELECT c.id, c.service_version, c.kind, c.closed_at, e.at, e.holder, e.pause, e.resubmission, e.to_state
		FROM cases c JOIN case_events e ON e.case_id = c.id
		WHERE c.service = ? AND c.submitted_at > 0 AND c.closed_at >= ? AND c.closed_at < ?
		ORDER BY c.id, e.seq`, service, from, to)
	if err != nil {
		return fmt.Errorf("kpi: completed cases: %w", err)
	}
	defer rows.Close()
	var cur completedCase
	for rows.Next() {
		var id, closed, at int64
		var version int
		var kind, holder, pause, state string
		var resub bool
		if err := rows.Scan(&id, &version, &kind, &closed, &at, &holder, &pause, &resub, &state); err != nil {
			return fmt.Errorf("kpi: completed cases: %w", err)
		}
		if id != cur.id {
			if cur.id != 0 {
				if err := fn(cur); err != nil {
					return err
				}
			}
			cur = completedCase{id: id, version: version, kind: kind, closedAt: store.FromMillis(closed)}
		}
		cur.events = append(cur.events, sla.Event{At: store.FromMillis(at), Holder: sla.Holder(holder), Reason: pause, Resubmission: resub, State: state})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("kpi: completed cases: %w", err)
	}
	if cur.id != 0 {
		return fn(cur)
	}
	return nil
}
