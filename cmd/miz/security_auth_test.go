package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// staffWebLogin signs demo-expert in through both web steps at the clock's time.
func staffWebLogin(t *testing.T, m *Main, clk *storetest.Clock) *formClient {
	t.Helper()
	fc := newFormClient(t, m.URL(), nil)
	if status, _, resp := fc.post("/login", url.Values{"username": {"demo-expert"}, "password": {demo.Password}}); status != http.StatusSeeOther || resp.Header.Get("Location") != "/login/totp" {
		t.Fatalf("password step: %d", status)
	}
	code, _ := identity.TOTPCode(demo.TOTPSecret, clk.Now())
	if status, _, _ := fc.post("/login/totp", url.Values{"totp": {code}}); status != http.StatusSeeOther {
		t.Fatalf("totp step: %d", status)
	}
	return fc
}

func execSQL(t *testing.T, m *Main, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	if err := m.DB.Update(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, args...); return err }); err != nil {
		t.Fatal(err)
	}
}

// TestWebPendingSessionCannotTakeOverTOTP: Security #1. A password alone (a pending
// login) neither sees the enrol form of an account with TOTP nor replaces its secret.
func TestWebPendingSessionCannotTakeOverTOTP(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		clk := storetest.NewClock(time.Now())
		m := bootAt(t, dbURL, data, clk)
		fc := newFormClient(t, m.URL(), nil)
		if status, _, _ := fc.post("/login", url.Values{"username": {"demo-expert"}, "password": {demo.Password}}); status != http.StatusSeeOther {
			t.Fatalf("password step: %d", status)
		}
		evil, _ := identity.NewTOTPSecret()
		code, _ := identity.TOTPCode(evil, clk.Now())
		status, _, resp := fc.post("/totp/enrol", url.Values{"secret": {evil}, "totp": {code}})
		if status != http.StatusForbidden {
			t.Fatalf("pending session re-enrolled TOTP: %d %s", status, resp.Header.Get("Location"))
		}
		if status, _, h := fc.get("/totp/enrol"); status != http.StatusSeeOther || h.Get("Location") != "/login/totp" {
			t.Fatalf("enrol form shown to a pending session: %d", status)
		}
		if st, _, _ := fc.get("/profile"); st == http.StatusOK {
			t.Fatal("the attacker is signed in")
		}
		// The owner's own authenticator still works; the attacker's does not.
		clk.Set(clk.Now().Add(time.Minute))
		staffWebLogin(t, m, clk)
		if n := countWhere(t, m, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.totp_enrol_refused'`); n != 1 {
			t.Fatalf("refusal audited %d times", n)
		}
	})
}

// TestWebTOTPChangeNeedsCurrentCodeAndTellsOwner: Security #1, a full session.
func TestWebTOTPChangeNeedsCurrentCodeAndTellsOwner(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(time.Now())
	m := bootAt(t, "", t.TempDir(), clk)
	fc := staffWebLogin(t, m, clk)
	clk.Set(clk.Now().Add(time.Minute))
	status, page, _ := fc.get("/totp/enrol")
	if status != 200 || !strings.Contains(page, `name="current_totp"`) {
		t.Fatalf("re-enrol form: %d", status)
	}
	fc.csrf = csrfField.FindStringSubmatch(page)[1] // the signed-in session's token
	bad := `name="current_totp" inputmode="numeric" autocomplete="one-time-code" dir="ltr" aria-invalid="true"`
	fresh, _ := identity.NewTOTPSecret()
	code, _ := identity.TOTPCode(fresh, clk.Now())
	if status, page, _ := fc.post("/totp/enrol", url.Values{"secret": {fresh}, "totp": {code}}); status != http.StatusForbidden || !strings.Contains(page, bad) {
		t.Fatalf("change without the current code: %d", status)
	}
	cur, _ := identity.TOTPCode(demo.TOTPSecret, clk.Now())
	if status, page, _ := fc.post("/totp/enrol", url.Values{"secret": {fresh}, "totp": {code}, "current_totp": {cur}}); status != http.StatusSeeOther {
		t.Fatalf("change with the current code: %d %s", status, page)
	}
	id := principalOf(t, m, "demo-expert").ID
	if countWhere(t, m, `SELECT COUNT(*) FROM notifications WHERE account_id = ?`, id) != 1 ||
		countWhere(t, m, `SELECT COUNT(*) FROM outbox WHERE ref_kind = 'account' AND ref_id = ?`, strconv.FormatInt(id, 10)) == 0 {
		t.Fatal("the owner was not told of the change")
	}
}

