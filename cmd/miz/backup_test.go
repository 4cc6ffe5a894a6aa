package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/itoir/miz/internal/store/storetest"
)

// runMiz runs one subcommand in-process and returns its exit code and output.
func runMiz(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, nil, &out, &errb)
	return code, out.String(), errb.String()
}

func mustMiz(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := runMiz(args...)
	if code != 0 {
		t.Fatalf("miz %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// lastLine is the last non-empty line of s: the head hash of `miz audit verify`, the
// "audit head" line of `miz backup` and `miz restore`.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimPrefix(lines[len(lines)-1], "audit head ")
}

// auditHead runs `miz audit verify` on a data directory and database.
func auditHead(t *testing.T, data, db string) string {
	t.Helper()
	return lastLine(mustMiz(t, "audit", "verify", "--data", data, "--db", db))
}

// openIncident opens, documents and submits a CERT incident report as tok's holder and
// returns its tracking code and the evidence's SHA-256.
func openIncident(t *testing.T, m *Main, tok, evidence string) (string, string) {
	t.Helper()
	resp, body := doJSON(t, "POST", m.URL()+"/api/v1/cases", tok, "application/json",
		`{"service":"cert","kind":"incident","form":{"summary":"ransomware on the file server"}}`)
	if resp.StatusCode != 201 {
		t.Fatalf("open case: %d %v", resp.StatusCode, body)
	}
	code := body["tracking_code"].(string)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("type", "incident_evidence")
	fw, _ := mw.CreateFormFile("file", "evidence.txt")
	_, _ = io.WriteString(fw, evidence)
	_ = mw.Close()
	resp, body = doJSON(t, "POST", m.URL()+"/api/v1/cases/"+code+"/documents", tok, mw.FormDataContentType(), b.String())
	if resp.StatusCode != 201 {
		t.Fatalf("upload evidence: %d %v", resp.StatusCode, body)
	}
	sha := body["sha256"].(string)
	if resp, body := doJSON(t, "POST", m.URL()+"/api/v1/cases/"+code+"/submit", tok, "application/json", `{}`); resp.StatusCode != 200 {
		t.Fatalf("submit: %d %v", resp.StatusCode, body)
	}
	return code, sha
}

// deskView is what a restored desk must show exactly as the original did.
type deskView struct {
	Export, Case, History, Document string
}

func viewDesk(t *testing.T, m *Main, tok, code, sha string) deskView {
	t.Helper()
	get := func(path string) string {
		req, _ := http.NewRequest("GET", m.URL()+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	var c map[string]any
	if err := json.Unmarshal([]byte(get("/api/v1/cases/"+code)), &c); err != nil {
		t.Fatal(err)
	}
	delete(c, "sla") // the clock moves on between two readings
	cb, _ := json.Marshal(c)
	docs, err := openDocuments(context.Background(), m.Config)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := docs.Open(context.Background(), sha)
	if err != nil {
		t.Fatalf("document %s: %v", sha, err)
	}
	defer rc.Close()
	doc, _ := io.ReadAll(rc)
	return deskView{Export: get("/api/v1/registry/export.json"), Case: string(cb),
		History: get("/api/v1/cases/" + code + "/history"), Document: string(doc)}
}

func (v deskView) diff(w deskView) string {
	var d []string
	for _, f := range []struct{ name, a, b string }{{"registry export", v.Export, w.Export}, {"case", v.Case, w.Case},
		{"case history", v.History, w.History}, {"document", v.Document, w.Document}} {
		if f.a != f.b {
			d = append(d, f.name+":\n  got  "+clip(f.a)+"\n  want "+clip(f.b))
		}
	}
	return strings.Join(d, "\n")
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// bootRestored starts a server on restored data.
func bootRestored(t *testing.T, data, db string, demo bool) *Main {
	t.Helper()
	return startDemoWith(t, db, func(c *Config) { c.Data, c.Demo = data, demo })
}

// caseLoad opens cases from two goroutines until stopped, counting the successes.
type caseLoad struct {
	ok   atomic.Int64
	stop chan struct{}
	wg   sync.WaitGroup
}

func startCaseLoad(m *Main, tok string) *caseLoad {
	l := &caseLoad{stop: make(chan struct{})}
	for range 2 {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				req, _ := http.NewRequest("POST", m.URL()+"/api/v1/cases",
					strings.NewReader(`{"service":"cert","kind":"incident","form":{"summary":"phishing wave"}}`))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				if resp, err := http.DefaultClient.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == 201 {
						l.ok.Add(1)
					}
				}
			}
		}()
	}
	return l
}

func (l *caseLoad) waitFor(n int64) {
	for deadline := time.Now().Add(10 * time.Second); l.ok.Load() < n && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
}

func (l *caseLoad) end() int64 {
	close(l.stop)
	l.wg.Wait()
	return l.ok.Load()
}

// TestBackupWhileServingThenRestoreOnBothDatabases backs up a demo desk on SQLite while
// cases are being opened, restores that archive, then restores a second backup into a
// fresh SQLite directory and a fresh PostgreSQL schema, and that PostgreSQL desk back
// into SQLite: each restored desk has the same audit head, registry export, case and
// document bytes as the original.
func TestBackupWhileServingThenRestoreOnBothDatabases(t *testing.T) {
	t.Parallel()
	src := startDemo(t, "")
	tok := apiLogin(t, src, "10101234565", "")
	code, sha := openIncident(t, src, tok, "2026-03-01 02:14 smb: encrypted files on \\\\fs01\\share\n")
	dir := t.TempDir()

	load := startCaseLoad(src, tok)
	load.waitFor(3)
	before := load.ok.Load()
	start := time.Now()
	out := mustMiz(t, "backup", "--data", src.Config.Data, "--out", filepath.Join(dir, "live.tar.gz"))
	t.Logf("backup while serving: %s", time.Since(start).Round(time.Millisecond))
	during := load.ok.Load() - before
	total := load.end()
	if during == 0 {
		t.Fatalf("no case was opened while the backup ran (%d in all): the backup blocked the server", total)
	}
	liveHead := lastLine(out)
	live := filepath.Join(dir, "live")
	mustMiz(t, "restore", "--in", filepath.Join(dir, "live.tar.gz"), "--data", live)
	if got := auditHead(t, live, ""); got != liveHead {
		t.Fatalf("restored live backup: audit head %s, backup says %s", got, liveHead)
	}
	t.Logf("%d cases opened during the backup, %d in all", during, total)

	// Quiet now: a second backup must restore to exactly what the server shows.
	archive := filepath.Join(dir, "quiet.tar")
	out = mustMiz(t, "backup", "--data", src.Config.Data, "--out", archive)
	head := lastLine(out)
	if got := auditHead(t, src.Config.Data, ""); got != head {
		t.Fatalf("source audit head %s, backup says %s", got, head)
	}
	want := viewDesk(t, src, tok, code, sha)

	sqliteDir := filepath.Join(dir, "sqlite")
	start = time.Now()
	mustMiz(t, "restore", "--in", archive, "--data", sqliteDir)
	t.Logf("restore into SQLite: %s", time.Since(start).Round(time.Millisecond))
	if got := auditHead(t, sqliteDir, ""); got != head {
		t.Fatalf("SQLite restore: audit head %s, want %s", got, head)
	}
	// With --demo the seed must find its data already there and do nothing.
	restored := bootRestored(t, sqliteDir, "", true)
	if d := viewDesk(t, restored, tok, code, sha).diff(want); d != "" {
		t.Fatalf("SQLite restore differs:\n%s", d)
	}

	t.Run("postgres", func(t *testing.T) {
		pg := storetest.PostgresURL(t)
		pgDir := filepath.Join(t.TempDir(), "pg")
		start := time.Now()
		mustMiz(t, "restore", "--in", archive, "--data", pgDir, "--db", pg)
		t.Logf("restore into PostgreSQL: %s", time.Since(start).Round(time.Millisecond))
		if got := auditHead(t, pgDir, pg); got != head {
			t.Fatalf("PostgreSQL restore: audit head %s, want %s", got, head)
		}
		restored := bootRestored(t, pgDir, pg, false)
		if d := viewDesk(t, restored, tok, code, sha).diff(want); d != "" {
			t.Fatalf("PostgreSQL restore differs:\n%s", d)
		}

		// And back: PostgreSQL → SQLite, taken while that desk serves.
		back := filepath.Join(t.TempDir(), "from-pg.tar.gz")
		start = time.Now()
		mustMiz(t, "backup", "--data", pgDir, "--db", pg, "--out", back)
		t.Logf("backup of PostgreSQL: %s", time.Since(start).Round(time.Millisecond))
		again := filepath.Join(t.TempDir(), "again")
		mustMiz(t, "restore", "--in", back, "--data", again)
		if got := auditHead(t, again, ""); got != head {
			t.Fatalf("PostgreSQL → SQLite: audit head %s, want %s", got, head)
		}
		if d := viewDesk(t, bootRestored(t, again, "", false), tok, code, sha).diff(want); d != "" {
			t.Fatalf("PostgreSQL → SQLite restore differs:\n%s", d)
		}

		// A database that already holds a desk is refused, and nothing is left behind.
		empty := filepath.Join(t.TempDir(), "empty")
		code, _, errs := runMiz("restore", "--in", archive, "--data", empty, "--db", pg)
		if code == 0 || !strings.Contains(errs, "target database is not empty") {
			t.Fatalf("restore into a used database: exit %d, %s", code, errs)
		}
		if entries, _ := os.ReadDir(empty); len(entries) != 0 {
			t.Fatalf("refused restore left %d entries in the data directory", len(entries))
		}
	})
}

// TestRestoreRefusesNonEmptyDirAndAlteredArchive checks the two refusals an operator
// meets: a data directory already in use, and an archive changed after it was written.
func TestRestoreRefusesNonEmptyDirAndAlteredArchive(t *testing.T) {
	t.Parallel()
	src := startDemo(t, "")
	dir := t.TempDir()
	archive := filepath.Join(dir, "desk.tar")
	mustMiz(t, "backup", "--data", src.Config.Data, "--out", archive)

	used := filepath.Join(dir, "used")
	if err := os.MkdirAll(used, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(used, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runMiz("restore", "--in", archive, "--data", used)
	if code == 0 || !strings.Contains(errs, "is not empty") {
		t.Fatalf("restore into a used directory: exit %d, %s", code, errs)
	}
	if b, err := os.ReadFile(filepath.Join(used, "notes.txt")); err != nil || string(b) != "mine" {
		t.Fatalf("the used directory was touched: %q %v", b, err)
	}

	// One changed letter in a row: the tar stays readable, the table's hash does not match.
	b, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte(`"username":"demo-admin"`))
	if i < 0 {
		t.Fatal("demo-admin not found in the archive")
	}
	altered := bytes.Clone(b)
	copy(altered[i+len(`"username":"`):], "DEMO")
	bad := filepath.Join(dir, "altered.tar")
	if err := os.WriteFile(bad, altered, 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target")
	code, _, errs = runMiz("restore", "--in", bad, "--data", target)
	if code == 0 || !strings.Contains(errs, "accounts") || !strings.Contains(errs, "altered") {
		t.Fatalf("restore of an altered archive: exit %d, %s", code, errs)
	}
	if entries, _ := os.ReadDir(target); len(entries) != 0 {
		t.Fatalf("refused restore left %d entries behind", len(entries))
	}

	// A cut-off archive (no manifest at its end) is not a backup.
	cut := filepath.Join(dir, "cut.tar")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs = runMiz("restore", "--in", cut, "--data", filepath.Join(dir, "t2")); code == 0 {
		t.Fatalf("restore of a truncated archive succeeded: %s", errs)
	}
	if code, _, errs = runMiz("backup", "--data", src.Config.Data, "--out", archive); code == 0 || !strings.Contains(errs, "already exists") {
		t.Fatalf("backup over an existing file: exit %d, %s", code, errs)
	}
}
