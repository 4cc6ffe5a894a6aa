package identity_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func goodRegistration() identity.Registration {
	return identity.Registration{NationalCode: "۰۰۷۱۲۳۴۵۶۱", NameFa: "مريم كاظمی", NameEn: " Maryam Kazemi ",
		Mobile: "+98 912 765 4321", Email: "maryam@example.org", Password: "a long passphrase", ClientIP: "10.0.0.1"}
}

func TestRegistrationValidateNormalisesAndNamesTheField(t *testing.T) {
	r, err := goodRegistration().Validate()
	if err != nil {
		t.Fatal(err)
	}
	if r.NationalCode != "0071234561" || r.Mobile != "09127654321" || r.NameFa != "مریم کاظمی" || r.NameEn != "Maryam Kazemi" {
		t.Fatalf("not normalised: %+v", r)
	}
	cases := []struct {
		name, field, key string
		edit             func(*identity.Registration)
	}{
		{"checksum", "national_code", "identity.invalid.national_code.checksum", func(r *identity.Registration) { r.NationalCode = "0071234562" }},
		{"short code", "national_code", "identity.invalid.national_code.length", func(r *identity.Registration) { r.NationalCode = "12345" }},
		{"repeated", "national_code", "identity.invalid.national_code.repeated", func(r *identity.Registration) { r.NationalCode = "1111111111" }},
		{"no name", "name_fa", "error.required", func(r *identity.Registration) { r.NameFa = " \u200c " }},
		{"long name", "name_en", "register.name.long", func(r *identity.Registration) { r.NameEn = strings.Repeat("x", 121) }},
		{"landline", "mobile", "identity.invalid.mobile.prefix", func(r *identity.Registration) { r.Mobile = "02188776655" }},
		{"letters", "mobile", "identity.invalid.mobile.digits", func(r *identity.Registration) { r.Mobile = "0912abc4567" }},
		{"email", "email", "register.email.invalid", func(r *identity.Registration) { r.Email = "Maryam <m@example.org>" }},
		{"short password", "password", "register.password.short", func(r *identity.Registration) { r.Password = "۱۲۳۴۵۶۷۸۹" }},
		{"no password", "password", "error.required", func(r *identity.Registration) { r.Password = "" }},
	}
	for _, tc := range cases {
		r := goodRegistration()
		tc.edit(&r)
		_, err := r.Validate()
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Code != problem.Invalid || pe.Field != tc.field || pe.Key != tc.key {
			t.Errorf("%s: got %v, want %s on %s", tc.name, err, tc.key, tc.field)
		}
		if pe != nil && !i18n.Has(pe.Key) {
			t.Errorf("%s: key %s has no text", tc.name, pe.Key)
		}
	}
}

// The messages for a rejected identifier say exactly what the validators say.
func TestInvalidIdentifierMessagesMatchThePersianPackage(t *testing.T) {
	reasons := map[persian.Field][]persian.Reason{
		persian.FieldNationalCode: {persian.ReasonLength, persian.ReasonDigits, persian.ReasonChecksum, persian.ReasonRepeated},
		persian.FieldMobile:       {persian.ReasonLength, persian.ReasonDigits, persian.ReasonPrefix},
	}
	for f, rs := range reasons {
		for _, r := range rs {
			ie := &persian.InvalidError{Field: f, Reason: r}
			key := identity.InvalidKey(ie)
			if got := i18n.T(i18n.Fa, key); got != ie.MessageFa() {
				t.Errorf("%s fa: %q, want %q", key, got, ie.MessageFa())
			}
			if got := i18n.T(i18n.En, key); got != ie.MessageEn() {
				t.Errorf("%s en: %q, want %q", key, got, ie.MessageEn())
			}
		}
	}
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	ctx := context.Background()
	if err := db.View(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

// lastSMS returns the newest SMS in the outbox and the code in it.
func lastSMS(t *testing.T, db *store.DB) (to, code string) {
	t.Helper()
	ctx := context.Background()
	var text string
	err := db.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT recipient, text_body FROM outbox WHERE channel = 'sms' ORDER BY id DESC LIMIT 1`).Scan(&to, &text)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to, regexp.MustCompile(`\b\d{6}\b`).FindString(text)
}

func TestRegisterCreatesPersonAccountAndQueuesTheCodeTogether_Identity(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		got, err := identity.Register(ctx, db, goodRegistration())
		if err != nil {
			t.Fatal(err)
		}
		if got.Username != "0071234561" || got.Mobile != "09127654321" {
			t.Fatalf("registered: %+v", got)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM people WHERE national_code = ? AND mobile_verified = FALSE AND name_fa = ?`, "0071234561", "مریم کاظمی"); n != 1 {
			t.Fatalf("people rows: %d", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM otp_codes WHERE person_id = ? AND expires_at = ?`, got.PersonID, store.Millis(now.Add(10*time.Minute))); n != 1 {
			t.Fatalf("otp rows: %d", n)
		}
		to, code := lastSMS(t, db)
		if to != "09127654321" || len(code) != 6 {
			t.Fatalf("sms to %s with code %q", to, code)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM otp_codes WHERE code_hash LIKE ?`, "%"+code+"%"); n != 0 {
			t.Fatal("the code is stored in clear")
		}
		// The account logs in with the national code.
		if _, err := identity.Login(ctx, db, identity.DefaultLoginPolicy(), identity.Credentials{Username: "0071234561", Password: "a long passphrase"}); err != nil {
			t.Fatalf("login after registering: %v", err)
		}
		before := count(t, db, `SELECT COUNT(*) FROM outbox`)
		// Security #5: a registered national code answers like a new one and creates
		// and sends nothing.
		dup, err := identity.Register(ctx, db, goodRegistration())
		if err != nil || dup.Username != got.Username || dup.Mobile != got.Mobile || dup.AccountID != 0 {
			t.Fatalf("duplicate: %+v %v", dup, err)
		}
		if count(t, db, `SELECT COUNT(*) FROM people`) != 1 || count(t, db, `SELECT COUNT(*) FROM accounts`) != 1 || count(t, db, `SELECT COUNT(*) FROM outbox`) != before {
			t.Fatal("a refused registration left rows behind")
		}
	})
}

// One-time codes are purged a day after they expire, not before.
func TestPurgeExpiredRemovesOldCodes_Identity(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		if _, err := identity.Register(ctx, db, goodRegistration()); err != nil {
			t.Fatal(err)
		}
		purge := func(at time.Time) int {
			db.Now = func() time.Time { return at }
			if err := db.Update(ctx, func(tx *store.Tx) error { return identity.PurgeExpired(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
			return count(t, db, `SELECT COUNT(*) FROM otp_codes`)
		}
		if n := purge(now.Add(2 * time.Hour)); n != 1 {
			t.Fatalf("a code expired under a day ago was purged: %d left", n)
		}
		if n := purge(now.Add(25 * time.Hour)); n != 0 {
			t.Fatalf("a code expired over a day ago was kept: %d left", n)
		}
	})
}
