package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCertImportCommandReportsBadRowsByLineAndNeverAborts_M43 runs `miz cert
// import` on a report with a bad row: the summary and the bad line go to stdout,
// the progress bar to stderr, and the exit status is 0.
func TestCertImportCommandReportsBadRowsByLineAndNeverAborts_M43(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "2026-12-01-scan_rdp.csv")
	if err := os.WriteFile(file, []byte("timestamp,ip,port,tag\n2026-12-01 10:00:00,192.0.2.1,3389,rdp\n2026-12-01 10:00:00,300.1.1.1,3389,rdp\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"cert", "import", file, "--data", dir, "--name", "scan_rdp"}, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
	}
	if s := out.String(); !strings.Contains(s, "(scan_rdp): 2 rows, 1 bad") || !strings.Contains(s, "line 3: ip \"300.1.1.1\"") {
		t.Fatalf("summary: %q", s)
	}
	if !strings.Contains(errOut.String(), "100%") {
		t.Fatalf("no progress bar on stderr: %q", errOut.String())
	}
	// A file without an address column is refused, with status 1.
	bad := filepath.Join(dir, "x.csv")
	_ = os.WriteFile(bad, []byte("a,b\n1,2\n"), 0o600)
	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"cert", "import", "--data", dir, bad}, nil, &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "ip, hostname or asn") {
		t.Fatalf("exit %d: %q", code, errOut.String())
	}
	if code := run(context.Background(), []string{"cert"}, nil, &out, &errOut); code != 2 {
		t.Fatalf("usage exit %d", code)
	}
}
