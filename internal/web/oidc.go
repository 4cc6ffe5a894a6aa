package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// oidcStateCookie carries the login's state between the redirect to the provider and
// the callback. The state is also stored (hashed) in the database with the nonce and
// PKCE verifier, so the callback works on any instance; the cookie ties the callback
// to the browser that started the login.
const oidcStateCookie = "miz_oidc_state"

// oidcStart sends the browser to the provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	if s.OIDC == nil {
		s.NotFound(w, r)
		return
	}
	next := localPath(r.URL.Query().Get("next"))
	redirect := s.oidcRedirectURL()
	if redirect == "" { // serve refuses to start like this; never fall back to Host
		s.Fail(w, r, problem.New(problem.Unavailable, "oidc.unavailable"))
		return
	}
	start, err := s.Sessions.BeginOIDC(r.Context(), s.OIDC, redirect, next)
	if err != nil {
		s.oidcFailed(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcStateCookie, Value: start.State, Path: "/login/oidc", MaxAge: 600,
		HttpOnly: true, Secure: s.Auth.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, start.AuthURL, http.StatusFound)
}

// oidcCallback finishes the login; the state cookie is spent whatever the outcome.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if s.OIDC == nil {
		s.NotFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcStateCookie, Value: "", Path: "/login/oidc", MaxAge: -1,
		HttpOnly: true, Secure: s.Auth.Secure, SameSite: http.SameSiteLaxMode})
	q := r.URL.Query()
	if q.Get("error") != "" {
		s.oidcRefused(w, r, http.StatusUnauthorized, "oidc.denied")
		return
	}
	cb := identity.OIDCCallback{State: q.Get("state"), Code: q.Get("code"), ClientIP: httpauth.ClientIP(r)}
	if ck, err := r.Cookie(oidcStateCookie); err == nil {
		cb.CookieState = ck.Value
	}
	started, res, err := s.Sessions.FinishOIDC(r.Context(), s.OIDC, cb, s.webSession(r))
	switch {
	case err == nil:
		s.setSession(w, started)
		http.Redirect(w, r, localPath(res.Next), http.StatusSeeOther)
	case errors.Is(err, identity.ErrTOTPRequired):
		s.setSession(w, started)
		http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
	case errors.Is(err, identity.ErrTOTPNotEnrolled):
		s.setSession(w, started)
		http.Redirect(w, r, "/totp/enrol", http.StatusSeeOther)
	default:
		s.oidcFailed(w, r, err)
	}
}

// oidcFailed shows the login page with what went wrong; causes are logged.
func (s *Server) oidcFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.Log.WarnContext(r.Context(), "oidc login failed", "err", err)
	switch {
	case errors.Is(err, identity.ErrOIDCState):
		s.oidcRefused(w, r, http.StatusBadRequest, "oidc.state")
	case errors.Is(err, identity.ErrOIDCToken), errors.Is(err, identity.ErrOIDCNonce):
		s.oidcRefused(w, r, http.StatusUnauthorized, "oidc.token")
	case errors.Is(err, identity.ErrOIDCUnknownSubject):
		s.oidcRefused(w, r, http.StatusForbidden, "oidc.unknown")
	case errors.Is(err, identity.ErrLocked):
		s.oidcRefused(w, r, http.StatusUnauthorized, "login.locked")
	case errors.Is(err, identity.ErrOIDCUnavailable):
		w.Header().Set("Retry-After", "30")
		s.oidcRefused(w, r, http.StatusServiceUnavailable, "oidc.unavailable")
	default:
		s.Fail(w, r, err)
	}
}

func (s *Server) oidcRefused(w http.ResponseWriter, r *http.Request, status int, key string) {
	p := s.page(r, "login.title")
	p.Data = s.OIDCEnabled
	p.Error = p.T(key)
	s.render(w, r, status, "login", p)
}

// oidcRedirectURL is the callback address registered with the provider, from the
// configured base URL (in demo mode, the listening address); "" when there is none.
// It is never built from the request's Host (Security #11 item 12).
func (s *Server) oidcRedirectURL() string {
	base := strings.TrimRight(s.OIDC.Config.BaseURL, "/")
	if base == "" {
		base = s.siteBase()
	}
	if base == "" {
		return ""
	}
	return base + "/login/oidc/callback"
}
