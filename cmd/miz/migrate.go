package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/itoir/miz/internal/store"
)

var errHelp = flag.ErrHelp

// runMigrate applies pending migrations (operators run it before starting a new
// version; `serve` also migrates on start).
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, _, err := loadConfig("migrate", args, os.Getenv)
	if err != nil {
		return usageErr(stderr, "migrate", err)
	}
	db, err := store.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		fmt.Fprintln(stderr, "miz migrate:", err)
		return 1
	}
	defer db.Close()
	before, _ := db.SchemaVersion(ctx)
	err = db.Migrate(ctx, func(done, total int, name string) {
		if name != "" {
			fmt.Fprintf(stdout, "[%d/%d] %s\n", done+1, total, name)
		}
	})
	if err != nil {
		fmt.Fprintln(stderr, "miz migrate:", err)
		return 1
	}
	after, _ := db.SchemaVersion(ctx)
	fmt.Fprintf(stdout, "schema version %d → %d (%s)\n", before, after, db.Dialect)
	return 0
}

func usageErr(stderr io.Writer, cmd string, err error) int {
	if errors.Is(err, errHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "miz %s: %v\n", cmd, err)
	return 2
}

// openMigrated opens the configured database and applies pending migrations, as
// the commands that work on the data (cert import, dev seed, user, log audit) do
// before anything else; the database is closed again when migrating fails.
// openExisting opens the desk's database for a console command that records
// something in it, when there is one: (nil, nil) when cfg names no PostgreSQL and the
// data directory holds no SQLite file; an error when its schema is not this binary's.
func openExisting(ctx context.Context, cfg Config) (*store.DB, error) {
	if cfg.DB == "" {
		if _, err := os.Stat(filepath.Join(cfg.Data, "miz.db")); err != nil {
			return nil, nil
		}
	}
	db, err := store.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openMigrated(ctx context.Context, cfg Config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, nil); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
