package httpauth_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Issue 18 row 1: an anonymous response carries the CSRF cookie only when the page
// renders a form (asks FormToken); the double-submit check is as strict as before:
// a post without the token, or with a token but no cookie, fails; with both, passes.
func TestAnonymousCSRFCookieOnlyWithAForm_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// A read that renders no form: no cookie.
		w := httptest.NewRecorder()
		e.auth.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"ok":true}`))
		})).ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/registry/certificates/X", nil))
		if sc := w.Header().Values("Set-Cookie"); len(sc) != 0 {
			t.Fatalf("a response without a form set %q", sc)
		}
		// A page with a form: the cookie, and the token equal to it.
		w = httptest.NewRecorder()
		var token string
		e.auth.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := httpauth.FromContext(r.Context())
			token = c.FormToken()
			if again := c.FormToken(); again != token {
				t.Error("a second form on the page got another token")
			}
			_, _ = w.Write([]byte(`<form>` + token + `</form>`))
		})).ServeHTTP(w, httptest.NewRequest("GET", "/login", nil))
		cks := w.Result().Cookies()
		if len(cks) != 1 || cks[0].Name != e.auth.CSRFCookieName() || cks[0].Value != token || len(token) < 20 || !cks[0].HttpOnly {
			t.Fatalf("form page cookies %+v, token %q", cks, token)
		}
		// The same visitor's next page reuses the cookie and sets nothing.
		w = httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/register", nil)
		r.AddCookie(cks[0])
		e.auth.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			if got := httpauth.FromContext(r.Context()).FormToken(); got != token {
				t.Errorf("token %q, want the cookie's %q", got, token)
			}
		})).ServeHTTP(w, r)
		if sc := w.Header().Values("Set-Cookie"); len(sc) != 0 {
			t.Fatalf("a visitor with the cookie was sent another: %q", sc)
		}
		post := func(field string, cookie *http.Cookie) bool {
			r := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"csrf": {field}, "username": {"ali"}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if cookie != nil {
				r.AddCookie(cookie)
			}
			var ok bool
			e.auth.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { ok = httpauth.CheckCSRF(r) })).
				ServeHTTP(httptest.NewRecorder(), r)
			return ok
		}
		if post("", cks[0]) {
			t.Error("a post without the token passed")
		}
		if post(token, nil) {
			t.Error("a post with the token but without the cookie passed")
		}
		if post(strings.Repeat("x", 32), cks[0]) {
			t.Error("a post with a wrong token passed")
		}
		if !post(token, cks[0]) {
			t.Error("a post with the cookie's token failed")
		}
	})
}
