package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cert/consent"
)

func (s *Server) consentRoutes(mux *http.ServeMux) {
	if s.CertWork.Consent == nil {
		return
	}
	mux.HandleFunc("GET /cases/{code}/consent", s.signedIn(s.consentPage))
	mux.HandleFunc("POST /cases/{code}/consent", s.form(s.signedIn(s.consentGrant)))
	mux.HandleFunc("POST /cases/{code}/consent/access", s.form(s.signedIn(s.consentAccess)))
	mux.HandleFunc("POST /cases/{code}/consent/{id}/revoke", s.form(s.signedIn(s.consentRevoke)))
	mux.HandleFunc("GET /cases/{code}/consent/{id}/print", s.signedIn(s.consentPrint))
	mux.HandleFunc("GET /cases/{code}/consent/{id}/pdf", s.signedIn(s.consentPDF))
	// The PDF printer holds no session: a short-lived link opens the record.
	mux.HandleFunc("GET /cert/consents/print/{id}", s.consentPrintForPDF)
}

func (s *Server) consentPage(w http.ResponseWriter, r *http.Request) {
	clearFlash(w, r)
	s.showConsent(w, r, s.page(r, ""), http.StatusOK)
}

func (s *Server) showConsent(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	p.Title = p.T("consent.title")
	v, err := s.CertWork.Consent.List(r.Context(), caller(r), r.PathValue("code"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var live []*consent.Consent
	for _, c := range v.Consents {
		if c.StatusAt(v.Now) == consent.StatusLive {
			live = append(live, c)
		}
	}
	p.Data = map[string]any{"Code": v.CaseCode, "View": v, "Live": live, "Accesses": consent.Accesses,
		"Tabs": s.certTabs(v.CaseCode, "consent")}
	s.render(w, r, status, "cert_consent", p)
}

func (s *Server) consentGrant(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	_, err := s.CertWork.Consent.Grant(r.Context(), caller(r), r.PathValue("code"), consent.GrantInput{Access: f("access"),
		Systems: f("systems"), Purpose: f("purpose"), From: f("valid_from"), Until: f("valid_until")})
	s.consentDone(w, r, err, "consent.flash.granted")
}

func (s *Server) consentRevoke(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	_, err := s.CertWork.Consent.Revoke(r.Context(), caller(r), r.PathValue("code"), id, r.PostFormValue("reason"))
	s.consentDone(w, r, err, "consent.flash.revoked")
}

func (s *Server) consentAccess(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PostFormValue("consent"), 10, 64)
	_, err := s.CertWork.Consent.RecordAccess(r.Context(), caller(r), r.PathValue("code"), consent.AccessInput{ConsentID: id,
		System: r.PostFormValue("system"), Action: r.PostFormValue("action")})
	s.consentDone(w, r, err, "consent.flash.access")
}

func (s *Server) consentDone(w http.ResponseWriter, r *http.Request, err error, key string) {
	if err != nil {
		s.refuse(w, r, err, func(p *Page, status int) { s.showConsent(w, r, p, status) })
		return
	}
	flash(w, key)
	http.Redirect(w, r, "/cases/"+r.PathValue("code")+"/consent", http.StatusSeeOther)
}

// consentPrint is the printable consent record, kept with the case: a
// stand-alone A4 page with the print stylesheet.
func (s *Server) consentPrint(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	c, err := s.CertWork.Consent.Get(r.Context(), caller(r), r.PathValue("code"), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "consent.print.title")
	p.Data = map[string]any{"C": c, "Status": "consent.status." + c.StatusAt(s.CertWork.Consent.Clock())}
	s.renderPrint(w, r, "cert_consent_print", p)
}

func (s *Server) consentPDF(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	b, err := s.CertWork.Consent.PDF(r.Context(), caller(r), r.PathValue("code"), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	download(w, "application/pdf", "consent-"+r.PathValue("code")+"-"+r.PathValue("id")+".pdf", b)
}

// consentPrintForPDF is the consent record opened by the PDF printer's link.
func (s *Server) consentPrintForPDF(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	q := r.URL.Query()
	c, err := s.CertWork.Consent.Printable(r.Context(), id, q.Get("exp"), q.Get("t"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "consent.print.title")
	p.Data = map[string]any{"C": c, "Status": "consent.status." + c.StatusAt(s.CertWork.Consent.Clock())}
	w.Header().Set("X-Robots-Tag", "noindex")
	s.renderPrint(w, r, "cert_consent_print", p)
}

// renderPrint renders a stand-alone printable page (its "print" template).
func (s *Server) renderPrint(w http.ResponseWriter, r *http.Request, name string, p *Page) {
	var buf bytes.Buffer
	t, err := s.r.page(name)
	if err == nil {
		err = t.ExecuteTemplate(&buf, "print", p)
	}
	if err != nil {
		s.Log.Error("render failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}
