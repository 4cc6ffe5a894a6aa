package store_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/store"
)

// TestMigrationsRunInOneTransaction (issue 18): pending migrations are applied in one
// transaction, so a set whose last migration fails leaves neither the earlier tables
// nor their ledger rows behind, and a later run applies the corrected set whole.
func TestMigrationsRunInOneTransaction(t *testing.T) {
	forEachEmptyBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		broken := set(t, db.Dialect, "0001_one.sql", one, "0002_two.sql", two, "0003_three.sql", "CREATE TABLE t_three (")
		if err := db.MigrateSet(ctx, broken); err == nil || !strings.Contains(err.Error(), "0003_three.sql") {
			t.Fatalf("broken third migration: %v", err)
		}
		if v, err := db.SchemaVersion(ctx); err != nil || v != 0 {
			t.Fatalf("after a failed set: version %d, %v", v, err)
		}
		err := db.View(ctx, func(tx *store.Tx) error {
			var n int
			return tx.QueryRow(ctx, "SELECT COUNT(*) FROM t_one").Scan(&n)
		})
		if err == nil {
			t.Fatal("t_one exists although its set failed")
		}
		if err := db.MigrateSet(ctx, set(t, db.Dialect, "0001_one.sql", one, "0002_two.sql", two, "0003_three.sql", three)); err != nil {
			t.Fatal(err)
		}
		if v, _ := db.SchemaVersion(ctx); v != 3 {
			t.Fatalf("version %d after the corrected set", v)
		}
	})
}

// TestEmbeddedMigrationsNeedNoOwnTransaction keeps the embedded migrations free of
// statements that cannot run inside the one transaction Migrate uses.
func TestEmbeddedMigrationsNeedNoOwnTransaction(t *testing.T) {
	outside := regexp.MustCompile(`(?i)\b(CONCURRENTLY|VACUUM|PRAGMA|ALTER\s+TYPE\s+\S+\s+ADD\s+VALUE)\b`)
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		ms, err := store.Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if w := outside.FindString(m.SQL); w != "" {
				t.Errorf("%s (%s) uses %q, which cannot run inside Migrate's transaction", m.Name, d, w)
			}
		}
	}
}
