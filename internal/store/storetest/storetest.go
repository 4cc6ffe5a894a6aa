// Package storetest opens real databases for tests: every store test runs on SQLite and
// on PostgreSQL (from MIZ_TEST_POSTGRES_URL), each test in a schema of its own.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/store"
)

// PostgresURLEnv names the variable holding the PostgreSQL server used by tests.
const PostgresURLEnv = "MIZ_TEST_POSTGRES_URL"

// ForEachBackend runs fn as a subtest on a migrated SQLite database and on a migrated
// PostgreSQL schema. Without MIZ_TEST_POSTGRES_URL the PostgreSQL half fails under CI
// and is skipped, with a visible message, elsewhere.
func ForEachBackend(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

// OpenSQLite returns a migrated SQLite database in a temporary directory.
func OpenSQLite(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), "", tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background(), nil); err != nil {
		tb.Fatal(err)
	}
	return db
}

// PostgresURL returns a URL for a fresh, empty schema on the test PostgreSQL server,
// dropped when the test ends.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("%s is not set: the PostgreSQL half of the suite must run in CI", PostgresURLEnv)
		}
		tb.Skipf("SKIPPED (PostgreSQL): set %s to run this test on PostgreSQL too", PostgresURLEnv)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		tb.Fatalf("create test schema: %v", err)
	}
	tb.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgres returns a migrated PostgreSQL database in a schema of its own.
func OpenPostgres(tb testing.TB) *store.DB {
	tb.Helper()
	u := PostgresURL(tb)
	db, err := store.Open(context.Background(), u, "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background(), nil); err != nil {
		tb.Fatal(err)
	}
	return db
}

// IsPostgres reports whether a URL selects PostgreSQL.
func IsPostgres(u string) bool { return strings.HasPrefix(u, "postgres") }
