package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const catalogGood = "../../internal/catalog/services/certify.yaml"

func runCatalogWith(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = runCatalog(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeCatalogFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCatalogValidateGoodFile(t *testing.T) {
	t.Parallel()
	code, out, _ := runCatalogWith("validate", catalogGood, "../../internal/catalog/services/cert.yaml")
	if code != 0 {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	want := "ok " + catalogGood + "\nok ../../internal/catalog/services/cert.yaml\n"
	if out != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
}

func TestCatalogValidateBrokenFilesListEveryProblem(t *testing.T) {
	t.Parallel()
	good, err := os.ReadFile(catalogGood)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(good), "type: G2B", "type: B2B", 1)
	src = strings.Replace(src, "quorum: 3", "quorum: 0\n  chair: someone", 1)
	broken := writeCatalogFile(t, "broken.yaml", src)
	empty := writeCatalogFile(t, "empty.yaml", "")

	code, out, _ := runCatalogWith("validate", broken, catalogGood, empty, filepath.Join(t.TempDir(), "missing.yaml"))
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, want := range []string{
		fmt.Sprintf(`%s:%d: type: want one of [G2C G2B G2G], got "B2B"`, broken, lineOf(src, "type: B2B")),
		fmt.Sprintf(`%s:%d: complaints.quorum: want a committee quorum of 1 or more, got 0`, broken, lineOf(src, "quorum: 0")),
		fmt.Sprintf(`%s:%d: unknown field "chair"`, broken, lineOf(src, "chair:")),
		"ok " + catalogGood,
		empty + ": file is empty",
	} {
		found := false
		for _, l := range lines {
			found = found || l == want
		}
		if !found {
			t.Errorf("missing line %q in:\n%s", want, out)
		}
	}
	if !strings.Contains(lines[len(lines)-1], "missing.yaml: open") {
		t.Errorf("unreadable file not reported last: %q", lines[len(lines)-1])
	}
}

// lineOf returns the 1-based line of the first line of src containing s.
func lineOf(src, s string) int {
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	return 0
}

func TestCatalogUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"validate"}, {"frobnicate"}, {"schema", "extra"}} {
		code, _, stderr := runCatalogWith(args...)
		if code != 2 || !strings.Contains(stderr, "usage: miz catalog") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestCatalogSchemaIsJSON(t *testing.T) {
	t.Parallel()
	code, out, _ := runCatalogWith("schema")
	if code != 0 || !json.Valid([]byte(out)) {
		t.Errorf("exit %d, valid JSON %v", code, json.Valid([]byte(out)))
	}
}
