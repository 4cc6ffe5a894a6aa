package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
)

// TestSigningKeyCompromisedRunbook_Issue19 walks docs/OPERATIONS.md, runbook "Signing
// key compromised", with the real commands on both databases: rotate, revoke the old
// key from the compromise time, publish; a certificate signed before the compromise
// still verifies with a warning, a credential the thief signed afterwards is refused
// with the reason, and the revocation is in the audit chain, which still verifies.
func TestSigningKeyCompromisedRunbook_Issue19(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		m := startDemoWith(t, dbURL, func(c *Config) { c.Data = data })
		ctx := context.Background()
		var jws string
		if err := m.DB.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT jws FROM certificates WHERE status = 'active' ORDER BY id LIMIT 1`).Scan(&jws)
		}); err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(strings.Split(jws, ".")[1])
		if err != nil {
			t.Fatal(err)
		}
		var cred map[string]any
		if err := json.Unmarshal(raw, &cred); err != nil {
			t.Fatal(err)
		}
		issued, err := time.Parse(time.RFC3339, cred["validFrom"].(string))
		if err != nil {
			t.Fatal(err)
		}
		compromise := issued.Add(time.Minute)

		// The thief's forgery: the same certificate, dated after the compromise, signed
		// with the (then active) stolen key.
		ring, err := keys.Open(keysDir(Config{Data: data}), nil)
		if err != nil {
			t.Fatal(err)
		}
		stolen := ring.Active().ID
		cred["validFrom"] = compromise.Add(time.Hour).Format(time.RFC3339)
		forgedPayload, _ := json.Marshal(cred)
		forged, err := ring.SignJWS(forgedPayload)
		if err != nil {
			t.Fatal(err)
		}

		dir := t.TempDir()
		certFile, forgedFile, jwksFile := filepath.Join(dir, "cert.jws"), filepath.Join(dir, "forged.jws"), filepath.Join(dir, "jwks.json")
		_ = os.WriteFile(certFile, []byte(jws), 0o600)
		_ = os.WriteFile(forgedFile, []byte(forged), 0o600)

		// Runbook step 2: rotate. Step 3: revoke the stolen key from the compromise.
		mustMiz(t, "keys", "rotate", "--data", data, "--db", dbURL)
		code, _, errs := runMiz("keys", "revoke", stolen, "--reason", "x", "--data", data, "--db", dbURL, "--at", "yesterday")
		if code != 2 || !strings.Contains(errs, "RFC 3339") {
			t.Fatalf("a bad --at: exit %d: %s", code, errs)
		}
		out := mustMiz(t, "keys", "revoke", stolen, "--reason", "key file copied off the host",
			"--at", compromise.UTC().Format(time.RFC3339), "--data", data, "--db", dbURL)
		if !strings.Contains(out, "revoked: "+stolen) || !strings.Contains(out, "REVOKED from "+compromise.UTC().Format(time.RFC3339)) {
			t.Fatalf("miz keys revoke:\n%s", out)
		}
		if list := mustMiz(t, "keys", "list", "--data", data); strings.Count(list, "REVOKED") != 1 || strings.Count(list, "\n* ") != 1 {
			t.Fatalf("miz keys list after revoke:\n%s", list)
		}
		if n := countWhere(t, m, "SELECT COUNT(*) FROM audit_log WHERE action = 'keys.revoked' AND object_id = ?", stolen); n != 1 {
			t.Fatalf("%d keys.revoked audit entries, want 1", n)
		}
		_ = auditHead(t, data, dbURL)

		// What a restarted instance publishes.
		ring, err = keys.Open(keysDir(Config{Data: data}), nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = os.WriteFile(jwksFile, ring.JWKS(), 0o600)
		if !strings.Contains(string(ring.JWKS()), `"revocation_reason":"key file copied off the host"`) {
			t.Fatalf("published set without the revocation: %s", ring.JWKS())
		}
		code, out, errs = runMiz("verify", certFile, "--key", jwksFile)
		if code != 0 || !strings.Contains(out, "OK ") || !strings.Contains(out, "WARNING: signed by key "+stolen+", revoked on") {
			t.Fatalf("certificate signed before the compromise: exit %d\n%s%s", code, out, errs)
		}
		code, out, errs = runMiz("verify", forgedFile, "--key", jwksFile)
		if code != 1 || !strings.Contains(errs, "NOT VALID") || !strings.Contains(errs, "revoked on "+compromise.UTC().Format(time.RFC3339)) ||
			!strings.Contains(errs, "key file copied off the host") {
			t.Fatalf("credential signed after the compromise: exit %d\n%s%s", code, out, errs)
		}
		// The active key cannot be revoked.
		code, _, errs = runMiz("keys", "revoke", ring.Active().ID, "--reason", "x", "--data", data, "--db", dbURL)
		if code != 1 || !strings.Contains(errs, "rotate") {
			t.Fatalf("revoking the active key: exit %d: %s", code, errs)
		}
	})
}
