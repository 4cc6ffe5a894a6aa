package identity

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/store"
)

// Audience chooses the applicants an announcement reaches (a training course that
// opens, SLA M-4.2).
type Audience struct {
	// MembersOnly keeps only people who may act for an organisation, and the
	// organisations' own accounts.
	MembersOnly bool
	// OrgKind, with MembersOnly, keeps only organisations of this kind ("government"
	// for the staff of government agencies); "" is any kind.
	OrgKind string
}

// AudienceAccounts lists the enabled person and organisation accounts in the
// audience, in account order. Staff accounts are never in an audience.
func AudienceAccounts(ctx context.Context, tx *store.Tx, a Audience) ([]int64, error) {
	q := `SELECT a.id FROM accounts a WHERE a.disabled = FALSE AND a.kind IN ('person', 'organization') ORDER BY a.id`
	var args []any
	if a.MembersOnly {
		q = `SELECT a.id FROM accounts a WHERE a.disabled = FALSE AND (
			(a.kind = 'person' AND EXISTS (SELECT 1 FROM memberships m JOIN organizations o ON o.id = m.org_id
				WHERE m.person_id = a.person_id AND (? = '' OR o.kind = ?)))
			OR (a.kind = 'organization' AND EXISTS (SELECT 1 FROM organizations o WHERE o.id = a.org_id AND (? = '' OR o.kind = ?))))
			ORDER BY a.id`
		args = []any{a.OrgKind, a.OrgKind, a.OrgKind, a.OrgKind}
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("identity: audience: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("identity: audience: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
