package identity_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// registered registers the good applicant at *now and returns the account and code.
func registered(t *testing.T, db *store.DB, now *time.Time) (int64, string) {
	t.Helper()
	db.Now = func() time.Time { return *now }
	got, err := identity.Register(context.Background(), db, goodRegistration())
	if err != nil {
		t.Fatal(err)
	}
	_, code := lastSMS(t, db)
	return got.AccountID, code
}

func wantProblem(t *testing.T, err error, code problem.Code, key string, cause error) {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code != code || pe.Key != key || !errors.Is(err, cause) {
		t.Fatalf("got %v, want %s %s", err, code, key)
	}
}

func wrongCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

func TestMobileCodeVerifiesOnceAndIsAudited(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		id, code := registered(t, db, &now)
		err := identity.VerifyMobile(ctx, db, id, wrongCode(code))
		wantProblem(t, err, problem.Invalid, "mobile.code.wrong", identity.ErrCodeWrong)
		if n := count(t, db, `SELECT attempts FROM otp_codes`); n != 1 {
			t.Fatalf("a wrong guess was not counted: %d", n)
		}
		now = now.Add(9 * time.Minute)
		if err := identity.VerifyMobile(ctx, db, id, persianDigits(code)); err != nil {
			t.Fatalf("right code in Persian digits: %v", err)
		}
		if count(t, db, `SELECT COUNT(*) FROM people WHERE mobile_verified = TRUE`) != 1 {
			t.Fatal("mobile not verified")
		}
		if count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'identity.mobile_verified'`) != 1 {
			t.Fatal("verification not audited")
		}
		err = identity.VerifyMobile(ctx, db, id, code)
		wantProblem(t, err, problem.Conflict, "mobile.already_verified", identity.ErrAlreadyVerified)
		err = identity.ResendMobileCode(ctx, db, id)
		wantProblem(t, err, problem.Conflict, "mobile.already_verified", identity.ErrAlreadyVerified)
	})
}

func persianDigits(s string) string {
	out := []rune{}
	for _, c := range s {
		out = append(out, '۰'+(c-'0'))
	}
	return string(out)
}

func TestMobileCodeExpiresAfterTenMinutes(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		id, code := registered(t, db, &now)
		now = now.Add(10 * time.Minute)
		err := identity.VerifyMobile(context.Background(), db, id, code)
		wantProblem(t, err, problem.Invalid, "mobile.code.expired", identity.ErrCodeExpired)
	})
}

func TestMobileCodeAllowsFiveTries(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		id, code := registered(t, db, &now)
		for i := range identity.MobileCodeMaxAttempts {
			err := identity.VerifyMobile(ctx, db, id, wrongCode(code))
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Key != "mobile.code.wrong" || pe.Args[0] != identity.MobileCodeMaxAttempts-i-1 {
				t.Fatalf("try %d: %v", i+1, err)
			}
		}
		err := identity.VerifyMobile(ctx, db, id, code)
		wantProblem(t, err, problem.RateLimited, "mobile.code.attempts", identity.ErrCodeAttempts)
		if count(t, db, `SELECT COUNT(*) FROM people WHERE mobile_verified = TRUE`) != 0 {
			t.Fatal("verified after the tries ran out")
		}
	})
}

func TestMobileCodeResendIsThrottledAndRetiresTheOldCode(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		id, old := registered(t, db, &now)
		now = now.Add(30 * time.Second)
		err := identity.ResendMobileCode(ctx, db, id)
		wantProblem(t, err, problem.RateLimited, "mobile.code.throttled", identity.ErrCodeThrottled)
		if err.(*problem.Error).Args[0] != 30 {
			t.Fatalf("wait: %v", err.(*problem.Error).Args)
		}
		now = now.Add(31 * time.Second)
		if err := identity.ResendMobileCode(ctx, db, id); err != nil {
			t.Fatal(err)
		}
		_, code := lastSMS(t, db)
		if code != old {
			wantProblem(t, identity.VerifyMobile(ctx, db, id, old), problem.Invalid, "mobile.code.wrong", identity.ErrCodeWrong)
		}
		if err := identity.VerifyMobile(ctx, db, id, code); err != nil {
			t.Fatal(err)
		}
	})
}

func TestChangingTheMobileResetsVerification(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		id, code := registered(t, db, &now)
		if err := identity.VerifyMobile(ctx, db, id, code); err != nil {
			t.Fatal(err)
		}
		_, err := identity.ChangeMobile(ctx, db, id, "02112345678")
		wantProblem(t, err, problem.Invalid, "identity.invalid.mobile.prefix", err)
		now = now.Add(2 * time.Minute)
		canon, err := identity.ChangeMobile(ctx, db, id, "۰۹۳۵ ۱۱۱ ۲۲۳۳")
		if err != nil || canon != "09351112233" {
			t.Fatalf("change: %q %v", canon, err)
		}
		if count(t, db, `SELECT COUNT(*) FROM people WHERE mobile = '09351112233' AND mobile_verified = FALSE`) != 1 {
			t.Fatal("the new number is not pending verification")
		}
		to, code := lastSMS(t, db)
		if to != "09351112233" {
			t.Fatalf("code went to %s", to)
		}
		if count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'identity.mobile_changed'`) != 1 {
			t.Fatal("change not audited")
		}
		if err := identity.VerifyMobile(ctx, db, id, code); err != nil {
			t.Fatal(err)
		}
		var st identity.MobileStatus
		_ = db.View(ctx, func(tx *store.Tx) error { st, err = identity.MobileOf(ctx, tx, id); return err })
		if !st.Verified || st.Mobile != "09351112233" {
			t.Fatalf("status: %+v %v", st, err)
		}
	})
}
