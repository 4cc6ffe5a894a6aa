package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/store"
)

// TestEvidenceKeyRotation_Issue19: `miz cert evidence-key rotate` makes a new key,
// retires the old one and rewraps every stored file under the new key, while a
// server keeps running: it still opens every file (it finds the new key on its first
// miss), and what it uploads meanwhile under the old key is rewrapped by a second
// run; the retired key is destroyed only when no file needs it. Every step is in
// the audit chain, and the contents never change.
func TestEvidenceKeyRotation_Issue19(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		org := apiLogin(t, m, demo.OrgNationalID, "")
		resp, got := doJSON(t, "POST", m.URL()+"/api/v1/cert/incidents", org, "application/json",
			`{"form":{"summary":"ransomware on the mail server","tlp":"amber"}}`)
		if resp.StatusCode != 201 {
			t.Fatalf("report: %d %v", resp.StatusCode, got)
		}
		code := got["tracking_code"].(string)
		cu := m.URL() + "/api/v1/cases/" + code + "/incident"
		upload := func(name string) (int64, []byte) {
			t.Helper()
			content := []byte(strings.Repeat("evidence "+name+" ", 300))
			r, b := postRaw(t, cu+"/evidence?filename="+name, org, bytes.NewReader(content))
			if r.StatusCode != 201 {
				t.Fatalf("evidence %s: %d %s", name, r.StatusCode, b)
			}
			return int64(countWhere(t, m, "SELECT MAX(id) FROM cert_evidence")), content
		}
		files := map[int64][]byte{}
		for _, name := range []string{"a.log", "b.pcap", "c.dmp"} {
			id, c := upload(name)
			files[id] = c
		}
		responder := staffLogin(t, m, "demo-responder")
		if resp, got := doJSON(t, "POST", cu+"/triage", responder, "application/json",
			`{"class":"malicious-code","type":"infected-system","severity":"high"}`); resp.StatusCode != 200 {
			t.Fatalf("triage: %d %v", resp.StatusCode, got)
		}
		readAll := func(when string) {
			t.Helper()
			for id, want := range files {
				req, _ := http.NewRequest("GET", fmt.Sprintf("%s/evidence/%d", cu, id), nil)
				req.Header.Set("Authorization", "Bearer "+responder)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || !bytes.Equal(body, want) {
					t.Fatalf("%s: file %d: %d, %d bytes", when, id, res.StatusCode, len(body))
				}
			}
		}
		readAll("before the rotation")
		oldKey := keyIDs(t, m)[0]
		run := func(args ...string) (int, string, string) {
			var out, errb bytes.Buffer
			c := runEvidenceKey(context.Background(), append(args, "--data", m.Config.Data, "--db", m.Config.DB), &out, &errb)
			return c, out.String(), errb.String()
		}
		c, out, errs := run("rotate")
		newKey := keyIDs(t, m)
		if c != 0 || len(newKey) != 1 || newKey[0] == oldKey || !strings.Contains(out, "rewrapped 3 files") ||
			!strings.Contains(errs, "rewrapped 3/3 files") {
			t.Fatalf("rotate: %d %v\n%s%s", c, newKey, out, errs)
		}
		readAll("after the rotation, server not restarted")
		// The running server still wraps with the key it started with.
		id, content := upload("d.txt")
		files[id] = content
		if ids := keyIDs(t, m); len(ids) != 2 {
			t.Fatalf("keys in use after an upload by the running server: %v", ids)
		}
		if c, out, errs := run("destroy-retired"); c != 1 || !strings.Contains(errs, "kept "+oldKey+": 1 files still need it") {
			t.Fatalf("destroy-retired with a file under the old key: %d\n%s%s", c, out, errs)
		}
		if _, err := os.Stat(filepath.Join(keysDir(m.Config), "evidence-retired-"+oldKey+".key")); err != nil {
			t.Fatalf("the retired key was removed while needed: %v", err)
		}
		// A backup taken now carries the retired key with the file that needs it.
		archive := filepath.Join(t.TempDir(), "mid-rotation.tar")
		mustMiz(t, "backup", "--data", m.Config.Data, "--db", m.Config.DB, "--out", archive)
		if b, err := os.ReadFile(archive); err != nil || !bytes.Contains(b, []byte("keys/evidence-retired-"+oldKey+".key")) {
			t.Fatalf("the backup lacks the retired evidence key: %v", err)
		}
		if c, out, _ := run("rewrap"); c != 0 || !strings.Contains(out, "rewrapped 1 files") {
			t.Fatalf("rewrap: %d %s", c, out)
		}
		if c, out, _ := run("rewrap"); c != 0 || !strings.Contains(out, "nothing to rewrap") {
			t.Fatalf("second rewrap: %d %s", c, out)
		}
		if c, out, errs := run("destroy-retired"); c != 0 || !strings.Contains(out, "destroyed retired key "+oldKey) {
			t.Fatalf("destroy-retired: %d\n%s%s", c, out, errs)
		}
		readAll("after the old key was destroyed")
		for action, want := range map[string]int{"cert.evidence.key_rotated": 1, "cert.evidence.rewrapped": 2, "cert.evidence.key_destroyed": 1} {
			if n := countWhere(t, m, "SELECT COUNT(*) FROM audit_log WHERE action = ?", action); n != want {
				t.Errorf("%s audited %d times, want %d", action, n, want)
			}
		}
		if c, out, _ := run("status"); c != 0 || !strings.Contains(out, "* "+newKey[0]+" current: 4 files") || strings.Contains(out, "retired") {
			t.Fatalf("status: %d %s", c, out)
		}
	})
}

// keyIDs lists the distinct evidence key IDs the stored files name.
func keyIDs(t *testing.T, m *Main) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	if err := m.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT DISTINCT key_id FROM cert_evidence ORDER BY key_id")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	}); err != nil {
		t.Fatal(err)
	}
	return ids
}
