package desk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// maxReason bounds a visit's reason and an override reason, in bytes.
const maxReason = 2 << 10

// Visit is one in-person visit by the applicant, recorded by staff (SLA C-4.8).
type Visit struct {
	ID         int64
	At         time.Time
	Reason     string
	RecordedBy int64
	RecordedAt time.Time
	// OverLimit marks a visit beyond the published maximum; OverrideReason is the
	// supervisor's recorded reason and OverrideBy the supervisor.
	OverLimit      bool
	OverrideReason string
	OverrideBy     int64
}

// Visits is a case's visits against the published maximum (C-4.8).
type Visits struct {
	CaseCode string
	// Used counts the visits recorded; Max is the service's published max_visits at
	// the case's version.
	Used, Max int
	List      []Visit
}

// Over reports whether the case has used more visits than published.
func (v *Visits) Over() bool { return v.Used > v.Max }

// VisitInput is a visit to record: when it happened and why; OverrideReason is a
// supervisor's reason for going beyond the published maximum.
type VisitInput struct {
	At             time.Time
	Reason         string
	OverrideReason string
}

// RecordVisit records an in-person visit on a case. Staff of the service record
// visits up to the catalog's max_visits at the case's version; one beyond that needs
// a supervisor of the service acting with a recorded reason, or it is refused with
// Conflict (SLA C-4.8).
func (d *Service) RecordVisit(ctx context.Context, p *identity.Principal, code string, in VisitInput) (*Visit, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	in.Reason, in.OverrideReason = strings.TrimSpace(in.Reason), strings.TrimSpace(in.OverrideReason)
	if in.Reason == "" {
		return nil, problem.Field("reason", "desk.visit.reason")
	}
	if len(in.Reason) > maxReason || len(in.OverrideReason) > maxReason {
		return nil, problem.Field("reason", "desk.visit.long", maxReason>>10)
	}
	if in.At.IsZero() {
		return nil, problem.Field("date", "desk.visit.date")
	}
	var v *Visit
	err := d.update(ctx, func(tx *store.Tx) error {
		c, err := cases.LookupRef(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := may(p, authz.Act, c, authz.Case); err != nil {
			return err
		}
		if in.At.After(tx.Now.Add(time.Minute)) {
			return problem.Field("date", "desk.visit.future")
		}
		if err := tx.Lock(ctx, lockKey(c.ID)); err != nil {
			return fmt.Errorf("desk: %s: lock: %w", c.Code, err)
		}
		svc, err := d.Catalog(ctx, c.Service, c.ServiceVersion)
		if err != nil {
			return err
		}
		var used int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM case_visits WHERE case_id = ?", c.ID).Scan(&used); err != nil {
			return fmt.Errorf("desk: %s: count visits: %w", c.Code, err)
		}
		v = &Visit{At: in.At.UTC().Truncate(time.Millisecond), Reason: in.Reason, RecordedBy: p.ID, RecordedAt: tx.Now}
		if used >= svc.MaxVisits {
			if !p.HasRole(c.Service, identity.Supervisor) {
				return problem.New(problem.Conflict, "desk.visit.over_limit", used, svc.MaxVisits)
			}
			if in.OverrideReason == "" {
				return &problem.Error{Code: problem.Conflict, Key: "desk.visit.override_reason", Field: "override_reason",
					Args: []any{used, svc.MaxVisits}}
			}
			v.OverLimit, v.OverrideReason, v.OverrideBy = true, in.OverrideReason, p.ID
		}
		v.ID, err = tx.InsertID(ctx, `INSERT INTO case_visits (case_id, service, visited_at, reason, recorded_by,
			recorded_at, over_limit, override_reason, override_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.Service, store.Millis(v.At), v.Reason, p.ID, store.Millis(tx.Now), v.OverLimit, v.OverrideReason,
			nullID(v.OverrideBy))
		if err != nil {
			return fmt.Errorf("desk: %s: record visit: %w", c.Code, err)
		}
		return audit.Record(ctx, tx, actor(p), "case.visit", "case", c.Code, map[string]any{"visit_id": v.ID,
			"used": used + 1, "max": svc.MaxVisits, "over_limit": v.OverLimit})
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// CaseVisits returns a case's visits, used of the published maximum, to its
// applicant and the service's staff (C-4.8).
func (d *Service) CaseVisits(ctx context.Context, p *identity.Principal, code string) (*Visits, error) {
	var out *Visits
	err := d.view(ctx, func(tx *store.Tx) error {
		c, err := cases.LookupRef(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := may(p, authz.View, c, authz.Case); err != nil {
			return err
		}
		svc, err := d.Catalog(ctx, c.Service, c.ServiceVersion)
		if err != nil {
			return err
		}
		out = &Visits{CaseCode: c.Code, Max: svc.MaxVisits}
		rows, err := tx.Query(ctx, `SELECT id, visited_at, reason, recorded_by, recorded_at, over_limit, override_reason,
			COALESCE(override_by, 0) FROM case_visits WHERE case_id = ? ORDER BY visited_at, id`, c.ID)
		if err != nil {
			return fmt.Errorf("desk: %s: visits: %w", c.Code, err)
		}
		defer rows.Close()
		for rows.Next() {
			var v Visit
			var at, rec int64
			if err := rows.Scan(&v.ID, &at, &v.Reason, &v.RecordedBy, &rec, &v.OverLimit, &v.OverrideReason, &v.OverrideBy); err != nil {
				return fmt.Errorf("desk: %s: visits: %w", c.Code, err)
			}
			v.At, v.RecordedAt = store.FromMillis(at), store.FromMillis(rec)
			out.List = append(out.List, v)
		}
		out.Used = len(out.List)
		return rows.Err()
	})
	return out, err
}
