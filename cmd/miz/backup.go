package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/itoir/miz/internal/backup"
	"github.com/itoir/miz/internal/store"
)

// runBackup is `miz backup --out FILE [--data DIR] [--db URL]`: it writes the database,
// documents and keys to one archive (gzip-compressed unless FILE ends in .tar), safely
// while `miz serve` keeps running. A failed backup leaves no file behind.
//
// `miz backup --dir DIR [--keep N]` names the archive after the time (miz-<UTC>.tar.gz)
// and then keeps only the N newest in DIR; `miz backup drill --dir DIR` proves them.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "drill" {
		return runBackupDrill(ctx, args[1:], stdout, stderr)
	}
	out, rest := takeFlag(args, "out")
	dir, rest := takeFlag(rest, "dir")
	keepArg, rest := takeFlag(rest, "keep")
	cfg, _, err := loadConfig("backup", rest, os.Getenv)
	if err != nil {
		return usageErr(stderr, "backup", err)
	}
	keep, err := parseKeep(keepArg)
	if (out == "") == (dir == "") || err != nil {
		fmt.Fprintln(stderr, "usage: miz backup --out FILE | --dir DIR|s3://BUCKET/PREFIX [--keep N] [--data DIR] [--db URL]\n       miz backup drill --dir DIR|s3://BUCKET/PREFIX [--data DIR] [--db URL] [--base-url URL]")
		return 2
	}
	if out != "" {
		if _, err := os.Stat(out); err == nil {
			fmt.Fprintf(stderr, "miz backup: %s already exists: choose another name or remove it first\n", out)
			return 1
		}
	}
	if cfg.DB == "" {
		if _, err := os.Stat(filepath.Join(cfg.Data, "miz.db")); err != nil {
			fmt.Fprintf(stderr, "miz backup: no database in %s (is --data right?): %v\n", cfg.Data, err)
			return 1
		}
	}
	var tgt backupTarget
	if dir != "" { // a directory or s3://BUCKET/PREFIX (issue 19)
		if tgt, err = openBackupTarget(ctx, cfg, dir); err != nil {
			fmt.Fprintln(stderr, "miz backup:", err)
			return 1
		}
	}
	start := time.Now()
	var m *backup.Manifest
	var size int64
	if tgt != nil {
		out, err = takeBackup(ctx, tgt, backupName(start), func(file string) error {
			m, size, err = writeBackup(ctx, cfg, file, stderr)
			return err
		})
	} else {
		m, size, err = writeBackup(ctx, cfg, out, stderr)
	}
	if err != nil {
		fmt.Fprintln(stderr, "miz backup:", err)
		return 1
	}
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	if tgt != nil && keep > 0 {
		removed, err := tgt.prune(ctx, keep)
		for _, f := range removed {
			fmt.Fprintf(stdout, "removed %s (keeping the %d newest)\n", f, keep)
		}
		if err != nil {
			fmt.Fprintln(stderr, "miz backup: retention:", err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "backup %s: %d bytes, %d tables, %d rows, %d documents, %d key files, schema %d (%s), in %s\naudit head %s\n",
		out, size, len(m.Tables), rows, m.Documents.Count, len(m.Keys), m.SchemaVersion, m.Dialect,
		time.Since(start).Round(time.Millisecond), m.AuditHead)
	return 0
}

// writeBackup writes the archive to a temporary name next to out and renames it into
// place once complete and synced.
func writeBackup(ctx context.Context, cfg Config, out string, progress io.Writer) (*backup.Manifest, int64, error) {
	db, err := store.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	return writeBackupFrom(ctx, db, cfg, out, progress)
}

// writeBackupFrom writes the archive of an open database (serve's, for the scheduled
// backup) and the configured document store.
func writeBackupFrom(ctx context.Context, db *store.DB, cfg Config, out string, progress io.Writer) (*backup.Manifest, int64, error) {
	docs, err := openDocuments(ctx, cfg)
	if err != nil {
		return nil, 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".partial-*")
	if err != nil {
		return nil, 0, err
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing left to remove
	m, err := backup.Write(ctx, tmp, backup.Source{DB: db, Documents: docs, KeysDir: keysDir(cfg), MizVersion: version,
		Gzip: !strings.HasSuffix(out, ".tar"), Progress: progress})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, 0, err
	}
	fi, err := os.Stat(tmp.Name())
	if err != nil {
		return nil, 0, err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return nil, 0, err
	}
	return m, fi.Size(), nil
}

// runRestore is `miz restore --in FILE --data EMPTY_DIR [--db URL]`: it rebuilds a desk
// from a backup, into SQLite in the data directory or into an empty PostgreSQL
// database, whichever dialect the backup came from.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	in, rest := takeFlag(args, "in")
	cfg, _, err := loadConfig("restore", rest, os.Getenv)
	if err != nil {
		return usageErr(stderr, "restore", err)
	}
	if in == "" {
		fmt.Fprintln(stderr, "usage: miz restore --in FILE --data EMPTY_DIR [--db URL]")
		return 2
	}
	if cfg.S3Endpoint != "" {
		fmt.Fprintln(stderr, "miz restore: documents are restored to the data directory's disk store; restore without --s3-endpoint and copy documents/ to the bucket afterwards")
		return 2
	}
	if err := requireEmptyDir(cfg.Data); err != nil {
		fmt.Fprintln(stderr, "miz restore:", err)
		return 1
	}
	start := time.Now()
	m, err := restoreInto(ctx, cfg, in, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "miz restore:", err)
		// The directory was empty: take back everything this attempt put there.
		if entries, rerr := os.ReadDir(cfg.Data); rerr == nil {
			for _, e := range entries {
				_ = os.RemoveAll(filepath.Join(cfg.Data, e.Name()))
			}
		}
		return 1
	}
	fmt.Fprintf(stdout, "restored %s into %s: %d tables, %d documents, %d key files, from %s, in %s\naudit head %s\n",
		in, absPath(cfg.Data), len(m.Tables), m.Documents.Count, len(m.Keys), m.Dialect,
		time.Since(start).Round(time.Millisecond), m.AuditHead)
	return 0
}

func restoreInto(ctx context.Context, cfg Config, in string, progress io.Writer) (*backup.Manifest, error) {
	if _, err := os.Stat(in); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return backup.Restore(ctx, in, backup.Target{DB: db, DocumentsDir: filepath.Join(cfg.Data, "documents"),
		KeysDir: keysDir(cfg), Progress: progress})
}

// requireEmptyDir creates dir, or accepts it when it exists and is empty.
func requireEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o750)
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("data directory %s is not empty (%d entries): restore only into a new or empty directory", dir, len(entries))
	}
	return nil
}

// takeFlag removes a subcommand's own string flag (--name V, -name V, --name=V) from
// args, leaving the rest for loadConfig.
func takeFlag(args []string, name string) (string, []string) {
	var val string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--"+name || a == "-"+name:
			if i+1 < len(args) {
				val = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--"+name+"="):
			val = strings.TrimPrefix(a, "--"+name+"=")
		case strings.HasPrefix(a, "-"+name+"="):
			val = strings.TrimPrefix(a, "-"+name+"=")
		default:
			rest = append(rest, a)
		}
	}
	return val, rest
}
