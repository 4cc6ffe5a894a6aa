package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// startDemo boots the whole program with demo data on 127.0.0.1:0.
func startDemo(t *testing.T, dbURL string) *Main {
	t.Helper()
	cfg := defaultConfig()
	cfg.Addr, cfg.Data, cfg.Demo, cfg.DB = "127.0.0.1:0", t.TempDir(), true, dbURL
	withTestGateway(t, &cfg) // §6: e2e/billing.test.mjs pays through it
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
	t.Parallel()
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
	files, err := filepath.Glob(filepath.Join(dir, "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no browser tests in %s: %v", dir, err)
	}
	// MIZ_E2E=name,name runs only those files (e2e/<name>.test.mjs), for a quick
	// round while working on one flow; CI leaves it unset and runs them all.
	if only := os.Getenv("MIZ_E2E"); only != "" {
		var keep []string
		for _, f := range files {
			if slices.Contains(strings.Split(only, ","), strings.TrimSuffix(filepath.Base(f), ".test.mjs")) {
				keep = append(keep, f)
			}
		}
		if len(keep) == 0 {
			t.Fatalf("MIZ_E2E=%s matches no file in %s", only, dir)
		}
		files = keep
	}
	// Each file gets its own demo server, so the files run side by side and none
	// waits out another's TOTP step (codes are single-use per account and server).
	// They run in goroutines of this one test rather than as parallel subtests, which
	// would queue behind every other test and leave the slowest work for the end.
	type result struct {
		out []byte
		err error
	}
	results := make([]result, len(files))
	var wg sync.WaitGroup
	// At most four files (each a server, node and a chromium) run at once: more
	// only thrash two cores and push every file past its own timeouts.
	slots := make(chan struct{}, 4)
	for i, file := range files {
		var m *Main
		var env []string
		if h, ok := browserHarnesses[filepath.Base(file)]; ok {
			m, env = h(t)
		} else {
			m = startDemo(t, "")
		}
		cmd := exec.Command("node", "--test", filepath.Base(file))
		cmd.Dir = dir
		cmd.Env = append(append(os.Environ(), "MIZ_URL="+m.URL(), "MIZ_SERVER_PER_FILE=1"), env...)
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			out, err := cmd.CombinedOutput()
			results[i] = result{out, err}
		})
	}
	wg.Wait()
	for i, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".test.mjs"), func(t *testing.T) {
			t.Logf("browser tests:\n%s", results[i].out)
			if results[i].err != nil {
				t.Fatalf("browser tests failed: %v", results[i].err)
			}
		})
	}
}
