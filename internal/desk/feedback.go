package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// maxComment bounds a feedback comment, in bytes.
const maxComment = 2 << 10

// Feedback is an applicant's rating of a closed case (SLA C-4.9): the service and
// the staff's courtesy, each 1–5, with an optional comment.
type Feedback struct {
	ID             int64
	CaseCode       string
	Service        string
	ServiceRating  int
	CourtesyRating int
	// Comment is shown only to the rater's side and the service's supervisors.
	Comment string
	At      time.Time
	// Staff are the staff accounts who acted on the case when it was rated.
	Staff []int64
}

// FeedbackInput is the applicant's rating.
type FeedbackInput struct {
	ServiceRating  int
	CourtesyRating int
	Comment        string
}

// LeaveFeedback records the applicant's rating of a closed case, once (C-4.9). It
// notes the staff who acted on the case (its history's staff actors, its assignee and
// those who recorded visits) for the per-staff aggregates. Only the case's applicant
// may rate; before the case closes, or a second time, it is refused with Conflict.
func (d *Service) LeaveFeedback(ctx context.Context, p *identity.Principal, code string, in FeedbackInput) (*Feedback, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if in.ServiceRating < 1 || in.ServiceRating > 5 {
		return nil, problem.Field("service_rating", "desk.feedback.rating", in.ServiceRating)
	}
	if in.CourtesyRating < 1 || in.CourtesyRating > 5 {
		return nil, problem.Field("courtesy_rating", "desk.feedback.rating", in.CourtesyRating)
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if len(in.Comment) > maxComment {
		return nil, problem.Field("comment", "desk.feedback.long", maxComment>>10)
	}
	var f *Feedback
	err := d.update(ctx, func(tx *store.Tx) error {
		c, err := cases.LookupRef(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := may(p, authz.Update, c, authz.Case); err != nil {
			return err
		}
		if c.ClosedAt.IsZero() {
			return problem.New(problem.Conflict, "desk.feedback.open")
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM case_feedback WHERE case_id = ?", c.ID).Scan(&n); err != nil {
			return fmt.Errorf("desk: %s: feedback: %w", c.Code, err)
		}
		if n > 0 {
			return problem.New(problem.Conflict, "desk.feedback.twice")
		}
		f = &Feedback{CaseCode: c.Code, Service: c.Service, ServiceRating: in.ServiceRating,
			CourtesyRating: in.CourtesyRating, Comment: in.Comment, At: tx.Now}
		f.ID, err = tx.InsertID(ctx, `INSERT INTO case_feedback (case_id, service, rater_account_id, service_rating,
			courtesy_rating, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING RETURNING id`,
			c.ID, c.Service, p.ID, f.ServiceRating, f.CourtesyRating, f.Comment, store.Millis(tx.Now))
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.Conflict, "desk.feedback.twice")
		}
		if err != nil {
			return fmt.Errorf("desk: %s: feedback: %w", c.Code, err)
		}
		if f.Staff, err = caseStaff(ctx, tx, c); err != nil {
			return err
		}
		for _, id := range f.Staff {
			if _, err := tx.Exec(ctx, "INSERT INTO case_feedback_staff (feedback_id, staff_account_id) VALUES (?, ?)", f.ID, id); err != nil {
				return fmt.Errorf("desk: %s: feedback staff: %w", c.Code, err)
			}
		}
		return audit.Record(ctx, tx, actor(p), "case.feedback", "case", c.Code, map[string]any{"feedback_id": f.ID,
			"service_rating": f.ServiceRating, "courtesy_rating": f.CourtesyRating, "staff": len(f.Staff)})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// caseStaff lists the staff who acted on a case: staff actors of its history, its
// assignee, and those who recorded its visits, in account order.
func caseStaff(ctx context.Context, tx *store.Tx, c *cases.Ref) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT actor_account_id FROM case_events WHERE case_id = ? AND actor_role <> 'applicant'
		AND actor_role <> '' AND actor_account_id <> ? AND actor_account_id <> 0
		UNION SELECT recorded_by FROM case_visits WHERE case_id = ?
		UNION SELECT assignee_account_id FROM cases WHERE id = ? AND assignee_account_id IS NOT NULL
		ORDER BY 1`, c.ID, c.ApplicantAccountID, c.ID, c.ID)
	if err != nil {
		return nil, fmt.Errorf("desk: %s: staff: %w", c.Code, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("desk: %s: staff: %w", c.Code, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// CaseFeedback returns a case's feedback to its applicant and the service's staff;
// the comment only to the applicant and the service's supervisors (C-4.9). A case
// not yet rated is NotFound.
func (d *Service) CaseFeedback(ctx context.Context, p *identity.Principal, code string) (*Feedback, error) {
	var f *Feedback
	err := d.view(ctx, func(tx *store.Tx) error {
		c, err := cases.LookupRef(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := may(p, authz.View, c, authz.Case); err != nil {
			return err
		}
		f = &Feedback{CaseCode: c.Code, Service: c.Service}
		var at int64
		err = tx.QueryRow(ctx, `SELECT id, service_rating, courtesy_rating, comment, created_at FROM case_feedback
			WHERE case_id = ?`, c.ID).Scan(&f.ID, &f.ServiceRating, &f.CourtesyRating, &f.Comment, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return &problem.Error{Code: problem.NotFound, Key: "desk.feedback.none", Err: store.ErrNotFound}
		}
		if err != nil {
			return fmt.Errorf("desk: %s: feedback: %w", c.Code, err)
		}
		f.At = store.FromMillis(at)
		if !authz.Decide(p, authz.Update, c.Resource(authz.Case)) && !p.HasRole(c.Service, identity.Supervisor) {
			f.Comment = ""
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}
