package web

import (
	"errors"
	"net/http"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "login.title")
	p.Data = s.OIDCEnabled
	s.render(w, r, http.StatusOK, "login", p)
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "login.title")
	p.Data = s.OIDCEnabled
	user, pass := r.PostFormValue("username"), r.PostFormValue("password")
	p.Form["username"] = user
	if user == "" || pass == "" {
		if user == "" {
			p.Errors["username"] = p.T("error.required")
		}
		if pass == "" {
			p.Errors["password"] = p.T("error.required")
		}
		s.render(w, r, http.StatusBadRequest, "login", p)
		return
	}
	started, err := s.Sessions.SignIn(r.Context(), identity.Credentials{Username: user, Password: pass, ClientIP: httpauth.ClientIP(r)},
		s.webSession(r))
	switch {
	case err == nil:
		s.setSession(w, started)
		http.Redirect(w, r, "/work", http.StatusSeeOther) // staff land on their work (issue 13)
	case errors.Is(err, identity.ErrTOTPRequired), errors.Is(err, identity.ErrTOTPNotEnrolled):
		// Password was right; the second factor (or its enrolment) comes next, in a
		// short-lived pending session that signs nobody in.
		s.setSession(w, started)
		if errors.Is(err, identity.ErrTOTPNotEnrolled) {
			http.Redirect(w, r, "/totp/enrol", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
	default:
		s.loginFailed(w, r, p, err)
	}
}

func (s *Server) loginFailed(w http.ResponseWriter, r *http.Request, p *Page, err error) {
	status := http.StatusUnauthorized
	switch {
	case errors.Is(err, identity.ErrRateLimited):
		p.Error, status = p.T("login.ratelimited"), http.StatusTooManyRequests
		httpauth.SetRetryAfter(w, err)
	case errors.Is(err, identity.ErrBadCredentials), errors.Is(err, identity.ErrLocked):
		// Security #5: unknown, locked and disabled accounts answer like a wrong password.
		p.Error = p.T("login.failed")
	default:
		s.Fail(w, r, err)
		return
	}
	s.render(w, r, status, "login", p)
}

// webSession is the browser session a sign-in opens: the request's present session
// is rotated away (no session fixation).
func (s *Server) webSession(r *http.Request) identity.Start {
	return identity.Start{Kind: identity.SessionWeb, TTL: s.Auth.WebTTL, Replace: httpauth.FromContext(r.Context()).Token}
}

// setSession hands the browser the session a sign-in opened.
func (s *Server) setSession(w http.ResponseWriter, st identity.Started) {
	s.Auth.SetSessionCookie(w, st.Token, st.TTL)
}

func (s *Server) pendingAccount(r *http.Request) (int64, bool) {
	c := httpauth.FromContext(r.Context())
	if c.Session.Kind == identity.SessionPending && c.Session.AccountID != 0 {
		return c.Session.AccountID, true
	}
	return 0, false
}

func (s *Server) totpForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.pendingAccount(r); !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "totp", s.page(r, "login.totp.title"))
}

func (s *Server) totpSubmit(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.pendingAccount(r); !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	p := s.page(r, "login.totp.title")
	code := r.PostFormValue("totp")
	started, err := s.Sessions.SecondFactor(r.Context(), httpauth.FromContext(r.Context()).Token, code, httpauth.ClientIP(r), s.webSession(r))
	switch {
	case errors.Is(err, identity.ErrTOTPInvalid):
		p.Errors["totp"] = p.T("login.totp.invalid")
		s.render(w, r, http.StatusUnauthorized, "totp", p)
		return
	case err != nil:
		s.Fail(w, r, err)
		return
	}
	s.setSession(w, started)
	http.Redirect(w, r, "/work", http.StatusSeeOther) // staff land on their work (issue 13)
}

// logout ends the browser's session through the same audited sign-out as the API's.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	if err := s.Sessions.SignOut(r.Context(), c.Principal, c.Token); err != nil {
		logFailure(s.Log, r, err) // the cookie is cleared whatever happened
	}
	s.Auth.ClearSessionCookie(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// enrolCaller is whose second factor an enrolment request is about, and whether the
// caller proved only the password (a pending login).
func (s *Server) enrolCaller(r *http.Request) (id int64, pending, hasTOTP, ok bool) {
	c := httpauth.FromContext(r.Context())
	switch {
	case c.Principal != nil:
		return c.Principal.ID, false, c.Principal.TOTPEnabled, true
	case c.Session.Kind == identity.SessionPending && c.Session.AccountID != 0:
		has, err := s.Accounts.HasTOTP(r.Context(), c.Session.AccountID)
		return c.Session.AccountID, true, has, err == nil
	}
	return 0, false, false, false
}

func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) {
	_, pending, hasTOTP, ok := s.enrolCaller(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if pending && hasTOTP { // Security #1: a password alone never reaches the enrol form
		http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
		return
	}
	secret, err := identity.NewTOTPSecret()
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "totp.enrol.title")
	p.Data = enrolData(secret, hasTOTP)
	s.render(w, r, http.StatusOK, "enrol", p)
}

func enrolData(secret string, reauth bool) map[string]any {
	return map[string]any{"Secret": secret, "URI": identity.TOTPURI("Miz", "miz", secret), "Reauth": reauth}
}

func (s *Server) enrolSubmit(w http.ResponseWriter, r *http.Request) {
	id, pending, hasTOTP, ok := s.enrolCaller(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	secret := r.PostFormValue("secret")
	err := s.Accounts.EnrollTOTP(r.Context(), identity.Enrolment{AccountID: id, Pending: pending, Secret: secret,
		Code: r.PostFormValue("totp"), CurrentCode: r.PostFormValue("current_totp"), Password: r.PostFormValue("password"),
		ClientIP: httpauth.ClientIP(r)})
	if err != nil {
		p := s.page(r, "totp.enrol.title")
		status := http.StatusBadRequest
		switch {
		case errors.Is(err, identity.ErrTOTPAlreadyEnrolled), errors.Is(err, identity.ErrBadCredentials):
			p.Error, status = p.T("security.totp.refused"), http.StatusForbidden
		case errors.Is(err, identity.ErrReauthRequired):
			p.Errors["current_totp"], status = p.T("security.totp.reauth"), http.StatusForbidden
		case errors.Is(err, identity.ErrTOTPInvalid):
			p.Errors["totp"] = p.T("login.totp.invalid")
		default:
			s.Fail(w, r, err)
			return
		}
		if pending && hasTOTP {
			s.render(w, r, status, "error", errorPage(p, status))
			return
		}
		p.Data = enrolData(secret, hasTOTP)
		s.render(w, r, status, "enrol", p)
		return
	}
	if pending {
		started, err := s.Sessions.Promote(r.Context(), httpauth.FromContext(r.Context()).Token, s.webSession(r))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		s.setSession(w, started)
	}
	flash(w, "totp.enrol.done")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}

func errorPage(p *Page, status int) *Page {
	p.Data = map[string]any{"Status": status, "Message": p.Error}
	return p
}