// TestDisabledAccountAndRevocationThroughTheAPI: Security #2.
func TestDisabledAccountAndRevocationThroughTheAPI(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		clk := storetest.NewClock(time.Now())
		m := bootAt(t, dbURL, data, clk)
		u := m.URL() + "/api/v1"
		tick := func() { clk.Set(clk.Now().Add(1100 * time.Millisecond)) } // past the 1 s caller cache
		me := func(tok string) int { resp, _ := doJSON(t, "GET", u+"/me", tok, "", ""); return resp.StatusCode }
		tok := apiLogin(t, m, "demo-applicant", "")
		resp, body := doJSON(t, "POST", u+"/tokens", tok, "application/json", `{"name":"ci","scopes":["all"]}`)
		if resp.StatusCode != 201 {
			t.Fatalf("create token: %d", resp.StatusCode)
		}
		pat := body["token"].(string)
		req, _ := http.NewRequest("GET", u+"/me/tokens", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		lresp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var list []map[string]any
		decodeBody(t, lresp, &list)
		if len(list) != 1 || list[0]["name"] != "ci" || list[0]["id"] != identity.TokenID(pat) || strings.Contains(pat, list[0]["id"].(string)) {
			t.Fatalf("token list: %v", list)
		}
		if resp, _ := doJSON(t, "DELETE", u+"/me/tokens/"+identity.TokenID(pat), tok, "", ""); resp.StatusCode != 204 {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		tick()
		if me(pat) != 401 {
			t.Fatal("a revoked token still works")
		}
		// Sign out everywhere but here ends the other API session.
		other := apiLogin(t, m, "demo-applicant", "")
		if resp, body := doJSON(t, "POST", u+"/me/signout-everywhere", tok, "application/json", `{"keep_current":true}`); resp.StatusCode != 200 || body["ended"] != 1.0 {
			t.Fatalf("sign out everywhere: %d %v", resp.StatusCode, body)
		}
		tick()
		if me(other) != 401 || me(tok) != 200 {
			t.Fatal("sign out everywhere ended the wrong sessions")
		}
	})
}

// TestDisabledAccountSessionsStopWorking: Security #2. An account disabled in the
// database (as the admin's disable does) loses its web session and API tokens within
// the 1 s caller cache.
func TestDisabledAccountSessionsStopWorking(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		clk := storetest.NewClock(time.Now())
		m := bootAt(t, dbURL, data, clk)
		u := m.URL() + "/api/v1"
		tick := func() { clk.Set(clk.Now().Add(1100 * time.Millisecond)) }
		me := func(tok string) int { resp, _ := doJSON(t, "GET", u+"/me", tok, "", ""); return resp.StatusCode }
		tok := apiLogin(t, m, "demo-applicant", "")
		if me(tok) != 200 {
			t.Fatal("token")
		}
		fc := newFormClient(t, m.URL(), nil)
		if status, _, _ := fc.post("/login", url.Values{"username": {"demo-applicant"}, "password": {demo.Password}}); status != http.StatusSeeOther {
			t.Fatal("web login")
		}
		if status, _, _ := fc.get("/profile"); status != 200 {
			t.Fatal("profile")
		}
		execSQL(t, m, `UPDATE accounts SET disabled = TRUE WHERE username = 'demo-applicant'`)
		tick()
		if me(tok) != 401 {
			t.Fatal("a disabled account's token still works")
		}
		if status, _, _ := fc.get("/profile"); status == 200 {
			t.Fatal("a disabled account's web session still works")
		}
	})
}

