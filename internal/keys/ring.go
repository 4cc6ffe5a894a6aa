// Package keys keeps Miz's Ed25519 signing keys: a ring of keys in a directory, one of
// them active for signing and all of them published (as a JWKS and as signed-note
// verifier keys) so that anything signed before a rotation keeps verifying.
//
// On disk a ring is a directory holding one PKCS#8 PEM file per key (<kid>.pem, mode
// 0600) and ring.json, which records each key's creation time and which key is active.
// Key IDs are RFC 7638 JWK thumbprints (SHA-256, base64url), so anyone holding the
// public key can recompute them.
package keys

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Key is one Ed25519 key of a ring.
type Key struct {
	// ID is the RFC 7638 thumbprint of the public key, base64url without padding.
	ID string
	// Created is when the key was generated or imported into the ring.
	Created time.Time
	// Public is the verification key.
	Public ed25519.PublicKey
	// Revoked is set once the key is known compromised (see Revoke); nil otherwise.
	Revoked *Revocation
	private ed25519.PrivateKey
}

// Ring is a set of signing keys stored in a directory, one of them active. It is safe
// for concurrent use.
type Ring struct {
	dir string
	now func() time.Time

	mu     sync.RWMutex
	keys   []*Key // oldest first
	active *Key
}

// manifestName is the file, inside the ring directory, listing the keys.
const manifestName = "ring.json"

type manifest struct {
	Active string          `json:"active"`
	Keys   []manifestEntry `json:"keys"`
}

type manifestEntry struct {
	ID      string      `json:"kid"`
	Created time.Time   `json:"created"`
	Revoked *Revocation `json:"revoked,omitempty"`
}

// Open opens the key ring in dir, creating the directory and a first active key when
// there is none yet. now stamps keys made later by Rotate or LoadFile.
func Open(dir string, now func() time.Time) (*Ring, error) {
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("keys: open %s: %w", dir, err)
	}
	r := &Ring{dir: dir, now: now}
	raw, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, os.ErrNotExist) {
		// Keys without a manifest are someone's keys: never bury them under a new one.
		if pems, _ := filepath.Glob(filepath.Join(dir, "*.pem")); len(pems) > 0 {
			return nil, fmt.Errorf("keys: open %s: %d key files but no %s; restore it or move the keys away", dir, len(pems), manifestName)
		}
		if _, err := r.Rotate(); err != nil {
			return nil, err
		}
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("keys: open %s: %w", dir, err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("keys: open %s: %s: %w", dir, manifestName, err)
	}
	for _, e := range m.Keys {
		k, err := readKeyFile(filepath.Join(dir, e.ID+".pem"))
		if err != nil {
			return nil, err
		}
		if k.ID != e.ID {
			return nil, fmt.Errorf("keys: open %s: file %s.pem holds key %s", dir, e.ID, k.ID)
		}
		k.Created = e.Created.UTC()
		k.Revoked = e.Revoked
		r.keys = append(r.keys, k)
		if k.ID == m.Active {
			r.active = k
		}
	}
	if r.active == nil {
		return nil, fmt.Errorf("keys: open %s: active key %q is not in the ring", dir, m.Active)
	}
	return r, nil
}

// Rotate generates a new key, stores it and makes it the active one. Older keys stay
// in the ring for verification.
func (r *Ring) Rotate() (*Key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("keys: rotate: %w", err)
	}
	k, err := newKey(priv)
	if err != nil {
		return nil, fmt.Errorf("keys: rotate: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.addLocked(k); err != nil {
		return nil, fmt.Errorf("keys: rotate: %w", err)
	}
	return k, nil
}

// LoadFile imports the Ed25519 key in the PKCS#8 PEM file at path into the ring and
// makes it active; operators use it to hand Miz a key made elsewhere. Loading a key
// that is already in the ring only makes it active again.
func (r *Ring) LoadFile(path string) (*Key, error) {
	k, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, old := range r.keys {
		if old.ID == k.ID {
			prev := r.active
			r.active = old
			if err := r.saveManifestLocked(); err != nil {
				r.active = prev
				return nil, fmt.Errorf("keys: load %s: %w", path, err)
			}
			return old, nil
		}
	}
	if err := r.addLocked(k); err != nil {
		return nil, fmt.Errorf("keys: load %s: %w", path, err)
	}
	return k, nil
}

// addLocked writes k's file, adds it to the ring as the active key and saves the
// manifest; r.mu must be held.
func (r *Ring) addLocked(k *Key) error {
	k.Created = r.now().UTC()
	der, err := x509.MarshalPKCS8PrivateKey(k.private)
	if err != nil {
		return err
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := writeFileAtomic(filepath.Join(r.dir, k.ID+".pem"), pemBytes); err != nil {
		return err
	}
	prevKeys, prevActive := r.keys, r.active
	r.keys = append(slices.Clip(r.keys), k)
	r.active = k
	if err := r.saveManifestLocked(); err != nil {
		r.keys, r.active = prevKeys, prevActive
		return err
	}
	return nil
}

func (r *Ring) saveManifestLocked() error {
	m := manifest{Active: r.active.ID}
	for _, k := range r.keys {
		m.Keys = append(m.Keys, manifestEntry{ID: k.ID, Created: k.Created, Revoked: k.Revoked})
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(r.dir, manifestName), append(raw, '\n'))
}

// Active returns the key that signs.
func (r *Ring) Active() *Key {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.active
}

// Keys returns every key of the ring, oldest first.
func (r *Ring) Keys() []*Key {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.keys)
}

func newKey(priv ed25519.PrivateKey) (*Key, error) {
	pub := priv.Public().(ed25519.PublicKey)
	kid, err := Thumbprint(pub)
	if err != nil {
		return nil, err
	}
	return &Key{ID: kid, Public: pub, private: priv}, nil
}

// Thumbprint returns the RFC 7638 JWK thumbprint (SHA-256, base64url without padding)
// of an Ed25519 public key: the key ID Miz uses for it.
func Thumbprint(pub ed25519.PublicKey) (string, error) {
	jwk := jose.JSONWebKey{Key: pub}
	sum, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("keys: thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}

func readKeyFile(path string) (*Key, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keys: read %s: %w", path, err)
	}
	block, rest := pem.Decode(raw)
	if block == nil || block.Type != "PRIVATE KEY" || len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("keys: read %s: want exactly one PKCS#8 \"PRIVATE KEY\" PEM block", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("keys: read %s: %w", path, err)
	}
	priv, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("keys: read %s: %T is not an Ed25519 key", path, parsed)
	}
	k, err := newKey(priv)
	if err != nil {
		return nil, fmt.Errorf("keys: read %s: %w", path, err)
	}
	return k, nil
}

// writeFileAtomic writes data to path with mode 0600 through a temporary file and a
// rename, so a crash never leaves half a key or half a manifest behind.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
