package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// forEachDB boots the demo server on SQLite and on PostgreSQL.
func forEachDB(t *testing.T, fn func(t *testing.T, m *Main)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, startDemo(t, "")) })
	t.Run("postgres", func(t *testing.T) { fn(t, startDemo(t, storetest.PostgresURL(t))) })
}

func doJSON(t *testing.T, method, u, token, ctype, body string, hdr ...string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &m)
	return resp, m
}

func apiLogin(t *testing.T, m *Main, user, totp string) string {
	t.Helper()
	body := `{"username":"` + user + `","password":"demo-password"`
	if totp != "" {
		body += `,"totp":"` + totp + `"`
	}
	resp, m2 := doJSON(t, "POST", m.URL()+"/api/v1/auth/login", "", "application/json", body+"}")
	if resp.StatusCode != 200 {
		t.Fatalf("login %s: %d %v", user, resp.StatusCode, m2)
	}
	return m2["token"].(string)
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func TestAPILoginTokenAndErrors(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		u := m.URL() + "/api/v1"
		resp, body := doJSON(t, "GET", u+"/me", "", "", "")
		if resp.StatusCode != 401 || errCode(body) != "unauthorized" {
			t.Fatalf("anonymous /me: %d %v", resp.StatusCode, body)
		}
		tok := apiLogin(t, m, "demo-applicant", "")
		resp, body = doJSON(t, "GET", u+"/me", tok, "", "")
		if resp.StatusCode != 200 || body["username"] != "demo-applicant" {
			t.Fatalf("/me: %d %v", resp.StatusCode, body)
		}
		// Staff need the second factor, and the message follows Accept-Language.
		resp, body = doJSON(t, "POST", u+"/auth/login", "", "application/json", `{"username":"demo-expert","password":"demo-password"}`, "Accept-Language", "en")
		if resp.StatusCode != 401 || !strings.Contains(body["error"].(map[string]any)["message"].(string), "one-time code") {
			t.Fatalf("staff without totp: %d %v", resp.StatusCode, body)
		}
		code, _ := identity.TOTPCode("JBSWY3DPEHPK3PXP", time.Now())
		apiLogin(t, m, "demo-expert", code)

		bad := []struct {
			name, ctype, body string
			status            int
			code              string
		}{
			{"malformed", "application/json", `{"username":`, 400, "invalid"},
			{"unknown field", "application/json", `{"username":"a","password":"b","admin":true}`, 400, "invalid"},
			{"wrong type", "application/json", `{"username":1,"password":"b"}`, 400, "invalid"},
			{"wrong content type", "text/plain", `{"username":"a","password":"b"}`, 415, "unsupported_media_type"},
			{"oversize", "application/json", `{"username":"` + strings.Repeat("x", 70<<10) + `","password":"b"}`, 413, "too_large"},
			{"trailing data", "application/json", `{"username":"a","password":"b"} {}`, 400, "invalid"},
			{"injection", "application/json", `{"username":"' OR 1=1 --","password":"<script>"}`, 401, "unauthorized"},
		}
		for _, tc := range bad {
			resp, body := doJSON(t, "POST", u+"/auth/login", "", tc.ctype, tc.body)
			if resp.StatusCode != tc.status || errCode(body) != tc.code {
				t.Errorf("%s: got %d %v, want %d %s", tc.name, resp.StatusCode, body, tc.status, tc.code)
			}
			msg, _ := body["error"].(map[string]any)["message"].(string)
			if msg == "" || strings.Contains(msg, "goroutine") {
				t.Errorf("%s: message %q", tc.name, msg)
			}
		}
		resp, body = doJSON(t, "GET", u+"/no/such/route", "", "", "")
		if resp.StatusCode != 404 || errCode(body) != "not_found" {
			t.Fatalf("unknown route: %d %v", resp.StatusCode, body)
		}
	})
}

func TestPersonalAccessTokenScopes(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		u := m.URL() + "/api/v1"
		tok := apiLogin(t, m, "demo-applicant", "")
		resp, body := doJSON(t, "POST", u+"/tokens", tok, "application/json", `{"name":"ci","scopes":["cases:read"]}`)
		if resp.StatusCode != 201 {
			t.Fatalf("create PAT: %d %v", resp.StatusCode, body)
		}
		pat := body["token"].(string)
		resp, body = doJSON(t, "GET", u+"/me", pat, "", "")
		if resp.StatusCode != 200 || body["scopes"].([]any)[0] != "cases:read" {
			t.Fatalf("PAT /me: %d %v", resp.StatusCode, body)
		}
		if resp, _ := doJSON(t, "POST", u+"/tokens", pat, "application/json", `{"name":"x","scopes":["all"]}`); resp.StatusCode != 403 {
			t.Fatalf("a PAT minted a token: %d", resp.StatusCode)
		}
		if resp, body := doJSON(t, "POST", u+"/tokens", tok, "application/json", `{"name":"x","scopes":["root"]}`); resp.StatusCode != 400 {
			t.Fatalf("bad scope: %d %v", resp.StatusCode, body)
		}
	})
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	resp, doc := doJSON(t, "GET", m.URL()+"/api/v1/openapi.json", "", "", "")
	if resp.StatusCode != 200 || doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi: %d %v", resp.StatusCode, doc["openapi"])
	}
	paths := doc["paths"].(map[string]any)
	a := m.API
	if len(a.DeclaredRoutes()) < 5 {
		t.Fatalf("only %d routes declared", len(a.DeclaredRoutes()))
	}
	for _, rt := range a.DeclaredRoutes() {
		item, ok := paths[rt.Path].(map[string]any)
		if !ok || item[strings.ToLower(rt.Method)] == nil {
			t.Errorf("%s %s is served but not in openapi.json", rt.Method, rt.Path)
		}
		if !strings.HasPrefix(rt.Path, "/api/v1/") {
			t.Errorf("%s is outside /api/v1", rt.Path)
		}
	}
}

