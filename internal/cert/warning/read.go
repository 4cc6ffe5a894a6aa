package warning

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

const cols = `w.id, w.org_id, o.name_fa, o.name_en, w.asset_id, w.matched_by, w.feed, w.class, w.type, w.severity, w.tag,
	w.ip, w.port, w.asn, w.host, w.observed_at, w.found_at, w.last_seen_at, w.seen_count, w.state, w.notify_due,
	w.notified_at, w.remediate_due, w.acked_at, w.fixed_at, w.fixed_note, w.closed_at, w.closure, w.escalation,
	w.first_import_id, w.last_import_id`

func scan(row interface{ Scan(...any) error }) (Warning, error) {
	var w Warning
	var observed, found, seen, notifyDue, notified, remDue, acked, fixed, closed int64
	err := row.Scan(&w.ID, &w.OrgID, &w.OrgNameFa, &w.OrgNameEn, &w.AssetID, &w.MatchedBy, &w.Feed, &w.Class, &w.Type,
		&w.Severity, &w.Tag, &w.IP, &w.Port, &w.ASN, &w.Host, &observed, &found, &seen, &w.SeenCount, &w.State,
		&notifyDue, &notified, &remDue, &acked, &fixed, &w.FixedNote, &closed, &w.Closure, &w.Escalation,
		&w.FirstImport, &w.LastImport)
	t := func(ms int64) time.Time {
		if ms == 0 {
			return time.Time{}
		}
		return store.FromMillis(ms)
	}
	w.ObservedAt, w.FoundAt, w.LastSeenAt = t(observed), t(found), t(seen)
	w.NotifyDue, w.NotifiedAt, w.RemediateDue = t(notifyDue), t(notified), t(remDue)
	w.AckedAt, w.FixedAt, w.ClosedAt = t(acked), t(fixed), t(closed)
	return w, err
}

// Filter narrows a list of warnings.
type Filter struct {
	OrgID int64 // 0: every organisation (staff only) or, for a constituent, its own
	// Live lists only warnings still open, acknowledged or claimed fixed.
	Live  bool
	Limit int
}

// List returns warnings, newest first: a constituent's own, or for CERT staff any
// organisation's (or all).
func (s *Service) List(ctx context.Context, p *identity.Principal, f Filter) ([]Warning, error) {
	if f.OrgID == 0 && !constituent.IsCERTStaff(p) {
		f.OrgID = p.ApplicantOrgID()
		if f.OrgID == 0 {
			return nil, problem.New(problem.Forbidden, "constituent.not_org")
		}
	}
	if f.OrgID != 0 && !constituent.CanActFor(p, f.OrgID) {
		return nil, problem.New(problem.Forbidden, "constituent.forbidden")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	q := `SELECT ` + cols + ` FROM cert_warnings w JOIN organizations o ON o.id = w.org_id WHERE (? = 0 OR w.org_id = ?)`
	if f.Live {
		q += ` AND w.state IN ('open', 'acknowledged', 'fixed_claimed')`
	}
	q += ` ORDER BY w.id DESC LIMIT ?`
	var out []Warning
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q, f.OrgID, f.OrgID, f.Limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			w, err := scan(rows)
			if err != nil {
				return err
			}
			out = append(out, w)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("warning: list: %w", err)
	}
	return out, nil
}

// Get returns one warning to its organisation or to CERT staff; to anyone else it
// does not exist.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id int64) (Warning, error) {
	var w Warning
	err := s.DB.View(ctx, func(tx *store.Tx) (err error) {
		w, err = get(ctx, tx, p, id)
		return err
	})
	return w, err
}

func get(ctx context.Context, tx *store.Tx, p *identity.Principal, id int64) (Warning, error) {
	w, err := scan(tx.QueryRow(ctx, `SELECT `+cols+` FROM cert_warnings w JOIN organizations o ON o.id = w.org_id WHERE w.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !constituent.CanActFor(p, w.OrgID)) {
		return Warning{}, problem.New(problem.NotFound, "warning.not_found")
	}
	if err != nil {
		return Warning{}, fmt.Errorf("warning: get %d: %w", id, err)
	}
	return w, nil
}
