package keys_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/keys"
)

// Issue 19, runbook "signing key compromised": a revoked key stays published with its
// time and reason; what it signed at or after the compromise fails, what it signed
// before verifies with a warning, and the revocation survives reopening the ring.
func TestRevokedKeyIsPublishedAndRefusedFromTheCompromise_Issue19(t *testing.T) {
	dir := t.TempDir()
	r := openRing(t, dir)
	old := r.Active()
	compromise := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	before, _ := r.SignJWS([]byte(`{"validFrom":"2026-11-01T08:00:00Z","n":1}`))
	after, _ := r.SignJWS([]byte(`{"validFrom":"2026-11-30T12:00:00Z","n":2}`))
	iatAfter, _ := r.SignJWS([]byte(`{"iat":` + jsonInt(compromise.Add(time.Hour).Unix()) + `}`))
	undated, _ := r.SignJWS([]byte(`{"n":3}`))

	if _, err := r.Revoke(old.ID, compromise, "key file copied off host"); err == nil ||
		!strings.Contains(err.Error(), "active key") {
		t.Fatalf("revoking the active key: %v, want refusal", err)
	}
	if _, err := r.Rotate(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Revoke(old.ID, compromise, ""); err == nil {
		t.Fatal("revocation without a reason accepted")
	}
	if _, err := r.Revoke("nope", compromise, "x"); err == nil {
		t.Fatal("revocation of an unknown key accepted")
	}
	if _, err := r.Revoke(old.ID, compromise, "key file copied off host"); err != nil {
		t.Fatal(err)
	}

	r = openRing(t, dir) // durable
	k, ok := r.Lookup(old.ID)
	if !ok || k.Revoked == nil || !k.Revoked.At.Equal(compromise) || k.Revoked.Reason != "key file copied off host" {
		t.Fatalf("lookup after reopen: %+v %v", k, ok)
	}
	if a, _ := r.Lookup(r.Active().ID); a.Revoked != nil {
		t.Fatal("the new active key is revoked")
	}
	jwks := r.JWKS()
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(jwks, &set); err != nil || len(set.Keys) != 2 {
		t.Fatalf("jwks %s: %v", jwks, err)
	}
	if set.Keys[0]["kid"] != old.ID || set.Keys[0]["revoked_at"] != "2026-11-30T12:00:00Z" ||
		set.Keys[0]["revocation_reason"] != "key file copied off host" || set.Keys[1]["revoked_at"] != nil {
		t.Fatalf("published set does not show the revocation: %s", jwks)
	}

	if _, kid, err := keys.VerifyJWS(before, jwks); err != nil || kid != old.ID {
		t.Fatalf("signed before the compromise: %v", err)
	}
	if w := keys.RevokedWarning(jwks, old.ID); !strings.Contains(w, "revoked on 2026-11-30T12:00:00Z") {
		t.Fatalf("no warning for an item by a revoked key: %q", w)
	}
	for name, tok := range map[string]string{"at the compromise": after, "iat after": iatAfter, "undated": undated} {
		_, _, err := keys.VerifyJWS(tok, jwks)
		if !errors.Is(err, keys.ErrRevokedKey) || !strings.Contains(err.Error(), "key file copied off host") {
			t.Errorf("%s: %v, want ErrRevokedKey with the reason", name, err)
		}
	}
	fresh, _ := r.SignJWS([]byte(`{"validFrom":"2026-12-01T00:00:00Z"}`))
	if _, kid, err := keys.VerifyJWS(fresh, jwks); err != nil || kid != r.Active().ID || keys.RevokedWarning(jwks, kid) != "" {
		t.Fatalf("new key: %v", err)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
