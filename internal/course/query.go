package course

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

const courseColumns = `id, title_fa, title_en, syllabus_fa, syllabus_en, audience, language, capacity, fee_rials,
	cancel_hours, min_attendance, state, opened_at, announced, created_at,
	(SELECT COUNT(*) FROM course_enrolments e WHERE e.course_id = courses.id AND e.state = 'enrolled'),
	(SELECT COUNT(*) FROM course_enrolments e WHERE e.course_id = courses.id AND e.state = 'waitlisted')`

func scanCourse(row interface{ Scan(...any) error }) (Course, error) {
	var c Course
	var opened, created int64
	err := row.Scan(&c.ID, &c.Title.FA, &c.Title.EN, &c.Syllabus.FA, &c.Syllabus.EN, &c.Audience, &c.Language,
		&c.Capacity, &c.FeeRials, &c.CancelHours, &c.MinAttendance, &c.State, &opened, &c.Announced, &created,
		&c.Enrolled, &c.Waitlisted)
	if opened != 0 {
		c.OpenedAt = store.FromMillis(opened)
	}
	c.CreatedAt = store.FromMillis(created)
	return c, err
}

// getTx reads one course with its sessions and prerequisites.
func getTx(ctx context.Context, tx *store.Tx, id int64) (Course, error) {
	c, err := scanCourse(tx.QueryRow(ctx, "SELECT "+courseColumns+" FROM courses WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("course.not_found")
	}
	if err != nil {
		return c, fmt.Errorf("course: get %d: %w", id, err)
	}
	if c.Sessions, err = sessionsOf(ctx, tx, id); err != nil {
		return c, err
	}
	rows, err := tx.Query(ctx, `SELECT r.id, r.title_fa, r.title_en FROM course_prerequisites p
		JOIN courses r ON r.id = p.required_id WHERE p.course_id = ? ORDER BY r.id`, id)
	if err != nil {
		return c, fmt.Errorf("course: prerequisites of %d: %w", id, err)
	}
	defer rows.Close()
	c.Prerequisites = []Prerequisite{}
	for rows.Next() {
		var pr Prerequisite
		if err := rows.Scan(&pr.ID, &pr.Title.FA, &pr.Title.EN); err != nil {
			return c, err
		}
		c.Prerequisites = append(c.Prerequisites, pr)
	}
	return c, rows.Err()
}

func sessionsOf(ctx context.Context, tx *store.Tx, courseID int64) ([]Session, error) {
	rows, err := tx.Query(ctx, `SELECT id, starts_at, ends_at, place, link FROM course_sessions
		WHERE course_id = ? ORDER BY starts_at, id`, courseID)
	if err != nil {
		return nil, fmt.Errorf("course: sessions of %d: %w", courseID, err)
	}
	defer rows.Close()
	out := []Session{}
	for rows.Next() {
		var s Session
		var start, end int64
		if err := rows.Scan(&s.ID, &start, &end, &s.Place, &s.Link); err != nil {
			return nil, err
		}
		s.Starts, s.Ends = store.FromMillis(start), store.FromMillis(end)
		out = append(out, s)
	}
	return out, rows.Err()
}

// staff reports whether p manages or works courses, and so sees drafts.
func staff(p *identity.Principal) bool {
	return authz.Decide(p, authz.Update, authz.Resource{Kind: authz.Course, Service: Service}) ||
		authz.Decide(p, authz.Act, authz.Resource{Kind: authz.Course, Service: Service})
}

// Get returns a course; drafts only to staff.
func (s *Courses) Get(ctx context.Context, p *identity.Principal, id int64) (*Course, error) {
	var c Course
	err := s.DB.ViewAt(ctx, s.Now, func(tx *store.Tx) (err error) {
		c, err = getTx(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if c.State == Draft && !staff(p) {
		return nil, notFound("course.not_found")
	}
	return &c, nil
}

// List returns the published courses, newest first; staff see drafts too.
func (s *Courses) List(ctx context.Context, p *identity.Principal) ([]Course, error) {
	q := "SELECT " + courseColumns + " FROM courses WHERE state <> 'draft' ORDER BY id DESC"
	if staff(p) {
		q = "SELECT " + courseColumns + " FROM courses ORDER BY id DESC"
	}
	var out []Course
	err := s.DB.ViewAt(ctx, s.Now, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q)
		if err != nil {
			return err
		}
		for rows.Next() {
			c, err := scanCourse(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			if out[i].Sessions, err = sessionsOf(ctx, tx, out[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("course: list: %w", err)
	}
	return out, nil
}
