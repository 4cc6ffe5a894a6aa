package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// startDemo boots the whole program with demo data on 127.0.0.1:0.
func startDemo(t *testing.T, dbURL string) *Main {
	t.Helper()
	cfg := defaultConfig()
	cfg.Addr, cfg.Data, cfg.Demo, cfg.DB = "127.0.0.1:0", t.TempDir(), true, dbURL
	m := &Main{Config: cfg, Out: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// TestBrowserFlows runs the playwright-core tests in e2e/ against a demo server in
// Debian's chromium. Without node, chromium or e2e/node_modules it fails under CI and
// is skipped, with the reason, elsewhere.
func TestBrowserFlows(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED (browser): -short")
	}
	dir, _ := filepath.Abs("../../e2e")
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node"
	} else if _, err := os.Stat("/usr/bin/chromium"); err != nil && os.Getenv("CHROMIUM") == "" {
		missing = "chromium (apt-get install chromium)"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core")); err != nil {
		missing = "e2e/node_modules (cd e2e && npm ci)"
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("browser tests need %s", missing)
		}
		t.Skipf("SKIPPED (browser): %s is missing", missing)
	}
	m := startDemo(t, "")
	files, _ := filepath.Glob(filepath.Join(dir, "*.test.mjs"))
	for _, file := range files {
		// One subtest per file, so that -run TestBrowserFlows/documents runs one.
		t.Run(strings.TrimSuffix(filepath.Base(file), ".test.mjs"), func(t *testing.T) {
			cmd := exec.Command("node", "--test", "--test-concurrency=1", filepath.Base(file))
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "MIZ_URL="+m.URL())
			out, err := cmd.CombinedOutput()
			t.Logf("browser tests:\n%s", out)
			if err != nil {
				t.Fatalf("browser tests failed: %v", err)
			}
		})
	}
}
