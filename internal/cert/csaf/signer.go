package csaf

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// KeyFile is the name of the OpenPGP signing key in the key directory, beside the
// Ed25519 key ring of internal/keys.
const KeyFile = "csaf-openpgp.asc"

// Signer signs CSAF documents with an OpenPGP key (CSAF 2.0 requirement 19) and
// publishes its public half (requirement 20).
type Signer struct {
	entity *openpgp.Entity
	public []byte
}

// LoadOrCreateSigner reads dir/csaf-openpgp.asc, or makes a new EdDSA key there
// (0600) on first start.
func LoadOrCreateSigner(dir string, now func() time.Time) (*Signer, error) {
	path := filepath.Join(dir, KeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createSigner(dir, path, now)
	}
	if err != nil {
		return nil, fmt.Errorf("csaf: signing key: %w", err)
	}
	list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(b))
	if err != nil || len(list) != 1 || list[0].PrivateKey == nil {
		return nil, fmt.Errorf("csaf: signing key %s: not one private OpenPGP key: %v", path, err)
	}
	return newSigner(list[0])
}

func createSigner(dir, path string, now func() time.Time) (*Signer, error) {
	if now == nil {
		now = time.Now
	}
	cfg := &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Time: now}
	e, err := openpgp.NewEntity("Maher CSAF signing key", "Miz", "cert@cert.ir", cfg)
	if err != nil {
		return nil, fmt.Errorf("csaf: new signing key: %w", err)
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PrivateKeyType, nil)
	if err == nil {
		err = e.SerializePrivate(w, cfg)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("csaf: new signing key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("csaf: key directory: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o600); err != nil {
		return nil, fmt.Errorf("csaf: write signing key: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("csaf: write signing key: %w", err)
	}
	return newSigner(e)
}

func newSigner(e *openpgp.Entity) (*Signer, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err == nil {
		err = e.Serialize(w)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("csaf: public key: %w", err)
	}
	buf.WriteByte('\n')
	return &Signer{entity: e, public: buf.Bytes()}, nil
}

// Fingerprint is the key's fingerprint in upper-case hex.
func (s *Signer) Fingerprint() string { return fmt.Sprintf("%X", s.entity.PrimaryKey.Fingerprint) }

// PublicKey is the armored public key.
func (s *Signer) PublicKey() []byte { return s.public }

// Sign returns an armored detached signature of data.
func (s *Signer) Sign(data []byte, now time.Time) (string, error) {
	var buf bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&buf, s.entity, bytes.NewReader(data), &packet.Config{Time: func() time.Time { return now }}); err != nil {
		return "", fmt.Errorf("csaf: sign: %w", err)
	}
	buf.WriteByte('\n')
	return buf.String(), nil
}

// Verify checks an armored detached signature of data against the key.
func (s *Signer) Verify(data []byte, sig string) error {
	_, err := openpgp.CheckArmoredDetachedSignature(openpgp.EntityList{s.entity}, bytes.NewReader(data), bytes.NewReader([]byte(sig)), nil)
	if err != nil {
		return fmt.Errorf("csaf: verify: %w", err)
	}
	return nil
}

// Created is when the key was made.
func (s *Signer) Created() time.Time { return s.entity.PrimaryKey.CreationTime }
