package consent

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

const consentColumns = `id, case_id, org_id, granted_by, granted_at, access, systems, purpose, valid_from, valid_until,
	revoked_at, revoked_by, revoke_reason`

type scanner interface{ Scan(dest ...any) error }

func scanConsent(r scanner) (*Consent, error) {
	var c Consent
	var systems string
	var granted, from, until, revoked int64
	if err := r.Scan(&c.ID, &c.CaseID, &c.OrgID, &c.GrantedBy, &granted, &c.Access, &systems, &c.Purpose, &from, &until,
		&revoked, &c.RevokedBy, &c.RevokeReason); err != nil {
		return nil, err
	}
	c.GrantedAt, c.ValidFrom, c.ValidUntil = store.FromMillis(granted), store.FromMillis(from), store.FromMillis(until)
	if revoked != 0 {
		c.RevokedAt = store.FromMillis(revoked)
	}
	c.Systems = strings.Split(systems, "\n")
	return &c, nil
}

func listConsents(ctx context.Context, tx *store.Tx, caseID int64) ([]*Consent, error) {
	rows, err := tx.Query(ctx, `SELECT `+consentColumns+` FROM cert_consents WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("consent: list for case %d: %w", caseID, err)
	}
	defer rows.Close()
	var out []*Consent
	for rows.Next() {
		c, err := scanConsent(rows)
		if err != nil {
			return nil, fmt.Errorf("consent: list for case %d: %w", caseID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func loadConsent(ctx context.Context, tx *store.Tx, caseID, id int64) (*Consent, error) {
	c, err := scanConsent(tx.QueryRow(ctx, `SELECT `+consentColumns+` FROM cert_consents WHERE id = ? AND case_id = ?`, id, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &problem.Error{Code: problem.NotFound, Key: "consent.not_found", Field: "consent",
			Err: fmt.Errorf("consent %d: %w", id, store.ErrNotFound)}
	}
	if err != nil {
		return nil, fmt.Errorf("consent: load %d: %w", id, err)
	}
	return c, nil
}

// Action is one access a responder recorded under a consent.
type Action struct {
	ID        int64
	ConsentID int64
	Actor     int64
	At        time.Time
	System    string
	Action    string
}

func listActions(ctx context.Context, tx *store.Tx, caseID int64) ([]Action, error) {
	rows, err := tx.Query(ctx, `SELECT id, consent_id, actor, at, system, action FROM cert_access_actions WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("consent: actions of case %d: %w", caseID, err)
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		var a Action
		var at int64
		if err := rows.Scan(&a.ID, &a.ConsentID, &a.Actor, &at, &a.System, &a.Action); err != nil {
			return nil, fmt.Errorf("consent: actions of case %d: %w", caseID, err)
		}
		a.At = store.FromMillis(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
