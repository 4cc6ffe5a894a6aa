package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// boot runs the program with a fresh data directory (unless edit sets one) and
// returns it with its log, or the error Run gave.
func boot(t *testing.T, edit func(*Config)) (*Main, *syncBuffer, error) {
	t.Helper()
	cfg := defaultConfig()
	cfg.Addr, cfg.Data = "127.0.0.1:0", t.TempDir()
	edit(&cfg)
	log := &syncBuffer{}
	m := &Main{Config: cfg, Out: io.Discard, Log: slog.New(slog.NewTextHandler(log, nil))}
	err := m.Run(context.Background())
	t.Cleanup(func() { _ = m.Close() })
	return m, log, err
}

func request(t *testing.T, c *http.Client, method, u string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestMetricsNeedTheTokenOrTheirOwnListener: /metrics is 404 on the public listener
// unless the request bears the metrics token, and only on the metrics listener when
// one is configured; what it serves includes the Go and process collectors
// (Security #11 item 9).
func TestMetricsNeedTheTokenOrTheirOwnListener(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	if resp, _ := request(t, nil, "GET", m.URL()+"/metrics"); resp.StatusCode != 404 {
		t.Fatalf("public /metrics without a token configured: %d", resp.StatusCode)
	}
	tm := startDemoWith(t, "", func(c *Config) { c.MetricsToken = "right-token" })
	for _, auth := range []string{"", "Bearer wrong-token", "Bearer right-token2", "Basic right-token", "right-token"} {
		if resp, _ := request(t, nil, "GET", tm.URL()+"/metrics", "Authorization", auth); resp.StatusCode != 404 {
			t.Errorf("/metrics with %q: %d", auth, resp.StatusCode)
		}
	}
	resp, body := request(t, nil, "GET", tm.URL()+"/metrics", "Authorization", "Bearer right-token")
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics with the token: %d", resp.StatusCode)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total", "process_open_fds", "miz_http_requests_total"} {
		if !strings.Contains(body, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	lm := startDemoWith(t, "", func(c *Config) { c.MetricsAddr, c.MetricsToken = "127.0.0.1:0", "right-token" })
	if resp, _ := request(t, nil, "GET", lm.URL()+"/metrics", "Authorization", "Bearer right-token"); resp.StatusCode != 404 {
		t.Errorf("public /metrics beside a metrics listener: %d", resp.StatusCode)
	}
	if resp, body := request(t, nil, "GET", lm.MetricsURL()+"/metrics"); resp.StatusCode != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics listener: %d", resp.StatusCode)
	}
}

// TestHSTSWheneverCookiesAreSecure: behind a TLS proxy (--secure-cookies) or at an
// https base URL, browsers are told to keep to HTTPS even though the listener
// itself speaks plain HTTP (Security #11 item 10).
func TestHSTSWheneverCookiesAreSecure(t *testing.T) {
	t.Parallel()
	for name, edit := range map[string]func(*Config){
		"secure cookies": func(c *Config) { c.Secure = true },
		"https base URL": func(c *Config) { c.BaseURL = "https://miz.example" },
	} {
		m := startDemoWith(t, "", edit)
		for _, p := range []string{"/", "/api/v1/services", "/nope"} {
			if resp, _ := request(t, nil, "GET", m.URL()+p); !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=63072000") {
				t.Errorf("%s, %s: HSTS %q", name, p, resp.Header.Get("Strict-Transport-Security"))
			}
		}
	}
}

var assetPath = regexp.MustCompile(`/assets/[^"]+\.css`)

// TestCredentialedResponsesAreNotStored: a page or API answer given to a request
// with a session cookie or a bearer token is "no-store", even where the handler
// asked for public caching; anonymous feeds keep theirs, and static assets keep
// their long lifetime for everyone (Security #11 item 10).
func TestCredentialedResponsesAreNotStored(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	resp, anonFeed := request(t, nil, "GET", m.URL()+"/changes.atom")
	if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=60" || !strings.Contains(anonFeed, "<feed") {
		t.Fatalf("anonymous feed: %q", cc)
	}
	fc := newFormClient(t, m.URL(), nil)
	_, login, _ := fc.get("/login")
	asset := assetPath.FindString(login)
	if status, _, _ := fc.post("/login", url.Values{"username": {"demo-applicant"}, "password": {demo.Password}}); status != http.StatusSeeOther {
		t.Fatalf("login: %d", status)
	}
	for _, p := range []string{"/", "/profile", "/cases", "/changes.atom", "/registry", "/nope"} {
		if _, _, h := fc.get(p); h.Get("Cache-Control") != "no-store" {
			t.Errorf("signed in, %s: Cache-Control %q", p, h.Get("Cache-Control"))
		}
	}
	if _, _, h := fc.get(asset); !strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Errorf("signed in, asset %s: Cache-Control %q", asset, h.Get("Cache-Control"))
	}
	tok := apiLogin(t, m, "demo-applicant", "")
	for _, p := range []string{"/api/v1/services", "/api/v1/me", "/api/v1/openapi.json"} {
		if resp, _ := request(t, nil, "GET", m.URL()+p, "Authorization", "Bearer "+tok); resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("bearer, %s: Cache-Control %q", p, resp.Header.Get("Cache-Control"))
		}
	}
}

