package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// deadline is when a wait that starts at from uses up the budget; zero when the
// catalog states no question response time.
func (d *Service) deadline(from time.Time, b sla.Budget) time.Time {
	if b.Validate() != nil {
		return time.Time{}
	}
	return sla.Deadline(from, b, d.calendar())
}

// clock is a question's first-response clock as of now, on the same rules as a
// case's (SLA-CLOCK rule 10): it runs from the question until the first staff
// answer, on the business calendar or 24×7 as the budget's unit says.
func (d *Service) clock(q *Question, now time.Time) sla.Status {
	hist := []sla.Event{{At: q.AskedAt, Holder: sla.HolderOrganization}}
	if !q.FirstResponseAt.IsZero() {
		hist = append(hist, sla.Event{At: q.FirstResponseAt, Holder: sla.HolderNone})
	}
	return sla.Compute(hist, q.Budget, d.calendar(), sla.Resume, now)
}

// askedBy reports whether p asked q, or applies for the person or organisation
// that did.
func (q *Question) askedBy(p *identity.Principal) bool {
	if p == nil {
		return false
	}
	if q.AskerAccountID == p.ID {
		return true
	}
	return authz.Decide(p, authz.Update, authz.Resource{Kind: authz.Case, Service: q.Service,
		OwnerPersonID: q.AskerPersonID, OwnerOrgID: q.AskerOrgID})
}

// visibleTo reports whether p may read q: the asker's side and the service's staff.
func (q *Question) visibleTo(p *identity.Principal) bool {
	return q.askedBy(p) || authz.Decide(p, authz.View, authz.Resource{Kind: authz.Message, Service: q.Service,
		OwnerPersonID: q.AskerPersonID, OwnerOrgID: q.AskerOrgID})
}

const questionColumns = `q.id, q.service, q.service_version, COALESCE(c.tracking_code, ''), q.case_id,
	q.asker_account_id, q.asker_person_id, q.asker_org_id, q.body, q.status, q.asked_at, q.budget_amount,
	q.budget_unit, q.first_due_at, q.waiting_since, q.waiting_due_at, q.first_response_at,
	q.first_response_seconds, q.first_responder_account_id`

const questionFrom = ` FROM questions q LEFT JOIN cases c ON c.id = q.case_id`

func scanQuestion(row interface{ Scan(...any) error }) (*Question, int64, error) {
	var q Question
	var caseID, person, org, responder sql.NullInt64
	var asked, due, since, waitDue, first int64
	var unit string
	err := row.Scan(&q.ID, &q.Service, &q.ServiceVersion, &q.CaseCode, &caseID, &q.AskerAccountID, &person, &org,
		&q.Body, &q.Status, &asked, &q.Budget.Amount, &unit, &due, &since, &waitDue, &first,
		&q.FirstResponseSeconds, &responder)
	if err != nil {
		return nil, 0, err
	}
	q.AskerPersonID, q.AskerOrgID, q.FirstResponderID = person.Int64, org.Int64, responder.Int64
	q.Budget.Unit = sla.Unit(unit)
	q.AskedAt, q.FirstDueAt, q.WaitingSince = store.FromMillis(asked), store.FromMillis(due), store.FromMillis(since)
	q.WaitingDueAt, q.FirstResponseAt = store.FromMillis(waitDue), store.FromMillis(first)
	return &q, caseID.Int64, nil
}

