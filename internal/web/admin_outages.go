package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/outages"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// adminOutagesData is what the admin outages page shows.
type adminOutagesData struct {
	Status   *outages.Status
	Sections []outageSection
	Services []string
	// Start and End are the Jalali date-time pickers of the form (issue 13).
	Start, End picker
	// Chosen are the services ticked before a refused form came back.
	Chosen map[string]bool
}

func (s *Server) adminOutages(w http.ResponseWriter, r *http.Request) {
	s.renderAdminOutages(w, r, http.StatusOK, nil)
}

// renderAdminOutages draws the page, with a form error if there was one.
func (s *Server) renderAdminOutages(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	if !authz.Decide(httpauth.FromContext(r.Context()).Principal, authz.Create, authz.Resource{Kind: authz.Outage}) {
		s.Fail(w, r, problem.New(problem.Forbidden, "outages.forbidden"))
		return
	}
	p := s.page(r, "admin.outages.title")
	clearFlash(w, r)
	st, err := s.outageStore().Status(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d := adminOutagesData{Status: st, Sections: outageSectionsOf("admin", st, true), Chosen: map[string]bool{}}
	for _, line := range st.Services {
		d.Services = append(d.Services, line.Service)
	}
	var start, end time.Time
	if formErr == nil {
		start = s.now()
	} else {
		start, _ = pickedTime(r, "start")
		end, _ = pickedTime(r, "end")
		for _, svc := range r.PostForm["services"] {
			d.Chosen[svc] = true
		}
	}
	d.Start = newPicker(p.Lang, "start", "start", p.T("admin.outages.start"), start, s.now(), true, false)
	d.End = newPicker(p.Lang, "end", "end", p.T("admin.outages.end"), end, s.now(), true, true)
	if formErr != nil {
		switch problem.As(formErr).Field {
		case "start":
			d.Start.Bad = true
		case "end":
			d.End.Bad = true
		}
	}
	if formErr != nil {
		pe := problem.As(formErr)
		if pe.Code == problem.Internal {
			s.Fail(w, r, formErr)
			return
		}
		p.Error = p.T(pe.Key, pe.Args...)
		for _, k := range []string{"kind", "impact", "start", "end", "notice_fa", "notice_en"} {
			p.Form[k] = r.PostFormValue(k)
		}
	}
	p.Data = d
	s.render(w, r, status, "admin_outages", p)
}

func (s *Server) adminOutageCreate(w http.ResponseWriter, r *http.Request) {
	in := outages.CreateInput{Kind: outages.Kind(r.PostFormValue("kind")), Impact: outages.Impact(r.PostFormValue("impact")),
		Services: r.PostForm["services"], NoticeFa: r.PostFormValue("notice_fa"), NoticeEn: r.PostFormValue("notice_en")}
	var err error
	if in.Start, err = pickedTime(r, "start"); err == nil {
		in.End, err = pickedTime(r, "end")
	}
	if err == nil {
		_, err = s.outageStore().Create(r.Context(), httpauth.FromContext(r.Context()).Principal, in)
	}
	if err != nil {
		s.renderAdminOutages(w, r, problem.Status(problem.As(err).Code), err)
		return
	}
	flash(w, "outages.created")
	http.Redirect(w, r, "/admin/outages", http.StatusSeeOther)
}

func (s *Server) adminOutageEnd(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.NotFound(w, r)
		return
	}
	if _, err := s.outageStore().End(r.Context(), httpauth.FromContext(r.Context()).Principal, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "outages.ended")
	http.Redirect(w, r, "/admin/outages", http.StatusSeeOther)
}

// parseTehranTime reads "1405-09-02 14:30" (Jalali date, Tehran wall time; Persian
// digits accepted); an empty field is the zero time.
func parseTehranTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	bad := problem.Field("start", "admin.outages.time")
	date, clock, _ := strings.Cut(v, " ")
	d, err := jalali.Parse(date)
	if err != nil {
		return time.Time{}, bad
	}
	t := d.Time(nil)
	if clock = strings.TrimSpace(clock); clock != "" {
		hm, err := time.Parse("15:04", persian.ASCIIDigits(clock))
		if err != nil {
			return time.Time{}, bad
		}
		t = t.Add(time.Duration(hm.Hour())*time.Hour + time.Duration(hm.Minute())*time.Minute)
	}
	return t, nil
}
