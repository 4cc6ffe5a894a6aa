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

// secPolicy is the default policy with an encryption key for TOTP secrets.
func secPolicy(t *testing.T) identity.LoginPolicy {
	t.Helper()
	k, err := identity.NewTOTPKey([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	pol := identity.DefaultLoginPolicy()
	pol.TOTP = k
	return pol
}

func accountID(t *testing.T, db *store.DB, username string) int64 {
	t.Helper()
	var id int64
	if err := db.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT id FROM accounts WHERE username = ?`, username).Scan(&id)
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func countRows(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.View(context.Background(), func(tx *store.Tx) error { return tx.QueryRow(context.Background(), q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

func newSession(t *testing.T, db *store.DB, id int64, kind identity.SessionKind) string {
	t.Helper()
	var tok string
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		tok, _, err = identity.CreateSession(context.Background(), tx, identity.NewSession{AccountID: id, Kind: kind, TTL: time.Hour, Name: "t"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func resolves(t *testing.T, db *store.DB, tok string) bool {
	t.Helper()
	ok := false
	err := db.View(context.Background(), func(tx *store.Tx) error {
		_, err := identity.LookupSession(context.Background(), tx, tok)
		ok = err == nil
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// Security #1: a password-only (pending) login cannot replace an existing second
// factor; a full session needs the current code or the password; the owner is told.
func TestPendingSessionCannotReenrolTOTP(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		setup(t, db, &now)
		pol := secPolicy(t)
		id := accountID(t, db, "expert1")
		evil, _ := identity.NewTOTPSecret()
		evilCode, _ := identity.TOTPCode(evil, now)
		err := identity.EnrollTOTP(ctx, db, pol, identity.Enrolment{AccountID: id, Pending: true, Secret: evil, Code: evilCode})
		if !errors.Is(err, identity.ErrTOTPAlreadyEnrolled) {
			t.Fatalf("pending re-enrolment: %v", err)
		}
		// Full session without re-authentication: refused too, and counted.
		err = identity.EnrollTOTP(ctx, db, pol, identity.Enrolment{AccountID: id, Secret: evil, Code: evilCode, Password: "wrong"})
		if !errors.Is(err, identity.ErrReauthRequired) {
			t.Fatalf("re-enrolment without the current factor: %v", err)
		}
		now = now.Add(time.Minute)
		code, _ := identity.TOTPCode(secret, now) // the original secret still signs in
		if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "expert1", Password: "pw-staff", TOTP: code, ClientIP: "x"}); err != nil {
			t.Fatalf("owner's own factor after refused takeovers: %v", err)
		}
		if n := countRows(t, db, `SELECT COUNT(*) FROM notifications WHERE account_id = ?`, id); n != 0 {
			t.Fatalf("%d notices for refused changes", n)
		}
		// With the current code it works, and the owner is told.
		now = now.Add(time.Minute)
		cur, _ := identity.TOTPCode(secret, now)
		fresh, _ := identity.NewTOTPSecret()
		freshCode, _ := identity.TOTPCode(fresh, now)
		if err := identity.EnrollTOTP(ctx, db, pol, identity.Enrolment{AccountID: id, Secret: fresh, Code: freshCode, CurrentCode: cur}); err != nil {
			t.Fatalf("re-enrolment with the current code: %v", err)
		}
		if n := countRows(t, db, `SELECT COUNT(*) FROM notifications WHERE account_id = ?`, id); n != 1 {
			t.Fatalf("notices after a change: %d", n)
		}
		if n := countRows(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.totp_changed'`); n != 1 {
			t.Fatalf("audit entries: %d", n)
		}
		// An account with no second factor yet may enrol from a pending login.
		aid := accountID(t, db, "ali")
		s2, _ := identity.NewTOTPSecret()
		c2, _ := identity.TOTPCode(s2, now)
		if err := identity.EnrollTOTP(ctx, db, pol, identity.Enrolment{AccountID: aid, Pending: true, Secret: s2, Code: c2}); err != nil {
			t.Fatalf("first enrolment: %v", err)
		}
	})
}