// TestPasswordChangeThroughTheAPIEndsOtherSessions: Security #2.
func TestPasswordChangeThroughTheAPIEndsOtherSessions(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(time.Now())
	m := bootAt(t, "", t.TempDir(), clk)
	u := m.URL() + "/api/v1"
	tok, other := apiLogin(t, m, "demo-applicant", ""), apiLogin(t, m, "demo-applicant", "")
	if resp, body := doJSON(t, "POST", u+"/me/password", tok, "application/json", `{"current_password":"nope","new_password":"a-long-new-password"}`); resp.StatusCode != 400 || body["error"].(map[string]any)["field"] != "current_password" {
		t.Fatalf("wrong current password: %d %v", resp.StatusCode, body)
	}
	if resp, _ := doJSON(t, "POST", u+"/me/password", tok, "application/json", `{"current_password":"demo-password","new_password":"a-long-new-password"}`); resp.StatusCode != 204 {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	clk.Set(clk.Now().Add(1100 * time.Millisecond))
	if resp, _ := doJSON(t, "GET", u+"/me", other, "", ""); resp.StatusCode != 401 {
		t.Fatal("another session survived the password change")
	}
	if resp, _ := doJSON(t, "GET", u+"/me", tok, "", ""); resp.StatusCode != 200 {
		t.Fatal("the changing session was ended")
	}
	if resp, _ := doJSON(t, "POST", u+"/auth/login", "", "application/json", `{"username":"demo-applicant","password":"a-long-new-password"}`); resp.StatusCode != 200 {
		t.Fatal("the new password does not work")
	}
}

// TestIdleStaffWebSessionEnds: Security #2, --idle-timeout (default 30 minutes).
func TestIdleStaffWebSessionEnds(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(time.Now())
	m := bootAt(t, "", t.TempDir(), clk)
	fc := staffWebLogin(t, m, clk)
	clk.Set(clk.Now().Add(25 * time.Minute))
	if status, _, _ := fc.get("/profile"); status != 200 {
		t.Fatal("active staff session ended")
	}
	clk.Set(clk.Now().Add(31 * time.Minute))
	if status, _, h := fc.get("/profile"); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Fatalf("idle staff session still signed in: %d", status)
	}
}

// TestLoginThrottleCountsFailuresOnlyBehindTrustedProxies: Security #4.
func TestLoginThrottleCountsFailuresOnlyBehindTrustedProxies(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(time.Now())
	cfg := defaultConfig()
	cfg.Addr, cfg.Data, cfg.Demo, cfg.TrustedProxies = "127.0.0.1:0", t.TempDir(), true, "127.0.0.0/8"
	m := bootMain(t, cfg, clk)
	u := m.URL() + "/api/v1/auth/login"
	login := func(user, pass, from string) *http.Response {
		resp, _ := doJSON(t, "POST", u, "", "application/json", `{"username":"`+user+`","password":"`+pass+`"}`, "X-Forwarded-For", from)
		return resp
	}
	// One office address: many successful logins never throttle it.
	for i := range 40 {
		if resp := login("demo-applicant", demo.Password, "198.51.100.1"); resp.StatusCode != 200 {
			t.Fatalf("login %d from the office: %d", i+1, resp.StatusCode)
		}
	}
	pol := identity.DefaultLoginPolicy()
	for range pol.FreeFailures {
		login("demo-applicant", "wrong", "203.0.113.66")
	}
	resp := login("demo-applicant", demo.Password, "203.0.113.66")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("guessing address: %d", resp.StatusCode)
	}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || secs < 1 {
		t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	if resp := login("demo-applicant", demo.Password, "198.51.100.1"); resp.StatusCode != 200 {
		t.Fatalf("the owner from the office is blocked by the guesser: %d", resp.StatusCode)
	}
}

// TestForwardedForIgnoredWithoutTrustedProxies: Security #4, a client cannot pick its
// own address to dodge the throttle.
func TestForwardedForIgnoredWithoutTrustedProxies(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(time.Now())
	m := bootAt(t, "", t.TempDir(), clk)
	u := m.URL() + "/api/v1/auth/login"
	var last *http.Response
	for i := range identity.DefaultLoginPolicy().FreeFailures + 1 {
		last, _ = doJSON(t, "POST", u, "", "application/json", `{"username":"demo-applicant","password":"wrong"}`, "X-Forwarded-For", "198.51.100."+strconv.Itoa(i))
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("spoofed X-Forwarded-For dodged the throttle: %d", last.StatusCode)
	}
}

