package course

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// CourseInput is a course as staff describe it.
type CourseInput struct {
	Title         Text     `json:"title"`
	Syllabus      Text     `json:"syllabus"`
	Audience      Audience `json:"audience"`
	Language      string   `json:"language"`
	Capacity      int      `json:"capacity"`
	FeeRials      int64    `json:"fee_rials"`
	CancelHours   int      `json:"cancel_hours"`
	MinAttendance int      `json:"min_attendance"`
	Prerequisites []int64  `json:"prerequisites"`
}

// Limits of a course's fields.
const (
	maxTitle    = 200
	maxSyllabus = 8000
	maxCapacity = 10000
)

// lines normalises text line by line (persian.Normalize folds line breaks), keeping
// the paragraphs of a syllabus.
func lines(s string) string {
	ls := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range ls {
		ls[i] = persian.Normalize(l)
	}
	return strings.TrimSpace(strings.Join(ls, "\n"))
}

// normalise checks a course and puts its text in canonical form; the error names
// the field at fault, for the form and the API alike.
func (in *CourseInput) normalise() error {
	in.Title.FA, in.Title.EN = persian.Normalize(in.Title.FA), persian.Normalize(in.Title.EN)
	in.Syllabus.FA, in.Syllabus.EN = lines(in.Syllabus.FA), lines(in.Syllabus.EN)
	if in.Audience == "" {
		in.Audience = Anyone
	}
	if in.Language == "" {
		in.Language = "fa"
	}
	if in.MinAttendance == 0 {
		in.MinAttendance = 75
	}
	slices.Sort(in.Prerequisites)
	in.Prerequisites = slices.Compact(in.Prerequisites)
	switch {
	case in.Title.FA == "":
		return problem.Field("title_fa", "course.title.required")
	case len(in.Title.FA) > maxTitle || len(in.Title.EN) > maxTitle:
		return problem.Field("title_fa", "course.title.long", maxTitle)
	case len(in.Syllabus.FA) > maxSyllabus || len(in.Syllabus.EN) > maxSyllabus:
		return problem.Field("syllabus_fa", "course.syllabus.long", maxSyllabus)
	case !slices.Contains(Audiences(), in.Audience):
		return problem.Field("audience", "course.audience.invalid")
	case in.Language != "fa" && in.Language != "en":
		return problem.Field("language", "course.language.invalid")
	case in.Capacity < 1 || in.Capacity > maxCapacity:
		return problem.Field("capacity", "course.capacity.invalid", maxCapacity)
	case in.FeeRials < 0:
		return problem.Field("fee_rials", "course.fee.invalid")
	case in.CancelHours < 0 || in.CancelHours > 24*90:
		return problem.Field("cancel_hours", "course.cancel_hours.invalid")
	case in.MinAttendance < 1 || in.MinAttendance > 100:
		return problem.Field("min_attendance", "course.min_attendance.invalid")
	}
	return nil
}

