package whitehat

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Finding is a researcher's vulnerability report in a competition. D-1: only its
// researcher and CERT staff ever see it.
type Finding struct {
	ID            int64     `json:"id"`
	CompetitionID int64     `json:"competition_id"`
	SystemID      int64     `json:"system_id"`
	SystemName    string    `json:"system_name"`
	Alias         string    `json:"researcher"`
	Title         string    `json:"title"`
	Details       string    `json:"details"`
	Severity      string    `json:"severity,omitempty"`
	State         string    `json:"state"`
	Points        int       `json:"points"`
	ReportRef     string    `json:"report_ref,omitempty"`
	CreatedAt     time.Time `json:"created_at"`

	accountID int64
}

// Severities lists the severities staff may give, lowest first.
func Severities() []string { return []string{"low", "medium", "high", "critical"} }

// Submit records a finding of a registered researcher against a system enrolled in
// the same open competition.
func (s *Programme) Submit(ctx context.Context, p *identity.Principal, competitionID, systemID int64, title, details string) (int64, error) {
	if p == nil {
		return 0, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	title, details = persian.Normalize(title), persian.Normalize(details)
	switch {
	case title == "" || len(title) > 300:
		return 0, problem.Field("title", "whitehat.finding.title")
	case details == "" || len(details) > 20000:
		return 0, problem.Field("details", "whitehat.finding.details")
	}
	var id int64
	err := s.update(ctx, func(tx *store.Tx) error {
		if _, err := openTx(ctx, tx, competitionID); err != nil {
			return err
		}
		var researcher int64
		err := tx.QueryRow(ctx, "SELECT id FROM whitehat_researchers WHERE competition_id = ? AND account_id = ?", competitionID, p.ID).Scan(&researcher)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.Forbidden, "whitehat.finding.not_registered")
		}
		if err != nil {
			return fmt.Errorf("whitehat: submit: %w", err)
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM whitehat_systems s WHERE s.id = ? AND s.competition_id = ? AND "+entered, systemID, competitionID).Scan(&n); err != nil {
			return fmt.Errorf("whitehat: submit: %w", err)
		}
		if n == 0 {
			return problem.Field("system", "whitehat.finding.system")
		}
		id, err = tx.InsertID(ctx, `INSERT INTO whitehat_findings (competition_id, system_id, researcher_id, title, details, state, created_at)
			VALUES (?, ?, ?, ?, ?, 'received', ?)`, competitionID, systemID, researcher, title, details, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("whitehat: submit: %w", err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "whitehat.finding", "whitehat_finding", fmt.Sprint(id),
			map[string]any{"competition": competitionID, "system": systemID})
	})
	return id, err
}

// Decision is staff's triage of a finding.
type Decision struct {
	// State is triaged (accepted for verification), verified, rejected or duplicate.
	State    string `json:"state"`
	Severity string `json:"severity"`
	// Points are awarded with verified only.
	Points int `json:"points"`
}

