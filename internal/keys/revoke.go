package keys

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Revocation says that a key of the ring was compromised (issue 19, runbook "signing
// key compromised"): nothing it signed at or after At is trusted; what it signed
// before At still verifies, flagged, because a holder of the stolen key can backdate.
type Revocation struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// ErrRevokedKey is wrapped by VerifyJWS when the signing key was revoked and the
// signed item is dated at or after the compromise (or carries no date).
var ErrRevokedKey = errors.New("signing key revoked")

// Revoke marks key kid as compromised from at on, for reason, and saves the ring.
// The active key cannot be revoked: rotate first, so that something signs. Revoking a
// revoked key again replaces its time and reason (an investigation may move the
// compromise earlier).
func (r *Ring) Revoke(kid string, at time.Time, reason string) (*Key, error) {
	if reason == "" {
		return nil, fmt.Errorf("keys: revoke %s: a reason is required", kid)
	}
	if at.IsZero() {
		return nil, fmt.Errorf("keys: revoke %s: a compromise time is required", kid)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	i := slices.IndexFunc(r.keys, func(c *Key) bool { return c.ID == kid })
	if i < 0 {
		return nil, fmt.Errorf("keys: revoke %s: no such key in the ring", kid)
	}
	if r.keys[i] == r.active {
		return nil, fmt.Errorf("keys: revoke %s: it is the active key; run `miz keys rotate` first", kid)
	}
	// Keys handed out are never changed: the revoked key is a new value.
	prev := r.keys[i]
	k := *prev
	k.Revoked = &Revocation{At: at.UTC().Truncate(time.Second), Reason: reason}
	r.keys[i] = &k
	if err := r.saveManifestLocked(); err != nil {
		r.keys[i] = prev
		return nil, fmt.Errorf("keys: revoke %s: %w", kid, err)
	}
	return &k, nil
}

// Lookup returns the ring's key kid; its Revoked field says whether it is revoked.
func (r *Ring) Lookup(kid string) (*Key, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, k := range r.keys {
		if k.ID == kid {
			return k, true
		}
	}
	return nil, false
}

// publishedKey is the part of a published JWK that Miz adds to RFC 7517's members
// (RFC 7517 section 4: members a reader does not understand are ignored).
type publishedKey struct {
	KeyID     string `json:"kid"`
	RevokedAt string `json:"revoked_at,omitempty"`
	Reason    string `json:"revocation_reason,omitempty"`
}

// RevocationIn returns the revocation that the published key set jwks records for
// kid, or nil when the key is not revoked (or not in the set). It reads only its
// argument, so offline verifiers use it on a saved JWKS.
func RevocationIn(jwks []byte, kid string) (*Revocation, error) {
	var set struct {
		Keys []publishedKey `json:"keys"`
	}
	if err := json.Unmarshal(jwks, &set); err != nil {
		return nil, fmt.Errorf("keys: key set: %w: %v", ErrMalformed, err)
	}
	for _, k := range set.Keys {
		if k.KeyID != kid || k.RevokedAt == "" {
			continue
		}
		at, err := time.Parse(time.RFC3339, k.RevokedAt)
		if err != nil {
			return nil, fmt.Errorf("keys: key set: %w: revoked_at of %s: %v", ErrMalformed, kid, err)
		}
		return &Revocation{At: at, Reason: k.Reason}, nil
	}
	return nil, nil
}

// SignedAt returns the time a signed payload says it was made: the JWT "iat"
// (seconds), or the first of "validFrom", "issued_at", "delivered_at" (RFC 3339)
// that is present — the fields Miz's credentials, statements and reports carry.
func SignedAt(payload []byte) (time.Time, bool) {
	var p map[string]json.RawMessage
	if json.Unmarshal(payload, &p) != nil {
		return time.Time{}, false
	}
	if raw, ok := p["iat"]; ok {
		var sec int64
		if json.Unmarshal(raw, &sec) == nil {
			return time.Unix(sec, 0).UTC(), true
		}
	}
	for _, name := range []string{"validFrom", "issued_at", "delivered_at"} {
		var s string
		if json.Unmarshal(p[name], &s) != nil || s == "" {
			continue
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// checkRevoked is VerifyJWS's last step: nil unless kid is revoked in jwks and the
// payload is dated at or after the compromise (or undated).
func checkRevoked(jwks []byte, kid string, payload []byte) error {
	rev, err := RevocationIn(jwks, kid)
	if err != nil || rev == nil {
		return err
	}
	at, ok := SignedAt(payload)
	if !ok {
		return fmt.Errorf("keys: verify jws: %w: key %s was revoked on %s (%s) and this item carries no signing date",
			ErrRevokedKey, kid, rev.At.Format(time.RFC3339), rev.Reason)
	}
	if !at.Before(rev.At) {
		return fmt.Errorf("keys: verify jws: %w: key %s was revoked on %s (%s); this item is dated %s, at or after the compromise, and is not trusted",
			ErrRevokedKey, kid, rev.At.Format(time.RFC3339), rev.Reason, at.Format(time.RFC3339))
	}
	return nil
}

// RevokedWarning returns the words a verifier shows beside a valid item signed by a
// key revoked later ("" when kid is not revoked in jwks): the item is dated before
// the compromise, but a thief of the key could have backdated it, so the relying
// party checks it against the transparency log or asks for the re-signed copy.
func RevokedWarning(jwks []byte, kid string) string {
	rev, err := RevocationIn(jwks, kid)
	if err != nil || rev == nil {
		return ""
	}
	return fmt.Sprintf("WARNING: signed by key %s, revoked on %s (%s); this item is dated before the compromise, "+
		"but check it against the transparency log (--proof) or fetch the re-signed copy from the registry",
		kid, rev.At.Format(time.RFC3339), rev.Reason)
}
