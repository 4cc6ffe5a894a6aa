package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Concurrent Update calls, some failing, some panicking: on SQLite they share
// transactions (group commit); each call's outcome must be exactly its own on both
// backends: the failed ones leave nothing, the others everything, each AfterCommit runs
// once, and a caller that got nil finds its row.
func TestConcurrentUpdatesKeepTheirOwnOutcome(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 200
		errFail := errors.New("refused by the use case")
		var wg sync.WaitGroup
		var afters atomic.Int64
		results := make([]error, n)
		panics := make([]any, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { panics[i] = recover() }()
				results[i] = db.Update(ctx, func(tx *store.Tx) error {
					if _, err := tx.Exec(ctx, "INSERT INTO kv (key, value) VALUES (?, ?)", fmt.Sprintf("g%03d", i), "v"); err != nil {
						return err
					}
					switch i % 10 {
					case 3:
						return errFail // after a write: the write must be undone
					case 7:
						// A statement error (duplicate key) after a good write.
						_, err := tx.Exec(ctx, "INSERT INTO kv (key, value) VALUES (?, ?)", fmt.Sprintf("g%03d", i), "again")
						return err
					case 9:
						if i == 99 {
							panic("use case bug")
						}
					}
					tx.AfterCommit(func() { afters.Add(1) })
					return nil
				})
			}()
		}
		wg.Wait()
		want := 0
		for i := range n {
			switch {
			case i == 99:
				if panics[i] != "use case bug" {
					t.Errorf("call %d: panic %v was not re-raised in the caller", i, panics[i])
				}
			case i%10 == 3:
				if !errors.Is(results[i], errFail) {
					t.Errorf("call %d: got %v, want its own error", i, results[i])
				}
			case i%10 == 7:
				if results[i] == nil || !store.IsUniqueViolation(results[i]) {
					t.Errorf("call %d: got %v, want a unique violation", i, results[i])
				}
			default:
				want++
				if results[i] != nil {
					t.Errorf("call %d: %v", i, results[i])
				}
			}
		}
		var got int
		err := db.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, "SELECT COUNT(*) FROM kv WHERE key LIKE 'g%'").Scan(&got)
		})
		if err != nil || got != want {
			t.Fatalf("rows %d (err %v), want %d: a failed call leaked or a good one was lost", got, err, want)
		}
		if afters.Load() != int64(want) {
			t.Fatalf("AfterCommit ran %d times, want %d", afters.Load(), want)
		}
		if db.Dialect == store.SQLite {
			commits, calls := db.GroupCommitStats()
			if calls < int64(want) || commits == 0 || commits > calls {
				t.Fatalf("group commit stats: %d commits for %d calls", commits, calls)
			}
			t.Logf("%d successful calls in %d transactions", calls, commits)
		}
	})
}

// A call whose context is cancelled before it runs changes nothing and says so.
func TestUpdateWithCancelledContext(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		ran := false
		err := db.Update(ctx, func(tx *store.Tx) error { ran = true; return nil })
		if !errors.Is(err, context.Canceled) || ran {
			t.Fatalf("err %v, ran %v", err, ran)
		}
	})
}

// Writes sync the WAL at commit, and after Close, Update answers ErrClosed instead of
// hanging.
func TestUpdateAfterCloseOnSQLite(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// Writes are acknowledged only once the WAL is synced (synchronous=FULL is 2), so
	// that an acknowledged case survives a power cut, not only a crash.
	var mode int
	if err := db.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO kv (key, value) VALUES (?, ?)", "k", "v"); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "PRAGMA synchronous").Scan(&mode)
	}); err != nil {
		t.Fatal(err)
	}
	if mode != 2 {
		t.Fatalf("the write connection runs with synchronous=%d, want 2 (FULL)", mode)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *store.Tx) error { return nil }); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("update after close: %v", err)
	}
}

// When SQLite abandons a batch's whole transaction (here a call ends it itself, as an
// I/O error or an interrupt would), the writer runs every call of the batch again on
// its own: the others still commit, each exactly once, and only the culprit fails.
func TestAbandonedBatchIsReplayedCallByCall(t *testing.T) {
	ctx := context.Background()
	db := migratedSQLite(t)
	const n = 60
	errCulprit := errors.New("transaction lost")
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = db.Update(ctx, func(tx *store.Tx) error {
				if i%20 == 5 {
					_, _ = tx.Exec(ctx, "ROLLBACK")
					return errCulprit
				}
				_, err := tx.Exec(ctx, "INSERT INTO kv (key, value) VALUES (?, ?)", fmt.Sprintf("r%02d", i), "v")
				return err
			})
		}()
	}
	wg.Wait()
	want := 0
	for i, err := range results {
		if i%20 == 5 {
			if !errors.Is(err, errCulprit) {
				t.Errorf("culprit %d: %v", i, err)
			}
			continue
		}
		want++
		if err != nil {
			t.Errorf("call %d failed with another call's fault: %v", i, err)
		}
	}
	var got int
	if err := db.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT COUNT(*) FROM kv WHERE key LIKE 'r%'").Scan(&got)
	}); err != nil || got != want {
		t.Fatalf("rows %d (err %v), want %d", got, err, want)
	}
}

// On SQLite, a caller cancelled while its call runs inside a batch does not interrupt
// the statements it still runs: an interrupt would roll back the whole batch's
// transaction. The call finishes and commits, and the caller, who is always waited
// for, is told so (issue 18).
func TestCancelDuringCallDoesNotInterruptTheBatch_Issue18(t *testing.T) {
	ctx := context.Background()
	db := migratedSQLite(t)
	cctx, cancel := context.WithCancel(ctx)
	err := db.Update(cctx, func(tx *store.Tx) error {
		cancel()
		_, err := tx.Exec(cctx, "INSERT INTO kv (key, value) VALUES (?, ?)", "cancelled-mid-call", "v")
		return err
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	var got int
	if err := db.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT COUNT(*) FROM kv WHERE key = 'cancelled-mid-call'").Scan(&got)
	}); err != nil || got != 1 {
		t.Fatalf("rows %d (err %v), want 1", got, err)
	}
}

// migratedSQLite opens a migrated SQLite database in a temporary directory, closed
// when the test ends.
func migratedSQLite(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return db
}
