package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
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
	acct, err := identity.Login(r.Context(), s.DB, s.Login, identity.Credentials{Username: user, Password: pass, ClientIP: httpauth.ClientIP(r)})
	switch {
	case err == nil:
		s.startSession(w, r, acct.ID, identity.SessionWeb)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	case errors.Is(err, identity.ErrTOTPRequired), errors.Is(err, identity.ErrTOTPNotEnrolled):
		// Password was right; the second factor (or its enrolment) comes next, in a
		// short-lived pending session that signs nobody in.
		s.startSession(w, r, acct.ID, identity.SessionPending)
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
	case errors.Is(err, identity.ErrLocked):
		p.Error = p.T("login.locked")
	case errors.Is(err, identity.ErrRateLimited):
		p.Error, status = p.T("login.ratelimited"), http.StatusTooManyRequests
	case errors.Is(err, identity.ErrBadCredentials):
		p.Error = p.T("login.failed")
	default:
		s.Fail(w, r, err)
		return
	}
	s.render(w, r, status, "login", p)
}

// startSession rotates the session: any previous session token is deleted and a new
// one issued (no session fixation).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, accountID int64, kind identity.SessionKind) {
	ctx := r.Context()
	ttl := s.Auth.WebTTL
	if kind == identity.SessionPending {
		ttl = 10 * time.Minute
	}
	old := httpauth.FromContext(ctx).Token
	var token string
	err := s.DB.Update(ctx, func(tx *store.Tx) error {
		if old != "" {
			if err := identity.DeleteSession(ctx, tx, old); err != nil {
				return err
			}
			tx.AfterCommit(func() { s.Auth.Forget(old) })
		}
		var err error
		token, _, err = identity.CreateSession(ctx, tx, identity.NewSession{AccountID: accountID, Kind: kind, TTL: ttl})
		return err
	})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Auth.SetSessionCookie(w, token, ttl)
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
	id, ok := s.pendingAccount(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	p := s.page(r, "login.totp.title")
	code := r.PostFormValue("totp")
	if err := s.checkSecondFactor(r.Context(), id, code, httpauth.ClientIP(r)); err != nil {
		if errors.Is(err, identity.ErrLocked) {
			p.Error = p.T("login.locked")
		} else {
			p.Errors["totp"] = p.T("login.totp.invalid")
		}
		s.render(w, r, http.StatusUnauthorized, "totp", p)
		return
	}
	s.startSession(w, r, id, identity.SessionWeb)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// checkSecondFactor verifies a TOTP code for the pending account, with replay
// protection and failure counting shared with password logins.
func (s *Server) checkSecondFactor(ctx context.Context, accountID int64, code, ip string) error {
	return identity.VerifySecondFactor(ctx, s.DB, s.Login, accountID, code, ip)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := httpauth.FromContext(ctx)
	if c.Token != "" {
		_ = s.DB.Update(ctx, func(tx *store.Tx) error {
			if c.Principal != nil {
				if err := audit.Record(ctx, tx, actorOf(c), "auth.logout", "account", itoa(c.Principal.ID), nil); err != nil {
					return err
				}
			}
			tx.AfterCommit(func() { s.Auth.Forget(c.Token) })
			return identity.DeleteSession(ctx, tx, c.Token)
		})
	}
	s.Auth.ClearSessionCookie(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	if c.Principal == nil && c.Session.Kind != identity.SessionPending {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	secret, err := identity.NewTOTPSecret()
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "totp.enrol.title")
	p.Data = map[string]string{"Secret": secret, "URI": identity.TOTPURI("Miz", "miz", secret)}
	s.render(w, r, http.StatusOK, "enrol", p)
}

func (s *Server) enrolSubmit(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	var id int64
	switch {
	case c.Principal != nil:
		id = c.Principal.ID
	case c.Session.Kind == identity.SessionPending:
		id = c.Session.AccountID
	default:
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	secret := r.PostFormValue("secret")
	if err := identity.EnrollTOTP(r.Context(), s.DB, id, secret, r.PostFormValue("totp")); err != nil {
		p := s.page(r, "totp.enrol.title")
		p.Data = map[string]string{"Secret": secret, "URI": identity.TOTPURI("Miz", "miz", secret)}
		p.Errors["totp"] = p.T("login.totp.invalid")
		s.render(w, r, http.StatusBadRequest, "enrol", p)
		return
	}
	s.startSession(w, r, id, identity.SessionWeb)
	flash(w, "totp.enrol.done")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}
