package identity

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/store"
)

// sealedPrefix marks a TOTP secret stored encrypted (version 1: AES-256-GCM with the
// account ID as associated data); a secret without it is a plain row from before
// encryption, upgraded by SealTOTPSecrets. Security #8b.
const sealedPrefix = "v1:"

// TOTPKey encrypts TOTP secrets at rest. The zero value (or nil) stores them as they
// are, which only tests of other rules rely on; the server always sets a key.
type TOTPKey struct {
	aead cipher.AEAD
}

// NewTOTPKey returns the key for 32 raw bytes.
func NewTOTPKey(raw []byte) (*TOTPKey, error) {
	if len(raw) != 32 {
		return nil, fmt.Errorf("identity: totp key: want 32 bytes, got %d", len(raw))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, fmt.Errorf("identity: totp key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("identity: totp key: %w", err)
	}
	return &TOTPKey{aead: aead}, nil
}

// ParseTOTPKey decodes a base64 (standard or URL alphabet) 32-byte key.
func ParseTOTPKey(b64 string) (*TOTPKey, error) {
	s := strings.TrimSpace(b64)
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if raw, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return nil, fmt.Errorf("identity: totp key is not base64: %w", err)
		}
	}
	return NewTOTPKey(raw)
}

// LoadOrCreateTOTPKey reads the base64 key in path, creating it (mode 0600, its
// directory 0700) with a fresh random key on first use.
func LoadOrCreateTOTPKey(path string) (*TOTPKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return nil, fmt.Errorf("identity: totp key: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("identity: totp key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("identity: totp key: %w", err)
		}
		_, werr := f.WriteString(base64.StdEncoding.EncodeToString(raw) + "\n")
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			return nil, fmt.Errorf("identity: totp key: %w", err)
		}
		return NewTOTPKey(raw)
	}
	if err != nil {
		return nil, fmt.Errorf("identity: totp key: %w", err)
	}
	return ParseTOTPKey(string(b))
}

func accountAD(accountID int64) []byte { return []byte("miz-totp:" + strconv.FormatInt(accountID, 10)) }

// seal returns the stored form of secret for an account.
func (k *TOTPKey) seal(accountID int64, secret string) (string, error) {
	if k == nil || k.aead == nil || secret == "" {
		return secret, nil
	}
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("identity: seal totp secret: %w", err)
	}
	out := k.aead.Seal(nonce, nonce, []byte(secret), accountAD(accountID))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// open returns the TOTP secret from its stored form; a plain (legacy) secret is
// returned as it is.
func (k *TOTPKey) open(accountID int64, stored string) (string, error) {
	body, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return stored, nil
	}
	if k == nil || k.aead == nil {
		return "", errors.New("identity: totp secret is encrypted and no key is set")
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < k.aead.NonceSize() {
		return "", errors.New("identity: totp secret: malformed ciphertext")
	}
	n := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, raw[:n], raw[n:], accountAD(accountID))
	if err != nil {
		return "", fmt.Errorf("identity: totp secret of account %d does not decrypt (wrong key?): %w", accountID, err)
	}
	return string(plain), nil
}

// ErrTOTPKeyMismatch: the database holds TOTP secrets this key cannot decrypt (another
// instance made its own key, or the key was lost or changed).
var ErrTOTPKeyMismatch = errors.New("identity: the TOTP key does not decrypt the secrets in the database; give every instance the same --totp-key (MIZ_TOTP_KEY)")

// CheckTOTPKey verifies that k decrypts an encrypted secret of the database, if there
// is one, so that a wrong key stops the start instead of every staff login.
func CheckTOTPKey(ctx context.Context, db *store.DB, k *TOTPKey) error {
	var id int64
	var stored string
	err := db.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT id, totp_secret FROM accounts WHERE totp_secret LIKE 'v1:%' ORDER BY id LIMIT 1`).Scan(&id, &stored)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("identity: check totp key: %w", err)
	}
	if _, err := k.open(id, stored); err != nil {
		return fmt.Errorf("%w (%v)", ErrTOTPKeyMismatch, err)
	}
	return nil
}

// SealTOTPSecrets encrypts every TOTP secret still stored in plain text (the upgrade
// path of Security #8b; run at start). It returns how many rows it encrypted.
func SealTOTPSecrets(ctx context.Context, db *store.DB, k *TOTPKey) (int, error) {
	if k == nil {
		return 0, nil
	}
	n := 0
	err := db.Update(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, totp_secret FROM accounts WHERE totp_secret <> '' AND totp_secret NOT LIKE 'v1:%'`)
		if err != nil {
			return err
		}
		type plain struct {
			id     int64
			secret string
		}
		var todo []plain
		for rows.Next() {
			var p plain
			if err := rows.Scan(&p.id, &p.secret); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, p := range todo {
			sealed, err := k.seal(p.id, p.secret)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE accounts SET totp_secret = ? WHERE id = ? AND totp_secret = ?`, sealed, p.id, p.secret); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("identity: seal totp secrets: %w", err)
	}
	return n, nil
}
