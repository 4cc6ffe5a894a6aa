package certify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/store"
)

// certColumns is the column list every certificate query reads, in scan order.
const certColumns = `id, number, status, status_reason, status_at, holder_type, holder_id,
	holder_name_fa, holder_name_en, product_name_fa, product_name_en, versions, category,
	platform, deployment, conditions, issued_at, expires_at, case_code, previous_number,
	superseded_by, jws, jws_sha256`

type scanner interface{ Scan(dest ...any) error }

func scanCertificate(s scanner) (Certificate, error) {
	var c Certificate
	var statusAt, issued, expires int64
	var versions, conditions string
	err := s.Scan(&c.id, &c.Number, &c.Status, &c.StatusReason, &statusAt, &c.HolderType, &c.HolderID,
		&c.HolderName.FA, &c.HolderName.EN, &c.ProductName.FA, &c.ProductName.EN, &versions, &c.Category,
		&c.Platform, &c.Deployment, &conditions, &issued, &expires, &c.CaseCode, &c.PreviousNumber,
		&c.SupersededBy, &c.JWS, &c.JWSSHA256)
	if err != nil {
		return c, err
	}
	c.StatusAt, c.IssuedAt, c.ExpiresAt = store.FromMillis(statusAt), store.FromMillis(issued), store.FromMillis(expires)
	if err := json.Unmarshal([]byte(versions), &c.Versions); err != nil {
		return c, fmt.Errorf("certify: versions of %s: %w", c.Number, err)
	}
	if err := json.Unmarshal([]byte(conditions), &c.Conditions); err != nil {
		return c, fmt.Errorf("certify: conditions of %s: %w", c.Number, err)
	}
	if c.Conditions == nil {
		c.Conditions = []Bilingual{}
	}
	return c, nil
}

// getTx loads one certificate by number inside tx.
func getTx(ctx context.Context, tx *store.Tx, number string) (Certificate, error) {
	c, err := scanCertificate(tx.QueryRow(ctx, `SELECT `+certColumns+` FROM certificates WHERE number = ?`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("certify: certificate %s: %w", number, store.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("certify: get %s: %w", number, err)
	}
	return c, nil
}

// Get returns the certificate with number, or an error wrapping store.ErrNotFound.
func (r *Registry) Get(ctx context.Context, number string) (Certificate, error) {
	var c Certificate
	err := r.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		c, err = getTx(ctx, tx, CanonicalNumber(number))
		return err
	})
	return c, err
}

// History returns the status history of the certificate, oldest first.
func (r *Registry) History(ctx context.Context, number string) ([]Event, error) {
	var out []Event
	err := r.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT e.seq, e.at, e.kind, e.from_status, e.to_status, e.reason, e.actor, e.tlog_index, c.number
			FROM certificate_events e JOIN certificates c ON c.id = e.certificate_id
			WHERE c.number = ? ORDER BY e.seq`, CanonicalNumber(number))
		if err != nil {
			return err
		}
		out, err = scanEvents(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("certify: history of %s: %w", number, err)
	}
	return out, nil
}

func scanEvents(rows *store.Rows) ([]Event, error) {
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Kind, &e.FromStatus, &e.ToStatus, &e.Reason, &e.Actor, &e.TlogIndex, &e.Number); err != nil {
			return nil, err
		}
		e.At = store.FromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
