package httpauth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Security #4: forwarding headers are believed only from trusted proxies, and the
// client is the right-most address that is not a trusted proxy.
func TestClientIPBelievesOnlyTrustedProxies(t *testing.T) {
	trusted, err := httpauth.ParseTrustedProxies("10.0.0.0/8, 192.168.1.5,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := httpauth.ParseTrustedProxies("10.0.0.0/8,not-a-cidr"); err == nil {
		t.Fatal("bad CIDR accepted")
	}
	cases := []struct {
		name, remote, xff, fwd, want string
	}{
		{"direct", "203.0.113.7:5000", "", "", "203.0.113.7"},
		{"untrusted peer's header ignored", "203.0.113.7:5000", "1.2.3.4", "", "203.0.113.7"},
		{"trusted proxy", "10.1.2.3:443", "198.51.100.9", "", "198.51.100.9"},
		{"spoofed left entries ignored", "10.1.2.3:443", "6.6.6.6, 198.51.100.9", "", "198.51.100.9"},
		{"proxy chain", "10.1.2.3:443", "198.51.100.9, 192.168.1.5", "", "198.51.100.9"},
		{"forwarded preferred", "10.1.2.3:443", "6.6.6.6", `for=198.51.100.10;proto=https, for="[2001:db8::1]:80"`, "198.51.100.10"},
		{"forwarded v6 client", "[2001:db8::9]:443", "", `for="[2001:db9::1]:4711"`, "2001:db9::1"},
		{"garbage stops the walk", "10.1.2.3:443", "unknown", "", "10.1.2.3"},
		{"only proxies", "10.1.2.3:443", "10.9.9.9", "", "10.1.2.3"},
	}
	a := &httpauth.Auth{TrustedProxies: trusted}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if tc.fwd != "" {
			r.Header.Set("Forwarded", tc.fwd)
		}
		var got string
		a.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = httpauth.ClientIP(r) })).
			ServeHTTP(httptest.NewRecorder(), r)
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

type env struct {
	db    *store.DB
	now   time.Time
	auth  *httpauth.Auth
	staff int64
	user  int64
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{db: db, now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return e.now }
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		var err error
		if e.staff, err = identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "exp", Kind: identity.KindStaff, Password: "pw-staff-1234"}); err != nil {
			return err
		}
		if err := identity.Grant(ctx, tx, e.staff, "certify", identity.Expert); err != nil {
			return err
		}
		pid, err := identity.CreatePerson(ctx, tx, identity.Person{NationalCode: "0499370899", NameFa: "آزمون"})
		if err != nil {
			return err
		}
		e.user, err = identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "ali", Kind: identity.KindPerson, PersonID: pid, Password: "pw-applicant"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.auth = &httpauth.Auth{DB: db, WebTTL: 12 * time.Hour, IdleTimeout: 30 * time.Minute, CacheTTL: time.Second}
	return e
}

func (e *env) session(t *testing.T, id int64, kind identity.SessionKind) string {
	t.Helper()
	var tok string
	err := e.db.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		tok, _, err = identity.CreateSession(context.Background(), tx, identity.NewSession{AccountID: id, Kind: kind, TTL: 12 * time.Hour})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// who returns the account ID the request resolves to (0: nobody).
func (e *env) who(cookie, bearer string) int64 {
	r := httptest.NewRequest("GET", "/", nil)
	if cookie != "" {
		r.AddCookie(&http.Cookie{Name: e.auth.SessionCookieName(), Value: cookie})
	}
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	}
	var id int64
	e.auth.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		if p := httpauth.FromContext(r.Context()).Principal; p != nil {
			id = p.ID
		}
	})).ServeHTTP(httptest.NewRecorder(), r)
	return id
}

