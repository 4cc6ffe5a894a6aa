package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/identity"
)

// Security #11: the admin pages for accounts, and password reset over the web and
// the API.

// adminClient signs demo-admin in (password, then TOTP) and takes the new CSRF token.
func adminClient(t *testing.T, m *Main) *formClient {
	t.Helper()
	fc := newFormClient(t, m.URL(), nil)
	if status, _, _ := fc.post("/login", url.Values{"username": {"demo-admin"}, "password": {demo.Password}}); status != http.StatusSeeOther {
		t.Fatalf("admin password step: %d", status)
	}
	code, _ := identity.TOTPCode(demo.TOTPSecret, time.Now())
	if status, _, _ := fc.post("/login/totp", url.Values{"totp": {code}}); status != http.StatusSeeOther {
		t.Fatalf("admin totp step: %d", status)
	}
	status, page, _ := fc.get("/admin/accounts")
	tok := csrfField.FindStringSubmatch(page)
	if status != 200 || tok == nil {
		t.Fatalf("accounts page: %d", status)
	}
	fc.csrf = tok[1]
	return fc
}

var grantForm = regexp.MustCompile(`action="/admin/accounts/(\d+)/grant"`)

func TestAdminAccountPagesManageStaff(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		// Not an administrator: refused.
		app := newFormClient(t, m.URL(), nil)
		if status, _, _ := app.post("/login", url.Values{"username": {"demo-applicant"}, "password": {demo.Password}}); status != http.StatusSeeOther {
			t.Fatal("applicant login")
		}
		if status, _, _ := app.get("/admin/accounts"); status != http.StatusForbidden {
			t.Fatalf("applicant on /admin/accounts: %d", status)
		}
		fc := adminClient(t, m)
		_, page, _ := fc.get("/admin/accounts")
		if !strings.Contains(page, `data-account="demo-expert"`) || !strings.Contains(page, "Expert (") || strings.Contains(page, "<table") ||
			strings.Contains(page, ">expert<") {
			t.Fatal("list: staff with localized roles, stacked (no table)")
		}
		_, page, _ = fc.get("/admin/accounts?q=demo-sign")
		if !strings.Contains(page, `data-account="demo-signer"`) || strings.Contains(page, `data-account="demo-expert"`) {
			t.Fatal("search")
		}
		// Create a staff account: its one-time password shows once, not cached.
		status, page, resp := fc.post("/admin/accounts", url.Values{"username": {"carol"}, "display_name": {"کارول"}})
		pw := regexp.MustCompile(`<code>([^<]+)</code>`).FindStringSubmatch(page)
		id := grantForm.FindStringSubmatch(page)
		if status != http.StatusCreated || pw == nil || id == nil || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("create: %d", status)
		}
		if _, page, _ := fc.get("/admin/accounts/" + id[1]); strings.Contains(page, pw[1]) {
			t.Fatal("the one-time password shows again")
		}
		base := "/admin/accounts/" + id[1]
		if status, _, _ := fc.post(base+"/grant", url.Values{"service": {"certify"}, "role": {"expert"}}); status != http.StatusSeeOther {
			t.Fatalf("grant: %d", status)
		}
		if _, page, _ := fc.get(base); !strings.Contains(page, `data-grant="certify/expert"`) {
			t.Fatal("grant not shown")
		}
		if status, page, _ := fc.post(base+"/grant", url.Values{"service": {"nosuch"}, "role": {"expert"}}); status != http.StatusBadRequest || !strings.Contains(page, "not in the catalog") {
			t.Fatalf("unknown service: %d", status)
		}
		// Irreversible actions need the confirmation; CSRF is checked.
		if status, page, _ := fc.post(base+"/disable", url.Values{}); status != http.StatusBadRequest || !strings.Contains(page, "Tick the confirmation") {
			t.Fatalf("disable without confirmation: %d", status)
		}
		if countWhere(t, m, `SELECT COUNT(*) FROM accounts WHERE username = 'carol' AND disabled = TRUE`) != 0 {
			t.Fatal("disabled without confirmation")
		}
		good := fc.csrf
		fc.csrf = "forged"
		if status, _, _ := fc.post(base+"/disable", url.Values{"confirm": {"yes"}}); status != http.StatusForbidden {
			t.Fatalf("forged CSRF: %d", status)
		}
		fc.csrf = good
		if status, _, _ := fc.post(base+"/disable", url.Values{"confirm": {"yes"}}); status != http.StatusSeeOther {
			t.Fatalf("disable: %d", status)
		}
		if countWhere(t, m, `SELECT COUNT(*) FROM audit_log WHERE action = 'account.disabled' AND object_id = ? AND actor LIKE 'account:%'`, id[1]) != 1 {
			t.Fatal("disable not audited with the admin")
		}
		if status, _, _ := fc.post(base+"/enable", url.Values{}); status != http.StatusSeeOther {
			t.Fatalf("enable: %d", status)
		}
		status, page, _ = fc.post(base+"/reset-password", url.Values{"confirm": {"yes"}})
		pw = regexp.MustCompile(`<code>([^<]+)</code>`).FindStringSubmatch(page)
		if status != http.StatusOK || pw == nil {
			t.Fatalf("reset password: %d", status)
		}
		if _, err := identity.Login(context.Background(), m.DB, identity.DefaultLoginPolicy(),
			identity.Credentials{Username: "carol", Password: pw[1], ClientIP: "10.8.0.1"}); !errors.Is(err, identity.ErrTOTPNotEnrolled) {
			t.Fatalf("carol with the new password: %v", err)
		}
	})
}

