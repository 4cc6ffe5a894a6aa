package identity_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Security #11: operators need account management.

var operator = identity.Admin{Operator: "root"}

func accountsOf(db *store.DB) *identity.Accounts {
	return &identity.Accounts{DB: db, KnownService: func(_ context.Context, name string) bool { return name == "certify" || name == "cert" }}
}

// withSession opens a web session and an API token for an account.
func withSession(t *testing.T, db *store.DB, id int64) {
	t.Helper()
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		for _, k := range []identity.SessionKind{identity.SessionWeb, identity.SessionPAT} {
			if _, _, err := identity.CreateSession(ctx, tx, identity.NewSession{AccountID: id, Kind: k, TTL: time.Hour}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sessionsOf(t *testing.T, db *store.DB, id int64) int {
	t.Helper()
	return count(t, db, `SELECT COUNT(*) FROM sessions WHERE account_id = ?`, id)
}

func audited(t *testing.T, db *store.DB, action, actor string) int {
	t.Helper()
	return count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor = ?`, action, actor)
}

func TestOperatorCreatesStaffWithOneTimePasswordAndFirstLoginMustEnrolTOTP(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		acc := accountsOf(db)
		id, pw, err := acc.CreateStaff(ctx, operator, identity.NewStaff{Username: "Alice", Admin: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != identity.OneTimePasswordLength {
			t.Fatalf("one-time password %q", pw)
		}
		if count(t, db, `SELECT COUNT(*) FROM accounts WHERE password_hash LIKE ?`, "%"+pw+"%") != 0 {
			t.Fatal("password stored in the clear")
		}
		a, err := identity.Login(ctx, db, identity.DefaultLoginPolicy(), identity.Credentials{Username: "alice", Password: pw, ClientIP: "10.0.0.9"})
		if !errors.Is(err, identity.ErrTOTPNotEnrolled) || a.ID != id || !a.Admin {
			t.Fatalf("first login: %+v %v", a, err)
		}
		if audited(t, db, "account.created", "operator:root") != 1 {
			t.Fatal("creation not audited with the operator")
		}
		_, _, err = acc.CreateStaff(ctx, operator, identity.NewStaff{Username: "alice"})
		wantProblem(t, err, problem.Conflict, "accounts.username.taken", identity.ErrUsernameTaken)
		for _, bad := range []string{"0071234561", "ab", "bob smith", "علی"} {
			_, _, err := acc.CreateStaff(ctx, operator, identity.NewStaff{Username: bad})
			if pe := problem.As(err); pe.Code != problem.Invalid || pe.Field != "username" {
				t.Fatalf("username %q: %v", bad, err)
			}
		}
		_, _, err = acc.CreateStaff(ctx, operator, identity.NewStaff{Username: "bob", Password: "short"})
		if pe := problem.As(err); pe.Field != "password" {
			t.Fatalf("short password: %v", err)
		}
		if count(t, db, `SELECT COUNT(*) FROM accounts`) != 1 {
			t.Fatal("a refused creation changed something")
		}
	})
}

func TestOnlyAdministratorsAdministerAccounts(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		acc := accountsOf(db)
		id, _, err := acc.CreateStaff(ctx, operator, identity.NewStaff{Username: "expert1"})
		if err != nil {
			t.Fatal(err)
		}
		for name, by := range map[string]identity.Admin{
			"staff":     {Principal: &identity.Principal{Account: identity.Account{ID: id, Kind: identity.KindStaff}}},
			"anonymous": {},
		} {
			checks := map[string]error{}
			_, checks["list"] = acc.List(ctx, by, "")
			_, checks["get"] = acc.Get(ctx, by, id)
			_, _, checks["create"] = acc.CreateStaff(ctx, by, identity.NewStaff{Username: "mallory"})
			checks["grant"] = acc.GrantRole(ctx, by, id, "certify", identity.Expert)
			checks["revoke"] = acc.RevokeRole(ctx, by, id, "certify", identity.Expert)
			checks["disable"] = acc.SetDisabled(ctx, by, id, true)
			checks["totp"] = acc.ResetTOTP(ctx, by, id)
			_, checks["password"] = acc.ResetPassword(ctx, by, id, "")
			for op, err := range checks {
				if pe := problem.As(err); pe.Code != problem.Forbidden || !errors.Is(err, identity.ErrNotAdmin) {
					t.Fatalf("%s %s: %v", name, op, err)
				}
			}
		}
		if count(t, db, `SELECT COUNT(*) FROM role_grants`)+count(t, db, `SELECT COUNT(*) FROM accounts WHERE disabled = TRUE`) != 0 {
			t.Fatal("a refused action changed something")
		}
	})
}

func TestGrantRefusesUnknownServicesRolesAndApplicantAccounts(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		acc := accountsOf(db)
		id, _, err := acc.CreateStaff(ctx, operator, identity.NewStaff{Username: "expert1"})
		if err != nil {
			t.Fatal(err)
		}
		wantProblem(t, acc.GrantRole(ctx, operator, id, "nosuch", identity.Expert), problem.Invalid, "accounts.service.unknown", identity.ErrUnknownService)
		wantProblem(t, acc.GrantRole(ctx, operator, id, "certify", "admin"), problem.Invalid, "accounts.role.unknown", identity.ErrUnknownRole)
		now := time.Now()
		applicant, _ := registered(t, db, &now)
		wantProblem(t, acc.GrantRole(ctx, operator, applicant, "certify", identity.Expert), problem.Conflict, "accounts.role.not_staff", identity.ErrNotStaff)
		if count(t, db, `SELECT COUNT(*) FROM role_grants`) != 0 {
			t.Fatal("a refused grant was stored")
		}
	})
}

func TestGrantAndRevokeAreAuditedAndRevokeEndsSessions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		acc := accountsOf(db)
		id, _, err := acc.CreateStaff(ctx, operator, identity.NewStaff{Username: "expert1"})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // granting twice is one grant, one audit entry
			if err := acc.GrantRole(ctx, operator, id, "certify", identity.Expert); err != nil {
				t.Fatal(err)
			}
		}
		if err := acc.GrantRole(ctx, operator, id, identity.AllServices, identity.Analyst); err != nil {
			t.Fatal(err)
		}
		if audited(t, db, "account.role_granted", "operator:root") != 2 {
			t.Fatal("grants not audited once each")
		}
		withSession(t, db, id)
		if err := acc.RevokeRole(ctx, operator, id, "certify", identity.Expert); err != nil {
			t.Fatal(err)
		}
		if sessionsOf(t, db, id) != 0 || audited(t, db, "account.role_revoked", "operator:root") != 1 {
			t.Fatal("revocation left sessions or was not audited")
		}
		wantProblem(t, acc.RevokeRole(ctx, operator, id, "certify", identity.Expert), problem.NotFound, "accounts.role.not_held", store.ErrNotFound)
		info, err := acc.Get(ctx, operator, id)
		if err != nil || len(info.Grants) != 1 || info.Grants[0] != (identity.GrantInfo{Service: identity.AllServices, Role: identity.Analyst}) {
			t.Fatalf("grants %+v (%v)", info.Grants, err)
		}
	})
}

func TestDisableEndsSessionsAndTokensAndBlocksLoginUntilEnabled(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		id, _ := registered(t, db, &now)
		withSession(t, db, id)
		acc := accountsOf(db)
		if err := acc.SetDisabled(ctx, operator, id, true); err != nil {
			t.Fatal(err)
		}
		if sessionsOf(t, db, id) != 0 {
			t.Fatal("sessions or tokens survive disabling")
		}
		creds := identity.Credentials{Username: goodRegistration().NationalCode, Password: goodRegistration().Password, ClientIP: "10.0.0.2"}
		// Security #5: a disabled account answers like a wrong password.
		if _, err := identity.Login(ctx, db, identity.DefaultLoginPolicy(), creds); !errors.Is(err, identity.ErrBadCredentials) {
			t.Fatalf("disabled login: %v", err)
		}
		if err := acc.SetDisabled(ctx, operator, id, false); err != nil {
			t.Fatal(err)
		}
		if _, err := identity.Login(ctx, db, identity.DefaultLoginPolicy(), creds); err != nil {
			t.Fatalf("enabled login: %v", err)
		}
		if audited(t, db, "account.disabled", "operator:root") != 1 || audited(t, db, "account.enabled", "operator:root") != 1 {
			t.Fatal("not audited")
		}
		admin, _, err := acc.CreateStaff(ctx, operator, identity.NewStaff{Username: "boss", Admin: true})
		if err != nil {
			t.Fatal(err)
		}
		self := identity.Admin{Principal: &identity.Principal{Account: identity.Account{ID: admin, Admin: true}}}
		wantProblem(t, acc.SetDisabled(ctx, self, admin, true), problem.Conflict, "accounts.disable.self", identity.ErrSelf)
	})
}

func TestResetTOTPMakesTheNextLoginEnrolAgain(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		secret, _ := identity.NewTOTPSecret()
		var id int64
		err := db.Update(ctx, func(tx *store.Tx) error {
			var err error
			id, err = identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "expert1", Kind: identity.KindStaff, Password: "a long passphrase", TOTPSecret: secret})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		withSession(t, db, id)
		acc := accountsOf(db)
		if err := acc.ResetTOTP(ctx, operator, id); err != nil {
			t.Fatal(err)
		}
		_, err = identity.Login(ctx, db, identity.DefaultLoginPolicy(), identity.Credentials{Username: "expert1", Password: "a long passphrase", ClientIP: "10.0.0.3"})
		if !errors.Is(err, identity.ErrTOTPNotEnrolled) || sessionsOf(t, db, id) != 0 {
			t.Fatalf("after reset: %v, %d sessions", err, sessionsOf(t, db, id))
		}
		if count(t, db, `SELECT COUNT(*) FROM accounts WHERE totp_secret <> ''`) != 0 || audited(t, db, "account.totp_reset", "operator:root") != 1 {
			t.Fatal("secret kept or not audited")
		}
	})
}

func TestAdminPasswordResetEndsSessionsAndLiftsLockout(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		id, _ := registered(t, db, &now)
		withSession(t, db, id)
		pol := identity.DefaultLoginPolicy()
		user := goodRegistration().NationalCode
		for range pol.MaxFailures {
			_, _ = identity.Login(ctx, db, pol, identity.Credentials{Username: user, Password: "wrong password", ClientIP: "10.0.0.4"})
		}
		acc := accountsOf(db)
		pw, err := acc.ResetPassword(ctx, operator, id, "")
		if err != nil {
			t.Fatal(err)
		}
		if sessionsOf(t, db, id) != 0 {
			t.Fatal("sessions survive a password reset")
		}
		if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: user, Password: pw, ClientIP: "10.0.0.4"}); err != nil {
			t.Fatalf("login with the one-time password: %v", err)
		}
		if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: user, Password: goodRegistration().Password, ClientIP: "10.0.0.4"}); !errors.Is(err, identity.ErrBadCredentials) {
			t.Fatalf("old password: %v", err)
		}
		if audited(t, db, "account.password_reset", "operator:root") != 1 {
			t.Fatal("not audited")
		}
	})
}

func TestAccountListShowsRolesTOTPAndLastLoginAndSearches(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		registered(t, db, &now)
		acc := accountsOf(db)
		id, pw, err := acc.CreateStaff(ctx, operator, identity.NewStaff{Username: "expert1", DisplayName: "کارشناس یک", Email: "e1@ito.gov.ir"})
		if err != nil {
			t.Fatal(err)
		}
		if err := acc.GrantRole(ctx, operator, id, "certify", identity.Expert); err != nil {
			t.Fatal(err)
		}
		if _, err := identity.Login(ctx, db, identity.DefaultLoginPolicy(), identity.Credentials{Username: goodRegistration().NationalCode,
			Password: goodRegistration().Password, ClientIP: "10.0.0.5"}); err != nil {
			t.Fatal(err)
		}
		all, err := acc.List(ctx, operator, "")
		if err != nil || len(all) != 2 {
			t.Fatalf("list %+v (%v)", all, err)
		}
		if all[0].Username != "expert1" || !all[0].Staff() || all[0].TOTPEnabled || len(all[0].Grants) != 1 || !all[0].LastLogin.IsZero() {
			t.Fatalf("staff first, with roles: %+v", all[0])
		}
		if all[1].LastLogin.IsZero() || all[1].Staff() {
			t.Fatalf("applicant's last login unknown: %+v", all[1])
		}
		for _, q := range []string{"EXPERT", "کارشناس", "e1@ito"} {
			got, err := acc.List(ctx, operator, q)
			if err != nil || len(got) != 1 || got[0].ID != id {
				t.Fatalf("search %q: %+v (%v)", q, got, err)
			}
		}
		if got, _ := acc.List(ctx, operator, "%"); len(got) != 0 {
			t.Fatalf("a %% matched everything: %d", len(got))
		}
		_ = pw
		if strings.Contains(strings.ToLower(all[0].DisplayName), "expert") {
			t.Fatal("display name not kept")
		}
	})
}