// Security #2: with disabled = TRUE, no session or token of the account resolves.
func TestDisabledAccountSessionsResolveToNobody(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		setup(t, db, &now)
		id := accountID(t, db, "ali")
		toks := []string{newSession(t, db, id, identity.SessionWeb), newSession(t, db, id, identity.SessionPAT), newSession(t, db, id, identity.SessionPending)}
		if err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE accounts SET disabled = TRUE WHERE id = ?`, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for i, tok := range toks {
			if resolves(t, db, tok) {
				t.Errorf("session %d of a disabled account resolves", i)
			}
		}
		err := db.View(ctx, func(tx *store.Tx) error {
			_, err := identity.LoadPrincipal(ctx, tx, id, 0)
			return err
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("principal of a disabled account: %v", err)
		}
	})
}

// Security #2: revoking sessions keeps only the excepted one; tokens are listed
// without secrets and revoked by their ID, only by their owner.
func TestTokensListedRevokedAndSignOutEverywhere(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		setup(t, db, &now)
		id, other := accountID(t, db, "ali"), accountID(t, db, "expert1")
		web := newSession(t, db, id, identity.SessionWeb)
		pat1, pat2 := newSession(t, db, id, identity.SessionPAT), newSession(t, db, id, identity.SessionPAT)
		toks, err := identity.ListTokens(ctx, db, id)
		if err != nil || len(toks) != 2 {
			t.Fatalf("tokens: %v %+v", err, toks)
		}
		for _, tk := range toks {
			if strings.Contains(pat1, tk.ID) || tk.ID == "" {
				t.Fatalf("token id %q", tk.ID)
			}
		}
		if err := identity.RevokeToken(ctx, db, other, identity.TokenID(pat1)); problem.As(err).Code != problem.NotFound {
			t.Fatalf("another account revoked my token: %v", err)
		}
		if err := identity.RevokeToken(ctx, db, id, identity.TokenID(pat1)); err != nil {
			t.Fatal(err)
		}
		if resolves(t, db, pat1) || !resolves(t, db, pat2) {
			t.Fatal("revoke ended the wrong token")
		}
		n, err := identity.SignOutEverywhere(ctx, db, id, web)
		if err != nil || n != 1 || !resolves(t, db, web) || resolves(t, db, pat2) {
			t.Fatalf("sign out everywhere but here: %d %v", n, err)
		}
		if c := countRows(t, db, `SELECT COUNT(*) FROM audit_log WHERE action IN ('auth.token_revoked', 'auth.signed_out_everywhere')`); c != 2 {
			t.Fatalf("audit entries: %d", c)
		}
	})
}

// Security #2: a password change needs the current password, follows the
// registration policy, ends the other sessions and tells the owner.
func TestPasswordChangeNeedsCurrentAndEndsOtherSessions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		setup(t, db, &now)
		pol := secPolicy(t)
		id := accountID(t, db, "ali")
		here, there := newSession(t, db, id, identity.SessionWeb), newSession(t, db, id, identity.SessionAPI)
		err := identity.ChangePassword(ctx, db, pol, identity.PasswordChange{AccountID: id, Current: "wrong", New: "a-new-long-password", KeepToken: here})
		if pe := problem.As(err); pe.Field != "current_password" {
			t.Fatalf("wrong current password: %v", err)
		}
		err = identity.ChangePassword(ctx, db, pol, identity.PasswordChange{AccountID: id, Current: "pw-applicant", New: "short", KeepToken: here})
		if pe := problem.As(err); pe.Field != "new_password" {
			t.Fatalf("short new password: %v", err)
		}
		if !resolves(t, db, there) {
			t.Fatal("a refused change ended sessions")
		}
		if err := identity.ChangePassword(ctx, db, pol, identity.PasswordChange{AccountID: id, Current: "pw-applicant", New: "a-new-long-password", KeepToken: here}); err != nil {
			t.Fatal(err)
		}
		if !resolves(t, db, here) || resolves(t, db, there) {
			t.Fatal("the change must keep this session and end the others")
		}
		now = now.Add(time.Minute)
		if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "ali", Password: "a-new-long-password", ClientIP: "z"}); err != nil {
			t.Fatalf("new password: %v", err)
		}
		if c := countRows(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.password_changed'`); c != 1 {
			t.Fatalf("audit: %d", c)
		}
		if c := countRows(t, db, `SELECT COUNT(*) FROM notifications WHERE account_id = ?`, id); c != 1 {
			t.Fatalf("notices: %d", c)
		}
	})
}

