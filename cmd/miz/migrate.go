package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/itoir/miz/internal/audit"
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

// runAudit handles `miz audit verify`: it walks the hash chain and prints the head.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: miz audit verify [--data DIR] [--db URL]")
		return 2
	}
	cfg, _, err := loadConfig("audit verify", args[1:], os.Getenv)
	if err != nil {
		return usageErr(stderr, "audit verify", err)
	}
	db, err := store.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		fmt.Fprintln(stderr, "miz audit verify:", err)
		return 1
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		fmt.Fprintln(stderr, "miz audit verify:", err)
		return 1
	}
	res, err := audit.Verify(ctx, db, func(n int64) { fmt.Fprintf(stderr, "checked %d entries\n", n) })
	var bad *audit.BadEntryError
	if errors.As(err, &bad) {
		fmt.Fprintf(stdout, "FAIL: entry %d: %s\n", bad.Seq, bad.Reason)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "miz audit verify:", err)
		return 1
	}
	fmt.Fprintf(stdout, "ok: %d entries\n%s\n", res.Entries, res.Head)
	return 0
}

func usageErr(stderr io.Writer, cmd string, err error) int {
	if errors.Is(err, errHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "miz %s: %v\n", cmd, err)
	return 2
}
