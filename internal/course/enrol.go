package course

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// EnrolmentState is where a person stands in a course.
type EnrolmentState string

// The states of an enrolment.
const (
	Enrolled   EnrolmentState = "enrolled"
	Waitlisted EnrolmentState = "waitlisted"
	Cancelled  EnrolmentState = "cancelled"
)

// Enrolment is one person's place in a course.
type Enrolment struct {
	ID          int64          `json:"id"`
	CourseID    int64          `json:"course_id"`
	AccountID   int64          `json:"-"`
	State       EnrolmentState `json:"state"`
	RequestedAt time.Time      `json:"requested_at"`
	StateAt     time.Time      `json:"state_at"`
	FeeRials    int64          `json:"fee_rials"`
	InvoiceRef  string         `json:"invoice_ref,omitempty"`
	// Position is the place in the waitlist, from 1; 0 when not waitlisted.
	Position int `json:"position,omitempty"`
	// Certificate is the number of the certificate of attendance, once issued.
	Certificate string `json:"certificate,omitempty"`
}

// refuse is the error that tells a person why they cannot enrol.
func refuse(key string, args ...any) error {
	return problem.New(problem.Forbidden, key, args...)
}

// eligible checks p against the course's rules at tx.Now and returns the localized
// reason when p may not enrol: not a person, enrolment not open, the audience, or a
// prerequisite not completed (SLA M-4.2).
func (s *Courses) eligible(ctx context.Context, tx *store.Tx, p *identity.Principal, c Course) error {
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if p.Kind != identity.KindPerson || p.PersonID == 0 {
		return refuse("course.refused.person_only")
	}
	if c.State != Open {
		return problem.New(problem.Conflict, "course.refused.not_open")
	}
	if !c.First().After(tx.Now) {
		return problem.New(problem.Conflict, "course.refused.started")
	}
	if c.Audience != Anyone {
		orgs, err := identity.Memberships(ctx, tx, p.PersonID)
		if err != nil {
			return fmt.Errorf("course: eligibility: %w", err)
		}
		if c.Audience == GovernmentStaff && !slices.ContainsFunc(orgs, func(o identity.Organization) bool { return o.Kind == "government" }) {
			return refuse("course.refused.government_staff")
		}
		if c.Audience == OrganizationStaff && len(orgs) == 0 {
			return refuse("course.refused.organization_staff")
		}
	}
	for _, pr := range c.Prerequisites {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM course_certificates WHERE course_id = ? AND account_id = ?
			AND status = 'active'`, pr.ID, p.ID).Scan(&n); err != nil {
			return fmt.Errorf("course: eligibility: %w", err)
		}
		if n == 0 {
			return refuse("course.refused.prerequisite", pr.Title.FA)
		}
	}
	if !c.Free() && s.Invoicer == nil {
		return problem.New(problem.Conflict, "course.refused.payment_unavailable")
	}
	return nil
}

// Eligibility answers whether p may enrol in the course now: nil, or the error that
// says why not (the same check Enrol makes).
func (s *Courses) Eligibility(ctx context.Context, p *identity.Principal, courseID int64) error {
	return s.DB.ViewAt(ctx, s.Now, func(tx *store.Tx) error {
		c, err := getTx(ctx, tx, courseID)
		if err != nil {
			return err
		}
		return s.eligible(ctx, tx, p, c)
	})
}

// lockCourse bumps the course's row so that every seat change of one course runs
// one after the other (on PostgreSQL the row lock is held to the end of tx).
func lockCourse(ctx context.Context, tx *store.Tx, id int64) (Course, error) {
	res, err := tx.Exec(ctx, "UPDATE courses SET rev = rev + 1 WHERE id = ?", id)
	if err != nil {
		return Course{}, fmt.Errorf("course: lock %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Course{}, notFound("course.not_found")
	}
	return getTx(ctx, tx, id)
}

// Enrol enrols p in the course after the eligibility check: a seat while one is
// free, else a place at the end of the waitlist. A paid course's seat is billed in
// the same transaction. Asking again while enrolled or waitlisted is refused.
func (s *Courses) Enrol(ctx context.Context, p *identity.Principal, courseID int64) (*Enrolment, error) {
	var e Enrolment
	err := s.update(ctx, func(tx *store.Tx) error {
		c, err := lockCourse(ctx, tx, courseID)
		if err != nil {
			return err
		}
		if c.State == Draft {
			return notFound("course.not_found")
		}
		if err := s.eligible(ctx, tx, p, c); err != nil {
			return err
		}
		old, err := enrolmentOf(ctx, tx, courseID, p.ID)
		switch {
		case err == nil && old.State != Cancelled:
			return problem.New(problem.Conflict, "course.refused.already")
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
		e = Enrolment{ID: old.ID, CourseID: courseID, AccountID: p.ID, State: Waitlisted, RequestedAt: tx.Now, StateAt: tx.Now, FeeRials: c.FeeRials}
		if c.Enrolled < c.Capacity {
			e.State = Enrolled
			if e.InvoiceRef, err = s.bill(ctx, tx, c, p.ID); err != nil {
				return err
			}
		}
		if e.ID == 0 {
			e.ID, err = tx.InsertID(ctx, `INSERT INTO course_enrolments (course_id, account_id, state, requested_at, state_at,
				fee_rials, invoice_ref) VALUES (?, ?, ?, ?, ?, ?, ?)`, courseID, p.ID, string(e.State),
				store.Millis(tx.Now), store.Millis(tx.Now), e.FeeRials, e.InvoiceRef)
		} else {
			_, err = tx.Exec(ctx, `UPDATE course_enrolments SET state = ?, requested_at = ?, state_at = ?, fee_rials = ?,
				invoice_ref = ? WHERE id = ?`, string(e.State), store.Millis(tx.Now), store.Millis(tx.Now), e.FeeRials, e.InvoiceRef, e.ID)
		}
		if err != nil {
			return fmt.Errorf("course: enrol in %d: %w", courseID, err)
		}
		if e.State == Waitlisted {
			if e.Position, err = position(ctx, tx, e); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "course.enrol", "course", fmt.Sprint(courseID),
			map[string]any{"enrolment": e.ID, "state": string(e.State), "invoice": e.InvoiceRef})
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// bill issues the invoice for a seat of a paid course; a free course has none.
func (s *Courses) bill(ctx context.Context, tx *store.Tx, c Course, accountID int64) (string, error) {
	if c.Free() {
		return "", nil
	}
	if s.Invoicer == nil {
		return "", problem.New(problem.Conflict, "course.refused.payment_unavailable")
	}
	ref, err := s.Invoicer.Issue(ctx, tx, Invoice{AccountID: accountID, Item: fmt.Sprintf("course:%d", c.ID), Rials: c.FeeRials,
		DescriptionFa: "دوره آموزشی: " + c.Title.FA, DescriptionEn: "Training course: " + c.Title.In("en")})
	if err != nil {
		return "", fmt.Errorf("course: bill seat in %d: %w", c.ID, err)
	}
	return ref, nil
}

// Cancel gives up p's seat or waitlist place. An enrolled person may cancel until
// the course's cancellation deadline; a waitlisted one at any time. A freed seat
// goes, in the same transaction, to the first person on the waitlist, who is told.
func (s *Courses) Cancel(ctx context.Context, p *identity.Principal, courseID int64) (*Enrolment, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	var e Enrolment
	err := s.update(ctx, func(tx *store.Tx) error {
		c, err := lockCourse(ctx, tx, courseID)
		if err != nil {
			return err
		}
		if e, err = enrolmentOf(ctx, tx, courseID, p.ID); err != nil || e.State == Cancelled {
			if err == nil || errors.Is(err, store.ErrNotFound) {
				return problem.New(problem.Conflict, "course.cancel.not_enrolled")
			}
			return err
		}
		was := e.State
		if was == Enrolled && !tx.Now.Before(c.CancelBy()) {
			return problem.New(problem.Conflict, "course.cancel.deadline")
		}
		if was == Enrolled && e.InvoiceRef != "" && s.Invoicer != nil {
			if err := s.Invoicer.Cancel(ctx, tx, e.InvoiceRef); err != nil {
				return fmt.Errorf("course: cancel in %d: %w", courseID, err)
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE course_enrolments SET state = ?, state_at = ? WHERE id = ?",
			string(Cancelled), store.Millis(tx.Now), e.ID); err != nil {
			return fmt.Errorf("course: cancel in %d: %w", courseID, err)
		}
		e.State, e.StateAt, e.Position = Cancelled, tx.Now, 0
		if err := audit.Record(ctx, tx, audit.AccountActor(p.ID), "course.cancel", "course", fmt.Sprint(courseID),
			map[string]any{"enrolment": e.ID, "was": string(was)}); err != nil {
			return err
		}
		if was == Enrolled {
			return s.promote(ctx, tx, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// promote gives a freed seat to the first person on the waitlist, bills it, tells
// them and audits the move, inside the transaction that freed the seat.
func (s *Courses) promote(ctx context.Context, tx *store.Tx, c Course) error {
	var id, account int64
	err := tx.QueryRow(ctx, `SELECT id, account_id FROM course_enrolments WHERE course_id = ? AND state = 'waitlisted'
		ORDER BY requested_at, id LIMIT 1`, c.ID).Scan(&id, &account)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("course: promote in %d: %w", c.ID, err)
	}
	ref, err := s.bill(ctx, tx, c, account)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE course_enrolments SET state = ?, state_at = ?, invoice_ref = ? WHERE id = ?",
		string(Enrolled), store.Millis(tx.Now), ref, id); err != nil {
		return fmt.Errorf("course: promote in %d: %w", c.ID, err)
	}
	if err := s.tellPromoted(ctx, tx, account, c); err != nil {
		return err
	}
	return audit.Record(ctx, tx, "system:course.waitlist", "course.promote", "course", fmt.Sprint(c.ID),
		map[string]any{"enrolment": id, "account": account, "invoice": ref})
}

// enrolmentOf reads an account's enrolment in a course.
func enrolmentOf(ctx context.Context, tx *store.Tx, courseID, accountID int64) (Enrolment, error) {
	var e Enrolment
	var req, at int64
	err := tx.QueryRow(ctx, `SELECT e.id, e.state, e.requested_at, e.state_at, e.fee_rials, e.invoice_ref,
		COALESCE((SELECT number FROM course_certificates c WHERE c.enrolment_id = e.id), '')
		FROM course_enrolments e WHERE e.course_id = ? AND e.account_id = ?`, courseID, accountID).
		Scan(&e.ID, &e.State, &req, &at, &e.FeeRials, &e.InvoiceRef, &e.Certificate)
	if errors.Is(err, sql.ErrNoRows) {
		return e, store.ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("course: enrolment in %d: %w", courseID, err)
	}
	e.CourseID, e.AccountID, e.RequestedAt, e.StateAt = courseID, accountID, store.FromMillis(req), store.FromMillis(at)
	if e.State == Waitlisted {
		if e.Position, err = position(ctx, tx, e); err != nil {
			return e, err
		}
	}
	return e, nil
}

// position is a waitlisted enrolment's place in the queue, from 1.
func position(ctx context.Context, tx *store.Tx, e Enrolment) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM course_enrolments WHERE course_id = ? AND state = 'waitlisted'
		AND (requested_at < ? OR (requested_at = ? AND id <= ?))`, e.CourseID, store.Millis(e.RequestedAt),
		store.Millis(e.RequestedAt), e.ID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("course: waitlist position: %w", err)
	}
	return n, nil
}

// Mine returns p's enrolment in the course; store.ErrNotFound (wrapped) when none.
func (s *Courses) Mine(ctx context.Context, p *identity.Principal, courseID int64) (*Enrolment, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	var e Enrolment
	err := s.DB.ViewAt(ctx, s.Now, func(tx *store.Tx) (err error) {
		e, err = enrolmentOf(ctx, tx, courseID, p.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}
