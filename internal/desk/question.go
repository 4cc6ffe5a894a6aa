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
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// Question statuses: a question waits for the Organization until staff answer it,
// and waits again when the asker follows up.
const (
	StatusWaiting  = "waiting"
	StatusAnswered = "answered"
)

// maxQuestion bounds a question or an answer, in bytes.
const maxQuestion = 8 << 10

// Question is an applicant's question about a service or one of their cases
// (SLA C-4.7), with its first-response clock.
type Question struct {
	ID             int64
	Service        string
	ServiceVersion int
	// CaseCode is the tracking code of the case asked about; empty for a question
	// about the service.
	CaseCode       string
	AskerAccountID int64
	AskerPersonID  int64
	AskerOrgID     int64
	Body           string
	Status         string
	AskedAt        time.Time
	// Budget is the catalog's question_response_time when the question was asked.
	Budget sla.Budget
	// FirstDueAt is the first-response deadline (SLA-CLOCK rule 10).
	FirstDueAt time.Time
	// WaitingSince and WaitingDueAt describe the current wait for the Organization;
	// WaitingDueAt is zero once answered.
	WaitingSince, WaitingDueAt time.Time
	// FirstResponseAt is when staff first answered, and FirstResponseSeconds the
	// counted time it took (business seconds for business budgets).
	FirstResponseAt      time.Time
	FirstResponseSeconds int64
	FirstResponderID     int64
	// Clock is the first-response clock as of the read.
	Clock sla.Status `json:"-"`
	// Answers are the staff answers and the asker's follow-ups, oldest first.
	Answers []Answer
}

// Answer is a reply on a question: by staff, or a follow-up by the asker.
type Answer struct {
	ID       int64
	AuthorID int64
	ByStaff  bool
	Body     string
	At       time.Time
}

// AskInput is what an applicant gives to ask a question: a service, or a case of
// theirs (whose service is then implied), and the question itself.
type AskInput struct {
	Service string
	Case    string
	Body    string
}

