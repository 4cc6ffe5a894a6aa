package warning

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// AdvisoryUnapplied withdraws the caller's organisation's mark that it applied
// advisory advisoryID (SLA ), for a mark made in error. Withdrawing a mark
// that is not there changes nothing and records nothing.
func (s *Service) AdvisoryUnapplied(ctx context.Context, p *identity.Principal, advisoryID string) error {
	orgID := p.ApplicantOrgID()
	if orgID == 0 {
		return problem.New(problem.Forbidden, "constituent.not_org")
	}
	return s.update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM cert_advisory_acks WHERE advisory_id = ? AND org_id = ?`, advisoryID, orgID)
		if err != nil {
			return fmt.Errorf("warning: advisory %s unapplied: %w", advisoryID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.advisory.unapplied", "advisory", advisoryID,
			map[string]any{"org": orgID})
	})
}
