package evidence

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Key is the evidence key: an AES-256-GCM key that wraps each file's own data key.
// Its ID (the first 8 bytes of the SHA-256 of the key, in hex) is stored with every
// wrapped data key, so a file always names the key that can open it.
type Key struct {
	id   string
	aead cipher.AEAD
}

// NewKey returns the key for 32 raw bytes.
func NewKey(raw []byte) (*Key, error) {
	if len(raw) != 32 {
		return nil, fmt.Errorf("evidence: key: want 32 bytes, got %d", len(raw))
	}
	aead, err := newAEAD(raw)
	if err != nil {
		return nil, fmt.Errorf("evidence: key: %w", err)
	}
	sum := sha256.Sum256(raw)
	return &Key{id: hex.EncodeToString(sum[:8]), aead: aead}, nil
}

// ID names the key without revealing it.
func (k *Key) ID() string { return k.id }

// LoadOrCreateKey reads the base64 key in path (the key directory's evidence.key),
// creating it (mode 0600, its directory 0700) with a fresh random key on first use,
// as the TOTP key is kept.
func LoadOrCreateKey(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return nil, fmt.Errorf("evidence: key: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("evidence: key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("evidence: key: %w", err)
		}
		_, werr := f.WriteString(base64.StdEncoding.EncodeToString(raw) + "\n")
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			return nil, fmt.Errorf("evidence: key: %w", err)
		}
		return NewKey(raw)
	}
	if err != nil {
		return nil, fmt.Errorf("evidence: key: %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("evidence: key %s is not base64: %w", path, err)
	}
	return NewKey(raw)
}

func newAEAD(raw []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal encrypts plain with aead under a fresh random nonce, which leads the output.
func seal(aead cipher.AEAD, plain, ad []byte) ([]byte, error) {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, plain, ad), nil
}

// open reverses seal.
func open(aead cipher.AEAD, sealed, ad []byte) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return nil, errors.New("evidence: ciphertext too short")
	}
	return aead.Open(nil, sealed[:n], sealed[n:], ad)
}

// wrapAD binds a wrapped data key to its key's purpose.
var wrapAD = []byte("miz-evidence-data-key")

// newDataKey makes a file's data key and returns it with its wrapped form.
func (k *Key) newDataKey() (cipher.AEAD, []byte, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, nil, fmt.Errorf("evidence: data key: %w", err)
	}
	wrapped, err := seal(k.aead, raw, wrapAD)
	if err != nil {
		return nil, nil, fmt.Errorf("evidence: wrap data key: %w", err)
	}
	aead, err := newAEAD(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("evidence: data key: %w", err)
	}
	return aead, wrapped, nil
}

// dataKey unwraps a file's data key.
func (k *Key) dataKey(keyID string, wrapped []byte) (cipher.AEAD, error) {
	if keyID != k.id {
		return nil, fmt.Errorf("evidence: file was sealed with key %s, this desk holds %s", keyID, k.id)
	}
	raw, err := open(k.aead, wrapped, wrapAD)
	if err != nil {
		return nil, fmt.Errorf("evidence: unwrap data key: %w", err)
	}
	return newAEAD(raw)
}

// chunkAD binds a chunk to its place in its file: chunks cannot be reordered,
// and the file's own data key keeps them from moving between files.
func chunkAD(seq int) []byte { return []byte(fmt.Sprintf("miz-evidence-chunk:%d", seq)) }