// Security #2: a staff browser session idle for longer than IdleTimeout resolves to
// nobody and is deleted; activity keeps it alive with at most one write a minute.
func TestIdleStaffSessionEnds(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		staff, applicant := e.session(t, e.staff, identity.SessionWeb), e.session(t, e.user, identity.SessionWeb)
		for range 3 { // active every 20 minutes: stays signed in
			e.now = e.now.Add(20 * time.Minute)
			if e.who(staff, "") != e.staff {
				t.Fatal("an active staff session ended")
			}
		}
		e.now = e.now.Add(10 * time.Second)
		var before int64
		_ = db.View(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT last_seen_at FROM sessions WHERE account_id = ?`, e.staff).Scan(&before)
		})
		e.now = e.now.Add(2 * time.Second) // within the minute (and past the cache): no write
		e.who(staff, "")
		var after int64
		_ = db.View(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT last_seen_at FROM sessions WHERE account_id = ?`, e.staff).Scan(&after)
		})
		if before != after {
			t.Fatal("last_seen_at written more than once a minute")
		}
		e.now = e.now.Add(31 * time.Minute)
		if e.who(staff, "") != 0 {
			t.Fatal("an idle staff session still signs in")
		}
		var n int
		_ = db.View(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM sessions WHERE account_id = ?`, e.staff).Scan(&n)
		})
		if n != 0 {
			t.Fatal("the idle session was not deleted")
		}
		if e.who(applicant, "") != e.user {
			t.Fatal("the idle timeout is for staff sessions only")
		}
	})
}

// Security #2: disabling an account ends its sessions and tokens within the 1 s cache.
func TestDisabledAccountStopsResolvingWithinTheCacheSecond(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		web, pat := e.session(t, e.user, identity.SessionWeb), e.session(t, e.user, identity.SessionPAT)
		if e.who(web, "") != e.user || e.who("", pat) != e.user {
			t.Fatal("sessions do not resolve")
		}
		ctx := context.Background()
		if err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE accounts SET disabled = TRUE WHERE id = ?`, e.user)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(time.Second)
		if e.who(web, "") != 0 || e.who("", pat) != 0 {
			t.Fatal("a disabled account's session or token still resolves after the cache second")
		}
	})
}

// Security #10: under TLS the cookies are __Host- prefixed, and only those are read.
func TestHostPrefixedCookiesUnderTLS(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.auth.Secure = true
		tok := e.session(t, e.user, identity.SessionWeb)
		w := httptest.NewRecorder()
		e.auth.SetSessionCookie(w, tok, time.Hour)
		ck := w.Result().Cookies()[0]
		if ck.Name != "__Host-miz_session" || !ck.Secure || ck.Path != "/" || ck.Domain != "" {
			t.Fatalf("session cookie %+v", ck)
		}
		if e.who(tok, "") != e.user {
			t.Fatal("the __Host- cookie is not read")
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: "miz_session", Value: tok}) // planted without the prefix
		var got *httpauth.Caller
		w = httptest.NewRecorder()
		e.auth.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			got = httpauth.FromContext(r.Context())
			got.FormToken() // a page with a form hands out the CSRF cookie
		})).ServeHTTP(w, r)
		if got.Principal != nil {
			t.Fatal("an unprefixed cookie is believed under TLS")
		}
		var csrf *http.Cookie
		for _, c := range w.Result().Cookies() {
			if c.Name == "__Host-miz_csrf" {
				csrf = c
			}
		}
		if csrf == nil || !csrf.Secure || csrf.Path != "/" || csrf.Domain != "" {
			t.Fatalf("csrf cookie %+v", w.Result().Cookies())
		}
	})
}

// Security #4: a 429 says how many seconds to wait, from the refusal's own wait.
func TestRetryAfterCarriesTheSeconds(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{&identity.RateLimitError{RetryAfter: 90 * time.Second}, "90"},
		{&identity.RateLimitError{RetryAfter: 1500 * time.Millisecond}, "2"},
		{&problem.Error{Code: problem.RateLimited, Err: errors.Join(errors.New("x"), &identity.RateLimitError{RetryAfter: time.Minute})}, "60"},
		{problem.New(problem.RateLimited, "error.rate_limited"), "60"},
	}
	for _, tc := range cases {
		w := httptest.NewRecorder()
		httpauth.SetRetryAfter(w, tc.err)
		if got := w.Header().Get("Retry-After"); got != tc.want {
			t.Errorf("%v: Retry-After %q, want %q", tc.err, got, tc.want)
		}
	}
}
