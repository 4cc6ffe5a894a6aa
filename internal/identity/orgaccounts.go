package identity

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/store"
)

// OrgAccountIDs lists the accounts an organisation is told through: its own
// accounts and those of the people who may act for it.
func OrgAccountIDs(ctx context.Context, tx *store.Tx, orgID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM accounts WHERE org_id = ? AND kind = ?
		UNION SELECT a.id FROM accounts a JOIN memberships m ON m.person_id = a.person_id
		WHERE m.org_id = ? AND a.kind = ? ORDER BY 1`, orgID, KindOrganization, orgID, KindPerson)
	if err != nil {
		return nil, fmt.Errorf("identity: accounts of organisation %d: %w", orgID, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("identity: accounts of organisation %d: %w", orgID, err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
