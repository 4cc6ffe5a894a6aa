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
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// Cookie names over plain HTTP. Under TLS the __Host- prefixed names are used
// instead (Security #10): the browser then insists on Secure, Path=/ and no Domain,
// so a sibling subdomain cannot plant or shadow them.
const (
	SessionCookie = "miz_session"
	CSRFCookie    = "miz_csrf"
)

const hostPrefix = "__Host-"

// SessionCookieName is the session cookie's name as this server writes and reads it.
func (a *Auth) SessionCookieName() string {
	if a.Secure {
		return hostPrefix + SessionCookie
	}
	return SessionCookie
}

// CSRFCookieName is the anonymous CSRF cookie's name as this server writes and reads it.
func (a *Auth) CSRFCookieName() string {
	if a.Secure {
		return hostPrefix + CSRFCookie
	}
	return CSRFCookie
}

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
	// IdleTimeout ends a staff browser session after this long without a request
	// (0: never). Security #2.
	IdleTimeout time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and Forwarded
	// headers are believed when finding the client's address (Security #4).
	TrustedProxies []netip.Prefix
	Log            *slog.Logger

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
	// CSRF is the token forms must echo. For an anonymous visitor it is the one
	// their CSRF cookie holds, or empty until a page asks for one with FormToken
	// (issue 18: a response with no form sets no cookie, so shared caches keep it).
	CSRF string
	// Unavailable is set when the database could not be asked.
	Unavailable bool
	// IP is the client's address as Auth.TrustedProxies allow it to be known.
	IP string

	// issue hands an anonymous visitor a new CSRF cookie; nil when the caller
	// has a token already or needs none.
	issue func() string
	// asked records that a page asked a Public caller for a token.
	asked bool
}

// Public returns the caller of a credential-free read answered from memory ahead
// of the middleware (issue 18): nobody, with no CSRF token to give. A page made
// for it that asks for one (FormAsked) holds a form and cannot be kept for others.
func Public() *Caller {
	c := &Caller{}
	c.issue = func() string { c.asked = true; return "" }
	return c
}

// FormAsked reports whether a page asked this Public caller for a form token.
func (c *Caller) FormAsked() bool { return c.asked }

// FormToken returns the token a form rendered for this caller must carry. An
// anonymous visitor without a CSRF cookie gets one now, set on the response being
// built: call it before the response's header is written (pages are rendered into
// a buffer first). Issue 18: only a response that renders such a form sets it.
func (c *Caller) FormToken() string {
	if c.CSRF == "" && c.issue != nil {
		c.CSRF, c.issue = c.issue(), nil
	}
	return c.CSRF
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
		c := &Caller{IP: a.clientIP(r)}
		if h := r.Header.Get("Authorization"); h != "" {
			if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
				c.Bearer = true
				c.Token = strings.TrimSpace(tok)
				a.load(r.Context(), c, identity.SessionAPI, identity.SessionPAT)
			}
		} else if ck, err := r.Cookie(a.SessionCookieName()); err == nil && ck.Value != "" {
			c.Token = ck.Value
			a.load(r.Context(), c, identity.SessionWeb, identity.SessionPending)
		}
		if c.Principal != nil && c.Session.Kind == identity.SessionWeb {
			c.CSRF = c.Session.CSRF
		} else if !c.Bearer {
			a.anonCSRF(w, r, c)
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
	if err == nil && c.Principal != nil && c.Session.Kind == identity.SessionWeb && c.Principal.IsStaff() {
		err = a.idle(ctx, c)
	}
	if err == nil && c.Principal != nil && a.CacheTTL > 0 {
		a.cache.put(c.Token, c.Session, c.Principal, now, now.Add(a.CacheTTL))
	}
	if err != nil {
		c.Principal, c.Session = nil, identity.Session{}
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

// idle ends a staff browser session that has been idle longer than IdleTimeout (it
// then resolves to nobody) and otherwise refreshes its last-seen time, at most about
// once a minute so that most requests write nothing. Security #2.
func (a *Auth) idle(ctx context.Context, c *Caller) error {
	expired, touch := identity.IdleCheck(c.Session, a.DB.Now(), a.IdleTimeout)
	switch {
	case expired:
		tok, s := c.Token, c.Session
		c.Principal, c.Session = nil, identity.Session{}
		a.cache.forget(tok)
		return identity.EndIdleSession(ctx, a.DB, s, tok)
	case touch:
		if err := identity.TouchSession(ctx, a.DB, c.Token); err != nil && a.Log != nil {
			a.Log.Warn("session last-seen update failed", "err", err) // the request itself goes on
		}
	}
	return nil
}

// anonCSRF gives a visitor without a session the double-submit token of their
// CSRF cookie, or, when they have none, the means to be handed one by the first
// form rendered for them (FormToken). A request checked by CheckCSRF without the
// cookie has no token, so it fails as before.
func (a *Auth) anonCSRF(w http.ResponseWriter, r *http.Request, c *Caller) {
	if ck, err := r.Cookie(a.CSRFCookieName()); err == nil && len(ck.Value) >= 20 {
		c.CSRF = ck.Value
		return
	}
	c.issue = func() string {
		tok := identity.RandomToken(24)
		http.SetCookie(w, &http.Cookie{Name: a.CSRFCookieName(), Value: tok, Path: "/", HttpOnly: true, Secure: a.Secure, SameSite: http.SameSiteLaxMode})
		return tok
	}
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
	http.SetCookie(w, &http.Cookie{Name: a.SessionCookieName(), Value: token, Path: "/", HttpOnly: true,
		Secure: a.Secure, SameSite: http.SameSiteLaxMode, MaxAge: int(ttl.Seconds())})
}

// ClearSessionCookie removes the browser session cookie.
func (a *Auth) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: a.SessionCookieName(), Value: "", Path: "/", HttpOnly: true,
		Secure: a.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// ClientIP is the address used for rate limits and the audit log: the one the
// middleware resolved under Auth.TrustedProxies, or the connection's remote address
// outside the middleware.
func ClientIP(r *http.Request) string {
	if c, ok := r.Context().Value(ctxKey{}).(*Caller); ok && c.IP != "" {
		return c.IP
	}
	return remoteIP(r)
}
