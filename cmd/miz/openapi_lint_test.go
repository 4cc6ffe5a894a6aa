package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestOpenAPIDocumentPassesRedoclyLint serves the API document of a demo desk and runs
// `redocly lint` (recommended rules, from e2e/node_modules) on it: no error and no
// warning (issue 14, "the API document passes a linter"). Without the linter it fails
// under CI and is skipped, with the reason, elsewhere.
func TestOpenAPIDocumentPassesRedoclyLint(t *testing.T) {
	t.Parallel()
	lint, _ := filepath.Abs("../../e2e/node_modules/.bin/redocly")
	if _, err := os.Stat(lint); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the OpenAPI lint needs e2e/node_modules (cd e2e && npm ci): %v", err)
		}
		t.Skipf("SKIPPED (lint): %s is missing (cd e2e && npm ci)", lint)
	}
	m := startDemo(t, "")
	resp, err := http.Get(m.URL() + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	file := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(lint, "lint", "--format=json", file)
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	out, _ := cmd.Output() // exits non-zero on errors; the report says which
	var report struct {
		Problems []struct {
			RuleID   string `json:"ruleId"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
			Location []struct {
				Pointer string `json:"pointer"`
			} `json:"location"`
		} `json:"problems"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("redocly printed no JSON report: %v\n%s", err, out)
	}
	for _, p := range report.Problems {
		where := ""
		if len(p.Location) > 0 {
			where = p.Location[0].Pointer
		}
		t.Errorf("%s %s at %s: %s", p.Severity, p.RuleID, where, p.Message)
	}
}

// TestAPIQueryWithControlCharactersIs400 shows the 400 every operation now documents:
// a query string holding a NUL or invalid UTF-8 is refused before any handler reads it
// (Security #11 item 11), with a localized message naming the field.
func TestAPIQueryWithControlCharactersIs400(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	for _, q := range []string{"q=%00", "q=%ff", "q=a%0Ab"} {
		resp, err := http.Get(m.URL() + "/api/v1/registry/certificates?" + q)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Error struct{ Code, Message, Field string } `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || body.Error.Field != "q" || body.Error.Message == "" {
			t.Errorf("?%s: %d %+v, want 400 naming q", q, resp.StatusCode, body.Error)
		}
	}
	resp, err := http.Get(m.URL() + "/api/v1/registry/certificates?q=%D9%86%D8%B1%D9%85")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a clean Persian query: %d, want 200", resp.StatusCode)
	}
}
