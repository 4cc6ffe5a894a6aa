package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/calendar"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
)

// calendarRoutes serves /admin/calendar: the business calendar's holidays by Jalali
// year and its working weeks, national and per province (SLA-CLOCK rules 5, 6).
func (s *Server) calendarRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/calendar", s.signedIn(s.adminCalendar))
	mux.HandleFunc("POST /admin/calendar/holidays", s.form(s.signedIn(s.adminCalendarAdd)))
	mux.HandleFunc("POST /admin/calendar/holidays/{id}/delete", s.form(s.signedIn(s.adminCalendarDelete)))
	mux.HandleFunc("POST /admin/calendar/import", s.form(s.signedIn(s.adminCalendarImport)))
	mux.HandleFunc("POST /admin/calendar/weeks", s.form(s.signedIn(s.adminCalendarWeek)))
}

// calendarDay is one weekday row of the working-week form, Saturday first.
type calendarDay struct {
	Index  int
	NameFa string
	NameEn string
}

// adminCalendarData is what the admin calendar page shows.
type adminCalendarData struct {
	Year     int
	Holidays []calendar.HolidayRecord
	Weeks    []calendar.WorkingWeek
	Days     []calendarDay
}

func (s *Server) adminCalendar(w http.ResponseWriter, r *http.Request) {
	s.renderAdminCalendar(w, r, http.StatusOK, nil)
}

// renderAdminCalendar draws the page for ?year= (default this year), with a form
// error if there was one.
func (s *Server) renderAdminCalendar(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	if !authz.Decide(httpauth.FromContext(r.Context()).Principal, authz.Create, authz.Resource{Kind: authz.Calendar}) {
		s.Fail(w, r, problem.New(problem.Forbidden, "calendar.forbidden"))
		return
	}
	p := s.page(r, "calendar.title")
	clearFlash(w, r)
	d := adminCalendarData{Year: s.calendar().CurrentJalaliYear()}
	if y, err := strconv.Atoi(r.FormValue("year")); err == nil {
		d.Year = y
	}
	var err error
	if d.Holidays, err = s.calendar().Holidays(r.Context(), d.Year); err == nil {
		d.Weeks, err = s.calendar().WorkingWeeks(r.Context())
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, wd := range []time.Weekday{time.Saturday, time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday} {
		d.Days = append(d.Days, calendarDay{Index: int(wd), NameFa: jalali.WeekdayFa(wd), NameEn: wd.String()})
	}
	if formErr != nil {
		pe := problem.As(formErr)
		if pe.Code == problem.Internal {
			s.Fail(w, r, formErr)
			return
		}
		p.Error = p.T(pe.Key, pe.Args...)
		for _, k := range []string{"date", "name_fa", "name_en", "from", "to", "province", "csv"} {
			p.Form[k] = r.PostFormValue(k)
		}
	}
	p.Data = d
	s.render(w, r, status, "calendar_admin", p)
}

// calendarDone redirects back to the year that was edited, with a flash message.
func (s *Server) calendarDone(w http.ResponseWriter, r *http.Request, key string) {
	flash(w, key)
	u := "/admin/calendar"
	if y := r.PostFormValue("year"); y != "" {
		u += "?year=" + strconv.Itoa(atoiOr(y, s.calendar().CurrentJalaliYear()))
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

func (s *Server) adminCalendarAdd(w http.ResponseWriter, r *http.Request) {
	in := calendar.HolidayInput{Date: r.PostFormValue("date"), NameFa: r.PostFormValue("name_fa"), NameEn: r.PostFormValue("name_en"),
		Province: r.PostFormValue("province")}
	if r.PostFormValue("span") == "part" {
		in.From, in.To = r.PostFormValue("from"), r.PostFormValue("to")
	}
	h, err := in.Holiday()
	if err == nil {
		_, err = s.calendar().AddHolidays(r.Context(), httpauth.FromContext(r.Context()).Principal, []sla.Holiday{h},
			"holiday of "+h.Date.String()+" added")
	}
	if err != nil {
		s.renderAdminCalendar(w, r, problem.Status(problem.As(err).Code), err)
		return
	}
	s.calendarDone(w, r, "calendar.flash.added")
}

func (s *Server) adminCalendarDelete(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.NotFound(w, r)
		return
	}
	if err := s.calendar().DeleteHoliday(r.Context(), httpauth.FromContext(r.Context()).Principal, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.calendarDone(w, r, "calendar.flash.deleted")
}

func (s *Server) adminCalendarImport(w http.ResponseWriter, r *http.Request) {
	_, err := s.calendar().ImportHolidays(r.Context(), httpauth.FromContext(r.Context()).Principal, strings.NewReader(r.PostFormValue("csv")))
	if err != nil {
		s.renderAdminCalendar(w, r, problem.Status(problem.As(err).Code), err)
		return
	}
	s.calendarDone(w, r, "calendar.flash.imported")
}

// adminCalendarWeek sets the national week or a province's; "remove" drops a
// province's override so that it follows the national week again.
func (s *Server) adminCalendarWeek(w http.ResponseWriter, r *http.Request) {
	var days *calendar.WeekDays
	if r.PostFormValue("remove") == "" {
		days = new(calendar.WeekDays)
		for i := range days {
			days[i] = r.PostFormValue("day" + strconv.Itoa(i))
		}
	}
	err := s.calendar().SetWorkingWeek(r.Context(), httpauth.FromContext(r.Context()).Principal, r.PostFormValue("province"), days)
	if err != nil {
		s.renderAdminCalendar(w, r, problem.Status(problem.As(err).Code), err)
		return
	}
	s.calendarDone(w, r, "calendar.flash.week")
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

// calendar is the calendar administration cmd/miz wired in.
func (s *Server) calendar() *calendar.Service { return s.Calendar }
