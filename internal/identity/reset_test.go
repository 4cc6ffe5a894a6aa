package identity_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Security #11: applicants reset a forgotten password through a verified mobile or
// an e-mailed link, without learning whether an account exists.

// verifiedApplicant registers the good applicant and verifies their mobile.
func verifiedApplicant(t *testing.T, db *store.DB, now *time.Time) int64 {
	t.Helper()
	id, code := registered(t, db, now)
	if err := identity.VerifyMobile(context.Background(), db, id, code); err != nil {
		t.Fatal(err)
	}
	return id
}

func outboxCount(t *testing.T, db *store.DB) int {
	t.Helper()
	return count(t, db, `SELECT COUNT(*) FROM outbox`)
}

const newPassword = "another long passphrase"

func TestPasswordResetBySMSCodeEndsSessionsAndTellsTheOwner(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		id := verifiedApplicant(t, db, &now)
		withSession(t, db, id)
		login := "۰۰۷۱۲۳۴۵۶۱"
		if err := identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: login, Channel: identity.ResetBySMS, ClientIP: "10.1.0.1"}); err != nil {
			t.Fatal(err)
		}
		to, code := lastSMS(t, db)
		if to != "09127654321" || code == "" {
			t.Fatalf("code SMS to %q: %q", to, code)
		}
		err := identity.CompletePasswordReset(ctx, db, identity.ResetCompletion{Login: login, Code: wrongCode(code), Password: newPassword, ClientIP: "10.1.0.1"})
		wantProblem(t, err, problem.Invalid, "reset.invalid", identity.ErrResetInvalid)
		if err := identity.CompletePasswordReset(ctx, db, identity.ResetCompletion{Login: login, Code: persianDigits(code), Password: newPassword, ClientIP: "10.1.0.1"}); err != nil {
			t.Fatal(err)
		}
		if sessionsOf(t, db, id) != 0 {
			t.Fatal("sessions survive the reset")
		}
		if _, err := identity.Login(ctx, db, identity.DefaultLoginPolicy(), identity.Credentials{Username: login, Password: newPassword, ClientIP: "10.1.0.1"}); err != nil {
			t.Fatalf("new password: %v", err)
		}
		// The owner hears of it by SMS and e-mail.
		if count(t, db, `SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND text_body LIKE '%تغییر کرد%'`) != 1 ||
			count(t, db, `SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND recipient = 'maryam@example.org'`) != 1 {
			t.Fatal("owner not notified")
		}
		// The code works once.
		err = identity.CompletePasswordReset(ctx, db, identity.ResetCompletion{Login: login, Code: code, Password: "a third long passphrase", ClientIP: "10.1.0.1"})
		wantProblem(t, err, problem.Invalid, "reset.invalid", identity.ErrResetInvalid)
		if audited(t, db, "auth.password_reset", "account:"+itoa(id)) != 1 || count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.password_reset_failed'`) != 2 {
			t.Fatal("reset not audited")
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestPasswordResetByEmailLinkIsSingleUseAndExpires(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		registered(t, db, &now) // the mobile stays unverified: e-mail is the way
		req := identity.ResetRequest{Login: "0071234561", Channel: identity.ResetByEmail, ClientIP: "10.1.0.2", LinkBase: "https://desk.test/password/reset?token="}
		if err := identity.RequestPasswordReset(ctx, db, req); err != nil {
			t.Fatal(err)
		}
		link := func() string {
			var body string
			if err := db.View(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT text_body FROM outbox WHERE channel = 'email' ORDER BY id DESC LIMIT 1`).Scan(&body)
			}); err != nil {
				t.Fatal(err)
			}
			return regexp.MustCompile(`token=([A-Za-z0-9_-]+)`).FindStringSubmatch(body)[1]
		}
		first := link()
		if count(t, db, `SELECT COUNT(*) FROM password_resets WHERE token_hash = ?`, first) != 0 {
			t.Fatal("token stored in the clear")
		}
		now = now.Add(31 * time.Minute)
		err := identity.CompletePasswordReset(ctx, db, identity.ResetCompletion{Token: first, Password: newPassword, ClientIP: "10.1.0.2"})
		wantProblem(t, err, problem.Invalid, "reset.invalid", identity.ErrResetInvalid)
		if err := identity.RequestPasswordReset(ctx, db, req); err != nil {
			t.Fatal(err)
		}
		second := link()
		// A newer link retires the older one.
		if err := identity.RequestPasswordReset(ctx, db, req); err != nil {
			t.Fatal(err)
		}
		third := link()
		err = identity.CompletePasswordReset(ctx, db, identity.ResetCompletion{Token: second, Password: newPassword, ClientIP: "10.1.0.2"})
		wantProblem(t, err, problem.Invalid, "reset.invalid", identity.ErrResetInvalid)
		if err := identity.CompletePasswordReset(ctx, db, identity.ResetCompletion{Token: third, Password: newPassword, ClientIP: "10.1.0.2"}); err != nil {
			t.Fatal(err)
		}
		err = identity.CompletePasswordReset(ctx, db, identity.ResetCompletion{Token: third, Password: "a third long passphrase", ClientIP: "10.1.0.2"})
		wantProblem(t, err, problem.Invalid, "reset.invalid", identity.ErrResetInvalid)
		if _, err := identity.Login(ctx, db, identity.DefaultLoginPolicy(), identity.Credentials{Username: "0071234561", Password: newPassword, ClientIP: "10.1.0.2"}); err != nil {
			t.Fatalf("new password: %v", err)
		}
	})
}

func TestPasswordResetAnswersTheSameForAccountsThatDoNotExist(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		verifiedApplicant(t, db, &now)
		before := outboxCount(t, db)
		for _, login := range []string{"0010350829", "nobody"} {
			for _, ch := range []identity.ResetChannel{identity.ResetBySMS, identity.ResetByEmail} {
				if err := identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: login, Channel: ch, ClientIP: "10.1.0.3"}); err != nil {
					t.Fatalf("%s by %s: %v", login, ch, err)
				}
			}
			err := identity.CompletePasswordReset(ctx, db, identity.ResetCompletion{Login: login, Code: "123456", Password: newPassword, ClientIP: "10.1.0.3"})
			wantProblem(t, err, problem.Invalid, "reset.invalid", identity.ErrResetInvalid)
		}
		if outboxCount(t, db) != before {
			t.Fatal("something was sent for an unknown account")
		}
		if count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.password_reset_requested'`) != 4 {
			t.Fatal("requests not audited")
		}
	})
}

