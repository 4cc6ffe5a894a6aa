package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/cert/warning"
)

func (s *Server) warningRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /org/warnings", s.signedIn(s.orgWarnings))
	mux.HandleFunc("POST /org/warnings/{id}/acknowledge", s.form(s.signedIn(s.warningAcknowledge)))
	mux.HandleFunc("POST /org/warnings/{id}/fixed", s.form(s.signedIn(s.warningFixed)))
	mux.HandleFunc("GET /cert/warnings", s.signedIn(s.certWarnings))
	mux.HandleFunc("POST /cert/warnings/{id}/verify", s.form(s.signedIn(s.warningVerify)))
}

// warningsPage is what both warnings pages show.
type warningsPage struct {
	Warnings []warningView
	Staff    bool
	All      bool
}

// warningView is a warning with its two clocks worked out for the page: the
// CERT's (how long from the finding's arrival to the notice) and the
// constituent's (time left to remediate, or how late).
type warningView struct {
	warning.Warning
	NotifyTook    string
	NotifyLate    bool
	RemediateLeft string
	RemediateLate bool
	// NeverTold is a warning closed (or suppressed) before any notice went out.
	NeverTold bool
}

func newWarningView(p *Page, w warning.Warning, now time.Time) warningView {
	v := warningView{Warning: w, NotifyTook: warningSpan(p, w.NotifyTook(now)), NotifyLate: w.NotifyLate(now),
		RemediateLate: w.RemediateLate(now), NeverTold: w.NotifiedAt.IsZero() && !w.Live()}
	if w.Live() && w.FixedAt.IsZero() {
		v.RemediateLeft = warningSpan(p, w.RemediateDue.Sub(now))
	}
	return v
}

// span writes a duration as days, hours and minutes; a negative one as overdue.
func warningSpan(p *Page, d time.Duration) string {
	key := "warning.span"
	if d < 0 {
		key, d = "warning.span.over", -d
	}
	m := int(d.Round(time.Minute) / time.Minute)
	var parts []string
	for _, u := range []struct {
		n   int
		key string
	}{{m / (24 * 60), "warning.span.d"}, {m / 60 % 24, "warning.span.h"}, {m % 60, "warning.span.m"}} {
		if u.n > 0 {
			parts = append(parts, p.T(u.key, u.n))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, p.T("warning.span.m", 0))
	}
	return p.T(key, strings.Join(parts, p.T("warning.span.and")))
}

func (s *Server) renderWarnings(w http.ResponseWriter, r *http.Request, staff bool) {
	title := "warning.mine.title"
	if staff {
		title = "warning.staff.title"
	}
	p := s.page(r, title)
	clearFlash(w, r)
	all := r.URL.Query().Get("all") == "1"
	list, err := s.Proactive.Warnings.List(r.Context(), caller(r), warning.Filter{Live: !all})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d := warningsPage{Staff: staff, All: all}
	now := time.Now()
	for _, w := range list {
		d.Warnings = append(d.Warnings, newWarningView(p, w, now))
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "warning_list", p)
}

func (s *Server) orgWarnings(w http.ResponseWriter, r *http.Request)  { s.renderWarnings(w, r, false) }
func (s *Server) certWarnings(w http.ResponseWriter, r *http.Request) { s.renderWarnings(w, r, true) }

// warningAct runs one action on a warning and returns to the page it came from.
func (s *Server) warningAct(w http.ResponseWriter, r *http.Request, back, done string, act func(id int64) error) {
	id, err := pathID(r)
	if err == nil {
		err = act(id)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, done)
	http.Redirect(w, r, back+"#w"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *Server) warningAcknowledge(w http.ResponseWriter, r *http.Request) {
	s.warningAct(w, r, "/org/warnings", "warning.acknowledged", func(id int64) error {
		return s.Proactive.Warnings.Acknowledge(r.Context(), caller(r), id)
	})
}

func (s *Server) warningFixed(w http.ResponseWriter, r *http.Request) {
	s.warningAct(w, r, "/org/warnings", "warning.fixed.done", func(id int64) error {
		return s.Proactive.Warnings.ClaimFixed(r.Context(), caller(r), id, r.PostFormValue("note"))
	})
}

func (s *Server) warningVerify(w http.ResponseWriter, r *http.Request) {
	s.warningAct(w, r, "/cert/warnings", "warning.verified", func(id int64) error {
		return s.Proactive.Warnings.Verify(r.Context(), caller(r), id)
	})
}