// TestCrossSiteFormPostIsRefused: a form another site makes a signed-in browser
// post is refused by the cross-origin check even when it carries a valid CSRF
// token; same-origin posts, clients that send no browser headers, and API calls
// with a bearer token pass (Security #11 item 10).
func TestCrossSiteFormPostIsRefused(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	fc := newFormClient(t, m.URL(), nil)
	post := func(hdr ...string) int {
		form := url.Values{"lang": {"en"}, "back": {"/"}, "csrf": {fc.csrf}}
		req, _ := http.NewRequest("POST", m.URL()+"/lang", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := fc.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); got != http.StatusForbidden {
		t.Errorf("cross-site post: %d", got)
	}
	if got := post("Origin", "https://evil.example"); got != http.StatusForbidden {
		t.Errorf("post from a foreign Origin (no Sec-Fetch-Site): %d", got)
	}
	if got := post("Sec-Fetch-Site", "same-origin", "Origin", m.URL()); got != http.StatusSeeOther {
		t.Errorf("same-origin post: %d", got)
	}
	if got := post(); got != http.StatusSeeOther {
		t.Errorf("post without browser headers: %d", got)
	}
	tok := apiLogin(t, m, "demo-applicant", "")
	resp, out := doJSON(t, "POST", m.URL()+"/api/v1/cases", tok, "application/json",
		`{"service":"certify","kind":"application","form":`+certifyForm+`}`, "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("API call with a bearer token: %d %v", resp.StatusCode, out)
	}
}

// TestLanguageSwitchNeverRedirectsOffSite: the back parameter of the language
// switch cannot send the browser to another host (Security #11 item 6).
func TestLanguageSwitchNeverRedirectsOffSite(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	fc := newFormClient(t, m.URL(), nil)
	for _, back := range []string{"/\t/evil.example", "/\\evil.example", "//evil.example", "/%09/evil.example", "\\/evil.example"} {
		status, _, resp := fc.post("/lang", url.Values{"lang": {"en"}, "back": {back}})
		if loc := resp.Header.Get("Location"); status != http.StatusSeeOther || loc != "/" {
			t.Errorf("back=%q: %d to %q", back, status, loc)
		}
	}
	if _, _, resp := fc.post("/lang", url.Values{"lang": {"en"}, "back": {"/track?code=X"}}); resp.Header.Get("Location") != "/track?code=X" {
		t.Errorf("a local back path was not kept: %q", resp.Header.Get("Location"))
	}
}

// TestControlCharactersAndInvalidUTF8AreRefused: a form field or JSON value with
// NUL, an escape sequence or invalid UTF-8 gets a 400 with a localized message and
// changes nothing; an API body with a duplicate key is refused naming the field
// (Security #11 item 11).
func TestControlCharactersAndInvalidUTF8AreRefused(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	fc := newFormClient(t, m.URL(), nil)
	for _, name := range []string{"Ali\x00", "Ali\x1b[2J", "Ali\xff"} {
		status, page, _ := fc.post("/login", url.Values{"username": {name}, "password": {demo.Password}})
		if status != http.StatusBadRequest || !strings.Contains(page, "invalid or control characters") {
			t.Errorf("form value %q: %d", name, status)
		}
	}
	resp, out := doJSON(t, "POST", m.URL()+"/api/v1/auth/login", "", "application/json",
		`{"username":"demo-applicant","password":"wrong","password":"demo-password"}`, "Accept-Language", "en")
	if e, _ := out["error"].(map[string]any); resp.StatusCode != 400 || e["field"] != "password" || !strings.Contains(e["message"].(string), "more than once") {
		t.Errorf("duplicate key: %d %v", resp.StatusCode, out)
	}
	resp, out = doJSON(t, "POST", m.URL()+"/api/v1/auth/login", "", "application/json",
		`{"username":"demo-applicant","Password":"demo-password"}`)
	if e, _ := out["error"].(map[string]any); resp.StatusCode != 400 || e["field"] != "Password" {
		t.Errorf("key differing in case: %d %v", resp.StatusCode, out)
	}
}

// TestFeedsAndSSONeverUseTheHostHeader: without --base-url a production desk
// refuses to build feed links from the Host header and will not start single
// sign-on, warning at start-up; with it, links use it; the demo uses its listening
// address (Security #11 item 12).
func TestFeedsAndSSONeverUseTheHostHeader(t *testing.T) {
	t.Parallel()
	prod, log, err := boot(t, func(c *Config) {})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "--base-url is not set") {
		t.Error("no start-up warning about the missing base URL")
	}
	if resp, body := request(t, nil, "GET", prod.URL()+"/changes.atom", "Host", "evil.example"); resp.StatusCode != 404 || strings.Contains(body, "evil.example") {
		t.Errorf("production feed without a base URL: %d", resp.StatusCode)
	}
	based, _, err := boot(t, func(c *Config) { c.BaseURL = "https://miz.example/" })
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := request(t, nil, "GET", based.URL()+"/changes.atom", "Host", "evil.example"); resp.StatusCode != 200 ||
		strings.Contains(body, "evil.example") || !strings.Contains(body, `href="https://miz.example/changes"`) {
		t.Errorf("feed with a base URL: %d %s", resp.StatusCode, body)
	}
	idp := newProvider(t)
	if _, _, err := boot(t, func(c *Config) { c.OIDCIssuer, c.OIDCClientID = idp.srv.URL, "miz" }); err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("OIDC without a base URL started: %v", err)
	}
	if _, _, err := boot(t, func(c *Config) { c.BaseURL = "miz.example" }); err == nil {
		t.Error("a base URL without a scheme was accepted")
	}
	dm := startDemoWith(t, "", func(c *Config) { c.OIDCIssuer, c.OIDCClientID = idp.srv.URL, "miz" })
	if _, body := request(t, nil, "GET", dm.URL()+"/changes.atom", "Host", "evil.example"); strings.Contains(body, "evil.example") || !strings.Contains(body, dm.URL()+"/changes") {
		t.Errorf("demo feed: %s", body)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _ := request(t, noFollow, "GET", dm.URL()+"/login/oidc", "Host", "evil.example")
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if redirect := loc.Query().Get("redirect_uri"); resp.StatusCode != http.StatusFound || redirect != dm.URL()+"/login/oidc/callback" {
		t.Errorf("SSO callback %q (%d)", redirect, resp.StatusCode)
	}
}

