package web

import (
	"errors"
	"net/http"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// identityRoutes registers self-registration, mobile verification and single sign-on.
func (s *Server) identityRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /register", s.registerForm)
	mux.HandleFunc("POST /register", s.form(s.registerSubmit))
	mux.HandleFunc("GET /profile/mobile", s.signedIn(s.mobilePage))
	mux.HandleFunc("POST /profile/mobile/verify", s.form(s.signedIn(s.mobileVerify)))
	mux.HandleFunc("POST /profile/mobile/resend", s.form(s.signedIn(s.mobileResend)))
	mux.HandleFunc("POST /profile/mobile/change", s.form(s.signedIn(s.mobileChange)))
	mux.HandleFunc("GET /login/oidc", s.oidcStart)
	mux.HandleFunc("GET /login/oidc/callback", s.oidcCallback)
}

func (s *Server) registerForm(w http.ResponseWriter, r *http.Request) {
	if httpauth.FromContext(r.Context()).Principal != nil {
		http.Redirect(w, r, "/profile", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "register", s.page(r, "register.title"))
}

func (s *Server) registerSubmit(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "register.title")
	for _, f := range []string{"national_code", "name_fa", "name_en", "mobile", "email"} {
		p.Form[f] = r.PostFormValue(f)
	}
	reg := identity.Registration{NationalCode: p.Form["national_code"], NameFa: p.Form["name_fa"], NameEn: p.Form["name_en"],
		Mobile: p.Form["mobile"], Email: p.Form["email"], Password: r.PostFormValue("password"), ClientIP: httpauth.ClientIP(r)}
	if _, err := s.Accounts.Register(r.Context(), reg); err != nil {
		s.formProblem(w, r, p, "register", err)
		return
	}
	// Security #5: a new and an already registered national code answer alike, so
	// nobody is signed in here; the person logs in and then verifies the mobile.
	flash(w, "security.register.sent")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// formProblem shows a person-facing error on the form it concerns: tied to its field
// when it names one, above the form otherwise. Anything else is an error page.
func (s *Server) formProblem(w http.ResponseWriter, r *http.Request, p *Page, page string, err error) {
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code == problem.Internal || pe.Code == problem.Unavailable {
		s.Fail(w, r, err)
		return
	}
	msg := p.T(pe.Key, pe.Args...)
	if pe.Field != "" {
		p.Errors[pe.Field] = msg
	} else {
		p.Error = msg
	}
	if pe.Code == problem.RateLimited {
		httpauth.SetRetryAfter(w, err) // Security #4
	}
	s.render(w, r, problem.Status(pe.Code), page, p)
}
