package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/backup"
)

// scrape reads the public /metrics with the metrics token.
func scrape(t *testing.T, m *Main) string {
	t.Helper()
	req, _ := http.NewRequest("GET", m.URL()+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+m.Config.MetricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	return string(b)
}

// TestScheduledBackupsAreRetainedDrilledAndTheirAgeIsAMetric: issue 19, backups that are
// proven. On each database, the scheduled backup keeps the --backup-keep newest archives;
// the drill restores the newest into a scratch directory, runs `miz audit verify` and
// `miz log audit` on it, and /metrics reports the age of the newest good backup. A
// damaged newest archive fails the drill (exit 1) while the older good one is still
// found and recorded.
func TestScheduledBackupsAreRetainedDrilledAndTheirAgeIsAMetric(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		ctx := context.Background()
		dir := filepath.Join(t.TempDir(), "backups")
		m := startDemoWith(t, dbURL, func(c *Config) {
			c.Data, c.BackupDir, c.BackupKeep, c.MetricsToken = data, dir, 2, "metrics-token-for-the-test"
			c.BaseURL = "https://desk.example.ir"
		})
		if strings.Contains(scrape(t, m), "miz_backup_newest_good_age_seconds") {
			t.Fatal("a backup age is reported before any drill passed")
		}
		for range 3 {
			if err := scheduledBackup(ctx, m.DB, m.Config, func(string, ...any) {}); err != nil {
				t.Fatal(err)
			}
		}
		files, err := listBackups(dir)
		if err != nil || len(files) != 2 {
			t.Fatalf("after 3 scheduled backups with --backup-keep 2: %v (%v)", files, err)
		}
		good, err := backup.NewestGood(ctx, m.DB)
		if err != nil || good == nil || good.File != filepath.Base(files[0]) || time.Since(good.TakenAt) > time.Minute {
			t.Fatalf("newest good backup: %+v (%v), want %s", good, err, files[0])
		}
		if body := scrape(t, m); !strings.Contains(body, "\nmiz_backup_newest_good_age_seconds ") {
			t.Fatalf("no miz_backup_newest_good_age_seconds in /metrics:\n%s", clip(body))
		}

		// The command line: a backup by the clock, the retention, and the drill.
		db := []string{"--data", data, "--db", dbURL, "--base-url", "https://desk.example.ir"}
		out := mustMiz(t, append([]string{"backup", "--dir", dir, "--keep", "2"}, db...)...)
		if !strings.Contains(out, "removed ") {
			t.Fatalf("miz backup --keep 2 removed nothing:\n%s", out)
		}
		out = mustMiz(t, append([]string{"backup", "drill", "--dir", dir}, db...)...)
		if !strings.Contains(out, "newest good backup: miz-") {
			t.Fatalf("miz backup drill:\n%s", out)
		}

		// Damage the newest archive: the drill says so and falls back to the older one.
		files, _ = listBackups(dir)
		if err := os.Truncate(files[0], 4096); err != nil {
			t.Fatal(err)
		}
		code, out, errs := runMiz(append([]string{"backup", "drill", "--dir", dir}, db...)...)
		if code != 1 || !strings.Contains(out, "FAIL "+files[0]) || !strings.Contains(out, "newest good backup: "+filepath.Base(files[1])) {
			t.Fatalf("drill with a damaged newest archive: exit %d\n%s%s", code, out, errs)
		}
	})
}

// TestBackupDrillFailsWithoutABackup: a drill with nothing to restore fails loudly.
func TestBackupDrillFailsWithoutABackup(t *testing.T) {
	t.Parallel()
	code, _, errs := runMiz("backup", "drill", "--dir", t.TempDir(), "--data", t.TempDir())
	if code != 1 || !strings.Contains(errs, "no backup") {
		t.Fatalf("drill of an empty directory: exit %d: %s", code, errs)
	}
}

// TestKeysRotateKeepsOldKeysAndIsAudited: the signing-key runbook's first step. After
// `miz keys rotate` a new key is active, the old one is still in the ring (so what it
// signed keeps verifying), the rotation is in the audit chain and the chain verifies.
func TestKeysRotateKeepsOldKeysAndIsAudited(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		m := startDemoWith(t, dbURL, func(c *Config) { c.Data = data })
		before := mustMiz(t, "keys", "list", "--data", data, "--db", dbURL)
		out := mustMiz(t, "keys", "rotate", "--data", data, "--db", dbURL)
		old := strings.Fields(strings.TrimSpace(before))[1] // "* KID created …": the active key
		if !strings.HasPrefix(out, "rotated: ") || !strings.Contains(out, "\n  "+old+" created") || strings.Count(out, "\n* ") != 1 {
			t.Fatalf("after miz keys rotate the old key %s must stay, inactive, beside one new active key:\n%s", old, out)
		}
		if n := countWhere(t, m, "SELECT COUNT(*) FROM audit_log WHERE action = 'keys.rotated'"); n != 1 {
			t.Fatalf("%d keys.rotated audit entries, want 1", n)
		}
		_ = auditHead(t, data, dbURL)
	})
}
