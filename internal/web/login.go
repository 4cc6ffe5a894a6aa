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
		p.Errors["totp"] = p.T("login.totp.invalid")
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

// enrolCaller is whose second factor an enrolment request is about, and whether the
// caller proved only the password (a pending login).
func (s *Server) enrolCaller(r *http.Request) (id int64, pending, hasTOTP, ok bool) {
	c := httpauth.FromContext(r.Context())
	switch {
	case c.Principal != nil:
		return c.Principal.ID, false, c.Principal.TOTPEnabled, true
	case c.Session.Kind == identity.SessionPending && c.Session.AccountID != 0:
		has, err := identity.HasTOTP(r.Context(), s.DB, c.Session.AccountID)
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
	err := identity.EnrollTOTP(r.Context(), s.DB, s.Login, identity.Enrolment{AccountID: id, Pending: pending, Secret: secret,
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
		s.startSession(w, r, id, identity.SessionWeb)
	}
	flash(w, "totp.enrol.done")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}

func errorPage(p *Page, status int) *Page {
	p.Data = map[string]any{"Status": status, "Message": p.Error}
	return p
}