func TestSecurityHeadersHealthAndMetrics(t *testing.T) {
	t.Parallel()
	m := startDemoWith(t, "", func(c *Config) { c.MetricsToken = "scrape-token" })
	for _, p := range []string{"/", "/login", "/api/v1/services", "/nope"} {
		resp, err := http.Get(m.URL() + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: missing headers %v", p, resp.Header)
		}
	}
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		want := 200
		req, _ := http.NewRequest("GET", m.URL()+p, nil)
		req.Header.Set("Authorization", "Bearer scrape-token") // Security #11 item 9: /metrics needs it
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
		if p == "/metrics" && !bytes.Contains(b, []byte(`miz_http_requests_total{method="GET",route="GET /healthz",status="200"}`)) {
			t.Errorf("metrics lack per-route counts:\n%s", b)
		}
	}
	// A closed database makes the desk not ready.
	_ = m.DB.Close()
	resp, err := http.Get(m.URL() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("readyz with closed db: %d", resp.StatusCode)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestWebLoginCSRFAndSessionRotation(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(p string) string {
			resp, err := c.Get(m.URL() + p)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		}
		page := get("/login")
		tok := csrfField.FindStringSubmatch(page)
		if tok == nil {
			t.Fatal("login form has no CSRF field")
		}
		// Without the token the form is refused and nobody is logged in.
		resp, err := c.PostForm(m.URL()+"/login", url.Values{"username": {"demo-applicant"}, "password": {"demo-password"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("login without CSRF token: %d", resp.StatusCode)
		}
		// A session cookie planted before login is replaced (no fixation).
		u, _ := url.Parse(m.URL())
		jar.SetCookies(u, []*http.Cookie{{Name: "miz_session", Value: "planted", Path: "/"}})
		resp, err = c.PostForm(m.URL()+"/login", url.Values{"username": {"demo-applicant"}, "password": {"demo-password"}, "csrf": {tok[1]}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 303 {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		var session *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "miz_session" {
				session = ck
			}
		}
		if session == nil || session.Value == "planted" || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie: %+v", session)
		}
		if !strings.Contains(get("/profile"), "demo-applicant") {
			t.Fatal("profile does not show the logged-in user")
		}
		// The logged-in session's forms use the session's own CSRF token.
		resp, err = c.PostForm(m.URL()+"/logout", url.Values{"csrf": {tok[1]}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("logout with the anonymous token: %d", resp.StatusCode)
		}
	})
}

func TestAuditVerifyCommandFindsTampering(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	apiLogin(t, m, "demo-applicant", "")
	data := m.Config.Data
	_ = m.Close()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"audit", "verify", "--data", data}, nil, &out, &errOut); code != 0 {
		t.Fatalf("clean chain: %d %s %s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines[len(lines)-1]) != 64 {
		t.Fatalf("last line is not the head hash: %q", out.String())
	}
	db, err := store.Open(context.Background(), "", data)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), "UPDATE audit_log SET actor = 'account:999' WHERE seq = 2")
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"audit", "verify", "--data", data}, nil, &out, &errOut); code == 0 || !strings.Contains(out.String(), "entry 2") {
		t.Fatalf("tampered chain: %d %q", code, out.String())
	}
}

func TestPersonalAccessTokenScopesAreEnforced(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	u := m.URL() + "/api/v1"
	tok := apiLogin(t, m, "10101234565", "")
	_, body := doJSON(t, "POST", u+"/tokens", tok, "application/json", `{"name":"reader","scopes":["cases:read"]}`)
	reader := body["token"].(string)
	resp, body := doJSON(t, "POST", u+"/cases", reader, "application/json", `{"service":"cert","kind":"incident","form":{}}`)
	if resp.StatusCode != 403 || errCode(body) != "forbidden" {
		t.Fatalf("a cases:read token opened a case: %d %v", resp.StatusCode, body)
	}
	resp, body = doJSON(t, "POST", u+"/cases", tok, "application/json", `{"service":"cert","kind":"incident","form":{}}`)
	if resp.StatusCode != 201 {
		t.Fatalf("open: %d %v", resp.StatusCode, body)
	}
	if resp, body := doJSON(t, "GET", u+"/cases/"+body["tracking_code"].(string), reader, "", ""); resp.StatusCode != 200 {
		t.Fatalf("a cases:read token could not read: %d %v", resp.StatusCode, body)
	}
	if resp, _ := doJSON(t, "POST", u+"/tokens", tok, "application/json", `{"name":"w","scopes":["cases:write"]}`); resp.StatusCode != 201 {
		t.Fatal("cases:write token")
	}
}
