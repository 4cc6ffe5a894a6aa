package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func TestMigrateIsIdempotentAndVersioned(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx, nil); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil || v != db.LatestVersion() || v == 0 {
			t.Fatalf("version %d (err %v), want %d", v, err, db.LatestVersion())
		}
	})
}

func TestRefusesNewerSchema(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", 9999, "9999_future.sql", 1)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Migrate(ctx, nil)
		if err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Fatalf("migrate on newer schema: %v", err)
		}
	})
}

func TestUpdateRollsBackOnError(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_ = db.Update(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO kv (key, value) VALUES (?, ?)", "a", "1"); err != nil {
				t.Fatal(err)
			}
			return store.ErrNotFound
		})
		var n int
		err := db.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, "SELECT COUNT(*) FROM kv WHERE key = ?", "a").Scan(&n)
		})
		if err != nil || n != 0 {
			t.Fatalf("rolled-back row visible: n=%d err=%v", n, err)
		}
	})
}

func TestRebindSkipsQuotedQuestionMarks(t *testing.T) {
	db := &store.DB{Dialect: store.Postgres}
	got := db.Rebind("SELECT '?' , a FROM t WHERE b = ? AND c = ?")
	want := "SELECT '?' , a FROM t WHERE b = $1 AND c = $2"
	if got != want {
		t.Fatalf("got %q want %q", got, want)
	}
	// The second call comes from the cache of rewritten texts (issue 18), and SQLite
	// keeps its `?` for the same text.
	if again := db.Rebind("SELECT '?' , a FROM t WHERE b = ? AND c = ?"); again != want {
		t.Fatalf("cached: got %q want %q", again, want)
	}
	lite := &store.DB{Dialect: store.SQLite}
	if q := "SELECT '?' , a FROM t WHERE b = ? AND c = ?"; lite.Rebind(q) != q {
		t.Fatalf("sqlite rebind changed %q to %q", q, lite.Rebind(q))
	}
}
