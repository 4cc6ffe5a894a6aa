package demo

import (
	"context"
	"testing"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestSeedHashesThePasswordOncePerProcess (issue 12): every demo account can log in
// with Password, the seed hashes it once per process rather than per account (all
// accounts of two seeded databases share one hash), and seeding again adds nothing.
func TestSeedHashesThePasswordOncePerProcess(t *testing.T) {
	ctx := context.Background()
	hashes := map[string]bool{}
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		if created, err := Seed(ctx, db); err != nil || !created {
			t.Fatalf("first seed: created %v, %v", created, err)
		}
		if created, err := Seed(ctx, db); err != nil || created {
			t.Fatalf("second seed: created %v, %v", created, err)
		}
		n := 0
		err := db.View(ctx, func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, `SELECT username, password_hash FROM accounts`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var user, hash string
				if err := rows.Scan(&user, &hash); err != nil {
					return err
				}
				n++
				hashes[hash] = true
				if ok, err := identity.CheckPassword(hash, Password); err != nil || !ok {
					t.Errorf("%s: the demo password does not match its hash (%v)", user, err)
				}
				if ok, _ := identity.CheckPassword(hash, Password+"x"); ok {
					t.Errorf("%s: a wrong password matches", user)
				}
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != len(Logins())+1 { // Logins lists all but the second applicant
			t.Errorf("%d accounts seeded, want %d", n, len(Logins())+1)
		}
	})
	if len(hashes) != 1 {
		t.Errorf("%d distinct password hashes, want 1 per process", len(hashes))
	}
}
