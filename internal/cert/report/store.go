package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Statuses of a report.
const (
	StatusDraft     = "draft"
	StatusInReview  = "in_review"
	StatusApproved  = "approved"
	StatusDelivered = "delivered"
)

// Report is one technical report of a case.
type Report struct {
	ID          int64
	CaseID      int64
	CaseCode    string
	Title       string
	Body        string // Markdown
	Status      string
	AuthorID    int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt time.Time
	ReviewerID  int64
	ReviewedAt  time.Time
	DeliveredBy int64
	DeliveredAt time.Time
	// SignedJSON is the delivered report as signed (see Signed); "" before.
	SignedJSON string
	HasPDF     bool
	// The public-warning draft made by redaction; "" before.
	RedactedTitle, RedactedBody string
	RedactedBy                  int64
	RedactedAt                  time.Time
	Files                       []File
}

// File is an attachment of a report; its bytes are read with Attachment.
type File struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	AddedBy     int64     `json:"added_by"`
	AddedAt     time.Time `json:"added_at"`
}

const reportColumns = `id, case_id, title, body, status, author_id, created_at, updated_at, submitted_at, reviewer_id,
	reviewed_at, delivered_by, delivered_at, signed_json, pdf IS NOT NULL, redacted_title, redacted_body, redacted_by, redacted_at`

type scanner interface{ Scan(dest ...any) error }

func ms(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return store.FromMillis(v)
}

func scanReport(r scanner) (*Report, error) {
	var x Report
	var created, updated, submitted, reviewed, delivered, redacted int64
	if err := r.Scan(&x.ID, &x.CaseID, &x.Title, &x.Body, &x.Status, &x.AuthorID, &created, &updated, &submitted, &x.ReviewerID,
		&reviewed, &x.DeliveredBy, &delivered, &x.SignedJSON, &x.HasPDF, &x.RedactedTitle, &x.RedactedBody, &x.RedactedBy, &redacted); err != nil {
		return nil, err
	}
	x.CreatedAt, x.UpdatedAt, x.SubmittedAt, x.ReviewedAt = ms(created), ms(updated), ms(submitted), ms(reviewed)
	x.DeliveredAt, x.RedactedAt = ms(delivered), ms(redacted)
	return &x, nil
}

func notFound(id int64) error {
	return &problem.Error{Code: problem.NotFound, Key: "report.not_found", Err: fmt.Errorf("report %d: %w", id, store.ErrNotFound)}
}

func loadReport(ctx context.Context, tx *store.Tx, caseID, id int64) (*Report, error) {
	r, err := scanReport(tx.QueryRow(ctx, `SELECT `+reportColumns+` FROM cert_reports WHERE id = ? AND case_id = ?`, id, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("report: load %d: %w", id, err)
	}
	if r.Files, err = listFiles(ctx, tx, id); err != nil {
		return nil, err
	}
	return r, nil
}

func listReports(ctx context.Context, tx *store.Tx, caseID int64) ([]*Report, error) {
	rows, err := tx.Query(ctx, `SELECT `+reportColumns+` FROM cert_reports WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("report: list for case %d: %w", caseID, err)
	}
	defer rows.Close()
	var out []*Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, fmt.Errorf("report: list for case %d: %w", caseID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func listFiles(ctx context.Context, tx *store.Tx, reportID int64) ([]File, error) {
	rows, err := tx.Query(ctx, `SELECT id, name, content_type, size, sha256, added_by, added_at FROM cert_report_files
		WHERE report_id = ? ORDER BY id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("report: files of %d: %w", reportID, err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		var at int64
		if err := rows.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.AddedBy, &at); err != nil {
			return nil, fmt.Errorf("report: files of %d: %w", reportID, err)
		}
		f.AddedAt = store.FromMillis(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// HasDelivered reports, within tx, whether a report of case caseID was delivered:
// the guard of the state "technical report delivered".
func HasDelivered(ctx context.Context, tx *store.Tx, caseID int64) (bool, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cert_reports WHERE case_id = ? AND status = 'delivered'`, caseID).Scan(&n); err != nil {
		return false, fmt.Errorf("report: delivered of case %d: %w", caseID, err)
	}
	return n > 0, nil
}
