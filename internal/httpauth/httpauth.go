// Package httpauth resolves who is calling — a browser session cookie or an API bearer
// token — and guards state-changing browser requests against CSRF. Sessions live in
// the database, so any instance behind a load balancer serves any session.
package httpauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// Cookie names.
const (
	SessionCookie = "miz_session"
	CSRFCookie    = "miz_csrf"
)

// Auth holds what the middleware needs.
type Auth struct {
	DB *store.DB
	// Secure marks cookies Secure (set when serving over TLS or behind a TLS proxy).
	Secure bool
	// WebTTL and APITTL are session lifetimes.
	WebTTL, APITTL time.Duration
	// CacheTTL is how long a resolved caller is remembered per token (0: not at
	// all); see principalCache for what that allows to be stale.
	CacheTTL time.Duration
	Log      *slog.Logger

	cache principalCache
}

// Forget drops what is remembered about token; call it when the session ends or
// changes (logout, switching the acting organisation).
func (a *Auth) Forget(token string) {
	if a != nil {
		a.cache.forget(token)
	}
}

// Caller is the resolved identity of a request.
type Caller struct {
	Principal *identity.Principal // nil when anonymous
	Session   identity.Session
	Token     string
	// Bearer is true when the caller used an Authorization header (no ambient
	// credentials, so no CSRF check).
	Bearer bool
	// CSRF is the token forms must echo.
	CSRF string
	// Unavailable is set when the database could not be asked.
	Unavailable bool
}

type ctxKey struct{}

// FromContext returns the request's caller (never nil inside the middleware).
func FromContext(ctx context.Context) *Caller {
	if c, ok := ctx.Value(ctxKey{}).(*Caller); ok {
		return c
	}
	return &Caller{}
}

// WithCaller returns ctx carrying c (for tests and internal calls).
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// Middleware resolves the caller and puts it in the request context.
func (a *Auth) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &Caller{}
		if h := r.Header.Get("Authorization"); h != "" {
			if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
				c.Bearer = true
				c.Token = strings.TrimSpace(tok)
				a.load(r.Context(), c, identity.SessionAPI, identity.SessionPAT)
			}
		} else if ck, err := r.Cookie(SessionCookie); err == nil && ck.Value != "" {
			c.Token = ck.Value
			a.load(r.Context(), c, identity.SessionWeb, identity.SessionPending)
		}
		if c.Principal != nil && c.Session.Kind == identity.SessionWeb {
			c.CSRF = c.Session.CSRF
		} else if !c.Bearer {
			c.CSRF = a.anonCSRF(w, r)
		}
		next.ServeHTTP(w, r.WithContext(WithCaller(r.Context(), c)))
	})
}

func (a *Auth) load(ctx context.Context, c *Caller, kinds ...identity.SessionKind) {
	var now time.Time
	if a.CacheTTL > 0 {
		now = a.DB.Now()
		if s, p, ok := a.cache.get(c.Token, now); ok && slices.Contains(kinds, s.Kind) {
			c.Session, c.Principal = s, p
			return
		}
	}
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		s, err := identity.LookupSession(ctx, tx, c.Token)
		if err != nil {
			return err
		}
		ok := false
		for _, k := range kinds {
			ok = ok || s.Kind == k
		}
		if !ok {
			return store.ErrNotFound
		}
		c.Session = s
		if s.Kind == identity.SessionPending {
			return nil // password checked, second factor outstanding: not signed in yet
		}
		p, err := identity.LoadPrincipal(ctx, tx, s.AccountID, s.ActingOrgID)
		if err != nil {
			return err
		}
		p.Scopes = s.Scopes
		if s.Kind != identity.SessionPAT {
			p.Scopes = nil
		}
		c.Principal = p
		return nil
	})
	if err == nil && c.Principal != nil && a.CacheTTL > 0 {
		a.cache.put(c.Token, c.Session, c.Principal, now, now.Add(a.CacheTTL))
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		if errors.Is(err, store.ErrUnavailable) {
			c.Unavailable = true // the request is answered 503 and logged as such
			return
		}
		if a.Log != nil {
			a.Log.Warn("session lookup failed", "err", err)
		}
	}
}

// anonCSRF returns the double-submit token for visitors without a session.
func (a *Auth) anonCSRF(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(CSRFCookie); err == nil && len(ck.Value) >= 20 {
		return ck.Value
	}
	tok := identity.RandomToken(24)
	http.SetCookie(w, &http.Cookie{Name: CSRFCookie, Value: tok, Path: "/", HttpOnly: true, Secure: a.Secure, SameSite: http.SameSiteLaxMode})
	return tok
}

// CheckCSRF reports whether a state-changing browser request carries the right token
// (form field "csrf" or header X-CSRF-Token). Bearer-token requests pass: they carry
// no ambient credentials.
func CheckCSRF(r *http.Request) bool {
	c := FromContext(r.Context())
	if c.Bearer {
		return true
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return c.CSRF != "" && subtle.ConstantTimeCompare([]byte(got), []byte(c.CSRF)) == 1
}

// SetSessionCookie sets the browser session cookie: HttpOnly, SameSite=Lax, Secure
// under TLS.
func (a *Auth) SetSessionCookie(w http.ResponseWriter, token string, ttl time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: a.Secure, SameSite: http.SameSiteLaxMode, MaxAge: int(ttl.Seconds())})
}

// ClearSessionCookie removes the browser session cookie.
func (a *Auth) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: a.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// ClientIP is the address used for rate limits: the connection's remote address
// (a trusted proxy's X-Forwarded-For handling is configured at the proxy).
func ClientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}
