package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/store"
)

// The WAL is copied into the database file in the background, well before the
// writer's own backstop (10,000 pages) would: a hundred small commits grow miz.db
// (issue 18).
func TestCheckpointRunsOffTheWriter_Issue18(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		fi, err := os.Stat(filepath.Join(dir, "miz.db"))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	value := strings.Repeat("x", 3000) // about a page per row
	for i := range 100 {
		if err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO kv (key, value) VALUES (?, ?)", fmt.Sprintf("ckpt%03d", i), value)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); size() < before+100*3000; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("miz.db %d bytes, was %d before 100 commits of 3000 bytes: no checkpoint", size(), before)
		}
	}
}
