package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// courseRoutes registers the training courses (SLA M-4.2), their certificates of
// attendance and the white-hat programme (seed §6).
func (s *Server) courseRoutes(mux *http.ServeMux) {
	if s.Courses == nil {
		return
	}
	mux.HandleFunc("GET /courses", showPage(s.renderCourseList))
	mux.HandleFunc("GET /courses.atom", s.courseFeed)
	mux.HandleFunc("POST /courses", s.form(s.signedIn(s.courseCreate)))
	mux.HandleFunc("GET /courses/{id}", showPage(s.renderCourse))
	mux.HandleFunc("POST /courses/{id}/enrol", s.form(s.signedIn(s.courseAction(s.courseEnrol))))
	mux.HandleFunc("POST /courses/{id}/cancel", s.form(s.signedIn(s.courseAction(s.courseCancel))))
	mux.HandleFunc("POST /courses/{id}/sessions", s.form(s.signedIn(s.courseAction(s.courseAddSession))))
	mux.HandleFunc("POST /courses/{id}/open", s.form(s.signedIn(s.courseAction(s.courseOpen))))
	mux.HandleFunc("POST /courses/{id}/close", s.form(s.signedIn(s.courseAction(s.courseClose))))
	mux.HandleFunc("POST /courses/{id}/attendance", s.form(s.signedIn(s.courseAction(s.courseAttendance))))
	mux.HandleFunc("POST /courses/{id}/certificates", s.form(s.signedIn(s.courseAction(s.courseCertificates))))
	mux.HandleFunc("GET /courses/certificates/{number}", s.courseCertificatePage)
	s.whitehatRoutes(mux)
}

// courseListData is what /courses shows.
type courseListData struct {
	Courses   []course.Course
	Manager   bool
	Audiences []course.Audience
	Mine      []course.Certificate
}

func (s *Server) renderCourseList(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	p := s.page(r, "course.list.title")
	clearFlash(w, r)
	pr := httpauth.FromContext(r.Context()).Principal
	cs, err := s.Courses.List(r.Context(), pr)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d := courseListData{Courses: cs, Audiences: course.Audiences(),
		Manager: authz.Decide(pr, authz.Create, authz.Resource{Kind: authz.Course, Service: course.Service})}
	if pr != nil && !pr.IsStaff() {
		if d.Mine, err = s.Courses.MyCertificates(r.Context(), pr); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if formErr != nil && !s.formError(w, r, p, formErr, "title_fa", "title_en", "syllabus_fa", "syllabus_en", "audience", "language", "capacity", "fee_rials", "cancel_hours", "min_attendance") {
		return
	}
	p.Data = d
	s.render(w, r, status, "course_list", p)
}

// formError puts a domain error on the page (its message and the field it names)
// and keeps what was typed; it fails the request instead for a server error and
// then reports false.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, p *Page, err error, fields ...string) bool {
	pe := problem.As(err)
	if pe.Code == problem.Internal || pe.Code == problem.Unavailable {
		s.Fail(w, r, err)
		return false
	}
	p.Error = p.T(pe.Key, pe.Args...)
	if pe.Field != "" {
		p.Errors[pe.Field] = p.Error
	}
	for _, k := range fields {
		p.Form[k] = r.PostFormValue(k)
	}
	return true
}

// formInt reads a whole number typed with Persian or ASCII digits; an empty field is 0.
func formInt(r *http.Request, field string) (int64, error) {
	v := strings.ReplaceAll(persian.ASCIIDigits(strings.TrimSpace(r.PostFormValue(field))), ",", "")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, problem.Field(field, "course.number.invalid")
	}
	return n, nil
}

