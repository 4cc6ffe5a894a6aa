package keys

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// JWSType is the "typ" header of every JWS the ring signs: certificates are W3C
// Verifiable Credentials secured with JOSE, whose media type is application/vc+jwt
// (VC-JOSE-COSE, section 3.1.1), so "typ" is "vc+jwt" and "cty" is "vc".
const JWSType = "vc+jwt"

// JWSContentType is the "cty" header of every JWS the ring signs.
const JWSContentType = "vc"

// Errors returned (wrapped) by VerifyJWS.
var (
	// ErrMalformed means the token or the key set could not be parsed.
	ErrMalformed = errors.New("malformed")
	// ErrUnknownKey means the token names a kid the key set does not hold.
	ErrUnknownKey = errors.New("unknown key id")
	// ErrBadSignature means the signature does not verify under the named key.
	ErrBadSignature = errors.New("signature does not verify")
)

// JWKS returns the JSON Web Key Set (RFC 7517) of every key of the ring, oldest first,
// each as an OKP/Ed25519 key with its kid, "use": "sig" and "alg": "EdDSA". Publishing
// all keys, not just the active one, keeps certificates signed before a rotation
// verifiable. A revoked key (issue 19) also carries "revoked_at" (RFC 3339) and
// "revocation_reason", which VerifyJWS and RevocationIn read.
func (r *Ring) JWKS() []byte {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	set.Keys = []json.RawMessage{}
	for _, k := range r.Keys() {
		raw, err := json.Marshal(jose.JSONWebKey{Key: k.Public, KeyID: k.ID, Use: "sig", Algorithm: string(jose.EdDSA)})
		if err == nil && k.Revoked != nil {
			var m map[string]any
			if err = json.Unmarshal(raw, &m); err == nil {
				m["revoked_at"] = k.Revoked.At.UTC().Format(time.RFC3339)
				m["revocation_reason"] = k.Revoked.Reason
				raw, err = json.Marshal(m)
			}
		}
		if err != nil {
			// Marshalling Ed25519 public keys cannot fail; a failure is a bug.
			panic(fmt.Sprintf("keys: marshal jwks: %v", err))
		}
		set.Keys = append(set.Keys, raw)
	}
	raw, err := json.Marshal(set)
	if err != nil {
		panic(fmt.Sprintf("keys: marshal jwks: %v", err))
	}
	return raw
}

// SignJWS signs payload with the active key and returns a JWS in compact
// serialisation whose protected header is {"alg":"EdDSA","cty":"vc","kid":…,"typ":"vc+jwt"}.
func (r *Ring) SignJWS(payload []byte) (string, error) {
	k := r.Active()
	opts := (&jose.SignerOptions{}).WithType(JWSType).WithContentType(JWSContentType)
	signer, err := jose.NewSigner(jose.SigningKey{
		Algorithm: jose.EdDSA,
		Key:       jose.JSONWebKey{Key: k.private, KeyID: k.ID},
	}, opts)
	if err != nil {
		return "", fmt.Errorf("keys: sign jws: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("keys: sign jws: %w", err)
	}
	compact, err := obj.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("keys: sign jws: %w", err)
	}
	return compact, nil
}

// VerifyJWS checks a compact EdDSA JWS against a JSON Web Key Set and returns its
// payload and the kid that signed it. It needs nothing but its arguments, so it works
// offline with a JWKS saved from Miz. Errors wrap ErrMalformed, ErrUnknownKey,
// ErrBadSignature or ErrRevokedKey (the key set marks kid revoked and the payload is
// dated at or after the compromise, or undated; the payload and kid are returned). The "typ" header is not checked here; callers that accept only
// certificates check the payload themselves.
func VerifyJWS(compact string, jwks []byte) (payload []byte, kid string, err error) {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwks, &set); err != nil {
		return nil, "", fmt.Errorf("keys: verify jws: key set: %w: %v", ErrMalformed, err)
	}
	obj, err := jose.ParseSignedCompact(compact, []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		return nil, "", fmt.Errorf("keys: verify jws: %w: %v", ErrMalformed, err)
	}
	if len(obj.Signatures) != 1 {
		return nil, "", fmt.Errorf("keys: verify jws: %w: want one signature", ErrMalformed)
	}
	kid = obj.Signatures[0].Protected.KeyID
	if kid == "" {
		return nil, "", fmt.Errorf("keys: verify jws: %w: no kid in the protected header", ErrMalformed)
	}
	found := set.Key(kid)
	if len(found) == 0 {
		return nil, kid, fmt.Errorf("keys: verify jws: kid %q: %w", kid, ErrUnknownKey)
	}
	for _, k := range found {
		if !k.IsPublic() || (k.Algorithm != "" && k.Algorithm != string(jose.EdDSA)) {
			continue
		}
		if payload, err := obj.Verify(k.Key); err == nil {
			return payload, kid, checkRevoked(jwks, kid, payload)
		}
	}
	return nil, kid, fmt.Errorf("keys: verify jws: kid %q: %w", kid, ErrBadSignature)
}
