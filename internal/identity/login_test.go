package identity_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

const secret = "JBSWY3DPEHPK3PXP"

func setup(t *testing.T, db *store.DB, now *time.Time) {
	t.Helper()
	db.Now = func() time.Time { return *now }
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		pid, err := identity.CreatePerson(ctx, tx, identity.Person{NationalCode: "0499370899", NameFa: "آزمون"})
		if err != nil {
			return err
		}
		if _, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "ali", Kind: identity.KindPerson, PersonID: pid, Password: "pw-applicant"}); err != nil {
			return err
		}
		sid, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "Expert1", Kind: identity.KindStaff, Password: "pw-staff", TOTPSecret: secret})
		if err != nil {
			return err
		}
		return identity.Grant(ctx, tx, sid, "certify", identity.Expert)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestApplicantLogsInWithNationalCodeOrUsername(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		setup(t, db, &now)
		for _, user := range []string{"ali", "۰۴۹۹۳۷۰۸۹۹", "0499370899"} {
			a, err := identity.Login(context.Background(), db, identity.DefaultLoginPolicy(), identity.Credentials{Username: user, Password: "pw-applicant", ClientIP: "1.2.3.4"})
			if err != nil || a.Username != "ali" {
				t.Fatalf("login as %q: %v %+v", user, err, a)
			}
		}
	})
}

func TestStaffNeedsTOTPAndReplayFails(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		setup(t, db, &now)
		pol := identity.DefaultLoginPolicy()
		_, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "expert1", Password: "pw-staff", ClientIP: "x"})
		if !errors.Is(err, identity.ErrTOTPRequired) {
			t.Fatalf("no totp: %v", err)
		}
		code, _ := identity.TOTPCode(secret, now)
		if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "expert1", Password: "pw-staff", TOTP: code, ClientIP: "x"}); err != nil {
			t.Fatalf("good totp: %v", err)
		}
		if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "expert1", Password: "pw-staff", TOTP: code, ClientIP: "x"}); !errors.Is(err, identity.ErrTOTPInvalid) {
			t.Fatalf("replayed totp accepted: %v", err)
		}
	})
}

func TestLockoutAfterFailuresAndRateLimit(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		setup(t, db, &now)
		pol := identity.DefaultLoginPolicy()
		for i := 0; i < pol.MaxFailures; i++ {
			now = now.Add(time.Minute) // past the growing per-address delay (Security #4)
			if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "ali", Password: "wrong", ClientIP: "a"}); !errors.Is(err, identity.ErrBadCredentials) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		now = now.Add(time.Minute)
		// Security #5: a locked account answers like a wrong password.
		if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "ali", Password: "pw-applicant", ClientIP: "a"}); !errors.Is(err, identity.ErrBadCredentials) {
			t.Fatalf("locked account logged in: %v", err)
		}
		now = now.Add(pol.LockFor + time.Minute)
		if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "ali", Password: "pw-applicant", ClientIP: "b"}); err != nil {
			t.Fatalf("after lock expiry: %v", err)
		}
		pol.MaxPerWindow = 3
		for i := 0; i < 3; i++ {
			_, _ = identity.Login(ctx, db, pol, identity.Credentials{Username: "nobody", Password: "x", ClientIP: "c"})
		}
		if _, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "ali", Password: "pw-applicant", ClientIP: "c"}); !errors.Is(err, identity.ErrRateLimited) {
			t.Fatalf("rate limit: %v", err)
		}
	})
}

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := identity.HashPassword("سلام")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := identity.CheckPassword(h, "سلام"); !ok {
		t.Fatal("right password refused")
	}
	if ok, _ := identity.CheckPassword(h, "سلام "); ok {
		t.Fatal("wrong password accepted")
	}
}