func (s *Server) courseCreate(w http.ResponseWriter, r *http.Request) {
	in := course.CourseInput{Title: course.Text{FA: r.PostFormValue("title_fa"), EN: r.PostFormValue("title_en")},
		Syllabus: course.Text{FA: r.PostFormValue("syllabus_fa"), EN: r.PostFormValue("syllabus_en")},
		Audience: course.Audience(r.PostFormValue("audience")), Language: r.PostFormValue("language")}
	var err error
	var n int64
	for _, f := range []struct {
		name string
		set  func(int64)
	}{
		{"capacity", func(v int64) { in.Capacity = int(v) }}, {"fee_rials", func(v int64) { in.FeeRials = v }},
		{"cancel_hours", func(v int64) { in.CancelHours = int(v) }}, {"min_attendance", func(v int64) { in.MinAttendance = int(v) }},
	} {
		if n, err = formInt(r, f.name); err != nil {
			break
		}
		f.set(n)
	}
	for _, v := range r.PostForm["prerequisites"] {
		if id, perr := strconv.ParseInt(v, 10, 64); perr == nil {
			in.Prerequisites = append(in.Prerequisites, id)
		}
	}
	var c *course.Course
	if err == nil {
		c, err = s.Courses.Create(r.Context(), httpauth.FromContext(r.Context()).Principal, in)
	}
	if err != nil {
		s.renderCourseList(w, r, problem.Status(problem.As(err).Code), err)
		return
	}
	flash(w, "course.created")
	http.Redirect(w, r, fmt.Sprintf("/courses/%d", c.ID), http.StatusSeeOther)
}

// courseFeed serves the published courses as an Atom 1.0 feed (SLA M-4.2).
func (s *Server) courseFeed(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	base := s.siteBase()
	if base == "" {
		s.Fail(w, r, problem.New(problem.NotFound, "hardening.feed.no_base_url"))
		return
	}
	cs, err := s.Courses.List(r.Context(), nil)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	f := atom{Lang: string(lang), Title: i18n.T(lang, "course.feed.title"), ID: base + "/courses.atom",
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339), Link: atomLink{Href: base + "/courses"}}
	for i, c := range cs {
		at := c.OpenedAt.UTC().Format(time.RFC3339)
		if i == 0 {
			f.Updated = at
		}
		first := c.First().In(jalali.Tehran()).Format("2006-01-02 15:04")
		if lang == i18n.Fa {
			first = jalali.FormatTimeFa(c.First())
		}
		f.Entries = append(f.Entries, atomEntry{Title: c.Title.In(string(lang)), ID: fmt.Sprintf("%s/courses/%d", base, c.ID),
			Updated: at, Link: atomLink{Href: fmt.Sprintf("%s/courses/%d", base, c.ID)},
			Summary: i18n.T(lang, "course.feed.summary", first, i18n.T(lang, "course.audience."+string(c.Audience)), c.Capacity),
			Author:  i18n.T(lang, "course.feed.author")})
	}
	s.writeFeed(w, r, f)
}

// coursePageData is what /courses/{id} shows.
type coursePageData struct {
	Course *course.Course
	Mine   *course.Enrolment
	// Refusal says why the visitor may not enrol, if they may not.
	Refusal string
	Manager bool
	Staff   bool
	Roster  *course.Roster
	Now     time.Time
}

func (s *Server) renderCourse(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	id, c, ok := loadItem(s, w, r, s.Courses.Get)
	if !ok {
		return
	}
	ctx, pr := r.Context(), httpauth.FromContext(r.Context()).Principal
	var err error
	p := s.page(r, "")
	p.Title = c.Title.In(string(p.Lang))
	clearFlash(w, r)
	res := authz.Resource{Kind: authz.Course, Service: course.Service}
	d := coursePageData{Course: c, Now: time.Now(), Manager: authz.Decide(pr, authz.Update, res), Staff: authz.Decide(pr, authz.Act, res)}
	if pr != nil {
		if d.Mine, err = s.Courses.Mine(ctx, pr, id); err != nil && !errors.Is(err, problem.ErrNotFound) {
			s.Fail(w, r, err)
			return
		}
	}
	if d.Mine == nil || d.Mine.State == course.Cancelled {
		if err := s.Courses.Eligibility(ctx, pr, id); err != nil {
			pe := problem.As(err)
			if pe.Code == problem.Internal {
				s.Fail(w, r, err)
				return
			}
			d.Refusal = p.T(pe.Key, pe.Args...)
		}
	}
	if d.Staff {
		if d.Roster, err = s.Courses.Roster(ctx, pr, id); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if formErr != nil && !s.formError(w, r, p, formErr, "starts_at", "ends_at", "place", "link") {
		return
	}
	p.Data = d
	s.render(w, r, status, "course_one", p)
}

// courseAction runs a form's use case for the course in the path, then shows the
// course again: with the flash it returns, or with the error on the page.
func (s *Server) courseAction(act func(r *http.Request, id int64) (string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			s.NotFound(w, r)
			return
		}
		msg, err := act(r, id)
		s.formDone(w, r, err, s.renderCourse, msg, fmt.Sprintf("/courses/%d", id))
	}
}

