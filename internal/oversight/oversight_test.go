package oversight

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestAdminsReadTheAuditLogByWhoWhatAndWhen_13 fills the log with the entries of two
// accounts and the system, then finds them by username, action prefix, object and
// time, page by page, with the actors' names; a non-admin is refused.
func TestAdminsReadTheAuditLogByWhoWhatAndWhen_13(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
		db.Now = clock.Now
		var alice, bob int64
		err := db.Update(ctx, func(tx *store.Tx) error {
			var err error
			if alice, err = tx.InsertID(ctx, `INSERT INTO accounts (username, kind, created_at) VALUES ('alice', 'staff', 0)`); err != nil {
				return err
			}
			bob, err = tx.InsertID(ctx, `INSERT INTO accounts (username, kind, created_at) VALUES ('bob', 'staff', 0)`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 60 {
			actor, action := audit.AccountActor(alice), "case.submit"
			switch i % 3 {
			case 1:
				actor, action = audit.AccountActor(bob), "auth.login"
			case 2:
				actor, action = "system", "case.breach"
			}
			err := db.Update(ctx, func(tx *store.Tx) error {
				return audit.Record(ctx, tx, actor, action, "case", fmt.Sprintf("C%d", i%4), map[string]any{"n": i})
			})
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(time.Hour)
		}
		s := &Service{DB: db}
		admin := &identity.Principal{Account: identity.Account{ID: alice, Admin: true}}
		p, err := s.Entries(ctx, admin, Filter{Actor: "alice"})
		if err != nil || len(p.Entries) != 20 || p.Next != 0 || p.Entries[0].ActorName != "alice" || p.Entries[0].Seq != 58 {
			t.Fatalf("alice's entries: %d, next %d, first %+v, %v", len(p.Entries), p.Next, p.Entries, err)
		}
		p, err = s.Entries(ctx, admin, Filter{Action: "case."})
		if err != nil || len(p.Entries) != 40 {
			t.Fatalf("case.* entries: %d, %v", len(p.Entries), err)
		}
		all, err := s.Entries(ctx, admin, Filter{})
		if err != nil || len(all.Entries) != 50 || all.Next != all.Entries[49].Seq {
			t.Fatalf("first page: %d, next %d, %v", len(all.Entries), all.Next, err)
		}
		rest, err := s.Entries(ctx, admin, Filter{Before: all.Next})
		if err != nil || len(rest.Entries) != 10 || rest.Next != 0 || rest.Entries[9].Seq != 1 {
			t.Fatalf("second page: %d, next %d, %v", len(rest.Entries), rest.Next, err)
		}
		from := time.Date(2026, 11, 1, 20, 0, 0, 0, time.UTC)
		p, err = s.Entries(ctx, admin, Filter{ObjectKind: "case", ObjectID: "C2", From: from, To: from.Add(12 * time.Hour)})
		if err != nil || len(p.Entries) != 3 || p.Entries[0].Summary[0] != "n=18" {
			t.Fatalf("C2 in 12 hours: %+v, %v", p.Entries, err)
		}
		if _, err := s.Entries(ctx, admin, Filter{Actor: "nobody"}); problem.As(err).Field != "actor" {
			t.Errorf("unknown username: %v, want a field error", err)
		}
		staff := &identity.Principal{Account: identity.Account{ID: bob}}
		if _, err := s.Entries(ctx, staff, Filter{}); problem.As(err).Code != problem.Forbidden {
			t.Errorf("non-admin: %v, want forbidden", err)
		}
		if _, err := s.VerifyChain(ctx, staff); problem.As(err).Code != problem.Forbidden {
			t.Errorf("non-admin verify: %v", err)
		}

		st, err := s.VerifyChain(ctx, admin)
		if err != nil || !st.OK() || st.Entries != 60 {
			t.Fatalf("chain: %+v, %v", st, err)
		}
		if err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE audit_log SET summary = '{"n":99}' WHERE seq = 17`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if st, err = s.VerifyChain(ctx, admin); err != nil || st.OK() || st.BadEntry != 17 {
			t.Fatalf("edited chain: %+v, %v; want entry 17 named", st, err)
		}
	})
}
