package cases

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Claim assigns an open case to p, a member of the service's staff.
func (e *Engine) Claim(ctx context.Context, p *identity.Principal, code string) error {
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	return e.update(ctx, func(tx *store.Tx) error {
		return e.assign(ctx, tx, p, code, p.ID, false)
	})
}

// Assign gives a case to a staff account; only the service's supervisors may.
func (e *Engine) Assign(ctx context.Context, p *identity.Principal, code string, assignee int64) error {
	return e.BulkAssign(ctx, p, []string{code}, assignee)
}

// BulkAssign gives several cases to one staff account in one transaction: all or
// none. Only the services' supervisors may.
func (e *Engine) BulkAssign(ctx context.Context, p *identity.Principal, codes []string, assignee int64) error {
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if len(codes) == 0 || len(codes) > 500 {
		return problem.Field("codes", "cases.assign.count")
	}
	return e.update(ctx, func(tx *store.Tx) error {
		for _, code := range codes {
			if err := e.assign(ctx, tx, p, code, assignee, true); err != nil {
				return err
			}
		}
		return nil
	})
}

func (e *Engine) assign(ctx context.Context, tx *store.Tx, p *identity.Principal, code string, assignee int64, supervised bool) error {
	c, err := lookup(ctx, tx, code)
	if err != nil {
		return err
	}
	if !authz.Decide(p, authz.Act, authz.Resource{Kind: authz.Queue, Service: c.Service}) {
		return may(p, authz.Act, c, authz.Queue)
	}
	if supervised && !p.HasRole(c.Service, identity.Supervisor) {
		return problem.New(problem.Forbidden, "cases.assign.supervisor")
	}
	if !c.ClosedAt.IsZero() {
		return problem.New(problem.Conflict, "cases.closed")
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE id = ? AND kind = 'staff' AND disabled = FALSE`, assignee).Scan(&n); err != nil {
		return fmt.Errorf("cases: assign: %w", err)
	}
	if n == 0 {
		return problem.Field("assignee", "cases.assign.not_staff")
	}
	res, err := tx.Exec(ctx, `UPDATE cases SET assignee_account_id = ?, version = version + 1 WHERE id = ? AND version = ?`,
		assignee, c.ID, c.Version)
	if err != nil {
		return fmt.Errorf("cases: %s: assign: %w", c.TrackingCode, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return &problem.Error{Code: problem.Conflict, Key: "cases.stale", Err: err}
	}
	return audit.Record(ctx, tx, actor(p), "case.assigned", "case", c.TrackingCode,
		map[string]any{"assignee": assignee, "previous": c.AssigneeAccountID})
}
