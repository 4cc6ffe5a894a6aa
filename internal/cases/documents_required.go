package cases

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/store"
)

// missingDocuments lists, by Persian name, the documents transition t needs that
// the case lacks: t's own list, or every always-required document of the kind for
// the applicant's type (SLA C-4.2).
func missingDocuments(ctx context.Context, tx *store.Tx, svc *catalog.Service, k *catalog.CaseKind, c *Case, t *catalog.Transition) ([]string, error) {
	have, err := documentTypes(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, d := range svc.DocumentsFor(k.ID, c.ApplicantType) {
		needed := d.Required == catalog.RequiredAlways
		if len(t.Documents) > 0 {
			needed = contains(t.Documents, d.ID)
		}
		if needed && !have[d.ID] {
			missing = append(missing, d.Name.FA)
		}
	}
	return missing, nil
}

// documentTypes returns the document types a case holds at least one file of.
func documentTypes(ctx context.Context, tx *store.Tx, caseID int64) (map[string]bool, error) {
	rows, err := tx.Query(ctx, "SELECT DISTINCT doc_type FROM case_documents WHERE case_id = ?", caseID)
	if err != nil {
		return nil, fmt.Errorf("cases: document types: %w", err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		have[t] = true
	}
	return have, rows.Err()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
