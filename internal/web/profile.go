package web

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/problem"
)

// profileData is what the profile page shows: the account's profile and its
// notice choices per kind (issue 14).
type profileData struct {
	identity.Profile
	Prefs []notify.Pref
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "profile.title")
	clearFlash(w, r)
	prof, err := s.Accounts.Profile(r.Context(), caller(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = profileData{Profile: prof, Prefs: s.noticePrefs(r.Context(), caller(r).ID)}
	s.render(w, r, http.StatusOK, "profile", p)
}

// switchActing lets a person act for one of their organisations (or themself).
func (s *Server) switchActing(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	org, err := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	if err != nil {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.forbidden"))
		return
	}
	if err := s.Sessions.SetActingOrg(r.Context(), c.Principal, c.Token, org); err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}

// securityRoutes registers the profile's account-security actions (Security #2).
func (s *Server) securityRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /profile/password", s.form(s.signedIn(s.changePassword)))
	mux.HandleFunc("POST /profile/tokens/{id}/revoke", s.form(s.signedIn(s.revokeToken)))
	mux.HandleFunc("POST /profile/signout-everywhere", s.form(s.signedIn(s.signOutEverywhere)))
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	err := s.Accounts.ChangePassword(r.Context(), identity.PasswordChange{AccountID: c.Principal.ID,
		Current: r.PostFormValue("current_password"), New: r.PostFormValue("new_password"), KeepToken: c.Token, ClientIP: httpauth.ClientIP(r)})
	if err != nil {
		p := s.page(r, "profile.title")
		p.Data = profileData{}
		s.formProblem(w, r, p, "profile", err)
		return
	}
	flash(w, "security.password.changed")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	if err := s.Accounts.RevokeToken(r.Context(), c.Principal.ID, r.PathValue("id")); err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "security.token.revoked")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}

// signOutEverywhere ends every other session and token; with keep=0 this one too.
func (s *Server) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	keep := c.Token
	if r.PostFormValue("keep") == "0" {
		keep = ""
	}
	if _, err := s.Accounts.SignOutEverywhere(r.Context(), c.Principal.ID, keep); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Auth.Forget(c.Token)
	if keep == "" {
		s.Auth.ClearSessionCookie(w)
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	flash(w, "security.signedout.everywhere")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}
