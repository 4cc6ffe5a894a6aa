package keys

import (
	"crypto/ed25519"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// noteSigner signs signed notes (c2sp.org/signed-note) with one Ed25519 key.
type noteSigner struct {
	name string
	hash uint32
	key  ed25519.PrivateKey
}

func (s *noteSigner) Name() string                    { return s.name }
func (s *noteSigner) KeyHash() uint32                 { return s.hash }
func (s *noteSigner) Sign(msg []byte) ([]byte, error) { return ed25519.Sign(s.key, msg), nil }

// NoteSigner returns a signed-note signer named name (for a transparency log, its
// origin) that signs with the key active now. It keeps that key after a later Rotate,
// so that a signature line and its key hash always belong together; build a new one
// after rotating.
func (r *Ring) NoteSigner(name string) (note.Signer, error) {
	k := r.Active()
	v, err := noteVerifier(name, k)
	if err != nil {
		return nil, err
	}
	return &noteSigner{name: name, hash: v.KeyHash(), key: k.private}, nil
}

// NoteVerifier returns the signed-note verifier for the active key under name.
func (r *Ring) NoteVerifier(name string) (note.Verifier, error) {
	return noteVerifier(name, r.Active())
}

// NoteVerifiers returns signed-note verifiers for every key of the ring under name,
// so that checkpoints signed before a rotation still verify.
func (r *Ring) NoteVerifiers(name string) ([]note.Verifier, error) {
	var vs []note.Verifier
	for _, k := range r.Keys() {
		v, err := noteVerifier(name, k)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// NoteKey returns the key of the ring whose signed-note verifier under name has the
// given key hash, with that verifier: the key that signed a note, so that a caller
// can see whether it was revoked (issue 19) before trusting what the note says.
func (r *Ring) NoteKey(name string, hash uint32) (*Key, note.Verifier, error) {
	for _, k := range r.Keys() {
		v, err := noteVerifier(name, k)
		if err != nil {
			return nil, nil, err
		}
		if v.KeyHash() == hash {
			return k, v, nil
		}
	}
	return nil, nil, &note.UnknownVerifierError{Name: name, KeyHash: hash}
}

// NoteVerifierKey returns the active key as signed-note verifier key text
// (name+hash+base64 of 0x01 and the public key), the form to publish so that anyone can
// verify checkpoints offline with note.NewVerifier.
func (r *Ring) NoteVerifierKey(name string) (string, error) {
	vkey, err := note.NewEd25519VerifierKey(name, r.Active().Public)
	if err != nil {
		return "", fmt.Errorf("keys: note verifier key %q: %w", name, err)
	}
	return vkey, nil
}

func noteVerifier(name string, k *Key) (note.Verifier, error) {
	vkey, err := note.NewEd25519VerifierKey(name, k.Public)
	if err != nil {
		return nil, fmt.Errorf("keys: note key %q: %w", name, err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("keys: note key %q: %w", name, err)
	}
	return v, nil
}
