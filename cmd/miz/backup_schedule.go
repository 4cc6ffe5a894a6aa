package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/backup"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
)

// backupJob is the job runner's scheduled backup (--backup-dir): one instance of the
// desk takes it every --backup-every, keeps the --backup-keep newest, and drills them.
const backupJob = "backup.scheduled"

// backupName names a scheduled backup after the moment it was taken, so that names
// sort by age.
func backupName(t time.Time) string {
	return "miz-" + t.UTC().Format("20060102T150405.000Z") + ".tar.gz"
}

// listBackups lists the archives in dir, newest first: miz-*.tar.gz and miz-*.tar,
// never a partial one.
func listBackups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("backups in %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, "miz-") && (strings.HasSuffix(n, ".tar.gz") || strings.HasSuffix(n, ".tar")) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out, nil
}

// pruneBackups removes all but the keep newest archives in dir and returns the ones
// removed.
func pruneBackups(dir string, keep int) ([]string, error) {
	files, err := listBackups(dir)
	if err != nil || len(files) <= keep {
		return nil, err
	}
	var removed []string
	for _, f := range files[keep:] {
		if err := os.Remove(f); err != nil {
			return removed, fmt.Errorf("remove %s: %w", f, err)
		}
		removed = append(removed, f)
	}
	return removed, nil
}

func parseKeep(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("--keep %q: want a whole number from 1", s)
	}
	return n, nil
}

// registerBackupJob schedules the backup when --backup-dir is set.
func (m *Main) registerBackupJob(db *store.DB) {
	cfg := m.Config
	if cfg.BackupDir == "" {
		return
	}
	m.Runner.Handle(backupJob, func(ctx context.Context, _ jobs.Job) error {
		return scheduledBackup(ctx, db, cfg, m.Log.Info)
	})
	m.Runner.Every(backupJob, cfg.BackupEvery)
}

// scheduledBackup takes a backup into cfg.BackupDir, applies the retention, and drills
// the newest backups until one proves good, recording it for the metric.
func scheduledBackup(ctx context.Context, db *store.DB, cfg Config, logf func(msg string, args ...any)) error {
	tgt, err := openBackupTarget(ctx, cfg, cfg.BackupDir) // a directory or s3://… (issue 19)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	var man *backup.Manifest
	var size int64
	out, err := takeBackup(ctx, tgt, backupName(time.Now()), func(file string) error {
		man, size, err = writeBackupFrom(ctx, db, cfg, file, io.Discard)
		return err
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	logf("backup taken", "file", out, "bytes", size, "audit_head", man.AuditHead)
	if cfg.BackupKeep > 0 {
		removed, err := tgt.prune(ctx, cfg.BackupKeep)
		for _, f := range removed {
			logf("backup removed by retention", "file", f, "keep", cfg.BackupKeep)
		}
		if err != nil {
			return fmt.Errorf("backup: retention: %w", err)
		}
	}
	good, err := drillBackups(ctx, cfg, cfg.BackupDir, io.Discard)
	if good != nil {
		if rerr := backup.RecordGood(ctx, db, *good); rerr != nil {
			return rerr
		}
		logf("backup drill passed", "file", good.File, "taken_at", good.TakenAt)
	}
	return err
}