// Security #4: only failures count; one account from one address backs off with a
// growing delay; others (other accounts, other addresses) are not blocked.
func TestOnlyFailuresThrottleWithGrowingBackoff(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		setup(t, db, &now)
		pol := identity.DefaultLoginPolicy()
		pol.MaxFailures = 1000 // this test is about throttling, not lockout
		// Many successful logins from one office address never throttle it.
		for i := range 40 {
			if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "ali", Password: "pw-applicant", ClientIP: "10.0.0.1"}); err != nil {
				t.Fatalf("success %d throttled: %v", i, err)
			}
		}
		login := func(user, pass, ip string) error {
			_, err := identity.Login(ctx, db, pol, identity.Credentials{Username: user, Password: pass, ClientIP: ip})
			return err
		}
		for range pol.FreeFailures {
			if err := login("ali", "wrong", "6.6.6.6"); !errors.Is(err, identity.ErrBadCredentials) {
				t.Fatal(err)
			}
		}
		var wait time.Duration
		for step := range 4 {
			err := login("ali", "pw-applicant", "6.6.6.6")
			var rl *identity.RateLimitError
			if !errors.As(err, &rl) {
				t.Fatalf("step %d: not throttled: %v", step, err)
			}
			if rl.RetryAfter < wait*2 {
				t.Fatalf("step %d: delay %s did not grow from %s", step, rl.RetryAfter, wait)
			}
			wait = rl.RetryAfter
			// The owner from the office and another account from the same address go on.
			if err := login("ali", "pw-applicant", "10.0.0.1"); err != nil {
				t.Fatalf("owner elsewhere: %v", err)
			}
			if err := login("expert1", "wrong", "6.6.6.6"); !errors.Is(err, identity.ErrBadCredentials) {
				t.Fatalf("other account from that address: %v", err)
			}
			now = now.Add(wait)
			if err := login("ali", "wrong", "6.6.6.6"); !errors.Is(err, identity.ErrBadCredentials) {
				t.Fatalf("after waiting %s: %v", wait, err)
			}
		}
		// After the wait, the right password works and resets the backoff.
		now = now.Add(time.Hour)
		if err := login("ali", "pw-applicant", "6.6.6.6"); err != nil {
			t.Fatal(err)
		}
		// The per-address cap stops credential stuffing over many accounts.
		pol.MaxPerWindow = 5
		for i := range 5 {
			_ = login("user"+string(rune('a'+i)), "x", "7.7.7.7")
		}
		var rl *identity.RateLimitError
		if err := login("ali", "pw-applicant", "7.7.7.7"); !errors.As(err, &rl) || rl.RetryAfterSeconds() < 1 {
			t.Fatalf("address cap: %v", err)
		}
	})
}

