package slareport

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/tlog"
)

const columns = `id, jws, tlog_index, (SELECT r2.service || '/' || r2.period || '/' || CAST(r2.version AS TEXT) FROM sla_reports r2
	WHERE r2.service = sla_reports.service AND r2.period = sla_reports.period AND r2.version = sla_reports.version + 1)`

// scan reads a kept report back from its signed form, the one source of truth.
func scan(row interface{ Scan(...any) error }) (*Published, error) {
	var (
		pub        Published
		replacedBy *string
	)
	if err := row.Scan(&pub.internalRow, &pub.JWS, &pub.LogIndex, &replacedBy); err != nil {
		return nil, err
	}
	payload, err := payloadOf(pub.JWS)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(payload, &pub.Report); err != nil {
		return nil, err
	}
	pub.JWSSHA256 = sha256Hex(pub.JWS)
	if replacedBy != nil {
		pub.ReplacedBy = *replacedBy
	}
	return &pub, nil
}

// Get returns one version of a service's report for a period (1405-09).
func (s *Service) Get(ctx context.Context, service, period string, version int) (*Published, error) {
	var pub *Published
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		pub, err = scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM sla_reports WHERE service = ? AND period = ? AND version = ?`,
			service, period, version))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("slareport: %s: %w", reportID(service, period, version), notFound(err))
	}
	return pub, nil
}

// Latest returns the newest version of a service's report for a period.
func (s *Service) Latest(ctx context.Context, service, period string) (*Published, error) {
	var pub *Published
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		pub, err = scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM sla_reports WHERE service = ? AND period = ?
			ORDER BY version DESC LIMIT 1`, service, period))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("slareport: %s %s: %w", service, period, notFound(err))
	}
	return pub, nil
}

// List returns every report of every service, newest period first, corrections
// beside the versions they replace.
func (s *Service) List(ctx context.Context) ([]*Published, error) {
	var out []*Published
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+columns+` FROM sla_reports ORDER BY period DESC, service, version DESC`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			pub, err := scan(rows)
			if err != nil {
				return err
			}
			out = append(out, pub)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("slareport: list: %w", err)
	}
	return out, nil
}

// Proof returns the c2sp.org/tlog-proof of a report's log record, with the record
// in the bundle's extra line, for an offline `miz verify report`.
func (s *Service) Proof(ctx context.Context, pub *Published) ([]byte, error) {
	b, err := proofAt(ctx, s.Log, pub.LogIndex)
	if err != nil {
		return nil, fmt.Errorf("slareport: proof of %s: %w", pub.ID, err)
	}
	return b, nil
}

// Proof returns the c2sp.org/tlog-proof of a statement's log record.
func (s *Statements) Proof(ctx context.Context, st *SignedStatement) ([]byte, error) {
	b, err := proofAt(ctx, s.Log, st.LogIndex)
	if err != nil {
		return nil, fmt.Errorf("slareport: proof of the statement of %s: %w", st.Statement.TrackingCode, err)
	}
	return b, nil
}

// proofAt bundles the inclusion proof of the record at index with the record.
func proofAt(ctx context.Context, l *tlog.Log, index int64) ([]byte, error) {
	rec, err := l.Record(ctx, index)
	if err != nil {
		return nil, err
	}
	bundle, err := l.ProofBundle(ctx, index)
	if err != nil {
		return nil, err
	}
	p, err := tlog.ParseProof(bundle)
	if err != nil {
		return nil, err
	}
	p.Extra = rec
	return p.Marshal(), nil
}

// ParseID splits a report ID (certify/1405-09/2) into its parts.
func ParseID(id string) (service, period string, version int, ok bool) {
	parts := strings.Split(id, "/")
	if len(parts) != 3 {
		return "", "", 0, false
	}
	if _, err := fmt.Sscanf(parts[2], "%d", &version); err != nil || version < 1 {
		return "", "", 0, false
	}
	return parts[0], parts[1], version, true
}

// notFound maps a missing row to store.ErrNotFound, which adapters answer with 404.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// payloadOf returns the payload of a compact JWS that this desk signed and kept;
// reading it back needs no check, verifying a copy someone hands in does (Verify).
func payloadOf(jws string) ([]byte, error) {
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return nil, errors.New("slareport: kept report is not a compact JWS")
	}
	return base64.RawURLEncoding.DecodeString(parts[1])
}
