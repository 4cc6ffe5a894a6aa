package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// newClock returns the settable time shared by a test's database and runner.
func newClock(db *store.DB) *storetest.Clock {
	return storetest.NewClock(time.Date(2026, 3, 14, 10, 30, 0, 0, time.UTC)).On(db)
}

func queue(t *testing.T, db *store.DB, m notify.Message) {
	t.Helper()
	ctx := context.Background()
	if err := db.Update(ctx, func(tx *store.Tx) error { return notify.Queue(ctx, tx, m) }); err != nil {
		t.Fatal(err)
	}
}

func runDue(t *testing.T, r *jobs.Runner, want int) {
	t.Helper()
	n, err := r.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("RunDue ran %d jobs, want %d", n, want)
	}
}

type outboxRow struct {
	State, LastError, RefKind, RefID string
	Attempts                         int
	SentAt                           time.Time
}

// lastOutbox reads the newest outbox row.
func lastOutbox(t *testing.T, db *store.DB) outboxRow {
	t.Helper()
	var r outboxRow
	var sent int64
	err := db.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT state, last_error, ref_kind, ref_id, attempts, sent_at
			FROM outbox ORDER BY id DESC LIMIT 1`).Scan(&r.State, &r.LastError, &r.RefKind, &r.RefID, &r.Attempts, &sent)
	})
	if err != nil {
		t.Fatal(err)
	}
	r.SentAt = store.FromMillis(sent)
	return r
}