// TestLoginAnswersDoNotEnumerate: Security #5.
func TestLoginAnswersDoNotEnumerate(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(time.Now())
	m := bootAt(t, "", t.TempDir(), clk)
	u := m.URL() + "/api/v1/auth/login"
	execSQL(t, m, `UPDATE accounts SET locked_until = ? WHERE username = 'demo-applicant-2'`, store.Millis(clk.Now().Add(24*time.Hour)))
	answer := func(body string) string {
		clk.Set(clk.Now().Add(time.Hour)) // no throttling between these
		resp, m := doJSON(t, "POST", u, "", "application/json", body, "Accept-Language", "en")
		return strconv.Itoa(resp.StatusCode) + " " + m["error"].(map[string]any)["message"].(string)
	}
	want := answer(`{"username":"no-such-person","password":"demo-password"}`)
	for name, body := range map[string]string{
		"locked, right password":      `{"username":"demo-applicant-2","password":"demo-password"}`,
		"staff, right password":       `{"username":"demo-expert","password":"demo-password"}`,
		"staff, wrong password":       `{"username":"demo-expert","password":"nope"}`,
		"staff, right password, code": `{"username":"demo-expert","password":"demo-password","totp":"000000"}`,
	} {
		if got := answer(body); got != want {
			t.Errorf("%s: %q, unknown account: %q", name, got, want)
		}
	}
	// The web too: locked answers like unknown.
	fc := newFormClient(t, m.URL(), nil)
	web := func(user string) (int, bool) {
		clk.Set(clk.Now().Add(time.Hour))
		status, page, _ := fc.post("/login", url.Values{"username": {user}, "password": {demo.Password}})
		return status, strings.Contains(page, "locked")
	}
	s1, l1 := web("no-such-person")
	s2, l2 := web("demo-applicant-2")
	if s1 != s2 || l1 || l2 {
		t.Fatalf("web: unknown %d, locked %d (says locked: %v)", s1, s2, l2)
	}
}

