package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// forEachEmptyBackend runs fn on an SQLite database and a PostgreSQL schema that
// nothing has migrated yet.
func forEachEmptyBackend(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	open := func(t *testing.T, url, dir string) *store.DB {
		db, err := store.Open(context.Background(), url, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	t.Run("sqlite", func(t *testing.T) { fn(t, open(t, "", t.TempDir())) })
	t.Run("postgres", func(t *testing.T) { fn(t, open(t, storetest.PostgresURL(t), "")) })
}

// set builds a migration set from file names and bodies (name, body, name, body, …).
func set(t *testing.T, d store.Dialect, files ...string) []store.Migration {
	t.Helper()
	var ms []store.Migration
	for i := 0; i < len(files); i += 2 {
		m, err := store.NewMigration(d, files[i], files[i+1])
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	return ms
}

const (
	one   = "CREATE TABLE t_one (id {{ID}}, name TEXT NOT NULL)"
	two   = "CREATE TABLE t_two (id {{ID}})"
	three = "CREATE TABLE t_three (id {{ID}})"
)

// Security #11: a migration file edited after it was applied is refused by name, not
// silently ignored.
func TestChangedMigrationIsRefused(t *testing.T) {
	forEachEmptyBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.MigrateSet(ctx, set(t, db.Dialect, "0001_one.sql", one, "0002_two.sql", two)); err != nil {
			t.Fatal(err)
		}
		edited := set(t, db.Dialect, "0001_one.sql", one+" -- edited", "0002_two.sql", two, "0003_three.sql", three)
		err := db.MigrateSet(ctx, edited)
		if err == nil || !strings.Contains(err.Error(), "0001_one.sql was changed after it was applied") {
			t.Fatalf("edited migration: %v", err)
		}
		if v, _ := db.SchemaVersion(ctx); v != 2 {
			t.Fatalf("a refused migrate still applied something: version %d", v)
		}
	})
}

// Security #11: a late file numbered below the newest applied migration would be
// skipped by MAX(version); it is refused, naming both files.
func TestSkippedMigrationIsRefused(t *testing.T) {
	forEachEmptyBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.MigrateSet(ctx, set(t, db.Dialect, "0001_one.sql", one, "0003_three.sql", three)); err != nil {
			t.Fatal(err)
		}
		late := set(t, db.Dialect, "0001_one.sql", one, "0002_two.sql", two, "0003_three.sql", three)
		err := db.MigrateSet(ctx, late)
		if err == nil || !strings.Contains(err.Error(), "0002_two.sql was never applied but 0003_three.sql") {
			t.Fatalf("skipped migration: %v", err)
		}
	})
}

func TestMigrationGoneOrRenamedIsRefused(t *testing.T) {
	forEachEmptyBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.MigrateSet(ctx, set(t, db.Dialect, "0001_one.sql", one, "0002_two.sql", two, "0003_three.sql", three)); err != nil {
			t.Fatal(err)
		}
		err := db.MigrateSet(ctx, set(t, db.Dialect, "0001_one.sql", one, "0003_three.sql", three))
		if err == nil || !strings.Contains(err.Error(), "0002_two.sql is applied in the database but this binary has no migration 2") {
			t.Fatalf("missing migration: %v", err)
		}
		err = db.MigrateSet(ctx, set(t, db.Dialect, "0001_one.sql", one, "0002_deux.sql", two, "0003_three.sql", three))
		if err == nil || !strings.Contains(err.Error(), "applied as 0002_two.sql but this binary calls it 0002_deux.sql") {
			t.Fatalf("renamed migration: %v", err)
		}
	})
}

func TestFreshDatabaseRecordsEveryMigrationsChecksum(t *testing.T) {
	forEachEmptyBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx, nil); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		assertLedgerMatches(t, db)
	})
}

// Databases from before checksums have schema_migrations (version, name, applied_at)
// only: they upgrade in place, the checksums of what they applied recorded from the
// binary's files, and later migrations apply as before.
func TestDatabaseFromBeforeChecksumsUpgrades(t *testing.T) {
	forEachEmptyBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ms, err := store.Migrations(db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		// What the old runner left behind: every migration but the newest applied, and
		// a ledger without checksums.
		old := ms[:len(ms)-1]
		err = db.Update(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"); err != nil {
				return err
			}
			for _, m := range old {
				if _, err := tx.Exec(ctx, m.SQL); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.Version, m.Name, 1); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx, nil); err != nil {
			t.Fatalf("upgrade: %v", err)
		}
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
		assertLedgerMatches(t, db)
	})
}

// assertLedgerMatches checks that schema_migrations holds every embedded migration
// with its file's checksum.
func assertLedgerMatches(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	ms, err := store.Migrations(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	err = db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT version, COALESCE(checksum, '') FROM schema_migrations")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			var sum string
			if err := rows.Scan(&v, &sum); err != nil {
				return err
			}
			got[v] = sum
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ms) {
		t.Fatalf("ledger has %d rows, want %d", len(got), len(ms))
	}
	for _, m := range ms {
		if len(m.Checksum) != 64 || got[m.Version] != m.Checksum {
			t.Fatalf("%s: ledger checksum %q, file %q", m.Name, got[m.Version], m.Checksum)
		}
	}
}

// The readiness check and the read-only tools hold the ledger to the binary's files
// too, not only MAX(version).
func TestCheckSchemaHoldsTheLedgerToTheFiles(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
		err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE schema_migrations SET checksum = ? WHERE version = 1", strings.Repeat("0", 64))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for name, err := range map[string]error{"CheckSchema": db.CheckSchema(ctx), "Migrate": db.Migrate(ctx, nil)} {
			if err == nil || !strings.Contains(err.Error(), "0001_core.sql was changed after it was applied") {
				t.Fatalf("%s on a changed ledger: %v", name, err)
			}
		}
	})
}
