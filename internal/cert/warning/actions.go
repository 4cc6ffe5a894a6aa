package warning

import (
	"context"
	"fmt"
	"strconv"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// change moves a warning from one of the states in from to state `to`, setting
// the columns sets, and audits it as action.
func (s *Service) change(ctx context.Context, p *identity.Principal, id int64, action string, from []string,
	staffOnly bool, sets string, args ...any) error {
	return s.update(ctx, func(tx *store.Tx) error {
		w, err := get(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if staffOnly && !constituent.IsCERTStaff(p) {
			return problem.New(problem.Forbidden, "constituent.forbidden")
		}
		ok := false
		for _, f := range from {
			ok = ok || w.State == f
		}
		if !ok {
			return problem.New(problem.Conflict, "warning.state", w.State)
		}
		all := append(args, id, w.State)
		if _, err := tx.Exec(ctx, `UPDATE cert_warnings SET `+sets+` WHERE id = ? AND state = ?`, all...); err != nil {
			return fmt.Errorf("warning: %s %d: %w", action, id, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), action, "cert_warning", strconv.FormatInt(id, 10),
			map[string]any{"org": w.OrgID, "from": w.State})
	})
}

// Acknowledge records that the constituent has seen the warning and is acting on
// it (SLA ); escalation stops.
func (s *Service) Acknowledge(ctx context.Context, p *identity.Principal, id int64) error {
	return s.change(ctx, p, id, "cert.warning.acknowledge", []string{Open}, false,
		`state = ?, acked_at = ?, acked_by = ?`, Acknowledged, store.Millis(s.now()), p.ID)
}

// ClaimFixed records the constituent's claim that it removed the threat; a later
// import without the finding, or CERT staff, closes the warning.
func (s *Service) ClaimFixed(ctx context.Context, p *identity.Principal, id int64, note string) error {
	note = persian.Normalize(note)
	if len([]rune(note)) > 2000 {
		return problem.Field("note", "warning.note.long")
	}
	now := store.Millis(s.now())
	return s.change(ctx, p, id, "cert.warning.fixed", []string{Open, Acknowledged}, false,
		`state = ?, fixed_at = ?, fixed_by = ?, fixed_note = ?, acked_at = CASE WHEN acked_at = 0 THEN ? ELSE acked_at END,
		acked_by = CASE WHEN acked_by = 0 THEN ? ELSE acked_by END`, FixedClaimed, now, p.ID, note, now, p.ID)
}

// Verify closes a warning on CERT staff's own check that the threat is gone.
func (s *Service) Verify(ctx context.Context, p *identity.Principal, id int64) error {
	return s.change(ctx, p, id, "cert.warning.verify", []string{Open, Acknowledged, FixedClaimed, Suppressed}, true,
		`state = ?, closure = ?, closed_at = ?, closed_by = ?`, Closed, ClosedByStaff, store.Millis(s.now()), p.ID)
}
