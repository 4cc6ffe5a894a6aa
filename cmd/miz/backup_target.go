package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/itoir/miz/internal/backup"
)

// backupTarget is where backups live (issue 19): a directory, or an S3 bucket named
// s3://BUCKET/PREFIX, reached with --backup-s3-endpoint/--backup-s3-access-key/
// --backup-s3-secret-key (MIZ_BACKUP_S3_SECRET_KEY_FILE), or, when those are empty,
// the document store's S3 settings.
type backupTarget interface {
	String() string
	// list returns the archives, newest first, as names fetch takes.
	list(ctx context.Context) ([]string, error)
	// fetch returns a local path of archive name (downloaded into scratch if need be).
	fetch(ctx context.Context, name, scratch string) (string, error)
	// store keeps the finished local archive file under name and returns where.
	store(ctx context.Context, file, name string) (string, error)
	// prune removes all but the keep newest archives and returns what it removed.
	prune(ctx context.Context, keep int) ([]string, error)
	// dir is the directory archives are written into directly; "" for remote targets.
	dir() string
}

func openBackupTarget(ctx context.Context, cfg Config, where string) (backupTarget, error) {
	loc, isS3, err := backup.ParseS3URL(where)
	if err != nil {
		return nil, err
	}
	if !isS3 {
		return dirTarget(where), nil
	}
	endpoint, access, secret := cfg.BackupS3Endpoint, cfg.BackupS3AccessKey, cfg.BackupS3SecretKey
	if endpoint == "" {
		endpoint, access, secret = cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey
	}
	s, err := backup.OpenS3(ctx, endpoint, access, secret, loc)
	if err != nil {
		return nil, err
	}
	return s3Target{s}, nil
}

type dirTarget string

func (d dirTarget) String() string { return string(d) }
func (d dirTarget) dir() string    { return string(d) }
func (d dirTarget) list(context.Context) ([]string, error) {
	return listBackups(string(d))
}
func (d dirTarget) fetch(_ context.Context, name, _ string) (string, error) { return name, nil }
func (d dirTarget) store(_ context.Context, file, _ string) (string, error) { return file, nil }
func (d dirTarget) prune(_ context.Context, keep int) ([]string, error) {
	return pruneBackups(string(d), keep)
}

type s3Target struct{ s *backup.S3 }

func (t s3Target) String() string { return t.s.String() }
func (t s3Target) dir() string    { return "" }
func (t s3Target) list(ctx context.Context) ([]string, error) {
	return t.s.List(ctx)
}
func (t s3Target) fetch(ctx context.Context, name, scratch string) (string, error) {
	f := filepath.Join(scratch, name)
	return f, t.s.Get(ctx, name, f)
}
func (t s3Target) store(ctx context.Context, file, name string) (string, error) {
	return t.String() + name, t.s.Put(ctx, file, name)
}
func (t s3Target) prune(ctx context.Context, keep int) ([]string, error) {
	names, err := t.s.Prune(ctx, keep)
	for i := range names {
		names[i] = t.String() + names[i]
	}
	return names, err
}

// takeBackup writes a new archive (through write, which must leave a complete file at
// its argument) into the target and returns where it lives. For S3 the archive is
// written to a local scratch directory first and removed once uploaded.
func takeBackup(ctx context.Context, tgt backupTarget, name string, write func(out string) error) (string, error) {
	dir := tgt.dir()
	if dir == "" {
		tmp, err := os.MkdirTemp("", "miz-backup-*")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	out := filepath.Join(dir, name)
	if _, err := os.Stat(out); err == nil {
		return "", fmt.Errorf("%s already exists: choose another name or remove it first", out)
	}
	if err := write(out); err != nil {
		return "", err
	}
	return tgt.store(ctx, out, name)
}
