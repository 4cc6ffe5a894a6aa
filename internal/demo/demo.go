// Package demo seeds the data `miz serve --demo` starts with: organisations, people,
// memberships and one account per role, so a newcomer can log in as anyone at once.
// It is never run outside --demo.
package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// Password is the password of every demo account.
const Password = "demo-password"

// TOTPSecret is the base32 TOTP secret enrolled for every demo staff account.
const TOTPSecret = "JBSWY3DPEHPK3PXP"

// ApplicantNationalCode is the demo applicant's national code (a valid checksum).
const ApplicantNationalCode = "0499370899"

// OrgNationalID is the demo software company's national ID (a valid checksum).
const OrgNationalID = "10101234565"

// Login is one demo login printed at start.
type Login struct {
	Username, Role string
	TOTP           bool
}

// Logins lists the demo accounts.
func Logins() []Login {
	return []Login{
		{"demo-applicant", "applicant (natural person; also logs in as national code " + ApplicantNationalCode + "; member of the demo company)", false},
		{OrgNationalID, "organisation account of the demo software company", false},
		{"demo-employee", "employee of the demo government agency (takes agency courses, M-4.2)", false},
		{"demo-expert", "expert (certify, cert)", true},
		{"demo-supervisor", "supervisor (certify, cert)", true},
		{"demo-signer", "signer (certify)", true},
		{"demo-committee", "complaints committee (certify, cert)", true},
		{"demo-committee-2", "complaints committee (certify, cert; the catalog's quorum is 3)", true},
		{"demo-committee-3", "complaints committee (certify, cert)", true},
		{"demo-editor", "service editor (certify, cert)", true},
		{"demo-editor-2", "second advisory editor (cert), who reviews demo-editor's drafts", true},
		{"demo-responder", "incident responder (cert)", true},
		{"demo-analyst", "analyst (certify, cert)", true},
		{"demo-admin", "administrator", true},
	}
}

const seededKey = "demo.seeded"

// passwordHash is the argon2id hash of Password, computed once per process: every
// demo account shares the published password, and argon2id is slow on purpose, so
// hashing it per account made every --demo start (and every test booting one) pay
// thirteen hashes. Each process still draws its own salt.
var passwordHash = sync.OnceValues(func() (string, error) { return identity.HashPassword(Password) })

// Seed creates the demo data once; running it again on the same database keeps what
// is there. It reports whether it created anything.
func Seed(ctx context.Context, db *store.DB) (bool, error) {
	created := false
	err := db.Update(ctx, func(tx *store.Tx) error {
		var v string
		err := tx.QueryRow(ctx, `SELECT value FROM kv WHERE key = ?`, seededKey).Scan(&v)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := seed(ctx, tx); err != nil {
			return err
		}
		created = true
		if _, err := tx.Exec(ctx, `INSERT INTO kv (key, value) VALUES (?, ?)`, seededKey, "1"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "system", "demo.seed", "system", "demo", nil)
	})
	if err != nil {
		return false, fmt.Errorf("demo: seed: %w", err)
	}
	return created, nil
}