// Create adds a draft course to the catalog (staff who edit the CERT's catalog).
func (s *Courses) Create(ctx context.Context, p *identity.Principal, in CourseInput) (*Course, error) {
	if err := allowed(p, authz.Create); err != nil {
		return nil, err
	}
	if err := in.normalise(); err != nil {
		return nil, err
	}
	if err := CheckFee(ctx, s.Invoicer, "course", in.FeeRials); err != nil {
		return nil, err
	}
	var id int64
	err := s.update(ctx, func(tx *store.Tx) error {
		for _, req := range in.Prerequisites {
			if _, err := getTx(ctx, tx, req); err != nil {
				return problem.Field("prerequisites", "course.prerequisite.unknown")
			}
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO courses (title_fa, title_en, syllabus_fa, syllabus_en, audience, language,
			capacity, fee_rials, cancel_hours, min_attendance, state, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Title.FA, in.Title.EN, in.Syllabus.FA, in.Syllabus.EN,
			string(in.Audience), in.Language, in.Capacity, in.FeeRials, in.CancelHours, in.MinAttendance, string(Draft),
			p.ID, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("course: create: %w", err)
		}
		for _, req := range in.Prerequisites {
			if _, err := tx.Exec(ctx, "INSERT INTO course_prerequisites (course_id, required_id) VALUES (?, ?)", id, req); err != nil {
				return fmt.Errorf("course: create: prerequisite %d: %w", req, err)
			}
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "course.create", "course", fmt.Sprint(id),
			map[string]any{"title": in.Title.FA, "audience": string(in.Audience), "capacity": in.Capacity,
				"fee_rials": in.FeeRials, "prerequisites": in.Prerequisites})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// SessionInput is one meeting as staff schedule it: a place, a link, or both.
type SessionInput struct {
	Starts time.Time `json:"starts_at"`
	Ends   time.Time `json:"ends_at"`
	Place  string    `json:"place"`
	Link   string    `json:"link"`
}

func (in *SessionInput) normalise() error {
	in.Place, in.Link = persian.Normalize(in.Place), strings.TrimSpace(in.Link)
	switch {
	case in.Starts.IsZero():
		return problem.Field("starts_at", "course.session.start")
	case !in.Ends.After(in.Starts):
		return problem.Field("ends_at", "course.session.end")
	case in.Place == "" && in.Link == "":
		return problem.Field("place", "course.session.where")
	case len(in.Place) > 500:
		return problem.Field("place", "course.session.where")
	}
	if in.Link != "" {
		u, err := url.Parse(in.Link)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.Link) > 500 {
			return problem.Field("link", "course.session.link")
		}
	}
	return nil
}

// AddSession schedules a meeting of a draft course; the schedule is fixed once the
// course opens, since people enrol in it.
func (s *Courses) AddSession(ctx context.Context, p *identity.Principal, courseID int64, in SessionInput) (*Session, error) {
	if err := allowed(p, authz.Update); err != nil {
		return nil, err
	}
	if err := in.normalise(); err != nil {
		return nil, err
	}
	var ses Session
	err := s.update(ctx, func(tx *store.Tx) error {
		c, err := getTx(ctx, tx, courseID)
		if err != nil {
			return err
		}
		if c.State != Draft {
			return problem.New(problem.Conflict, "course.session.not_draft")
		}
		if !in.Starts.After(tx.Now) {
			return problem.Field("starts_at", "course.session.past")
		}
		ses = Session{Starts: in.Starts.UTC().Truncate(time.Millisecond), Ends: in.Ends.UTC().Truncate(time.Millisecond), Place: in.Place, Link: in.Link}
		ses.ID, err = tx.InsertID(ctx, `INSERT INTO course_sessions (course_id, starts_at, ends_at, place, link) VALUES (?, ?, ?, ?, ?)`,
			courseID, store.Millis(ses.Starts), store.Millis(ses.Ends), ses.Place, ses.Link)
		if err != nil {
			return fmt.Errorf("course: add session to %d: %w", courseID, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "course.session.add", "course", fmt.Sprint(courseID),
			map[string]any{"session": ses.ID, "starts_at": store.Millis(ses.Starts), "ends_at": store.Millis(ses.Ends),
				"place": ses.Place, "link": ses.Link})
	})
	if err != nil {
		return nil, err
	}
	return &ses, nil
}

// Open publishes a draft course and, in the same transaction, announces it to every
// person and organisation in its audience, in-app, by e-mail and by SMS as each
// chose for course notices (SLA M-4.2).
func (s *Courses) Open(ctx context.Context, p *identity.Principal, courseID int64) (*Course, error) {
	if err := allowed(p, authz.Publish); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx *store.Tx) error {
		c, err := getTx(ctx, tx, courseID)
		if err != nil {
			return err
		}
		if c.State != Draft {
			return problem.New(problem.Conflict, "course.open.not_draft")
		}
		if len(c.Sessions) == 0 {
			return problem.New(problem.Conflict, "course.open.no_sessions")
		}
		if !c.First().After(tx.Now) {
			return problem.New(problem.Conflict, "course.open.started")
		}
		n, err := s.announce(ctx, tx, c)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE courses SET state = ?, opened_at = ?, announced = ? WHERE id = ?",
			string(Open), store.Millis(tx.Now), n, courseID); err != nil {
			return fmt.Errorf("course: open %d: %w", courseID, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "course.open", "course", fmt.Sprint(courseID),
			map[string]any{"announced": n})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, courseID)
}

// Close stops enrolment in an open course; enrolled people keep their seats.
func (s *Courses) Close(ctx context.Context, p *identity.Principal, courseID int64) (*Course, error) {
	if err := allowed(p, authz.Publish); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx *store.Tx) error {
		c, err := getTx(ctx, tx, courseID)
		if err != nil {
			return err
		}
		if c.State != Open {
			return problem.New(problem.Conflict, "course.close.not_open")
		}
		if _, err := tx.Exec(ctx, "UPDATE courses SET state = ? WHERE id = ?", string(Closed), courseID); err != nil {
			return fmt.Errorf("course: close %d: %w", courseID, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "course.close", "course", fmt.Sprint(courseID), nil)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, courseID)
}
