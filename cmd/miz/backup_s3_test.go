package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/itoir/miz/internal/backup"
)

// s3rverBucket starts s3rver (npm; MIZ_TEST_S3RVER names it, as .ci/run sets, or it is
// on PATH) and makes a bucket. In CI a missing s3rver fails the test; elsewhere the
// test is skipped with the reason.
func s3rverBucket(t *testing.T) (endpoint, bucket string) {
	t.Helper()
	bin := os.Getenv("MIZ_TEST_S3RVER")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("s3rver"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("s3rver is not installed: .ci/run installs it and sets MIZ_TEST_S3RVER")
			}
			t.Skip("SKIPPED (S3 backups): install s3rver (npm) and set MIZ_TEST_S3RVER")
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "-d", filepath.Join(t.TempDir(), "s3rver"), "-a", host, "-p", port, "--silent", "--no-vhost-buckets")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start s3rver: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("s3rver did not listen on %s: %s", addr, out.String())
		}
	}
	client, err := minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4("S3RVER", "S3RVER", "")})
	if err != nil {
		t.Fatal(err)
	}
	bucket = fmt.Sprintf("miz-backups-%d", time.Now().UnixNano())
	if err := client.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("make bucket: %v", err)
	}
	return "http://" + addr, bucket
}

// Issue 19, backups off the host: scheduled and command-line backups to
// s3://bucket/prefix with retention, credentials through the _FILE setting, and a drill
// that downloads the newest archive, restores it into a scratch directory, runs audit
// verify and log audit, records it for the backup-age metric, and falls back to the
// next older archive when the newest is damaged. SQLite and PostgreSQL.
func TestBackupsToS3AreRetainedAndDrilled_Issue19(t *testing.T) {
	t.Parallel()
	endpoint, bucket := s3rverBucket(t)
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		ctx := context.Background()
		prefix := "desk-" + filepath.Base(t.Name())
		where := "s3://" + bucket + "/" + prefix
		m := startDemoWith(t, dbURL, func(c *Config) {
			c.Data, c.BackupDir, c.BackupKeep = data, where, 2
			c.BackupS3Endpoint, c.BackupS3AccessKey, c.BackupS3SecretKey = endpoint, "S3RVER", "S3RVER"
			c.BaseURL = "https://desk.example.ir"
		})
		for range 3 {
			if err := scheduledBackup(ctx, m.DB, m.Config, func(string, ...any) {}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond) // names carry milliseconds
		}
		s3, err := backup.OpenS3(ctx, endpoint, "S3RVER", "S3RVER", backup.S3Location{Bucket: bucket, Prefix: prefix + "/"})
		if err != nil {
			t.Fatal(err)
		}
		names, err := s3.List(ctx)
		if err != nil || len(names) != 2 {
			t.Fatalf("after 3 scheduled backups to S3 with --backup-keep 2: %v (%v)", names, err)
		}
		good, err := backup.NewestGood(ctx, m.DB)
		if err != nil || good == nil || good.File != names[0] {
			t.Fatalf("newest good backup: %+v (%v), want %s", good, err, names[0])
		}

		// The command line. The secret comes from MIZ_BACKUP_S3_SECRET_KEY_FILE in
		// production (checked through loadConfig below: t.Setenv and t.Parallel
		// exclude each other); here it is a flag.
		secret := filepath.Join(t.TempDir(), "s3-secret")
		if err := os.WriteFile(secret, []byte("S3RVER\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, _, err := loadConfig("backup", nil, func(k string) string {
			return map[string]string{"MIZ_BACKUP_S3_SECRET_KEY_FILE": secret}[k]
		})
		if err != nil || cfg.BackupS3SecretKey != "S3RVER" {
			t.Fatalf("MIZ_BACKUP_S3_SECRET_KEY_FILE: %q, %v", cfg.BackupS3SecretKey, err)
		}
		args := []string{"--data", data, "--db", dbURL, "--base-url", "https://desk.example.ir",
			"--backup-s3-endpoint", endpoint, "--backup-s3-access-key", "S3RVER", "--backup-s3-secret-key", cfg.BackupS3SecretKey}
		out := mustMiz(t, append([]string{"backup", "--dir", where, "--keep", "2"}, args...)...)
		if !strings.Contains(out, "backup "+where+"/miz-") || !strings.Contains(out, "removed "+where+"/miz-") {
			t.Fatalf("miz backup --dir %s --keep 2:\n%s", where, out)
		}
		out = mustMiz(t, append([]string{"backup", "drill", "--dir", where}, args...)...)
		if names, _ = s3.List(ctx); !strings.Contains(out, "ok "+where+"/"+names[0]) || !strings.Contains(out, "newest good backup: "+names[0]) {
			t.Fatalf("miz backup drill --dir %s:\n%s", where, out)
		}

		// A damaged newest archive: the drill fails (exit 1) and finds the older one.
		bad := filepath.Join(t.TempDir(), "bad.tar.gz")
		_ = os.WriteFile(bad, []byte("not a backup"), 0o600)
		damaged := backupName(time.Now().Add(time.Hour))
		if err := s3.Put(ctx, bad, damaged); err != nil {
			t.Fatal(err)
		}
		code, out, errs := runMiz(append([]string{"backup", "drill", "--dir", where}, args...)...)
		if code != 1 || !strings.Contains(out, "FAIL "+where+"/"+damaged) || !strings.Contains(out, "newest good backup: "+names[0]) {
			t.Fatalf("drill with a damaged newest archive on S3: exit %d\n%s%s", code, out, errs)
		}
	})
}
