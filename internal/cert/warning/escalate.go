package warning

import (
	"context"
	"fmt"
	"strconv"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/store"
)

// escalationRoles is who each escalation step tells: a reminder to the technical
// contacts, then the supervisor, then the head of the organisation.
var escalationRoles = [...]string{constituent.RoleTechnical, constituent.RoleSupervisor, constituent.RoleHead}

// nextEscalation returns when warning w's next escalation step is due, or 0 when
// none is: an unacknowledged warning steps up every Ack period from its notice; an
// acknowledged one whose remediation deadline passed, every Ack period from the
// deadline. A claimed fix, a closure or suppression stops the steps.
func nextEscalation(state, severity string, notified, remediateDue int64, level int) int64 {
	if level >= len(escalationRoles) || notified == 0 {
		return 0
	}
	step := TargetsFor(severity).Ack.Milliseconds()
	switch state {
	case Open:
		return notified + int64(level+1)*step
	case Acknowledged:
		return remediateDue + int64(level)*step
	}
	return 0
}

// Escalate takes every ignored warning one step up (SLA) and returns how many
// stepped. Each step is one notice per organisation and role.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	type due struct {
		id, org int64
		level   int
	}
	var dues []due
	now := store.Millis(s.now())
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, org_id, state, severity, notified_at, remediate_due, escalation FROM cert_warnings
			WHERE state IN ('open', 'acknowledged') AND notified_at <> 0 AND escalation < ? ORDER BY org_id, id`, len(escalationRoles))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d due
			var state, sev string
			var notified, remDue int64
			if err := rows.Scan(&d.id, &d.org, &state, &sev, &notified, &remDue, &d.level); err != nil {
				return err
			}
			if at := nextEscalation(state, sev, notified, remDue, d.level); at != 0 && at <= now {
				dues = append(dues, d)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("warning: escalations due: %w", err)
	}
	// Group by organisation and the level each warning steps to.
	type key struct {
		org   int64
		level int
	}
	groups := map[key][]int64{}
	var order []key
	for _, d := range dues {
		k := key{d.org, d.level + 1}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], d.id)
	}
	stepped := 0
	for _, k := range order {
		ids := groups[k]
		err := s.update(ctx, func(tx *store.Tx) error {
			r, err := constituent.RulesTx(ctx, tx, k.org)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if _, err := tx.Exec(ctx, `UPDATE cert_warnings SET escalation = ?, escalated_at = ? WHERE id = ? AND escalation = ?`,
					k.level, store.Millis(tx.Now), id, k.level-1); err != nil {
					return err
				}
			}
			role := escalationRoles[k.level-1]
			a := s.alert(r.Lang, "warning.escalate.title."+role, []any{len(ids)}, "warning.escalate.body", []any{len(ids)})
			if err := s.tell(ctx, tx, r, role, a); err != nil {
				return err
			}
			return audit.Record(ctx, tx, "job:"+JobKind, "cert.warning.escalate", "organization", strconv.FormatInt(k.org, 10),
				map[string]any{"warnings": ids, "level": k.level, "to": role})
		})
		if err != nil {
			return stepped, fmt.Errorf("warning: escalate for organisation %d: %w", k.org, err)
		}
		stepped += len(ids)
	}
	return stepped, nil
}
