package keys_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/itoir/miz/internal/keys"
)

func fixedClock() func() time.Time {
	t := time.Date(2026, 3, 21, 8, 0, 0, 0, time.UTC)
	return func() time.Time { return t }
}

func openRing(t *testing.T, dir string) *keys.Ring {
	t.Helper()
	r, err := keys.Open(dir, fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestOpenGeneratesOneActiveKeyWithPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	r := openRing(t, dir)
	if n := len(r.Keys()); n != 1 {
		t.Fatalf("%d keys after first open, want 1", n)
	}
	k := r.Active()
	if want := time.Date(2026, 3, 21, 8, 0, 0, 0, time.UTC); !k.Created.Equal(want) {
		t.Fatalf("created %v, want %v", k.Created, want)
	}
	for _, name := range []string{k.ID + ".pem", "ring.json"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if mode := st.Mode().Perm(); mode != 0o600 {
			t.Fatalf("%s has mode %o, want 600", name, mode)
		}
	}
}

func TestKeysPersistAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	r := openRing(t, dir)
	if _, err := r.Rotate(); err != nil {
		t.Fatal(err)
	}
	again := openRing(t, dir)
	if again.Active().ID != r.Active().ID {
		t.Fatalf("active %s after reopen, want %s", again.Active().ID, r.Active().ID)
	}
	if len(again.Keys()) != 2 {
		t.Fatalf("%d keys after reopen, want 2", len(again.Keys()))
	}
	if string(again.JWKS()) != string(r.JWKS()) {
		t.Fatal("JWKS changed across reopen")
	}
}

func TestRotationKeepsOldSignaturesVerifiable(t *testing.T) {
	r := openRing(t, t.TempDir())
	oldKID := r.Active().ID
	old, err := r.SignJWS([]byte(`{"n":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Rotate(); err != nil {
		t.Fatal(err)
	}
	fresh, err := r.SignJWS([]byte(`{"n":2}`))
	if err != nil {
		t.Fatal(err)
	}
	jwks := r.JWKS()
	payload, kid, err := keys.VerifyJWS(old, jwks)
	if err != nil || kid != oldKID || string(payload) != `{"n":1}` {
		t.Fatalf("old token: payload %s kid %s err %v", payload, kid, err)
	}
	payload, kid, err = keys.VerifyJWS(fresh, jwks)
	if err != nil || kid != r.Active().ID || kid == oldKID || string(payload) != `{"n":2}` {
		t.Fatalf("new token: payload %s kid %s err %v", payload, kid, err)
	}
}

func TestJWKSAndHeaderShape(t *testing.T) {
	r := openRing(t, t.TempDir())
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(r.JWKS(), &set); err != nil {
		t.Fatal(err)
	}
	k := set.Keys[0]
	for field, want := range map[string]string{"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": r.Active().ID} {
		if k[field] != want {
			t.Errorf("jwk %s = %q, want %q", field, k[field], want)
		}
	}
	if _, ok := k["d"]; ok {
		t.Fatal("JWKS leaks the private key")
	}
	token, _ := r.SignJWS([]byte("{}"))
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var hdr map[string]string
	if err := json.Unmarshal(raw, &hdr); err != nil {
		t.Fatal(err)
	}
	if hdr["alg"] != "EdDSA" || hdr["typ"] != "vc+jwt" || hdr["cty"] != "vc" || hdr["kid"] != r.Active().ID {
		t.Fatalf("protected header %v", hdr)
	}
}

func TestVerifyJWSErrors(t *testing.T) {
	r := openRing(t, t.TempDir())
	token, err := r.SignJWS([]byte(`{"status":"valid"}`))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"status":"revoked"}`)) + "." + parts[2]
	other := openRing(t, t.TempDir())
	for _, tc := range []struct {
		name  string
		token string
		jwks  []byte
		want  error
	}{
		{"tampered payload", tampered, r.JWKS(), keys.ErrBadSignature},
		{"unknown kid", token, other.JWKS(), keys.ErrUnknownKey},
		{"malformed token", "not.a.jws!", r.JWKS(), keys.ErrMalformed},
		{"two parts", parts[0] + "." + parts[1], r.JWKS(), keys.ErrMalformed},
		{"malformed key set", token, []byte("{"), keys.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := keys.VerifyJWS(tc.token, tc.jwks)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}

func TestLoadFileImportsAndActivates(t *testing.T) {
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	path := filepath.Join(t.TempDir(), "given.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	r := openRing(t, dir)
	first := r.Active().ID
	k, err := r.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Active().ID != k.ID || !k.Public.Equal(priv.Public()) {
		t.Fatal("loaded key is not active")
	}
	if _, err := r.LoadFile(path); err != nil || len(r.Keys()) != 2 {
		t.Fatalf("reloading the same key: %d keys, err %v", len(r.Keys()), err)
	}
	if again := openRing(t, dir); again.Active().ID != k.ID || again.Keys()[0].ID != first {
		t.Fatal("import did not persist")
	}
	if err := os.WriteFile(path, []byte("nonsense"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := r.LoadFile(path); err == nil {
		t.Fatal("loaded a file that is not a key")
	}
}

func TestNoteSignerMatchesVerifiers(t *testing.T) {
	r := openRing(t, t.TempDir())
	const origin = "miz.ito.gov.ir/certify/log"
	signer, err := r.NoteSigner(origin)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := note.Sign(&note.Note{Text: "hello\n"}, signer)
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := r.NoteVerifierKey(origin)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(v)); err != nil {
		t.Fatalf("verify with published key: %v", err)
	}
	if _, err := r.Rotate(); err != nil {
		t.Fatal(err)
	}
	vs, err := r.NoteVerifiers(origin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(vs...)); err != nil {
		t.Fatalf("old note after rotation: %v", err)
	}
	active, _ := r.NoteVerifier(origin)
	if _, err := note.Open(msg, note.VerifierList(active)); err == nil {
		t.Fatal("note signed by the old key verified under the new key alone")
	}
}

func TestOpenRefusesKeysWithoutManifest(t *testing.T) {
	dir := t.TempDir()
	openRing(t, dir)
	if err := os.Remove(filepath.Join(dir, "ring.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Open(dir, fixedClock()); err == nil {
		t.Fatal("opened a ring whose manifest is lost, hiding its keys")
	}
}
