package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/itoir/miz/internal/backup"
)

// runBackupDrill is `miz backup drill --dir DIR [--data DIR] [--db URL] [--base-url URL]`:
// it restores the newest backup in DIR into a scratch data directory (SQLite, whatever
// the backup's dialect), runs `miz audit verify` and `miz log audit` on it, and, if the
// newest fails, the next older one, until one proves good. The desk's own database
// (--data/--db) records the newest good backup, which /metrics reports as
// miz_backup_newest_good_age_seconds. It exits 1 unless the newest backup is good.
func runBackupDrill(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	dir, rest := takeFlag(args, "dir")
	cfg, _, err := loadConfig("backup drill", rest, os.Getenv)
	if err != nil {
		return usageErr(stderr, "backup drill", err)
	}
	if dir == "" {
		fmt.Fprintln(stderr, "usage: miz backup drill --dir DIR [--data DIR] [--db URL] [--base-url URL]")
		return 2
	}
	good, err := drillBackups(ctx, cfg, dir, stdout)
	if good != nil {
		fmt.Fprintf(stdout, "newest good backup: %s, taken %s (%s ago), audit head %s\n", good.File,
			good.TakenAt.UTC().Format(time.RFC3339), time.Since(good.TakenAt).Round(time.Second), good.AuditHead)
		if rerr := recordGood(ctx, cfg, *good); rerr != nil {
			fmt.Fprintln(stderr, "miz backup drill: not recorded in the desk's database:", rerr)
			return 1
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "miz backup drill:", err)
		return 1
	}
	return 0
}

// recordGood records the drill in the desk's database, when there is one.
func recordGood(ctx context.Context, cfg Config, g backup.Good) error {
	db, err := openExisting(ctx, cfg)
	if err != nil || db == nil {
		return err // no database: a drill of archives alone, on another machine
	}
	defer db.Close()
	return backup.RecordGood(ctx, db, g)
}

// drillBackups drills the archives in dir (a directory or s3://BUCKET/PREFIX) newest first and returns the first good one.
// The error is non-nil when the newest one is not good (or none is).
func drillBackups(ctx context.Context, cfg Config, dir string, out io.Writer) (*backup.Good, error) {
	tgt, err := openBackupTarget(ctx, cfg, dir) // a directory or s3://… (issue 19)
	if err != nil {
		return nil, err
	}
	files, err := tgt.list(ctx)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no backup (miz-*.tar.gz) in %s", tgt)
	}
	scratch, err := os.MkdirTemp("", "miz-drill-fetch-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	var failures []error
	for _, name := range files {
		shown := name
		if tgt.dir() == "" {
			shown = tgt.String() + name
		}
		f, err := tgt.fetch(ctx, name, scratch)
		var good *backup.Good
		if err == nil {
			good, err = drillOne(ctx, cfg, f)
			if tgt.dir() == "" {
				_ = os.Remove(f)
			}
		}
		if err == nil {
			fmt.Fprintf(out, "ok %s\n", shown)
			return good, errors.Join(failures...)
		}
		fmt.Fprintf(out, "FAIL %s: %v\n", shown, err)
		failures = append(failures, fmt.Errorf("%s: %w", filepath.Base(name), err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("no backup in %s passes the drill: %w", tgt, errors.Join(failures...))
}

// drillOne restores one archive into a scratch directory and runs the same checks an
// operator would: `miz audit verify` and `miz log audit`, in this process.
func drillOne(ctx context.Context, cfg Config, file string) (*backup.Good, error) {
	scratch, err := os.MkdirTemp("", "miz-drill-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	scfg := defaultConfig()
	scfg.Data, scfg.BaseURL = scratch, cfg.BaseURL
	m, err := restoreInto(ctx, scfg, file, io.Discard)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	// Explicit flags, so that the desk's own MIZ_DB or MIZ_S3_ENDPOINT never reach the checks.
	flags := []string{"--data", scratch, "--db", "", "--s3-endpoint", "", "--base-url", cfg.BaseURL}
	for _, cmd := range [][]string{{"audit", "verify"}, {"log", "audit"}} {
		var b bytes.Buffer
		if code := run(ctx, append(cmd, flags...), nil, &b, &b); code != 0 {
			return nil, fmt.Errorf("miz %s on the restored copy: exit %d: %s", strings.Join(cmd, " "), code, strings.TrimSpace(b.String()))
		}
	}
	return &backup.Good{File: filepath.Base(file), TakenAt: m.CreatedAt, DrilledAt: time.Now(), AuditHead: m.AuditHead}, nil
}
