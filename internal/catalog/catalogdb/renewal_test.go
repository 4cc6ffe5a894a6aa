package catalogdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestRenewalRemindersReachEditorsOnce_S8: both shipped SLAs ended with 1400, so the
// daily job tells each editor of each service once — not the supervisor, not again on
// the next run — in-app and by e-mail; and nothing at all while validity is far off.
func TestRenewalRemindersReachEditorsOnce_S8(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		err := db.Update(ctx, func(tx *store.Tx) error {
			for _, g := range []struct {
				id      int64
				service string
				role    string
			}{{f.editor.Account.ID, "*", "editor"}, {f.editor2.Account.ID, "certify", "editor"}, {f.supervisor.Account.ID, "certify", "supervisor"}} {
				if _, err := tx.Exec(ctx, `INSERT INTO role_grants (account_id, service, role, granted_at) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING`, g.id, g.service, g.role); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) (n int) {
			t.Helper()
			if err := db.View(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, q, args...).Scan(&n) }); err != nil {
				t.Fatal(err)
			}
			return n
		}
		n, err := f.st.RemindRenewals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Both editors edit every service (the fixture grants "*"): certify and cert each.
		if n != 4 || count(`SELECT COUNT(*) FROM notifications WHERE account_id = ?`, f.editor.Account.ID) != 2 ||
			count(`SELECT COUNT(*) FROM notifications WHERE account_id = ?`, f.editor2.Account.ID) != 2 ||
			count(`SELECT COUNT(*) FROM notifications WHERE account_id = ?`, f.supervisor.Account.ID) != 0 {
			t.Fatalf("first run wrote %d reminders; want 4, to the editors only", n)
		}
		if got := count(`SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND ref_kind = 'service_version'`); got != count(`SELECT COUNT(*) FROM notifications n JOIN accounts a ON a.id = n.account_id WHERE a.email <> ''`) {
			t.Errorf("%d e-mails queued, want one per reminder to an editor with an address", got)
		}
		if n, err := f.st.RemindRenewals(ctx); err != nil || n != 0 {
			t.Errorf("second run: %d, %v; want nothing new", n, err)
		}
		// On a day far inside a period, nobody is reminded.
		f.clock.Set(time.Date(2021, 6, 1, 10, 0, 0, 0, jalali.Tehran()))
		before := count(`SELECT COUNT(*) FROM notifications`)
		if _, err := f.st.RemindRenewals(ctx); err != nil || count(`SELECT COUNT(*) FROM notifications`) != before {
			t.Errorf("mid-period run wrote reminders (%v)", err)
		}
	})
}