// TestTOTPSecretsEncryptedAndDemoStaffStillSignsIn: Security #8b, on both databases,
// across a restart with the key made on first start.
func TestTOTPSecretsEncryptedAndDemoStaffStillSignsIn(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		clk := storetest.NewClock(time.Now())
		m := bootAt(t, dbURL, data, clk)
		var stored string
		ctx := context.Background()
		_ = m.DB.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT totp_secret FROM accounts WHERE username = 'demo-expert'`).Scan(&stored)
		})
		if !strings.HasPrefix(stored, "v1:") || strings.Contains(stored, demo.TOTPSecret) {
			t.Fatalf("stored TOTP secret %q", stored)
		}
		if countWhere(t, m, `SELECT COUNT(*) FROM accounts WHERE totp_secret <> '' AND totp_secret NOT LIKE 'v1:%'`) != 0 {
			t.Fatal("plain TOTP secrets remain")
		}
		st, err := os.Stat(filepath.Join(data, "keys", "totp.key"))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("key file: %v %v", err, st)
		}
		staffWebLogin(t, m, clk)
		_ = m.Close()
		clk.Set(clk.Now().Add(time.Minute))
		m2 := bootAt(t, dbURL, data, clk)
		code, _ := identity.TOTPCode(demo.TOTPSecret, clk.Now())
		apiLogin(t, m2, "demo-expert", code)
	})
}

// TestHostPrefixedCookiesUnderTLSEndToEnd: Security #10.
func TestHostPrefixedCookiesUnderTLSEndToEnd(t *testing.T) {
	t.Parallel()
	cert, key := selfSignedCert(t, t.TempDir())
	m := startDemoWith(t, "", func(c *Config) { c.TLSCert, c.TLSKey = cert, key })
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the test's own self-signed certificate
	t.Cleanup(tr.CloseIdleConnections)
	fc := newFormClient(t, m.URL(), tr)
	status, _, resp := fc.post("/login", url.Values{"username": {"demo-applicant"}, "password": {demo.Password}})
	if status != http.StatusSeeOther {
		t.Fatalf("login over TLS: %d", status)
	}
	names := map[string]*http.Cookie{}
	for _, ck := range resp.Cookies() {
		names[ck.Name] = ck
	}
	ck := names["__Host-miz_session"]
	if ck == nil || !ck.Secure || ck.Path != "/" || ck.Domain != "" || names["miz_session"] != nil {
		t.Fatalf("session cookie over TLS: %v", resp.Cookies())
	}
	if status, _, _ := fc.get("/profile"); status != 200 {
		t.Fatalf("the __Host- session is not read back: %d", status)
	}
}

func bootMain(t *testing.T, cfg Config, clk *storetest.Clock) *Main {
	t.Helper()
	m := &Main{Config: cfg, Out: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: clk.Now}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func decodeBody(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestRegistrationDoesNotConfirmANationalCode: Security #5. A national code that has
// an account and a new one get the same answer, through the API and the web.
func TestRegistrationDoesNotConfirmANationalCode(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	reg := func(code string) (int, string) {
		body := `{"national_code":"` + code + `","name_fa":"رضا","mobile":"09121112233","password":"long enough password"}`
		resp, got := doJSON(t, "POST", m.URL()+"/api/v1/auth/register", "", "application/json", body)
		delete(got, "username")
		b, _ := json.Marshal(got)
		return resp.StatusCode, string(b)
	}
	s1, b1 := reg("0499370899") // the demo applicant's
	s2, b2 := reg(validCode("444555666"))
	if s1 != s2 || b1 != b2 {
		t.Fatalf("registered code: %d %s; new code: %d %s", s1, b1, s2, b2)
	}
	web := func(code string) string {
		fc := newFormClient(t, m.URL(), nil)
		status, _, resp := fc.post("/register", url.Values{"national_code": {code}, "name_fa": {"رضا"}, "mobile": {"09121112234"}, "password": {"long enough password"}})
		return strconv.Itoa(status) + " " + resp.Header.Get("Location")
	}
	if a, b := web("0499370899"), web(validCode("777888999")); a != b {
		t.Fatalf("web: registered code %q, new code %q", a, b)
	}
}

// TestProfileTokensSignOutAndPasswordInTheBrowser: Security #2 on the profile page.
func TestProfileTokensSignOutAndPasswordInTheBrowser(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(time.Now())
	m := bootAt(t, "", t.TempDir(), clk)
	tok := apiLogin(t, m, "demo-applicant", "")
	_, body := doJSON(t, "POST", m.URL()+"/api/v1/tokens", tok, "application/json", `{"name":"laptop script","scopes":["cases:read"]}`)
	pat := body["token"].(string)
	fc := newFormClient(t, m.URL(), nil)
	if status, _, _ := fc.post("/login", url.Values{"username": {"demo-applicant"}, "password": {demo.Password}}); status != http.StatusSeeOther {
		t.Fatal("login")
	}
	status, page, _ := fc.get("/profile")
	id := identity.TokenID(pat)
	if status != 200 || !strings.Contains(page, "laptop script") || !strings.Contains(page, `id="revoke-`+id+`"`) || strings.Contains(page, pat) {
		t.Fatalf("profile token list: %d", status)
	}
	fc.csrf = csrfField.FindStringSubmatch(page)[1]
	if status, _, _ := fc.post("/profile/tokens/"+id+"/revoke", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", status)
	}
	tick := func() { clk.Set(clk.Now().Add(1100 * time.Millisecond)) }
	tick()
	if resp, _ := doJSON(t, "GET", m.URL()+"/api/v1/me", pat, "", ""); resp.StatusCode != 401 {
		t.Fatal("revoked token still works")
	}
	if status, _, _ := fc.post("/profile/signout-everywhere", url.Values{}); status != http.StatusSeeOther {
		t.Fatal("sign out everywhere")
	}
	tick()
	if resp, _ := doJSON(t, "GET", m.URL()+"/api/v1/me", tok, "", ""); resp.StatusCode != 401 {
		t.Fatal("the API session survived sign out everywhere")
	}
	if status, _, _ := fc.get("/profile"); status != 200 {
		t.Fatal("sign out everywhere ended the current session")
	}
	if status, page, _ := fc.post("/profile/password", url.Values{"current_password": {"wrong"}, "new_password": {"another long password"}}); status != 400 || !strings.Contains(page, `id="current_password-error"`) {
		t.Fatalf("wrong current password: %d", status)
	}
	if status, _, _ := fc.post("/profile/password", url.Values{"current_password": {demo.Password}, "new_password": {"another long password"}}); status != http.StatusSeeOther {
		t.Fatal("password change")
	}
	if countWhere(t, m, `SELECT COUNT(*) FROM audit_log WHERE action IN ('auth.token_revoked', 'auth.signed_out_everywhere', 'auth.password_changed')`) != 3 {
		t.Fatal("not audited")
	}
}

// TestInstanceWithAnotherTOTPKeyRefusesToStart: Security #8b. A second instance on
// the same database with a key of its own stops at start with a clear error rather
// than failing every staff login.
func TestInstanceWithAnotherTOTPKeyRefusesToStart(t *testing.T) {
	t.Parallel()
	dbURL := storetest.PostgresURL(t)
	startDemo(t, dbURL)
	cfg := defaultConfig()
	cfg.Addr, cfg.Data, cfg.Demo, cfg.DB = "127.0.0.1:0", t.TempDir(), true, dbURL
	m := &Main{Config: cfg, Out: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	err := m.Run(context.Background())
	t.Cleanup(func() { _ = m.Close() })
	if !errors.Is(err, identity.ErrTOTPKeyMismatch) {
		t.Fatalf("start with another key: %v", err)
	}
}
