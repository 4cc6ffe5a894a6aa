package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// View is the reports of a case as p may see them.
type View struct {
	CaseCode string
	Reports  []*Report
	// CanWrite is true for the CERT staff who write and review reports.
	CanWrite bool
}

// visible reports whether p may read r: writers read every report; the
// applicant reads only delivered ones, never their redacted drafts.
func visible(p *identity.Principal, v *cases.View, r *Report) bool {
	if Writer(p, v.Service) {
		return true
	}
	return v.ActsForApplicant(p) && r.Status == StatusDelivered
}

// forApplicant strips what the applicant is not given: the public-warning draft.
func forApplicant(p *identity.Principal, v *cases.View, r *Report) *Report {
	if Writer(p, v.Service) {
		return r
	}
	cp := *r
	cp.RedactedTitle, cp.RedactedBody, cp.RedactedBy, cp.RedactedAt = "", "", 0, time.Time{}
	return &cp
}

// List returns the case's reports p may read (D-3).
func (s *Service) List(ctx context.Context, p *identity.Principal, code string) (*View, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !Writer(p, v.Service) && !v.ActsForApplicant(p) {
		return nil, problem.New(problem.NotFound, "cases.not_found")
	}
	out := &View{CaseCode: v.TrackingCode, CanWrite: Writer(p, v.Service)}
	err = s.DB.View(ctx, func(tx *store.Tx) error {
		all, err := listReports(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		for _, r := range all {
			if visible(p, v, r) {
				r.CaseCode = v.TrackingCode
				out.Reports = append(out.Reports, forApplicant(p, v, r))
			}
		}
		return nil
	})
	return out, err
}

// Get returns one report of the case, with its attachments' descriptions, if p
// may read it; NotFound otherwise.
func (s *Service) Get(ctx context.Context, p *identity.Principal, code string, id int64) (*Report, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	var r *Report
	err = s.DB.View(ctx, func(tx *store.Tx) error {
		r, err = loadReport(ctx, tx, v.ID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !visible(p, v, r) {
		return nil, notFound(id)
	}
	r.CaseCode = v.TrackingCode
	return forApplicant(p, v, r), nil
}

// Attachment returns an attachment of a report p may read, with its bytes.
func (s *Service) Attachment(ctx context.Context, p *identity.Principal, code string, id, fileID int64) (*File, []byte, error) {
	r, err := s.Get(ctx, p, code, id)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range r.Files {
		if f.ID != fileID {
			continue
		}
		var body []byte
		err := s.DB.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT body FROM cert_report_files WHERE id = ? AND report_id = ?`, fileID, id).Scan(&body)
		})
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("report: attachment %d: %w", fileID, err)
		}
		return &f, body, nil
	}
	return nil, nil, &problem.Error{Code: problem.NotFound, Key: "report.file.not_found", Err: store.ErrNotFound}
}