func TestPasswordResetIsThrottledPerLoginAndPerAddress(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		verifiedApplicant(t, db, &now)
		for i := range identity.ResetsPerLogin {
			ip := "10.2.0." + itoa(int64(i+1)) // a new address each time: the login limit still holds
			if err := identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: "0071234561", Channel: identity.ResetBySMS, ClientIP: ip}); err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Minute)
		}
		sent := outboxCount(t, db)
		err := identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: "۰۰۷۱۲۳۴۵۶۱", Channel: identity.ResetBySMS, ClientIP: "10.2.0.99"})
		if pe := problem.As(err); pe.Code != problem.RateLimited || !errors.Is(err, identity.ErrResetThrottled) {
			t.Fatalf("fourth request: %v", err)
		}
		if wait := identity.RetryAfter(err); wait <= 56*time.Minute || wait > 58*time.Minute {
			t.Fatalf("retry after %s, want about 57m", wait)
		}
		if outboxCount(t, db) != sent {
			t.Fatal("a throttled request sent a code")
		}
		// An unknown login is throttled exactly the same way.
		for range identity.ResetsPerLogin {
			if err := identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: "0010350829", Channel: identity.ResetBySMS, ClientIP: "10.3.0.1"}); err != nil {
				t.Fatal(err)
			}
		}
		err = identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: "0010350829", Channel: identity.ResetBySMS, ClientIP: "10.3.0.1"})
		if problem.As(err).Code != problem.RateLimited {
			t.Fatalf("unknown login not throttled alike: %v", err)
		}
		// One address asking for many logins.
		var last error
		for i := range identity.ResetsPerAddress + 1 {
			last = identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: "user" + itoa(int64(i+1)), Channel: identity.ResetByEmail, ClientIP: "10.4.0.1"})
		}
		if problem.As(last).Code != problem.RateLimited || identity.RetryAfter(last) <= 0 {
			t.Fatalf("address not throttled: %v", last)
		}
		// An hour later the login may ask again.
		now = now.Add(time.Hour)
		if err := identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: "0071234561", Channel: identity.ResetBySMS, ClientIP: "10.2.0.99"}); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestResetCodeAllowsFiveGuesses(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		verifiedApplicant(t, db, &now)
		if err := identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: "0071234561", Channel: identity.ResetBySMS, ClientIP: "10.5.0.1"}); err != nil {
			t.Fatal(err)
		}
		_, code := lastSMS(t, db)
		for range identity.MobileCodeMaxAttempts {
			_ = identity.CompletePasswordReset(ctx, db, identity.ResetCompletion{Login: "0071234561", Code: wrongCode(code), Password: newPassword, ClientIP: "10.5.0.1"})
		}
		err := identity.CompletePasswordReset(ctx, db, identity.ResetCompletion{Login: "0071234561", Code: code, Password: newPassword, ClientIP: "10.5.0.1"})
		wantProblem(t, err, problem.Invalid, "reset.invalid", identity.ErrResetInvalid)
	})
}

