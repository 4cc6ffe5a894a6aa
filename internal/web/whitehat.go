package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/whitehat"
)

// whitehatRoutes registers the white-hat programme's pages (seed §6).
func (s *Server) whitehatRoutes(mux *http.ServeMux) {
	if s.WhiteHat == nil {
		return
	}
	mux.HandleFunc("GET /whitehat", showPage(s.renderWhitehatList))
	mux.HandleFunc("POST /whitehat", s.form(s.signedIn(s.whitehatCreate)))
	mux.HandleFunc("GET /whitehat/{id}", showPage(s.renderWhitehat))
	mux.HandleFunc("POST /whitehat/{id}/{action}", s.form(s.signedIn(s.whitehatAction)))
}

// whitehatLine is a competition with its public standings.
type whitehatLine struct {
	whitehat.Competition
	Standings []whitehat.Standing
}

func (s *Server) renderWhitehatList(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	p := s.page(r, "whitehat.title")
	clearFlash(w, r)
	pr := httpauth.FromContext(r.Context()).Principal
	cs, err := s.WhiteHat.List(r.Context(), pr)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var lines []whitehatLine
	for _, c := range cs {
		l := whitehatLine{Competition: c}
		if c.State != whitehat.Draft {
			if l.Standings, err = s.WhiteHat.Standings(r.Context(), c.ID); err != nil {
				s.Fail(w, r, err)
				return
			}
		}
		lines = append(lines, l)
	}
	if formErr != nil && !s.formError(w, r, p, formErr, "title_fa", "title_en", "rules_fa", "entry_fee_rials") {
		return
	}
	p.Data = map[string]any{"Lines": lines,
		"Manager": authz.Decide(pr, authz.Create, authz.Resource{Kind: authz.Competition, Service: whitehat.Service})}
	s.render(w, r, status, "whitehat_list", p)
}

func (s *Server) whitehatCreate(w http.ResponseWriter, r *http.Request) {
	fee, err := formInt(r, "entry_fee_rials")
	var c *whitehat.Competition
	if err == nil {
		c, err = s.WhiteHat.Create(r.Context(), caller(r), whitehat.CompetitionInput{
			Title: course.Text{FA: r.PostFormValue("title_fa"), EN: r.PostFormValue("title_en")},
			Rules: course.Text{FA: r.PostFormValue("rules_fa")}, EntryFeeRials: fee})
	}
	if err != nil {
		s.renderWhitehatList(w, r, problem.Status(problem.As(err).Code), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/whitehat/%d", c.ID), http.StatusSeeOther)
}

func (s *Server) renderWhitehat(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	id, c, ok := loadItem(s, w, r, s.WhiteHat.Get)
	if !ok {
		return
	}
	ctx, pr := r.Context(), httpauth.FromContext(r.Context()).Principal
	var err error
	p := s.page(r, "")
	p.Title = c.Title.In(string(p.Lang))
	clearFlash(w, r)
	d := map[string]any{"C": c, "Standings": []whitehat.Standing{}, "Findings": []whitehat.Finding{},
		"Severities": whitehat.Severities(),
		"Manager":    authz.Decide(pr, authz.Publish, authz.Resource{Kind: authz.Competition, Service: whitehat.Service}),
		"Staff":      authz.Decide(pr, authz.Act, authz.Resource{Kind: authz.WhiteHatFinding, Service: whitehat.Service})}
	if c.State != whitehat.Draft {
		if d["Standings"], err = s.WhiteHat.Standings(ctx, id); err != nil {
			s.Fail(w, r, err)
			return
		}
		if d["Systems"], err = s.WhiteHat.Systems(ctx, id); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if pr != nil {
		if d["Findings"], err = s.WhiteHat.Findings(ctx, pr, id); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if formErr != nil && !s.formError(w, r, p, formErr, "name", "scope", "alias", "title", "details") {
		return
	}
	p.Data = d
	s.render(w, r, status, "whitehat_one", p)
}

// whitehatAction runs one of the competition page's forms.
func (s *Server) whitehatAction(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.NotFound(w, r)
		return
	}
	ctx, pr := r.Context(), caller(r)
	switch r.PathValue("action") {
	case "open":
		_, err = s.WhiteHat.SetState(ctx, pr, id, whitehat.Open)
	case "close":
		_, err = s.WhiteHat.SetState(ctx, pr, id, whitehat.Closed)
	case "systems":
		var sys int64
		if sys, err = s.WhiteHat.EnrolSystem(ctx, pr, id, r.PostFormValue("name"), r.PostFormValue("scope")); err == nil {
			// An entry fee is paid before the system is listed (§6): go to its invoice.
			if ref, _ := s.WhiteHat.EntryInvoice(ctx, pr, sys); ref != "" {
				s.formDone(w, r, nil, s.renderWhitehat, "whitehat.flash.pay_entry", "/invoices/"+ref)
				return
			}
		}
	case "researchers":
		_, err = s.WhiteHat.Register(ctx, pr, id, r.PostFormValue("alias"))
	case "findings":
		sys, _ := strconv.ParseInt(r.PostFormValue("system"), 10, 64)
		_, err = s.WhiteHat.Submit(ctx, pr, id, sys, r.PostFormValue("title"), r.PostFormValue("details"))
	case "decide":
		fid, _ := strconv.ParseInt(r.PostFormValue("finding"), 10, 64)
		var pts int64
		if pts, err = formInt(r, "points"); err == nil {
			_, err = s.WhiteHat.Decide(ctx, pr, fid, whitehat.Decision{State: r.PostFormValue("state"),
				Severity: r.PostFormValue("severity"), Points: int(pts)})
		}
	default:
		s.NotFound(w, r)
		return
	}
	s.formDone(w, r, err, s.renderWhitehat, "whitehat.flash.saved", fmt.Sprintf("/whitehat/%d", id))
}
