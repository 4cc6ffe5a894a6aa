package reactive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/cert/triage"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Record is what the module keeps about a submitted incident.
type Record struct {
	CaseID     int64
	TLP        tlp.Level
	ReportedAt time.Time
	Triage
	TriagedAt     time.Time
	TriagedBy     int64
	ResponseDue   time.Time
	ResolutionDue time.Time
	Closure
	ClosedAt time.Time
	// ReportedByStaff is the CERT staff member who took the report for the
	// organisation (0: the organisation reported itself); Channel is how it came in.
	ReportedByStaff int64
	Channel         string
}

func insertRecord(ctx context.Context, tx *store.Tx, c *cases.Case, l tlp.Level) error {
	if _, err := tx.Exec(ctx, `INSERT INTO cert_incidents (case_id, tlp, reported_at, sector) VALUES (?, ?, ?, ?)`,
		c.ID, l.String(), store.Millis(tx.Now), c.ApplicantType); err != nil {
		return fmt.Errorf("cert: record incident %d: %w", c.ID, err)
	}
	return nil
}

// loadRecord reads an incident's record; a draft has none (NotFound).
func loadRecord(ctx context.Context, tx *store.Tx, caseID int64) (*Record, error) {
	r := Record{CaseID: caseID}
	var label string
	var reported, triaged, respDue, resDue, closed int64
	err := tx.QueryRow(ctx, `SELECT tlp, reported_at, class, type, severity, triaged_at, triaged_by, response_due,
		resolution_due, closure, duplicate_of, closed_at, reported_by_staff, report_channel FROM cert_incidents
		WHERE case_id = ?`, caseID).Scan(
		&label, &reported, &r.Class, &r.Type, &r.Severity, &triaged, &r.TriagedBy, &respDue, &resDue,
		&r.Code, &r.DuplicateOf, &closed, &r.ReportedByStaff, &r.Channel)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &problem.Error{Code: problem.NotFound, Key: "cert.not_found", Err: store.ErrNotFound}
	}
	if err != nil {
		return nil, fmt.Errorf("cert: load incident %d: %w", caseID, err)
	}
	r.TLP, _ = tlp.Parse(label)
	r.ReportedAt, r.TriagedAt, r.ClosedAt = store.FromMillis(reported), store.FromMillis(triaged), store.FromMillis(closed)
	r.ResponseDue, r.ResolutionDue = store.FromMillis(respDue), store.FromMillis(resDue)
	return &r, nil
}

// insertIndicators stores indicators, skipping those the incident already has; it
// returns how many were new.
func insertIndicators(ctx context.Context, tx *store.Tx, caseID, by int64, inds []incident.Indicator) (int, error) {
	n := 0
	at := store.Millis(tx.Now)
	for _, i := range inds {
		label := ""
		if i.TLP.Valid() {
			label = i.TLP.String()
		}
		res, err := tx.Exec(ctx, `INSERT INTO cert_indicators (case_id, type, value, tlp, added_at, added_by)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, type, value) DO NOTHING`, caseID, i.Type, i.Value, label, at, by)
		if err != nil {
			return n, fmt.Errorf("cert: store indicator of incident %d: %w", caseID, err)
		}
		if k, _ := res.RowsAffected(); k > 0 {
			n++
		}
	}
	return n, nil
}

func loadIndicators(ctx context.Context, tx *store.Tx, caseID int64) ([]incident.Indicator, error) {
	rows, err := tx.Query(ctx, `SELECT type, value, tlp FROM cert_indicators WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("cert: indicators of incident %d: %w", caseID, err)
	}
	defer rows.Close()
	var out []incident.Indicator
	for rows.Next() {
		var i incident.Indicator
		var label string
		if err := rows.Scan(&i.Type, &i.Value, &label); err != nil {
			return nil, err
		}
		if label != "" {
			i.TLP, _ = tlp.Parse(label)
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// recordTriage stores a checked triage with the targets its severity selects,
// counted from the report on the 24×7 clock, and audits it.
func recordTriage(ctx context.Context, tx *store.Tx, c *cases.Case, svc *catalog.Service, p *identity.Principal, t Triage) error {
	t, err := t.check(svc)
	if err != nil {
		return err
	}
	targets, err := triage.Targets(svc)
	if err != nil {
		return err
	}
	r, err := loadRecord(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	if !r.ClosedAt.IsZero() {
		return problem.New(problem.Conflict, "cert.triage.state")
	}
	tg := targets[triage.Severity(t.Severity)]
	if _, err := tx.Exec(ctx, `UPDATE cert_incidents SET class = ?, type = ?, severity = ?, triaged_at = ?, triaged_by = ?,
		response_due = ?, resolution_due = ? WHERE case_id = ?`, t.Class, t.Type, t.Severity, store.Millis(tx.Now), p.ID,
		store.Millis(r.ReportedAt.Add(tg.Response)), store.Millis(r.ReportedAt.Add(tg.Resolution)), c.ID); err != nil {
		return fmt.Errorf("cert: triage %s: %w", c.TrackingCode, err)
	}
	return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.triage", "case", c.TrackingCode, map[string]any{
		"class": t.Class, "type": t.Type, "severity": t.Severity, "previous_severity": r.Severity})
}

func recordClosure(ctx context.Context, tx *store.Tx, c *cases.Case, p *identity.Principal, cl Closure) error {
	if _, err := tx.Exec(ctx, `UPDATE cert_incidents SET closure = ?, duplicate_of = ?, closed_at = ? WHERE case_id = ?`,
		cl.Code, cl.DuplicateOf, store.Millis(tx.Now), c.ID); err != nil {
		return fmt.Errorf("cert: close %s: %w", c.TrackingCode, err)
	}
	return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.close", "case", c.TrackingCode, map[string]any{
		"closure": cl.Code, "duplicate_of": cl.DuplicateOf})
}

func loadRecipients(ctx context.Context, tx *store.Tx, caseID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT account_id FROM cert_recipients WHERE case_id = ? ORDER BY account_id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("cert: recipients of incident %d: %w", caseID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
