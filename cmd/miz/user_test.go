package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
)

// Security #11: `miz user` manages accounts from the console, on both databases and
// while `miz serve` runs on the same database.

// userCmd runs `miz user ARGS --data … --db …` against a serving Main.
func userCmd(t *testing.T, m *Main, stdin string, args ...string) (int, string, string) {
	t.Helper()
	full := append([]string{"user", args[0], "--data", m.Config.Data, "--db", m.Config.DB}, args[1:]...)
	var out, errb bytes.Buffer
	code := run(context.Background(), full, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

var oneTimePassword = regexp.MustCompile(`one-time password: (\S+)`)

func TestUserCommandManagesAccountsWhileServing(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		ctx := context.Background()
		pol := identity.DefaultLoginPolicy()
		// The first administrator, over SSH: a one-time password, TOTP at first login.
		code, out, errs := userCmd(t, m, "", "add", "--admin", "--name", "آلیس", "alice")
		pw := oneTimePassword.FindStringSubmatch(out)
		if code != 0 || pw == nil {
			t.Fatalf("add: %d %q %q", code, out, errs)
		}
		a, err := identity.Login(ctx, m.DB, pol, identity.Credentials{Username: "alice", Password: pw[1], ClientIP: "10.9.0.1"})
		if !errors.Is(err, identity.ErrTOTPNotEnrolled) || !a.Admin {
			t.Fatalf("first login of alice: %+v %v", a, err)
		}
		if countWhere(t, m, `SELECT COUNT(*) FROM audit_log WHERE action = 'account.created' AND actor LIKE 'operator:%'`) != 1 {
			t.Fatal("creation not audited with the operator")
		}
		if code, _, errs := userCmd(t, m, "", "add", "alice"); code != 1 || !strings.Contains(errs, "already taken") {
			t.Fatalf("duplicate: %d %q", code, errs)
		}
		// A password from stdin is not printed.
		code, out, _ = userCmd(t, m, "a long passphrase\n", "add", "--password-stdin", "bob")
		if code != 0 || strings.Contains(out, "one-time password") {
			t.Fatalf("add --password-stdin: %d %q", code, out)
		}

		// grant / revoke, with unknown services and roles refused clearly.
		if code, _, errs := userCmd(t, m, "", "grant", "--service", "certify", "--role", "expert", "bob"); code != 0 {
			t.Fatalf("grant: %d %q", code, errs)
		}
		if code, _, errs := userCmd(t, m, "", "grant", "--service", "nosuch", "--role", "expert", "bob"); code != 1 || !strings.Contains(errs, `Service “nosuch” is not in the catalog`) {
			t.Fatalf("unknown service: %d %q", code, errs)
		}
		if code, _, errs := userCmd(t, m, "", "grant", "--service", "certify", "--role", "boss", "bob"); code != 1 || !strings.Contains(errs, `Unknown role “boss”`) {
			t.Fatalf("unknown role: %d %q", code, errs)
		}
		if code, _, errs := userCmd(t, m, "", "grant", "--service", "certify", "bob"); code != 2 || !strings.Contains(errs, "--role") {
			t.Fatalf("missing role: %d %q", code, errs)
		}
		if code, _, errs := userCmd(t, m, "", "disable", "nobody-here"); code != 1 || !strings.Contains(errs, "No account") {
			t.Fatalf("unknown account: %d %q", code, errs)
		}
		if code, _, _ := userCmd(t, m, "", "revoke", "--service", "certify", "--role", "expert", "bob"); code != 0 {
			t.Fatal("revoke failed")
		}

		// disable ends the applicant's API token at once (the server is running).
		tok := apiLogin(t, m, "demo-applicant", "")
		if resp, _ := doJSON(t, "GET", m.URL()+"/api/v1/me", tok, "", ""); resp.StatusCode != 200 {
			t.Fatalf("token before: %d", resp.StatusCode)
		}
		if code, _, errs := userCmd(t, m, "", "disable", "demo-applicant"); code != 0 {
			t.Fatalf("disable: %d %q", code, errs)
		}
		if n := countWhere(t, m, `SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = 'demo-applicant'`); n != 0 {
			t.Fatalf("%d sessions survive disabling", n)
		}
		deadline := time.Now().Add(5 * time.Second) // SQLite's session cache lives a second
		for {
			resp, _ := doJSON(t, "GET", m.URL()+"/api/v1/me", tok, "", "")
			if resp.StatusCode == 401 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("token still works after disable: %d", resp.StatusCode)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if resp, _ := doJSON(t, "POST", m.URL()+"/api/v1/auth/login", "", "application/json", `{"username":"demo-applicant","password":"demo-password"}`); resp.StatusCode == 200 {
			t.Fatal("a disabled account logged in")
		}
		if code, _, _ := userCmd(t, m, "", "enable", "demo-applicant"); code != 0 {
			t.Fatal("enable failed")
		}
		apiLogin(t, m, "demo-applicant", "")

		// reset-totp: the next login enrols again; reset-password: a new one-time password.
		if code, _, _ := userCmd(t, m, "", "reset-totp", "demo-expert"); code != 0 {
			t.Fatal("reset-totp failed")
		}
		if _, err := identity.Login(ctx, m.DB, pol, identity.Credentials{Username: "demo-expert", Password: "demo-password", ClientIP: "10.9.0.2"}); !errors.Is(err, identity.ErrTOTPNotEnrolled) {
			t.Fatalf("after reset-totp: %v", err)
		}
		code, out, _ = userCmd(t, m, "", "reset-password", "demo-applicant")
		pw = oneTimePassword.FindStringSubmatch(out)
		if code != 0 || pw == nil {
			t.Fatalf("reset-password: %d %q", code, out)
		}
		if _, err := identity.Login(ctx, m.DB, pol, identity.Credentials{Username: "demo-applicant", Password: pw[1], ClientIP: "10.9.0.3"}); err != nil {
			t.Fatalf("login with the new password: %v", err)
		}

		// list: a table with kind, admin, roles, disabled, TOTP and last login.
		code, out, _ = userCmd(t, m, "", "list")
		if code != 0 || !strings.HasPrefix(out, "USERNAME") || !regexp.MustCompile(`(?m)^alice\s+staff\s+yes\s+-\s+no\s+no\s+-$`).MatchString(out) ||
			!regexp.MustCompile(`(?m)^demo-applicant\s+person\s+no\s+-\s+no\s+no\s+\d{4}-\d\d-\d\d `).MatchString(out) {
			t.Fatalf("list:\n%s", out)
		}
		if code, out, _ = userCmd(t, m, "", "list", "demo-sign"); code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, "certify:signer") {
			t.Fatalf("list search:\n%s", out)
		}
	})
}
