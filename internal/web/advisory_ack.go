package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/itoir/miz/internal/cert/advisory"
	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/warning"
	"github.com/itoir/miz/internal/problem"
)

// advisoryAckRoutes registers a constituent's acknowledgement that it applied an
// advisory, its list of advisories still to acknowledge and the CERT's coverage
// of each advisory (SLA ); left out without advisories or warnings.
func (s *Server) advisoryAckRoutes(mux *http.ServeMux) {
	if s.Advisories == nil || s.Proactive == nil {
		return
	}
	mux.HandleFunc("POST /advisories/{id}/applied", s.form(s.signedIn(s.advisoryApplied)))
	mux.HandleFunc("POST /advisories/{id}/unapplied", s.form(s.signedIn(s.advisoryUnapplied)))
	mux.HandleFunc("GET /org/advisories", s.signedIn(s.orgAdvisories))
	mux.HandleFunc("GET /cert/advisories/coverage", s.signedIn(s.advisoryCoverage))
}

// advisoryView is a published advisory with what the caller's organisation did
// about it and, for CERT staff, how many constituents applied it (SLA ).
type advisoryView struct {
	*advisory.Advisory
	// Member is true for someone who acts for an organisation: they see the form.
	Member    bool
	AppliedAt time.Time
	Staff     bool
	Coverage  []warning.Coverage
}

// advisoryAckView adds the acknowledgement and coverage to an advisory's page;
// a failure to read them leaves them out rather than the advisory.
func (s *Server) advisoryAckView(r *http.Request, a *advisory.Advisory) advisoryView {
	v := advisoryView{Advisory: a}
	if s.Proactive == nil {
		return v
	}
	p := caller(r)
	if p.ApplicantOrgID() != 0 {
		v.Member = true
		if applied, err := s.Proactive.Warnings.AppliedAdvisories(r.Context(), p, 0); err == nil {
			v.AppliedAt = applied[a.TrackingID]
		}
	}
	if constituent.IsCERTStaff(p) {
		v.Staff = true
		v.Coverage, _ = s.Proactive.Warnings.AdvisoryCoverage(r.Context(), p, a.TrackingID)
	}
	return v
}

// advisoryMark marks (or unmarks) the advisory in the path applied by the caller's
// organisation, after checking the caller may read it, and returns to its page.
func (s *Server) advisoryMark(w http.ResponseWriter, r *http.Request, applied bool) {
	a, err := s.Advisories.Get(r.Context(), caller(r), r.PathValue("id"))
	if err == nil && applied {
		err = s.Proactive.Warnings.AdvisoryApplied(r.Context(), caller(r), a.TrackingID, r.PostFormValue("note"))
	} else if err == nil {
		err = s.Proactive.Warnings.AdvisoryUnapplied(r.Context(), caller(r), a.TrackingID)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	key := "ack.advisory.applied.done"
	if !applied {
		key = "ack.advisory.unapplied.done"
	}
	flash(w, key)
	back := "/advisories/" + url.PathEscape(a.TrackingID) + "#advisory-applied"
	if r.PostFormValue("back") == "org" {
		back = "/org/advisories"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) advisoryApplied(w http.ResponseWriter, r *http.Request) { s.advisoryMark(w, r, true) }
func (s *Server) advisoryUnapplied(w http.ResponseWriter, r *http.Request) {
	s.advisoryMark(w, r, false)
}

// orgAdvisoriesData is the organisation's advisories: those still to acknowledge
// and those it applied.
type orgAdvisoriesData struct {
	Pending []advisory.Summary
	Applied []appliedAdvisory
}

type appliedAdvisory struct {
	advisory.Summary
	At time.Time
}

// orgAdvisories lists the published advisories the caller's organisation has not
// yet marked applied, then those it has (SLA ).
func (s *Server) orgAdvisories(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "ack.org.title")
	clearFlash(w, r)
	applied, err := s.Proactive.Warnings.AppliedAdvisories(r.Context(), caller(r), 0)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	list, err := s.Advisories.List(r.Context(), caller(r), "")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var d orgAdvisoriesData
	for _, a := range list {
		if at, ok := applied[a.TrackingID]; ok {
			d.Applied = append(d.Applied, appliedAdvisory{Summary: a, At: at})
		} else {
			d.Pending = append(d.Pending, a)
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "advisory_ack_org", p)
}

// coverageRow is one published advisory with its coverage per sector and in all.
type coverageRow struct {
	advisory.Summary
	Sectors      []warning.Coverage
	Constituents int
	Applied      int
}

// advisoryCoverage shows CERT staff, for every published advisory, how many
// constituents applied it, in all and per sector (SLA ).
func (s *Server) advisoryCoverage(w http.ResponseWriter, r *http.Request) {
	if !constituent.IsCERTStaff(caller(r)) {
		s.Fail(w, r, problem.New(problem.Forbidden, "constituent.forbidden"))
		return
	}
	p := s.page(r, "ack.coverage.title")
	list, err := s.Advisories.List(r.Context(), caller(r), "")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var rows []coverageRow
	for _, a := range list {
		cov, err := s.Proactive.Warnings.AdvisoryCoverage(r.Context(), caller(r), a.TrackingID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		row := coverageRow{Summary: a, Sectors: cov}
		for _, c := range cov {
			row.Constituents += c.Constituents
			row.Applied += c.Applied
		}
		rows = append(rows, row)
	}
	p.Data = rows
	s.render(w, r, http.StatusOK, "advisory_coverage", p)
}
