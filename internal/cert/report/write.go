package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/dispatch"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Limits of a report.
const (
	maxTitle    = 300
	maxBody     = 256 << 10
	MaxFileSize = 10 << 20 // per attachment
	maxFiles    = 20
)

// Draft is a report's text as typed: a title and a Markdown body with headings.
type Draft struct {
	Title string
	Body  string
}

func (d Draft) check() (Draft, error) {
	d.Title = strings.TrimSpace(persian.Normalize(d.Title))
	d.Body = dispatch.Multiline(d.Body)
	switch {
	case d.Title == "":
		return d, problem.Field("title", "report.title.required")
	case len(d.Title) > maxTitle:
		return d, problem.Field("title", "report.too_long", maxTitle)
	case d.Body == "":
		return d, problem.Field("body", "report.body.required")
	case len(d.Body) > maxBody:
		return d, problem.Field("body", "report.too_long", maxBody)
	case !hasHeading(d.Body):
		return d, problem.Field("body", "report.body.heading")
	}
	return d, nil
}

// hasHeading reports whether Markdown has at least one ATX heading ("# …").
func hasHeading(md string) bool {
	for _, l := range strings.Split(md, "\n") {
		t := strings.TrimLeft(l, "#")
		if len(t) < len(l) && len(l)-len(t) <= 6 && strings.HasPrefix(t, " ") && strings.TrimSpace(t) != "" {
			return true
		}
	}
	return false
}

// Create starts a report on the case (D-3); its author is p.
func (s *Service) Create(ctx context.Context, p *identity.Principal, code string, in Draft) (*Report, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !Writer(p, v.Service) {
		return nil, problem.New(problem.Forbidden, "report.forbidden.write")
	}
	if in, err = in.check(); err != nil {
		return nil, err
	}
	var out *Report
	err = s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		id, err := tx.InsertID(ctx, `INSERT INTO cert_reports (case_id, title, body, status, author_id, created_at, updated_at)
			VALUES (?, ?, ?, 'draft', ?, ?, ?)`, v.ID, in.Title, in.Body, p.ID, store.Millis(tx.Now), store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("report: create on %s: %w", v.TrackingCode, err)
		}
		if out, err = loadReport(ctx, tx, v.ID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.report.create", "case", v.TrackingCode, map[string]any{"report": id})
	})
	if out != nil {
		out.CaseCode = v.TrackingCode
	}
	return out, err
}

// Update changes a draft's text; only its author, and only while it is a draft.
func (s *Service) Update(ctx context.Context, p *identity.Principal, code string, id int64, in Draft) (*Report, error) {
	in, err := in.check()
	if err != nil {
		return nil, err
	}
	return s.step(ctx, p, code, id, "cert.report.update", func(tx *store.Tx, r *Report) error {
		if r.AuthorID != p.ID {
			return problem.New(problem.Forbidden, "report.forbidden.author")
		}
		if r.Status != StatusDraft {
			return problem.New(problem.Conflict, "report.state.draft")
		}
		_, err := tx.Exec(ctx, `UPDATE cert_reports SET title = ?, body = ?, updated_at = ? WHERE id = ?`, in.Title, in.Body,
			store.Millis(tx.Now), r.ID)
		return err
	})
}

// AttachInput is one attachment.
type AttachInput struct {
	Name        string
	ContentType string
	Body        []byte
}

// Attach adds an attachment to a report before it is approved.
func (s *Service) Attach(ctx context.Context, p *identity.Principal, code string, id int64, in AttachInput) (*Report, error) {
	in.Name = strings.TrimSpace(persian.Normalize(filepath.Base(strings.ReplaceAll(in.Name, "\\", "/"))))
	switch {
	case in.Name == "" || in.Name == "." || in.Name == "/":
		return nil, problem.Field("file", "report.file.name")
	case len(in.Name) > 200:
		return nil, problem.Field("file", "report.too_long", 200)
	case len(in.Body) == 0:
		return nil, problem.Field("file", "report.file.empty")
	case len(in.Body) > MaxFileSize:
		return nil, &problem.Error{Code: problem.TooLarge, Key: "report.file.large", Field: "file", Args: []any{MaxFileSize >> 20}}
	}
	// The type is sniffed, never trusted from the client; attachments are always
	// served as downloads.
	in.ContentType = http.DetectContentType(in.Body)
	sum := sha256.Sum256(in.Body)
	return s.step(ctx, p, code, id, "cert.report.attach", func(tx *store.Tx, r *Report) error {
		if r.Status != StatusDraft && r.Status != StatusInReview {
			return problem.New(problem.Conflict, "report.state.draft")
		}
		if len(r.Files) >= maxFiles {
			return problem.Field("file", "report.file.too_many", maxFiles)
		}
		_, err := tx.Exec(ctx, `INSERT INTO cert_report_files (report_id, name, content_type, size, sha256, body, added_by, added_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, in.Name, in.ContentType, len(in.Body), hex.EncodeToString(sum[:]), in.Body, p.ID,
			store.Millis(tx.Now))
		return err
	})
}

// Submit sends the author's draft to review.
func (s *Service) Submit(ctx context.Context, p *identity.Principal, code string, id int64) (*Report, error) {
	return s.step(ctx, p, code, id, "cert.report.submit", func(tx *store.Tx, r *Report) error {
		if r.AuthorID != p.ID {
			return problem.New(problem.Forbidden, "report.forbidden.author")
		}
		if r.Status != StatusDraft {
			return problem.New(problem.Conflict, "report.state.draft")
		}
		_, err := tx.Exec(ctx, `UPDATE cert_reports SET status = 'in_review', submitted_at = ? WHERE id = ?`, store.Millis(tx.Now), r.ID)
		return err
	})
}

// step runs one change of report id of the case by a writer, audited as action,
// and returns the report as it is after.
func (s *Service) step(ctx context.Context, p *identity.Principal, code string, id int64, action string,
	fn func(tx *store.Tx, r *Report) error) (*Report, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !Writer(p, v.Service) {
		return nil, problem.New(problem.Forbidden, "report.forbidden.write")
	}
	return s.stepOn(ctx, v, p, id, action, fn)
}

func (s *Service) stepOn(ctx context.Context, v *cases.View, p *identity.Principal, id int64, action string,
	fn func(tx *store.Tx, r *Report) error) (*Report, error) {
	var out *Report
	err := s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		if err := tx.Lock(ctx, lockKey(v.ID)); err != nil {
			return fmt.Errorf("report: %s on %s: lock: %w", action, v.TrackingCode, err)
		}
		r, err := loadReport(ctx, tx, v.ID, id)
		if err != nil {
			return err
		}
		r.CaseCode = v.TrackingCode
		if err := fn(tx, r); err != nil {
			if _, ok := err.(*problem.Error); ok {
				return err
			}
			return fmt.Errorf("report: %s %d on %s: %w", action, id, v.TrackingCode, err)
		}
		if out, err = loadReport(ctx, tx, v.ID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), action, "case", v.TrackingCode, map[string]any{"report": id})
	})
	if out != nil {
		out.CaseCode = v.TrackingCode
	}
	return out, err
}
