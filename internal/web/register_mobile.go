package web

import (
	"net/http"

	"github.com/itoir/miz/internal/httpauth"
)

// mobilePage shows the person's mobile number, whether it is verified, and the forms
// to enter the code, send it again, or change the number.
func (s *Server) mobilePage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "mobile.title")
	clearFlash(w, r)
	if !s.loadMobile(w, r, p) {
		return
	}
	s.render(w, r, http.StatusOK, "mobile", p)
}

// loadMobile puts the caller's mobile status in p.Data; false means an error page
// was written.
func (s *Server) loadMobile(w http.ResponseWriter, r *http.Request, p *Page) bool {
	st, err := s.Accounts.Mobile(r.Context(), caller(r).ID)
	if err != nil {
		s.Fail(w, r, err)
		return false
	}
	p.Data = st
	return true
}

func (s *Server) mobileVerify(w http.ResponseWriter, r *http.Request) {
	id := httpauth.FromContext(r.Context()).Principal.ID
	s.mobileAction(w, r, "mobile.done", s.Accounts.VerifyMobile(r.Context(), id, r.PostFormValue("code")))
}

func (s *Server) mobileResend(w http.ResponseWriter, r *http.Request) {
	id := httpauth.FromContext(r.Context()).Principal.ID
	s.mobileAction(w, r, "mobile.code.sent", s.Accounts.ResendMobileCode(r.Context(), id))
}

func (s *Server) mobileChange(w http.ResponseWriter, r *http.Request) {
	id := httpauth.FromContext(r.Context()).Principal.ID
	_, err := s.Accounts.ChangeMobile(r.Context(), id, r.PostFormValue("mobile"))
	s.mobileAction(w, r, "mobile.code.sent", err)
}

// mobileAction redirects back to the mobile page with a notice after success, or
// shows the page again with the error beside the field at fault.
func (s *Server) mobileAction(w http.ResponseWriter, r *http.Request, done string, err error) {
	if err == nil {
		flash(w, done)
		http.Redirect(w, r, "/profile/mobile", http.StatusSeeOther)
		return
	}
	p := s.page(r, "mobile.title")
	if v := r.PostFormValue("mobile"); v != "" {
		p.Form["mobile"] = v
	}
	if !s.loadMobile(w, r, p) {
		return
	}
	s.formProblem(w, r, p, "mobile", err)
}