func loadQuestion(ctx context.Context, tx *store.Tx, id int64) (*Question, int64, error) {
	q, caseID, err := scanQuestion(tx.QueryRow(ctx, "SELECT "+questionColumns+questionFrom+" WHERE q.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, &problem.Error{Code: problem.NotFound, Key: "desk.question.not_found", Err: store.ErrNotFound}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("desk: load question %d: %w", id, err)
	}
	return q, caseID, nil
}

func loadAnswers(ctx context.Context, tx *store.Tx, q *Question) error {
	rows, err := tx.Query(ctx, `SELECT id, author_account_id, by_staff, body, created_at FROM question_answers
		WHERE question_id = ? ORDER BY created_at, id`, q.ID)
	if err != nil {
		return fmt.Errorf("desk: question %d: answers: %w", q.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Answer
		var at int64
		if err := rows.Scan(&a.ID, &a.AuthorID, &a.ByStaff, &a.Body, &at); err != nil {
			return fmt.Errorf("desk: question %d: answers: %w", q.ID, err)
		}
		a.At = store.FromMillis(at)
		q.Answers = append(q.Answers, a)
	}
	return rows.Err()
}

// Question returns a question with its answers and clock to the asker's side and
// the service's staff; others get NotFound.
func (d *Service) Question(ctx context.Context, p *identity.Principal, id int64) (*Question, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	var q *Question
	err := d.view(ctx, func(tx *store.Tx) error {
		var err error
		if q, _, err = loadQuestion(ctx, tx, id); err != nil {
			return err
		}
		if !q.visibleTo(p) {
			return problem.New(problem.NotFound, "desk.question.not_found")
		}
		q.Clock = d.clock(q, tx.Now)
		return loadAnswers(ctx, tx, q)
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// QuestionFilter selects questions of one service's staff list.
type QuestionFilter struct {
	Service string
	// Status keeps waiting or answered questions; empty keeps both.
	Status string
	// Limit (default 50, at most 500) and Offset page through the list.
	Limit, Offset int
}

// Questions lists a service's questions for its staff: those waiting for the
// Organization first, nearest deadline first and the oldest first on equal deadlines
// (SLA C-4.7), then the answered ones, newest first.
func (d *Service) Questions(ctx context.Context, p *identity.Principal, f QuestionFilter) ([]Question, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if f.Service == "" {
		return nil, problem.Field("service", "error.required")
	}
	if !isStaffOf(p, f.Service) {
		return nil, problem.New(problem.Forbidden, "cases.forbidden")
	}
	if f.Status != "" && f.Status != StatusWaiting && f.Status != StatusAnswered {
		return nil, problem.Field("status", "desk.question.status", f.Status)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := "SELECT " + questionColumns + questionFrom + " WHERE q.service = ?"
	args := []any{f.Service}
	if f.Status != "" {
		q, args = q+" AND q.status = ?", append(args, f.Status)
	}
	q += ` ORDER BY CASE WHEN q.status = 'waiting' THEN 0 ELSE 1 END,
		CASE WHEN q.waiting_due_at = 0 THEN 1 ELSE 0 END, q.waiting_due_at,
		CASE WHEN q.status = 'waiting' THEN q.id ELSE -q.id END LIMIT ? OFFSET ?`
	return d.listQuestions(ctx, q, append(args, f.Limit, max(f.Offset, 0))...)
}

// MyQuestions lists the questions p asked (as a person, or for the organisation p
// acts for), newest first, with their answers.
func (d *Service) MyQuestions(ctx context.Context, p *identity.Principal, limit int) ([]Question, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q, arg := "SELECT "+questionColumns+questionFrom+" WHERE q.asker_account_id = ?", p.ID
	if org := p.ApplicantOrgID(); org != 0 {
		q, arg = "SELECT "+questionColumns+questionFrom+" WHERE q.asker_org_id = ?", org
	}
	return d.listQuestions(ctx, q+" ORDER BY q.asked_at DESC, q.id DESC LIMIT ?", arg, limit)
}

// CaseQuestions lists the questions about one case, oldest first, to the case's
// applicant and the service's staff.
func (d *Service) CaseQuestions(ctx context.Context, p *identity.Principal, code string) ([]Question, error) {
	var id int64
	err := d.view(ctx, func(tx *store.Tx) error {
		c, err := cases.LookupRef(ctx, tx, code)
		if err != nil {
			return err
		}
		id = c.ID
		return may(p, authz.View, c, authz.Message)
	})
	if err != nil {
		return nil, err
	}
	return d.listQuestions(ctx, "SELECT "+questionColumns+questionFrom+" WHERE q.case_id = ? ORDER BY q.asked_at, q.id", id)
}

// listQuestions runs a question query and loads each question's answers and clock.
func (d *Service) listQuestions(ctx context.Context, query string, args ...any) ([]Question, error) {
	var out []Question
	err := d.view(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("desk: list questions: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			q, _, err := scanQuestion(rows)
			if err != nil {
				return fmt.Errorf("desk: list questions: %w", err)
			}
			q.Clock = d.clock(q, tx.Now)
			out = append(out, *q)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		for i := range out {
			if err := loadAnswers(ctx, tx, &out[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