// Security #5: unknown, locked and disabled accounts answer exactly like a wrong
// password; a one-step (API) login answers a missing or wrong code the same whether
// the password was right or not.
func TestLockedUnknownAndPasswordOnlyGuessesAnswerAlike(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		setup(t, db, &now)
		pol := secPolicy(t)
		if err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE accounts SET locked_until = ? WHERE username = 'ali'`, store.Millis(now.Add(time.Hour)))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		try := func(c identity.Credentials) error {
			now = now.Add(time.Hour) // no throttling in this test
			c.ClientIP = "1.1.1.1"
			a, err := identity.Login(ctx, db, pol, c)
			if a.ID != 0 {
				t.Errorf("%+v: account revealed on failure", c)
			}
			return err
		}
		want := try(identity.Credentials{Username: "nobody-here", Password: "x"})
		if want != identity.ErrBadCredentials {
			t.Fatalf("unknown: %v", want)
		}
		// A lock set an hour ahead of each attempt's clock: refresh it each time.
		lock := func() {
			_ = db.Update(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `UPDATE accounts SET locked_until = ? WHERE username = 'ali'`, store.Millis(now.Add(3*time.Hour)))
				return err
			})
		}
		lock()
		if got := try(identity.Credentials{Username: "ali", Password: "pw-applicant"}); got != want {
			t.Fatalf("locked with the right password: %v", got)
		}
		for _, c := range []identity.Credentials{
			{Username: "expert1", Password: "pw-staff", OneStep: true},
			{Username: "expert1", Password: "wrong", OneStep: true},
			{Username: "expert1", Password: "pw-staff", TOTP: "000000", OneStep: true},
			{Username: "expert1", Password: "wrong", TOTP: "000000", OneStep: true},
		} {
			if got := try(c); got != want {
				t.Fatalf("%+v: %v, want %v", c, got, want)
			}
		}
	})
}

// Security #8b: TOTP secrets are stored encrypted, bound to their account; plain rows
// are upgraded and keep working.
func TestTOTPSecretsEncryptedAtRest(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		setup(t, db, &now) // expert1 is stored with a plain secret, like an old row
		pol := secPolicy(t)
		stored := func(user string) string {
			var s string
			_ = db.View(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT totp_secret FROM accounts WHERE username = ?`, user).Scan(&s)
			})
			return s
		}
		if n, err := identity.SealTOTPSecrets(ctx, db, pol.TOTP); err != nil || n != 1 {
			t.Fatalf("upgrade: %d %v", n, err)
		}
		if s := stored("expert1"); !strings.HasPrefix(s, "v1:") || strings.Contains(s, secret) {
			t.Fatalf("stored secret %q", s)
		}
		if n, _ := identity.SealTOTPSecrets(ctx, db, pol.TOTP); n != 0 {
			t.Fatalf("second upgrade touched %d rows", n)
		}
		code, _ := identity.TOTPCode(secret, now)
		if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "expert1", Password: "pw-staff", TOTP: code, ClientIP: "x"}); err != nil {
			t.Fatalf("login with an encrypted secret: %v", err)
		}
		// Ciphertext moved to another account does not decrypt there.
		if err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE accounts SET totp_secret = ?, totp_enabled = TRUE WHERE username = 'ali'`, stored("expert1"))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
		code, _ = identity.TOTPCode(secret, now)
		if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "ali", Password: "pw-applicant", TOTP: code, ClientIP: "y"}); err == nil || errors.Is(err, identity.ErrBadCredentials) {
			t.Fatalf("ciphertext accepted under another account: %v", err)
		}
		// A new enrolment is stored encrypted straight away.
		fresh, _ := identity.NewTOTPSecret()
		c, _ := identity.TOTPCode(fresh, now)
		id := accountID(t, db, "expert1")
		cur, _ := identity.TOTPCode(secret, now)
		if err := identity.EnrollTOTP(ctx, db, pol, identity.Enrolment{AccountID: id, Secret: fresh, Code: c, CurrentCode: cur}); err != nil {
			t.Fatal(err)
		}
		if s := stored("expert1"); !strings.HasPrefix(s, "v1:") || strings.Contains(s, fresh) {
			t.Fatalf("enrolled secret stored as %q", s)
		}
	})
}
