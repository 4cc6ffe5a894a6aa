package certify

import (
	"fmt"

	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/tlog"
)

// NewLog returns the transparency log in db whose checkpoints are signed by the
// ring's active key under origin (e.g. "miz.ito.gov.ir/log").
func NewLog(db *store.DB, ring *keys.Ring, origin string) (*tlog.Log, error) {
	signer, err := ring.NoteSigner(origin)
	if err != nil {
		return nil, fmt.Errorf("certify: log signer: %w", err)
	}
	verifier, err := ring.NoteVerifier(origin)
	if err != nil {
		return nil, fmt.Errorf("certify: log verifier: %w", err)
	}
	return tlog.New(db, origin, signer, verifier), nil
}

// LogKeys returns the signed-note verifier key text of the log's active key, the
// form offline verifiers pass to `miz verify --log-key`.
func (r *Registry) LogKeys() ([]string, error) {
	var out []string
	active, err := r.Keys.NoteVerifierKey(r.Log.Origin())
	if err != nil {
		return nil, err
	}
	out = append(out, active)
	return out, nil
}