// waitSMS runs due jobs until an SMS containing text reached the gateway, and
// returns its six-digit code.
func (g *smsGateway) waitSMS(t *testing.T, m *Main, text string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := m.Runner.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		g.mu.Lock()
		for _, msg := range g.got {
			if strings.Contains(msg["text"], text) {
				g.mu.Unlock()
				return smsCode.FindString(msg["text"])
			}
		}
		g.mu.Unlock()
		time.Sleep(20 * time.Millisecond) // delivery is asynchronous; this waits for a goroutine, not a clock
	}
	t.Fatalf("no SMS with %q", text)
	return ""
}

func TestPasswordResetOverTheAPIAndTheWeb(t *testing.T) {
	t.Parallel()
	forEachDBWithSMS(t, func(t *testing.T, m *Main, gw *smsGateway) {
		u := m.URL() + "/api/v1/auth/password"
		old := apiLogin(t, m, "demo-applicant", "")
		// The same answer for an account that exists and one that does not.
		r1, b1 := doJSON(t, "POST", u+"/forgot", "", "application/json", `{"login":"`+demo.ApplicantNationalCode+`","channel":"sms"}`)
		r2, b2 := doJSON(t, "POST", u+"/forgot", "", "application/json", `{"login":"0010350829","channel":"sms"}`)
		if r1.StatusCode != 202 || r2.StatusCode != 202 || b1["status"] != b2["status"] {
			t.Fatalf("forgot: %d %v / %d %v", r1.StatusCode, b1, r2.StatusCode, b2)
		}
		code := gw.waitSMS(t, m, "بازنشانی گذرواژه")
		resp, body := doJSON(t, "POST", u+"/reset", "", "application/json",
			`{"login":"`+demo.ApplicantNationalCode+`","code":"`+code+`","password":"a brand new passphrase"}`)
		if resp.StatusCode != 200 {
			t.Fatalf("reset: %d %v", resp.StatusCode, body)
		}
		if resp, _ := doJSON(t, "GET", m.URL()+"/api/v1/me", old, "", ""); resp.StatusCode != 401 {
			t.Fatalf("old token after reset: %d", resp.StatusCode)
		}
		gw.waitSMS(t, m, "تغییر کرد") // the owner is told
		// Throttled per login, with Retry-After.
		var last *http.Response
		for range identity.ResetsPerLogin + 1 {
			last, _ = doJSON(t, "POST", u+"/forgot", "", "application/json", `{"login":"demo-applicant","channel":"email"}`)
		}
		if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
			t.Fatalf("throttle: %d %q", last.StatusCode, last.Header.Get("Retry-After"))
		}
		// The web: a link from the login page, the staff note, the same answer.
		fc := newFormClient(t, m.URL(), nil)
		if _, page, _ := fc.get("/login"); !strings.Contains(page, `href="/password/forgot"`) {
			t.Fatal("no forgot-password link on the login page")
		}
		if _, page, _ := fc.get("/password/forgot"); !strings.Contains(page, "reset by an administrator") {
			t.Fatal("the page does not say staff are reset by an administrator")
		}
		status, page, _ := fc.post("/password/forgot", url.Values{"login": {"nobody-at-all"}, "channel": {"sms"}})
		if status != 200 || !strings.Contains(page, `id="reset-sent"`) || !strings.Contains(page, `name="code"`) {
			t.Fatalf("web forgot: %d", status)
		}
		status, page, _ = fc.post("/password/reset", url.Values{"login": {"nobody-at-all"}, "code": {"123456"}, "password": {"a brand new passphrase"}})
		if status != http.StatusBadRequest || !strings.Contains(page, "wrong, expired or already used") {
			t.Fatalf("web reset with a bad code: %d", status)
		}
	})
}