func (s *Server) courseEnrol(r *http.Request, id int64) (string, error) {
	e, err := s.Courses.Enrol(r.Context(), caller(r), id)
	if err != nil {
		return "", err
	}
	return "course.flash." + string(e.State), nil
}

func (s *Server) courseCancel(r *http.Request, id int64) (string, error) {
	_, err := s.Courses.Cancel(r.Context(), caller(r), id)
	return "course.flash.cancelled", err
}

func (s *Server) courseAddSession(r *http.Request, id int64) (string, error) {
	in := course.SessionInput{Place: r.PostFormValue("place"), Link: r.PostFormValue("link")}
	var err error
	if in.Starts, err = parseSessionTime(r.PostFormValue("starts_at"), "starts_at"); err != nil {
		return "", err
	}
	if in.Ends, err = parseSessionTime(r.PostFormValue("ends_at"), "ends_at"); err != nil {
		return "", err
	}
	_, err = s.Courses.AddSession(r.Context(), caller(r), id, in)
	return "course.flash.session", err
}

func (s *Server) courseOpen(r *http.Request, id int64) (string, error) {
	_, err := s.Courses.Open(r.Context(), caller(r), id)
	return "course.flash.opened", err
}

func (s *Server) courseClose(r *http.Request, id int64) (string, error) {
	_, err := s.Courses.Close(r.Context(), caller(r), id)
	return "course.flash.closed", err
}

func (s *Server) courseAttendance(r *http.Request, id int64) (string, error) {
	sid, err := strconv.ParseInt(r.PostFormValue("session"), 10, 64)
	if err != nil {
		return "", problem.Field("session", "course.session.not_found")
	}
	var present []int64
	for _, v := range r.PostForm["present"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			present = append(present, n)
		}
	}
	return "course.flash.attendance", s.Courses.RecordAttendance(r.Context(), caller(r), id, sid, present)
}

func (s *Server) courseCertificates(r *http.Request, id int64) (string, error) {
	_, err := s.Courses.IssueCertificates(r.Context(), caller(r), id)
	return "course.flash.certificates", err
}

// parseSessionTime reads "1405/09/20 09:00" (Jalali date, Tehran wall time, seconds
// optional, Persian digits accepted).
func parseSessionTime(v, field string) (time.Time, error) {
	v = strings.TrimSpace(persian.ASCIIDigits(v))
	bad := problem.Field(field, "course.session.start")
	date, clock, _ := strings.Cut(v, " ")
	d, err := jalali.Parse(date)
	if err != nil || v == "" {
		return time.Time{}, bad
	}
	t := d.Time(nil)
	clock = strings.TrimSpace(clock)
	layout := "15:04"
	if strings.Count(clock, ":") == 2 {
		layout = "15:04:05"
	}
	hm, err := time.Parse(layout, clock)
	if err != nil {
		return time.Time{}, bad
	}
	return t.Add(time.Duration(hm.Hour())*time.Hour + time.Duration(hm.Minute())*time.Minute + time.Duration(hm.Second())*time.Second), nil
}

func (s *Server) courseCertificatePage(w http.ResponseWriter, r *http.Request) {
	k, err := s.Courses.Certificate(r.Context(), r.PathValue("number"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "course.certificate.title")
	p.Data = k
	s.render(w, r, http.StatusOK, "course_certificate", p)
}
