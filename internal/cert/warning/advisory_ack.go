package warning

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// AdvisoryApplied records that the caller's organisation applied the measures of
// advisory advisoryID (SLA ). The advisory is named by its ID alone so this
// does not depend on how advisories are kept; the caller checks it exists.
// Applying it again updates the note.
func (s *Service) AdvisoryApplied(ctx context.Context, p *identity.Principal, advisoryID, note string) error {
	orgID := p.ApplicantOrgID()
	if orgID == 0 {
		return problem.New(problem.Forbidden, "constituent.not_org")
	}
	advisoryID = strings.TrimSpace(advisoryID)
	if advisoryID == "" || len(advisoryID) > 100 {
		return problem.Field("advisory", "error.required")
	}
	note = persian.Normalize(note)
	return s.update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO cert_advisory_acks (advisory_id, org_id, applied_at, applied_by, note) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (advisory_id, org_id) DO UPDATE SET applied_at = excluded.applied_at, applied_by = excluded.applied_by,
			note = excluded.note`, advisoryID, orgID, store.Millis(tx.Now), p.ID, note)
		if err != nil {
			return fmt.Errorf("warning: advisory %s applied: %w", advisoryID, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.advisory.applied", "advisory", advisoryID,
			map[string]any{"org": orgID})
	})
}

// AppliedAdvisories returns the advisories an organisation applied and when
// (0: the caller's own).
func (s *Service) AppliedAdvisories(ctx context.Context, p *identity.Principal, orgID int64) (map[string]time.Time, error) {
	if orgID == 0 {
		orgID = p.ApplicantOrgID()
	}
	if !constituent.CanActFor(p, orgID) {
		return nil, problem.New(problem.Forbidden, "constituent.forbidden")
	}
	out := map[string]time.Time{}
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT advisory_id, applied_at FROM cert_advisory_acks WHERE org_id = ?`, orgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var at int64
			if err := rows.Scan(&id, &at); err != nil {
				return err
			}
			out[id] = store.FromMillis(at)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("warning: applied advisories of %d: %w", orgID, err)
	}
	return out, nil
}

// Coverage is how many constituents of a sector applied an advisory.
type Coverage struct {
	Sector       string
	Constituents int
	Applied      int
}

// AdvisoryCoverage counts, per sector, the constituents (organisations with a
// verified asset) and those that applied advisory advisoryID (CERT staff only).
func (s *Service) AdvisoryCoverage(ctx context.Context, p *identity.Principal, advisoryID string) ([]Coverage, error) {
	if !constituent.IsCERTStaff(p) {
		return nil, problem.New(problem.Forbidden, "constituent.forbidden")
	}
	var out []Coverage
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT COALESCE(c.sector, ''), COUNT(*), SUM(CASE WHEN k.org_id IS NULL THEN 0 ELSE 1 END)
			FROM (SELECT DISTINCT org_id FROM cert_assets WHERE status = 'verified') a
			LEFT JOIN cert_constituents c ON c.org_id = a.org_id
			LEFT JOIN cert_advisory_acks k ON k.org_id = a.org_id AND k.advisory_id = ?
			GROUP BY COALESCE(c.sector, '') ORDER BY 1`, advisoryID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Coverage
			if err := rows.Scan(&c.Sector, &c.Constituents, &c.Applied); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("warning: coverage of advisory %s: %w", advisoryID, err)
	}
	return out, nil
}
