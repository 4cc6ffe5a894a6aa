//go:build linux

package pdf

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// needChromium fails under CI and skips elsewhere, saying so, when the browser or
// pdftotext is missing.
func needChromium(t *testing.T) string {
	t.Helper()
	missing := ""
	if _, err := exec.LookPath("pdftotext"); err != nil {
		missing = "pdftotext (apt-get install poppler-utils)"
	}
	bin, err := exec.LookPath("chromium")
	if err != nil {
		missing = "chromium (apt-get install chromium)"
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("the chromium test needs %s", missing)
		}
		t.Skipf("SKIPPED (pdf): %s is not installed", missing)
	}
	return bin
}

// page serves one printable page naming number.
func page(t *testing.T, number string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><body><h1>Certificate</h1><p id="n">%s</p></body></html>`, number)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/registry/" + number + "/print"
}

// browserProcs reads the real and effective user, and the command line, of every
// process of the browser started with the profile dir: the browser and its
// helpers (which rewrite their command line into one string) name the dir.
func browserProcs(t *testing.T, dir string) map[int]proc {
	t.Helper()
	flag := []byte("--user-data-dir=" + dir)
	out := map[int]proc{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !(bytes.Contains(cmdline, append(flag, 0)) || bytes.Contains(cmdline, append(flag, ' ')) ||
			bytes.Contains(cmdline, []byte(dir+"/"))) {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue // it ended meanwhile
		}
		for line := range strings.Lines(string(status)) {
			if uids, ok := strings.CutPrefix(line, "Uid:"); ok {
				fs := strings.Fields(uids) // real, effective, saved, filesystem
				out[pid] = proc{uid: fs[0], euid: fs[1], args: strings.Split(string(cmdline), "\x00")}
			}
		}
	}
	return out
}

type proc struct {
	uid, euid string
	args      []string
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestChromiumNeverRunsAsRoot_Issue11Item7: run as root (as on the test machine),
// the browser and all its processes run as nobody, with the sandbox where the
// platform gives one; a launch without the sandbox is logged as a warning.
func TestChromiumNeverRunsAsRoot_Issue11Item7(t *testing.T) {
	bin := needChromium(t)
	var logs bytes.Buffer
	c := NewChrome(bin, 1, slog.New(slog.NewTextHandler(&logs, nil)))
	defer c.Close()
	var launch Launch
	var dir string
	c.started = func(l Launch, d string) { launch, dir = l, d }
	const number = "CRT-1404-000777"
	b, err := c.RenderPDF(context.Background(), page(t, number))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !strings.Contains(pdfText(t, b), number) {
		t.Fatalf("pdf lacks the number: %.100q", b)
	}
	procs := browserProcs(t, dir)
	if len(procs) < 2 {
		t.Fatalf("want the browser and its helpers with --user-data-dir=%s, found %v", dir, procs)
	}
	for pid, p := range procs {
		if os.Getuid() == 0 && (p.uid == "0" || p.euid == "0") {
			t.Errorf("browser process %d runs as uid %s/%s while Miz is root: %q", pid, p.uid, p.euid, p.args)
		}
		if launch.Sandbox && slices.Contains(p.args, "--no-sandbox") {
			t.Errorf("browser process %d has --no-sandbox: %q", pid, p.args)
		}
	}
	if os.Getuid() == 0 && launch.User == nil {
		t.Errorf("as root, the browser was not given an unprivileged user: %s", launch)
	}
	if !launch.Sandbox && !strings.Contains(logs.String(), "less isolation") {
		t.Errorf("a launch without the sandbox went unlogged: %s\n%s", launch, logs.String())
	}
	if fi, err := os.Stat(dir); err != nil || (os.Getuid() == 0 && launch.User != nil && !ownedBy(fi, launch.User.UID)) {
		t.Errorf("the profile dir is not the browser user's own: %v", err)
	}
	t.Logf("browser launched as %s; %d processes, none root", launch, len(procs))
}

// TestChromeFallsBackToNoSandboxAndWarnsOnce: a browser that will not start with
// its sandbox is started with --no-sandbox (still unprivileged), and the operator
// is told once why, not at every restart.
func TestChromeFallsBackToNoSandboxAndWarnsOnce(t *testing.T) {
	bin := needChromium(t)
	// A wrapper readable by nobody that refuses to start without --no-sandbox,
	// as chromium does where no sandbox can be had.
	tools, err := os.MkdirTemp("", "miz-pdf-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tools) })
	if err := os.Chmod(tools, 0o755); err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(tools, "chromium")
	script := "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = --no-sandbox ] && exec " + bin + " \"$@\"; done\necho 'No usable sandbox!' >&2\nexit 1\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	c := NewChrome(wrapper, 1, slog.New(slog.NewTextHandler(&logs, nil)))
	defer c.Close()
	var launches []Launch
	c.started = func(l Launch, _ string) { launches = append(launches, l) }
	for i := range 2 { // the second start (after a Close) begins at the launch that worked
		b, err := c.RenderPDF(context.Background(), page(t, "CRT-1404-000778"))
		if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Fatalf("render %d: %v", i, err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(launches) != 2 || launches[0].Sandbox || launches[1].String() != launches[0].String() {
		t.Fatalf("launches %v", launches)
	}
	if os.Getuid() == 0 && launches[0].User == nil {
		t.Fatalf("fell back to root although nobody can run it: %v", launches)
	}
	if n := strings.Count(logs.String(), "less isolation"); n != 1 || !strings.Contains(logs.String(), "with the sandbox") {
		t.Fatalf("want one warning naming the failed launch, got %d:\n%s", n, logs.String())
	}
}