// TestDemoRefusesADatabaseWithRealAccounts: --demo on a database that holds an
// account the demo did not seed stops with a clear error and seeds nothing; a demo
// database restarts as a demo (Security #11 item 13).
func TestDemoRefusesADatabaseWithRealAccounts(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, dbURL string) {
		dir := t.TempDir()
		prod, _, err := boot(t, func(c *Config) { c.Data, c.DB = dir, dbURL })
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := prod.DB.Update(ctx, func(tx *store.Tx) error {
			_, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "real.admin", Kind: identity.KindStaff, Password: "a long real password", Admin: true})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_ = prod.Close()
		m, _, err := boot(t, func(c *Config) { c.Data, c.DB, c.Demo = dir, dbURL, true })
		if err == nil || !strings.Contains(err.Error(), "refusing --demo") {
			t.Fatalf("--demo on a real database: %v", err)
		}
		n := -1
		if err := m.DB.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE username LIKE 'demo-%'`).Scan(&n)
		}); err != nil || n != 0 {
			t.Fatalf("demo accounts seeded anyway: %d %v", n, err)
		}
		_ = m.Close()
		demoDir := t.TempDir()
		d1, _, err := boot(t, func(c *Config) { c.Data, c.Demo = demoDir, true })
		if err != nil {
			t.Fatal(err)
		}
		_ = d1.Close()
		if _, _, err := boot(t, func(c *Config) { c.Data, c.Demo = demoDir, true }); err != nil {
			t.Fatalf("a demo database did not restart as a demo: %v", err)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	t.Run("postgres", func(t *testing.T) { run(t, storetest.PostgresURL(t)) })
}

// TestDemoOffLoopbackWarnsLoudly: a demo reachable from the network says so in the
// log (WARN) and in the start banner.
func TestDemoOffLoopbackWarnsLoudly(t *testing.T) {
	t.Parallel()
	m, log, err := boot(t, func(c *Config) { c.Addr, c.Demo = "0.0.0.0:0", true })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "level=WARN msg=\"demo listens off loopback") {
		t.Errorf("no warning in the log:\n%s", log)
	}
	var out bytes.Buffer
	m.Out = &out
	printBanner(m, 0)
	if !strings.Contains(out.String(), "WARNING: --demo is listening beyond this machine") {
		t.Errorf("banner:\n%s", out.String())
	}
	lo := startDemo(t, "")
	out.Reset()
	lo.Out = &out
	printBanner(lo, 0)
	if strings.Contains(out.String(), "WARNING") {
		t.Error("a loopback demo warned")
	}
}
