package disclosure

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

const vulnColumns = `v.id, v.ref, v.received_at, v.reporter_account, v.reporter_name, v.reporter_email, v.credit_wanted,
	v.system, v.title, v.description, v.cvss_vector, v.cvss_version, v.cvss_score, v.cvss_severity, v.status, v.analyst_id,
	v.verified_at, v.owner_org_id, COALESCE(o.name_fa, ''), v.notified_at, v.notified_by, v.notice_accounts, v.embargo_until,
	v.disclosed_at`

const vulnFrom = ` FROM cert_vuln_reports v LEFT JOIN organizations o ON o.id = v.owner_org_id`

type scanner interface{ Scan(dest ...any) error }

func ms(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return store.FromMillis(v)
}

func scanVuln(r scanner) (*Vuln, error) {
	var v Vuln
	var received, verified, notified, embargo, disclosed int64
	err := r.Scan(&v.ID, &v.Ref, &received, &v.ReporterAccount, &v.ReporterName, &v.ReporterEmail, &v.CreditWanted, &v.System,
		&v.Title, &v.Description, &v.CVSSVector, &v.CVSSVersion, &v.CVSSScore, &v.CVSSSeverity, &v.Status, &v.AnalystID,
		&verified, &v.OwnerOrgID, &v.OwnerName, &notified, &v.NotifiedBy, &v.NoticeAccounts, &embargo, &disclosed)
	if err != nil {
		return nil, err
	}
	v.ReceivedAt, v.VerifiedAt, v.NotifiedAt, v.EmbargoUntil, v.DisclosedAt = ms(received), ms(verified), ms(notified), ms(embargo), ms(disclosed)
	return &v, nil
}

func loadVuln(ctx context.Context, tx *store.Tx, id int64) (*Vuln, error) {
	v, err := scanVuln(tx.QueryRow(ctx, `SELECT `+vulnColumns+vulnFrom+` WHERE v.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &problem.Error{Code: problem.NotFound, Key: "vuln.not_found", Err: fmt.Errorf("vulnerability %d: %w", id, store.ErrNotFound)}
	}
	if err != nil {
		return nil, fmt.Errorf("disclosure: load %d: %w", id, err)
	}
	return v, nil
}

func listVulns(ctx context.Context, tx *store.Tx, where string, args ...any) ([]*Vuln, error) {
	rows, err := tx.Query(ctx, `SELECT `+vulnColumns+vulnFrom+where, args...)
	if err != nil {
		return nil, fmt.Errorf("disclosure: list: %w", err)
	}
	defer rows.Close()
	var out []*Vuln
	for rows.Next() {
		v, err := scanVuln(rows)
		if err != nil {
			return nil, fmt.Errorf("disclosure: list: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