func TestStaffAccountsAreNotResetByTheirOwners(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		acc := accountsOf(db)
		if _, _, err := acc.CreateStaff(ctx, operator, identity.NewStaff{Username: "expert1", Email: "e1@ito.gov.ir"}); err != nil {
			t.Fatal(err)
		}
		if err := identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: "expert1", Channel: identity.ResetByEmail, ClientIP: "10.6.0.1", LinkBase: "x?token="}); err != nil {
			t.Fatal(err)
		}
		if outboxCount(t, db) != 0 || count(t, db, `SELECT COUNT(*) FROM password_resets`) != 0 {
			t.Fatal("a staff account got a reset link")
		}
		// An applicant made staff after the link was sent cannot use it.
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		id, _ := registered(t, db, &now)
		if err := identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: "0071234561", Channel: identity.ResetByEmail, ClientIP: "10.6.0.1", LinkBase: "x?token="}); err != nil {
			t.Fatal(err)
		}
		var body string
		_ = db.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT text_body FROM outbox WHERE channel = 'email' ORDER BY id DESC LIMIT 1`).Scan(&body)
		})
		token := regexp.MustCompile(`token=([A-Za-z0-9_-]+)`).FindStringSubmatch(body)[1]
		if err := db.Update(ctx, func(tx *store.Tx) error { return identity.Grant(ctx, tx, id, "certify", identity.Expert) }); err != nil {
			t.Fatal(err)
		}
		err := identity.CompletePasswordReset(ctx, db, identity.ResetCompletion{Token: token, Password: newPassword, ClientIP: "10.6.0.1"})
		wantProblem(t, err, problem.Invalid, "reset.invalid", identity.ErrResetInvalid)
	})
}

func TestOneAccountTypedTwoWaysIsCappedQuietly(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.Update(ctx, func(tx *store.Tx) error {
			pid, err := identity.CreatePerson(ctx, tx, identity.Person{NationalCode: "0071234561", NameFa: "مریم", Email: "m@example.org"})
			if err != nil {
				return err
			}
			_, err = identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "maryam", Kind: identity.KindPerson, PersonID: pid, Password: "a long passphrase"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ask := func(login, ip string) error {
			return identity.RequestPasswordReset(ctx, db, identity.ResetRequest{Login: login, Channel: identity.ResetByEmail, ClientIP: ip, LinkBase: "x?token="})
		}
		for i := range identity.ResetsPerLogin {
			if err := ask("maryam", "10.7.0."+itoa(int64(i+1))); err != nil {
				t.Fatal(err)
			}
		}
		sent := outboxCount(t, db)
		if err := ask("0071234561", "10.7.0.9"); err != nil {
			t.Fatalf("the other way in answered differently: %v", err)
		}
		if outboxCount(t, db) != sent || sent != identity.ResetsPerLogin {
			t.Fatalf("%d e-mails, want the cap %d", outboxCount(t, db), identity.ResetsPerLogin)
		}
	})
}