// Ask records a question and starts its first-response clock on the catalog's
// question_response_time, on the business calendar or 24×7 as its unit says
// (SLA C-4.7, SLA-CLOCK rule 10). Anyone signed in may ask about a service; only a
// case's own applicant may ask about the case.
func (d *Service) Ask(ctx context.Context, p *identity.Principal, in AskInput) (*Question, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	body, err := cleanBody(in.Body)
	if err != nil {
		return nil, err
	}
	in.Service, in.Case = strings.TrimSpace(in.Service), strings.TrimSpace(in.Case)
	if in.Service == "" && in.Case == "" {
		return nil, problem.Field("service", "error.required")
	}
	var q *Question
	err = d.update(ctx, func(tx *store.Tx) error {
		q = &Question{Service: in.Service, AskerAccountID: p.ID, Body: body, Status: StatusWaiting, AskedAt: tx.Now}
		var caseID int64
		if in.Case != "" {
			c, err := cases.LookupRef(ctx, tx, in.Case)
			if err != nil {
				return err
			}
			if err := may(p, authz.Update, c, authz.Case); err != nil {
				return err
			}
			if q.Service != "" && q.Service != c.Service {
				return problem.Field("case", "desk.question.other_service", c.Code, q.Service)
			}
			q.Service, q.ServiceVersion, q.CaseCode, caseID = c.Service, c.ServiceVersion, c.Code, c.ID
			q.AskerPersonID, q.AskerOrgID = c.ApplicantPersonID, c.ApplicantOrgID
		} else {
			q.AskerOrgID = p.ApplicantOrgID()
			if q.AskerOrgID == 0 {
				q.AskerPersonID = p.PersonID
			}
		}
		svc, err := d.Catalog(ctx, q.Service, q.ServiceVersion)
		if err != nil {
			return err
		}
		q.ServiceVersion = svc.Version
		q.Budget = sla.Budget{Amount: svc.QuestionResponseTime.Amount, Unit: sla.Unit(svc.QuestionResponseTime.Unit)}
		q.FirstDueAt = d.deadline(q.AskedAt, q.Budget)
		q.WaitingSince, q.WaitingDueAt = q.AskedAt, q.FirstDueAt
		q.ID, err = tx.InsertID(ctx, `INSERT INTO questions (service, service_version, case_id, asker_account_id,
			asker_person_id, asker_org_id, body, status, asked_at, budget_amount, budget_unit, first_due_at,
			waiting_since, waiting_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			q.Service, q.ServiceVersion, nullID(caseID), p.ID, nullID(q.AskerPersonID), nullID(q.AskerOrgID), body,
			q.Status, store.Millis(q.AskedAt), q.Budget.Amount, string(q.Budget.Unit), store.Millis(q.FirstDueAt),
			store.Millis(q.WaitingSince), store.Millis(q.WaitingDueAt))
		if err != nil {
			return fmt.Errorf("desk: ask: %w", err)
		}
		if err := refreshCaseQuestions(ctx, tx, caseID); err != nil {
			return err
		}
		q.Clock = d.clock(q, tx.Now)
		return audit.Record(ctx, tx, actor(p), "question.asked", "question", fmt.Sprint(q.ID),
			map[string]any{"service": q.Service, "case": q.CaseCode, "due_at": store.Millis(q.FirstDueAt)})
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// Reply adds an answer to a question. The service's staff answer: the first answer
// stops the first-response clock and records its time for the KPIs (C-4.7). The
// asker may follow up, which puts the question back in the staff's list.
func (d *Service) Reply(ctx context.Context, p *identity.Principal, id int64, body string) (*Answer, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	body, err := cleanBody(body)
	if err != nil {
		return nil, err
	}
	var a *Answer
	err = d.update(ctx, func(tx *store.Tx) error {
		q, caseID, err := loadQuestion(ctx, tx, id)
		if err != nil {
			return err
		}
		staff := isStaffOf(p, q.Service)
		if !staff && !q.askedBy(p) {
			if q.visibleTo(p) {
				return problem.New(problem.Forbidden, "desk.question.forbidden")
			}
			return problem.New(problem.NotFound, "desk.question.not_found")
		}
		a = &Answer{AuthorID: p.ID, ByStaff: staff, Body: body, At: tx.Now}
		a.ID, err = tx.InsertID(ctx, `INSERT INTO question_answers (question_id, author_account_id, by_staff, body, created_at)
			VALUES (?, ?, ?, ?, ?)`, q.ID, p.ID, staff, body, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("desk: question %d: answer: %w", q.ID, err)
		}
		summary := map[string]any{"answer_id": a.ID, "by_staff": staff}
		if staff {
			err = d.answered(ctx, tx, p, q, summary)
		} else {
			err = d.followedUp(ctx, tx, q)
		}
		if err != nil {
			return err
		}
		if err := refreshCaseQuestions(ctx, tx, caseID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor(p), "question.answer", "question", fmt.Sprint(q.ID), summary)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// answered stops the wait; the first staff answer fixes the first response.
func (d *Service) answered(ctx context.Context, tx *store.Tx, p *identity.Principal, q *Question, summary map[string]any) error {
	if q.FirstResponseAt.IsZero() {
		q.FirstResponseAt, q.FirstResponderID = tx.Now, p.ID
		q.FirstResponseSeconds = d.clock(q, tx.Now).Used
		summary["first_response_seconds"] = q.FirstResponseSeconds
	}
	_, err := tx.Exec(ctx, `UPDATE questions SET status = ?, waiting_due_at = 0, first_response_at = ?,
		first_response_seconds = ?, first_responder_account_id = ? WHERE id = ?`, StatusAnswered,
		store.Millis(q.FirstResponseAt), q.FirstResponseSeconds, q.FirstResponderID, q.ID)
	if err != nil {
		return fmt.Errorf("desk: question %d: answered: %w", q.ID, err)
	}
	return nil
}

// followedUp puts an answered question back in the wait with a fresh deadline; a
// follow-up to a question still waiting keeps its deadline.
func (d *Service) followedUp(ctx context.Context, tx *store.Tx, q *Question) error {
	if q.Status == StatusWaiting {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE questions SET status = ?, waiting_since = ?, waiting_due_at = ? WHERE id = ?`,
		StatusWaiting, store.Millis(tx.Now), store.Millis(d.deadline(tx.Now, q.Budget)), q.ID)
	if err != nil {
		return fmt.Errorf("desk: question %d: follow-up: %w", q.ID, err)
	}
	return nil
}

// cleanBody trims a question or answer and checks its length.
func cleanBody(body string) (string, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return "", problem.Field("body", "desk.question.empty")
	}
	if len(body) > maxQuestion {
		return "", problem.Field("body", "desk.question.long", maxQuestion>>10)
	}
	return body, nil
}

// refreshCaseQuestions caches the earliest waiting question's deadline on the case,
// so that the staff queue puts cases with a waiting question first (C-4.7).
func refreshCaseQuestions(ctx context.Context, tx *store.Tx, caseID int64) error {
	if caseID == 0 {
		return nil
	}
	var due sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT MIN(waiting_due_at) FROM questions WHERE case_id = ? AND status = ?`,
		caseID, StatusWaiting).Scan(&due)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("desk: case %d: questions: %w", caseID, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE cases SET question_due_at = ? WHERE id = ?`, due.Int64, caseID); err != nil {
		return fmt.Errorf("desk: case %d: cache questions: %w", caseID, err)
	}
	return nil
}