func seed(ctx context.Context, tx *store.Tx) error {
	hash, err := passwordHash()
	if err != nil {
		return err
	}
	orgs := []identity.Organization{
		{NationalID: OrgNationalID, Kind: "legal", NameFa: "شرکت نرم‌افزاری پارس‌داده", NameEn: "Pars Dadeh Software Co.", Email: "info@parsdadeh.example", Province: "23"},
		{NationalID: "10320456783", Kind: "legal", NameFa: "سامانه‌گستر نوین", NameEn: "Samaneh Gostar Novin", Email: "info@sgn.example", Province: "06"},
		{NationalID: "14005678903", Kind: "government", NameFa: "اداره کل نمونه استان تهران", NameEn: "Tehran Province Sample Directorate", Email: "it@sample.example", Province: "23"},
	}
	orgIDs := make([]int64, len(orgs))
	for i, o := range orgs {
		id, err := identity.CreateOrganization(ctx, tx, o)
		if err != nil {
			return err
		}
		orgIDs[i] = id
	}
	ali, err := identity.CreatePerson(ctx, tx, identity.Person{NationalCode: ApplicantNationalCode, NameFa: "علی رضایی", NameEn: "Ali Rezaei",
		Mobile: "09121234567", MobileVerified: true, Email: "ali.rezaei@example.org", Province: "23"})
	if err != nil {
		return err
	}
	if err := identity.AddMembership(ctx, tx, ali, orgIDs[0], "مدیر محصول"); err != nil {
		return err
	}
	if _, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "demo-applicant", Kind: identity.KindPerson, PersonID: ali,
		DisplayName: "علی رضایی", Email: "ali.rezaei@example.org", PasswordHash: hash}); err != nil {
		return err
	}
	if _, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: OrgNationalID, Kind: identity.KindOrganization, OrgID: orgIDs[0],
		DisplayName: orgs[0].NameFa, Email: orgs[0].Email, PasswordHash: hash}); err != nil {
		return err
	}
	sara, err := identity.CreatePerson(ctx, tx, identity.Person{NationalCode: "0071234561", NameFa: "سارا محمدی", NameEn: "Sara Mohammadi",
		Mobile: "09351234567", Email: "sara@example.org", Province: "06"})
	if err != nil {
		return err
	}
	if err := identity.AddMembership(ctx, tx, sara, orgIDs[1], "مدیرعامل"); err != nil {
		return err
	}
	if _, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "demo-applicant-2", Kind: identity.KindPerson, PersonID: sara,
		DisplayName: "سارا محمدی", PasswordHash: hash}); err != nil {
		return err
	}
	// An agency employee: courses for the staff of government agencies take her (M-4.2).
	maryam, err := identity.CreatePerson(ctx, tx, identity.Person{NationalCode: "0075555557", NameFa: "مریم کریمی", NameEn: "Maryam Karimi",
		Mobile: "09131234567", MobileVerified: true, Email: "maryam.karimi@sample.example", Province: "23"})
	if err != nil {
		return err
	}
	if err := identity.AddMembership(ctx, tx, maryam, orgIDs[2], "کارشناس فناوری اطلاعات"); err != nil {
		return err
	}
	if _, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "demo-employee", Kind: identity.KindPerson, PersonID: maryam,
		DisplayName: "مریم کریمی", Email: "maryam.karimi@sample.example", PasswordHash: hash}); err != nil {
		return err
	}
	staff := []struct {
		user, name string
		grants     map[string][]identity.Role
		admin      bool
	}{
		{"demo-expert", "کارشناس نمونه", map[string][]identity.Role{"certify": {identity.Expert}, "cert": {identity.Expert}}, false},
		{"demo-supervisor", "سرپرست نمونه", map[string][]identity.Role{"certify": {identity.Supervisor}, "cert": {identity.Supervisor}}, false},
		{"demo-signer", "امضاکننده نمونه", map[string][]identity.Role{"certify": {identity.Signer}}, false},
		{"demo-committee", "عضو کمیته نمونه", map[string][]identity.Role{"certify": {identity.Committee}, "cert": {identity.Committee}}, false},
		{"demo-committee-2", "عضو دوم کمیته نمونه", map[string][]identity.Role{"certify": {identity.Committee}, "cert": {identity.Committee}}, false},
		{"demo-committee-3", "عضو سوم کمیته نمونه", map[string][]identity.Role{"certify": {identity.Committee}, "cert": {identity.Committee}}, false},
		{"demo-editor", "ویراستار نمونه", map[string][]identity.Role{"certify": {identity.Editor}, "cert": {identity.Editor}}, false},
		{"demo-editor-2", "ویراستار دوم نمونه", map[string][]identity.Role{"cert": {identity.Editor}}, false},
		{"demo-responder", "پاسخگوی نمونه", map[string][]identity.Role{"cert": {identity.Responder}}, false},
		{"demo-analyst", "تحلیلگر نمونه", map[string][]identity.Role{"certify": {identity.Analyst}, "cert": {identity.Analyst}}, false},
		{"demo-admin", "مدیر سامانه", nil, true},
	}
	// The on-call staff have a verified mobile, so that an incident reported at night
	// pages the responder on duty by SMS and a breached target reaches the supervisor
	// (issue 14); the numbers are examples.
	mobiles := map[string]identity.Person{
		"demo-responder":  {NationalCode: "0087654326", NameFa: "پاسخگوی نمونه", NameEn: "Sample Responder", Mobile: "09121110001", MobileVerified: true},
		"demo-supervisor": {NationalCode: "0087654334", NameFa: "سرپرست نمونه", NameEn: "Sample Supervisor", Mobile: "09121110002", MobileVerified: true},
	}
	for _, s := range staff {
		var personID int64
		if p, ok := mobiles[s.user]; ok {
			p.Email = s.user + "@ito.example"
			if personID, err = identity.CreatePerson(ctx, tx, p); err != nil {
				return err
			}
		}
		id, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: s.user, Kind: identity.KindStaff, DisplayName: s.name,
			Email: s.user + "@ito.example", PasswordHash: hash, TOTPSecret: TOTPSecret, Admin: s.admin, PersonID: personID})
		if err != nil {
			return err
		}
		for svc, roles := range s.grants {
			for _, r := range roles {
				if err := identity.Grant(ctx, tx, id, svc, r); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
