package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/cert/consent"
	"github.com/itoir/miz/internal/cert/disclosure"
	"github.com/itoir/miz/internal/cert/dispatch"
	"github.com/itoir/miz/internal/cert/report"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// CertWork is the CERT desk's services beside the incident module: on-site
// dispatch (M-4.4), access consent, technical reports (D-3) and
// coordinated disclosure. Each may be nil, which leaves its pages out.
type CertWork struct {
	Dispatch   *dispatch.Service
	Consent    *consent.Service
	Reports    *report.Service
	Disclosure *disclosure.Service
}

// certWorkRoutes registers the dispatch, consent, report and disclosure pages.
func (s *Server) certWorkRoutes(mux *http.ServeMux) {
	if s.CertWork == nil {
		return
	}
	if s.CertWork.Dispatch != nil {
		mux.HandleFunc("GET /cases/{code}/dispatch", s.signedIn(s.dispatchPage))
		mux.HandleFunc("POST /cases/{code}/dispatch", s.form(s.signedIn(s.dispatchRequest)))
		mux.HandleFunc("POST /cases/{code}/dispatch/{id}/{step}", s.form(s.signedIn(s.dispatchStep)))
	}
	s.consentRoutes(mux)
	s.reportRoutes(mux)
	s.disclosureRoutes(mux)
}

// refuse re-shows a page with err beside the field it names (or above the form),
// the form as typed and the refusal's status; anything but a person's mistake
// is an error page.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err error, show func(p *Page, status int)) {
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code == problem.Internal || pe.Code == problem.Unavailable ||
		pe.Code == problem.NotFound || pe.Code == problem.Unauthorized {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "")
	for k := range r.PostForm {
		if k != "csrf" {
			p.Form[k] = r.PostFormValue(k)
		}
	}
	msg := p.T(pe.Key, pe.Args...)
	if pe.Field != "" {
		p.Errors[pe.Field] = msg
	} else {
		p.Error = msg
	}
	if pe.Code == problem.RateLimited {
		httpauth.SetRetryAfter(w, err)
	}
	show(p, problem.Status(pe.Code))
}

// span writes a duration as hours and minutes in the page's language.
func span(lang i18n.Lang, d time.Duration) string {
	d = d.Round(time.Minute)
	return i18n.T(lang, "dispatch.hours_minutes", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// dispatchLine is one dispatch as the page shows it.
type dispatchLine struct {
	*dispatch.Dispatch
	Status, Clock string
	Running       bool
}

func (s *Server) dispatchPage(w http.ResponseWriter, r *http.Request) {
	clearFlash(w, r)
	s.showDispatch(w, r, s.page(r, ""), http.StatusOK)
}

func (s *Server) showDispatch(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	p.Title = p.T("dispatch.title")
	v, err := s.CertWork.Dispatch.List(r.Context(), caller(r), r.PathValue("code"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var lines []dispatchLine
	for _, d := range v.Dispatches {
		c := d.ClockAt(v.Now)
		l := dispatchLine{Dispatch: d, Running: c.Running}
		if c.Running {
			l.Clock = p.T("dispatch.clock.running", span(p.Lang, c.Elapsed))
		} else {
			l.Clock = p.T("dispatch.clock.stopped", span(p.Lang, c.Elapsed))
		}
		switch {
		case !d.LeftAt.IsZero():
			l.Status = "dispatch.status.left"
		case !d.ArrivedAt.IsZero():
			l.Status = "dispatch.status.on_site"
		case d.TeamRecorded():
			l.Status = "dispatch.status.team"
		default:
			l.Status = "dispatch.status.requested"
		}
		lines = append(lines, l)
	}
	p.Data = map[string]any{"Code": v.CaseCode, "View": v, "Lines": lines, "Tabs": s.certTabs(v.CaseCode, "dispatch")}
	s.render(w, r, status, "cert_dispatch", p)
}

func (s *Server) dispatchRequest(w http.ResponseWriter, r *http.Request) {
	_, err := s.CertWork.Dispatch.Request(r.Context(), caller(r), r.PathValue("code"), r.PostFormValue("note"))
	s.dispatchDone(w, r, err, "dispatch.flash.requested")
}

func (s *Server) dispatchStep(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	ctx, p, code, f := r.Context(), caller(r), r.PathValue("code"), r.PostFormValue
	var err error
	switch r.PathValue("step") {
	case "team":
		_, err = s.CertWork.Dispatch.RecordTeam(ctx, p, code, id, dispatch.TeamInput{Members: f("members"),
			PlannedDeparture: f("planned_departure"), ETA: f("eta")})
	case "arrival":
		_, err = s.CertWork.Dispatch.RecordArrival(ctx, p, code, id, f("arrived_at"))
	case "departure":
		_, err = s.CertWork.Dispatch.RecordDeparture(ctx, p, code, id, f("left_at"), f("field_notes"))
	default:
		s.NotFound(w, r)
		return
	}
	s.dispatchDone(w, r, err, "dispatch.flash.saved")
}

func (s *Server) dispatchDone(w http.ResponseWriter, r *http.Request, err error, key string) {
	if err != nil {
		s.refuse(w, r, err, func(p *Page, status int) { s.showDispatch(w, r, p, status) })
		return
	}
	flash(w, key)
	http.Redirect(w, r, "/cases/"+r.PathValue("code")+"/dispatch", http.StatusSeeOther)
}

// certTab is one of the links between a case's CERT pages.
type certTab struct {
	Path, Label string
	Current     bool
}

// certTabs links the case and its dispatch, consent and report pages.
func (s *Server) certTabs(code, current string) []certTab {
	tabs := []certTab{{Path: "/cases/" + code, Label: "cases.case.title"}}
	add := func(ok bool, id, label string) {
		if ok {
			tabs = append(tabs, certTab{Path: fmt.Sprintf("/cases/%s/%s", code, id), Label: label, Current: id == current})
		}
	}
	add(s.CertWork.Dispatch != nil, "dispatch", "dispatch.title")
	add(s.CertWork.Consent != nil, "consent", "consent.title")
	add(s.CertWork.Reports != nil, "reports", "report.title")
	return tabs
}
