package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/itoir/miz/internal/store"
)

// TestSQLiteFilesArePrivate: the data directory Miz creates is 0700 and the
// database with its WAL and shared-memory files is 0600, whatever the umask
// (Security #11 item 8a). SQLite only: PostgreSQL keeps no files here.
func TestSQLiteFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "miz-data")
	db, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx, nil); err != nil { // writes, so the WAL exists
		t.Fatal(err)
	}
	want := map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "miz.db"): 0o600,
		filepath.Join(dir, "miz.db-wal"): 0o600, filepath.Join(dir, "miz.db-shm"): 0o600}
	for p, mode := range want {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != mode {
			t.Errorf("%s: mode %o, want %o", filepath.Base(p), got, mode)
		}
	}
	// A database an older Miz left readable by others is tightened when opened.
	db.Close()
	for _, p := range []string{"miz.db", "miz.db-wal", "miz.db-shm"} {
		_ = os.Chmod(filepath.Join(dir, p), 0o644)
	}
	db2, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "miz.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	for _, p := range []string{"miz.db", "miz.db-wal", "miz.db-shm"} {
		if fi, err := os.Stat(filepath.Join(dir, p)); err == nil && fi.Mode().Perm() != 0o600 {
			t.Errorf("reopened %s: mode %o, want 600", p, fi.Mode().Perm())
		}
	}
}
