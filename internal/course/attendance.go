package course

import (
	"context"
	"fmt"
	"slices"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Participant is one line of a course's roster, as staff see it.
type Participant struct {
	Enrolment
	Name         string `json:"name"`
	NationalCode string `json:"national_code"`
	// Present maps a session's ID to whether the person attended it; a session
	// whose attendance is not recorded yet is missing.
	Present  map[int64]bool `json:"present"`
	Attended int            `json:"attended"`
}

// Roster is a course with its participants and waitlist, for staff.
type Roster struct {
	Course   Course        `json:"course"`
	Enrolled []Participant `json:"enrolled"`
	Waitlist []Participant `json:"waitlist"`
	// Recorded lists the sessions whose attendance is recorded.
	Recorded []int64 `json:"recorded"`
}

// Roster returns the course's participants with their attendance (staff of the
// CERT only: it names people).
func (s *Courses) Roster(ctx context.Context, p *identity.Principal, courseID int64) (*Roster, error) {
	if err := allowed(p, authz.Act); err != nil {
		return nil, err
	}
	var r Roster
	err := s.DB.ViewAt(ctx, s.Now, func(tx *store.Tx) (err error) {
		r, err = rosterTx(ctx, tx, courseID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func rosterTx(ctx context.Context, tx *store.Tx, courseID int64) (Roster, error) {
	c, err := getTx(ctx, tx, courseID)
	if err != nil {
		return Roster{}, err
	}
	r := Roster{Course: c, Enrolled: []Participant{}, Waitlist: []Participant{}, Recorded: []int64{}}
	rows, err := tx.Query(ctx, `SELECT e.id, e.account_id, e.state, e.requested_at, e.state_at, e.fee_rials, e.invoice_ref,
		COALESCE((SELECT number FROM course_certificates k WHERE k.enrolment_id = e.id), '')
		FROM course_enrolments e WHERE e.course_id = ? AND e.state <> 'cancelled' ORDER BY e.requested_at, e.id`, courseID)
	if err != nil {
		return r, fmt.Errorf("course: roster of %d: %w", courseID, err)
	}
	var all []Participant
	for rows.Next() {
		var pt Participant
		var req, at int64
		if err := rows.Scan(&pt.ID, &pt.AccountID, &pt.State, &req, &at, &pt.FeeRials, &pt.InvoiceRef, &pt.Certificate); err != nil {
			rows.Close()
			return r, err
		}
		pt.CourseID, pt.RequestedAt, pt.StateAt, pt.Present = courseID, store.FromMillis(req), store.FromMillis(at), map[int64]bool{}
		all = append(all, pt)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	rows, err = tx.Query(ctx, `SELECT a.enrolment_id, a.session_id, a.present FROM course_attendance a
		JOIN course_enrolments e ON e.id = a.enrolment_id WHERE e.course_id = ?`, courseID)
	if err != nil {
		return r, fmt.Errorf("course: attendance of %d: %w", courseID, err)
	}
	marks := map[int64]map[int64]bool{}
	for rows.Next() {
		var eid, sid int64
		var present bool
		if err := rows.Scan(&eid, &sid, &present); err != nil {
			rows.Close()
			return r, err
		}
		if marks[eid] == nil {
			marks[eid] = map[int64]bool{}
		}
		marks[eid][sid] = present
		if !slices.Contains(r.Recorded, sid) {
			r.Recorded = append(r.Recorded, sid)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	pos := 0
	for _, pt := range all {
		if pt.Name, pt.NationalCode, err = holderOf(ctx, tx, pt.AccountID); err != nil {
			return r, err
		}
		for sid, present := range marks[pt.ID] {
			pt.Present[sid] = present
			if present {
				pt.Attended++
			}
		}
		if pt.State == Waitlisted {
			pos++
			pt.Position = pos
			r.Waitlist = append(r.Waitlist, pt)
		} else {
			r.Enrolled = append(r.Enrolled, pt)
		}
	}
	return r, nil
}

// holderOf returns the name and national code of a person's account.
func holderOf(ctx context.Context, tx *store.Tx, accountID int64) (name, code string, err error) {
	a, err := identity.AccountByID(ctx, tx, accountID)
	if err != nil {
		return "", "", fmt.Errorf("course: participant %d: %w", accountID, err)
	}
	if a.PersonID == 0 {
		return a.DisplayName, "", nil
	}
	pr, err := identity.PersonByID(ctx, tx, a.PersonID)
	if err != nil {
		return "", "", fmt.Errorf("course: participant %d: %w", accountID, err)
	}
	return pr.NameFa, pr.NationalCode, nil
}

// RecordAttendance records who attended a session that has begun: the enrolments
// listed in present attended, every other enrolled person did not. Recording again
// corrects the earlier record; each recording is audited.
func (s *Courses) RecordAttendance(ctx context.Context, p *identity.Principal, courseID, sessionID int64, present []int64) error {
	if err := allowed(p, authz.Act); err != nil {
		return err
	}
	return s.update(ctx, func(tx *store.Tx) error {
		r, err := rosterTx(ctx, tx, courseID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(r.Course.Sessions, func(se Session) bool { return se.ID == sessionID })
		if i < 0 {
			return notFound("course.session.not_found")
		}
		if tx.Now.Before(r.Course.Sessions[i].Starts) {
			return problem.New(problem.Conflict, "course.attendance.future")
		}
		var here []int64
		for _, pt := range r.Enrolled {
			if pt.Certificate != "" {
				return problem.New(problem.Conflict, "course.attendance.certified")
			}
			ok := slices.Contains(present, pt.ID)
			if ok {
				here = append(here, pt.ID)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO course_attendance (enrolment_id, session_id, present, recorded_by, recorded_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (enrolment_id, session_id) DO UPDATE SET present = excluded.present,
				recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
				pt.ID, sessionID, ok, p.ID, store.Millis(tx.Now)); err != nil {
				return fmt.Errorf("course: attendance of session %d: %w", sessionID, err)
			}
		}
		for _, id := range present {
			if !slices.ContainsFunc(r.Enrolled, func(pt Participant) bool { return pt.ID == id }) {
				return problem.Field("present", "course.attendance.not_enrolled")
			}
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "course.attendance", "course", fmt.Sprint(courseID),
			map[string]any{"session": sessionID, "present": here, "enrolled": len(r.Enrolled)})
	})
}
