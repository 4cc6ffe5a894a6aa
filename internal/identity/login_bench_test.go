package identity_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// BenchmarkPasswordHashOnly is the baseline for BenchmarkLogin: one argon2id check,
// the unavoidable cost of a password login.
func BenchmarkPasswordHashOnly(b *testing.B) {
	h, _ := identity.HashPassword("pw-applicant")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if ok, _ := identity.CheckPassword(h, "pw-applicant"); !ok {
			b.Fatal("wrong")
		}
	}
}

// BenchmarkLogin measures a full password login on SQLite: rate-limit bookkeeping,
// account lookup by national code, argon2id, lockout reset and the audit entry.
func BenchmarkLogin(b *testing.B) {
	db := storetest.OpenSQLite(b)
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		pid, err := identity.CreatePerson(ctx, tx, identity.Person{NationalCode: "0499370899", NameFa: "آزمون"})
		if err != nil {
			return err
		}
		_, err = identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "ali", Kind: identity.KindPerson, PersonID: pid, Password: "pw-applicant"})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	pol := identity.DefaultLoginPolicy()
	pol.MaxPerWindow = 1 << 30
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := identity.Login(ctx, db, pol, identity.Credentials{Username: "0499370899", Password: "pw-applicant", ClientIP: fmt.Sprint(i % 100)})
		if err != nil {
			b.Fatal(err)
		}
	}
}