// Decide triages, verifies (awarding points) or rejects a finding (CERT staff). A
// verified finding is handed to the disclosure flow through Reporter, whose
// reference is kept with the finding.
func (s *Programme) Decide(ctx context.Context, p *identity.Principal, findingID int64, d Decision) (*Finding, error) {
	if err := allowed(p, authz.WhiteHatFinding, authz.Act); err != nil {
		return nil, err
	}
	switch {
	case !slices.Contains([]string{"triaged", "verified", "rejected", "duplicate"}, d.State):
		return nil, problem.Field("state", "whitehat.decision.state")
	case d.State == "verified" && !slices.Contains(Severities(), d.Severity):
		return nil, problem.Field("severity", "whitehat.decision.severity")
	case d.Points < 0 || d.Points > 10000 || (d.State != "verified" && d.Points != 0):
		return nil, problem.Field("points", "whitehat.decision.points")
	}
	var f Finding
	err := s.update(ctx, func(tx *store.Tx) error {
		var err error
		if f, err = findingTx(ctx, tx, findingID); err != nil {
			return err
		}
		if f.State == "verified" || f.State == "rejected" || f.State == "duplicate" {
			return problem.New(problem.Conflict, "whitehat.decision.final")
		}
		f.State, f.Severity, f.Points = d.State, d.Severity, d.Points
		if d.State == "verified" && s.Reporter != nil {
			if f.ReportRef, err = s.Reporter.Report(ctx, tx, f); err != nil {
				return fmt.Errorf("whitehat: report finding %d: %w", findingID, err)
			}
		}
		col := "triaged_at"
		if d.State == "verified" {
			col = "verified_at"
		}
		if _, err := tx.Exec(ctx, `UPDATE whitehat_findings SET state = ?, severity = ?, points = ?, report_ref = ?, decided_by = ?, `+col+` = ?
			WHERE id = ?`, f.State, f.Severity, f.Points, f.ReportRef, p.ID, store.Millis(tx.Now), findingID); err != nil {
			return fmt.Errorf("whitehat: decide %d: %w", findingID, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "whitehat.decide", "whitehat_finding", fmt.Sprint(findingID),
			map[string]any{"state": f.State, "severity": f.Severity, "points": f.Points, "report": f.ReportRef})
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

const findingColumns = `f.id, f.competition_id, f.system_id, s.name, r.alias, f.title, f.details, f.severity, f.state, f.points,
	f.report_ref, f.created_at, r.account_id`

func scanFinding(row interface{ Scan(...any) error }) (Finding, error) {
	var f Finding
	var at int64
	err := row.Scan(&f.ID, &f.CompetitionID, &f.SystemID, &f.SystemName, &f.Alias, &f.Title, &f.Details, &f.Severity,
		&f.State, &f.Points, &f.ReportRef, &at, &f.accountID)
	f.CreatedAt = store.FromMillis(at)
	return f, err
}

const findingJoin = ` FROM whitehat_findings f JOIN whitehat_systems s ON s.id = f.system_id
	JOIN whitehat_researchers r ON r.id = f.researcher_id`

func findingTx(ctx context.Context, tx *store.Tx, id int64) (Finding, error) {
	f, err := scanFinding(tx.QueryRow(ctx, "SELECT "+findingColumns+findingJoin+" WHERE f.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, notFound("whitehat.finding.not_found")
	}
	return f, err
}

// Findings lists a competition's findings: every one to CERT staff, a researcher's
// own to that researcher, none to anyone else.
func (s *Programme) Findings(ctx context.Context, p *identity.Principal, competitionID int64) ([]Finding, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	q, args := "SELECT "+findingColumns+findingJoin+" WHERE f.competition_id = ? AND r.account_id = ? ORDER BY f.id", []any{competitionID, p.ID}
	if allowed(p, authz.WhiteHatFinding, authz.View) == nil {
		q, args = "SELECT "+findingColumns+findingJoin+" WHERE f.competition_id = ? ORDER BY f.id", []any{competitionID}
	}
	var out []Finding
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			f, err := scanFinding(rows)
			if err != nil {
				return err
			}
			out = append(out, f)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("whitehat: findings of %d: %w", competitionID, err)
	}
	return out, nil
}

// Standing is one researcher's public line: alias, points and counts only.
type Standing struct {
	Alias    string `json:"researcher"`
	Points   int    `json:"points"`
	Verified int    `json:"verified"`
}

// Standings is a competition's public table, highest points first: what the
// public page and API show, built from aggregates alone so no finding's title or
// details can leak into it (D-1).
func (s *Programme) Standings(ctx context.Context, competitionID int64) ([]Standing, error) {
	out := []Standing{}
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		if c, err := getTx(ctx, tx, competitionID); err != nil {
			return err
		} else if c.State == Draft {
			return notFound("whitehat.not_found")
		}
		rows, err := tx.Query(ctx, `SELECT r.alias, COALESCE(SUM(CASE WHEN f.state = 'verified' THEN f.points ELSE 0 END), 0),
			COUNT(CASE WHEN f.state = 'verified' THEN 1 END)
			FROM whitehat_researchers r LEFT JOIN whitehat_findings f ON f.researcher_id = r.id
			WHERE r.competition_id = ? GROUP BY r.id, r.alias ORDER BY 2 DESC, r.alias`, competitionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var st Standing
			if err := rows.Scan(&st.Alias, &st.Points, &st.Verified); err != nil {
				return err
			}
			out = append(out, st)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("whitehat: standings of %d: %w", competitionID, err)
	}
	return out, nil
}
