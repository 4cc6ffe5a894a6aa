package web

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cert/disclosure"
	"github.com/itoir/miz/internal/httpauth"
)

func (s *Server) disclosureRoutes(mux *http.ServeMux) {
	if s.CertWork.Disclosure == nil {
		return
	}
	// Public: anyone reports, without signing in (rate-limited per address, CSRF
	// like every form); the credit page lists disclosed reports only.
	mux.HandleFunc("GET /vulnerabilities/report", s.vulnForm)
	mux.HandleFunc("POST /vulnerabilities/report", s.form(s.vulnSubmit))
	mux.HandleFunc("GET /vulnerabilities/credits", s.vulnCredits)
	mux.HandleFunc("GET /vulnerabilities", s.signedIn(s.vulnList))
	mux.HandleFunc("GET /vulnerabilities/{id}", s.signedIn(s.vulnPage))
	mux.HandleFunc("POST /vulnerabilities/{id}/{step}", s.form(s.signedIn(s.vulnStep)))
}

func (s *Server) vulnForm(w http.ResponseWriter, r *http.Request) {
	clearFlash(w, r)
	s.showVulnForm(w, r, s.page(r, ""), http.StatusOK)
}

func (s *Server) showVulnForm(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	p.Title = p.T("vuln.title")
	s.render(w, r, status, "cert_disclosure_new", p)
}

func (s *Server) vulnSubmit(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	v, err := s.CertWork.Disclosure.Report(r.Context(), caller(r), disclosure.ReportInput{System: f("system"), Title: f("title"),
		Description: f("description"), CVSS: f("cvss"), Name: f("name"), Email: f("email"), CreditWanted: f("credit") == "yes",
		ClientIP: httpauth.ClientIP(r)})
	if err != nil {
		s.refuse(w, r, err, func(p *Page, status int) { s.showVulnForm(w, r, p, status) })
		return
	}
	p := s.page(r, "vuln.title")
	p.Data = map[string]any{"Sent": v.Ref}
	s.render(w, r, http.StatusCreated, "cert_disclosure_new", p)
}

func (s *Server) vulnCredits(w http.ResponseWriter, r *http.Request) {
	cr, err := s.CertWork.Disclosure.Credits(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "vuln.credits")
	p.Data = cr
	s.render(w, r, http.StatusOK, "cert_disclosure_credits", p)
}

func (s *Server) vulnList(w http.ResponseWriter, r *http.Request) {
	list, err := s.CertWork.Disclosure.List(r.Context(), caller(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "vuln.list")
	clearFlash(w, r)
	p.Data = list
	s.render(w, r, http.StatusOK, "cert_disclosure_list", p)
}

func (s *Server) vulnPage(w http.ResponseWriter, r *http.Request) {
	clearFlash(w, r)
	s.showVuln(w, r, s.page(r, ""), http.StatusOK)
}

func (s *Server) showVuln(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v, err := s.CertWork.Disclosure.Get(r.Context(), caller(r), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Title = p.T("vuln.list")
	p.Data = v
	s.render(w, r, status, "cert_disclosure_one", p)
}

func (s *Server) vulnStep(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	ctx, p, svc := r.Context(), caller(r), s.CertWork.Disclosure
	var err error
	switch r.PathValue("step") {
	case "verify":
		_, err = svc.Verify(ctx, p, id, disclosure.VerifyInput{Confirmed: true, OwnerNationalID: r.PostFormValue("owner")})
	case "reject":
		_, err = svc.Verify(ctx, p, id, disclosure.VerifyInput{})
	case "notify":
		_, err = svc.NotifyOwner(ctx, p, id)
	case "embargo":
		_, err = svc.SetEmbargo(ctx, p, id, r.PostFormValue("embargo_until"))
	case "disclose":
		_, err = svc.Disclose(ctx, p, id)
	default:
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.refuse(w, r, err, func(pg *Page, status int) { s.showVuln(w, r, pg, status) })
		return
	}
	flash(w, "vuln.flash.saved")
	http.Redirect(w, r, "/vulnerabilities/"+r.PathValue("id"), http.StatusSeeOther)
}
